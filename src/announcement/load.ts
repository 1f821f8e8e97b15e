import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DateTime, IANAZone } from 'luxon';
import type { PlatformName } from '../../adapters/names.js';
import { InputError, isInputError, type Problem } from '../errors.js';
import { parseFileDateTime } from '../schedule/when.js';
import { readSourceFile, type SourceFile } from '../source.js';
import { formatPath, isWebAddress, validate } from '../validation.js';
import type { Announcement, Content, EventTime, Language, Localized, MediaRef } from './model.js';
import {
  announcementFieldHelp,
  announcementSchema,
  type RawAnnouncement,
  type RawHashtags,
  type RawLocalized,
  type RawMedia,
  type RawOverride,
} from './schema.js';

export interface LoadOptions {
  /** Time zone for events that name none (from config); Europe/Riga when undefined. */
  defaultTimezone?: string;
  /** Languages that have wording in the templates folder. */
  knownLanguages: readonly string[];
}

type Path = readonly PropertyKey[];
/** A raw value and where it was written, so a problem can point at the base field or its override. */
interface Sourced<T> {
  value: T;
  path: Path;
}

/** Reads, validates and normalises an announcement file; throws InputError listing every problem. */
export async function loadAnnouncement(file: string, options: LoadOptions): Promise<Announcement> {
  const source = await readSourceFile(file, 'announcement');
  const { output: raw, problems: schemaProblems } = validate(announcementSchema, source, announcementFieldHelp);
  if (!raw) throw new InputError(schemaProblems);

  const checker = new Checker(source);
  const languages = checkLanguages(raw.languages, options.knownLanguages, checker);
  const platforms = checkPlatforms(raw.platforms, checker);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(raw.id)) {
    checker.problem(['id'], `"${raw.id}" is not a usable id`, announcementFieldHelp.id);
  }
  checker.throwIfAny();

  const dir = dirname(resolve(file));
  const content = {} as Record<PlatformName, Content>;
  for (const platform of platforms) {
    content[platform] = await contentFor(raw, raw.overrides?.[platform], ['overrides', platform], languages, dir, options, checker);
  }
  checker.throwIfAny();
  return { id: raw.id, file, languages, platforms, content, lineOf: source.lineOf };
}

class Checker {
  private readonly problems = new Map<string, Problem>();
  constructor(readonly source: SourceFile) {}

  problem(path: Path, message: string, fix?: string): void {
    const problem = { file: this.source.file, line: this.source.lineOf(path), path: formatPath(path), message, fix };
    this.problems.set(`${problem.path}\n${message}`, problem);
  }

  throwIfAny(): void {
    if (this.problems.size) throw new InputError([...this.problems.values()]);
  }
}

function checkLanguages(languages: string[], known: readonly string[], checker: Checker): Language[] {
  if (languages.length === 0) checker.problem(['languages'], 'lists no language', announcementFieldHelp.languages);
  const seen = new Set<string>();
  languages.forEach((language, index) => {
    if (seen.has(language)) checker.problem(['languages', index], `"${language}" is listed twice`, 'list each language once');
    seen.add(language);
    if (!isLanguageTag(language)) {
      checker.problem(['languages', index], `"${language}" is not a language code`, 'use a code such as lv, ru or en');
    } else if (!known.includes(language)) {
      checker.problem(
        ['languages', index],
        `no wording for language "${language}" (known: ${known.join(', ')})`,
        `add templates/languages/${language}.yml (copy en.yml and translate it), or fix the code`,
      );
    }
  });
  return languages;
}

function isLanguageTag(code: string): boolean {
  try {
    return Intl.getCanonicalLocales(code).length === 1 && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(code);
  } catch {
    return false;
  }
}

function checkPlatforms(platforms: PlatformName[], checker: Checker): PlatformName[] {
  if (platforms.length === 0) checker.problem(['platforms'], 'lists no platform', announcementFieldHelp.platforms);
  platforms.forEach((platform, index) => {
    if (platforms.indexOf(platform) !== index) checker.problem(['platforms', index], `"${platform}" is listed twice`, 'list each platform once');
  });
  return [...new Set(platforms)];
}

