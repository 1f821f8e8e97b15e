import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { projectRoot } from '../helpers.js';
import { queueAnnouncements } from './fixtures.js';
import { scheduling, type Scheduling } from './helpers.js';

const hook = join(projectRoot, 'test', 'publish', 'kill-hook.cjs');
const due = '2027-06-01T07:00:00.000Z';
const later = (minutes: number) => new Date(Date.parse(due) + minutes * 60_000).toISOString();
const platforms = ['facebook', 'instagram', 'x', 'youtube'];

/** A small seeded generator (mulberry32): the kill points are random, and the same on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function withQueue(work: (sandbox: Sandbox, session: Scheduling) => Promise<void>): Promise<void> {
  const sandbox = await startSandbox({ processingPolls: 1, now: due });
  try {
    const session = await scheduling(sandbox);
    await queueAnnouncements({ sandbox, db: session.db, configFile: session.config, count: 5, platforms, due });
    await work(sandbox, session);
  } finally {
    await sandbox.close();
  }
}

/** After the last run-due: every post is on its platform exactly once, or reported unknown with what to check. */
function expectEachOnceOrUnknown(sandbox: Sandbox, db: string, where: string): void {
  const record = new Database(db, { readonly: true });
  try {
    const posts = record.prepare('SELECT platform, state, remote_id, error, plan FROM posts').all() as { platform: string; state: string; remote_id: string | null; error: string | null; plan: string }[];
    expect(posts, where).toHaveLength(20);
    for (const post of posts) {
      const number = /nr\. (\d+)/.exec(post.plan)![1];
      const onPlatform = sandbox.records.list(post.platform).filter((received) => (received.text ?? received.title ?? '').includes(`nr. ${number}`) && !received.text?.startsWith('⏰'));
      const label = `${where}: ${post.platform} event ${number}`;
      if (post.state === 'unknown') {
        expect(onPlatform.length, label).toBeLessThanOrEqual(1);
        expect(post.error, label).toMatch(/look|check/i);
      } else {
        expect(post.state, `${label} ${post.error ?? ''}`).toBe('published');
        expect(onPlatform, label).toHaveLength(1);
        expect(post.remote_id, label).toBe(onPlatform[0]!.id);
      }
    }
  } finally {
    record.close();
  }
}

describe('run-due killed with SIGKILL at random points, over many runs: each post once, or reported unknown', () => {
  it('at random journal entries', { timeout: 240_000 }, async () => {
    // How many journal entries publishing the 20 posts writes, to choose kill points among.
    let total = 0;
    await withQueue(async (_sandbox, session) => {
      await session.runDue(later(1));
      const db = new Database(session.db, { readonly: true });
      total = (db.prepare('SELECT COUNT(*) AS n FROM calls').get() as { n: number }).n;
      db.close();
    });
    expect(total).toBeGreaterThan(40);

    const draw = random(20271031);
    for (let trial = 0; trial < 4; trial++) {
      await withQueue(async (sandbox, session) => {
        const kills: number[] = [];
        let killedRuns = 0;
        for (let round = 0; round < 5; round++) {
          const at = 1 + Math.floor(draw() * (total / 3));
          kills.push(at);
          const killed = await session.cli(['run-due', '--json'], { env: { IP_POST_NOW: later(1 + round), NODE_OPTIONS: `--require ${hook}`, IP_POST_TEST_KILL_AT: String(at) } });
          // Killed, unless the work left was shorter than the kill point.
          expect([null, 0]).toContain(killed.code);
          if (killed.code === null) killedRuns++;
        }
        expect(killedRuns, 'runs killed').toBeGreaterThanOrEqual(3);
        const last = await session.runDue(later(10));
        expect([0, 1], last.stderr).toContain(last.code);
        expectEachOnceOrUnknown(sandbox, session.db, `trial ${trial}, killed at entries ${kills.join(', ')}`);
      });
    }
  });

  it('while requests are in flight (by time, with slow create calls)', { timeout: 240_000 }, async () => {
    const draw = random(20270328);
    for (let trial = 0; trial < 3; trial++) {
      await withQueue(async (sandbox, session) => {
        for (const [platform, endpoint] of [['facebook', 'feed.create'], ['instagram', 'media.publish'], ['x', 'tweets.create'], ['youtube', 'videos.upload']] as const) {
          sandbox.faults.add({ platform, endpoint, kind: 'latency', latencyMs: 300, times: 0 });
        }
        const delays: number[] = [];
        let killedRuns = 0;
        for (let round = 0; round < 4; round++) {
          const afterMs = 150 + Math.floor(draw() * 900);
          delays.push(afterMs);
          const { child, exited } = session.start(['run-due', '--json'], { env: { IP_POST_NOW: later(1 + round) } });
          const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
          if ((await exited) === null) killedRuns++;
          clearTimeout(timer);
        }
        expect(killedRuns, 'runs killed').toBeGreaterThanOrEqual(2);
        const last = await session.runDue(later(10));
        expect([0, 1], last.stderr).toContain(last.code);
        expectEachOnceOrUnknown(sandbox, session.db, `trial ${trial}, killed after ${delays.join(', ')} ms`);
      });
    }
  });
});
