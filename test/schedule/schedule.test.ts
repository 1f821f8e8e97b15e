import { describe, expect, it } from 'vitest';
import { example } from '../helpers.js';
import { useSandbox } from '../sandbox/helpers.js';
import { scheduling } from './helpers.js';

// 20 May 2027, 09:00 in Riga: the seminar (8–9 June) is announced for 1 June, 10:00 EEST (07:00 UTC).
const now = '2027-05-20T06:00:00.000Z';
const due = '2027-06-01T07:00:00.000Z';
const minutes = (iso: string, delta: number) => new Date(Date.parse(iso) + delta * 60_000).toISOString();
const sandbox = useSandbox({ now });

describe('announce --at: each post waits its way, and goes out at its time, not before', () => {
  it('Facebook and YouTube hold theirs with the right time; the queue sends the rest once when due', async () => {
    const session = await scheduling(sandbox());
    const { result, run } = await session.schedule(example('seminar.yml'), '2027-06-01 10:00', now, ['--lang', 'lv']);
    expect(run.code, run.stderr).toBe(0);
    expect(result.posts.map((post) => [post.platform, post.status, post.via, post.at])).toEqual([
      ['facebook', 'scheduled', 'native', due],
      ['instagram', 'scheduled', 'queue', due],
      ['x', 'scheduled', 'queue', due],
      ['youtube', 'scheduled', 'native', due],
      ['tiktok', 'scheduled', 'queue', due],
    ]);
    const received = (platform: string) => sandbox().records.list(platform);
    expect(received('facebook')).toMatchObject([{ scheduledAt: due, published: false }]);
    expect(received('youtube')).toMatchObject([{ scheduledAt: due, published: false, privacy: 'private' }]);
    for (const platform of ['instagram', 'x', 'tiktok']) expect(received(platform)).toEqual([]);

    // Cron, before the time: nothing to do, and nothing said.
    for (const time of [now, minutes(due, -1)]) {
      const early = await session.runDue(time);
      expect([early.code, early.posts, early.stderr]).toEqual([0, [], '']);
    }
    for (const platform of ['instagram', 'x', 'tiktok']) expect(received(platform)).toEqual([]);

    const onTime = await session.runDue(minutes(due, 1));
    expect(onTime.code, onTime.stderr).toBe(0);
    expect(onTime.posts.map((post) => [post.platform, post.status])).toEqual([
      ['instagram', 'published'],
      ['x', 'published'],
      ['tiktok', 'published'],
    ]);
    for (const platform of ['facebook', 'instagram', 'x', 'youtube', 'tiktok']) expect(received(platform), platform).toHaveLength(1);
    // The platforms published their own at the time.
    expect(received('facebook')[0]).toMatchObject({ published: true });
    expect(received('youtube')[0]).toMatchObject({ published: true, privacy: 'public' });

    // A little after the time, run-due asks Facebook and YouTube whether they published theirs.
    const confirmed = await session.runDue(minutes(due, 10));
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect(confirmed.posts.map((post) => [post.platform, post.status])).toEqual([
      ['facebook', 'published'],
      ['youtube', 'published'],
    ]);
    const again = await session.runDue(minutes(due, 15));
    expect([again.code, again.posts]).toEqual([0, []]);
    for (const platform of ['facebook', 'instagram', 'x', 'youtube', 'tiktok']) expect(received(platform), platform).toHaveLength(1);
    const history = JSON.parse((await session.cli(['history', result.run, '--json'])).stdout) as { posts: { status: string }[] };
    expect(history.posts.map((post) => post.status)).toEqual(['published', 'published', 'published', 'published', 'published']);
  });

  it('the preview says which way each post will go', async () => {
    const session = await scheduling(sandbox());
    const preview = await session.at(now, ['announce', example('seminar.yml'), '--dry-run', '--lang', 'lv', '--at', '2027-06-01 10:00']);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toContain('when     2027-06-01 10:00 EEST (Europe/Riga) — Facebook publishes it at its time');
    expect(preview.stdout).toContain('when     2027-06-01 10:00 EEST (Europe/Riga) — X has no scheduling of its own: `ip-post run-due` publishes it');
    // More than 30 days ahead: too far for Facebook's own scheduling.
    const far = await session.at(now, ['announce', example('seminar.yml'), '--dry-run', '--json', '--lang', 'lv', '--only', 'facebook,youtube', '--at', '2027-07-01 10:00']);
    const plan = JSON.parse(far.stdout) as { posts: { platform: string; schedule: { mode: string; why: string } }[] };
    expect(plan.posts.map((post) => [post.platform, post.schedule.mode])).toEqual([
      ['facebook', 'queue'],
      ['youtube', 'native'],
    ]);
    expect(plan.posts[0]!.schedule.why).toBe('Facebook schedules posts only from 10 minutes to 30 days ahead (this is 42 days ahead): `ip-post run-due` publishes it');
  });

  it('warns when the posts would go out once the event has begun or is over', async () => {
    const session = await scheduling(sandbox());
    const preview = (when: string) => session.at(now, ['announce', example('seminar.yml'), '--dry-run', '--only', 'x', '--lang', 'en', '--at', when]);
    const before = await preview('2027-06-08 09:00');
    expect(before.stdout).not.toContain('the event will');
    expect(before.stdout).toContain('1 post, all scheduled on 1 platform · 1 warning · 0 errors: ready to schedule');
    expect((await preview('2027-06-08 11:00')).stdout).toContain('⚠ at 2027-06-08 11:00 EEST (Europe/Riga) the event will have begun (it starts 2027-06-08 10:00 EEST (Europe/Riga)): the posts speak of it as ahead; check --at and the event\'s dates');
    expect((await preview('2027-06-10 10:00')).stdout).toContain('⚠ at 2027-06-10 10:00 EEST (Europe/Riga) the event will be over (it ends 2027-06-09 16:00 EEST (Europe/Riga))');
    const afterwards = await session.at('2027-06-10T07:00:00.000Z', ['announce', example('seminar.yml'), '--dry-run', '--only', 'x', '--lang', 'en']);
    expect(afterwards.stdout).toContain('⚠ the event is over (it ended 2027-06-09 16:00 EEST (Europe/Riga)): the posts speak of it as ahead; check the event\'s dates');
  });

  it('config can keep every post in ip-post’s queue', async () => {
    const session = await scheduling(sandbox(), { platforms: { facebook: { schedule: 'queue' } } });
    const { result } = await session.schedule(example('seminar.yml'), '+2h', now, ['--lang', 'lv', '--only', 'facebook']);
    expect(result.posts).toMatchObject([{ platform: 'facebook', status: 'scheduled', via: 'queue', at: minutes(now, 120) }]);
    expect(sandbox().records.list()).toEqual([]);
    const done = await session.runDue(minutes(now, 121));
    expect(done.posts).toMatchObject([{ platform: 'facebook', status: 'published' }]);
    expect(sandbox().records.list('facebook')).toMatchObject([{ published: true }]);
  });

  it('a time in the past, or one that is not a time, is refused with exit 2 and nothing is sent', async () => {
    const session = await scheduling(sandbox());
    const past = await session.at(now, ['announce', example('seminar.yml'), '--yes', '--at', '2027-05-19 10:00']);
    expect(past.code).toBe(2);
    expect(past.stderr).toMatch(/--at: .*in the past/);
    expect(past.stderr).not.toMatch(/\n\s+at /);
    const garbage = await session.at(now, ['announce', example('seminar.yml'), '--yes', '--at', 'next friday']);
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toContain('--at');
    expect(sandbox().records.list()).toEqual([]);
  });
});

