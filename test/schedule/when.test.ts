import { describe, expect, it } from 'vitest';
import { InputError, isInputError, type Problem } from '../../src/errors.js';
import { describeInstant, parseWhen } from '../../src/schedule/when.js';

const riga = 'Europe/Riga';
const hour = 3_600_000;

/** parseWhen in Riga from a fixed now, as an ISO instant. */
const at = (text: string, now = '2026-01-10T12:00:00Z', zone = riga) => parseWhen(text, { zone, now: new Date(now) }).toISOString();

/** The one problem parseWhen reports. */
function problem(text: string, now = '2026-01-10T12:00:00Z', zone = riga, flag?: string): Problem {
  try {
    parseWhen(text, { zone, now: new Date(now), flag });
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect(isInputError(error)).toBe(true);
    const { problems } = error as InputError;
    expect(problems).toHaveLength(1);
    return problems[0]!;
  }
  throw new Error(`"${text}" was accepted`);
}

describe('an instant with its offset', () => {
  it('honours Z and the offset, whatever the zone', () => {
    expect(at('2027-06-01T10:00+03:00')).toBe('2027-06-01T07:00:00.000Z');
    expect(at('2027-06-01T07:00:00Z')).toBe('2027-06-01T07:00:00.000Z');
    expect(at('2027-06-01T10:00-04:00')).toBe('2027-06-01T14:00:00.000Z');
    expect(at('2027-06-01T10:00+0530')).toBe('2027-06-01T04:30:00.000Z');
    expect(at('2027-06-01T10:00:30.250Z')).toBe('2027-06-01T10:00:30.250Z');
    expect(at('2027-06-01 10:00+02:00')).toBe('2027-06-01T08:00:00.000Z');
    // The offset wins over the zone: +03:00 in January is not Riga's offset, but it is an exact instant.
    expect(at('2027-01-15T10:00+03:00')).toBe('2027-01-15T07:00:00.000Z');
    expect(at('2027-06-01T10:00+03:00', undefined, 'America/New_York')).toBe('2027-06-01T07:00:00.000Z');
  });

  it('is an exact instant even in the hours a clock change skips or repeats', () => {
    expect(at('2027-10-31T03:30+03:00')).toBe('2027-10-31T00:30:00.000Z');
    expect(at('2027-10-31T03:30+02:00')).toBe('2027-10-31T01:30:00.000Z');
    expect(at('2027-03-28T03:30+02:00')).toBe('2027-03-28T01:30:00.000Z');
  });

  it('rejects an offset no zone has', () => {
    expect(problem('2027-06-01T10:00+15:00')).toEqual({
      path: '--at',
      message: '"2027-06-01T10:00+15:00": +15:00 is not a UTC offset',
      fix: 'write an offset from -12:00 to +14:00, e.g. +03:00, or Z for UTC',
    });
  });
});

describe('a wall-clock time in the zone', () => {
  it('reads summer and winter times with the offset of the day', () => {
    expect(at('2027-06-01 10:00')).toBe('2027-06-01T07:00:00.000Z');
    expect(at('2027-06-01T10:00')).toBe('2027-06-01T07:00:00.000Z');
    expect(at('2027-06-01 10:00:30')).toBe('2027-06-01T07:00:30.000Z');
    expect(at('2027-01-15 10:00')).toBe('2027-01-15T08:00:00.000Z');
    expect(at('2027-12-31T23:30')).toBe('2027-12-31T21:30:00.000Z');
    expect(at('  2027-06-01   9:05 ')).toBe('2027-06-01T06:05:00.000Z');
  });

  it('uses the zone it is given', () => {
    expect(at('2027-06-01 10:00', undefined, 'America/New_York')).toBe('2027-06-01T14:00:00.000Z');
    expect(at('2027-06-01 10:00', undefined, 'UTC')).toBe('2027-06-01T10:00:00.000Z');
    expect(at('2027-06-01 10:00', undefined, 'Asia/Kolkata')).toBe('2027-06-01T04:30:00.000Z');
  });
});

