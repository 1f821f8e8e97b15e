import { adapters } from '../../adapters/index.js';
import type { PlatformName } from '../../adapters/names.js';
import { nowMs } from '../clock.js';
import { changeOnPlatform, outcomeOf, publishPosts, queueWhatIsTooNear, settleIntent, type EngineOptions, type PostOutcome } from '../publish/engine.js';
import { PublishError } from '../publish/errors.js';
import { anyTime, type PostRow } from '../store/store.js';
import { describeLateness, whyNotStart, zoneOf } from './missed.js';
import { confirmAfterMs } from './timing.js';
import { describeInstant } from './when.js';

export interface DueOptions extends EngineOptions {
  /** Send posts later than the grace period too (and those already marked missed). */
  catchUp?: boolean;
  /** How many posts one process leases at a time; others running at once take the next ones. */
  batch?: number;
}

/**
 * What `ip-post run-due` does from cron. First every queued post whose time has come is published: posts are
 * leased a batch at a time, so several processes share the work and each post has exactly one publisher; a
 * post whose publisher died is taken over and resumed from what the record says it did. A post later than
 * the grace period is not sent late: it is marked missed, unless `catchUp`. Then each post a platform held
 * for its time (native scheduling) is checked there: out, gone, or (past the grace period) not out yet.
 */
export async function publishDue(options: DueOptions): Promise<PostOutcome[]> {
  const { store, holder, config } = options;
  const outcomes: PostOutcome[] = [];
  const lateBy = (row: PostRow) => nowMs() - Date.parse(row.due_at!);
  const graceMs = options.catchUp ? undefined : config.schedule.graceMs;
  for (const handled = new Set<number>(); ; ) {
    // Queued posts that are due; and, whatever their time, posts whose sending was cut off (a free lease means
    // their process is gone): handed to their platform, sent, or missed.
    const claimed = [
      ...store.claimDue(holder, { dueBy: nowMs(), states: options.catchUp ? ['queued', 'missed'] : ['queued'], limit: options.batch ?? 25, excluding: handled }),
      ...store.claimDue(holder, { dueBy: anyTime, states: ['planned', 'sending'], limit: options.batch ?? 25, excluding: handled }),
    ];
    if (claimed.length === 0) break;
    for (const row of claimed) handled.add(row.id);
    // A post not yet begun is not started late, nor a reminder whose wording no longer holds; each is
    // reported once (a reminder already reported so is passed over by later --catch-up runs).
    const notStarted = new Set<PostRow>();
    for (const row of claimed) {
      if (row.state !== 'queued' && row.state !== 'missed') continue;
      const why = whyNotStart(row, nowMs(), graceMs);
      if (!why) continue;
      notStarted.add(row);
      if (row.state !== 'missed' || row.error_code !== why.code) {
        store.update(row.id, { state: 'missed', error: why.message, errorCode: why.code });
        outcomes.push(outcomeOf(store.post(row.id)));
      }
      store.release(row.id, holder);
    }
    // What an interrupted announce left, now too near its time for the platform to hold, waits in the queue.
    const waitInQueue = queueWhatIsTooNear(claimed, options);
    const published = await publishPosts(
      claimed.filter((row) => !notStarted.has(row) && !waitInQueue.has(row)),
      { ...options, lateAfterMs: graceMs },
    );
    for (const row of claimed) if (published.has(row.id)) outcomes.push(published.get(row.id)!);
    for (const runId of new Set(claimed.map((row) => row.run_id))) store.finishRun(runId);
  }

  // Posts the platforms held: checked once a little after their time, until each is out or reported.
  for (const seen = new Set<number>(); ; ) {
    const claimed = store.claimDue(holder, { dueBy: nowMs() - confirmAfterMs, states: ['scheduled'], limit: options.batch ?? 25, excluding: seen, orWithIntent: true });
    if (claimed.length === 0) break;
    for (const row of claimed) {
      seen.add(row.id);
      const outcome = await confirmScheduled(row, options, lateBy(row));
      store.release(row.id, holder);
      if (outcome) outcomes.push(outcome);
    }
  }
  return outcomes;
}

/** Asks the platform whether it published a post it held; an outcome when there is news, else nothing. */
async function confirmScheduled(row: PostRow, options: DueOptions, lateMs: number): Promise<PostOutcome | undefined> {
  const { store, config, holder } = options;
  const label = adapters[row.platform as PlatformName].label;
  const overdue = lateMs > config.schedule.graceMs;
  let found: 'published' | 'waiting' | 'gone' | 'settled';
  try {
    found = await changeOnPlatform(row, { store, config, holder }, async (publisher, context) => {
      // A cancel or move cut off half-way is finished first: the record then says where the post stands.
      if (await settleIntent(row, publisher, context, store)) return 'settled';
      return publisher.confirmScheduled ? publisher.confirmScheduled(context, row.remote_id!) : 'published';
    });
  } catch (error) {
    // Asked again on the next run; reported once the post is past the grace period.
    if (!(error instanceof PublishError) || !overdue) return undefined;
    store.update(row.id, { state: 'unknown', error: `${label} was to publish it at ${describeInstant(new Date(row.due_at!), zoneOf(row))}, and asking whether it did failed (${error.message}): look on ${label}` });
    return outcomeOf(store.post(row.id));
  }
  if (found === 'settled') return outcomeOf(store.post(row.id));
  if (found === 'published') store.update(row.id, { state: 'published' });
  else if (found === 'gone') store.lostOnPlatform(row.id, `${label} no longer has the post it was to publish at ${describeInstant(new Date(row.due_at!), zoneOf(row))} (deleted there?): it did not go out; \`ip-post retry ${row.run_id}\` publishes it now`);
  else if (overdue) store.update(row.id, { state: 'unknown', error: `${label} has not published it ${describeLateness(lateMs)} after its time: look at it on ${label}; \`ip-post retry ${row.run_id}\` publishes it now if it is still held there` });
  else return undefined;
  return outcomeOf(store.post(row.id));
}