describe('posts a platform holds are checked after their time', () => {
  it('a Facebook post deleted on Facebook before its time is reported, not taken as published', async () => {
    const session = await scheduling(sandbox());
    const { result } = await session.schedule(example('seminar.yml'), '2027-06-01 10:00', now, ['--only', 'facebook', '--lang', 'lv']);
    const [held] = sandbox().records.list('facebook');
    const token = sandbox().credentials().IP_POST_FACEBOOK_TOKEN;
    const deleted = await fetch(`${sandbox().baseUrls.facebook}/v25.0/${held!.id}?access_token=${token}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    const checked = await session.runDue(minutes(due, 5));
    expect(checked.code, checked.stdout + checked.stderr).toBe(1);
    expect(checked.posts).toMatchObject([{ platform: 'facebook', status: 'failed', post: result.posts[0]!.post }]);
    expect(checked.posts[0]!.error).toContain(`Facebook no longer has the post it was to publish at 2027-06-01 10:00 EEST (Europe/Riga) (deleted there?): it did not go out; \`ip-post retry ${result.run}\` publishes it now`);
    expect((await session.runDue(minutes(due, 10))).posts).toEqual([]);

    // retry sends it anew, now: the deleted post's id is not taken for the new one.
    const retried = await session.at(minutes(due, 15), ['retry', result.run, '--json']);
    expect(retried.code, retried.stderr).toBe(0);
    const [republished] = sandbox().records.list('facebook');
    expect(republished).toMatchObject({ published: true });
    expect(republished!.scheduledAt).toBeUndefined();
    expect(republished!.id).not.toBe(held!.id);
    expect((JSON.parse(retried.stdout) as { posts: { status: string; id: string }[] }).posts).toMatchObject([{ status: 'published', id: republished!.id }]);
  });

  it('posts the platforms have not made public by the end of the grace period are reported unknown; retry asks, then publishes them', async () => {
    const session = await scheduling(sandbox(), { schedule: { graceMinutes: 30 } });
    const { result } = await session.schedule(example('seminar.yml'), '2027-06-01 10:00', now, ['--only', 'facebook,youtube', '--lang', 'lv']);
    // The sandbox's clock stays before the time, so neither platform has published its post yet.
    const check = (at: string, args = ['run-due', '--json']) => session.cli(args, { env: { IP_POST_NOW: at } });
    const early = await check(minutes(due, 20));
    expect([early.code, JSON.parse(early.stdout)]).toEqual([0, { posts: [] }]);
    const late = await check(minutes(due, 31));
    expect(late.code).toBe(1);
    const reported = (JSON.parse(late.stdout) as { posts: { platform: string; status: string; error: string }[] }).posts;
    expect(reported).toEqual([
      expect.objectContaining({ platform: 'facebook', status: 'unknown', error: `Facebook has not published it 31 min after its time: look at it on Facebook; \`ip-post retry ${result.run}\` publishes it now if it is still held there` }),
      expect.objectContaining({ platform: 'youtube', status: 'unknown', error: `YouTube has not published it 31 min after its time: look at it on YouTube; \`ip-post retry ${result.run}\` publishes it now if it is still held there` }),
    ]);
    // retry asks each platform first: both still hold their post, past its time, so both are published now, once.
    const retried = await check(minutes(due, 35), ['retry', result.run, '--json']);
    expect(retried.code, retried.stderr).toBe(0);
    expect((JSON.parse(retried.stdout) as { posts: { status: string }[] }).posts.map((post) => post.status)).toEqual(['published', 'published']);
    expect(sandbox().records.list('facebook')).toMatchObject([{ published: true }]);
    expect(sandbox().records.list('youtube')).toMatchObject([{ published: true, privacy: 'public' }]);
  });
});