describe('today and tomorrow', () => {
  const nine = '2027-06-01T06:00:00Z'; // 09:00 EEST in Riga

  it('take the calendar day in the zone and the wall-clock time there', () => {
    expect(at('today 18:00', nine)).toBe('2027-06-01T15:00:00.000Z');
    expect(at('tomorrow 09:00', nine)).toBe('2027-06-02T06:00:00.000Z');
    expect(at('Tomorrow 9:00:15', nine)).toBe('2027-06-02T06:00:15.000Z');
    expect(at('TODAY 09:01', nine)).toBe('2027-06-01T06:01:00.000Z');
  });

  it('count days in the zone, not in UTC', () => {
    const afterMidnightInRiga = '2027-06-01T22:30:00Z'; // 2027-06-02 01:30 in Riga
    expect(at('today 10:00', afterMidnightInRiga)).toBe('2027-06-02T07:00:00.000Z');
    expect(at('tomorrow 10:00', afterMidnightInRiga)).toBe('2027-06-03T07:00:00.000Z');
    expect(at('today 23:00', afterMidnightInRiga, 'UTC')).toBe('2027-06-01T23:00:00.000Z');
  });

  it('keep the wall-clock time across a clock change: 23 hours in spring, 25 in autumn', () => {
    const cases = [
      { now: '2026-03-28T07:00:00Z', expected: '2026-03-29T06:00:00.000Z', hours: 23 },
      { now: '2026-10-24T06:00:00Z', expected: '2026-10-25T07:00:00.000Z', hours: 25 },
      { now: '2027-03-27T07:00:00Z', expected: '2027-03-28T06:00:00.000Z', hours: 23 },
      { now: '2027-10-30T06:00:00Z', expected: '2027-10-31T07:00:00.000Z', hours: 25 },
    ];
    for (const { now, expected, hours } of cases) {
      expect(describeInstant(new Date(now), riga)).toMatch(/ 09:00 EES?T \(Europe\/Riga\)$/);
      const instant = at('tomorrow 09:00', now);
      expect(instant).toBe(expected);
      expect((Date.parse(instant) - Date.parse(now)) / hour).toBe(hours);
    }
  });

  it('mean the next calendar day, not 24 hours on, late and early on the day before a change', () => {
    expect(at('tomorrow 09:00', '2027-03-27T21:30:00Z')).toBe('2027-03-28T06:00:00.000Z'); // now 23:30 EET
    expect(at('tomorrow 09:00', '2027-10-29T21:30:00Z')).toBe('2027-10-31T07:00:00.000Z'); // now 00:30 EEST on the 30th
    expect(at('today 23:59', '2027-10-29T21:30:00Z')).toBe('2027-10-30T20:59:00.000Z');
  });
});

describe('time from now', () => {
  const now = '2027-06-01T06:00:00.000Z';

  it('adds elapsed time', () => {
    expect(at('+2h', now)).toBe('2027-06-01T08:00:00.000Z');
    expect(at('+90m', now)).toBe('2027-06-01T07:30:00.000Z');
    expect(at('+1d', now)).toBe('2027-06-02T06:00:00.000Z');
    expect(at('+1w', now)).toBe('2027-06-08T06:00:00.000Z');
    expect(at('+1d2h30m', now)).toBe('2027-06-02T08:30:00.000Z');
    expect(at('+1w1d1h1m', now)).toBe('2027-06-09T07:01:00.000Z');
    expect(at('+1d 2h', now)).toBe('2027-06-02T08:00:00.000Z');
    expect(at('+30m2h', now)).toBe('2027-06-01T08:30:00.000Z');
    expect(at('+5m', '2027-06-01T06:00:00.123Z')).toBe('2027-06-01T06:05:00.123Z');
  });

  it('counts a day as 24 hours, across a clock change too', () => {
    expect(at('+1d', '2027-03-27T10:00:00Z')).toBe('2027-03-28T10:00:00.000Z');
    expect(at('+1d', '2027-10-30T10:00:00Z')).toBe('2027-10-31T10:00:00.000Z');
  });

  it('says how to write what it cannot read', () => {
    expect(problem('+2 hours')).toEqual({ path: '--at', message: '"+2 hours" is not a time from now: units are w, d, h and m', fix: 'write +2h' });
    expect(problem('+1H30min')).toEqual({ path: '--at', message: '"+1H30min" is not a time from now: units are w, d, h and m', fix: 'write +1h30m' });
    expect(problem('+1s')).toEqual({ path: '--at', message: '"+1s": ip-post knows no unit "s"', fix: 'seconds are not supported: write minutes, e.g. +1m' });
    expect(problem('+1month')).toEqual({ path: '--at', message: '"+1month": ip-post knows no unit "month"', fix: 'months and years vary in length: write the date instead, e.g. 2026-01-11 10:00' });
    expect(problem('+1h1h')).toEqual({ path: '--at', message: '"+1h1h" gives a unit twice', fix: 'give each unit once: e.g. +1d2h30m' });
    expect(problem('+0h')).toEqual({ path: '--at', message: '"+0h" is no time from now', fix: 'write how long from now, e.g. +2h, +90m or +1d' });
    expect(problem('+')).toEqual({
      path: '--at',
      message: '"+" is not a time from now',
      fix: 'write how long from now with w (weeks), d (days), h (hours) and m (minutes): e.g. +2h, +90m, +1d or +1d2h30m',
    });
    expect(problem('+1.5h').message).toBe('"+1.5h" is not a time from now');
    expect(problem('+99999999999w')).toEqual({ path: '--at', message: '"+99999999999w" is too far ahead', fix: 'write a time before the year 10000, e.g. +1w' });
    expect(problem('2h')).toEqual({ path: '--at', message: '"2h" has no + in front', fix: 'write +2h for that long from now' });
    expect(problem('1d 2h')).toEqual({ path: '--at', message: '"1d 2h" has no + in front', fix: 'write +1d2h for that long from now' });
  });
});

