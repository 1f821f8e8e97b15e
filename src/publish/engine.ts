import { randomBytes } from 'node:crypto';
import { adapters } from '../../adapters/index.js';
import { publishers } from '../../adapters/publishers.js';
import type { PlatformName } from '../../adapters/names.js';
import { now, nowMs } from '../clock.js';
import type { Config } from '../config.js';
import type { Plan } from '../plan/types.js';
import type { LeaseHolder, PostRow, PostState, Store } from '../store/store.js';
import { isNetworkError, LeaseLostError, PublishError } from './errors.js';
import { whyNotStart, type NotStarted } from '../schedule/missed.js';
import { mediaAccess } from './media.js';
import { silentReporter } from './report.js';
import { delayBefore, type RetryPolicy } from './retry.js';
import type { CallOptions, PublishContext, Publisher } from './types.js';

/** A post's outcome, as `--json` and the summary report it. */
export interface PostOutcome {
  platform: string;
  account: string | null;
  languages: string[];
  status: 'published' | 'failed' | 'unknown' | 'scheduled' | 'missed' | 'cancelled';
  /** For a post that waits: when it goes out (ISO 8601), and how: on the platform, or in ip-post's queue. */
  at?: string;
  /** The event's time zone, in which `at` is shown. */
  timezone?: string;
  via?: 'native' | 'queue';
  /** A reminder: how long before the event. */
  reminder?: string;
  /** The post's number in the record (for `ip-post queue`). */
  post?: number;
  id?: string;
  url?: string;
  error?: string;
  code?: string;
  warning?: string;
}

export interface RunResult {
  run: string;
  posts: PostOutcome[];
}

/** What the progress display hears about each post. */
export interface Reporter {
  start(post: PostRow): void;
  step(post: PostRow, text: string): void;
  sent(post: PostRow, bytes: number, total: number): void;
  finish(post: PostRow, outcome: PostOutcome): void;
  close(): void;
}

export interface EngineOptions {
  store: Store;
  config: Config;
  reporter: Reporter;
  /** This process, as the holder of the leases on the posts it publishes. */
  holder: LeaseHolder;
  env?: NodeJS.ProcessEnv;
  /**
   * run-due without --catch-up: a post found more than this long after its time is not started late; one
   * already on its way is finished only if the platform shows it went out.
   */
  lateAfterMs?: number;
  /** `ip-post retry`: the officer asked for it (see resendUnverifiable). */
  retrying?: boolean;
}

export function newRunId(at = now()): string {
  return `${at.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}-${randomBytes(2).toString('hex')}`;
}

/**
 * Records the plan as a run, then publishes every post that is due now or that its platform will hold for
 * its time (native scheduling); posts for ip-post's queue are only recorded, for `run-due`.
 */
export async function publishPlan(plan: Plan, options: EngineOptions, id = newRunId()): Promise<RunResult> {
  const rows = options.store.createRun(
    { id, announcement: plan.announcement, file: plan.file },
    plan.posts.map((post) => ({ plan: post, dueAt: post.schedule?.at, schedule: post.schedule?.mode, reminder: post.reminder?.before })),
    options.holder,
  );
  // The officer may have taken a while to confirm.
  queueWhatIsTooNear(rows, options);
  const outcomes = await publishPosts(
    rows.filter((row) => row.state === 'planned'),
    options,
  );
  options.store.finishRun(id);
  return { run: id, posts: rows.map((row) => outcomes.get(row.id) ?? outcomeOf(options.store.post(row.id))) };
}

/**
 * A post for the platform's own scheduling whose time is still ahead, but too near for the platform to take
 * (Facebook wants 10 minutes), waits in ip-post's queue instead: neither early nor refused.
 */
export function queueWhatIsTooNear(rows: PostRow[], options: EngineOptions): Set<PostRow> {
  const moved = new Set<PostRow>();
  for (const row of rows) {
    if (row.remote_id || row.schedule !== 'native' || nativeTime(row) || Date.parse(row.due_at!) <= nowMs()) continue;
    options.store.reschedule(row.id, row.due_at!, 'queue', 'queued');
    options.store.release(row.id, options.holder);
    row.state = 'queued';
    moved.add(row);
  }
  return moved;
}

/** States that `retry` sends again: whatever did not go out and is not waiting for its time. */
export const retryable: PostState[] = ['planned', 'sending', 'failed', 'unknown', 'missed'];

/**
 * Publishes what a run has not published yet: failed, unknown, interrupted, missed. The platform is checked
 * first. A post another live process is publishing is left to it.
 */