describe('retry of scheduled posts', () => {
  it('does not send early a post Facebook refused to hold, when its time is too near for Facebook now', async () => {
    const session = await scheduling(sandbox());
    sandbox().faults.add({ platform: 'facebook', endpoint: 'feed.create', kind: 'server-error', times: 0 });
    const { result } = await session.schedule(example('seminar.yml'), '2027-06-01 10:00', now, ['--only', 'facebook', '--lang', 'lv']);
    expect(result.posts.map((post) => post.status)).toEqual(['failed']);
    sandbox().faults.clear();
    // Five minutes before its time: Facebook takes posts 10 minutes ahead at the least.
    const retried = await session.at(minutes(due, -5), ['retry', result.run, '--json']);
    expect(retried.code, retried.stderr).toBe(0);
    expect((JSON.parse(retried.stdout) as { posts: unknown[] }).posts).toMatchObject([{ status: 'scheduled', via: 'queue', at: due }]);
    expect(sandbox().records.list('facebook')).toEqual([]);
    expect((await session.runDue(minutes(due, -1))).posts).toEqual([]);
    expect((await session.runDue(minutes(due, 1))).posts).toMatchObject([{ platform: 'facebook', status: 'published' }]);
    expect(sandbox().records.list('facebook')).toHaveLength(1);
  });

  it('never sends a reminder whose day has passed, not even when asked to retry it', async () => {
    const session = await scheduling(sandbox());
    const { result } = await session.schedule(example('seminar.yml'), undefined, now, ['--only', 'x', '--lang', 'en', '--reminders', '1d']);
    const missed = await session.runDue('2027-06-08T05:00:00.000Z');
    expect(missed.posts).toMatchObject([{ status: 'missed', code: 'stale-reminder' }]);
    const retried = await session.at('2027-06-08T05:05:00.000Z', ['retry', result.run, '--json']);
    expect(retried.code).toBe(1);
    expect((JSON.parse(retried.stdout) as { posts: { status: string }[] }).posts.map((post) => post.status)).toEqual(['published', 'missed']);
    expect(sandbox().records.list('x')).toHaveLength(1);
  });
});

