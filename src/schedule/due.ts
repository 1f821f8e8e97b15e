import { nowMs } from '../clock.js';
import { outcomeOf, publishPosts, type EngineOptions, type PostOutcome } from '../publish/engine.js';
import { describeInstant } from './when.js';

export interface DueOptions extends EngineOptions {
  /** Send posts later than the grace period too (and those already marked missed). */
  catchUp?: boolean;
  /** How many posts one process leases at a time; others running at once take the next ones. */
  batch?: number;
}

/**
 * Publishes every queued post whose time has come, as `ip-post run-due` does from cron. Posts are leased a
 * batch at a time, so several processes share the work and each post has exactly one publisher; a post
 * whose publisher died is taken over and resumed from what the record says it did. A post later than the
 * grace period is not sent late: it is marked missed, unless `catchUp`.
 */
export async function publishDue(options: DueOptions): Promise<PostOutcome[]> {
  const { store, holder, config } = options;
  const outcomes: PostOutcome[] = [];
  for (;;) {
    const claimed = store.claimDue(holder, nowMs(), options.batch ?? 25, { includeMissed: options.catchUp });
    if (claimed.length === 0) break;
    const late = claimed.filter((row) => row.state === 'queued' && !options.catchUp && nowMs() - Date.parse(row.due_at!) > config.schedule.graceMs);
    for (const row of late) {
      const zone = row.plan.schedule?.timezone ?? 'UTC';
      store.update(row.id, {
        state: 'missed',
        error: `not sent: its time, ${describeInstant(new Date(row.due_at!), zone)}, passed ${describeLateness(nowMs() - Date.parse(row.due_at!))} ago while nothing ran \`ip-post run-due\`; \`ip-post run-due --catch-up\` sends it now, or \`ip-post queue reschedule ${row.id} WHEN\``,
      });
      store.release(row.id, holder);
      outcomes.push(outcomeOf(store.post(row.id)));
    }
    const published = await publishPosts(
      claimed.filter((row) => !late.includes(row)),
      options,
    );
    for (const row of claimed) if (published.has(row.id)) outcomes.push(published.get(row.id)!);
    for (const runId of new Set(claimed.map((row) => row.run_id))) store.finishRun(runId);
  }
  return outcomes;
}

function describeLateness(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}
