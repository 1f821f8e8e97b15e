import { createHash, randomBytes } from 'node:crypto';
import type { EmulatorContext, EmulatorFactory } from '../../src/sandbox/emulator.js';
import { ApiError, empty, json, type Reply, type SandboxRequest } from '../../src/sandbox/http.js';
import type { ReceivedMedia } from '../../src/sandbox/records.js';
import { sniffImage, sniffVideo } from '../../src/sandbox/sniff.js';
import { tiktokRules } from './index.js';

/**
 * TikTok's Content Posting API as ../shared/platforms/tiktok.md describes it: creator info, video init
 * (FILE_UPLOAD with the chunk rules, PULL_FROM_URL from verified prefixes), chunked PUT with Content-Range,
 * photo posts, status that goes PROCESSING_* → PUBLISH_COMPLETE (or FAILED), per-minute limits, the
 * unaudited-client restriction. Every answer wears TikTok's {data, error} envelope.
 */

export const tiktokSandbox = { token: 'act.sandbox-tiktok-token', openId: 'sandbox-0000-4000-8000-tiktok', username: 'intelektaparks' };

const MB = 1_000_000;
const minChunk = 5 * 1024 * 1024;
const maxChunk = 64 * MB;
const maxLastChunk = 128 * MB;
const hour = 60 * 60 * 1000;

interface Job {
  id: string;
  kind: 'video' | 'photo';
  privacy: string;
  title: string;
  description?: string;
  status: 'PROCESSING_UPLOAD' | 'PROCESSING_DOWNLOAD' | 'PUBLISH_COMPLETE' | 'FAILED';
  failReason?: string;
  failsWith?: string;
  pollsLeft: number;
  size?: number;
  chunkSize?: number;
  chunks?: number;
  received: number;
  hash: ReturnType<typeof createHash>;
  uploadToken?: string;
  uploadExpiresAt?: number;
  pullUrls: string[];
  media: ReceivedMedia[];
  videoType?: string;
  postId?: string;
}

const logId = () => `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}${randomBytes(9).toString('hex').toUpperCase()}`;
const envelope = (status: number, data: unknown, code = 'ok', message = ''): Reply => json(status, { data, error: { code, message, log_id: logId() } });
const fail = (status: number, code: string, message: string): never => {
  throw new ApiError(envelope(status, {}, code, message));
};

