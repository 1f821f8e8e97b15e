import { DateTime, IANAZone } from 'luxon';
import { InputError } from '../errors.js';

/**
 * WHEN, as given to `announce FILE --at WHEN` and `queue reschedule ID WHEN`:
 *
 * - `2027-06-01T10:00+03:00`, `2027-06-01T07:00:00Z`: an instant, with its UTC offset;
 * - `2027-06-01 10:00`, `2027-06-01T10:00`: a wall-clock time in the announcement's time zone;
 * - `today 18:00`, `tomorrow 09:00`: that calendar day in the time zone, at that wall-clock time;
 * - `+2h`, `+90m`, `+1d`, `+1w`, `+1d2h30m`: elapsed time from now (+1d is 24 hours, across a clock change too).
 *
 * Wall-clock times are checked against the zone's real clock changes: one the clocks skip, or one they
 * pass twice, is an error that says what to write instead, never a guess.
 */
export interface WhenOptions {
  /** IANA time zone that wall-clock times are read in: the announcement's (e.g. Europe/Riga). */
  zone: string;
  /** The current instant (from clock.now()); WHEN must be after it. */
  now: Date;
  /** The flag or argument WHEN came from, named in messages; `--at` when undefined. */
  flag?: string;
}

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;
/** The last instant a Date can hold. */
const maxInstant = 8.64e15;

/** A time as read off a wall clock, without a zone. */
interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** A change of a zone's UTC offset: the first instant of the new offset, and the offsets (minutes) either side. */
interface ClockChange {
  at: number;
  before: number;
  after: number;
}

type Reading =
  | { kind: 'once'; instant: number }
  | { kind: 'skipped'; change: ClockChange }
  | { kind: 'twice'; first: number; second: number; change: ClockChange }
  /** No instant has this wall-clock time, but no single clock change explains it (e.g. sub-minute historical offsets). */
  | { kind: 'unknown' };

interface Context {
  written: string;
  zone: string;
  now: number;
  flag: string;
}

/** Reads WHEN: the instant it names, after `now`; anything else throws InputError naming the flag. */
export function parseWhen(text: string, options: WhenOptions): Date {
  const { zone } = options;
  if (!IANAZone.isValidZone(zone)) {
    throw new InputError({ path: 'timezone', message: `unknown time zone "${zone}"`, fix: 'use an IANA time zone name such as Europe/Riga' });
  }
  const context: Context = { written: text.trim().replace(/\s+/g, ' '), zone, now: options.now.getTime(), flag: options.flag ?? '--at' };
  const instant = readInstant(context);
  if (instant <= context.now) failPast(context, instant);
  return new Date(instant);
}

/**
 * An unambiguous human form of an instant in a time zone: `2027-06-01 10:00 EEST (Europe/Riga)`, with the
 * zone's abbreviation where English has one and the UTC offset otherwise (`2027-06-01 16:00 +09:00 (Asia/Tokyo)`);
 * seconds only when they are not zero.
 */
export function describeInstant(instant: Date, zone: string): string {
  const time = instant.getTime();
  if (Number.isNaN(time)) throw new RangeError('describeInstant: invalid Date');
  const label = zoneLabel(time, zone);
  return label === zone ? `${wallClockText(time, zone)} ${label}` : `${wallClockText(time, zone)} ${label} (${zone})`;
}

/**
 * A date and time as written in a file (an event's start or end): with an offset it is that instant; without
 * one it is read in `zone` with WHEN's checks, so a time the clocks skip or pass twice is an error that says
 * what to write instead. Unlike WHEN it may lie in the past.
 */
export function parseFileDateTime(text: string, zone: string, path: string): Date {
  return new Date(readInstant({ written: text.trim().replace(/\s+/g, ' '), zone, now: Number.NEGATIVE_INFINITY, flag: path }));
}

