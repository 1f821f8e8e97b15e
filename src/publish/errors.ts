import { nowMs } from '../clock.js';
/**
 * How a failure is handled:
 * - `retry`: transient (5xx, network); a call that changes nothing is simply repeated;
 * - `rate-limit`: wait `retryAfterMs`, then repeat;
 * - `unknown-outcome`: a call that changes the platform may have worked (timeout, reset, some 5xx): look before repeating;
 * - `duplicate`: the platform says it has this already: look for it;
 * - `auth`, `input`, `limit`, `fatal`: repeating cannot help; tell the officer what to do.
 */
export type FailureKind = 'retry' | 'rate-limit' | 'unknown-outcome' | 'duplicate' | 'auth' | 'input' | 'limit' | 'fatal';

/** A failure phrased for the officer: what happened and what to do, with the platform's own code kept for support. */
export class PublishError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    /** The platform's code, e.g. `190/463`, `403 duplicate`, `spam_risk_too_many_posts`. */
    readonly code?: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'PublishError';
  }
}

/**
 * This process's lease on a post ran out (it was paused, or cut off from the record, for longer than
 * `schedule.leaseSeconds`) and another process took the post over: only that one may go on with it.
 */
export class LeaseLostError extends PublishError {
  constructor() {
    super('fatal', 'another ip-post process took this post over after this one held it too long: that one finishes it (see `ip-post history`)');
    this.name = 'LeaseLostError';
  }
}

/** Network failures: no answer arrived, so a call that changes the platform may or may not have happened. */
export function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: unknown; cause?: { code?: unknown } })?.code ?? (error as { cause?: { code?: unknown } })?.cause?.code;
  const text = String((error as Error)?.message ?? '');
  return (
    ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET', 'ERR_SOCKET_CONNECTION_TIMEOUT', 'ABORT_ERR'].includes(String(code)) ||
    /socket hang up|timeout|timed out|aborted|network|other side closed|ECONNRESET/i.test(text)
  );
}

/** Seconds or an HTTP date from Retry-After, or a unix-seconds reset header, as milliseconds from now. */
export function waitFromHeaders(headers: Record<string, unknown> | undefined, now = nowMs()): number | undefined {
  if (!headers) return undefined;
  const get = (name: string) => {
    const value = headers[name] ?? headers[name.toLowerCase()];
    return Array.isArray(value) ? String(value[0]) : value === undefined ? undefined : String(value);
  };
  const retryAfter = get('retry-after');
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = get('x-rate-limit-reset');
  if (reset !== undefined && Number.isFinite(Number(reset))) return Math.max(0, Number(reset) * 1000 - now);
  return undefined;
}
