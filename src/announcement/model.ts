import type { PlatformName } from '../../adapters/names.js';

export type Language = string;
/** Text in each of the announcement's languages. */
export type Localized = Record<Language, string>;

export interface EventTime {
  /** The instant, for Intl formatting in the event's time zone. */
  instant: Date;
  /** A date without a time of day: the event lasts the whole day. */
  allDay: boolean;
  /** As written in the file, for messages. */
  written: string;
}

export interface MediaRef {
  /** Where it was listed, for messages: `media[1]` or `overrides.x.media[0]`, and on which line. */
  field: string;
  line?: number;
  /** Absolute path of a local file, or undefined for a remote URL. */
  file?: string;
  /** The path as written in the announcement (relative to it). */
  path?: string;
  url?: string;
  /** Alt text per language; languages without one are missing. */
  alt: Partial<Localized>;
}

export interface EventDetails {
  title: Localized;
  start: EventTime;
  end?: EventTime;
  timezone: string;
  place: Localized;
  url?: string;
  registration?: string;
  seats?: number;
}

/** What is said about the event: the announcement as one platform sees it (overrides applied). */
export interface Content {
  event: EventDetails;
  text: Localized;
  hashtags: Record<Language, string[]>;
  media: MediaRef[];
  /** Languages whose text was written for this platform in `overrides.<platform>.text`. */
  platformText: Set<Language>;
}

export interface Announcement {
  id: string;
  /** The file as the user named it. */
  file: string;
  languages: Language[];
  platforms: PlatformName[];
  /** Content per platform listed in `platforms`, overrides applied. */
  content: Record<PlatformName, Content>;
  /** Line of a field path in the file, for messages about it. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}