export async function resumeRun(runId: string, options: EngineOptions): Promise<RunResult> {
  const rows = options.store.posts(runId);
  const busy = new Map<number, PostOutcome>();
  const mine = rows.filter((row) => {
    if (!retryable.includes(row.state)) return false;
    if (options.store.lease(row.id, options.holder)) return true;
    busy.set(row.id, { ...outcomeOf(row), status: 'unknown', error: `another ip-post process (${row.lease_holder}) is publishing it now: wait for it, then see \`ip-post history ${runId}\`` });
    return false;
  });
  // A post tried again before its time is not sent early: too near for its platform, it waits in the queue.
  queueWhatIsTooNear(mine, options);
  const outcomes = await publishPosts(
    mine.filter((row) => row.state !== 'queued').map((row) => options.store.post(row.id)),
    { ...options, retrying: true },
  );
  options.store.finishRun(runId);
  return { run: runId, posts: rows.map((row) => outcomes.get(row.id) ?? busy.get(row.id) ?? outcomeOf(options.store.post(row.id))) };
}

/**
 * Publishes posts this process holds the leases of. Platforms run in parallel; one platform's posts run one
 * after another, as its limits and threads want. The leases are renewed while the work goes on.
 */
export async function publishPosts(rows: PostRow[], options: EngineOptions): Promise<Map<number, PostOutcome>> {
  const outcomes = new Map<number, PostOutcome>();
  if (rows.length === 0) return outcomes;
  const { store, holder } = options;
  const heartbeat = setInterval(() => store.renewLeases(holder), Math.max(1000, holder.leaseMs / 3));
  heartbeat.unref();
  const byPlatform = new Map<string, PostRow[]>();
  for (const row of rows) byPlatform.set(row.platform, [...(byPlatform.get(row.platform) ?? []), row]);
  try {
    await Promise.all(
      [...byPlatform].map(async ([platform, posts]) => {
        const publisher = await publishers[platform as PlatformName]();
        for (const row of posts) {
          const outcome = await publishOne(row, publisher, options);
          // No outcome: another process took the post over, and reports it.
          if (outcome) outcomes.set(row.id, outcome);
          store.release(row.id, holder);
        }
      }),
    );
  } finally {
    clearInterval(heartbeat);
    options.reporter.close();
  }
  return outcomes;
}

/**
 * When the platform should publish the post itself: its time, if the post is to be scheduled natively and
 * the time is still far enough ahead for the platform to take it; otherwise (a queued post come due, or a
 * native one whose time came while it could not be sent) it is published now.
 */
function nativeTime(row: PostRow): Date | undefined {
  if (row.schedule !== 'native' || !row.due_at) return undefined;
  const native = adapters[row.platform as PlatformName].nativeScheduling;
  const ahead = Date.parse(row.due_at) - nowMs();
  return native && ahead >= native.minAheadMs ? new Date(row.due_at) : undefined;
}

/**
 * Sends one post (or hands it to its platform for its time), resuming from what the record says was done.
 * Undefined when another process took the post over meanwhile: that one reports it.
 */
async function publishOne(row: PostRow, publisher: Publisher, options: EngineOptions): Promise<PostOutcome | undefined> {
  const { store, reporter, holder } = options;
  reporter.start(row);
  // Every change of state is made only while this process still holds the post: one whose lease ran out
  // (it was paused too long) and was taken over leaves the post, and its record, to the new holder.
  const write = (fields: Parameters<Store['update']>[1]) => store.update(row.id, fields, holder);
  if (!write({ state: 'sending', attempt: true, error: null, errorCode: null })) return undefined;
  const notStarted = whyNotStart(row, nowMs(), options.lateAfterMs);
  try {
    if (isHeld(row) && publisher.confirmScheduled) {
      const held = await finishHeld(row, publisher, options, notStarted);
      if (held === 'lost') return publishOne(store.post(row.id), publisher, options);
      if (!write(held)) return undefined;
    } else {
      // Nothing of it reached the platform yet: not started at all, not even a media upload.
      if (notStarted && !Object.entries(row.progress).some(([key, value]) => /^(pending|done):/.test(key) && value !== null)) throw new NotStartedError(notStarted);
      const scheduleAt = nativeTime(row);
      // A call whose outcome cannot be checked is sent again only by a retry of a post reported unknown: the
      // officer was told to look first.
      const resendUnverifiable = Boolean(options.retrying) && row.state === 'unknown';
      const published = await publisher.publish(createContext(row, publisher, options, { scheduleAt, notStarted, resendUnverifiable }));
      if (!write({ state: scheduleAt ? 'scheduled' : 'published', remoteId: published.id, url: published.url, error: published.warning ?? null })) return undefined;
    }
  } catch (error) {
    if (error instanceof LeaseLostError) return undefined;
    if (error instanceof NotStartedError) {
      if (!write({ state: 'missed', error: error.message, errorCode: error.code! })) return undefined;
    } else {
      const failure = error instanceof PublishError ? error : isNetworkError(error) ? new PublishError('unknown-outcome', String((error as Error).message)) : publisher.classify(error);
      if (!write({ state: failure.kind === 'unknown-outcome' ? 'unknown' : 'failed', error: failure.message, errorCode: failure.code ?? null })) return undefined;
    }
  }
  const outcome = outcomeOf(store.post(row.id));
  reporter.finish(row, outcome);
  return outcome;
}

