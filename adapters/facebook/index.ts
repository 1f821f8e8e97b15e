import * as v from 'valibot';
import { defineAdapter } from '../../src/plan/adapter.js';
import { checkAltText, checkBytes, checkLength, skip } from '../../src/plan/checks.js';
import { codePoints, limit } from '../../src/render/measure.js';
import { envName } from '../../src/validation.js';

/** Facebook Page limits (../shared/platforms/facebook.md §3–§5). */
export const facebookRules = {
  /** Not in Meta's reference; the figure everyone quotes. Checked so nothing is silently cut. */
  messageLength: 63_206,
  photos: { max: 10, bytes: 10_000_000, types: ['image/jpeg', 'image/png', 'image/gif', 'image/bmp', 'image/tiff'] },
};

const settings = {
  pageId: v.optional(v.string()),
  apiVersion: v.optional(v.pipe(v.string(), v.regex(/^v\d+\.\d+$/, 'must look like v25.0')), 'v25.0'),
  accessTokenEnv: v.optional(envName, 'IP_POST_FACEBOOK_TOKEN'),
};

export const facebook = defineAdapter({
  name: 'facebook',
  label: 'Facebook',
  strategies: ['combined', 'separate'],
  defaults: { languages: 'combined', baseUrl: 'https://graph.facebook.com', uploadBaseUrl: 'https://graph-video.facebook.com' },
  settings,
  // facebook.md §3: 10 minutes to 30 days ahead; a minute's margin each way for the time the request takes.
  nativeScheduling: { minAheadMs: 11 * 60_000, maxAheadMs: 30 * 24 * 3600_000 - 60 * 60_000, window: 'from 10 minutes to 30 days ahead' },
  reminders: true,
  settingsHelp: {
    pageId: 'write the Page id (a number, as text), e.g. "1234567890"',
    apiVersion: 'write the Graph API version, e.g. v25.0',
    accessTokenEnv: 'name the environment variable holding the Page access token',
  },
  plan(context) {
    const message = limit(facebookRules.messageLength, 'characters', codePoints);
    return context.groups().map((group) => {
      const fit = context.compose(group, { limit: message, shorten: false });
      const post = context.post(group, { format: 'text post', text: fit.text });
      checkLength(post, 'text', fit.text, message);
      if (!context.settings.pageId && context.configured) post.warnings.push('set platforms.facebook.pageId before publishing');

      // A Page post carries photos or one video, not both: the photos win, they show the event best.
      const images = context.media.filter((media) => media.kind === 'image');
      const videos = context.media.filter((media) => media.kind === 'video');
      const chosen = images.length ? images.slice(0, facebookRules.photos.max) : videos.slice(0, 1);
      for (const media of context.media) {
        if (!chosen.includes(media)) skip(post, media, images.length ? 'a Page post carries photos or one video, not both' : 'a Page post carries one video');
      }
      for (const media of chosen) {
        post.media.push(context.plannedMedia(media, group));
        if (media.kind === 'image') {
          if (!facebookRules.photos.types.includes(media.type)) post.errors.push(`${media.name} is ${media.type}; Facebook takes JPEG, PNG, GIF, BMP or TIFF photos`);
          checkBytes(post, media, facebookRules.photos.bytes, 'a Facebook photo');
          checkAltText(post, media, group);
        }
      }
      post.format = chosen.length === 0 ? (context.content.event.url ? 'link post' : 'text post') : chosen[0]!.kind === 'video' ? 'video post' : chosen.length > 1 ? `multi-photo post (${chosen.length} photos)` : 'photo post';
      if (chosen.length === 0 && context.content.event.url) post.link = context.content.event.url;
      return post;
    });
  },
});
