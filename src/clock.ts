import { InputError } from './errors.js';

/**
 * "Now" for every command. Normally the real time; with IP_POST_NOW (an ISO 8601 instant with Z or an
 * offset) it is that instant for the whole command, so schedules can be tested without waiting and a
 * test's times come out exact.
 */
export function nowMs(env: NodeJS.ProcessEnv = process.env): number {
  return parseNowVariable(env.IP_POST_NOW) ?? Date.now();
}

export function now(env?: NodeJS.ProcessEnv): Date {
  return new Date(nowMs(env));
}

/** Whether year, month, day, hour, minute, second (and an offset's hours and minutes) name a real time: no 30 February, no 24:00. */
function isCalendarTime([year, month, day, hour, minute, second = 0, offsetHours = 0, offsetMinutes = 0]: (number | undefined)[]): boolean {
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  return date.getUTCMonth() === month! - 1 && date.getUTCDate() === day && hour! < 24 && minute! < 60 && second < 60 && offsetHours <= 14 && offsetMinutes < 60;
}

/** The instant IP_POST_NOW names, or null when it is unset. */
export function parseNowVariable(value: string | undefined): number | null {
  if (value === undefined || value === '') return null;
  const parts = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):(\d{2}))$/.exec(value);
  const instant = parts && isCalendarTime(parts.slice(1).map((part) => (part === undefined ? undefined : Number(part)))) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(instant)) {
    throw new InputError({ path: 'IP_POST_NOW', message: `"${value}" is not an instant`, fix: 'write an ISO 8601 time with Z or an offset, e.g. IP_POST_NOW=2027-06-01T09:00:00+03:00, or unset it' });
  }
  return instant;
}
