import type * as v from 'valibot';
import type { PlatformName } from '../../adapters/names.js';
import type { Content, Language } from '../announcement/model.js';
import type { LanguageData } from '../i18n/language.js';
import type { InspectedMedia } from '../media.js';
import type { FitResult } from '../render/fit.js';
import type { TextLimit } from '../render/measure.js';
import type { PlannedMedia, PlannedPost, Strategy } from './types.js';

/** Settings every platform has in config (`platforms.<name>`), besides its own. */
export interface CommonSettings {
  /** The account's name as the officer knows it, shown in previews. */
  account?: string;
  /** Language strategy for this platform. */
  languages: Strategy;
  /** Where the platform's API is: the real one, the sandbox, or any emulator. */
  baseUrl: string;
  uploadBaseUrl?: string;
}

/**
 * One platform: its limits and formatting (planning), its config settings, and later its API flow.
 * Everything that knows about a platform lives in `adapters/<name>/`.
 */
export interface Adapter<Entries extends v.ObjectEntries = v.ObjectEntries> {
  name: PlatformName;
  label: string;
  strategies: readonly Strategy[];
  defaults: { languages: Strategy; baseUrl: string; uploadBaseUrl?: string };
  /** Platform-specific config fields (`platforms.<name>.*`) and how to write them. */
  settings: Entries;
  settingsHelp: Record<string, string>;
  /**
   * The platform publishes a post at a given time itself, when the time is this far ahead (and, if
   * `maxAheadMs` is set, no further); config `platforms.<name>.schedule` chooses it or ip-post's queue.
   */
  nativeScheduling?: {
    minAheadMs: number;
    maxAheadMs?: number;
    /** The platform's rule, as the officer reads it: "from 10 minutes to 30 days ahead". */
    window: string;
  };
  /** Whether reminders before the event are posted here (a platform that needs a new video for each does not). */
  reminders: boolean;
  plan(context: PlanContext<SettingsOf<Entries>>): PlannedPost[] | Promise<PlannedPost[]>;
}

/** The settings an adapter's config entries produce. */
export type SettingsOf<Entries extends v.ObjectEntries> = v.InferOutput<v.ObjectSchema<Entries, undefined>>;

export function defineAdapter<Entries extends v.ObjectEntries>(adapter: Adapter<Entries>): Adapter<Entries> {
  return adapter;
}

export interface ComposeOptions {
  limit: TextLimit;
  /** Whether to shorten texts and drop hashtags to fit (default true). */
  shorten?: boolean;
  /** Extra values for the template, e.g. `{ titleShown: true }`, or a function giving them per language. */
  extra?: Record<string, unknown> | ((code: Language) => Record<string, unknown>);
}

/** What an adapter gets to plan its posts: the content, the settings, and rendering that knows the templates. */
export interface PlanContext<Settings = object> {
  settings: CommonSettings & Settings;
  /** True when the officer has a config file; without one, previews use defaults and say so once. */
  configured: boolean;
  /** Languages of this plan, primary first. */
  languages: Language[];
  content: Content;
  media: InspectedMedia[];
  language(code: Language): LanguageData;
  /** The languages of each post, by the platform's strategy: one group per post. */
  groups(): Language[][];
  /** Renders a post for a group of languages; shortens texts (then drops hashtags) until it fits. */
  compose(group: Language[], options: ComposeOptions): FitResult;
  /** A new post of this platform for these languages, with nothing in it yet. */
  post(group: Language[], fields: Pick<PlannedPost, 'format' | 'text'> & Partial<PlannedPost>): PlannedPost;
  /** The media as a post sends it, with alt text in the group's languages. */
  plannedMedia(media: InspectedMedia, group: Language[], options?: { publicUrl?: boolean; convertTo?: string }): PlannedMedia;
}
