import * as v from 'valibot';
import { platformNames } from '../../adapters/names.js';

/** Text in every language (`lv: …`, `ru: …`), or one string used for all languages. */
const localized = v.union([v.string(), v.record(v.string(), v.string())]);
const hashtags = v.union([v.array(v.string()), v.record(v.string(), v.array(v.string()))]);
const dateTime = v.union([v.string(), v.date()]);

const media = v.strictObject({
  path: v.optional(v.string()),
  url: v.optional(v.string()),
  alt: v.optional(localized),
});

const eventEntries = {
  title: localized,
  start: dateTime,
  end: v.optional(dateTime),
  timezone: v.optional(v.string()),
  place: localized,
  url: v.optional(v.string()),
  registration: v.optional(v.string()),
  seats: v.optional(v.pipe(v.number(), v.integer())),
};

/** What `overrides.<platform>` may replace: any content field, for that platform only. */
const override = v.strictObject({
  event: v.optional(v.partial(v.strictObject(eventEntries))),
  text: v.optional(localized),
  hashtags: v.optional(hashtags),
  media: v.optional(v.array(media)),
});

export const announcementSchema = v.strictObject({
  id: v.string(),
  languages: v.array(v.string()),
  platforms: v.array(v.picklist(platformNames)),
  event: v.strictObject(eventEntries),
  text: localized,
  hashtags: v.optional(hashtags),
  media: v.optional(v.array(media)),
  overrides: v.optional(v.strictObject(Object.fromEntries(platformNames.map((name) => [name, v.optional(override)])))),
});

export type RawAnnouncement = v.InferOutput<typeof announcementSchema>;
export type RawOverride = v.InferOutput<typeof override>;
export type RawMedia = v.InferOutput<typeof media>;
export type RawLocalized = v.InferOutput<typeof localized>;
export type RawHashtags = v.InferOutput<typeof hashtags>;

/** How to write each field, for messages. Keys are field paths with `*` for any list index or language. */
export const announcementFieldHelp: Record<string, string> = {
  id: 'give a short unique name such as seminar-2027-06 (letters, digits, - and _)',
  languages: 'list the audience languages, primary first, e.g. [lv, ru, en]',
  'languages.*': 'use a language code such as lv, ru or en',
  platforms: `list where to post, e.g. [facebook, instagram, x] (known: ${platformNames.join(', ')})`,
  'platforms.*': `use one of: ${platformNames.join(', ')}`,
  event: 'describe the event: title, start, place and optionally end, timezone, url, registration, seats',
  'event.title': 'give the title in every language, e.g. title: { lv: "…", ru: "…" }',
  'event.start': 'write the local start time like 2027-06-08T10:00 (or a date like 2027-06-08 for an all-day event)',
  'event.end': 'write the local end time like 2027-06-09T16:00, after the start',
  'event.timezone': 'use an IANA time zone name such as Europe/Riga',
  'event.place': 'give the place in every language, or one text for all',
  'event.url': 'write a full web address starting with https://',
  'event.registration': 'write a full web address starting with https://',
  'event.seats': 'write the number of places as a whole number, e.g. 35',
  text: 'give the announcement text in every language, e.g. text: { lv: "…", ru: "…" }',
  hashtags: 'list hashtags without spaces, e.g. [IntelektaParks, Daugavpils]',
  'hashtags.*': 'write a hashtag as one word without spaces, e.g. IntelektaParks',
  media: 'list images and videos, each with path: (relative to this file) or url:',
  'media.*': 'give either path: (a file next to the announcement) or url: (https://…), and alt: text per language',
  'media.*.path': 'give the file path relative to the announcement file, e.g. media/poster.jpg',
  'media.*.url': 'write a full web address starting with https://',
  'media.*.alt': 'describe the image for people who cannot see it, per language',
  overrides: `replace fields for one platform, e.g. overrides: { x: { text: { lv: "…" } } } (platforms: ${platformNames.join(', ')})`,
};
