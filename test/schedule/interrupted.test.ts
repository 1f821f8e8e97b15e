import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { PostOutcome } from '../../src/publish/engine.js';
import { startSandbox } from '../../src/sandbox/server.js';
import { example, projectRoot } from '../helpers.js';
import { useSandbox } from '../sandbox/helpers.js';
import { scheduling } from './helpers.js';

// Commands cut off half-way (SIGKILL): what they leave is finished by the next command, each post once.
const now = '2027-05-20T06:00:00.000Z';
const due = '2027-06-01T07:00:00.000Z';
const minutes = (iso: string, delta: number) => new Date(Date.parse(iso) + delta * 60_000).toISOString();
const hook = join(projectRoot, 'test', 'publish', 'kill-hook.cjs');
const sandbox = useSandbox({ now });

function journal(db: string): { name: string; phase: string }[] {
  const record = new Database(db, { readonly: true });
  try {
    return record.prepare('SELECT name, phase FROM calls ORDER BY id').all() as { name: string; phase: string }[];
  } finally {
    record.close();
  }
}

function states(db: string): { platform: string; state: string; reminder: string | null }[] {
  if (!existsSync(db)) return [];
  const record = new Database(db, { readonly: true });
  try {
    return record.prepare('SELECT platform, state, reminder FROM posts ORDER BY id').all() as { platform: string; state: string; reminder: string | null }[];
  } finally {
    record.close();
  }
}

