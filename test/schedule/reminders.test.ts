import { describe, expect, it } from 'vitest';
import type { EventDetails } from '../../src/announcement/model.js';
import { loadLanguage } from '../../src/i18n/language.js';
import { builtinTemplatesDir } from '../../src/paths.js';
import { describeReminder, parseReminders, reminderTime } from '../../src/schedule/reminders.js';

const riga = 'Europe/Riga';
const event = (start: string, allDay = false, end?: string): Pick<EventDetails, 'start' | 'end' | 'timezone'> => ({
  start: { instant: new Date(start), allDay, written: start },
  ...(end && { end: { instant: new Date(end), allDay, written: end } }),
  timezone: riga,
});
const languages = Object.fromEntries(await Promise.all(['lv', 'ru', 'en'].map(async (code) => [code, await loadLanguage(code, [builtinTemplatesDir])] as const)));

describe('--reminders', () => {
  it('reads weeks, days, hours and minutes, and refuses what is not one', () => {
    expect(parseReminders('1w, 7d,1d,2h,30m').map((offset) => [offset.before, offset.amount, offset.unit])).toEqual([
      ['1w', 1, 'weeks'],
      ['7d', 7, 'days'],
      ['1d', 1, 'days'],
      ['2h', 2, 'hours'],
      ['30m', 30, 'minutes'],
    ]);
    for (const bad of ['', 'tomorrow', '0d', '1d,1d', '-1d', '2 days']) expect(() => parseReminders(bad), bad).toThrow(/--reminders/);
  });

  it('days keep the wall-clock time across a clock change; hours are elapsed time', () => {
    // Riga moves to summer time on Sunday 28 March 2027: the day before the event is 23 hours long.
    const monday = event('2027-03-29T07:00:00.000Z'); // 10:00 EEST
    expect(reminderTime(monday, parseReminders('1d')[0]!).toISOString()).toBe('2027-03-28T07:00:00.000Z'); // 10:00 EEST
    expect(reminderTime(monday, parseReminders('2d')[0]!).toISOString()).toBe('2027-03-27T08:00:00.000Z'); // 10:00 EET
    expect(reminderTime(monday, parseReminders('24h')[0]!).toISOString()).toBe('2027-03-28T07:00:00.000Z');
    // And back on Sunday 31 October 2027: 25 hours.
    const november = event('2027-11-01T08:00:00.000Z'); // 10:00 EET
    expect(reminderTime(november, parseReminders('1d')[0]!).toISOString()).toBe('2027-10-31T08:00:00.000Z'); // 10:00 EET
    expect(reminderTime(november, parseReminders('2d')[0]!).toISOString()).toBe('2027-10-30T07:00:00.000Z'); // 10:00 EEST
    expect(reminderTime(november, parseReminders('2h')[0]!).toISOString()).toBe('2027-11-01T06:00:00.000Z');
  });

  it('all-day events: reminders in days go out at 09:00; hours are refused', () => {
    const allDay = event('2027-06-07T21:00:00.000Z', true); // 8 June, Riga
    expect(reminderTime(allDay, parseReminders('1d')[0]!).toISOString()).toBe('2027-06-07T06:00:00.000Z');
    expect(() => reminderTime(allDay, parseReminders('2h')[0]!)).toThrow(/all day/);
  });

  it('words the time from the reminder’s day, leaving out the year within the event’s year', () => {
    const seminar = event('2027-06-08T07:00:00.000Z', false, '2027-06-09T13:00:00.000Z');
    const say = (at: string, code: string, on = seminar) => describeReminder(new Date(at), on, languages[code]!, '1d').reminderWhen;
    expect(['lv', 'ru', 'en'].map((code) => say('2027-06-01T07:00:00.000Z', code))).toEqual([
      'Pēc nedēļas – 8.–9. jūnijā, sākums plkst. 10.00',
      'Через неделю, 8–9 июня, начало в 10:00',
      'In a week, on 8–9 June, starting at 10:00',
    ]);
    expect(['lv', 'ru', 'en'].map((code) => say('2027-06-05T07:00:00.000Z', code))).toEqual([
      'Pēc 3 dienām – 8.–9. jūnijā, sākums plkst. 10.00',
      'Через 3 дня, 8–9 июня, начало в 10:00',
      'In 3 days, on 8–9 June, starting at 10:00',
    ]);
    // Late in the evening before: still "tomorrow", by the calendar in Riga, not 24 hours.
    expect(['lv', 'ru', 'en'].map((code) => say('2027-06-07T20:30:00.000Z', code))).toEqual(['Rīt plkst. 10.00', 'Завтра в 10:00', 'Starts tomorrow at 10:00']);
    // A reminder in December for an event in January keeps the year.
    const january = event('2028-01-05T15:00:00.000Z');
    expect(say('2027-12-29T15:00:00.000Z', 'lv', january)).toBe('Pēc nedēļas – 2028. gada 5. janvārī plkst. 17.00');
    expect(say('2027-12-29T15:00:00.000Z', 'en', january)).toBe('In a week, on 5 January 2028 at 17:00');
    // All-day events.
    const allDay = event('2027-06-07T21:00:00.000Z', true);
    expect(['lv', 'ru', 'en'].map((code) => say('2027-06-07T06:00:00.000Z', code, allDay))).toEqual(['Rīt, 8. jūnijā', 'Завтра', 'Tomorrow']);
    expect(['lv', 'ru', 'en'].map((code) => say('2027-06-01T06:00:00.000Z', code, allDay))).toEqual(['Pēc nedēļas – 8. jūnijā', 'Через неделю, 8 июня', 'In a week, on 8 June']);
  });
});
