import type { PostRow } from '../store/store.js';
import { describeDaysBefore, reminderWordingAt } from './reminders.js';
import { describeInstant } from './when.js';

/** Why a post is not started now, and what the officer can do; `code` is kept with the post (and in --json). */
export interface NotStarted {
  code: 'stale-reminder' | 'late';
  message: string;
}

export const zoneOf = (row: PostRow): string => row.plan.schedule?.timezone ?? 'UTC';

/**
 * Whether a post must not be started now (a post already on its way may still be finished, once the
 * platform shows it went out): a reminder whose wording ("Tomorrow") no longer holds, never; any other post
 * more than `graceMs` after its time, not without --catch-up (`graceMs` undefined: no limit, as for retry).
 */
export function whyNotStart(row: PostRow, now: number, graceMs: number | undefined): NotStarted | undefined {
  const reminder = row.plan.reminder;
  const due = row.due_at ? Date.parse(row.due_at) : undefined;
  const when = due === undefined || due >= now ? '' : `its time, ${describeInstant(new Date(due), zoneOf(row))}, passed ${describeLateness(now - due)} ago while nothing sent it`;
  // A post handed to its platform ahead of its time is read at its time; one sent late, now.
  const goesOut = Math.max(now, due ?? now);
  if (reminder && !reminderWordingAt(reminder, new Date(goesOut), zoneOf(row)).true) {
    return {
      code: 'stale-reminder',
      message: `not sent: the ${reminder.before} reminder is worded for ${describeDaysBefore(reminder.days)}${when ? `, and ${when}` : ''}; now it would not be true. \`ip-post queue cancel ${row.id}\` clears it`,
    };
  }
  if (graceMs !== undefined && due !== undefined && now - due > graceMs) {
    return { code: 'late', message: `not sent: ${when}; \`ip-post run-due --catch-up\` sends it now, or \`ip-post queue reschedule ${row.id} WHEN\`` };
  }
  return undefined;
}

/** "61 min", "2 h 30 min", "3 days". */
export function describeLateness(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours >= 48) return `${Math.round(minutes / 1440)} days`;
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}