export const createTikTokEmulator: EmulatorFactory = (context: EmulatorContext) => {
  const jobs = new Map<string, Job>();
  const windows = new Map<string, number[]>();
  const postsToday: number[] = [];
  let tokenExpired = false;

  function authenticate(request: SandboxRequest): void {
    const token = /^Bearer (.+)$/.exec(request.header('authorization') ?? '')?.[1];
    if (!token || token !== tiktokSandbox.token || tokenExpired) fail(401, 'access_token_invalid', 'The access token is invalid or not found in the request.');
  }

  /** Per-minute limits per user token: init 6, creator_info 20, status 30. */
  function perMinute(endpoint: string, limit: number): void {
    const now = context.now();
    const recent = (windows.get(endpoint) ?? []).filter((at) => at > now - 60_000);
    if (recent.length >= limit) fail(429, 'rate_limit_exceeded', `Too many ${endpoint} requests: at most ${limit} a minute.`);
    windows.set(endpoint, [...recent, now]);
  }

  async function body(request: SandboxRequest): Promise<Record<string, unknown>> {
    authenticate(request);
    if (request.contentType !== 'application/json') fail(400, 'invalid_params', 'The request body must be JSON (Content-Type: application/json; charset=UTF-8).');
    const parsed = await request.json().catch(() => fail(400, 'invalid_params', 'The request body is not valid JSON.'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail(400, 'invalid_params', 'The request body must be a JSON object.');
    return parsed as Record<string, unknown>;
  }

  const privacyOptions = () => (context.options.tiktokAudited ? ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'] : ['SELF_ONLY']);

  function checkPostInfo(info: Record<string, unknown>, maxTitle: number): string {
    const privacy = info.privacy_level;
    if (typeof privacy !== 'string') fail(400, 'invalid_param', 'post_info.privacy_level is required.');
    if (!context.options.tiktokAudited && privacy !== 'SELF_ONLY') fail(403, 'unaudited_client_can_only_post_to_private_accounts', 'An unaudited client can only post with privacy_level SELF_ONLY to a private account.');
    if (!privacyOptions().includes(privacy as string)) fail(403, 'privacy_level_option_mismatch', `privacy_level must be one of ${privacyOptions().join(', ')}.`);
    if (info.title !== undefined && (typeof info.title !== 'string' || info.title.length > maxTitle)) fail(400, 'invalid_param', `post_info.title must be at most ${maxTitle} UTF-16 units.`);
    if (info.brand_content_toggle === true && privacy === 'SELF_ONLY') fail(400, 'invalid_param', 'Branded content cannot be SELF_ONLY.');
    return privacy as string;
  }

  function checkDailyCap(): void {
    const now = context.now();
    while (postsToday.length && postsToday[0]! <= now - 24 * hour) postsToday.shift();
    if (postsToday.length >= 15) fail(403, 'spam_risk_too_many_posts', 'The creator has reached the daily post cap.');
  }

  function verified(url: unknown): url is string {
    return typeof url === 'string' && context.options.tiktokVerifiedPrefixes.some((prefix) => url.startsWith(prefix));
  }

  function newJob(kind: Job['kind'], privacy: string, title: string, prefix: string): Job {
    const job: Job = {
      id: `${prefix}~v2-1.${context.newId()}`,
      kind,
      privacy,
      title,
      status: 'PROCESSING_UPLOAD',
      pollsLeft: context.options.processingPolls,
      received: 0,
      hash: createHash('sha256'),
      pullUrls: [],
      media: [],
      ...(context.faults.take('tiktok', kind === 'video' ? 'video.init' : 'content.init', ['publish-failed']) && { failsWith: 'internal' }),
    };
    jobs.set(job.id, job);
    postsToday.push(context.now());
    return job;
  }

  /** Pulls media the way TikTok does once a job starts, and records what arrived. */
  async function pull(job: Job): Promise<void> {
    for (const url of job.pullUrls) {
      const fetched = await context.fetch(url).catch(() => undefined);
      if (!fetched || fetched.status !== 200) return finish(job, 'FAILED', job.kind === 'photo' ? 'photo_pull_failed' : 'video_pull_failed');
      if (job.kind === 'photo') {
        const image = sniffImage(fetched.bytes);
        if (!image || !tiktokRules.photos.types.includes(image.type)) return finish(job, 'FAILED', 'file_format_check_failed');
        if (fetched.bytes.length > tiktokRules.photos.bytes) return finish(job, 'FAILED', 'picture_size_check_failed');
        job.media.push({ type: image.type, bytes: fetched.bytes.length, sha256: createHash('sha256').update(fetched.bytes).digest('hex'), url });
      } else {
        const type = sniffVideo(fetched.bytes);
        if (!type) return finish(job, 'FAILED', 'file_format_check_failed');
        job.media.push({ type, bytes: fetched.bytes.length, sha256: createHash('sha256').update(fetched.bytes).digest('hex'), url });
      }
    }
    job.pullUrls = [];
  }

  function finish(job: Job, status: 'PUBLISH_COMPLETE' | 'FAILED', failReason?: string): void {
    job.status = status;
    job.failReason = failReason;
    if (status !== 'PUBLISH_COMPLETE') return;
    job.postId = context.newId();
    context.records.add({
      platform: 'tiktok',
      id: job.postId,
      kind: job.kind === 'photo' ? 'photo post' : 'video',
      account: `@${tiktokSandbox.username}`,
      text: job.kind === 'photo' ? (job.description ?? '') : job.title,
      ...(job.kind === 'photo' && { title: job.title }),
      media: job.media,
      published: true,
      privacy: job.privacy,
      createdAt: new Date(context.now()).toISOString(),
      permalink: `https://www.tiktok.com/@${tiktokSandbox.username}/${job.kind === 'photo' ? 'photo' : 'video'}/${job.postId}`,
    });
  }

  return {
    credentials: { IP_POST_TIKTOK_TOKEN: tiktokSandbox.token },
    settings: () => ({ account: `@${tiktokSandbox.username}`, baseUrl: context.baseUrl, privacyLevel: context.options.tiktokAudited ? 'PUBLIC_TO_EVERYONE' : 'SELF_ONLY' }),
    expireToken: (expired = true) => (tokenExpired = expired),

    errorReply(kind, message) {
      const status = { 'bad-request': 400, 'not-found': 404, 'not-allowed': 405, 'too-large': 413, internal: 500 }[kind];
      return envelope(status, {}, kind === 'internal' ? 'internal_error' : 'invalid_params', message);
    },

    faultReply(fault) {
      switch (fault.kind) {
        case 'rate-limit':
          return { ...envelope(429, {}, 'rate_limit_exceeded', 'The API rate limit was exceeded.'), headers: { 'retry-after': String(fault.spec.retryAfter ?? 60) } };
        case 'expired-token':
          return envelope(401, {}, 'access_token_invalid', 'The access token is invalid or not found in the request.');
        default:
          return envelope(fault.spec.status ?? 500, {}, 'internal_error', 'Something went wrong. Please try again later.');
      }
    },

    routes: [
      {
        method: 'POST',
        path: '/v2/post/publish/creator_info/query/',
        name: 'creator_info.query',
        async handle(request) {
          authenticate(request);
          await request.buffer();
          perMinute('creator_info', 20);
          return envelope(200, {
            creator_avatar_url: `${context.mediaUrl}/avatar.jpg`,
            creator_username: tiktokSandbox.username,
            creator_nickname: 'Intelekta parks (sandbox)',
            privacy_level_options: privacyOptions(),
            comment_disabled: false,
            duet_disabled: false,
            stitch_disabled: true,
            max_video_post_duration_sec: 300,
          });
        },
      },
      {
        method: 'POST',
        path: '/v2/post/publish/video/init/',
        name: 'video.init',
        async handle(request) {
          const { post_info: info, source_info: source } = (await body(request)) as { post_info?: Record<string, unknown>; source_info?: Record<string, unknown> };
          perMinute('init', 6);
          if (!info || !source) fail(400, 'invalid_param', 'post_info and source_info are required.');
          const privacy = checkPostInfo(info!, tiktokRules.videoTitleLength);
          checkDailyCap();
          if (source!.source === 'PULL_FROM_URL') {
            if (!verified(source!.video_url)) fail(403, 'url_ownership_unverified', 'The video_url is not on a domain or URL prefix verified for this app.');
            const job = newJob('video', privacy, (info!.title as string | undefined) ?? '', 'v_pub_url');
            job.status = 'PROCESSING_DOWNLOAD';
            job.pullUrls = [source!.video_url as string];
            return envelope(200, { publish_id: job.id });
          }
          if (source!.source !== 'FILE_UPLOAD') fail(400, 'invalid_param', 'source_info.source must be FILE_UPLOAD or PULL_FROM_URL.');
          const size = Number(source!.video_size);
          const chunk = Number(source!.chunk_size);
          const count = Number(source!.total_chunk_count);
          if (![size, chunk, count].every((value) => Number.isInteger(value) && value > 0)) fail(400, 'invalid_param', 'video_size, chunk_size and total_chunk_count must be positive integers.');
          if (size > tiktokRules.video.bytes) fail(400, 'invalid_file_upload', 'The video is larger than 4 GB.');
          if (size < minChunk) {
            if (chunk !== size || count !== 1) fail(400, 'invalid_param', 'A video under 5 MB is uploaded whole: chunk_size = video_size, total_chunk_count = 1.');
          } else {
            if (chunk < minChunk || chunk > maxChunk) fail(400, 'invalid_param', 'chunk_size must be 5 MB to 64 MB.');
            if (count !== Math.floor(size / chunk) || count > 1000) fail(400, 'invalid_param', `total_chunk_count must be floor(video_size / chunk_size) = ${Math.floor(size / chunk)}, at most 1000.`);
            if (size - chunk * (count - 1) > maxLastChunk) fail(400, 'invalid_param', 'The last chunk may be at most 128 MB.');
          }
          const job = newJob('video', privacy, (info!.title as string | undefined) ?? '', 'v_pub_file');
          Object.assign(job, { size, chunkSize: chunk, chunks: count, uploadToken: randomBytes(12).toString('hex'), uploadExpiresAt: context.now() + hour });
          return envelope(200, { publish_id: job.id, upload_url: `${context.baseUrl}/upload/video/?upload_id=${encodeURIComponent(job.id)}&upload_token=${job.uploadToken}` });
        },
      },
      {
        method: 'PUT',
        path: '/upload/video/',
        name: 'video.upload',
        async handle(request) {
          const bytes = await request.buffer();
          const job = jobs.get(request.query.get('upload_id') ?? '');
          if (!job || job.uploadToken !== request.query.get('upload_token')) return envelope(404, {}, 'invalid_params', 'The upload task was not found.');
          if (context.now() > job.uploadExpiresAt!) return envelope(403, {}, 'invalid_params', 'The upload_url has expired.');
          if (!tiktokRules.video.types.includes(request.contentType)) return envelope(400, {}, 'invalid_file_upload', 'Content-Type must be video/mp4, video/quicktime or video/webm.');
          const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(request.header('content-range') ?? '');
          if (!range) return envelope(400, {}, 'invalid_file_upload', 'Content-Range must be bytes FIRST-LAST/TOTAL.');
          const [first, last, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
          const index = Math.round(job.received / job.chunkSize!);
          const expectedLast = index === job.chunks! - 1 ? job.size! - 1 : job.received + job.chunkSize! - 1;
          if (total !== job.size || first !== job.received || last !== expectedLast) {
            return { ...envelope(416, {}, 'invalid_file_upload', `Expected bytes ${job.received}-${expectedLast}/${job.size}.`), headers: { 'content-range': `bytes */${job.size}` } };
          }
          if (bytes.length !== last - first + 1) return envelope(400, {}, 'invalid_file_upload', `Content-Range covers ${last - first + 1} bytes but ${bytes.length} were sent.`);
          if (first === 0) job.videoType = sniffVideo(bytes);
          job.hash.update(bytes);
          job.received += bytes.length;
          if (job.received < job.size!) return empty(206, { 'content-range': `bytes 0-${job.received - 1}/${job.size}` });
          job.media = [{ type: job.videoType ?? request.contentType, bytes: job.size!, sha256: job.hash.digest('hex') }];
          if (!job.videoType) job.failsWith = 'file_format_check_failed';
          return empty(201);
        },
      },
      {
        method: 'POST',
        path: '/v2/post/publish/content/init/',
        name: 'content.init',
        async handle(request) {
          const parsed = await body(request);
          perMinute('init', 6);
          const info = (parsed.post_info ?? {}) as Record<string, unknown>;
          const source = (parsed.source_info ?? {}) as Record<string, unknown>;
          if (parsed.media_type !== 'PHOTO') fail(400, 'invalid_param', 'media_type must be PHOTO.');
          if (parsed.post_mode !== 'DIRECT_POST' && parsed.post_mode !== 'MEDIA_UPLOAD') fail(400, 'invalid_param', 'post_mode must be DIRECT_POST or MEDIA_UPLOAD.');
          const privacy = parsed.post_mode === 'DIRECT_POST' ? checkPostInfo(info, tiktokRules.photoTitleLength) : 'SELF_ONLY';
          if (info.description !== undefined && (typeof info.description !== 'string' || info.description.length > tiktokRules.photoDescriptionLength)) {
            fail(400, 'invalid_param', `post_info.description must be at most ${tiktokRules.photoDescriptionLength} UTF-16 units.`);
          }
          if (source.source !== 'PULL_FROM_URL') fail(400, 'invalid_param', 'Photos can only be posted with source PULL_FROM_URL.');
          const images = source.photo_images;
          if (!Array.isArray(images) || images.length < 1 || images.length > tiktokRules.photos.max) fail(400, 'invalid_param', `photo_images must list 1 to ${tiktokRules.photos.max} URLs.`);
          if (!(images as unknown[]).every(verified)) fail(403, 'url_ownership_unverified', 'Every photo URL must be on a domain or URL prefix verified for this app.');
          const cover = Number(source.photo_cover_index ?? 0);
          if (!Number.isInteger(cover) || cover < 0 || cover >= (images as unknown[]).length) fail(400, 'invalid_param', 'photo_cover_index must point at one of photo_images.');
          checkDailyCap();
          const job = newJob('photo', privacy, (info.title as string | undefined) ?? '', 'p_pub_url');
          job.status = 'PROCESSING_DOWNLOAD';
          job.description = info.description as string | undefined;
          job.pullUrls = images as string[];
          return envelope(200, { publish_id: job.id });
        },
      },
      {
        method: 'POST',
        path: '/v2/post/publish/status/fetch/',
        name: 'status.fetch',
        async handle(request) {
          const { publish_id: id } = await body(request);
          perMinute('status', 30);
          const job = jobs.get(String(id ?? ''));
          if (!job) fail(400, 'invalid_publish_id', 'The publish_id does not exist.');
          if (job!.status === 'PROCESSING_DOWNLOAD' && job!.pullUrls.length) await pull(job!);
          const uploaded = job!.kind === 'video' && job!.received === job!.size;
          const ready = job!.status === 'PROCESSING_DOWNLOAD' ? job!.pullUrls.length === 0 : uploaded;
          if ((job!.status === 'PROCESSING_UPLOAD' || job!.status === 'PROCESSING_DOWNLOAD') && ready) {
            if (job!.pollsLeft > 0) job!.pollsLeft--;
            else if (job!.failsWith) finish(job!, 'FAILED', job!.failsWith);
            else finish(job!, 'PUBLISH_COMPLETE');
          }
          const downloaded = job!.media.reduce((sum, media) => sum + (media.url ? media.bytes : 0), 0);
          return envelope(200, {
            status: job!.status,
            ...(job!.status === 'FAILED' && { fail_reason: job!.failReason }),
            publicaly_available_post_id: job!.status === 'PUBLISH_COMPLETE' && job!.privacy !== 'SELF_ONLY' ? [job!.postId] : [],
            uploaded_bytes: job!.received,
            downloaded_bytes: downloaded,
          });
        },
      },
    ],
  };
};