describe('the test clock', () => {
  it('governs the platforms’ waits too: X’s rate-limit reset, read on the sandbox’s clock, is a second away', async () => {
    const session = await scheduling(sandbox());
    sandbox().faults.add({ platform: 'x', endpoint: 'tweets.create', kind: 'rate-limit', retryAfter: 1, times: 1 });
    const { result, run } = await session.schedule(example('seminar.yml'), undefined, now, ['--only', 'x', '--lang', 'lv']);
    expect(run.code, run.stderr).toBe(0);
    expect(result.posts.map((post) => post.status)).toEqual(['published']);
  });
});

describe('an earlier post with the same text', () => {
  it('is not taken for this one: a week later, from another record, X and Facebook refuse the text and ip-post says so', async () => {
    const first = await scheduling(sandbox());
    const { result: earlier } = await first.schedule(example('seminar.yml'), undefined, now, ['--only', 'x,facebook', '--lang', 'en']);
    expect(earlier.posts.map((post) => post.status)).toEqual(['published', 'published']);

    const again = await scheduling(sandbox());
    const { result, run } = await again.schedule(example('seminar.yml'), undefined, minutes(now, 7 * 24 * 60), ['--only', 'x,facebook', '--lang', 'en']);
    expect(run.code).toBe(1);
    expect(result.posts.map((post) => [post.platform, post.status, post.id])).toEqual([
      ['facebook', 'failed', undefined],
      ['x', 'failed', undefined],
    ]);
    for (const post of result.posts) expect(post.error).toMatch(/refused it as a duplicate of an earlier post.*change the text/);
    for (const platform of ['x', 'facebook']) expect(sandbox().records.list(platform), platform).toHaveLength(1);
  });
});

describe('missed runs', () => {
  it('a post later than the grace period is reported missed, not sent late; --catch-up sends it once', async () => {
    const session = await scheduling(sandbox(), { schedule: { graceMinutes: 60 } });
    await session.schedule(example('seminar.yml'), '+1h', now, ['--lang', 'lv', '--only', 'x']);
    const late = await session.runDue(minutes(now, 60 + 61));
    expect(late.code).toBe(1);
    expect(late.posts).toMatchObject([{ platform: 'x', status: 'missed' }]);
    expect(late.posts[0]!.error).toMatch(/passed 61 min ago.*--catch-up/);
    expect(sandbox().records.list('x')).toEqual([]);
    // Reported once: the next run has nothing to say.
    const next = await session.runDue(minutes(now, 60 + 66));
    expect([next.code, next.posts]).toEqual([0, []]);
    expect((await session.queue(minutes(now, 60 + 66))).map((post) => post.status)).toEqual(['missed']);

    const caughtUp = await session.runDue(minutes(now, 60 + 70), ['--catch-up']);
    expect(caughtUp.code, caughtUp.stderr).toBe(0);
    expect(caughtUp.posts).toMatchObject([{ platform: 'x', status: 'published' }]);
    expect(sandbox().records.list('x')).toHaveLength(1);
    expect(await session.queue(minutes(now, 60 + 71))).toEqual([]);
  });
});

