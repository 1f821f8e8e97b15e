import type { AxiosInstance } from 'axios';
import { nowMs } from '../../src/clock.js';
import { isNetworkError, PublishError, waitFromHeaders } from '../../src/publish/errors.js';
import type { PublishContext, Publisher } from '../../src/publish/types.js';
import type { PlannedMedia } from '../../src/plan/types.js';

/**
 * Publishing on TikTok (tiktok.md §2–§6): creator info first (the privacy level must be one it offers),
 * then a video by FILE_UPLOAD in the documented chunks, or photos pulled from the media host; then status
 * polls until PUBLISH_COMPLETE. The publish id is recorded at once, so a retry follows that post rather
 * than starting another.
 */

const MB = 1_000_000;
/** Whole up to 64 MB (one chunk); above, 10 MB chunks, the last one taking the rest (≤ 128 MB). */
const wholeUpTo = 64 * MB;
const chunkSize = 10 * MB;

const messages: Record<string, (said: string) => [PublishError['kind'], string]> = {
  access_token_invalid: () => ['auth', 'the TikTok access token is invalid or has expired (they last hours): refresh it and put the new one in IP_POST_TIKTOK_TOKEN'],
  scope_not_authorized: () => ['auth', 'the TikTok token lacks the video.publish scope: authorise the app again with video.publish'],
  scope_permission_missed: () => ['auth', 'the TikTok app has not been granted video.publish in the developer portal'],
  rate_limit_exceeded: () => ['rate-limit', 'TikTok rate limit reached'],
  spam_risk_too_many_posts: () => ['limit', 'TikTok’s daily post limit for this account is reached: try `ip-post retry` tomorrow'],
  spam_risk_user_banned_from_posting: () => ['fatal', 'TikTok has banned this account from posting: see the TikTok app'],
  reached_active_user_cap: () => ['limit', 'the TikTok app has reached its daily number of posting users: try tomorrow'],
  unaudited_client_can_only_post_to_private_accounts: () => ['input', 'TikTok allows this app only private posts until it passes TikTok’s audit: set platforms.tiktok.privacyLevel to SELF_ONLY, or have the app audited'],
  privacy_level_option_mismatch: () => ['input', 'the privacy level is not one this TikTok account offers: choose another platforms.tiktok.privacyLevel (ip-post says which)'],
  url_ownership_unverified: () => ['input', 'TikTok pulls media only from a verified domain: verify the media host’s domain in the TikTok developer portal'],
  invalid_param: (said) => ['input', `TikTok refused the request: ${said}`],
  invalid_params: (said) => ['input', `TikTok refused the request: ${said}`],
  invalid_file_upload: (said) => ['input', `TikTok refused the file: ${said}`],
  internal_error: () => ['retry', 'TikTok had a server error'],
};

const failReasons: Record<string, string> = {
  file_format_check_failed: 'TikTok cannot read the file: use MP4 (H.264) for videos, JPEG or WebP for photos',
  duration_check_failed: 'the video is too long or too short for this TikTok account',
  frame_rate_check_failed: 'TikTok takes videos of 23 to 60 frames per second',
  picture_size_check_failed: 'a photo is too large for TikTok (at most 1080p and 20 MB)',
  video_pull_failed: 'TikTok could not fetch the video from the media host: it must be public and on the verified domain',
  photo_pull_failed: 'TikTok could not fetch a photo from the media host: it must be public and on the verified domain',
  publish_cancelled: 'the TikTok post was cancelled',
  auth_removed: 'the TikTok account removed the app’s access: authorise it again',
  spam_risk_too_many_posts: 'TikTok’s daily post limit for this account is reached: try tomorrow',
  spam_risk_user_banned_from_posting: 'TikTok has banned this account from posting',
  spam_risk: 'TikTok held the post back as possible spam',
  internal: 'TikTok failed to publish it (an internal error): `ip-post retry` tries again',
};

