import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { PostOutcome } from '../../src/publish/engine.js';
import { useSandbox } from '../sandbox/helpers.js';
import { queueAnnouncements } from './fixtures.js';
import { scheduling } from './helpers.js';

const due = '2027-06-01T07:00:00.000Z';
const sandbox = useSandbox({ now: due });

describe('several run-due at once over one record', () => {
  it('five processes and 200 due posts: each published exactly once', { timeout: 120_000 }, async () => {
    const session = await scheduling(sandbox());
    const platforms = ['facebook', 'instagram', 'x', 'youtube'];
    const count = await queueAnnouncements({ sandbox: sandbox(), db: session.db, configFile: session.config, count: 50, platforms, due });
    expect(count).toBe(200);

    const runs = await Promise.all(Array.from({ length: 5 }, () => session.runDue('2027-06-01T07:01:00.000Z')));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const outcomes: PostOutcome[] = runs.flatMap((run) => run.posts);
    // Every post was published by exactly one of the five.
    expect(outcomes).toHaveLength(200);
    expect(new Set(outcomes.map((post) => post.post)).size).toBe(200);
    expect(outcomes.every((post) => post.status === 'published')).toBe(true);
    // The work was shared: no process did it all (batches are leased 25 at a time).
    expect(runs.filter((run) => run.posts.length > 0).length).toBeGreaterThan(1);

    // And the platforms got each exactly once.
    for (const platform of platforms) {
      const received = sandbox().records.list(platform);
      expect(received, platform).toHaveLength(50);
      const titles = received.map((post) => /nr\. (\d+)/.exec(post.text ?? post.title ?? '')?.[1]);
      expect(new Set(titles).size, platform).toBe(50);
    }
    const db = new Database(session.db, { readonly: true });
    try {
      const states = db.prepare('SELECT state, COUNT(*) AS n, COUNT(DISTINCT remote_id) AS ids FROM posts GROUP BY state').all();
      expect(states).toEqual([{ state: 'published', n: 200, ids: 200 }]);
      expect(db.prepare('SELECT COUNT(*) AS n FROM posts WHERE lease_holder IS NOT NULL').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
    const after = await session.runDue('2027-06-01T07:05:00.000Z');
    expect([after.code, after.posts]).toEqual([0, []]);
  });
});