function readInstant(context: Context): number {
  const { written } = context;
  if (written === '') fail(context, 'no time given', acceptedForms(context));

  const dateTime = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:T| )(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)? ?(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(written);
  if (dateTime) {
    const [, year, month, dayOfMonth, hours, minutes, seconds, fraction, offset] = dateTime;
    const wall: WallClock = {
      year: Number(year),
      month: Number(month),
      day: Number(dayOfMonth),
      hour: Number(hours),
      minute: Number(minutes),
      second: Number(seconds ?? 0),
      millisecond: Number((fraction ?? '').padEnd(3, '0').slice(0, 3)),
    };
    checkWallClock(context, wall);
    if (offset !== undefined) return wallClockMs(wall) - offsetMinutes(context, offset) * minute;
    return resolveOrFail(context, wall, false);
  }

  const dayAndTime = /^(today|tomorrow) (\d{1,2}):(\d{2})(?::(\d{2}))?$/i.exec(written);
  if (dayAndTime) {
    const [, which, hours, minutes, seconds] = dayAndTime;
    const date = DateTime.fromMillis(context.now, { zone: context.zone }).plus({ days: which!.toLowerCase() === 'tomorrow' ? 1 : 0 });
    const wall: WallClock = { year: date.year, month: date.month, day: date.day, hour: Number(hours), minute: Number(minutes), second: Number(seconds ?? 0), millisecond: 0 };
    checkWallClock(context, wall);
    return resolveOrFail(context, wall, true);
  }

  if (written.startsWith('+')) return context.now + relativeMs(context);
  nearMiss(context);
  fail(context, `"${written}" is not a time ip-post can read`, acceptedForms(context));
}

/** Elapsed time of `+1d2h30m`: weeks, days, hours and minutes, each at most once, in any order. */
function relativeMs(context: Context): number {
  const { written } = context;
  const body = written.slice(1).trim();
  const parts = [...body.matchAll(/(\d+) ?([a-z]+) ?/giy)];
  const covered = parts.reduce((length, part) => length + part[0].length, 0);
  const unitHelp = 'w (weeks), d (days), h (hours) and m (minutes): e.g. +2h, +90m, +1d or +1d2h30m';
  if (parts.length === 0 || covered !== body.length) fail(context, `"${written}" is not a time from now`, `write how long from now with ${unitHelp}`);

  const units = parts.map(([, , word]) => unitOf(word!));
  const unknown = parts.find((_, index) => units[index] === undefined)?.[2];
  if (unknown !== undefined) {
    const fix = /^(s|sec|secs|seconds?)$/i.test(unknown)
      ? 'seconds are not supported: write minutes, e.g. +1m'
      : /^(mo|mon|months?|y|yr|yrs|years?)$/i.test(unknown)
        ? `months and years vary in length: write the date instead, e.g. ${exampleDate(context)} 10:00`
        : `write how long from now with ${unitHelp}`;
    fail(context, `"${written}": ip-post knows no unit "${unknown}"`, fix);
  }
  const short = `+${parts.map(([, amount], index) => `${amount}${units[index]}`).join('')}`;
  if (parts.some(([, , word]) => !/^[wdhm]$/.test(word!))) fail(context, `"${written}" is not a time from now: units are w, d, h and m`, `write ${short}`);
  if (new Set(units).size !== units.length) fail(context, `"${written}" gives a unit twice`, 'give each unit once: e.g. +1d2h30m');

  const sizes = { w: 7 * day, d: day, h: hour, m: minute } as const;
  const total = parts.reduce((sum, [, amount], index) => sum + Number(amount) * sizes[units[index]!], 0);
  if (total === 0) fail(context, `"${written}" is no time from now`, 'write how long from now, e.g. +2h, +90m or +1d');
  if (!(context.now + total <= maxInstant) || new Date(context.now + total).getUTCFullYear() > 9999) {
    fail(context, `"${written}" is too far ahead`, 'write a time before the year 10000, e.g. +1w');
  }
  return total;
}

/** The one-letter unit a word means: h for h, hr, hours… */
function unitOf(word: string): 'w' | 'd' | 'h' | 'm' | undefined {
  const lower = word.toLowerCase();
  if (/^(w|wk|wks|weeks?)$/.test(lower)) return 'w';
  if (/^(d|days?)$/.test(lower)) return 'd';
  if (/^(h|hr|hrs|hours?)$/.test(lower)) return 'h';
  if (/^(m|min|mins|minutes?)$/.test(lower)) return 'm';
  return undefined;
}