async function contentFor(
  raw: RawAnnouncement,
  override: RawOverride | undefined,
  overridePath: Path,
  languages: Language[],
  dir: string,
  options: LoadOptions,
  checker: Checker,
): Promise<Content> {
  type EventField<K extends keyof RawAnnouncement['event']> = NonNullable<RawAnnouncement['event'][K]>;
  const pick = <K extends keyof RawAnnouncement['event']>(key: K): Sourced<EventField<K>> | undefined => {
    const replaced = override?.event?.[key];
    if (replaced !== undefined) return { value: replaced as EventField<K>, path: [...overridePath, 'event', key] };
    const value = raw.event[key];
    return value === undefined ? undefined : { value: value as EventField<K>, path: ['event', key] };
  };
  const localizedField = (key: 'title' | 'place') =>
    mergeLocalized({ value: raw.event[key], path: ['event', key] }, override?.event?.[key], [...overridePath, 'event', key], languages, checker);

  const timezoneField = pick('timezone');
  const timezone = timezoneField?.value ?? options.defaultTimezone ?? 'Europe/Riga';
  const knownZone = IANAZone.isValidZone(timezone);
  if (!knownZone) {
    checker.problem(timezoneField?.path ?? ['event'], `unknown time zone "${timezone}"`, announcementFieldHelp['event.timezone']);
  }
  // Times in an unknown zone cannot be read; its problem is reported once, above.
  const zone = knownZone ? timezone : 'UTC';
  const start = parseEventTime(pick('start')!, zone, checker);
  const endField = pick('end');
  const end = endField && parseEventTime(endField, zone, checker);
  if (start && end && end.instant < start.instant) {
    checker.problem(endField.path, `the event ends (${end.written}) before it starts (${start.written})`, 'set event.end after event.start, or remove event.end');
  }
  if (start && end && start.allDay !== end.allDay) {
    checker.problem(endField.path, 'mixes a date with a date and time', 'give both start and end with a time (2027-06-08T10:00), or both as dates (2027-06-08)');
  }
  const seatsField = pick('seats');
  if (seatsField && seatsField.value! < 1) {
    checker.problem(seatsField.path, `must be at least 1, not ${seatsField.value}`, announcementFieldHelp['event.seats']);
  }

  const textOverride = override?.text;
  return {
    event: {
      title: localizedField('title'),
      start: start ?? { instant: new Date(0), allDay: false, written: '' },
      end,
      timezone,
      place: localizedField('place'),
      url: checkUrl(pick('url'), checker),
      registration: checkUrl(pick('registration'), checker),
      seats: seatsField?.value,
    },
    text: mapValues(mergeLocalized({ value: raw.text, path: ['text'] }, textOverride, [...overridePath, 'text'], languages, checker), unwrapLines),
    hashtags: hashtagsFor(override?.hashtags !== undefined ? { value: override.hashtags, path: [...overridePath, 'hashtags'] } : { value: raw.hashtags ?? [], path: ['hashtags'] }, languages, checker),
    media: await mediaFor(override?.media !== undefined ? { value: override.media, path: [...overridePath, 'media'] } : { value: raw.media ?? [], path: ['media'] }, languages, dir, checker),
    platformText: new Set(textOverride === undefined ? [] : typeof textOverride === 'string' ? languages : Object.keys(textOverride)),
  };
}

function mapValues(map: Localized, change: (text: string) => string): Localized {
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [key, change(value)]));
}

/**
 * Text written in YAML is often wrapped to fit the editor; a post should not break lines mid-sentence.
 * Lines of a paragraph are joined with a space; a blank line still starts a new paragraph, and a
 * line that starts a list item (-, *, •, –, 1.) stays on its own line.
 */
export function unwrapLines(text: string): string {
  return text
    .split(/\n[ \t]*\n/)
    .map((paragraph) => paragraph.trim().replace(/[ \t]*\n[ \t]*(?!(?:[-*•–—]|\d+[.)])[ \t])/gu, ' '))
    .filter(Boolean)
    .join('\n\n');
}

/** Every language gets a text: from the override where it gives one, else from the base field. */
function mergeLocalized(base: Sourced<RawLocalized>, override: RawLocalized | undefined, overridePath: Path, languages: Language[], checker: Checker): Localized {
  const merged: Localized = {};
  const baseMap = localizedMap(base.value, base.path, languages, checker);
  const overrideMap = override === undefined ? {} : localizedMap(override, overridePath, languages, checker);
  for (const language of languages) {
    const text = (overrideMap[language] ?? baseMap[language])?.trim();
    if (text) merged[language] = text;
    else checker.problem(base.path, `has no ${language} text`, `add ${language}: "…" (every language in languages needs one)`);
  }
  return merged;
}

