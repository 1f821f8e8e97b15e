import { describe, expect, it } from 'vitest';
import { example } from '../helpers.js';
import { useSandbox } from '../sandbox/helpers.js';
import { scheduling } from './helpers.js';

// Riga: summer time starts on Sunday 28 March 2027 (03:00 EET → 04:00 EEST) and ends on Sunday
// 31 October 2027 (04:00 EEST → 03:00 EET). Posts are scheduled through the CLI, held in ip-post's queue
// (X), and cron runs just before and just after each one's instant.
const sandbox = useSandbox({ now: '2027-03-27T10:00:00.000Z' });
const shift = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

async function expectSentAt(session: Awaited<ReturnType<typeof scheduling>>, instant: string): Promise<void> {
  const before = await session.runDue(shift(instant, -1));
  expect([before.code, before.posts], `before ${instant}`).toEqual([0, []]);
  const after = await session.runDue(shift(instant, 1));
  expect(after.code, after.stderr).toBe(0);
  expect(after.posts.map((post) => [post.platform, post.status]), `after ${instant}`).toEqual([['x', 'published']]);
}

describe('schedules across the clock changes in Europe/Riga', () => {
  it('the last Sunday of March: times around the skipped hour, and the skipped hour refused', async () => {
    const session = await scheduling(sandbox());
    const now = '2027-03-27T10:00:00.000Z';
    const skipped = await session.at(now, ['announce', example('seminar.yml'), '--only', 'x', '--lang', 'lv', '--yes', '--at', '2027-03-28 03:30']);
    expect(skipped.code).toBe(2);
    expect(skipped.stderr).toContain('--at: "2027-03-28 03:30" does not exist in Europe/Riga: on 2027-03-28 the clocks go forward from 03:00 to 04:00');
    expect(skipped.stderr).toContain('fix: write 2027-03-28 02:59 (just before the change) or 2027-03-28 04:00 (just after it)');

    // 02:30 EET is 00:30 UTC; 04:30 EEST is 01:30 UTC: two hours of wall clock, one hour apart.
    const { result: early } = await session.schedule(example('seminar.yml'), '2027-03-28 02:30', now, ['--only', 'x', '--lang', 'lv']);
    expect(early.posts[0]!.at).toBe('2027-03-28T00:30:00.000Z');
    await expectSentAt(session, '2027-03-28T00:30:00.000Z');
    const { result: late } = await session.schedule(example('seminar.yml'), '2027-03-28 04:30', now, ['--only', 'x', '--lang', 'ru']);
    expect(late.posts[0]!.at).toBe('2027-03-28T01:30:00.000Z');
    await expectSentAt(session, '2027-03-28T01:30:00.000Z');
    // "tomorrow 09:00" from Saturday noon is 20 hours away, not 21: Sunday is 23 hours long.
    const { result: tomorrow } = await session.schedule(example('seminar.yml'), 'tomorrow 09:00', now, ['--only', 'x', '--lang', 'en']);
    expect(tomorrow.posts[0]!.at).toBe('2027-03-28T06:00:00.000Z');
    await expectSentAt(session, '2027-03-28T06:00:00.000Z');
  });

  it('the last Sunday of October: the repeated hour needs its offset, and each reading goes out at its own instant', async () => {
    const session = await scheduling(sandbox());
    const now = '2027-10-30T10:00:00.000Z';
    const twice = await session.at(now, ['announce', example('seminar.yml'), '--only', 'x', '--lang', 'lv', '--yes', '--at', '2027-10-31 03:30']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('--at: "2027-10-31 03:30" happens twice in Europe/Riga');
    expect(twice.stderr).toContain('write 2027-10-31T03:30+03:00 for the first (summer time, EEST) or 2027-10-31T03:30+02:00 for the second (winter time, EET)');

    const { result: first } = await session.schedule(example('seminar.yml'), '2027-10-31T03:30+03:00', now, ['--only', 'x', '--lang', 'lv']);
    const { result: second } = await session.schedule(example('seminar.yml'), '2027-10-31T03:30+02:00', now, ['--only', 'x', '--lang', 'ru']);
    expect([first.posts[0]!.at, second.posts[0]!.at]).toEqual(['2027-10-31T00:30:00.000Z', '2027-10-31T01:30:00.000Z']);
    // The queue shows both as they are, with their zone's abbreviation.
    const queue = await session.at(now, ['queue']);
    expect(queue.stdout).toContain('2027-10-31 03:30 EEST (Europe/Riga)');
    expect(queue.stdout).toContain('2027-10-31 03:30 EET (Europe/Riga)');
    await expectSentAt(session, '2027-10-31T00:30:00.000Z');
    await expectSentAt(session, '2027-10-31T01:30:00.000Z');
  });

  it('Facebook holds a post across the change with the right instant', async () => {
    const session = await scheduling(sandbox());
    const now = '2027-10-30T10:00:00.000Z';
    const { result } = await session.schedule(example('seminar.yml'), '2027-10-31 10:00', now, ['--only', 'facebook', '--lang', 'lv']);
    expect(result.posts[0]).toMatchObject({ via: 'native', at: '2027-10-31T08:00:00.000Z' });
    expect(sandbox().records.list('facebook')).toMatchObject([{ scheduledAt: '2027-10-31T08:00:00.000Z' }]);
  });
});