describe('an `announce --at` killed while handing posts to Facebook', () => {
  it('leaves them listed, and run-due hands them over; every post goes out once, at its time', async () => {
    const session = await scheduling(sandbox());
    sandbox().faults.add({ platform: 'facebook', endpoint: 'photos.create', kind: 'latency', latencyMs: 4000, times: 0 });
    const { child, exited } = session.start(['announce', example('seminar.yml'), '--only', 'facebook,x', '--lang', 'lv', '--at', '2027-06-01 10:00', '--reminders', '1d', '--yes'], { env: { IP_POST_NOW: now } });
    for (let waited = 0; !states(session.db).some((post) => post.state === 'sending'); waited += 25) {
      expect(waited, 'announce started sending').toBeLessThan(15_000);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    child.kill('SIGKILL');
    expect(await exited).toBeNull();
    expect(states(session.db)).toEqual([
      { platform: 'facebook', state: 'sending', reminder: null },
      { platform: 'x', state: 'queued', reminder: null },
      { platform: 'facebook', state: 'planned', reminder: '1d' },
      { platform: 'x', state: 'queued', reminder: '1d' },
    ]);
    sandbox().faults.clear();
    expect((await session.queue(now)).map((post) => post.platform)).toEqual(['facebook', 'x', 'facebook', 'x']);

    // The next cron run, long before the time: Facebook gets both of its posts to hold.
    const handed = await session.runDue(minutes(now, 5));
    expect(handed.code, handed.stderr).toBe(0);
    expect(handed.posts.map((post: PostOutcome) => [post.platform, post.status, post.via])).toEqual([
      ['facebook', 'scheduled', 'native'],
      ['facebook', 'scheduled', 'native'],
    ]);
    expect(sandbox().records.list('facebook').map((post) => post.scheduledAt)).toEqual([due, '2027-06-07T07:00:00.000Z']);
    for (const at of [minutes(due, 1), minutes(due, 5), '2027-06-07T07:01:00.000Z', '2027-06-07T07:05:00.000Z']) {
      const ran = await session.runDue(at);
      expect(ran.code, ran.stderr).toBe(0);
    }
    expect(states(session.db).map((post) => post.state)).toEqual(['published', 'published', 'published', 'published']);
    expect(sandbox().records.list('facebook')).toHaveLength(2);
    expect(sandbox().records.list('x')).toHaveLength(2);
  });
});

describe('a `queue cancel` killed after Facebook deleted the post, before the record said so', () => {
  it('is finished by cancelling again, or by run-due at the post’s time: cancelled, never "deleted there, retry"', async () => {
    const session = await scheduling(sandbox());
    const first = await session.schedule(example('seminar.yml'), '2027-06-01 10:00', now, ['--only', 'facebook', '--lang', 'lv']);
    const second = await session.schedule(example('field-trip.yml'), '2027-06-01 10:00', now, ['--only', 'facebook', '--lang', 'lv']);
    expect(sandbox().records.list('facebook')).toHaveLength(2);
    for (const { result } of [first, second]) {
      // Journal entries: schedule.cancel before, then after: killed just before the second is written.
      const killed = await session.cli(['queue', 'cancel', String(result.posts[0]!.post)], { env: { IP_POST_NOW: now, NODE_OPTIONS: `--require ${hook}`, IP_POST_TEST_KILL_AT: '2' } });
      expect(killed.code).toBeNull();
    }
    expect(sandbox().records.list('facebook')).toEqual([]);
    expect(states(session.db).map((post) => post.state)).toEqual(['scheduled', 'scheduled']);

    const again = await session.at(now, ['queue', 'cancel', String(first.result.posts[0]!.post)]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('it was no longer on Facebook');
    const atItsTime = await session.runDue(minutes(due, 5));
    expect(atItsTime.code, atItsTime.stderr).toBe(0);
    expect(atItsTime.posts).toMatchObject([{ platform: 'facebook', status: 'cancelled' }]);
    expect(states(session.db).map((post) => post.state)).toEqual(['cancelled', 'cancelled']);
  });
});

describe('a `queue cancel` of a YouTube video killed after YouTube made it private, before the record said so', () => {
  it('is finished by run-due as a cancel: the video is never made public by a later retry', async () => {
    const session = await scheduling(sandbox());
    const { result } = await session.schedule(example('seminar.yml'), '2027-06-01 10:00', now, ['--only', 'youtube', '--lang', 'lv']);
    const post = String(result.posts[0]!.post);
    const killed = await session.cli(['queue', 'cancel', post], { env: { IP_POST_NOW: now, NODE_OPTIONS: `--require ${hook}`, IP_POST_TEST_KILL_AT: '2' } });
    expect(killed.code).toBeNull();
    expect(sandbox().records.list('youtube')).toMatchObject([{ privacy: 'private', published: false }]);
    // The next cron run finishes the cancel at once, long before the video's time.
    const cron = await session.runDue(minutes(now, 5));
    expect(cron.posts).toMatchObject([{ platform: 'youtube', status: 'cancelled' }]);
    const retried = await session.at(minutes(due, 10), ['retry', result.run]);
    expect(retried.code).toBe(0);
    expect(sandbox().records.list('youtube')).toMatchObject([{ privacy: 'private', published: false }]);
  });
});

describe('an `announce --at` killed after Facebook took the post to hold, with its time near', () => {
  it('is neither published early by run-due nor sent twice', async () => {
    const session = await scheduling(sandbox());
    const at = minutes(now, 20);
    // Journal: photo:0 before, after; feed before; killed as the feed's answer is being recorded.
    const killed = await session.cli(['announce', example('seminar.yml'), '--only', 'facebook', '--lang', 'lv', '--at', at, '--yes'], { env: { IP_POST_NOW: now, NODE_OPTIONS: `--require ${hook}`, IP_POST_TEST_KILL_AT: '4' } });
    expect(killed.code).toBeNull();
    expect(sandbox().records.list('facebook')).toMatchObject([{ published: false, scheduledAt: at }]);
    // Eight minutes before its time: too near for Facebook to take it again; it waits for its time.
    const early = await session.runDue(minutes(at, -8));
    expect(early.posts).toEqual([]);
    expect((await session.queue(minutes(at, -8))).map((queued) => [queued.status, queued.via])).toEqual([['scheduled', 'queue']]);
    const onTime = await session.runDue(minutes(at, 1));
    expect(onTime.posts).toMatchObject([{ platform: 'facebook', status: 'published', id: sandbox().records.list('facebook')[0]!.id }]);
    expect(sandbox().records.list('facebook')).toHaveLength(1);
  });
});

describe('a TikTok photo post cut off after TikTok was asked to fetch the photos', () => {
  it('is not asked again by run-due (TikTok cannot be asked whether it has it); retry of the unknown post asks again', async () => {
    // Where in run-due's journal TikTok's answer to photo.init is recorded, found in a sandbox of its own.
    const probeSandbox = await startSandbox({ processingPolls: 1, now });
    let afterInit = 0;
    try {
      const probe = await scheduling(probeSandbox);
      await probe.schedule(example('volunteers.yml'), '+1h', now, ['--only', 'tiktok']);
      await probe.runDue(minutes(now, 61));
      afterInit = journal(probe.db).findIndex((entry) => entry.name === 'photo.init' && entry.phase === 'after') + 1;
    } finally {
      await probeSandbox.close();
    }
    expect(afterInit).toBeGreaterThan(1);

    const session = await scheduling(sandbox());
    const { result } = await session.schedule(example('volunteers.yml'), '+1h', now, ['--only', 'tiktok']);
    const initCalls = () => sandbox().requests().filter((request) => request.endpoint === 'content.init').length;
    const killed = await session.cli(['run-due', '--json'], { env: { IP_POST_NOW: minutes(now, 61), NODE_OPTIONS: `--require ${hook}`, IP_POST_TEST_KILL_AT: String(afterInit) } });
    expect(killed.code).toBeNull();
    expect(initCalls()).toBe(1);
    const next = await session.runDue(minutes(now, 62));
    expect(next.code).toBe(1);
    expect(next.posts).toMatchObject([{ platform: 'tiktok', status: 'unknown', error: expect.stringMatching(/cannot be asked: look there; if it is not there, `ip-post retry` sends it/) }]);
    expect(initCalls()).toBe(1);
    // The officer looked, found nothing, and asks for it: now it is sent again.
    const retried = await session.at(minutes(now, 70), ['retry', result.run, '--json']);
    expect(retried.code, retried.stderr).toBe(0);
    expect(initCalls()).toBe(2);
  });
});
