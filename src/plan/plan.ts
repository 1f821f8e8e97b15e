import { adapters } from '../../adapters/index.js';
import type { PlatformName } from '../../adapters/names.js';
import type { Announcement, Language } from '../announcement/model.js';
import type { Config } from '../config.js';
import { loadLanguage, type LanguageData } from '../i18n/language.js';
import { inspectMedia, type InspectedMedia } from '../media.js';
import { Templates } from '../render/templates.js';
import { createPlanContext } from './context.js';
import type { Plan } from './types.js';

export interface PlanOptions {
  /** Only these platforms (--only); all of the announcement's when undefined. */
  platforms?: PlatformName[];
  /** Only these languages (--lang), in the announcement's order; all when undefined. */
  languages?: Language[];
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
  const posts = [];
  for (const platform of platforms) {
    const adapter = adapters[platform];
    const content = announcement.content[platform];
    const context = createPlanContext({
      adapter,
      announcement,
      languages,
      languageData,
      settings: config.platforms[platform],
      configured: Boolean(config.file || config.sandbox),
      media: content.media.map((ref) => mediaByPath.get(ref.file ?? ref.url!)!),
      mediaHost: config.mediaHost?.publicUrl,
      templates,
    });
    posts.push(...(await adapter.plan(context)));
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

/** Each file is inspected once, however many platforms use it. */
async function inspectAll(announcement: Announcement, platforms: PlatformName[]): Promise<Map<string, InspectedMedia>> {
  const refs = new Map(platforms.flatMap((platform) => announcement.content[platform].media.map((ref) => [ref.file ?? ref.url!, ref] as const)));
  const inspected = await inspectMedia([...refs.values()], announcement.file);
  return new Map(inspected.map((media) => [media.ref.file ?? media.ref.url!, media]));
}