function localizedMap(value: RawLocalized, path: Path, languages: Language[], checker: Checker): Partial<Localized> {
  if (typeof value === 'string') return Object.fromEntries(languages.map((language) => [language, value]));
  for (const key of Object.keys(value)) {
    if (!languages.includes(key)) {
      checker.problem([...path, key], `"${key}" is not one of the announcement's languages (${languages.join(', ')})`, `add ${key} to languages, or remove this text`);
    }
  }
  return value;
}

function parseEventTime(field: Sourced<string | Date>, zone: string, checker: Checker): EventTime | undefined {
  if (field.value instanceof Date) return { instant: field.value, allDay: false, written: field.value.toISOString() };
  const written = field.value.trim();
  const allDay = /^\d{4}-\d{2}-\d{2}$/.test(written);
  const parsed = DateTime.fromISO(written.replace(' ', 'T'), { zone, setZone: false });
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(written) || !parsed.isValid) {
    checker.problem(field.path, `"${written}" is not a date and time`, announcementFieldHelp['event.start']);
    return undefined;
  }
  if (allDay || !IANAZone.isValidZone(zone)) return { instant: parsed.toJSDate(), allDay, written };
  // A local time the clocks skip or pass twice on a change of summer time says so, as --at does.
  try {
    return { instant: parseFileDateTime(written, zone, formatPath(field.path)), allDay, written };
  } catch (error) {
    if (!isInputError(error)) throw error;
    const [problem] = error.problems;
    checker.problem(field.path, problem!.message, problem!.fix ?? announcementFieldHelp['event.start']!);
    return undefined;
  }
}

function checkUrl(field: Sourced<string | undefined> | undefined, checker: Checker): string | undefined {
  if (!field?.value) return undefined;
  if (!isWebAddress(field.value)) {
    checker.problem(field.path, `"${field.value}" is not a web address`, 'write a full address starting with https://');
  }
  return field.value.trim();
}


function hashtagsFor(field: Sourced<RawHashtags>, languages: Language[], checker: Checker): Record<Language, string[]> {
  const perLanguage = Array.isArray(field.value)
    ? Object.fromEntries(languages.map((language) => [language, { tags: field.value as string[], path: field.path }]))
    : Object.fromEntries(languages.map((language) => [language, { tags: (field.value as Record<string, string[]>)[language] ?? [], path: [...field.path, language] }]));
  if (!Array.isArray(field.value)) {
    for (const key of Object.keys(field.value)) {
      if (!languages.includes(key)) checker.problem([...field.path, key], `"${key}" is not one of the announcement's languages (${languages.join(', ')})`, `add ${key} to languages, or remove these hashtags`);
    }
  }
  const result: Record<Language, string[]> = {};
  for (const [language, { tags, path }] of Object.entries(perLanguage)) {
    result[language] = tags.map((tag, index) => {
      const word = tag.trim().replace(/^#+/, '');
      if (!word || /[\s#]/u.test(word)) checker.problem([...path, index], `"${tag}" is not a hashtag`, announcementFieldHelp['hashtags.*']);
      return word;
    });
  }
  return result;
}

async function mediaFor(field: Sourced<RawMedia[]>, languages: Language[], dir: string, checker: Checker): Promise<MediaRef[]> {
  const refs: MediaRef[] = [];
  for (const [index, item] of field.value.entries()) {
    const path = [...field.path, index];
    const alt = item.alt === undefined ? {} : localizedMap(item.alt, [...path, 'alt'], languages, checker);
    if ((item.path === undefined) === (item.url === undefined)) {
      checker.problem(path, item.path === undefined ? 'has neither path: nor url:' : 'has both path: and url:', announcementFieldHelp['media.*']);
      continue;
    }
    if (item.url !== undefined) {
      if (!isWebAddress(item.url)) checker.problem([...path, 'url'], `"${item.url}" is not a web address`, announcementFieldHelp['media.*.url']);
      refs.push({ field: formatPath(path), line: checker.source.lineOf([...path, 'url']), url: item.url.trim(), alt });
      continue;
    }
    const file = resolve(dir, item.path!);
    const found = await stat(file).catch(() => undefined);
    if (!found) {
      checker.problem([...path, 'path'], `no such file: ${item.path} (looked in ${dir})`, 'check the name; media paths are relative to the announcement file');
    } else if (!found.isFile()) {
      checker.problem([...path, 'path'], `${item.path} is not a file`, 'name an image or video file');
    }
    refs.push({ field: formatPath(path), line: checker.source.lineOf([...path, 'path']), file, path: item.path, alt });
  }
  return refs;
}
