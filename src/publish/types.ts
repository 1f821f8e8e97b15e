import type { PlatformSettings } from '../config.js';
import type { PlannedMedia, PlannedPost } from '../plan/types.js';
import type { PublishError } from './errors.js';

/** Where a published post is. */
export interface Published {
  id: string;
  url: string;
  /** A warning the officer should see although the post is out (a thumbnail that was refused, say). */
  warning?: string;
}

export interface CallOptions<T> {
  /**
   * The call changes the platform (creates a post). It is never repeated blindly: when its outcome is
   * unknown, `reconcile` looks for what it would have made, and only if nothing is found is it sent again.
   * Its result is recorded (so it must be plain JSON: an id) and returned again if the post is resumed.
   * `reconcile` looks only at what was made `since` (the first attempt, less a margin for clocks): an older
   * post with the same text is someone else's, not this call's.
   */
  changes?: boolean;
  reconcile?: (since: Date) => Promise<T | undefined>;
}

/** Reading media for an upload: in chunks, as a stream, converted, or from a public address. */
export interface MediaAccess {
  /** The file's size in bytes (after conversion, for converted media). */
  size(media: PlannedMedia): Promise<number>;
  /** The bytes from `start` (inclusive) to `end` (exclusive), read from disk, never the whole file. */
  read(media: PlannedMedia, start: number, end: number): Promise<Buffer>;
  /** A stream of the bytes from `start` (to `end`, exclusive), counting what has been read into the post's progress. */
  stream(media: PlannedMedia, start?: number, end?: number): Promise<NodeJS.ReadableStream>;
  /** The file as the platform takes it: converted to JPEG when the plan says so. */
  bytes(media: PlannedMedia): Promise<Buffer>;
  /** A public address the platform can fetch the file from, uploading it to the media host if needed. */
  publicUrl(media: PlannedMedia): Promise<string>;
}

/** What a publisher gets for one post. */
export interface PublishContext {
  post: PlannedPost;
  /** Publish through the platform's own scheduling, to go public at this time (adapters with `nativeScheduling`). */
  scheduleAt?: Date;
  settings: PlatformSettings;
  /** What earlier attempts recorded (ids, sessions, offsets). */
  progress: Record<string, unknown>;
  /** Records progress durably before going on. */
  remember(key: string, value: unknown): void;
  /** The secret in the environment variable that a `…Env` setting names. */
  secret(setting: string): string;
  /** A remote call, journaled before and after, retried when that is safe. */
  call<T>(name: string, request: () => Promise<T>, options?: CallOptions<T>): Promise<T>;
  media: MediaAccess;
  /** What the post is doing now, for the progress display. */
  step(text: string): void;
  /** Bytes sent of an upload, for the progress display. */
  sent(bytes: number, total: number): void;
  /** Waits between status polls (shortened in tests by config). */
  pause(ms: number): Promise<void>;
  /** The longest a single request may take. */
  timeoutMs: number;
}

/** One platform's publishing flow: adapters/<platform>/publish.ts. */
export interface Publisher {
  /** A client or HTTP error, as what happened and what to do. */
  classify(error: unknown): PublishError;
  publish(context: PublishContext): Promise<Published>;
  /** Moves a post the platform holds for later to another time (native scheduling). */
  reschedule?(context: PublishContext, remoteId: string, at: Date): Promise<void>;
  /** Whether the platform has published a post it held for its time, still holds it, or no longer has it. */
  confirmScheduled?(context: PublishContext, remoteId: string): Promise<'published' | 'waiting' | 'gone'>;
  /** Cancels a post the platform holds for later; returns what the officer should know, if anything. */
  unschedule?(context: PublishContext, remoteId: string): Promise<string | undefined>;
  /** Publishes at once a post the platform holds (its time passed and the platform did not publish it). */
  publishNow?(context: PublishContext, remoteId: string): Promise<void>;
}