/**
 * Riga changes clocks at 01:00 UTC on the last Sunday of March (03:00 EET → 04:00 EEST) and of October
 * (04:00 EEST → 03:00 EET).
 */
const changes = [
  { year: 2026, spring: '2026-03-29', springAt: '2026-03-29T01:00:00.000Z', autumn: '2026-10-25', autumnAt: '2026-10-25T01:00:00.000Z' },
  { year: 2027, spring: '2027-03-28', springAt: '2027-03-28T01:00:00.000Z', autumn: '2027-10-31', autumnAt: '2027-10-31T01:00:00.000Z' },
];
const before = '2026-01-10T12:00:00Z';
const shift = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

describe.each(changes)('clock changes in Riga, $year', ({ spring, springAt, autumn, autumnAt }) => {
  it('spring: the skipped hour is an error that names the nearest times', () => {
    expect(problem(`${spring} 03:30`, before)).toEqual({
      path: '--at',
      message: `"${spring} 03:30" does not exist in Europe/Riga: on ${spring} the clocks go forward from 03:00 to 04:00 (EET to EEST), skipping 03:00–03:59`,
      fix: `write ${spring} 02:59 (just before the change) or ${spring} 04:00 (just after it)`,
    });
    for (const time of ['03:00', '03:00:01', '03:59', '03:59:59', '03:15']) {
      expect(problem(`${spring} ${time}`, before).message).toContain('does not exist in Europe/Riga');
    }
    expect(problem(`${spring}T03:30`, before).message).toContain('does not exist in Europe/Riga');
  });

  it('spring: the times either side exist, and the suggested ones are what they say', () => {
    expect(at(`${spring} 02:59`, before)).toBe(shift(springAt, -60_000));
    expect(at(`${spring} 02:59:59`, before)).toBe(shift(springAt, -1000));
    expect(at(`${spring} 04:00`, before)).toBe(springAt);
    expect(at(`${spring} 04:30`, before)).toBe(shift(springAt, hour / 2));
    expect(at(`${spring} 01:00`, before)).toBe(shift(springAt, -2 * hour)); // still EET, +02:00
    expect(at(`${spring} 05:00`, before)).toBe(shift(springAt, hour)); // EEST, +03:00
  });

  it('autumn: the repeated hour is an error that shows both with their offsets', () => {
    const { fix, ...rest } = problem(`${autumn} 03:30`, before);
    expect(rest).toEqual({
      path: '--at',
      message: `"${autumn} 03:30" happens twice in Europe/Riga: on ${autumn} the clocks go back from 04:00 to 03:00 (EEST to EET), so 03:00–03:59 happens twice`,
    });
    expect(fix).toBe(`write ${autumn}T03:30+03:00 for the first (summer time, EEST) or ${autumn}T03:30+02:00 for the second (winter time, EET)`);
    // Each suggestion is a time parseWhen accepts, half an hour either side of the change.
    const [first, second] = fix!.match(/\d{4}-\d{2}-\d{2}T03:30[+-]\d{2}:\d{2}/g)!;
    expect(at(first!, before)).toBe(shift(autumnAt, -hour / 2));
    expect(at(second!, before)).toBe(shift(autumnAt, hour / 2));

    for (const time of ['03:00', '03:59', '03:59:59']) {
      expect(problem(`${autumn} ${time}`, before).message).toContain('happens twice in Europe/Riga');
    }
    expect(problem(`${autumn} 03:00:30`, before).fix).toBe(
      `write ${autumn}T03:00:30+03:00 for the first (summer time, EEST) or ${autumn}T03:00:30+02:00 for the second (winter time, EET)`,
    );
  });

  it('autumn: the times either side happen once', () => {
    expect(at(`${autumn} 02:59`, before)).toBe(shift(autumnAt, -hour - 60_000)); // EEST, +03:00
    expect(at(`${autumn} 02:59:59`, before)).toBe(shift(autumnAt, -hour - 1000));
    expect(at(`${autumn} 04:00`, before)).toBe(shift(autumnAt, hour)); // EET, +02:00
    expect(at(`${autumn} 05:00`, before)).toBe(shift(autumnAt, 2 * hour));
  });

  it('today and tomorrow meet the same checks, naming the date they mean', () => {
    const dayBeforeSpring = shift(springAt, -18 * hour); // 09:00 EET the day before
    expect(problem('tomorrow 03:30', dayBeforeSpring)).toEqual({
      path: '--at',
      message: `"tomorrow 03:30" (${spring} 03:30) does not exist in Europe/Riga: on ${spring} the clocks go forward from 03:00 to 04:00 (EET to EEST), skipping 03:00–03:59`,
      fix: `write ${spring} 02:59 (just before the change) or ${spring} 04:00 (just after it)`,
    });
    expect(at('tomorrow 04:00', dayBeforeSpring)).toBe(springAt);
    const dayBeforeAutumn = shift(autumnAt, -19 * hour); // 09:00 EEST the day before
    expect(problem('tomorrow 03:30', dayBeforeAutumn)).toEqual({
      path: '--at',
      message: `"tomorrow 03:30" (${autumn} 03:30) happens twice in Europe/Riga: on ${autumn} the clocks go back from 04:00 to 03:00 (EEST to EET), so 03:00–03:59 happens twice`,
      fix: `write ${autumn}T03:30+03:00 for the first (summer time, EEST) or ${autumn}T03:30+02:00 for the second (winter time, EET)`,
    });
    const midnightBeforeSpring = shift(springAt, -2 * hour - 60_000); // 00:59 EET on the day
    expect(problem('today 03:30', midnightBeforeSpring).message).toContain(`(${spring} 03:30) does not exist`);
  });

  it('a change that is over is simply in the past', () => {
    const later = shift(autumnAt, 3 * hour);
    expect(problem(`${spring} 03:30`, later).message).toMatch(new RegExp(`^"${spring} 03:30" is in the past \\(now is `));
    expect(problem(`${autumn} 03:30`, later).message).toMatch(new RegExp(`^"${autumn} 03:30" is in the past \\(now is `));
  });
});

