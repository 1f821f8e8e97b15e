import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { PostOutcome } from '../../src/publish/engine.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { projectRoot } from '../helpers.js';
import { useSandbox } from '../sandbox/helpers.js';
import { queueAnnouncements } from './fixtures.js';
import { scheduling, type Scheduling } from './helpers.js';

// Several machines may share one record (README: Scheduling). A process there cannot be asked whether it
// lives; only its lease running out says it is gone. These tests play the other machine by writing its
// lease into the record.
const due = '2027-06-01T07:00:00.000Z';
const later = (minutes: number) => new Date(Date.parse(due) + minutes * 60_000).toISOString();
const elsewhere = '4242@another-host.example#abcdef';
const hook = join(projectRoot, 'test', 'publish', 'kill-hook.cjs');
const sandbox = useSandbox({ now: due });

function record<T>(db: string, work: (record: Database.Database) => T): T {
  const handle = new Database(db);
  try {
    return work(handle);
  } finally {
    handle.close();
  }
}

const postRow = (db: string) => record(db, (handle) => handle.prepare('SELECT id, state, remote_id, lease_holder, error FROM posts').get() as { id: number; state: string; remote_id: string | null; lease_holder: string | null; error: string | null });
const leaseTo = (db: string, holder: string, until: string) => record(db, (handle) => handle.prepare('UPDATE posts SET lease_holder = ?, lease_until = ?').run(holder, Date.parse(until)));

async function oneQueuedFacebookPost(on: Sandbox = sandbox()): Promise<Scheduling> {
  const session = await scheduling(on);
  expect(await queueAnnouncements({ sandbox: on, db: session.db, configFile: session.config, count: 1, platforms: ['facebook'], due })).toBe(1);
  return session;
}

describe('leases across machines sharing the record', () => {
  it('a post held by a process on another machine is left to it until its lease runs out, then finished once from the journal', async () => {
    // Where in the journal the Page post is created: the kill comes right after Facebook took it, before the
    // record says so. Found in a sandbox of its own (Facebook refuses the same text twice in a row).
    const probeSandbox = await startSandbox({ processingPolls: 1, now: due });
    let afterFeed = 0;
    try {
      const probe = await oneQueuedFacebookPost(probeSandbox);
      await probe.runDue(later(1));
      const entries = record(probe.db, (handle) => handle.prepare('SELECT name, phase FROM calls ORDER BY id').all() as { name: string; phase: string }[]);
      afterFeed = entries.findIndex((entry) => entry.name === 'feed' && entry.phase === 'after') + 1;
    } finally {
      await probeSandbox.close();
    }
    expect(afterFeed).toBeGreaterThan(1);

    const session = await oneQueuedFacebookPost();
    const killed = await session.cli(['run-due', '--json'], { env: { IP_POST_NOW: later(1), NODE_OPTIONS: `--require ${hook}`, IP_POST_TEST_KILL_AT: String(afterFeed) } });
    expect(killed.code).toBeNull();
    expect(sandbox().records.list('facebook')).toHaveLength(1);
    expect(postRow(session.db).state).toBe('sending');
    // The process that died was on the other machine: nobody here can tell it is gone.
    leaseTo(session.db, elsewhere, later(6));

    const whileHeld = await session.runDue(later(2));
    expect([whileHeld.code, whileHeld.posts]).toEqual([0, []]);
    expect(postRow(session.db)).toMatchObject({ state: 'sending', lease_holder: elsewhere });

    const afterLease = await session.runDue(later(7));
    expect(afterLease.code, afterLease.stderr).toBe(0);
    expect(afterLease.posts.map((post: PostOutcome) => post.status)).toEqual(['published']);
    const received = sandbox().records.list('facebook');
    expect(received).toHaveLength(1);
    expect(postRow(session.db)).toMatchObject({ state: 'published', remote_id: received.at(-1)!.id, lease_holder: null });
  });

  it('a process whose lease ran out while it was sending changes nothing more, on the platform or in the record', async () => {
    const session = await oneQueuedFacebookPost();
    sandbox().faults.add({ platform: 'facebook', endpoint: 'photos.create', kind: 'latency', latencyMs: 1500, times: 0 });
    const running = session.cli(['run-due', '--json'], { env: { IP_POST_NOW: later(1) } });
    // While the photo uploads, the process's lease is taken over (it was paused past its lease, say).
    for (let waited = 0; postRow(session.db).state !== 'sending'; waited += 20) {
      expect(waited, 'run-due started sending').toBeLessThan(10_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    leaseTo(session.db, elsewhere, later(30));
    const run = await running;

    // The post is the new holder's to report: this run says nothing of it, and did nothing wrong.
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { posts: PostOutcome[] }).posts).toEqual([]);
    expect(sandbox().records.list('facebook'), 'no Page post after the lease was lost').toHaveLength(0);
    expect(postRow(session.db)).toMatchObject({ state: 'sending', lease_holder: elsewhere, error: null });
  });
});