export const publisher: Publisher = {
  classify(error) {
    if (error instanceof PublishError) return error;
    const response = (error as { response?: { status: number; data?: { error?: { code?: string; message?: string } }; headers?: Record<string, unknown> } }).response;
    if (!response) return isNetworkError(error) ? new PublishError('unknown-outcome', `no answer from TikTok (${(error as Error).message})`) : new PublishError('fatal', `TikTok: ${(error as Error).message}`);
    const code = response.data?.error?.code;
    const said = response.data?.error?.message || `HTTP ${response.status}`;
    const known = code ? messages[code] : undefined;
    if (known) {
      const [kind, message] = known(said);
      return new PublishError(kind, message, code, kind === 'rate-limit' ? (waitFromHeaders(response.headers) ?? 60_000) : undefined);
    }
    if (response.status >= 500) return new PublishError('retry', `TikTok had a server error (${response.status})`, code ?? String(response.status));
    return new PublishError('input', `TikTok refused the request: ${said}`, code ?? String(response.status));
  },

  async publish(context) {
    const { default: axios } = await import('axios');
    const api = axios.create({
      baseURL: context.settings.baseUrl.replace(/\/+$/, ''),
      timeout: context.timeoutMs,
      headers: { authorization: `Bearer ${context.secret('accessTokenEnv')}`, 'content-type': 'application/json; charset=UTF-8' },
      maxBodyLength: Number.POSITIVE_INFINITY,
    });
    let publishId = context.progress.publishId as string | undefined;
    if (!publishId || context.progress.uploaded === false) {
      const { data } = await context.call('creator_info', () => api.post('/v2/post/publish/creator_info/query/', {}));
      const creator = data.data as { creator_username: string; privacy_level_options: string[]; comment_disabled: boolean; duet_disabled: boolean; stitch_disabled: boolean };
      context.remember('username', creator.creator_username);
      const privacy = privacyLevel(context, creator.privacy_level_options);
      const video = context.post.media.find((media) => media.kind === 'video');
      publishId = video ? await uploadVideo(context, api, video, privacy, creator) : await pullPhotos(context, api, privacy, creator);
    }
    return follow(context, api, publishId);
  },
};

function privacyLevel(context: PublishContext, offered: string[]): string {
  const chosen = context.settings.privacyLevel;
  if (typeof chosen !== 'string') throw new PublishError('input', `choose who sees TikTok posts: set platforms.tiktok.privacyLevel to one of ${offered.join(', ')}`);
  if (!offered.includes(chosen)) {
    if (offered.length === 1 && offered[0] === 'SELF_ONLY') throw new PublishError('input', 'TikTok allows this app only private posts until it passes TikTok’s audit: set platforms.tiktok.privacyLevel to SELF_ONLY, or have the app audited', 'unaudited');
    throw new PublishError('input', `this TikTok account offers ${offered.join(', ')}, not ${chosen}: change platforms.tiktok.privacyLevel`, 'privacy_level_option_mismatch');
  }
  return chosen;
}

interface Upload {
  publishId: string;
  url: string;
  size: number;
  chunk: number;
  count: number;
  chunksDone: number;
  startedAt: number;
}

/**
 * FILE_UPLOAD: init (nothing is posted until the bytes arrive, so it may be repeated), then the chunks in
 * order; the chunks sent are recorded, so a retry within the upload address's hour continues there.
 */
async function uploadVideo(context: PublishContext, api: AxiosInstance, video: PlannedMedia, privacy: string, creator: { comment_disabled: boolean; duet_disabled: boolean; stitch_disabled: boolean }): Promise<string> {
  const saved = context.progress.upload as Upload | undefined;
  const upload = saved && nowMs() - saved.startedAt < 50 * 60 * 1000 ? saved : await initVideo(context, api, video, privacy, creator);
  const { default: axios } = await import('axios');
  context.step(`uploading ${video.source}`);
  for (let index = upload.chunksDone; index < upload.count; index++) {
    const first = index * upload.chunk;
    const last = index === upload.count - 1 ? upload.size - 1 : first + upload.chunk - 1;
    // 416 for a chunk sent before a crash or a lost answer: TikTok already has it; go on with the next.
    await context.call(`video.chunk:${index}`, async () =>
      axios.put(upload.url, await context.media.stream(video, first, last + 1), {
        headers: { 'content-type': video.type, 'content-length': String(last - first + 1), 'content-range': `bytes ${first}-${last}/${upload.size}` },
        timeout: context.timeoutMs,
        maxBodyLength: Number.POSITIVE_INFINITY,
        validateStatus: (status) => status === 201 || status === 206 || status === 416,
      }),
    );
    upload.chunksDone = index + 1;
    context.remember('upload', upload);
    context.sent(last + 1, upload.size);
  }
  context.remember('uploaded', true);
  return upload.publishId;
}

