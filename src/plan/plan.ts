import { DateTime } from 'luxon';
import { adapters } from '../../adapters/index.js';
import type { PlatformName } from '../../adapters/names.js';
import type { Announcement, EventDetails, EventTime, Language } from '../announcement/model.js';
import type { Config } from '../config.js';
import { loadLanguage, type LanguageData } from '../i18n/language.js';
import { inspectMedia, type InspectedMedia } from '../media.js';
import { Templates } from '../render/templates.js';
import { chooseSchedule } from '../schedule/mode.js';
import { calendarDaysBetween, reminderTime, type ReminderOffset } from '../schedule/reminders.js';
import { describeInstant } from '../schedule/when.js';
import { InputError } from '../errors.js';
import { createPlanContext, type ContextInput } from './context.js';
import type { Plan, PlannedPost } from './types.js';

export interface PlanOptions {
  /** Only these platforms (--only); all of the announcement's when undefined. */
  platforms?: PlatformName[];
  /** Only these languages (--lang), in the announcement's order; all when undefined. */
  languages?: Language[];
  /** Publish at this time rather than at once (--at). */
  at?: Date;
  /** Reminders before the event (--reminders). */
  reminders?: ReminderOffset[];
  /** Now, to choose how each post waits and which reminders are still ahead. */
  now?: number;
}

/** announcement → one planned post per platform and language group, every rule checked; nothing is sent. */
export async function buildPlan(announcement: Announcement, config: Config, options: PlanOptions = {}): Promise<Plan> {
  const platforms = announcement.platforms.filter((name) => !options.platforms || options.platforms.includes(name));
  const languages = announcement.languages.filter((code) => !options.languages || options.languages.includes(code));
  const templates = new Templates(config.templateDirs);
  const languageData = new Map<Language, LanguageData>();
  for (const code of languages) languageData.set(code, await loadLanguage(code, config.templateDirs));

  const warnings: string[] = [];
  if (config.sandbox) {
    warnings.push(`sandbox: every platform and the media host point at the local sandbox at ${config.sandbox}`);
  } else if (!config.file) {
    warnings.push('no config file: previewing with defaults (accounts, media host and API addresses unset); publishing needs one, see config.example.json');
  }
  for (const data of languageData.values()) if (data.fallbackWarning) warnings.push(data.fallbackWarning);

  const mediaByPath = await inspectAll(announcement, platforms);
  const now = options.now ?? Date.now();
  const contextFor = (platform: PlatformName, reminder?: ContextInput['reminder']) => {
    const content = announcement.content[platform];
    return createPlanContext({
      adapter: adapters[platform],
      announcement,
      languages,
      languageData,
      settings: config.platforms[platform],
      configured: Boolean(config.file || config.sandbox),
      media: content.media.map((ref) => mediaByPath.get(ref.file ?? ref.url!)!),
      mediaHost: config.mediaHost?.publicUrl,
      templates,
      ...(reminder && { reminder }),
    });
  };
  const scheduled = (platform: PlatformName, planned: PlannedPost[], at: Date | undefined) => {
    const { event } = announcement.content[platform];
    if (at) for (const post of planned) post.schedule = { ...chooseSchedule(adapters[platform], config.platforms[platform].schedule, at, event.timezone, now), event: event.start.instant.toISOString() };
    return planned;
  };

  const posts: PlannedPost[] = [];
  for (const platform of platforms) posts.push(...scheduled(platform, await adapters[platform].plan(contextFor(platform)), options.at));
  const lateness = platforms[0] && eventLateness(announcement.content[platforms[0]].event, options.at ?? new Date(now), now);
  if (lateness) warnings.push(`${lateness}: the posts speak of it as ahead; check ${options.at ? '--at and ' : ''}the event's dates`);

  const reminded = platforms.filter((platform) => adapters[platform].reminders && config.platforms[platform].reminders !== false);
  if (options.reminders?.length) {
    const left = platforms.filter((platform) => !reminded.includes(platform));
    if (left.length) warnings.push(`no reminders on ${left.map((platform) => adapters[platform].label).join(', ')}: ${left.some((platform) => !adapters[platform].reminders) ? 'a reminder there would be the same post again' : 'config turns them off'}`);
    const announced = options.at?.getTime() ?? now;
    const reminderAt = new Map<string, string>();
    for (const offset of options.reminders) {
      const late = new Map<string, string[]>();
      for (const platform of reminded) {
        const { event } = announcement.content[platform];
        const at = reminderTime(event, offset);
        const same = reminderAt.get(`${platform} ${at.getTime()}`);
        if (same) throw new InputError({ path: '--reminders', message: `${same} and ${offset.before} both fall at ${describeInstant(at, event.timezone)}`, fix: `keep one of them` });
        reminderAt.set(`${platform} ${at.getTime()}`, offset.before);
        if (at.getTime() <= announced) {
          const when = describeInstant(at, event.timezone);
          late.set(when, [...(late.get(when) ?? []), adapters[platform].label]);
          continue;
        }
        const planned = await adapters[platform].plan(contextFor(platform, { at, offset }));
        const days = calendarDaysBetween(at, event.start.instant, event.timezone);
        for (const post of planned) post.reminder = { before: offset.before, event: event.start.instant.toISOString(), days };
        posts.push(...scheduled(platform, planned, at));
      }
      for (const [when, labels] of late) {
        const where = labels.length === reminded.length ? '' : ` on ${labels.join(', ')}`;
        warnings.push(`the ${offset.before} reminder${where} would go out at ${when}, ${options.at ? 'no later than the announcement itself' : 'which has passed'}: left out`);
      }
    }
  }

  const first = platforms[0];
  return {
    announcement: announcement.id,
    file: announcement.file,
    languages,
    timezone: first ? announcement.content[first].event.timezone : '',
    posts,
    warnings,
    publishable: posts.every((post) => post.errors.length === 0),
  };
}

/** Whether the event has begun, or is over, when the posts go out ("the event is over (it ended …)"), or nothing. */
function eventLateness(event: EventDetails, at: Date, now: number): string | undefined {
  const dayAfter = (time: EventTime) => DateTime.fromJSDate(time.instant, { zone: event.timezone }).startOf('day').plus({ days: 1 }).toMillis();
  const last = event.end ?? event.start;
  const over = last.allDay ? dayAfter(last) : event.end ? last.instant.getTime() : undefined;
  const scheduled = at.getTime() > now;
  const by = scheduled ? `at ${describeInstant(at, event.timezone)} the event will` : 'the event';
  const instant = (ms: number, past: string, future: string) => `it ${ms <= now ? past : future} ${describeInstant(new Date(ms), event.timezone)}`;
  if (over !== undefined && at.getTime() >= over) return `${by} ${scheduled ? 'be' : 'is'} over (${instant(over, 'ended', 'ends')})`;
  const start = event.start.instant.getTime();
  if (at.getTime() >= start) return `${by} ${scheduled ? 'have' : 'has'} begun (${instant(start, 'started', 'starts')})`;
  return undefined;
}

/** Each file is inspected once, however many platforms use it. */
async function inspectAll(announcement: Announcement, platforms: PlatformName[]): Promise<Map<string, InspectedMedia>> {
  const refs = new Map(platforms.flatMap((platform) => announcement.content[platform].media.map((ref) => [ref.file ?? ref.url!, ref] as const)));
  const inspected = await inspectMedia([...refs.values()], announcement.file);
  return new Map(inspected.map((media) => [media.ref.file ?? media.ref.url!, media]));
}