describe('times in the past', () => {
  it('says so, with the time and now in the zone', () => {
    expect(problem('2025-12-31 23:00')).toEqual({
      path: '--at',
      message: '"2025-12-31 23:00" is 2025-12-31 23:00 EET (Europe/Riga), which is in the past (now is 2026-01-10 14:00 EET)',
      fix: 'write a time after now, e.g. 2026-01-11 10:00 or +1h',
    });
    expect(problem('2026-01-10T11:00Z').message).toBe('"2026-01-10T11:00Z" is 2026-01-10 13:00 EET (Europe/Riga), which is in the past (now is 2026-01-10 14:00 EET)');
    expect(problem('2027-06-01 10:00', '2027-06-01T07:00:30Z').message).toBe(
      '"2027-06-01 10:00" is 2027-06-01 10:00 EEST (Europe/Riga), which is in the past (now is 2027-06-01 10:00:30 EEST)',
    );
  });

  it('counts now itself as past, and a millisecond later as ahead', () => {
    expect(problem('2026-01-10 14:00').message).toContain('which is in the past');
    expect(at('2026-01-10T12:00:00.001Z')).toBe('2026-01-10T12:00:00.001Z');
  });

  it('suggests tomorrow for a time already gone today', () => {
    expect(problem('today 09:00')).toEqual({
      path: '--at',
      message: '"today 09:00" is 2026-01-10 09:00 EET (Europe/Riga), which is in the past (now is 2026-01-10 14:00 EET)',
      fix: 'write tomorrow 09:00 for tomorrow, or a later time today',
    });
  });
});

