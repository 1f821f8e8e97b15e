import { existsSync } from 'node:fs';
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
    expect(existsSync(db)).toBe(false);
  });

  it('a due post whose platform has no credentials: exit 2 naming them, and the post stays queued', async () => {
    const session = await scheduling(sandbox());
    await session.schedule(example('seminar.yml'), '+1h', now, ['--only', 'x', '--lang', 'lv']);
    // Without --sandbox, the X keys are not set.
    const result = await runCli(['run-due', '--config', session.config], { env: { IP_POST_DB: session.db, IP_POST_NOW: '2027-05-20T07:01:00.000Z' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('secrets are not set: IP_POST_X_APP_KEY (x)');
    expect((await session.queue(now)).map((post) => post.status)).toEqual(['scheduled']);
  });

  it('a bad IP_POST_NOW is an input error', async () => {
    const result = await runCli(['run-due'], { env: { IP_POST_NOW: 'yesterday' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('IP_POST_NOW: "yesterday" is not an instant');
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
      `${result.posts[1]!.post} 2027-06-01 10:00 EEST (Europe/Riga) X lv queue queued kapacitates-seminars-2027`,
      `${result.posts[2]!.post} 2027-06-07 10:00 EEST (Europe/Riga) Facebook lv on Facebook scheduled kapacitates-seminars-2027 (reminder 1d before)`,
      `${result.posts[3]!.post} 2027-06-07 10:00 EEST (Europe/Riga) X lv queue queued kapacitates-seminars-2027 (reminder 1d before)`,
    ]);
    const shown = await session.at(now, ['queue', 'show', String(result.posts[3]!.post)]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('state: queued · 2027-06-07 10:00 EEST (Europe/Riga) · `ip-post run-due` publishes it');
    expect(shown.stdout).toContain('⏰ Rīt plkst. 10.00');
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

describe('ip-post cron', () => {
  it('prints a crontab line and a systemd timer with this Node, this ip-post and the given config', async () => {
    const dir = await tempDir();
    const result = await runCli(['cron', '--every', '10', '--config', join(dir, 'my config.json')], { cwd: dir });
    expect(result.code).toBe(0);
    const entry = join(projectRoot, 'bin', 'ip-post.cjs');
    expect(result.stdout).toContain(`*/10 * * * * cd ${dir} && ${process.execPath} ${entry} run-due --config '${join(dir, 'my config.json')}'`);
    expect(result.stdout).toContain(`ExecStart=${process.execPath} ${entry} run-due --config '${join(dir, 'my config.json')}'`);
    expect(result.stdout).toContain('OnCalendar=*:0/10');
    expect((await runCli(['cron', '--every', '0'])).code).toBe(2);
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
