import { DateTime } from 'luxon';
import type { EventDetails } from '../announcement/model.js';
import { InputError } from '../errors.js';
import { fill } from '../render/templates.js';
import type { LanguageData } from '../i18n/language.js';
import type { ReminderInfo } from '../plan/types.js';
import { describeWhen } from '../i18n/when.js';

/** One reminder of `--reminders 7d,1d,2h`: how long before the event. */
export interface ReminderOffset {
  /** As written: `7d`. */
  before: string;
  amount: number;
  unit: 'minutes' | 'hours' | 'days' | 'weeks';
}

const units = { m: 'minutes', h: 'hours', d: 'days', w: 'weeks' } as const;

export function parseReminders(text: string): ReminderOffset[] {
  const items = text.split(',').map((item) => item.trim()).filter(Boolean);
  const fix = 'write how long before the event, comma-separated: e.g. --reminders 7d,1d,2h (w weeks, d days, h hours, m minutes)';
  if (items.length === 0) throw new InputError({ path: '--reminders', message: 'names no reminder', fix });
  const offsets = items.map((item) => {
    const match = /^(\d+)\s*([mhdw])$/i.exec(item);
    if (!match || Number(match[1]) === 0) throw new InputError({ path: '--reminders', message: `"${item}" is not a time before the event`, fix });
    return { before: `${Number(match[1])}${match[2]!.toLowerCase()}`, amount: Number(match[1]), unit: units[match[2]!.toLowerCase() as keyof typeof units] };
  });
  const seen = new Set<string>();
  for (const offset of offsets) {
    if (seen.has(offset.before)) throw new InputError({ path: '--reminders', message: `${offset.before} is given twice`, fix });
    seen.add(offset.before);
  }
  return offsets;
}

/** The hour an all-day event's day-based reminders go out, local time: nobody reads a post sent at midnight. */
const allDayReminderHour = 9;

/**
 * When a reminder goes out. Days and weeks count calendar days in the event's time zone (1d before 17:30 is
 * 17:30 the day before, across a clock change too); hours and minutes are elapsed time. An all-day event has
 * no start time, so its reminders are in days or weeks, at 09:00.
 */
export function reminderTime(event: Pick<EventDetails, 'start' | 'timezone'>, offset: ReminderOffset): Date {
  const start = DateTime.fromJSDate(event.start.instant, { zone: event.timezone });
  const calendar = offset.unit === 'days' || offset.unit === 'weeks';
  if (event.start.allDay) {
    if (!calendar) throw new InputError({ path: '--reminders', message: `${offset.before}: the event lasts all day and has no start time to count hours from`, fix: 'give all-day events reminders in days or weeks (e.g. 1d); they go out at 09:00' });
    return start.startOf('day').minus({ [offset.unit]: offset.amount }).set({ hour: allDayReminderHour }).toJSDate();
  }
  return calendar ? start.minus({ [offset.unit]: offset.amount }).toJSDate() : new Date(start.toMillis() - offset.amount * (offset.unit === 'hours' ? 3_600_000 : 60_000));
}

/** What a reminder template can say about how near the event is, in one language. */
export interface ReminderView {
  /** "rīt", "завтра", "tomorrow", "pēc nedēļas": the language's `relativeDays`, else Intl (from the reminder's day to the event's). */
  relativeDay: string;
  /** The same, capitalised to start a sentence: "Rīt", "Завтра", "In 7 days". */
  RelativeDay: string;
  /** The language's `reminder` pattern filled in: "Rīt plkst. 17.30", "In 7 days: 8 June 2027 at 17:30". */
  reminderWhen: string;
  /** As given to --reminders: `1d`. */
  reminderBefore: string;
  /** The event's date and `when`, without the year when the reminder is in the event's year. */
  date: string;
  when: string;
}

/** How the event's time reads from the moment the reminder goes out. */
export function describeReminder(at: Date, event: Pick<EventDetails, 'start' | 'end' | 'timezone'>, language: LanguageData, before: string): ReminderView {
  const days = calendarDaysBetween(at, event.start.instant, event.timezone);
  const year = (instant: Date) => DateTime.fromJSDate(instant, { zone: event.timezone }).year;
  const withoutYear = year(at) === year(event.start.instant) && (!event.end || year(event.end.instant) === year(event.start.instant));
  const when = describeWhen(event, language, { withoutYear });
  const relativeDay = language.relativeDays?.[String(days)] ?? new Intl.RelativeTimeFormat(language.intlLocale, { numeric: 'auto' }).format(days, 'day');
  const RelativeDay = relativeDay.charAt(0).toLocaleUpperCase(language.intlLocale) + relativeDay.slice(1);
  const patterns = language.reminder;
  const near = days <= 1;
  const pattern = event.start.allDay ? (near ? patterns.nearAllDay : patterns.farAllDay) : near ? patterns.near : patterns.far;
  return { relativeDay, RelativeDay, reminderWhen: fill(pattern, { ...when, relativeDay, RelativeDay }), reminderBefore: before, date: when.date, when: when.when };
}

/**
 * Whether a reminder's wording ("tomorrow", "in a week") would still be true if it went out at `at`: not
 * once the event has begun, nor on another day than the one it was worded for.
 */
export function reminderWordingAt(reminder: ReminderInfo, at: Date, zone: string): { true: true } | { true: false; begun: boolean; days: number } {
  const event = new Date(reminder.event);
  const days = calendarDaysBetween(at, event, zone);
  const begun = at.getTime() >= event.getTime();
  return !begun && days === reminder.days ? { true: true } : { true: false, begun, days };
}

/** "1 day before the event", "2 days before the event", "the day of the event". */
export function describeDaysBefore(days: number): string {
  if (days === 0) return 'the day of the event';
  const count = Math.abs(days);
  return `${count} ${count === 1 ? 'day' : 'days'} ${days > 0 ? 'before' : 'after'} the event`;
}

/** Whole calendar days from one instant's date to another's, in a time zone. */
export function calendarDaysBetween(from: Date, to: Date, timeZone: string): number {
  const day = (instant: Date) => DateTime.fromJSDate(instant, { zone: timeZone }).startOf('day');
  return Math.round(day(to).diff(day(from), 'days').days);
}
