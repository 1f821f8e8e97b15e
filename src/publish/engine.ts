import { randomBytes } from 'node:crypto';
import { publishers } from '../../adapters/publishers.js';
import type { PlatformName } from '../../adapters/names.js';
import type { Config } from '../config.js';
import type { Plan } from '../plan/types.js';
import type { PostRow, PostState, Store } from '../store/store.js';
import { isNetworkError, PublishError } from './errors.js';
import { mediaAccess } from './media.js';
import { delayBefore, type RetryPolicy } from './retry.js';
import type { CallOptions, PublishContext, Publisher } from './types.js';

/** A post's outcome, as `--json` and the summary report it. */
export interface PostOutcome {
  platform: string;
  account: string | null;
  languages: string[];
  status: 'published' | 'failed' | 'unknown' | 'scheduled';
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
  env?: NodeJS.ProcessEnv;
}

export function newRunId(now = new Date()): string {
  return `${now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}-${randomBytes(2).toString('hex')}`;
}

/** Records the plan as a run, then publishes every post. */
export async function publishPlan(plan: Plan, options: EngineOptions): Promise<RunResult> {
  const id = newRunId();
  const rows = options.store.createRun({ id, announcement: plan.announcement, file: plan.file }, plan.posts);
  return publishRows(id, rows, options);
}

/** Publishes what a run has not published yet: failed, unknown, interrupted. The platform is checked first. */
export async function resumeRun(runId: string, options: EngineOptions): Promise<RunResult> {
  const rows = options.store.posts(runId);
  const pending = rows.filter((row) => row.state !== 'published' && row.state !== 'scheduled');
  const result = await publishRows(runId, pending, options);
  const done = rows.filter((row) => !pending.includes(row)).map(outcomeOf);
  return { run: runId, posts: rows.map((row) => result.posts[pending.indexOf(row)] ?? done.shift()!) };
}

/** Platforms run in parallel; one platform's posts run one after another, as its limits and threads want. */
async function publishRows(runId: string, rows: PostRow[], options: EngineOptions): Promise<RunResult> {
  const byPlatform = new Map<string, PostRow[]>();
  for (const row of rows) byPlatform.set(row.platform, [...(byPlatform.get(row.platform) ?? []), row]);
  const outcomes = new Map<number, PostOutcome>();
  await Promise.all(
    [...byPlatform].map(async ([platform, posts]) => {
      const publisher = await publishers[platform as PlatformName]();
      for (const row of posts) outcomes.set(row.id, await publishOne(row, publisher, options));
    }),
  );
  options.store.finishRun(runId);
  options.reporter.close();
  return { run: runId, posts: rows.map((row) => outcomes.get(row.id)!) };
}

async function publishOne(row: PostRow, publisher: Publisher, options: EngineOptions): Promise<PostOutcome> {
  const { store, config, reporter } = options;
  const env = options.env ?? process.env;
  reporter.start(row);
  store.update(row.id, { state: 'sending', attempt: true, error: null, errorCode: null });
  const progress = { ...row.progress };
  const policy: RetryPolicy = { attempts: config.network.attempts, baseMs: config.network.backoffMs, maxWaitMs: config.network.maxWaitMs };
  const settings = config.platforms[row.platform as PlatformName];

  const remember = (key: string, value: unknown) => {
    progress[key] = value;
    store.setProgress(row.id, key, value);
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
          const found = await callOptions.reconcile();
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
        if (progress[pendingKey(name)]) {
          const found = await reconcile();
          if (found !== undefined) {
            settle(name, found);
            return found;
          }
        }
        remember(pendingKey(name), new Date().toISOString());
      }
      for (let attempt = 1; ; attempt++) {
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

  let outcome: PostOutcome;
  try {
    const published = await publisher.publish(context);
    store.update(row.id, { state: 'published', remoteId: published.id, url: published.url, error: published.warning ?? null });
    outcome = { ...base(row), status: 'published', id: published.id, url: published.url, ...(published.warning && { warning: published.warning }) };
  } catch (error) {
    const failure = error instanceof PublishError ? error : isNetworkError(error) ? new PublishError('unknown-outcome', String((error as Error).message)) : publisher.classify(error);
    const state: PostState = failure.kind === 'unknown-outcome' ? 'unknown' : 'failed';
    store.update(row.id, { state, error: failure.message, errorCode: failure.code ?? null });
    outcome = { ...base(row), status: state, error: failure.message, ...(failure.code && { code: failure.code }) };
  }
  reporter.finish(row, outcome);
  return outcome;
}

const base = (row: PostRow) => ({ platform: row.platform, account: row.account, languages: row.languages });

export function outcomeOf(row: PostRow): PostOutcome {
  const status = row.state === 'published' || row.state === 'scheduled' || row.state === 'failed' ? row.state : 'unknown';
  return {
    ...base(row),
    status,
    ...(row.remote_id && { id: row.remote_id }),
    ...(row.url && { url: row.url }),
    ...(row.error && status !== 'published' && { error: row.error }),
    ...(row.error && status === 'published' && { warning: row.error }),
    ...(row.error_code && { code: row.error_code }),
  };
}
