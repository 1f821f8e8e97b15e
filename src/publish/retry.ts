import { PublishError } from './errors.js';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** The first backoff; each next one doubles, with full jitter. */
  baseMs: number;
  /** The longest single wait, backoff or rate limit; a longer rate limit fails the post instead. */
  maxWaitMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 5, baseMs: 500, maxWaitMs: 60_000 };

/** How long to wait before try number `attempt` (2, 3, …): exponential with full jitter, or what the platform asked. */
export function delayBefore(attempt: number, policy: RetryPolicy, error: PublishError, random = Math.random): number {
  if (error.kind === 'rate-limit' && error.retryAfterMs !== undefined) return error.retryAfterMs;
  const ceiling = Math.min(policy.maxWaitMs, policy.baseMs * 2 ** (attempt - 2));
  return Math.round(random() * ceiling);
}
