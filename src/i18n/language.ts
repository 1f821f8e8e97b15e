import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from 'valibot';
import { InputError } from '../errors.js';
import { readSourceFile } from '../source.js';
import { validate } from '../validation.js';

const pluralForms = v.strictObject({
  zero: v.optional(v.string()),
  one: v.optional(v.string()),
  two: v.optional(v.string()),
  few: v.optional(v.string()),
  many: v.optional(v.string()),
  other: v.string(),
});

/** templates/languages/<code>.yml: a language's wording that templates share, and how to write its dates. */
const languageSchema = v.strictObject({
  name: v.string(),
  locale: v.optional(v.string()),
  fallbackLocale: v.optional(v.string()),
  monthsInText: v.optional(v.record(v.string(), v.string())),
  timeSeparator: v.optional(v.string()),
  hour: v.optional(v.picklist(['numeric', '2-digit']), 'numeric'),
  when: v.strictObject({
    allDay: v.string(),
    at: v.string(),
    sameDay: v.string(),
    days: v.string(),
  }),
  seats: pluralForms,
  reminder: v.optional(
    v.strictObject({ near: v.string(), nearAllDay: v.string(), far: v.string(), farAllDay: v.string() }),
    { near: '{{RelativeDay}}, {{startTime}}', nearAllDay: '{{RelativeDay}}', far: '{{RelativeDay}}: {{when}}', farAllDay: '{{RelativeDay}}: {{date}}' },
  ),
  relativeDays: v.optional(v.record(v.pipe(v.string(), v.regex(/^-?\d+$/, 'must be a number of days')), v.string())),
  noEndWords: v.optional(v.array(v.string()), []),
  words: v.record(v.string(), v.string()),
});

const languageHelp: Record<string, string> = {
  name: 'give the language name as its speakers write it, e.g. latviešu',
  locale: 'give the Intl locale for dates and plurals, e.g. lv or en-GB',
  monthsInText: 'map each month name as Intl writes it to the form running text needs, e.g. jūnijs: jūnijā',
  hour: 'write numeric (9:00) or 2-digit (09:00)',
  timeSeparator: 'give the character between hours and minutes, e.g. "." for 17.30',
  when: 'give the patterns allDay, at, sameDay and days (see templates/languages/en.yml)',
  noEndWords: 'list short words a shortened text must not end on before "…", e.g. [and, the, of]',
  reminder: 'give the patterns near, nearAllDay (today or tomorrow) and far, farAllDay (later) for reminders (see templates/languages/en.yml)',
  relativeDays: 'map a number of days to how reminders say it, e.g. 7: pēc nedēļas (otherwise Intl words it: pēc 7 dienām)',
  seats: 'give the phrase for each plural form Intl uses for this language, e.g. one: "{{count}} seat", other: "{{count}} seats"',
  words: 'give each word the templates use, e.g. register: Registration',
};

export type LanguageFile = v.InferOutput<typeof languageSchema>;

export interface LanguageData extends LanguageFile {
  code: string;
  /** The locale Intl actually formats with. */
  intlLocale: string;
  /** Set when Intl has no data for the language and another locale stands in. */
  fallbackWarning?: string;
}

/** Language codes with a wording file in any of the template folders. */
export async function listLanguages(templateDirs: readonly string[]): Promise<string[]> {
  const codes = new Set<string>();
  for (const dir of templateDirs) {
    const files = await readdir(join(dir, 'languages')).catch(() => []);
    for (const file of files) if (file.endsWith('.yml')) codes.add(file.slice(0, -'.yml'.length));
  }
  return [...codes].sort();
}

export async function loadLanguage(code: string, templateDirs: readonly string[]): Promise<LanguageData> {
  for (const dir of templateDirs) {
    const file = join(dir, 'languages', `${code}.yml`);
    if (!existsSync(file)) continue;
    const source = await readSourceFile(file, 'language');
    const { output, problems } = validate(languageSchema, source, languageHelp);
    if (!output) throw new InputError(problems);
    return { ...output, code, ...resolveLocale(code, output) };
  }
  throw new InputError({ message: `no wording for language "${code}"`, fix: `add templates/languages/${code}.yml` });
}

/** Intl may lack a language (Latgalian, say): then the file's fallbackLocale, else English, formats its dates. */
function resolveLocale(code: string, file: LanguageFile): { intlLocale: string; fallbackWarning?: string } {
  const wanted = file.locale ?? code;
  if (Intl.DateTimeFormat.supportedLocalesOf([wanted]).length > 0) return { intlLocale: wanted };
  const fallback = [file.fallbackLocale, 'en-GB'].find((locale) => locale && Intl.DateTimeFormat.supportedLocalesOf([locale]).length > 0)!;
  return {
    intlLocale: fallback,
    fallbackWarning: `Intl has no locale data for "${wanted}": ${file.name} dates, times and plurals are formatted as ${fallback}${file.fallbackLocale ? ' (fallbackLocale)' : ''}`,
  };
}
