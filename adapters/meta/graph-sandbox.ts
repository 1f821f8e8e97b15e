import { randomBytes } from 'node:crypto';
import { ApiError, json, type Reply, type SandboxRequest } from '../../src/sandbox/http.js';

/**
 * What the Facebook and Instagram emulators share, because both are Meta's Graph API:
 * the error envelope, where an access token may be, and the usage headers (facebook.md §1, §7–§9).
 */

export interface GraphErrorFields {
  code: number;
  subcode?: number;
  type?: string;
  userTitle?: string;
  userMessage?: string;
  transient?: boolean;
  status?: number;
  data?: Record<string, unknown>;
}

export function graphError(message: string, fields: GraphErrorFields): Reply {
  return json(fields.status ?? 400, {
    error: {
      message,
      type: fields.type ?? 'OAuthException',
      code: fields.code,
      ...(fields.subcode !== undefined && { error_subcode: fields.subcode }),
      ...(fields.transient !== undefined && { is_transient: fields.transient }),
      ...(fields.userTitle && { error_user_title: fields.userTitle }),
      ...(fields.userMessage && { error_user_msg: fields.userMessage }),
      ...(fields.data && { error_data: fields.data }),
      fbtrace_id: randomBytes(8).toString('base64url'),
    },
  });
}

export const graphFail = (message: string, fields: GraphErrorFields): never => {
  throw new ApiError(graphError(message, fields));
};

/** The token from `access_token` (query, form, JSON, multipart) or `Authorization: Bearer|OAuth`. */
export function accessTokenOf(request: SandboxRequest, fields: Record<string, unknown>): string | undefined {
  const header = /^(?:Bearer|OAuth) (.+)$/.exec(request.header('authorization') ?? '')?.[1];
  return header ?? (typeof fields.access_token === 'string' ? fields.access_token : undefined);
}

/** `/v25.0/…`: a path must start with an API version. */
export function checkGraphVersion(version: string | undefined): void {
  if (!version || !/^v\d+\.\d+$/.test(version)) graphFail(`Unknown path components: /${version ?? ''}: the path must start with an API version such as v25.0`, { code: 2500 });
}

/** Checks a Graph token the way the Graph API answers: 104 without one, 190 for a wrong or expired one. */
export function checkGraphToken(token: string | undefined, valid: string, expiredSince?: number): void {
  if (!token) graphFail('An access token is required to request this resource.', { code: 104 });
  if (token !== valid) graphFail('Invalid OAuth access token - Cannot parse access token', { code: 190 });
  if (expiredSince !== undefined) throw new ApiError(expiredTokenError(expiredSince));
}

/** Graph's answer to an expired token: code 190, subcode 463. */
export function expiredTokenError(since: number): Reply {
  return graphError(`Error validating access token: Session has expired on ${new Date(since).toUTCString()}. The current time is ${new Date().toUTCString()}.`, { code: 190, subcode: 463 });
}

export function usageHeaders(objectId: string, type: 'pages' | 'instagram', calls: number): Record<string, string> {
  const percent = Math.min(100, calls);
  return {
    'x-app-usage': JSON.stringify({ call_count: percent, total_time: percent, total_cputime: percent }),
    'x-business-use-case-usage': JSON.stringify({ [objectId]: [{ type, call_count: percent, total_cputime: percent, total_time: percent, estimated_time_to_regain_access: 0 }] }),
  };
}

/** A Graph boolean: true/false as JSON, or the strings "true"/"false"/"1"/"0" from a form. */
export function graphBoolean(value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return value === true || value === 'true' || value === '1' || value === 1;
}

/** A Graph list parameter: a JSON array, a JSON string of one, or indexed fields `name[0]`, `name[1]`. */
export function graphList(fields: Record<string, unknown>, name: string): unknown[] | undefined {
  const direct = fields[name];
  if (Array.isArray(direct)) return direct;
  if (typeof direct === 'string') {
    try {
      const parsed = JSON.parse(direct) as unknown;
      return Array.isArray(parsed) ? parsed : direct.split(',').map((item) => item.trim());
    } catch {
      return direct.split(',').map((item) => item.trim());
    }
  }
  const indexed = Object.keys(fields)
    .map((key) => new RegExp(`^${name}\\[(\\d+)\\]$`).exec(key))
    .filter((match): match is RegExpExecArray => Boolean(match))
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((match) => {
      const value = fields[match[0]];
      if (typeof value !== 'string') return value;
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return value;
      }
    });
  return indexed.length ? indexed : undefined;
}

export const graphErrorReplies = {
  'bad-request': (message: string) => graphError(`(#100) ${message}`, { code: 100 }),
  'not-found': (message: string) => graphError(`Unknown path components: ${message}`, { code: 2500 }),
  'not-allowed': (message: string) => graphError(`(#100) ${message}`, { code: 100 }),
  'too-large': (message: string) => graphError(`(#100) ${message}`, { code: 100, status: 413 }),
  internal: () => graphError('An unknown error has occurred.', { code: 1, status: 500, transient: true }),
};
