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
const timeParts: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit' };

export function describeWhen(event: Pick<EventDetails, 'start' | 'end' | 'timezone'>, language: LanguageData): WhenView {
  const { start, end, timezone: timeZone } = event;
  const locale = language.intlLocale;
  const dayFormat = new Intl.DateTimeFormat(locale, { ...dateParts, timeZone });
  const clockFormat = new Intl.DateTimeFormat(locale, { ...timeParts, timeZone });
  const sameDay = !end || dayFormat.format(start.instant) === dayFormat.format(end.instant);

  const parts = sameDay ? dayFormat.formatToParts(start.instant) : dayFormat.formatRangeToParts(start.instant, end!.instant);
  const date = parts.map((part) => (part.type === 'month' ? (language.monthsInText?.[part.value] ?? part.value) : part.value)).join('');

  const startTime = start.allDay ? '' : clockFormat.format(start.instant);
  const endTime = start.allDay || !end ? '' : clockFormat.format(end.instant);
  const time = start.allDay ? '' : sameDay && end && endTime !== startTime ? clockFormat.formatRange(start.instant, end.instant) : startTime;

  const pattern = start.allDay ? language.when.allDay : !sameDay ? language.when.days : end ? language.when.sameDay : language.when.at;
  const when = fill(pattern, { date, time, startTime, endTime });
  return { date, time, startTime, endTime, when };
}

/** "35 vietas", "21 место", "1 seat": the language's phrase for the count's plural form. */
export function describeCount(count: number, forms: LanguageData['seats'], language: LanguageData): string {
  const category = new Intl.PluralRules(language.intlLocale).select(count);
  const pattern = forms[category] ?? forms.other;
  return fill(pattern, { count: new Intl.NumberFormat(language.intlLocale).format(count) });
}
