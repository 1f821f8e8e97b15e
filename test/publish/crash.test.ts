import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/publish/engine.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { example, projectRoot } from '../helpers.js';
import { publishing } from './helpers.js';

const hook = join(projectRoot, 'test', 'publish', 'kill-hook.cjs');
const platforms = ['facebook', 'instagram', 'x', 'youtube', 'tiktok'];

/** Publishes seminar.yml (Latvian: one post per platform), killed at journal entry `killAt` or after `killAfterMs`. */
async function crashAndRetry(sandbox: Sandbox, kill: { at?: number; afterMs?: number }) {
  const session = await publishing(sandbox);
  const env = { NODE_OPTIONS: `--require ${hook}`, IP_POST_TEST_KILL_AT: kill.at === undefined ? undefined : String(kill.at) };
  const args = ['announce', example('seminar.yml'), '--lang', 'lv', '--yes', '--json'];
  let first: { code: number | null };
  if (kill.afterMs !== undefined) {
    const { child, exited } = session.start(args);
    const timer = setTimeout(() => child.kill('SIGKILL'), kill.afterMs);
    first = { code: await exited };
    clearTimeout(timer);
  } else first = await session.cli(args, { env });
  const runs = JSON.parse((await session.cli(['history', '--json'])).stdout) as { runs: { id: string }[] };
  const runId = runs.runs[0]?.id;
  if (!runId) {
    // Killed before the run was recorded: nothing was sent, and the officer simply runs it again.
    expect(sandbox.records.list()).toEqual([]);
    return { session, first, result: JSON.parse((await session.cli(args)).stdout) as RunResult };
  }
  const retried = await session.cli(['retry', runId, '--json']);
  return { session, first, result: JSON.parse(retried.stdout) as RunResult };
}

function expectNoDuplicates(sandbox: Sandbox, result: RunResult | undefined, where: string): void {
  for (const platform of platforms) {
    const onPlatform = sandbox.records.list(platform);
    const outcome = result?.posts.find((post) => post.platform === platform);
    if (outcome?.status === 'unknown') {
      // Reported, with what to check: there may be one, never two.
      expect(onPlatform.length, `${where}: ${platform}`).toBeLessThanOrEqual(1);
      expect(outcome.error, `${where}: ${platform}`).toMatch(/look|check/i);
    } else {
      expect(outcome?.status, `${where}: ${platform} ${outcome?.error ?? ''}`).toBe('published');
      expect(onPlatform, `${where}: ${platform}`).toHaveLength(1);
      expect(outcome!.id, `${where}: ${platform}`).toBe(onPlatform[0]!.id);
    }
  }
}

describe('killed with SIGKILL at any point, then `ip-post retry`: every post exactly once, or reported unknown', () => {
  it('at journal entries all through the run', async () => {
    // How many journal entries a whole run writes.
    const measure = await startSandbox({ processingPolls: 1 });
    let total: number;
    try {
      const session = await publishing(measure);
      await session.publish(example('seminar.yml'), ['--lang', 'lv']);
      const db = new Database(session.db, { readonly: true });
      total = (db.prepare('SELECT COUNT(*) AS n FROM calls').get() as { n: number }).n;
      db.close();
    } finally {
      await measure.close();
    }
    expect(total).toBeGreaterThan(20);
    const points = Array.from({ length: total }, (_, index) => index + 1);
    for (const at of points) {
      const sandbox = await startSandbox({ processingPolls: 1 });
      try {
        const { first, result } = await crashAndRetry(sandbox, { at });
        expect(first.code, `killed at entry ${at}`).toBe(null);
        expectNoDuplicates(sandbox, result, `killed at entry ${at} of ${total}`);
      } finally {
        await sandbox.close();
      }
    }
  }, 180_000);

  it('while requests are in flight (by time, with slow create calls)', async () => {
    for (const afterMs of [150, 300, 450, 600, 750, 900]) {
      const sandbox = await startSandbox({ processingPolls: 1 });
      try {
        for (const [platform, endpoint] of [['facebook', 'feed.create'], ['instagram', 'media.publish'], ['x', 'tweets.create'], ['youtube', 'videos.upload'], ['tiktok', 'video.upload']] as const) {
          sandbox.faults.add({ platform, endpoint, kind: 'latency', latencyMs: 250, times: 0 });
        }
        const { result } = await crashAndRetry(sandbox, { afterMs });
        expectNoDuplicates(sandbox, result, `killed after ${afterMs} ms`);
      } finally {
        await sandbox.close();
      }
    }
  }, 180_000);
});
