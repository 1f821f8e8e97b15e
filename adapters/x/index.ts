import * as v from 'valibot';
import type { Language } from '../../src/announcement/model.js';
import { defineAdapter, type PlanContext, type SettingsOf } from '../../src/plan/adapter.js';
import { checkAltText, checkBytes, checkDuration, checkLength, skip } from '../../src/plan/checks.js';
import type { PlannedPost } from '../../src/plan/types.js';
import { limit, type TextLimit } from '../../src/render/measure.js';
import { splitThread } from '../../src/render/thread.js';
import { envName } from '../../src/validation.js';

/** X's limits and prices (../shared/platforms/x.md §2, §4, §5c, §7). The sandbox enforces the same. */
export const xRules = {
  postLength: 280,
  altTextLength: 1000,
  images: { max: 4, bytes: 5_000_000, types: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] },
  video: { bytes: 512_000_000, minSeconds: 0.5, maxSeconds: 140 },
  /** Pay-per-use prices from 2026-04-20, in US dollars. */
  price: { post: 0.015, postWithLink: 0.2 },
};

const settings = {
  /** Post a numbered thread instead of one shortened post per language (X restricts API replies; each post costs). */
  thread: v.optional(v.boolean(), false),
  appKeyEnv: v.optional(envName, 'IP_POST_X_APP_KEY'),
  appSecretEnv: v.optional(envName, 'IP_POST_X_APP_SECRET'),
  accessTokenEnv: v.optional(envName, 'IP_POST_X_ACCESS_TOKEN'),
  accessSecretEnv: v.optional(envName, 'IP_POST_X_ACCESS_SECRET'),
};
type Settings = SettingsOf<typeof settings>;

export const x = defineAdapter({
  name: 'x',
  label: 'X',
  strategies: ['separate', 'combined'],
  defaults: { languages: 'separate', baseUrl: 'https://api.x.com' },
  settings,
  reminders: true,
  settingsHelp: {
    thread: 'true posts a numbered thread with the whole text; false (default) one post per language, shortened to fit',
    appKeyEnv: 'name the environment variable holding the OAuth 1.0a consumer key',
    appSecretEnv: 'name the environment variable holding the OAuth 1.0a consumer secret',
    accessTokenEnv: 'name the environment variable holding the user access token',
    accessSecretEnv: 'name the environment variable holding the user access token secret',
  },
  async plan(context) {
    const { default: twitterText } = await import('twitter-text');
    const weighted = limit(xRules.postLength, 'weighted characters', (text) => twitterText.parseTweet(text).weightedLength);
    const hasLink = (text: string) => twitterText.extractUrls(text).length > 0;
    return context.groups().map((group) => planPost(context, group, weighted, hasLink));
  },
});

function planPost(context: PlanContext<Settings>, group: Language[], weighted: TextLimit, hasLink: (text: string) => boolean): PlannedPost {
  const locale = context.language(group[0]!).intlLocale;
  const post = context.post(group, { format: 'post', text: '' });

  if (context.settings.thread) {
    const whole = context.compose(group, { limit: weighted, shorten: false }).text;
    const parts = splitThread(whole, weighted, locale);
    if (!parts) {
      post.text = whole;
      post.errors.push('a single word or address is longer than a post; shorten it');
    } else {
      post.text = parts[0]!;
      post.thread = parts;
      post.format = parts.length > 1 ? `thread of ${parts.length} posts` : 'post';
      parts.forEach((part, index) => checkLength(post, `thread[${index}]`, part, weighted));
      if (parts.length > 1) {
        post.warnings.push('X accepts API replies only when summoned (2026 rule); if it refuses the replies, only the first post appears');
      }
    }
  } else {
    const fit = context.compose(group, { limit: weighted });
    post.text = fit.text;
    checkLength(post, 'text', fit.text, weighted);
    for (const code of fit.shortened) {
      if (context.content.platformText.has(code)) post.warnings.push(`overrides.x.text.${code} was shortened to fit ${weighted.max}; shorten it yourself to choose the words`);
      else post.notes.push(`the ${code} text was shortened to fit ${weighted.max} weighted characters (set overrides.x.text.${code} to choose the words)`);
    }
    if (fit.droppedHashtags) post.notes.push(`${fit.droppedHashtags} hashtag(s) left out to make room`);
  }

  const posts = post.thread ?? [post.text];
  const withLink = posts.filter(hasLink).length;
  post.cost = {
    posts: posts.length,
    postsWithLink: withLink,
    usd: Math.round((withLink * xRules.price.postWithLink + (posts.length - withLink) * xRules.price.post) * 1000) / 1000,
    note: `X pay-per-use: $${xRules.price.post} a post, $${xRules.price.postWithLink} with a link`,
  };

  chooseMedia(context, post, group);
  return post;
}

/** Up to four images, or else one video; X does not mix them. */
function chooseMedia(context: PlanContext<Settings>, post: PlannedPost, group: Language[]): void {
  const images = context.media.filter((media) => media.kind === 'image');
  const videos = context.media.filter((media) => media.kind === 'video');
  const chosen = images.length ? images.slice(0, xRules.images.max) : videos.slice(0, 1);
  for (const media of context.media) {
    if (chosen.includes(media)) continue;
    skip(post, media, media.kind === 'video' && images.length ? 'X does not mix images and a video in one post' : `X takes at most ${xRules.images.max} images or one video`);
  }
  for (const media of chosen) {
    post.media.push(context.plannedMedia(media, group));
    if (media.kind === 'image') {
      if (!xRules.images.types.includes(media.type)) post.errors.push(`${media.name} is ${media.type}; X takes JPEG, PNG, GIF or WebP images`);
      checkBytes(post, media, xRules.images.bytes, 'X');
      checkAltText(post, media, group, xRules.altTextLength);
    } else {
      checkBytes(post, media, xRules.video.bytes, 'X');
      checkDuration(post, media, xRules.video.minSeconds, xRules.video.maxSeconds, 'an X video');
    }
  }
}
