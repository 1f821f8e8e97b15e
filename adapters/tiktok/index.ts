import * as v from 'valibot';
import type { Language } from '../../src/announcement/model.js';
import type { InspectedMedia } from '../../src/media.js';
import { defineAdapter, type PlanContext, type SettingsOf } from '../../src/plan/adapter.js';
import { checkBytes, checkDuration, checkLength, skip } from '../../src/plan/checks.js';
import { fitToLimit } from '../../src/render/fit.js';
import type { PlannedPost } from '../../src/plan/types.js';
import { limit, utf16Units } from '../../src/render/measure.js';
import { envName } from '../../src/validation.js';

/** TikTok Content Posting API limits (../shared/platforms/tiktok.md §3–§5). */
export const tiktokRules = {
  videoTitleLength: 2200,
  photoTitleLength: 90,
  photoDescriptionLength: 4000,
  video: { bytes: 4_000_000_000, maxSeconds: 600, minFps: 23, maxFps: 60, minSide: 360, maxSide: 4096, types: ['video/mp4', 'video/quicktime', 'video/webm'] },
  photos: { max: 35, bytes: 20_000_000, types: ['image/jpeg', 'image/webp'] },
  privacyLevels: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY'] as const,
};

const settings = {
  /** TikTok requires the creator to choose it; there is deliberately no default. */
  privacyLevel: v.optional(v.picklist(tiktokRules.privacyLevels)),
  disableComment: v.optional(v.boolean(), false),
  disableDuet: v.optional(v.boolean(), false),
  disableStitch: v.optional(v.boolean(), false),
  accessTokenEnv: v.optional(envName, 'IP_POST_TIKTOK_TOKEN'),
};
type Settings = SettingsOf<typeof settings>;

export const tiktok = defineAdapter({
  name: 'tiktok',
  label: 'TikTok',
  strategies: ['combined', 'separate'],
  defaults: { languages: 'combined', baseUrl: 'https://open.tiktokapis.com' },
  settings,
  // A reminder would be the same video posted again.
  reminders: false,
  settingsHelp: {
    privacyLevel: `choose who sees the posts: ${tiktokRules.privacyLevels.join(', ')} (it must be one the account offers)`,
    disableComment: 'true turns comments off',
    disableDuet: 'true turns duets off',
    disableStitch: 'true turns stitches off',
    accessTokenEnv: 'name the environment variable holding the user access token',
  },
  plan(context) {
    return context.groups().map((group) => {
      const video = context.media.find((media) => media.kind === 'video');
      const post = video ? planVideoPost(context, group, video) : planPhotoPost(context, group);
      if (context.configured && !context.settings.privacyLevel) {
        post.warnings.push(`choose platforms.tiktok.privacyLevel (${tiktokRules.privacyLevels.join(', ')}): TikTok wants the creator to pick it`);
      }
      return post;
    });
  },
});

function planVideoPost(context: PlanContext<Settings>, group: Language[], video: InspectedMedia): PlannedPost {
  const caption = limit(tiktokRules.videoTitleLength, 'characters', utf16Units);
  const fit = context.compose(group, { limit: caption });
  const post = context.post(group, { format: 'video', text: fit.text });
  checkLength(post, 'text', fit.text, caption);
  if (fit.shortened.length) post.warnings.push(`the ${fit.shortened.join(', ')} text was shortened to fit ${caption.max} characters`);
  for (const media of context.media) if (media !== video) skip(post, media, 'a TikTok video post carries the video alone');
  post.media.push(context.plannedMedia(video, group));
  const rules = tiktokRules.video;
  if (!rules.types.includes(video.type)) post.errors.push(`${video.name} is ${video.type}; TikTok takes MP4, MOV or WebM`);
  checkBytes(post, video, rules.bytes, 'TikTok');
  checkDuration(post, video, 0, rules.maxSeconds, 'a TikTok video');
  if (video.framesPerSecond && (video.framesPerSecond < rules.minFps || video.framesPerSecond > rules.maxFps)) {
    post.errors.push(`${video.name} has ${video.framesPerSecond} frames per second; TikTok takes ${rules.minFps}–${rules.maxFps}`);
  }
  for (const side of [video.width, video.height]) {
    if (side !== undefined && (side < rules.minSide || side > rules.maxSide)) {
      post.errors.push(`${video.name} is ${video.width}×${video.height}; TikTok takes ${rules.minSide}–${rules.maxSide} pixels a side`);
      break;
    }
  }
  return post;
}

/** Without a video TikTok can post photos, but only pulled from a public address on a domain verified with TikTok. */
function planPhotoPost(context: PlanContext<Settings>, group: Language[]): PlannedPost {
  const description = limit(tiktokRules.photoDescriptionLength, 'characters', utf16Units);
  const titleLimit = limit(tiktokRules.photoTitleLength, 'characters', utf16Units);
  const { title, languages: titled } = photoTitle(context, group, titleLimit);
  // A language whose title is in the title field does not repeat it in the description.
  const fit = context.compose(group, { limit: description, extra: (code) => ({ titleShown: titled.includes(code) }) });
  const post = context.post(group, { format: 'photo post', text: fit.text, title });
  checkLength(post, 'title', title, titleLimit);
  checkLength(post, 'text', fit.text, description);
  if (fit.shortened.length) post.warnings.push(`the ${fit.shortened.join(', ')} text was shortened to fit ${description.max} characters`);

  const photos = context.media.filter((media) => media.kind === 'image').slice(0, tiktokRules.photos.max);
  if (photos.length === 0) {
    post.format = 'video or photos needed';
    post.errors.push('TikTok needs a video, or photos that TikTok fetches from a public address: add a video to media (MP4), or an image and a media host');
    return post;
  }
  for (const media of context.media) if (!photos.includes(media)) skip(post, media, `a photo post carries at most ${tiktokRules.photos.max} photos`);
  for (const media of photos) {
    const planned = context.plannedMedia(media, group, { publicUrl: true, convertTo: tiktokRules.photos.types.includes(media.type) ? media.type : 'image/jpeg' });
    post.media.push(planned);
    if (planned.convertTo) post.warnings.push(`${media.name} is ${media.type.replace('image/', '').toUpperCase()}; TikTok photos must be JPEG or WebP, so ip-post converts it to JPEG when publishing`);
    checkBytes(post, media, tiktokRules.photos.bytes, 'a TikTok photo');
  }
  if (post.media.some((media) => !media.publicUrl)) {
    post.warnings.push('TikTok has no video here, so this is a photo post: TikTok pulls photos from a public address on a domain verified in its developer portal. Set mediaHost.publicUrl in config (the sandbox is one), or add a video to media');
  } else {
    post.notes.push('TikTok pulls the photos from the media host: its domain must be verified in the TikTok developer portal');
  }
  return post;
}

/**
 * A photo post has a short title field: every language's title joined with " / " when they fit,
 * else the first language's title, cut at a word if needed.
 */
function photoTitle(context: PlanContext<Settings>, group: Language[], titleLimit: ReturnType<typeof limit>): { title: string; languages: Language[] } {
  const titles = group.map((code) => context.content.event.title[code]!);
  const joined = titles.join(' / ');
  if (titleLimit.measure(joined) <= titleLimit.max) return { title: joined, languages: group };
  const code = group[0]!;
  const fit = fitToLimit({
    texts: { [code]: titles[0]! },
    locales: { [code]: context.language(code).intlLocale },
    noEndWords: { [code]: context.language(code).noEndWords },
    hashtags: 0,
    limit: titleLimit,
    render: (texts) => texts[code]!,
  });
  return { title: fit.text, languages: fit.shortened.length ? [] : [code] };
}