/** Things that are nearly WHEN: a date without a time, `tomorrow` without one or with "at", `2h` without its plus. */
function nearMiss(context: Context): void {
  const { written, zone } = context;
  if (/^\d{4}-\d{1,2}-\d{1,2}$/.test(written)) fail(context, `"${written}" has no time of day`, `add one: ${written} 10:00 (in ${zone})`);
  if (/^(today|tomorrow)$/i.test(written)) fail(context, `"${written}" has no time of day`, `add one: ${written} 09:00 (in ${zone})`);
  const withAt = /^(today|tomorrow) at (\d{1,2}:\d{2}(?::\d{2})?)$/i.exec(written);
  if (withAt) fail(context, `"${written}" is not a time ip-post can read`, `write ${withAt[1]} ${withAt[2]}, without "at"`);
  if (/^(?:\d+ ?[a-z]+ ?)+$/i.test(written) && /^\d+ ?[wdhm]\b/i.test(written)) {
    fail(context, `"${written}" has no + in front`, `write +${written.replace(/ /g, '')} for that long from now`);
  }
}

function checkWallClock(context: Context, wall: WallClock): void {
  const { written } = context;
  const withDate = (date: string) => (/^\d{4}-/.test(written) ? written.replace(/^\d{4}-\d{1,2}-\d{1,2}/, date) : date);
  if (wall.month < 1 || wall.month > 12) {
    fail(context, `"${written}" is not a date: there is no month ${wall.month}`, `write the month as 01 to 12, e.g. ${withDate(`${pad(wall.year, 4)}-12-01`)}`);
  }
  const days = DateTime.utc(wall.year, wall.month).daysInMonth!;
  if (wall.day < 1 || wall.day > days) {
    const last = `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(days)}`;
    fail(context, `"${written}" is not a date: ${monthNames[wall.month - 1]} ${wall.year} has ${days} days`, `write a day from 01 to ${days}, e.g. ${withDate(last)}`);
  }
  const date = dateText(wall);
  if (wall.hour === 24 && wall.minute === 0 && wall.second === 0 && wall.millisecond === 0) {
    const next = DateTime.utc(wall.year, wall.month, wall.day).plus({ days: 1 }).toFormat('yyyy-MM-dd');
    fail(context, `"${written}" is not a time of day: hours go from 00 to 23`, `write ${next} 00:00 for midnight at the end of ${date}`);
  }
  if (wall.hour > 23) fail(context, `"${written}" is not a time of day: hours go from 00 to 23`, 'write the hour as 00 to 23, e.g. 18:00 for 6 p.m.');
  if (wall.minute > 59) fail(context, `"${written}" is not a time of day: minutes go from 00 to 59`, 'write the minutes as 00 to 59, e.g. 10:30');
  if (wall.second > 59) fail(context, `"${written}" is not a time of day: seconds go from 00 to 59`, 'write the seconds as 00 to 59, or leave them out, e.g. 10:30');
}

