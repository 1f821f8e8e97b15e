import type { PlatformName } from '../../adapters/names.js';
import type { Fault, FaultRegistry } from './faults.js';
import type { Reply, Route, SandboxRequest } from './http.js';
import type { Records } from './records.js';

export interface SandboxOptions {
  /** How many status polls an asynchronous job (processing, containers, TikTok) takes to finish. */
  processingPolls: number;
  /** The largest request body the sandbox reads, in bytes. */
  maxBodyBytes: number;
  /** A TikTok client that has not passed TikTok's audit may only post SELF_ONLY. */
  tiktokAudited: boolean;
  /** Address prefixes TikTok will pull media from (verified domains); the sandbox's media host is always one. */
  tiktokVerifiedPrefixes: string[];
  /** YouTube's daily quota: uploads (their own bucket) and units for everything else. */
  youtubeUploadsPerDay: number;
  youtubeUnitsPerDay: number;
  /** Instagram posts per 24 hours (the stricter of the two documented figures). */
  instagramPostsPerDay: number;
}

export const defaultOptions: SandboxOptions = {
  processingPolls: 2,
  maxBodyBytes: 64 * 1024 * 1024,
  tiktokAudited: true,
  tiktokVerifiedPrefixes: [],
  youtubeUploadsPerDay: 100,
  youtubeUnitsPerDay: 10_000,
  instagramPostsPerDay: 50,
};

/** What the sandbox gives each emulator. */
export interface EmulatorContext {
  platform: PlatformName;
  /** The emulator's address, as a client is configured with it (`http://127.0.0.1:4010/x`). */
  baseUrl: string;
  /** The sandbox's media host (`http://127.0.0.1:4010/media`). */
  mediaUrl: string;
  /** Milliseconds since the epoch on the sandbox's clock, which tests can set and move forward. */
  now(): number;
  /** What the platforms received. Scheduled posts whose time has come are published before each request reaches an emulator. */
  records: Records;
  faults: FaultRegistry;
  options: SandboxOptions;
  /** A new numeric id, unique in this sandbox. */
  newId(): string;
  /** Fetches an address as the platform does when it pulls media. */
  fetch(url: string): Promise<{ status: number; type: string; bytes: Buffer }>;
}

export type ErrorKind = 'bad-request' | 'not-found' | 'not-allowed' | 'too-large' | 'internal';

/** One platform's API, as adapters/<platform>/sandbox.ts builds it. */
export interface Emulator {
  routes: Route<EmulatorContext>[];
  /** The platform's answer when a fault fires before the endpoint runs. */
  faultReply(fault: Fault, request: SandboxRequest): Reply;
  /** The platform's error for what the sandbox itself refuses: an unreadable body, an unknown path. */
  errorReply(kind: ErrorKind, message: string): Reply;
  /** Headers on every answer (rate-limit and usage headers). */
  headers?(request: SandboxRequest): Record<string, string>;
  /** The platform's settings in an ip-post config that points at this emulator. */
  settings(): Record<string, unknown>;
  /** Environment variables, by name, that give ip-post the sandbox's credentials. */
  credentials: Record<string, string>;
  /** From now on the current access token is expired (the platform's own auth error), or, with false, good again (renewed). */
  expireToken(expired?: boolean): void;
}

export type EmulatorFactory = (context: EmulatorContext) => Emulator;