describe('dates and times that do not exist', () => {
  it('explains each', () => {
    expect(problem('2027-02-30 10:00')).toEqual({ path: '--at', message: '"2027-02-30 10:00" is not a date: February 2027 has 28 days', fix: 'write a day from 01 to 28, e.g. 2027-02-28 10:00' });
    expect(problem('2027-04-31T10:00+03:00').fix).toBe('write a day from 01 to 30, e.g. 2027-04-30T10:00+03:00');
    expect(at('2028-02-29 10:00')).toBe('2028-02-29T08:00:00.000Z');
    expect(problem('2027-13-01 10:00')).toEqual({ path: '--at', message: '"2027-13-01 10:00" is not a date: there is no month 13', fix: 'write the month as 01 to 12, e.g. 2027-12-01 10:00' });
    expect(problem('2027-06-00 10:00').message).toBe('"2027-06-00 10:00" is not a date: June 2027 has 30 days');
    expect(problem('2027-06-01 25:00')).toEqual({ path: '--at', message: '"2027-06-01 25:00" is not a time of day: hours go from 00 to 23', fix: 'write the hour as 00 to 23, e.g. 18:00 for 6 p.m.' });
    expect(problem('2027-06-30 24:00')).toEqual({ path: '--at', message: '"2027-06-30 24:00" is not a time of day: hours go from 00 to 23', fix: 'write 2027-07-01 00:00 for midnight at the end of 2027-06-30' });
    expect(problem('2027-06-01 10:60').message).toBe('"2027-06-01 10:60" is not a time of day: minutes go from 00 to 59');
    expect(problem('2027-06-01 10:00:60').message).toBe('"2027-06-01 10:00:60" is not a time of day: seconds go from 00 to 59');
    expect(problem('tomorrow 25:00').message).toBe('"tomorrow 25:00" is not a time of day: hours go from 00 to 23');
  });
});

describe('anything else', () => {
  const forms =
    'write one of: 2026-01-11T10:00+02:00 or 2026-01-11T08:00Z (date and time with the UTC offset); 2026-01-11 10:00 (date and time in Europe/Riga); ' +
    'today 18:00 or tomorrow 09:00 (in Europe/Riga); +2h, +90m, +1d, +1w or +1d2h30m (from now)';

  it('lists every accepted form with an example', () => {
    for (const text of ['next friday', '2027/06/01 10:00', '01.06.2027 10:00', '10:00', 'now', '2027-06-01 10:00 Europe/Riga', '2027-06-01T10', 'tomorrow noon', '2027-06-01 10:5']) {
      expect(problem(text)).toEqual({ path: '--at', message: `"${text}" is not a time ip-post can read`, fix: forms });
    }
    expect(problem('   ')).toEqual({ path: '--at', message: 'no time given', fix: forms });
  });

  it('gives examples that are themselves accepted, in the future', () => {
    const examples = forms.replace('write one of: ', '').split(/; | or |, /).map((part) => part.replace(/ \(.*\)$/, ''));
    expect(examples).toHaveLength(10);
    for (const example of examples) expect(Date.parse(at(example, before))).toBeGreaterThan(Date.parse(before));
    expect(at('2026-01-11T10:00+02:00', before)).toBe(at('2026-01-11 10:00', before));
    expect(at('2026-01-11T08:00Z', before)).toBe(at('2026-01-11 10:00', before));
  });

  it('tells the near misses what is missing', () => {
    expect(problem('2027-06-01')).toEqual({ path: '--at', message: '"2027-06-01" has no time of day', fix: 'add one: 2027-06-01 10:00 (in Europe/Riga)' });
    expect(problem('tomorrow')).toEqual({ path: '--at', message: '"tomorrow" has no time of day', fix: 'add one: tomorrow 09:00 (in Europe/Riga)' });
    expect(problem('tomorrow at 9:30')).toEqual({ path: '--at', message: '"tomorrow at 9:30" is not a time ip-post can read', fix: 'write tomorrow 9:30, without "at"' });
  });

  it('names the flag it is given', () => {
    expect(problem('soon', before, riga, 'WHEN').path).toBe('WHEN');
    expect(problem('soon', before, riga, 'WHEN').message).toBe('"soon" is not a time ip-post can read');
  });

  it('refuses an unknown time zone', () => {
    expect(problem('+1h', before, 'Europe/Atlantis')).toEqual({ path: 'timezone', message: 'unknown time zone "Europe/Atlantis"', fix: 'use an IANA time zone name such as Europe/Riga' });
  });
});