/** `Z`, `+03:00`, `+0300` or `+03` as minutes east of UTC. */
function offsetMinutes(context: Context, offset: string): number {
  if (offset.toUpperCase() === 'Z') return 0;
  const match = /^([+-])(\d{2}):?(\d{2})?$/.exec(offset)!;
  const hours = Number(match[2]);
  const minutes = Number(match[3] ?? 0);
  if (hours > 14 || minutes > 59 || (hours === 14 && minutes > 0)) {
    fail(context, `"${context.written}": ${offset} is not a UTC offset`, 'write an offset from -12:00 to +14:00, e.g. +03:00, or Z for UTC');
  }
  return (match[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

/** The instant of a wall-clock time in the zone, or an error when the clocks skip it or pass it twice. */
function resolveOrFail(context: Context, wall: WallClock, relativeDay: boolean): number {
  const { zone, written } = context;
  const reading = readWallClock(wall, zone);
  if (reading.kind === 'once') return reading.instant;
  if (reading.kind === 'unknown') return DateTime.fromObject(wall, { zone }).toMillis();

  const date = dateText(wall);
  const time = clockText(wall);
  const quoted = relativeDay ? `"${written}" (${date} ${time})` : `"${written}"`;
  const { change } = reading;
  // A clock change that is over names times that are in the past whichever way they are read.
  if ((reading.kind === 'skipped' ? change.at : reading.second) <= context.now) failPast(context, null);

  // Wall-clock times around the change: where the clocks stood, where they jump to, the end of the span they skip or repeat.
  const stood = fromMs(change.at + change.before * minute);
  const jumped = fromMs(change.at + change.after * minute);
  const spanEnd = fromMs(change.at + Math.max(change.before, change.after) * minute - minute);
  const oneDay = dateText(stood) === dateText(jumped) && dateText(stood) === dateText(spanEnd);
  const at = (wall: WallClock) => (oneDay ? clockText(wall) : `${dateText(wall)} ${clockText(wall)}`);
  const on = oneDay ? `on ${dateText(stood)} ` : '';
  const labels = `${zoneLabel(change.at - 1, zone)} to ${zoneLabel(change.at, zone)}`;
  if (reading.kind === 'skipped') {
    fail(
      context,
      `${quoted} does not exist in ${zone}: ${on}the clocks go forward from ${at(stood)} to ${at(jumped)} (${labels}), skipping ${at(stood)}–${at(spanEnd)}`,
      `write ${wallClockText(change.at - minute, zone)} (just before the change) or ${wallClockText(change.at, zone)} (just after it)`,
    );
  }
  const each = (instant: number) => {
    const inZone = DateTime.fromMillis(instant, { zone });
    const label = zoneLabel(instant, zone);
    const named = /^[+-]/.test(label) ? [] : [label];
    const otherIsDst = DateTime.fromMillis(instant === reading.first ? reading.second : reading.first, { zone }).isInDST;
    if (inZone.isInDST !== otherIsDst) named.unshift(inZone.isInDST ? 'summer time' : 'winter time');
    return { text: `${date}T${time}${formatOffset(inZone.offset)}`, note: named.length ? ` (${named.join(', ')})` : '' };
  };
  const first = each(reading.first);
  const later = each(reading.second);
  fail(
    context,
    `${quoted} happens twice in ${zone}: ${on}the clocks go back from ${at(stood)} to ${at(jumped)} (${labels}), so ${at(jumped)}–${at(spanEnd)} happens twice`,
    `write ${first.text} for the first${first.note} or ${later.text} for the second${later.note}`,
  );
}

/** Which instants show this wall-clock time in the zone, from the zone's real offsets (tz data via Intl). */
function readWallClock(wall: WallClock, zone: string): Reading {
  const tz = IANAZone.create(zone);
  const local = wallClockMs(wall);
  const offsets = new Set([tz.offset(local - day), tz.offset(local), tz.offset(local + day)]);
  const instants = [...offsets]
    .map((offset) => local - offset * minute)
    .filter((instant) => tz.offset(instant) * minute + instant === local)
    .sort((a, b) => a - b);
  const [first, second] = instants;
  if (first !== undefined && second !== undefined) return { kind: 'twice', first, second, change: findChange(tz, first, second) };
  if (first !== undefined) return { kind: 'once', instant: first };
  // Skipped: read with the offset after the change, the instant is before it, and the other way round.
  const before = tz.offset(local - day);
  const after = tz.offset(local + day);
  if (after <= before) return { kind: 'unknown' };
  const change = findChange(tz, local - after * minute, local - before * minute);
  return change.before === before && change.after === after ? { kind: 'skipped', change } : { kind: 'unknown' };
}

/** The first instant (to the second) in (from, to] with the offset `to` has; the offsets at from and to differ. */
function findChange(tz: IANAZone, from: number, to: number): ClockChange {
  const after = tz.offset(to);
  let low = Math.floor(from / second);
  let high = Math.ceil(to / second);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (tz.offset(middle * second) === after) high = middle;
    else low = middle;
  }
  return { at: high * second, before: tz.offset(low * second), after };
}

function failPast(context: Context, instant: number | null): never {
  const { written, zone } = context;
  const now = `now is ${wallClockText(context.now, zone)} ${zoneLabel(context.now, zone)}`;
  const reading = instant === null ? '' : ` is ${describeInstant(new Date(instant), zone)}, which`;
  const fix = /^today /i.test(written)
    ? `write ${written.replace(/^today/i, 'tomorrow')} for tomorrow, or a later time today`
    : `write a time after now, e.g. ${exampleDate(context)} 10:00 or +1h`;
  fail(context, `"${written}"${reading} is in the past (${now})`, fix);
}

function fail(context: Context, message: string, fix: string): never {
  throw new InputError({ path: context.flag, message, fix });
}

/** Every form WHEN can take, with examples that are valid from now on: tomorrow at 10:00 in the zone. */
function acceptedForms(context: Context): string {
  const { zone } = context;
  const date = exampleDate(context);
  const example = DateTime.fromISO(`${date}T10:00`, { zone });
  const utc = example.toUTC().toFormat("yyyy-MM-dd'T'HH:mm");
  return [
    `write one of: ${date}T10:00${formatOffset(example.offset)} or ${utc}Z (date and time with the UTC offset)`,
    `${date} 10:00 (date and time in ${zone})`,
    `today 18:00 or tomorrow 09:00 (in ${zone})`,
    `+2h, +90m, +1d, +1w or +1d2h30m (from now)`,
  ].join('; ');
}

/** Tomorrow's date in the zone, for examples. */
function exampleDate(context: Context): string {
  return DateTime.fromMillis(context.now, { zone: context.zone }).plus({ days: 1 }).toFormat('yyyy-MM-dd');
}

/** The wall-clock time as if it were UTC: the arithmetic the zone's offset is added to. */
function wallClockMs(wall: WallClock): number {
  const date = new Date(0);
  date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  date.setUTCHours(wall.hour, wall.minute, wall.second, wall.millisecond);
  return date.getTime();
}

function fromMs(local: number): WallClock {
  const date = new Date(local);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    millisecond: date.getUTCMilliseconds(),
  };
}

function dateText(wall: WallClock): string {
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
}

/** `10:00`, `10:00:30`, `10:00:30.250`: seconds and milliseconds only when there are some. */
function clockText(wall: WallClock): string {
  const base = `${pad(wall.hour)}:${pad(wall.minute)}`;
  if (wall.second === 0 && wall.millisecond === 0) return base;
  return wall.millisecond === 0 ? `${base}:${pad(wall.second)}` : `${base}:${pad(wall.second)}.${pad(wall.millisecond, 3)}`;
}

/** `2027-06-01 10:00` as the zone's clocks show the instant. */
function wallClockText(instant: number, zone: string): string {
  const wall = fromMs(instant + IANAZone.create(zone).offset(instant) * minute);
  return `${dateText(wall)} ${clockText({ ...wall, millisecond: 0 })}`;
}

/** Abbreviation formats per zone, made on first use: en-GB knows EET/EEST and CET/CEST, en-US knows EST/EDT. */
const labelFormats = new Map<string, Intl.DateTimeFormat[]>();

/**
 * The zone's abbreviation at the instant (EEST) when English has one, else its UTC offset (+09:00). Where the
 * same wall-clock time happens twice under one abbreviation, the offset, so the two stay apart.
 */
function zoneLabel(instant: number, zone: string): string {
  let formats = labelFormats.get(zone);
  if (!formats) {
    formats = ['en-GB', 'en-US'].map((locale) => new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' }));
    labelFormats.set(zone, formats);
  }
  const tz = IANAZone.create(zone);
  const offset = formatOffset(tz.offset(instant));
  const abbreviation = (at: number) =>
    formats.map((format) => format.formatToParts(at).find((part) => part.type === 'timeZoneName')?.value).find((name) => name !== undefined && /^[A-Z]{2,6}$/.test(name));
  const name = abbreviation(instant);
  if (!name) return offset;
  const reading = readWallClock(fromMs(instant + tz.offset(instant) * minute), zone);
  if (reading.kind === 'twice' && abbreviation(reading.first) === abbreviation(reading.second)) return offset;
  return name;
}

/** Minutes east of UTC as `+03:00`. */
function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const size = Math.abs(minutes);
  return `${sign}${pad(Math.floor(size / 60))}:${pad(size % 60)}`;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