/**
 * A post its platform holds (native scheduling) that is being tried again: the platform is asked first.
 * A cancel or move cut off half-way is finished first. Out: published. Still held: left to the platform
 * while its time is ahead, else published now. Gone there: 'lost' — its record is cleared to send it anew.
 */
async function finishHeld(row: PostRow, publisher: Publisher, options: EngineOptions, notStarted: NotStarted | undefined): Promise<Parameters<Store['update']>[1] | 'lost'> {
  const context = createContext(row, publisher, options);
  const label = adapters[row.platform as PlatformName].label;
  // A cancel or move cut off half-way is finished first: the record then says where the post stands.
  if (await settleIntent(row, publisher, context, options.store)) return {};
  const found = await publisher.confirmScheduled!(context, row.remote_id!);
  if (found === 'published') return { state: 'published', error: null, errorCode: null };
  if (found === 'gone') {
    options.store.lostOnPlatform(row.id, `${label} no longer has it: sent anew`);
    return 'lost';
  }
  if (nativeTime(row)) return { state: 'scheduled', error: null, errorCode: null };
  if (notStarted) throw new NotStartedError({ ...notStarted, message: `${notStarted.message} (${label} still holds it, unpublished)` });
  if (!publisher.publishNow) throw new PublishError('fatal', `${label} still holds the post past its time, and ip-post cannot publish it from here: publish it there by hand`);
  await publisher.publishNow(context, row.remote_id!);
  return { state: 'published', error: null, errorCode: null };
}

/** A post that must not be started now (see whyNotStart); one already on its way is finished if it went out. */
class NotStartedError extends PublishError {
  constructor(reason: NotStarted) {
    super('fatal', reason.message, reason.code);
    this.name = 'NotStartedError';
  }
}

/** What a command means to do to a post its platform holds: written to the record before the platform is asked. */
export type HeldIntent = { cancel: true } | { move: string } | { withdraw: string };

/** Held by its platform (native scheduling): it has the post, and publishes it at its time. */
export const isHeld = (row: PostRow): boolean => Boolean(row.remote_id) && row.schedule === 'native';

/**
 * Cancels a post its platform holds, moves it to another time there, or withdraws it into ip-post's queue
 * (at the time given). The intent is recorded first, so that a command cut off half-way is finished by the
 * next one that finds the post (run-due, retry), never mistaken for a post deleted on the platform.
 * Returns what the officer should know, if anything. The caller holds the post's lease.
 */
export async function changeHeld(row: PostRow, intent: HeldIntent, options: Omit<EngineOptions, 'reporter'>): Promise<string | undefined> {
  options.store.setProgress(row.id, 'intent', intent);
  return changeOnPlatform(row, options, (publisher, context) => carryOut(row, intent, publisher, context, options.store));
}

/** An intent a cut-off command left on a held post, carried out now; true when there was one. */
export async function settleIntent(row: PostRow, publisher: Publisher, context: PublishContext, store: Store): Promise<boolean> {
  const intent = row.progress.intent as HeldIntent | null | undefined;
  if (!intent) return false;
  await carryOut(row, intent, publisher, context, store);
  return true;
}

