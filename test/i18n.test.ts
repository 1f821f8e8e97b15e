import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { EventTime } from '../src/announcement/model.js';
import { loadLanguage, type LanguageData } from '../src/i18n/language.js';
import { describeCount, describeWhen } from '../src/i18n/when.js';
import { builtinTemplatesDir } from '../src/paths.js';
import { writeFiles } from './helpers.js';

const dirs = [builtinTemplatesDir];
const at = (written: string, zone = 'Europe/Riga'): EventTime => ({
  instant: DateTime.fromISO(written, { zone }).toJSDate(),
  allDay: !written.includes('T'),
  written,
});
const when = (language: LanguageData, start: string, end?: string, timezone = 'Europe/Riga') =>
  describeWhen({ start: at(start, timezone), end: end === undefined ? undefined : at(end, timezone), timezone }, language);

describe('dates in running text', async () => {
  const lv = await loadLanguage('lv', dirs);
  const ru = await loadLanguage('ru', dirs);
  const en = await loadLanguage('en', dirs);

  it('puts Latvian months in the locative, within a month and across months and years', () => {
    expect(when(lv, '2027-06-08T10:00', '2027-06-09T16:00').date).toBe('2027. gada 8.–9. jūnijā');
    expect(when(lv, '2027-06-30T09:00', '2027-07-01T18:00').date).toBe('2027. gada 30. jūnijā – 1. jūlijā');
    expect(when(lv, '2027-12-30T10:00', '2028-01-02T16:00').date).toBe('2027. gada 30. decembrī – 2028. gada 2. janvārī');
    const months = ['janvārī', 'februārī', 'martā', 'aprīlī', 'maijā', 'jūnijā', 'jūlijā', 'augustā', 'septembrī', 'oktobrī', 'novembrī', 'decembrī'];
    months.forEach((month, index) => {
      expect(when(lv, `2027-${String(index + 1).padStart(2, '0')}-15`).date).toBe(`2027. gada 15. ${month}`);
    });
  });

  it('uses the genitive Intl already gives in Russian, and British order in English', () => {
    expect(when(ru, '2027-06-30T09:00', '2027-07-01T18:00').date).toBe('30 июня – 1 июля 2027\u00a0г.');
    expect(when(ru, '2027-06-08T10:00', '2027-06-09T16:00').date).toBe('8–9 июня 2027\u00a0г.');
    expect(when(en, '2027-06-30T09:00', '2027-07-01T18:00').date).toBe('30 June – 1 July 2027');
  });

  it('fills each language pattern: a start, a same-day range, several days, a whole day', () => {
    expect(when(lv, '2027-05-15T17:30').when).toBe('2027. gada 15. maijā plkst. 17.30');
    expect(when(ru, '2027-05-15T17:30', '2027-05-15T19:00').when).toBe('15 мая 2027\u00a0г., с 17:30 до 19:00');
    expect(when(en, '2027-05-15T09:00', '2027-05-15T12:15').time).toBe('09:00–12:15');
    expect(when(lv, '2027-05-15T09:00', '2027-05-15T12:15').time).toBe('9.00–12.15');
    expect(when(lv, '2027-06-08T10:00', '2027-06-09T16:00').when).toBe('2027. gada 8.–9. jūnijā, sākums plkst. 10.00');
    expect(when(en, '2027-09-01').when).toBe('1 September 2027');
    expect(when(en, '2027-09-01').time).toBe('');
  });

  it('reads an evening that ends after midnight as one evening, and a night and a day as two days', () => {
    expect(when(en, '2027-12-31T20:00', '2028-01-01T02:00').when).toBe('31 December 2027, 20:00–02:00');
    expect(when(lv, '2027-12-31T20:00', '2028-01-01T02:00').when).toBe('2027. gada 31. decembrī plkst. 20.00–2.00');
    expect(when(en, '2027-06-08T18:00', '2027-06-09T12:00').when).toBe('8–9 June 2027, starting at 18:00');
  });

  it('shows the wall-clock time of the event’s zone on both sides of a DST change', () => {
    // Riga leaves summer time at 04:00 on 31 October 2027 (UTC+3 → UTC+2).
    const acrossChange = when(en, '2027-10-30T18:00', '2027-10-31T12:00');
    expect([acrossChange.startTime, acrossChange.endTime]).toEqual(['18:00', '12:00']);
    expect(acrossChange.date).toBe('30–31 October 2027');
    // Spring: 28 March 2027, 03:00 → 04:00.
    const spring = when(lv, '2027-03-27T22:00', '2027-03-28T10:00');
    expect([spring.startTime, spring.endTime]).toEqual(['22.00', '10.00']);
    // The same wall time in two zones is two different instants, each shown in its own zone.
    expect(when(en, '2027-07-01T10:00', undefined, 'America/New_York').time).toBe('10:00');
  });

  it('counts the day in the event’s zone, not the computer’s', () => {
    // 23:30 in Riga on 1 July is already 2 July in Tokyo and still 1 July in UTC.
    expect(when(lv, '2027-07-01T23:30').date).toBe('2027. gada 1. jūlijā');
    expect(when(en, '2027-07-01T23:30', undefined, 'Asia/Tokyo').date).toBe('1 July 2027');
  });
});