async function initVideo(context: PublishContext, api: AxiosInstance, video: PlannedMedia, privacy: string, creator: { comment_disabled: boolean; duet_disabled: boolean; stitch_disabled: boolean }): Promise<Upload> {
  const size = await context.media.size(video);
  const chunk = size <= wholeUpTo ? size : chunkSize;
  const count = size <= wholeUpTo ? 1 : Math.floor(size / chunk);
  context.step('asking TikTok for an upload address');
  const { data } = await context.call('video.init', () =>
    api.post('/v2/post/publish/video/init/', {
      post_info: {
        title: context.post.text,
        privacy_level: privacy,
        disable_comment: Boolean(context.settings.disableComment) || creator.comment_disabled,
        disable_duet: Boolean(context.settings.disableDuet) || creator.duet_disabled,
        disable_stitch: Boolean(context.settings.disableStitch) || creator.stitch_disabled,
        brand_content_toggle: false,
        brand_organic_toggle: false,
      },
      source_info: { source: 'FILE_UPLOAD', video_size: size, chunk_size: chunk, total_chunk_count: count },
    }),
  );
  const upload: Upload = { publishId: data.data.publish_id, url: data.data.upload_url, size, chunk, count, chunksDone: 0, startedAt: nowMs() };
  context.remember('publishId', upload.publishId);
  context.remember('uploaded', false);
  context.remember('upload', upload);
  return upload;
}

/** Photos: TikTok pulls them itself, so once it has the publish id a repeat would post twice: never repeated blindly. */
async function pullPhotos(context: PublishContext, api: AxiosInstance, privacy: string, creator: { comment_disabled: boolean }): Promise<string> {
  const photos = context.post.media.filter((media) => media.kind === 'image');
  if (photos.length === 0) throw new PublishError('input', 'TikTok needs a video, or photos from the media host');
  const urls: string[] = [];
  for (const photo of photos) {
    context.step(`putting ${photo.source} on the media host`);
    urls.push(await context.media.publicUrl(photo));
  }
  context.step('asking TikTok to fetch the photos');
  const publishId = await context.call(
    'photo.init',
    async () =>
      (
        await api.post('/v2/post/publish/content/init/', {
          media_type: 'PHOTO',
          post_mode: 'DIRECT_POST',
          post_info: { title: context.post.title ?? '', description: context.post.text, privacy_level: privacy, disable_comment: Boolean(context.settings.disableComment) || creator.comment_disabled, auto_add_music: true },
          source_info: { source: 'PULL_FROM_URL', photo_images: urls, photo_cover_index: 0 },
        })
      ).data.data.publish_id as string,
    { changes: true },
  );
  context.remember('publishId', publishId);
  context.remember('uploaded', true);
  return publishId;
}

/** Polls the publish until TikTok says it is out, or why not. */
async function follow(context: PublishContext, api: AxiosInstance, publishId: string) {
  for (let polls = 0; ; polls++) {
    const { data } = await context.call('status', () => api.post('/v2/post/publish/status/fetch/', { publish_id: publishId }));
    const status = data.data as { status: string; fail_reason?: string; publicaly_available_post_id?: (string | number)[] };
    if (status.status === 'PUBLISH_COMPLETE' || status.status === 'SEND_TO_USER_INBOX') {
      const postId = status.publicaly_available_post_id?.[0];
      const username = String(context.progress.username ?? String(context.settings.account ?? '').replace(/^@/, ''));
      const kind = context.post.format === 'photo post' ? 'photo' : 'video';
      return { id: postId === undefined ? publishId : String(postId), url: postId === undefined ? `https://www.tiktok.com/@${username}` : `https://www.tiktok.com/@${username}/${kind}/${postId}` };
    }
    if (status.status === 'FAILED') {
      context.remember('publishId', null);
      context.remember('upload', null);
      throw new PublishError(status.fail_reason === 'internal' ? 'retry' : 'input', failReasons[status.fail_reason ?? ''] ?? `TikTok could not publish it (${status.fail_reason})`, status.fail_reason);
    }
    if (polls >= 200) throw new PublishError('unknown-outcome', 'TikTok is still processing the post: look in the TikTok app, then `ip-post retry`');
    context.step(status.status === 'PROCESSING_DOWNLOAD' ? 'TikTok is fetching the media' : 'TikTok is processing the video');
    await context.pause(5000);
  }
}