/** Each platform call here may be repeated: a post already gone counts as cancelled, a time already set as moved. */
async function carryOut(row: PostRow, intent: HeldIntent, publisher: Publisher, context: PublishContext, store: Store): Promise<string | undefined> {
  const label = adapters[row.platform as PlatformName].label;
  if ('move' in intent) {
    if (!publisher.reschedule) throw new PublishError('fatal', `${label} cannot move a scheduled post from ip-post`);
    await publisher.reschedule(context, row.remote_id!, new Date(intent.move));
    store.reschedule(row.id, intent.move, 'native', 'scheduled');
    store.setProgress(row.id, 'intent', null);
    return undefined;
  }
  if (!publisher.unschedule) throw new PublishError('fatal', `${label} cannot cancel a scheduled post from ip-post`);
  const note = await publisher.unschedule(context, row.remote_id!);
  if ('withdraw' in intent) store.requeue(row.id, intent.withdraw);
  else markCancelled(store, row.id, note);
  return note;
}

/** A post the officer cancelled, with what the platform said of it, if anything. */
export function markCancelled(store: Store, postId: number, note?: string): void {
  store.update(postId, { state: 'cancelled', error: `cancelled by \`ip-post queue cancel\`${note ? `; ${note}` : ''}` });
}

/**
 * Does something to a post that its platform holds (moves or cancels a native schedule), with the same
 * journal, retries and error translation as publishing. The caller holds the post's lease.
 */
export async function changeOnPlatform<T>(row: PostRow, options: Omit<EngineOptions, 'reporter'>, change: (publisher: Publisher, context: PublishContext) => Promise<T>): Promise<T> {
  const publisher = await publishers[row.platform as PlatformName]();
  const context = createContext(row, publisher, { ...options, reporter: silentReporter });
  try {
    return await change(publisher, context);
  } catch (error) {
    throw error instanceof PublishError ? error : publisher.classify(error);
  }
}

/**
 * How much earlier than the first attempt a post found by its text may have been made and still be taken
 * for this one: room for clocks that disagree. A post with the same text from a day or a week before is
 * another post (and the platform refuses this one as its duplicate); within the hour it is taken as this
 * one, which sends nothing twice either way.
 */
const clockMarginMs = 60 * 60_000;