describe('describeInstant', () => {
  it('shows the wall-clock time with the abbreviation, or the offset, and the zone', () => {
    expect(describeInstant(new Date('2027-06-01T07:00:00Z'), riga)).toBe('2027-06-01 10:00 EEST (Europe/Riga)');
    expect(describeInstant(new Date('2027-01-15T08:00:00Z'), riga)).toBe('2027-01-15 10:00 EET (Europe/Riga)');
    expect(describeInstant(new Date('2027-06-01T07:00:30.900Z'), riga)).toBe('2027-06-01 10:00:30 EEST (Europe/Riga)');
    expect(describeInstant(new Date('2027-06-01T07:00:00Z'), 'Asia/Tokyo')).toBe('2027-06-01 16:00 +09:00 (Asia/Tokyo)');
    expect(describeInstant(new Date('2027-06-01T07:00:00Z'), 'Asia/Kolkata')).toBe('2027-06-01 12:30 +05:30 (Asia/Kolkata)');
    expect(describeInstant(new Date('2027-06-01T07:00:00Z'), 'America/New_York')).toBe('2027-06-01 03:00 EDT (America/New_York)');
    expect(describeInstant(new Date('2027-06-01T07:00:00Z'), 'UTC')).toBe('2027-06-01 07:00 UTC');
  });

  it('keeps the two readings of a repeated hour apart', () => {
    expect(describeInstant(new Date('2027-10-31T00:30:00Z'), riga)).toBe('2027-10-31 03:30 EEST (Europe/Riga)');
    expect(describeInstant(new Date('2027-10-31T01:30:00Z'), riga)).toBe('2027-10-31 03:30 EET (Europe/Riga)');
    // Moscow left +04:00 for +03:00 in 2014; English has no abbreviation for it, so the offsets tell them apart.
    expect(describeInstant(new Date('2014-10-25T21:30:00Z'), 'Europe/Moscow')).toBe('2014-10-26 01:30 +04:00 (Europe/Moscow)');
    expect(describeInstant(new Date('2014-10-25T22:30:00Z'), 'Europe/Moscow')).toBe('2014-10-26 01:30 +03:00 (Europe/Moscow)');
    expect(describeInstant(new Date('2027-11-07T05:30:00Z'), 'America/New_York')).toBe('2027-11-07 01:30 EDT (America/New_York)');
    expect(describeInstant(new Date('2027-11-07T06:30:00Z'), 'America/New_York')).toBe('2027-11-07 01:30 EST (America/New_York)');
  });

  it('round-trips through parseWhen for every instant it names', () => {
    for (const iso of ['2027-06-01T07:00:00.000Z', '2027-10-31T00:30:00.000Z', '2027-10-31T01:30:00.000Z', '2027-03-28T01:00:00.000Z']) {
      const [date, time, label] = describeInstant(new Date(iso), riga).split(' ');
      const offset = label === 'EEST' ? '+03:00' : '+02:00';
      expect(at(`${date}T${time}${offset}`, before)).toBe(iso);
    }
  });
});
