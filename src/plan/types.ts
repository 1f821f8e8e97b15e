import type { PlatformName } from '../../adapters/names.js';
import type { Language } from '../announcement/model.js';
import type { MediaKind } from '../media.js';

/** How a platform's posts carry several languages. */
export type Strategy = 'combined' | 'separate' | 'localized';


/** One medium as a post will send it. */
export interface PlannedMedia {
  /** The path as written in the announcement, or the URL. */
  source: string;
  kind: MediaKind;
  /** MIME type as found in the file. */
  type: string;
  bytes?: number;
  width?: number;
  height?: number;
  duration?: number;
  /** Alt text as sent (several languages joined in a combined post); null when there is none. */
  alt: string | null;
  /** The platform fetches the file itself from a public address… */
  pulled?: boolean;
  /** …this one (the media host's, or the announcement's URL); missing when no media host is configured. */
  publicUrl?: string;
  /** ip-post converts the file to this type before sending it. */
  convertTo?: string;
  /** YouTube: the image is set as the video's thumbnail. */
  role?: 'thumbnail';
  /** The local file, absolute (internal: for publishing; not part of the JSON plan). */
  file?: string;
}

/** A measured length against the platform's limit. */
export interface LengthCheck {
  /** `text`, `title`, `thread[2]`, `localizations.ru.description`, … */
  field: string;
  length: number;
  max: number;
  unit: string;
}

/** One post exactly as it would be sent; the dry-run prints it and `--json` emits it. */
export interface PlannedPost {
  platform: PlatformName;
  account: string | null;
  languages: Language[];
  strategy: Strategy;
  /** What the platform will make of it: "photo post", "carousel", "reel", "video", "thread", … */
  format: string;
  /** Exactly what is sent as the message, caption or description (for X: the first post). */
  text: string;
  thread?: string[];
  title?: string;
  localizations?: Record<Language, { title: string; description: string }>;
  defaultLanguage?: Language;
  tags?: string[];
  /** Facebook: the address whose preview card a text post carries. */
  link?: string;
  media: PlannedMedia[];
  /** Media of the announcement that this post leaves out, and why. */
  skippedMedia?: { source: string; reason: string }[];
  lengths: LengthCheck[];
  /** What posting costs, where the platform charges per post (X). */
  cost?: { posts: number; postsWithLink: number; usd: number; note: string };
  /** What the officer should know but need not act on: shortened texts, skipped media. */
  notes: string[];
  /** What deserves a look before publishing: missing alt text, a conversion, a setting to choose. */
  warnings: string[];
  /** What blocks publishing. */
  errors: string[];
  /** When it goes out, if not at once (ISO 8601), and how it waits: on the platform, or in ip-post's queue. */
  schedule?: PostSchedule;
  /** A reminder before the event: how long before (`1d`), as given to --reminders. */
  reminder?: ReminderInfo;
}

export interface ReminderInfo {
  before: string;
  /** When the event starts (ISO 8601), and in how many calendar days from the reminder: its wording says so. */
  event: string;
  days: number;
}

export interface PostSchedule {
  at: string;
  /** The event's time zone, in which the time is shown. */
  timezone: string;
  mode: 'native' | 'queue';
  /** Why it waits this way, for the preview: "Facebook schedules it", "more than 30 days ahead: ip-post's queue". */
  why: string;
  /** When the event starts (ISO 8601): a post moved past it would speak of the event as ahead. */
  event?: string;
}

export interface Plan {
  announcement: string;
  file: string;
  languages: Language[];
  timezone: string;
  posts: PlannedPost[];
  /** Notes about the whole plan (no config, a language Intl does not know, …). */
  warnings: string[];
  publishable: boolean;
}
