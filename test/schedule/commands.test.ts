import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations, Store } from '../../src/store/store.js';
import { example, projectRoot, runCli, tempDir } from '../helpers.js';
import { useSandbox } from '../sandbox/helpers.js';
import { scheduling } from './helpers.js';

const now = '2027-05-20T06:00:00.000Z';
const sandbox = useSandbox({ now });

describe('run-due from cron', () => {
  it('with no record yet, or nothing scheduled, says nothing, exits 0 and creates nothing', async () => {
    const dir = await tempDir();
    const db = join(dir, 'nothing.db');
    const result = await runCli(['run-due'], { env: { IP_POST_DB: db } });
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    const json = await runCli(['run-due', '--json'], { env: { IP_POST_DB: db } });
    expect([json.code, JSON.parse(json.stdout)]).toEqual([0, { posts: [] }]);
    expect(existsSync(db)).toBe(false);
  });

  it('a due post whose platform has no credentials: exit 2 naming them, and the post stays queued', async () => {
    const db = join(await tempDir(), 'record.db');
    // Scheduled where the X keys were set (nothing is sent yet); cron's environment lacks them.
    const keys = { IP_POST_X_APP_KEY: 'k', IP_POST_X_APP_SECRET: 's', IP_POST_X_ACCESS_TOKEN: 't', IP_POST_X_ACCESS_SECRET: 'a' };
    const scheduled = await runCli(['announce', example('seminar.yml'), '--only', 'x', '--lang', 'lv', '--at', '+1h', '--yes'], { env: { IP_POST_DB: db, IP_POST_NOW: now, ...keys } });
    expect(scheduled.code, scheduled.stderr).toBe(0);
    const result = await runCli(['run-due'], { env: { IP_POST_DB: db, IP_POST_NOW: '2027-05-20T07:01:00.000Z' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('secrets are not set: IP_POST_X_APP_KEY (x)');
    const queue = await runCli(['queue', '--json'], { env: { IP_POST_DB: db, IP_POST_NOW: now } });
    expect((JSON.parse(queue.stdout) as { posts: { status: string }[] }).posts.map((post) => post.status)).toEqual(['scheduled']);
  });

  it('a record in a folder that is not there, or a file that is no record, is an input error, not silence', async () => {
    const dir = await tempDir();
    const typo = await runCli(['run-due', '--db', join(dir, 'no-such-folder', 'ip-post.db')]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(`${join(dir, 'no-such-folder', 'ip-post.db')}: no such folder, so no record is there`);
    await writeFile(join(dir, 'notes.txt'), 'not a database, but long enough to be read as one '.repeat(20));
    for (const command of [['run-due'], ['queue'], ['history']]) {
      const broken = await runCli([...command, '--db', join(dir, 'notes.txt')]);
      expect([broken.code, broken.stderr], command[0]).toEqual([2, `ip-post: ${join(dir, 'notes.txt')}: is not an ip-post record (SQLite cannot read it as a database)\n  fix: point --db, IP_POST_DB or config db at the record; to start a new one, move this file away\n`]);
    }
  });

  it('queue reads the record and makes none: nothing is scheduled where there is no record', async () => {
    const db = join(await tempDir(), 'none', 'ip-post.db');
    expect(await runCli(['queue'], { env: { IP_POST_DB: db } })).toEqual({ code: 0, stdout: 'Nothing is scheduled.\n', stderr: '' });
    expect(JSON.parse((await runCli(['queue', '--json'], { env: { IP_POST_DB: db } })).stdout)).toEqual({ posts: [] });
    const show = await runCli(['queue', 'show', '1'], { env: { IP_POST_DB: db } });
    expect(show.code).toBe(2);
    expect(show.stderr).toContain('there is no record here yet, so nothing is scheduled');
    expect(existsSync(db)).toBe(false);
  });

  it('a bad IP_POST_NOW is an input error', async () => {
    const result = await runCli(['run-due'], { env: { IP_POST_NOW: 'yesterday' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('IP_POST_NOW: "yesterday" is not an instant');
    // Times no calendar has are refused, not moved on (30 February would be 2 March).
    const dir = await tempDir();
    for (const impossible of ['2027-02-30T10:00Z', '2027-04-31T10:00Z', '2027-06-01T24:00Z', '2027-06-01T10:60Z', '2027-06-01T10:00+25:00']) {
      const refused = await runCli(['run-due'], { env: { IP_POST_NOW: impossible, IP_POST_DB: join(dir, 'none.db') } });
      expect([refused.code, refused.stderr.split('\n')[0]], impossible).toEqual([2, `ip-post: IP_POST_NOW: "${impossible}" is not an instant`]);
    }
    for (const fine of ['2028-02-29T10:00Z', '2027-06-01T23:59:59.5-05:30']) {
      expect((await runCli(['run-due'], { env: { IP_POST_NOW: fine, IP_POST_DB: join(dir, 'none.db') } })).code, fine).toBe(0);
    }
  });
});

describe('ip-post queue', () => {
  it('lists what waits, when, where and how; shows one post as it will go out', async () => {
    const session = await scheduling(sandbox());
    const { result } = await session.schedule(example('seminar.yml'), '2027-06-01 10:00', now, ['--only', 'facebook,x', '--lang', 'lv', '--reminders', '1d']);
    const list = await session.at(now, ['queue']);
    expect(list.code).toBe(0);
    const lines = list.stdout.split('\n');
    expect(lines[0]).toMatch(/^post\s+when\s+platform\s+languages\s+how\s+state\s+announcement$/);
    expect(lines.slice(1, 5).map((line) => line.replace(/\s+/g, ' ').trim())).toEqual([
      `${result.posts[0]!.post} 2027-06-01 10:00 EEST (Europe/Riga) Facebook lv on Facebook scheduled kapacitates-seminars-2027`,
      `${result.posts[1]!.post} 2027-06-01 10:00 EEST (Europe/Riga) X lv queue scheduled kapacitates-seminars-2027`,
      `${result.posts[2]!.post} 2027-06-07 10:00 EEST (Europe/Riga) Facebook lv on Facebook scheduled kapacitates-seminars-2027 (reminder 1d before)`,
      `${result.posts[3]!.post} 2027-06-07 10:00 EEST (Europe/Riga) X lv queue scheduled kapacitates-seminars-2027 (reminder 1d before)`,
    ]);
    const shown = await session.at(now, ['queue', 'show', String(result.posts[3]!.post)]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('state: queued · 2027-06-07 10:00 EEST (Europe/Riga) · `ip-post run-due` publishes it');
    expect(shown.stdout).toContain('⏰ Rīt plkst. 10.00');
  });

  it('cancel and reschedule answer --json, name each post once, and say why a post is not waiting', async () => {
    const session = await scheduling(sandbox());
    const { result } = await session.schedule(example('seminar.yml'), '+2h', now, ['--only', 'x', '--lang', 'lv,en']);
    const [lv, en] = result.posts.map((post) => String(post.post));
    const moved = await session.at(now, ['queue', 'reschedule', lv!, '+3h', '--json']);
    expect(moved.code, moved.stderr).toBe(0);
    expect(JSON.parse(moved.stdout)).toMatchObject({ posts: [{ post: Number(lv), platform: 'x', status: 'scheduled', via: 'queue', at: '2027-05-20T09:00:00.000Z', rescheduled: true }] });

    const cancelled = await session.at(now, ['queue', 'cancel', lv!, lv!, '--json']);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(JSON.parse(cancelled.stdout)).toEqual({ posts: [expect.objectContaining({ post: Number(lv), status: 'cancelled', cancelled: true })] });
    const again = await session.at(now, ['queue', 'cancel', lv!]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`nothing of ${lv} is waiting to go out: post ${lv} is already cancelled`);

    await session.runDue('2027-05-20T08:01:00.000Z');
    const published = await session.at('2027-05-20T08:05:00.000Z', ['queue', 'reschedule', en!, '+1h']);
    expect(published.code).toBe(2);
    expect(published.stderr).toMatch(new RegExp(`post ${en} is already published: https://x.com/`));

    // A run with a cancelled post is settled: retry has nothing to do and says so with exit 0.
    const retried = await session.at('2027-05-20T08:06:00.000Z', ['retry', result.run]);
    expect([retried.code, retried.stderr]).toEqual([0, `Nothing of run ${result.run} is left to send: every post is published, scheduled or cancelled.\n`]);
    // History counts them so, in the officer's time zone.
    const listed = await session.cli(['history'], { env: { NO_COLOR: '1' } });
    expect(listed.stdout.split('\n')[0]).toBe(`${result.run}  2027-05-20 09:00 EEST (Europe/Riga)  kapacitates-seminars-2027  2 posts: 1 published, 1 cancelled`);
  });

  it('a reminder cannot move to another day: its wording would no longer be true', async () => {
    const session = await scheduling(sandbox());
    const { result } = await session.schedule(example('seminar.yml'), undefined, now, ['--only', 'x', '--lang', 'lv', '--reminders', '1d']);
    const reminder = result.posts.find((post) => post.reminder)!;
    const sameDay = await session.at(now, ['queue', 'reschedule', String(reminder.post), '2027-06-07 18:00']);
    expect(sameDay.code, sameDay.stdout + sameDay.stderr).toBe(0);
    const otherDay = await session.at(now, ['queue', 'reschedule', String(reminder.post), '2027-06-06 18:00']);
    expect(otherDay.code).toBe(2);
    expect(otherDay.stderr).toContain('is the 1d reminder, worded for 1 day before the event; at 2027-06-06 18:00 EEST (Europe/Riga) it would be 2 days before the event');
  });

  it('nor after the event has begun, on the same day', async () => {
    const session = await scheduling(sandbox());
    const { result } = await session.schedule(example('seminar.yml'), undefined, now, ['--only', 'x', '--lang', 'lv', '--reminders', '2h']);
    const reminder = result.posts.find((post) => post.reminder)!;
    const afterStart = await session.at(now, ['queue', 'reschedule', String(reminder.post), '2027-06-08 15:00']);
    expect(afterStart.code).toBe(2);
    expect(afterStart.stderr).toContain('is the 2h reminder, worded for the day of the event; at 2027-06-08 15:00 EEST (Europe/Riga) the event (2027-06-08 10:00 EEST (Europe/Riga)) will have begun');
  });
});

describe('sandbox runs and real runs in one record (--db, IP_POST_DB)', () => {
  it('are kept apart: run-due, queue and retry act only on the kind they are run for', async () => {
    const session = await scheduling(sandbox());
    const tried = await session.schedule(example('seminar.yml'), '+1h', now, ['--only', 'x', '--lang', 'lv']);
    // A real run into the same record: its X post waits in the queue; nothing is sent when it is recorded.
    const keys = { IP_POST_X_APP_KEY: 'k', IP_POST_X_APP_SECRET: 's', IP_POST_X_ACCESS_TOKEN: 't', IP_POST_X_ACCESS_SECRET: 'a' };
    const real = await runCli(['announce', example('seminar.yml'), '--only', 'x', '--lang', 'en', '--at', '+1h', '--yes', '--json'], { env: { IP_POST_DB: session.db, IP_POST_NOW: now, ...keys } });
    expect(real.code, real.stderr).toBe(0);
    const realRun = (JSON.parse(real.stdout) as { run: string }).run;

    expect((await session.queue(now)).map((post) => post.run)).toEqual([tried.result.run]);
    const realQueue = await runCli(['queue', '--json'], { env: { IP_POST_DB: session.db, IP_POST_NOW: now } });
    expect((JSON.parse(realQueue.stdout) as { posts: { run: string }[] }).posts.map((post) => post.run)).toEqual([realRun]);

    // Cron into the sandbox sends the sandbox's post only; the real one is not published into the sandbox.
    const due = await session.runDue('2027-05-20T07:01:00.000Z');
    expect(due.posts).toMatchObject([{ platform: 'x', languages: ['lv'], status: 'published' }]);
    expect(sandbox().records.list('x')).toHaveLength(1);
    const realAfter = await runCli(['queue', '--json'], { env: { IP_POST_DB: session.db, IP_POST_NOW: now } });
    expect((JSON.parse(realAfter.stdout) as { posts: { status: string }[] }).posts).toMatchObject([{ status: 'scheduled', via: 'queue' }]);

    const crossed = await session.cli(['retry', realRun]);
    expect([crossed.code, crossed.stderr]).toEqual([2, `ip-post: run ${realRun} is a real run, not a sandbox's\n  fix: leave out --sandbox to work on it\n`]);
    const cancelled = await runCli(['queue', 'cancel', tried.result.run], { env: { IP_POST_DB: session.db } });
    expect([cancelled.code, cancelled.stderr]).toEqual([2, `ip-post: run ${tried.result.run} was published into a sandbox\n  fix: add --sandbox to work on it\n`]);
  });
});

describe('ip-post cron', () => {
  it('prints a crontab line and a systemd timer with this Node, this ip-post, the given config and its record', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'my config.json'), JSON.stringify({ db: 'records/ip-post.db' }));
    const result = await runCli(['cron', '--every', '10', '--config', join(dir, 'my config.json')], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const entry = join(projectRoot, 'bin', 'ip-post.cjs');
    const runDue = `${process.execPath} ${entry} run-due --config '${join(dir, 'my config.json')}' --db ${join(dir, 'records', 'ip-post.db')}`;
    expect(result.stdout).toContain(`*/10 * * * * cd ${dir} && ${runDue}\n`);
    expect(result.stdout).toContain(`ExecStart=${runDue}\n`);
    expect(result.stdout).toContain('OnCalendar=*:0/10');
    expect(result.stdout).toContain('Description=Run ip-post run-due every 10 minutes');
    expect((await runCli(['cron', '--every', '0'])).code).toBe(2);
  });

  it('names the record found here, since cron has none of these variables; refuses a config that is not there', async () => {
    const dir = await tempDir();
    const found = await runCli(['cron', '--every', '1'], { cwd: dir, env: { XDG_DATA_HOME: join(dir, 'data') } });
    expect(found.stdout).toContain(`run-due --db ${join(dir, 'data', 'ip-post', 'ip-post.db')}\n`);
    expect(found.stdout).toContain('every 1 minute.');
    const missing = await runCli(['cron', '--config', join(dir, 'nope.json')], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`${join(dir, 'nope.json')}`);
  });
});

describe('the record from before scheduling', () => {
  it('is migrated in place: its runs and posts kept, the new states allowed', async () => {
    const file = join(await tempDir(), 'old.db');
    const old = new Database(file);
    old.exec(migrations[0]!);
    old.pragma('user_version = 1');
    old.prepare("INSERT INTO runs (id, announcement, file, created_at) VALUES ('r1', 'a', 'a.yml', '2026-01-01T00:00:00Z')").run();
    old.prepare("INSERT INTO posts (run_id, position, platform, languages, plan, state, remote_id, updated_at) VALUES ('r1', 0, 'x', '[\"lv\"]', '{}', 'published', '123', '2026-01-01T00:00:00Z')").run();
    old.prepare("INSERT INTO calls (post_id, at, name, phase) VALUES (1, '2026-01-01T00:00:00Z', 'tweet', 'after')").run();
    old.close();

    const store = await Store.open(file);
    try {
      expect(store.posts('r1')).toMatchObject([{ state: 'published', remote_id: '123', due_at: null, schedule: null, lease_holder: null }]);
      expect(store.calls(1)).toEqual([{ name: 'tweet', phase: 'after', detail: undefined }]);
      store.update(1, { state: 'cancelled' });
      expect(store.post(1).state).toBe('cancelled');
    } finally {
      store.close();
    }
    const reopened = new Database(file, { readonly: true });
    expect(reopened.pragma('user_version', { simple: true })).toBe(migrations.length);
    reopened.close();
  });
});