describe('plural forms of the number of places', async () => {
  const lv = await loadLanguage('lv', dirs);
  const ru = await loadLanguage('ru', dirs);
  const en = await loadLanguage('en', dirs);
  const count = (language: LanguageData, n: number) => describeCount(n, language.seats, language);

  it('follows Latvian rules: 21 vieta, 22 vietas, 10 vietu', () => {
    expect([1, 21, 101].map((n) => count(lv, n))).toEqual(['1 vieta', '21 vieta', '101 vieta']);
    expect([2, 22, 35].map((n) => count(lv, n))).toEqual(['2 vietas', '22 vietas', '35 vietas']);
    expect([10, 11, 19, 30].map((n) => count(lv, n))).toEqual(['10 vietu', '11 vietu', '19 vietu', '30 vietu']);
  });

  it('follows Russian rules: 21 место, 22 места, 35 мест', () => {
    expect([1, 21].map((n) => count(ru, n))).toEqual(['1 место', '21 место']);
    expect([2, 22, 24].map((n) => count(ru, n))).toEqual(['2 места', '22 места', '24 места']);
    expect([5, 11, 12, 35].map((n) => count(ru, n))).toEqual(['5 мест', '11 мест', '12 мест', '35 мест']);
  });

  it('follows English rules: 1 place, 21 places', () => {
    expect([1, 2, 21].map((n) => count(en, n))).toEqual(['1 place available', '2 places available', '21 places available']);
  });

  it('writes large numbers the language’s way', () => {
    expect(count(en, 1200)).toBe('1,200 places available');
    expect(count(lv, 1200)).toBe('1200 vietu');
  });
});

describe('a language Intl does not know', () => {
  const latgalian = `name: latgalīšu
locale: ltg
fallbackLocale: lv
monthsInText: { jūnijs: jūnī }
when: { allDay: "{{date}}", at: "{{date}} {{time}}", sameDay: "{{date}} {{time}}", days: "{{date}}" }
seats: { zero: "{{count}} vītu", one: "{{count}} vīta", other: "{{count}} vītys" }
words: {}
`;

  it('formats with the fallback locale and says so', async () => {
    const dir = await writeFiles({ 'languages/ltg.yml': latgalian });
    const ltg = await loadLanguage('ltg', [dir, ...dirs]);
    expect(ltg.intlLocale).toBe('lv');
    expect(ltg.fallbackWarning).toBe('Intl has no locale data for "ltg": latgalīšu dates, times and plurals are formatted as lv (fallbackLocale)');
    expect(when(ltg, '2027-06-08').date).toBe('2027. gada 8. jūnī');
    expect(describeCount(10, ltg.seats, ltg)).toBe('10 vītu');
  });

  it('falls back to British English when no fallback is named', async () => {
    const dir = await writeFiles({ 'languages/ltg.yml': latgalian.replace('fallbackLocale: lv\n', '') });
    const ltg = await loadLanguage('ltg', [dir, ...dirs]);
    expect(ltg.intlLocale).toBe('en-GB');
    expect(ltg.fallbackWarning).toBe('Intl has no locale data for "ltg": latgalīšu dates, times and plurals are formatted as en-GB');
  });
});
