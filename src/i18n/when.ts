import type { EventDetails } from '../announcement/model.js';
import { fill } from '../render/templates.js';
import type { LanguageData } from './language.js';

/** How an event's time reads in one language, for templates. */
export interface WhenView {
  /** The date or date range as running text: "2027. gada 8.–9. jūnijā", "8–9 June 2027". */
  date: string;
  /** "10:00", or "10:00–16:00" when the event starts and ends the same day; empty for all-day events. */
  time: string;
  startTime: string;
  endTime: string;
  /** The language's `when` pattern filled in: date and time as one phrase. */
  when: string;
}

const dateParts: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'long', year: 'numeric' };

/** `withoutYear`: a reminder in the event's own year says "8.–9. jūnijā", not "2027. gada 8.–9. jūnijā". */
export function describeWhen(event: Pick<EventDetails, 'start' | 'end' | 'timezone'>, language: LanguageData, options: { withoutYear?: boolean } = {}): WhenView {
  const { start, end, timezone: timeZone } = event;
  const locale = language.intlLocale;
  const dayFormat = new Intl.DateTimeFormat(locale, { ...dateParts, ...(options.withoutYear && { year: undefined }), timeZone });
  const clockFormat = new Intl.DateTimeFormat(locale, { hour: language.hour, minute: '2-digit', timeZone });
  const overnight = Boolean(end && !start.allDay && endsInTheSmallHours(start.instant, end.instant, timeZone));
  const sameDay = !end || overnight || dayFormat.format(start.instant) === dayFormat.format(end.instant);

  const parts = sameDay ? dayFormat.formatToParts(start.instant) : dayFormat.formatRangeToParts(start.instant, end!.instant);
  const date = plainSpaces(parts.map((part) => (part.type === 'month' ? (language.monthsInText?.[part.value] ?? part.value) : part.value)).join(''));

  const clock = (instant: Date) =>
    plainSpaces(
      clockFormat
        .formatToParts(instant)
        .map((part) => (part.type === 'literal' && language.timeSeparator && part.value === ':' ? language.timeSeparator : part.value))
        .join(''),
    );
  const startTime = start.allDay ? '' : clock(start.instant);
  const endTime = start.allDay || !end ? '' : clock(end.instant);
  // Joined by hand rather than with formatRange, which pads "9:00" to "09:00" in ranges only.
  const time = start.allDay ? '' : sameDay && end && endTime !== startTime ? `${startTime}–${endTime}` : startTime;

  const pattern = start.allDay ? language.when.allDay : !sameDay ? language.when.days : end ? language.when.sameDay : language.when.at;
  const when = fill(pattern, { date, time, startTime, endTime });
  return { date, time, startTime, endTime, when };
}

/**
 * An evening that ends after midnight reads as one evening ("31 December, 20:00–02:00"), not as two
 * days: it lasts under a day and ends before 06:00 on the next.
 */
function endsInTheSmallHours(start: Date, end: Date, timeZone: string): boolean {
  if (end.getTime() - start.getTime() >= 24 * 3600 * 1000) return false;
  const endHour = Number(new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone }).format(end));
  const dayOf = (instant: Date) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(instant);
  return dayOf(start) !== dayOf(end) && endHour < 6;
}

/**
 * ICU puts thin spaces around range dashes and narrow no-break spaces before "г." or "am": correct
 * typography, but posts are plain text that people search and copy. Thin spaces become spaces;
 * narrow no-break spaces become ordinary no-break spaces, which still keep "2027 г." together.
 */
function plainSpaces(text: string): string {
  return closeNumberRanges(text.replaceAll('\u2009', ' ').replaceAll('\u202f', '\u00a0'));
}

/** A dash between two bare numbers is closed up ("8–9 June"); between words or dates it keeps its spaces. */
function closeNumberRanges(text: string): string {
  return text.replace(/(?<=(?:^|\s)\d+\.?) – (?=\d+\.?(?:\s|$))/gu, '–');
}

/** "35 vietas", "21 место", "1 seat": the language's phrase for the count's plural form. */
export function describeCount(count: number, forms: LanguageData['seats'], language: LanguageData): string {
  const category = new Intl.PluralRules(language.intlLocale).select(count);
  const pattern = forms[category] ?? forms.other;
  return fill(pattern, { count: new Intl.NumberFormat(language.intlLocale).format(count) });
}