/** What a publisher gets for one post: settings, secrets, progress kept in the record, and journaled calls. */
function createContext(
  row: PostRow,
  publisher: Publisher,
  options: EngineOptions,
  { scheduleAt, notStarted, resendUnverifiable = false }: { scheduleAt?: Date; notStarted?: NotStarted; resendUnverifiable?: boolean } = {},
): PublishContext {
  const { store, config, reporter, holder } = options;
  const env = options.env ?? process.env;
  const progress = { ...store.post(row.id).progress };
  const policy: RetryPolicy = { attempts: config.network.attempts, baseMs: config.network.backoffMs, maxWaitMs: config.network.maxWaitMs };
  const settings = config.platforms[row.platform as PlatformName];

  // What this process learns of the post is written only while it holds the post (see publishOne).
  const remember = (key: string, value: unknown) => {
    if (!store.setProgress(row.id, key, value, holder)) throw new LeaseLostError();
    progress[key] = value;
  };
  const pendingKey = (name: string) => `pending:${name}`;
  const doneKey = (name: string) => `done:${name}`;

  /** A change that went through: its result is kept (it must be JSON), then it is no longer pending. */
  const settle = (name: string, result: unknown) => {
    remember(doneKey(name), result ?? true);
    remember(pendingKey(name), null);
  };

  const context: PublishContext = {
    post: row.plan,
    ...(scheduleAt && { scheduleAt }),
    settings,
    progress,
    remember,
    secret(setting) {
      const name = settings[setting];
      const value = typeof name === 'string' ? env[name] : undefined;
      if (!value) throw new PublishError('auth', `the ${row.platform} credentials are missing: set ${String(name ?? setting)} in the environment or .env (ip-post config shows which are set)`);
      return value;
    },
    step: (text) => reporter.step(row, text),
    sent: (bytes, total) => reporter.sent(row, bytes, total),
    pause: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, config.network.pollMs))),
    timeoutMs: config.network.timeoutMs,
    media: mediaAccess({ mediaHost: config.mediaHost, env, onBytes: (bytes, total) => reporter.sent(row, bytes, total), timeoutMs: config.network.timeoutMs }),

    async call<T>(name: string, request: () => Promise<T>, callOptions: CallOptions<T> = {}): Promise<T> {
      const reconcile = async (): Promise<T | undefined> => {
        if (!callOptions.reconcile) return undefined;
        context.step('checking whether it went through');
        store.journal(row.id, `${name}:check`, 'before');
        try {
          const since = new Date(Date.parse(String(progress[pendingKey(name)])) - clockMarginMs);
          const found = await callOptions.reconcile(since);
          store.journal(row.id, `${name}:check`, 'after', { found: found !== undefined });
          return found;
        } catch (error) {
          const failure = error instanceof PublishError ? error : publisher.classify(error);
          store.journal(row.id, `${name}:check`, 'error', { kind: failure.kind, code: failure.code });
          throw new PublishError('unknown-outcome', `it is not known whether ${row.platform} took it, and checking failed (${failure.message}): look on ${row.platform} before \`ip-post retry\``, failure.code);
        }
      };

      if (callOptions.changes) {
        // It went through before (and the process died before the post's state said so): never again.
        if (progress[doneKey(name)] !== undefined && progress[doneKey(name)] !== null) return progress[doneKey(name)] as T;
        if (progress[pendingKey(name)] && !callOptions.reconcile && !resendUnverifiable) {
          // Sent before, outcome never recorded, and the platform cannot be asked: not sent again unseen.
          const label = adapters[row.platform as PlatformName].label;
          throw new PublishError('unknown-outcome', `it is not known whether ${label} took it (the sending was cut off) and ${label} cannot be asked: look there; if it is not there, \`ip-post retry\` sends it`);
        }
        if (progress[pendingKey(name)]) {
          const found = await reconcile();
          if (found !== undefined) {
            settle(name, found);
            return found;
          }
        }
        // Not on the platform, and not to be started now: nothing new is sent.
        if (notStarted) throw new NotStartedError(notStarted);
        // The first attempt's time stays: what any attempt made is looked for from then on.
        if (!progress[pendingKey(name)]) remember(pendingKey(name), new Date(nowMs()).toISOString());
      }
      for (let attempt = 1; ; attempt++) {
        // Checked right before every call, after any wait, and renewed before each change: a process that
        // lost the post makes no further call for it.
        if (!(callOptions.changes ? store.keepLease(row.id, holder) : store.holdsLease(row.id, holder))) throw new LeaseLostError();
        store.journal(row.id, name, 'before', { attempt });
        try {
          const result = await request();
          store.journal(row.id, name, 'after');
          if (callOptions.changes) settle(name, result);
          return result;
        } catch (error) {
          const failure = error instanceof PublishError ? error : publisher.classify(error);
          store.journal(row.id, name, 'error', { attempt, kind: failure.kind, code: failure.code, message: failure.message });
          const mayHaveHappened = failure.kind === 'unknown-outcome' || failure.kind === 'duplicate' || (failure.kind === 'retry' && callOptions.changes);
          if (callOptions.changes && mayHaveHappened) {
            if (!callOptions.reconcile && failure.kind !== 'retry') throw failure;
            const found = await reconcile();
            if (found !== undefined) {
              settle(name, found);
              return found;
            }
            if (failure.kind === 'duplicate') throw failure;
          }
          const retryable = failure.kind === 'retry' || failure.kind === 'rate-limit' || failure.kind === 'unknown-outcome';
          if (!retryable || attempt >= policy.attempts) {
            if (callOptions.changes && failure.kind === 'unknown-outcome' && !callOptions.reconcile) throw failure;
            throw retryable ? new PublishError(failure.kind === 'rate-limit' ? 'rate-limit' : 'fatal', `${failure.message} (gave up after ${attempt} tries)`, failure.code) : failure;
          }
          const wait = delayBefore(attempt + 1, policy, failure);
          if (wait > policy.maxWaitMs) throw new PublishError('rate-limit', `${failure.message}: the platform asks to wait ${Math.ceil(wait / 60_000)} min; try \`ip-post retry\` later`, failure.code);
          context.step(`waiting ${(wait / 1000).toFixed(1)} s: ${failure.message}`);
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
      }
    },
  };

  return context;
}

const base = (row: PostRow) => ({ platform: row.platform, account: row.account, languages: row.languages });

export function outcomeOf(row: PostRow): PostOutcome {
  const status: PostOutcome['status'] = row.state === 'queued' ? 'scheduled' : row.state === 'planned' || row.state === 'sending' ? 'unknown' : row.state;
  return {
    ...base(row),
    post: row.id,
    status,
    ...(row.due_at && { at: row.due_at, timezone: row.plan.schedule?.timezone ?? 'UTC' }),
    ...(row.schedule && { via: row.schedule }),
    ...(row.reminder && { reminder: row.reminder }),
    ...(row.remote_id && { id: row.remote_id }),
    ...(row.url && { url: row.url }),
    ...(row.error && status !== 'published' && { error: row.error }),
    ...(row.error && status === 'published' && { warning: row.error }),
    ...(row.error_code && { code: row.error_code }),
  };
}
