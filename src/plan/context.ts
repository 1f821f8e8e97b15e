import { extname } from 'node:path';
import type { PlatformName } from '../../adapters/names.js';
import type { Announcement, Language } from '../announcement/model.js';
import type { PlatformSettings } from '../config.js';
import type { LanguageData } from '../i18n/language.js';
import type { InspectedMedia } from '../media.js';
import { fitToLimit } from '../render/fit.js';
import type { Templates } from '../render/templates.js';
import { describeReminder, type ReminderOffset } from '../schedule/reminders.js';
import { buildView, hashtagLine } from '../render/view.js';
import type { Adapter, ComposeOptions, PlanContext } from './adapter.js';
import type { PlannedMedia } from './types.js';

const unlimited = { max: Number.POSITIVE_INFINITY, unit: 'characters', measure: (text: string) => text.length };

export interface ContextInput {
  adapter: Adapter;
  announcement: Announcement;
  languages: Language[];
  languageData: Map<Language, LanguageData>;
  settings: PlatformSettings;
  configured: boolean;
  media: InspectedMedia[];
  mediaHost?: string;
  templates: Templates;
  /** Planning a reminder: when it goes out, and how long before the event it was asked for. */
  reminder?: { at: Date; offset: ReminderOffset };
}

export function createPlanContext(input: ContextInput): PlanContext<Record<string, unknown>> {
  const { adapter, announcement, languages, templates, settings } = input;
  const platform: PlatformName = adapter.name;
  const content = announcement.content[platform];
  const language = (code: Language) => input.languageData.get(code)!;
  const hashtagsOf = (group: Language[]) => [...new Set(group.flatMap((code) => content.hashtags[code] ?? []))];

  const context: PlanContext<Record<string, unknown>> = {
    settings,
    configured: input.configured,
    languages,
    content,
    media: input.media,
    language,

    groups() {
      return settings.languages === 'separate' ? languages.map((code) => [code]) : [languages];
    },

    compose(group: Language[], options: ComposeOptions) {
      const combined = group.length > 1;
      const tags = hashtagsOf(group);
      const extra = (code: Language) => (typeof options.extra === 'function' ? options.extra(code) : options.extra);
      const render = (texts: Record<Language, string>, keepTags: number) => {
        const kept = tags.slice(0, keepTags);
        const sections = group.map((code) => {
          const view = buildView(content, language(code), { text: texts[code], hashtags: combined ? [] : kept });
          const { reminder } = input;
          if (!reminder) return templates.render(templates.find(platform, code), { ...view, ...extra(code) });
          const relative = describeReminder(reminder.at, content.event, language(code), reminder.offset.before);
          return templates.render(templates.findReminder(platform, code), { ...view, ...relative, ...extra(code) });
        });
        if (!combined) return sections[0]!;
        return templates.render(templates.layout(platform), {
          sections: sections.map((text, index) => ({ text, first: index === 0, last: index === sections.length - 1 })),
          hashtags: hashtagLine(kept),
        });
      };
      return fitToLimit({
        texts: Object.fromEntries(group.map((code) => [code, content.text[code]!])),
        locales: Object.fromEntries(group.map((code) => [code, language(code).intlLocale])),
        noEndWords: Object.fromEntries(group.map((code) => [code, language(code).noEndWords])),
        hashtags: tags.length,
        limit: options.shorten === false ? unlimited : options.limit,
        render,
      });
    },

    post(group, fields) {
      return {
        platform,
        account: settings.account ?? null,
        languages: group,
        strategy: settings.languages,
        media: [],
        lengths: [],
        notes: [],
        warnings: [],
        errors: [],
        ...fields,
      };
    },

    plannedMedia(media, group, options = {}) {
      const alt = group.map((code) => media.ref.alt[code]).filter((text): text is string => Boolean(text));
      const planned: PlannedMedia = {
        source: media.ref.path ?? media.ref.url!,
        kind: media.kind,
        type: media.type,
        ...(media.bytes !== undefined && { bytes: media.bytes }),
        ...(media.width !== undefined && { width: media.width, height: media.height }),
        ...(media.duration !== undefined && { duration: Math.round(media.duration * 100) / 100 }),
        alt: alt.length ? [...new Set(alt)].join(' / ') : null,
        ...(media.ref.file && { file: media.ref.file }),
      };
      if (options.convertTo && options.convertTo !== media.type) planned.convertTo = options.convertTo;
      if (options.publicUrl) {
        planned.pulled = true;
        const url = media.ref.url ?? (input.mediaHost && hostedUrl(input.mediaHost, announcement.id, media.name, planned.convertTo));
        if (url) planned.publicUrl = url;
      }
      return planned;
    },
  };
  return context;
}

/** Where the media host will serve a file: `<publicUrl>/<announcement id>/<file name>`. */
function hostedUrl(base: string, announcementId: string, name: string, convertTo: string | undefined): string {
  const extension = convertTo === 'image/jpeg' ? '.jpg' : extname(name);
  const stem = name.slice(0, name.length - extname(name).length);
  return `${base.replace(/\/+$/, '')}/${encodeURIComponent(announcementId)}/${encodeURIComponent(stem + extension)}`;
}
