import * as v from 'valibot';
import type { Language } from '../../src/announcement/model.js';
import { defineAdapter } from '../../src/plan/adapter.js';
import { checkLength, skip } from '../../src/plan/checks.js';
import type { PlannedPost } from '../../src/plan/types.js';
import { codePoints, limit, utf8Bytes } from '../../src/render/measure.js';
import { envName } from '../../src/validation.js';

/** YouTube Data API v3 limits for videos.insert (../shared/platforms/youtube.md §2). */
export const youtubeRules = {
  titleLength: 100,
  descriptionBytes: 5000,
  tagsLength: 500,
  forbiddenCharacters: /[<>]/,
  /** Custom thumbnails: JPEG or PNG, up to 50 MB since 2026-09-14 (2 MB before). */
  thumbnailTypes: ['image/jpeg', 'image/png'],
  thumbnailBytes: 50 * 1024 * 1024,
};

/** Tags count their length, a comma between each, and quotes around any tag with a space. */
export function tagsLength(tags: readonly string[]): number {
  return tags.reduce((sum, tag) => sum + tag.length + (/\s/.test(tag) ? 2 : 0), 0) + Math.max(0, tags.length - 1);
}

const settings = {
  privacy: v.optional(v.picklist(['public', 'unlisted', 'private']), 'public'),
  categoryId: v.optional(v.string(), '27'),
  madeForKids: v.optional(v.boolean(), false),
  tokenUrl: v.optional(v.string(), 'https://oauth2.googleapis.com/token'),
  clientIdEnv: v.optional(envName, 'IP_POST_YOUTUBE_CLIENT_ID'),
  clientSecretEnv: v.optional(envName, 'IP_POST_YOUTUBE_CLIENT_SECRET'),
  refreshTokenEnv: v.optional(envName, 'IP_POST_YOUTUBE_REFRESH_TOKEN'),
};

export const youtube = defineAdapter({
  name: 'youtube',
  label: 'YouTube',
  strategies: ['localized', 'combined'],
  defaults: { languages: 'localized', baseUrl: 'https://youtube.googleapis.com', uploadBaseUrl: 'https://youtube.googleapis.com' },
  settings,
  // youtube.md: publishAt on a private video, no documented horizon; a time already past publishes at once.
  nativeScheduling: { minAheadMs: 60_000, window: 'from a minute ahead' },
  // A reminder would be the same video uploaded again.
  reminders: false,
  settingsHelp: {
    privacy: 'use public, unlisted or private',
    categoryId: 'write a category id as text, e.g. "27" (Education) or "29" (Nonprofits & Activism)',
    madeForKids: 'true only if the video is made for children',
    tokenUrl: 'write the OAuth token address, e.g. https://oauth2.googleapis.com/token',
    clientIdEnv: 'name the environment variable holding the OAuth client id',
    clientSecretEnv: 'name the environment variable holding the OAuth client secret',
    refreshTokenEnv: 'name the environment variable holding the refresh token',
  },
  plan(context) {
    const title = limit(youtubeRules.titleLength, 'characters', codePoints);
    const description = limit(youtubeRules.descriptionBytes, 'bytes', utf8Bytes);
    const primary = context.languages[0]!;
    const group = context.languages;
    const describe = (languages: Language[]) => context.compose(languages, { limit: description });
    const titleOf = (code: Language) => context.content.event.title[code]!;

    const post = context.post(group, { format: `video (${context.settings.privacy})`, text: '', title: titleOf(primary), defaultLanguage: primary });
    if (context.settings.languages === 'localized') {
      post.localizations = {};
      for (const code of group) {
        const fit = describe([code]);
        post.localizations[code] = { title: titleOf(code), description: fit.text };
        if (fit.shortened.length) post.warnings.push(`the ${code} description was shortened to fit ${description.max} bytes`);
        checkText(post, `localizations.${code}.title`, titleOf(code), title);
        checkText(post, `localizations.${code}.description`, fit.text, description);
      }
      post.text = post.localizations[primary]!.description;
    } else {
      const fit = describe(group);
      post.text = fit.text;
      if (fit.shortened.length) post.warnings.push(`the description was shortened to fit ${description.max} bytes`);
      checkText(post, 'title', post.title!, title);
      checkText(post, 'text', fit.text, description);
    }

    const tags = [...new Set(group.flatMap((code) => context.content.hashtags[code] ?? []))];
    while (tagsLength(tags) > youtubeRules.tagsLength) tags.pop();
    post.tags = tags;
    post.lengths.push({ field: 'tags', length: tagsLength(tags), max: youtubeRules.tagsLength, unit: 'characters' });

    const video = context.media.find((media) => media.kind === 'video');
    const thumbnail = context.media.find((media) => media.kind === 'image' && youtubeRules.thumbnailTypes.includes(media.type) && (media.bytes ?? 0) <= youtubeRules.thumbnailBytes);
    for (const media of context.media) {
      if (media !== video && media !== thumbnail) skip(post, media, media.kind === 'video' ? 'a YouTube upload is one video' : 'the video has one thumbnail (JPEG or PNG up to 50 MB)');
    }
    if (!video) post.errors.push('YouTube needs a video: add one to media (an MP4, e.g. path: media/teaser.mp4)');
    else post.media.push(context.plannedMedia(video, group));
    if (video && thumbnail) {
      post.media.push({ ...context.plannedMedia(thumbnail, group), role: 'thumbnail' });
      post.notes.push(`${thumbnail.name} becomes the thumbnail (YouTube allows custom thumbnails on verified channels only; if refused, the video stays up)`);
    }
    return [post];
  },
});

function checkText(post: PlannedPost, field: string, text: string, textLimit: ReturnType<typeof limit>): void {
  checkLength(post, field, text, textLimit);
  if (youtubeRules.forbiddenCharacters.test(text)) post.errors.push(`${field} contains < or >, which YouTube refuses: rewrite those characters (e.g. ‹ ›)`);
}