describe('queue cancel and reschedule change the platform too', () => {
  it('moves native schedules on Facebook and YouTube, and the queue’s own', async () => {
    const session = await scheduling(sandbox());
    const { result } = await session.schedule(example('seminar.yml'), '2027-06-01 10:00', now, ['--lang', 'lv', '--only', 'facebook,youtube,x']);
    const moved = await session.at(now, ['queue', 'reschedule', result.run, '2027-05-25 12:00']);
    expect(moved.code, moved.stdout + moved.stderr).toBe(0);
    const newTime = '2027-05-25T09:00:00.000Z';
    expect(sandbox().records.list('facebook')).toMatchObject([{ scheduledAt: newTime, published: false }]);
    expect(sandbox().records.list('youtube')).toMatchObject([{ scheduledAt: newTime, privacy: 'private' }]);
    expect((await session.queue(now)).map((post) => [post.platform, post.at, post.via])).toEqual([
      ['facebook', newTime, 'native'],
      ['x', newTime, 'queue'],
      ['youtube', newTime, 'native'],
    ]);
    const early = await session.runDue(minutes(newTime, 1));
    expect(early.posts.map((post) => post.platform)).toEqual(['x']);
    expect(sandbox().records.list('x')).toHaveLength(1);
  });

  it('cancels: the Facebook post is deleted, the YouTube video stays private without a time, the queued post never goes out', async () => {
    const session = await scheduling(sandbox());
    const { result } = await session.schedule(example('seminar.yml'), '2027-06-01 10:00', now, ['--lang', 'lv', '--only', 'facebook,youtube,x']);
    const ids = result.posts.map((post) => String(post.post));
    const cancelled = await session.at(now, ['queue', 'cancel', ...ids]);
    expect(cancelled.code, cancelled.stdout + cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toContain('private video');
    expect(sandbox().records.list('facebook')).toEqual([]);
    const [video] = sandbox().records.list('youtube');
    expect(video).toMatchObject({ privacy: 'private', published: false });
    expect(video!.scheduledAt).toBeUndefined();
    expect(await session.queue(now)).toEqual([]);
    const later = await session.runDue(minutes(due, 1));
    expect([later.code, later.posts]).toEqual([0, []]);
    expect(sandbox().records.list('x')).toEqual([]);
    const history = JSON.parse((await session.cli(['history', result.run, '--json'])).stdout) as { posts: { status: string }[] };
    expect(history.posts.map((post) => post.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
  });

  it('a post run-due publishes while a cancel works through its run is reported published, not cancelled', async () => {
    const session = await scheduling(sandbox());
    const { result } = await session.schedule(example('seminar.yml'), '2027-06-01 10:00', now, ['--only', 'facebook,x', '--lang', 'lv']);
    // Cancelling Facebook's post takes a while; meanwhile cron publishes X's, which is due.
    sandbox().faults.add({ platform: 'facebook', endpoint: 'objects.delete', kind: 'latency', latencyMs: 4000, times: 0 });
    // Three minutes before the time: the cancel's lease (five minutes) still holds when cron comes.
    const cancelling = session.cli(['queue', 'cancel', result.run, '--json'], { env: { IP_POST_NOW: minutes(due, -3) } });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const cron = await session.cli(['run-due', '--json'], { env: { IP_POST_NOW: minutes(due, 1) } });
    expect((JSON.parse(cron.stdout) as { posts: unknown[] }).posts).toMatchObject([{ platform: 'x', status: 'published' }]);
    const cancelled = await cancelling;
    expect(cancelled.code).toBe(1);
    expect((JSON.parse(cancelled.stdout) as { posts: unknown[] }).posts).toMatchObject([
      { platform: 'facebook', status: 'cancelled', cancelled: true },
      { platform: 'x', status: 'published', cancelled: false, refused: expect.stringMatching(/is already published: https:\/\/x\.com\//) },
    ]);
    const history = JSON.parse((await session.cli(['history', result.run, '--json'])).stdout) as { posts: { status: string }[] };
    expect(history.posts.map((post) => post.status)).toEqual(['cancelled', 'published']);
  });

  it('a move the platform refuses leaves the post as it was', async () => {
    const session = await scheduling(sandbox());
    // Five minutes ahead: too near for Facebook, so it waits in the queue; moved to a day ahead, Facebook would hold it.
    const { result } = await session.schedule(example('seminar.yml'), '+5m', now, ['--only', 'facebook', '--lang', 'lv']);
    sandbox().faults.add({ platform: 'facebook', endpoint: 'feed.create', kind: 'expired-token', times: 0 });
    const moved = await session.at(now, ['queue', 'reschedule', String(result.posts[0]!.post), '+1d', '--json']);
    expect(moved.code).toBe(1);
    expect((JSON.parse(moved.stdout) as { posts: unknown[] }).posts).toMatchObject([{ rescheduled: false, refused: expect.stringContaining('it keeps its time') }]);
    expect(await session.queue(now)).toMatchObject([{ status: 'scheduled', via: 'queue', at: minutes(now, 5) }]);
  });

  it('a reminder Facebook still holds past its day is cancelled there too', async () => {
    const session = await scheduling(sandbox());
    const { result } = await session.schedule(example('seminar.yml'), undefined, now, ['--only', 'facebook', '--lang', 'lv', '--reminders', '2h']);
    // The sandbox's clock stays behind: Facebook never publishes the reminder (8 June, 08:00).
    const check = (at: string, args: string[]) => session.cli(args, { env: { IP_POST_NOW: at } });
    expect((JSON.parse((await check('2027-06-08T06:01:00.000Z', ['run-due', '--json'])).stdout) as { posts: unknown[] }).posts).toMatchObject([{ status: 'unknown', reminder: '2h' }]);
    // After the event began, retry will not publish it: its wording is untrue now.
    const retried = await check('2027-06-08T07:05:00.000Z', ['retry', result.run, '--json']);
    const reminder = (JSON.parse(retried.stdout) as { posts: { post: number; status: string; code?: string }[] }).posts.find((post) => post.code === 'stale-reminder')!;
    expect(reminder.status).toBe('missed');
    expect(sandbox().records.list('facebook').filter((post) => !post.published)).toHaveLength(1);
    const cancelled = await check('2027-06-08T07:06:00.000Z', ['queue', 'cancel', String(reminder.post)]);
    expect(cancelled.code, cancelled.stdout + cancelled.stderr).toBe(0);
    expect(sandbox().records.list('facebook').filter((post) => !post.published)).toEqual([]);
  });

  it('a YouTube video in three languages is moved and cancelled too, its localizations kept', async () => {
    const session = await scheduling(sandbox());
    const { result } = await session.schedule(example('seminar.yml'), '2027-06-01 10:00', now, ['--only', 'youtube']);
    const post = String(result.posts[0]!.post);
    const moved = await session.at(now, ['queue', 'reschedule', post, '2027-06-02 10:00']);
    expect(moved.code, moved.stdout + moved.stderr).toBe(0);
    expect(sandbox().records.list('youtube')).toMatchObject([{ scheduledAt: '2027-06-02T07:00:00.000Z', privacy: 'private' }]);
    const cancelled = await session.at(now, ['queue', 'cancel', post]);
    expect(cancelled.code, cancelled.stdout + cancelled.stderr).toBe(0);
    const [video] = sandbox().records.list('youtube');
    expect(video).toMatchObject({ privacy: 'private', published: false });
    expect(Object.keys(video!.localizations ?? {})).toEqual(['ru', 'en']);
    sandbox().setClock('2027-06-03T07:00:00.000Z');
    expect(sandbox().records.list('youtube')).toMatchObject([{ privacy: 'private', published: false }]);
  });

  it('a Facebook post moved beyond 30 days leaves Facebook’s schedule for the queue, and goes out once', async () => {
    const session = await scheduling(sandbox());
    const { result } = await session.schedule(example('seminar.yml'), '2027-06-01 10:00', now, ['--lang', 'lv', '--only', 'facebook']);
    const farAway = '2027-07-15T07:00:00.000Z';
    const moved = await session.at(now, ['queue', 'reschedule', String(result.posts[0]!.post), '2027-07-15 10:00']);
    expect(moved.code, moved.stdout + moved.stderr).toBe(0);
    expect(moved.stdout).toContain('Facebook schedules posts only from 10 minutes to 30 days ahead (this is 56 days ahead)');
    expect(sandbox().records.list('facebook')).toEqual([]);
    expect(await session.queue(now)).toMatchObject([{ platform: 'facebook', at: farAway, via: 'queue', status: 'scheduled' }]);
    const out = await session.runDue(minutes(farAway, 1));
    expect(out.posts).toMatchObject([{ platform: 'facebook', status: 'published' }]);
    expect(sandbox().records.list('facebook')).toMatchObject([{ published: true }]);
  });

  it('moving an announcement past the event’s start is done, with a warning', async () => {
    const session = await scheduling(sandbox());
    const { result } = await session.schedule(example('seminar.yml'), '2027-06-01 10:00', now, ['--only', 'x', '--lang', 'lv']);
    const moved = await session.at(now, ['queue', 'reschedule', result.run, '2027-06-10 10:00']);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stderr).toBe('ip-post: warning: at 2027-06-10 10:00 EEST (Europe/Riga) the event (2027-06-08 10:00 EEST (Europe/Riga)) will have begun, and the posts speak of it as ahead\n');
  });

  it('an unknown post or a time in the past is an input error', async () => {
    const session = await scheduling(sandbox());
    const { result } = await session.schedule(example('seminar.yml'), '+1d', now, ['--lang', 'lv', '--only', 'x']);
    const missing = await session.at(now, ['queue', 'cancel', '999']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no post 999 in the record');
    const past = await session.at(now, ['queue', 'reschedule', String(result.posts[0]!.post), '2027-05-01 10:00']);
    expect(past.code).toBe(2);
    expect(past.stderr).toMatch(/in the past/);
  });
});

describe('reminders', () => {
  it('go out before the event with the right relative wording in each language', async () => {
    const session = await scheduling(sandbox());
    // Announced now; the seminar starts 8 June 2027, 10:00 EEST.
    const { result, run } = await session.schedule(example('seminar.yml'), undefined, now, ['--only', 'x,facebook', '--reminders', '7d,1d,2h']);
    expect(run.code, run.stderr).toBe(0);
    const reminders = result.posts.filter((post) => post.reminder);
    expect([...new Set(reminders.map((post) => `${post.reminder} ${post.at}`))]).toEqual(['7d 2027-06-01T07:00:00.000Z', '1d 2027-06-07T07:00:00.000Z', '2h 2027-06-08T05:00:00.000Z']);
    // Facebook holds its reminders; X's wait in the queue.
    expect(reminders.filter((post) => post.platform === 'facebook').map((post) => post.via)).toEqual(['native', 'native', 'native']);
    const facebook = sandbox().records.list('facebook').filter((post) => post.scheduledAt);
    // Facebook combines the languages in one post: each section opens with its own reminder line.
    expect(facebook.map((post) => post.text!.split('\n').filter((line) => line.startsWith('⏰')))).toEqual([
      ['⏰ Pēc nedēļas – 8.–9. jūnijā, sākums plkst. 10.00', '⏰ Через неделю, 8–9 июня, начало в 10:00', '⏰ In a week, on 8–9 June, starting at 10:00'],
      ['⏰ Rīt plkst. 10.00', '⏰ Завтра в 10:00', '⏰ Starts tomorrow at 10:00'],
      ['⏰ Šodien plkst. 10.00', '⏰ Сегодня в 10:00', '⏰ Starts today at 10:00'],
    ]);

    // X: the announcement went out now, one post per language; then each reminder at its time.
    const xTexts = () => sandbox().records.list('x').map((post) => post.text!.split('\n')[0]!);
    expect(xTexts()).toHaveLength(3);
    for (const time of ['2027-06-01T07:01:00.000Z', '2027-06-07T07:01:00.000Z', '2027-06-08T05:01:00.000Z']) {
      const ran = await session.runDue(time);
      expect(ran.code, ran.stderr).toBe(0);
      expect(ran.posts.filter((post) => post.platform === 'x').map((post) => post.status)).toEqual(['published', 'published', 'published']);
      // Facebook's reminders before this one are confirmed out.
      expect(ran.posts.filter((post) => post.platform === 'facebook').every((post) => post.status === 'published')).toBe(true);
    }
    expect(xTexts().slice(3)).toEqual([
      '⏰ Pēc nedēļas – 8.–9. jūnijā, sākums plkst. 10.00',
      '⏰ Через неделю, 8–9 июня, начало в 10:00',
      '⏰ In a week, on 8–9 June, starting at 10:00',
      '⏰ Rīt plkst. 10.00',
      '⏰ Завтра в 10:00',
      '⏰ Starts tomorrow at 10:00',
      '⏰ Šodien plkst. 10.00',
      '⏰ Сегодня в 10:00',
      '⏰ Starts today at 10:00',
    ]);
    expect(sandbox().records.list('x')[3]!.text!.split('\n')[1]).toBe('Biedrības darbinieku kapacitātes celšana: personīgā izaugsme, komandas un projektu vadība');
  });

  it('reminders that would come before the announcement are left out, and said so', async () => {
    const session = await scheduling(sandbox());
    const preview = await session.at(now, ['announce', example('seminar.yml'), '--dry-run', '--json', '--only', 'x', '--lang', 'lv', '--at', '2027-06-05 10:00', '--reminders', '7d,1d']);
    const plan = JSON.parse(preview.stdout) as { warnings: string[]; posts: { reminder?: { before: string } }[] };
    expect(plan.posts.map((post) => post.reminder?.before ?? 'announcement')).toEqual(['announcement', '1d']);
    expect(plan.warnings).toContain('the 7d reminder would go out at 2027-06-01 10:00 EEST (Europe/Riga), no later than the announcement itself: left out');
  });

  it('two that fall at the same time are refused', async () => {
    const session = await scheduling(sandbox());
    const both = await session.at(now, ['announce', example('seminar.yml'), '--dry-run', '--only', 'x', '--lang', 'lv', '--reminders', '24h,1d']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--reminders: 24h and 1d both fall at 2027-06-07 10:00 EEST (Europe/Riga)');
  });

  it('a reminder missed until its wording is untrue is not sent, even with --catch-up, and is reported once', async () => {
    const session = await scheduling(sandbox());
    await session.schedule(example('seminar.yml'), undefined, now, ['--only', 'x', '--lang', 'en', '--reminders', '1d']);
    expect(sandbox().records.list('x')).toHaveLength(1);
    // Nothing ran from before the reminder's time (7 June, 10:00) until the event's day.
    const eventDay = '2027-06-08T06:00:00.000Z';
    const late = await session.runDue(eventDay);
    expect(late.code).toBe(1);
    expect(late.posts).toMatchObject([{ platform: 'x', status: 'missed', reminder: '1d', code: 'stale-reminder' }]);
    expect(late.posts[0]!.error).toMatch(/^not sent: the 1d reminder is worded for 1 day before the event, and its time, 2027-06-07 10:00 EEST \(Europe\/Riga\), passed .*now it would not be true\. `ip-post queue cancel \d+` clears it$/);
    const caughtUp = await session.runDue(minutes(eventDay, 5), ['--catch-up']);
    expect([caughtUp.code, caughtUp.posts]).toEqual([0, []]);
    expect(sandbox().records.list('x')).toHaveLength(1);
    expect((await session.queue(minutes(eventDay, 5))).map((post) => post.status)).toEqual(['missed']);
  });

  it('a reminder within the grace period but past its day is not sent either', async () => {
    const session = await scheduling(sandbox(), { schedule: { graceMinutes: 24 * 60 } });
    await session.schedule(example('seminar.yml'), undefined, now, ['--only', 'x', '--lang', 'en', '--reminders', '2h']);
    // The 2h reminder (8 June, 08:00) found at 10:30, after the event began: within 24 h of grace, and untrue.
    const afterStart = await session.runDue('2027-06-08T07:30:00.000Z');
    expect(afterStart.posts).toMatchObject([{ status: 'missed', code: 'stale-reminder' }]);
    expect(sandbox().records.list('x')).toHaveLength(1);
  });
});
