import * as v from 'valibot';
import type { Language } from '../../src/announcement/model.js';
import type { InspectedMedia } from '../../src/media.js';
import { defineAdapter, type PlanContext, type SettingsOf } from '../../src/plan/adapter.js';
import { checkAltText, checkBytes, checkDuration, checkLength, countHashtags, countMentions, skip } from '../../src/plan/checks.js';
import type { PlannedPost } from '../../src/plan/types.js';
import { limit, utf16Units } from '../../src/render/measure.js';
import { envName } from '../../src/validation.js';

/** Instagram content publishing limits (../shared/platforms/instagram.md §2a, §5). */
export const instagramRules = {
  captionLength: 2200,
  hashtags: 30,
  mentions: 20,
  altTextLength: 1000,
  image: { bytes: 8 * 1024 * 1024, type: 'image/jpeg', minAspect: 0.8, maxAspect: 1.91 },
  reel: { bytes: 300_000_000, minSeconds: 3, maxSeconds: 15 * 60 },
  carousel: { min: 2, max: 10, videoBytes: 100_000_000, videoMinSeconds: 3, videoMaxSeconds: 60 },
};

const settings = {
  userId: v.optional(v.string()),
  apiVersion: v.optional(v.pipe(v.string(), v.regex(/^v\d+\.\d+$/, 'must look like v25.0')), 'v25.0'),
  accessTokenEnv: v.optional(envName, 'IP_POST_INSTAGRAM_TOKEN'),
};
type Settings = SettingsOf<typeof settings>;

export const instagram = defineAdapter({
  name: 'instagram',
  label: 'Instagram',
  strategies: ['combined', 'separate'],
  defaults: { languages: 'combined', baseUrl: 'https://graph.facebook.com', uploadBaseUrl: 'https://rupload.facebook.com' },
  settings,
  reminders: true,
  settingsHelp: {
    userId: 'write the Instagram professional account id, e.g. "17841400000000000"',
    apiVersion: 'write the Graph API version, e.g. v25.0',
    accessTokenEnv: 'name the environment variable holding the access token',
  },
  plan(context) {
    // Meta counts "characters" without saying which; UTF-16 units are never fewer, so a caption that passes here passes there.
    const caption = limit(instagramRules.captionLength, 'characters', utf16Units);
    return context.groups().map((group) => {
      const fit = context.compose(group, { limit: caption });
      const post = context.post(group, { format: 'image post', text: fit.text });
      checkLength(post, 'text', fit.text, caption);
      if (fit.shortened.length) post.warnings.push(`the ${fit.shortened.join(', ')} text was shortened to fit ${caption.max} characters`);
      if (fit.droppedHashtags) post.warnings.push(`${fit.droppedHashtags} hashtag(s) left out to fit ${caption.max} characters`);
      const hashtags = countHashtags(fit.text);
      if (hashtags > instagramRules.hashtags) post.errors.push(`the caption has ${hashtags} hashtags; Instagram allows ${instagramRules.hashtags}: remove some (hashtags or overrides.instagram.hashtags)`);
      const mentions = countMentions(fit.text);
      if (mentions > instagramRules.mentions) post.errors.push(`the caption has ${mentions} @-mentions; Instagram allows ${instagramRules.mentions}`);
      if (!context.settings.userId && context.configured) post.warnings.push('set platforms.instagram.userId before publishing');
      planMedia(context, post, group);
      return post;
    });
  },
});

function planMedia(context: PlanContext<Settings>, post: PlannedPost, group: Language[]): void {
  const usable = context.media.slice(0, instagramRules.carousel.max);
  for (const media of context.media.slice(instagramRules.carousel.max)) skip(post, media, `a carousel holds at most ${instagramRules.carousel.max} items`);
  if (usable.length === 0) {
    post.errors.push('Instagram needs an image or a video: add one to media');
    return;
  }
  const carousel = usable.length > 1;
  post.format = carousel ? `carousel of ${usable.length}` : usable[0]!.kind === 'video' ? 'reel' : 'image post';
  for (const media of usable) {
    if (media.kind === 'image') planImage(context, post, group, media);
    else planVideo(context, post, group, media, carousel);
  }
}

/** Instagram fetches images itself from a public address, and takes only JPEG. */
function planImage(context: PlanContext<Settings>, post: PlannedPost, group: Language[], media: InspectedMedia): void {
  const planned = context.plannedMedia(media, group, { publicUrl: true, convertTo: instagramRules.image.type });
  post.media.push(planned);
  if (planned.convertTo) {
    if (media.ref.url) post.errors.push(`${media.name} is ${media.type}; Instagram takes only JPEG: give a .jpg address, or download the file and give path: so ip-post can convert it`);
    else post.warnings.push(`${media.name} is ${media.type.replace('image/', '').toUpperCase()}; Instagram takes only JPEG, so ip-post converts it to JPEG when publishing`);
  }
  if (!planned.publicUrl) post.warnings.push(`Instagram fetches images from a public address: set mediaHost.publicUrl in config so ${media.name} can be served (the sandbox is one)`);
  checkBytes(post, media, instagramRules.image.bytes, 'Instagram');
  if (media.width && media.height) {
    const aspect = media.width / media.height;
    if (aspect < instagramRules.image.minAspect || aspect > instagramRules.image.maxAspect) {
      post.errors.push(`${media.name} is ${media.width}×${media.height}; Instagram takes images from 4:5 (portrait) to 1.91:1 (landscape): crop it`);
    }
  }
  checkAltText(post, media, group, instagramRules.altTextLength);
}

/** Videos go up by Instagram's resumable upload, so they need no public address. */
function planVideo(context: PlanContext<Settings>, post: PlannedPost, group: Language[], media: InspectedMedia, inCarousel: boolean): void {
  post.media.push(context.plannedMedia(media, group));
  if (media.type !== 'video/mp4' && media.type !== 'video/quicktime') post.errors.push(`${media.name} is ${media.type}; Instagram takes MP4 or MOV videos`);
  if (inCarousel) {
    checkBytes(post, media, instagramRules.carousel.videoBytes, 'an Instagram carousel video');
    checkDuration(post, media, instagramRules.carousel.videoMinSeconds, instagramRules.carousel.videoMaxSeconds, 'a carousel video');
  } else {
    checkBytes(post, media, instagramRules.reel.bytes, 'an Instagram reel');
    checkDuration(post, media, instagramRules.reel.minSeconds, instagramRules.reel.maxSeconds, 'a reel');
  }
}
