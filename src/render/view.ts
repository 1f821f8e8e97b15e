import type { Content, Language } from '../announcement/model.js';
import type { LanguageData } from '../i18n/language.js';
import { describeCount, describeWhen, type WhenView } from '../i18n/when.js';

/** Everything a template can use for one language. Documented in templates/README.md. */
export interface SectionView extends WhenView {
  lang: Language;
  languageName: string;
  title: string;
  text: string;
  place: string;
  url: string;
  registration: string;
  /** The event page, else the registration page. */
  link: string;
  /** "35 vietas", "35 мест", "35 seats"; empty without seats. */
  seats: string;
  seatsCount: number | '';
  /** "#IntelektaParks #Daugavpils" for a post in this language alone; empty inside a combined post. */
  hashtags: string;
  /** True when the text was written for this platform (overrides.<platform>.text). */
  platformText: boolean;
  words: Record<string, string>;
}

export function hashtagLine(tags: readonly string[]): string {
  return tags.map((tag) => `#${tag}`).join(' ');
}

/**
 * The view of one language. Dates and counts are the same in every rendering of a post,
 * so they are worked out once per content and language: fitting a post renders it many times.
 */
export function buildView(content: Content, language: LanguageData, options: { text?: string; hashtags: readonly string[] }): SectionView {
  return { ...fixedView(content, language), text: options.text ?? content.text[language.code]!, hashtags: hashtagLine(options.hashtags) };
}

const fixedViews = new WeakMap<Content, Map<string, Omit<SectionView, 'text' | 'hashtags'>>>();

function fixedView(content: Content, language: LanguageData): Omit<SectionView, 'text' | 'hashtags'> {
  let byLanguage = fixedViews.get(content);
  if (!byLanguage) fixedViews.set(content, (byLanguage = new Map()));
  let view = byLanguage.get(language.code);
  if (!view) byLanguage.set(language.code, (view = describeFixed(content, language)));
  return view;
}

function describeFixed(content: Content, language: LanguageData): Omit<SectionView, 'text' | 'hashtags'> {
  const lang = language.code;
  const { event } = content;
  return {
    lang,
    languageName: language.name,
    title: event.title[lang]!,
    place: event.place[lang]!,
    url: event.url ?? '',
    registration: event.registration ?? '',
    link: event.url ?? event.registration ?? '',
    ...describeWhen(event, language),
    seats: event.seats ? describeCount(event.seats, language.seats, language) : '',
    seatsCount: event.seats ?? '',
    platformText: content.platformText.has(lang),
    words: language.words,
  };
}
