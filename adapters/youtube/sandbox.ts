import { createHash } from 'node:crypto';
import type { EmulatorContext, EmulatorFactory } from '../../src/sandbox/emulator.js';
import { ApiError, empty, json, type Reply, type SandboxRequest } from '../../src/sandbox/http.js';
import type { PublishedPost } from '../../src/sandbox/records.js';
import { sniffImage } from '../../src/sandbox/sniff.js';
import { tagsLength, youtubeRules } from './index.js';

/**
 * YouTube Data API v3 as ../shared/platforms/youtube.md describes it: videos.insert (multipart and the
 * resumable protocol with 308 Resume Incomplete), snippet/status/localizations validation, thumbnails.set,
 * videos.list with processing, videos.update, scheduled publishing (status.publishAt, by the sandbox's clock),
 * quota per Pacific day, and the OAuth token endpoint the client refreshes at.
 */

export const youtubeSandboxCredentials = {
  clientId: 'sandbox-youtube-client-id.apps.googleusercontent.com',
  clientSecret: 'sandbox-youtube-client-secret',
  refreshToken: '1//sandbox-youtube-refresh-token',
};

const chunkUnit = 262_144;
const categories = ['1', '2', '10', '15', '17', '19', '20', '22', '23', '24', '25', '26', '27', '28', '29'];
const knownParts = ['snippet', 'status', 'localizations', 'recordingDetails', 'contentDetails', 'statistics', 'processingDetails', 'id', 'player', 'topicDetails', 'fileDetails', 'suggestions'];
const insertableParts = ['snippet', 'status', 'localizations', 'recordingDetails'];
const unitCost: Record<string, number> = { 'videos.list': 1, 'videos.update': 50, 'videos.delete': 50, 'thumbnails.set': 50, 'videoCategories.list': 1, 'i18nLanguages.list': 1 };

const googleError = (code: number, reason: string, message: string, extra: Record<string, string> = {}): Reply => {
  const status = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' }[code];
  const domain = reason === 'quotaExceeded' ? 'youtube.quota' : ['authError', 'insufficientPermissions', 'backendError', 'internalError', 'rateLimitExceeded'].includes(reason) ? 'global' : 'youtube.video';
  return json(code, { error: { code, message, errors: [{ message, domain, reason, ...extra }], ...(status && { status }) } });
};
const fail = (reply: Reply): never => {
  throw new ApiError(reply);
};

interface Video {
  id: string;
  snippet: Record<string, unknown>;
  status: Record<string, unknown>;
  localizations?: Record<string, { title: string; description?: string }>;
  pollsLeft: number;
  /** Once a video has been public it can no longer be scheduled. */
  everPublic: boolean;
  post: PublishedPost;
}

interface Session {
  id: string;
  metadata: Record<string, unknown>;
  parts: string[];
  total?: number;
  type: string;
  received: number;
  hash: ReturnType<typeof createHash>;
  video?: Video;
  createdAt: number;
}

export const createYouTubeEmulator: EmulatorFactory = (context: EmulatorContext) => {
  const videos = new Map<string, Video>();
  const sessions = new Map<string, Session>();
  const accessTokens = new Map<string, number>();
  const quota = { day: '', uploads: 0, units: 0 };
  let issued = 0;

  const pacificDay = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles' }).format(context.now());

  /** Every request costs: uploads from their own daily bucket, everything else in units. */
  function charge(endpoint: string): void {
    if (quota.day !== pacificDay()) Object.assign(quota, { day: pacificDay(), uploads: 0, units: 0 });
    const exceeded = () =>
      fail(googleError(403, 'quotaExceeded', 'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.'));
    if (endpoint === 'videos.insert') {
      if (quota.uploads >= context.options.youtubeUploadsPerDay) exceeded();
      quota.uploads++;
    } else {
      const cost = unitCost[endpoint] ?? 1;
      if (quota.units + cost > context.options.youtubeUnitsPerDay) exceeded();
      quota.units += cost;
    }
  }

  function authenticate(request: SandboxRequest): void {
    const token = /^Bearer (.+)$/.exec(request.header('authorization') ?? '')?.[1];
    const expiresAt = token ? accessTokens.get(token) : undefined;
    if (!expiresAt || expiresAt <= context.now()) {
      fail(googleError(401, 'authError', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', { location: 'Authorization', locationType: 'header' }));
    }
  }

  function partsOf(request: SandboxRequest, allowed: string[]): string[] {
    const parts = request.query.getAll('part').flatMap((value) => value.split(',')).map((part) => part.trim()).filter(Boolean);
    if (parts.length === 0) fail(googleError(400, 'required', "Required parameter: part", { location: 'part', locationType: 'parameter' }));
    for (const part of parts) {
      if (!knownParts.includes(part)) fail(googleError(400, 'unknownPart', `'${part}'`, { location: 'part', locationType: 'parameter' }));
      if (!allowed.includes(part)) fail(googleError(400, 'unexpectedPart', `'${part}'`, { location: 'part', locationType: 'parameter' }));
    }
    return parts;
  }

  /** The documented rules for a video resource (youtube.md §2). */
  function validateResource(resource: Record<string, unknown>, parts: string[]): void {
    const snippet = (resource.snippet ?? {}) as Record<string, unknown>;
    const status = (resource.status ?? {}) as Record<string, unknown>;
    const localizations = resource.localizations as Record<string, Record<string, unknown>> | undefined;
    const titleOk = (title: unknown) => typeof title === 'string' && title.trim().length > 0 && [...title].length <= youtubeRules.titleLength && !youtubeRules.forbiddenCharacters.test(title);
    const descriptionOk = (text: unknown) => text === undefined || (typeof text === 'string' && Buffer.byteLength(text) <= youtubeRules.descriptionBytes && !youtubeRules.forbiddenCharacters.test(text));
    if (!parts.includes('snippet') || !titleOk(snippet.title)) fail(googleError(400, 'invalidTitle', 'The request metadata specifies an invalid or empty video title.'));
    if (!descriptionOk(snippet.description)) fail(googleError(400, 'invalidDescription', 'The request metadata specifies an invalid video description.'));
    if (snippet.tags !== undefined && (!Array.isArray(snippet.tags) || tagsLength(snippet.tags as string[]) > youtubeRules.tagsLength)) {
      fail(googleError(400, 'invalidTags', 'The request metadata specifies invalid video keywords.'));
    }
    if (snippet.categoryId !== undefined && !categories.includes(String(snippet.categoryId))) fail(googleError(400, 'invalidCategoryId', 'The snippet.categoryId property specifies an invalid category ID.'));
    if (localizations !== undefined) {
      if (!parts.includes('localizations')) fail(googleError(400, 'invalidVideoMetadata', 'localizations were sent without part=localizations.'));
      if (!snippet.defaultLanguage) fail(googleError(400, 'defaultLanguageNotSet', 'The request is trying to add localized video details without specifying the default language of the video details.'));
      for (const localization of Object.values(localizations)) {
        if (!titleOk(localization.title)) fail(googleError(400, 'invalidTitle', 'A localization specifies an invalid or empty video title.'));
        if (!descriptionOk(localization.description)) fail(googleError(400, 'invalidDescription', 'A localization specifies an invalid video description.'));
      }
    }
    const privacy = status.privacyStatus ?? 'public';
    if (!['public', 'unlisted', 'private'].includes(String(privacy))) fail(googleError(400, 'invalidVideoMetadata', 'status.privacyStatus must be public, unlisted or private.'));
    if (publishAtOf(status) !== undefined) {
      if (privacy !== 'private') fail(googleError(400, 'invalidPublishAt', 'The request metadata specifies an invalid scheduled publishing time: it needs privacyStatus private.'));
      if (typeof status.publishAt !== 'string' || Number.isNaN(Date.parse(status.publishAt))) fail(googleError(400, 'invalidPublishAt', 'The request metadata specifies an invalid scheduled publishing time.'));
    }
  }

  /**
   * The status part from what a request sent, which replaces all of it: properties left out take their
   * defaults (no privacyStatus means public), and a publishAt already past publishes the video now.
   */
  function statusFrom(requested: Record<string, unknown>): Record<string, unknown> {
    const { publishAt: _publishAt, ...rest } = requested;
    const publishAt = publishAtOf(requested);
    const scheduled = typeof publishAt === 'string' && Date.parse(publishAt) > context.now();
    return {
      ...rest,
      privacyStatus: publishAt !== undefined && !scheduled ? 'public' : String(requested.privacyStatus ?? 'public'),
      ...(scheduled && { publishAt }),
      uploadStatus: 'uploaded',
      license: requested.license ?? 'youtube',
      embeddable: requested.embeddable ?? true,
      publicStatsViewable: requested.publicStatsViewable ?? true,
      madeForKids: Boolean(requested.selfDeclaredMadeForKids),
    };
  }

  /** The record follows the video's privacy; `scheduledAt` is left to whoever changes the schedule. */
  function followPrivacy(video: Video): void {
    const privacy = String(video.status.privacyStatus);
    if (privacy === 'public') video.everPublic = true;
    Object.assign(video.post, { privacy, published: privacy !== 'private' });
  }

  // At publishAt the video turns public and publishAt leaves its status, as it may only stand on a private
  // video (a status read back and sent again must stay valid); the record keeps the time as scheduledAt.
  context.records.onScheduledPublish('youtube', (post) => {
    const video = videos.get(post.id);
    if (!video) return;
    delete video.status.publishAt;
    video.status.privacyStatus = 'public';
    followPrivacy(video);
  });

  function createVideo(metadata: Record<string, unknown>, type: string, bytes: number, sha256: string): Video {
    const id = videoId(context.newId());
    const snippet: Record<string, unknown> = { ...(metadata.snippet as Record<string, unknown>), channelId: 'UCsandbox-intelekta-parks', publishedAt: new Date(context.now()).toISOString() };
    const status = statusFrom((metadata.status ?? {}) as Record<string, unknown>);
    const privacy = String(status.privacyStatus);
    const publishAt = status.publishAt as string | undefined;
    const localizations = metadata.localizations as Video['localizations'];
    const post = context.records.add({
      platform: 'youtube',
      id,
      kind: 'video',
      account: 'Intelekta parks (sandbox)',
      title: snippet.title as string,
      text: (snippet.description as string | undefined) ?? '',
      ...(localizations && { localizations }),
      ...(snippet.defaultLanguage !== undefined && { defaultLanguage: snippet.defaultLanguage as string }),
      tags: (snippet.tags as string[] | undefined) ?? [],
      media: [{ type, bytes, sha256 }],
      published: privacy !== 'private',
      ...(publishAt && { scheduledAt: new Date(publishAt).toISOString() }),
      privacy,
      createdAt: new Date(context.now()).toISOString(),
      permalink: `https://www.youtube.com/watch?v=${id}`,
    });
    const video: Video = { id, snippet, status, localizations, pollsLeft: context.options.processingPolls, everPublic: privacy === 'public', post };
    videos.set(id, video);
    return video;
  }

  function resource(video: Video, parts: string[]): Record<string, unknown> {
    const processed = video.pollsLeft <= 0;
    return {
      kind: 'youtube#video',
      etag: createHash('md5').update(JSON.stringify([video.snippet, video.status, processed])).digest('base64'),
      id: video.id,
      ...(parts.includes('snippet') && { snippet: { ...video.snippet, localized: { title: video.snippet.title, description: video.snippet.description ?? '' } } }),
      ...(parts.includes('status') && { status: { ...video.status, uploadStatus: processed ? 'processed' : 'uploaded' } }),
      ...(parts.includes('localizations') && video.localizations && { localizations: video.localizations }),
      ...(parts.includes('processingDetails') && {
        processingDetails: processed
          ? { processingStatus: 'succeeded' }
          : { processingStatus: 'processing', processingProgress: { partsTotal: '1000', partsProcessed: String(Math.round(1000 * (1 - video.pollsLeft / (context.options.processingPolls + 1)))), timeLeftMs: String(video.pollsLeft * 5000) } },
      }),
    };
  }

  /** videos.update with part=status: the new status replaces the old, so one without publishAt cancels a schedule. */
  function reschedule(video: Video, requested: Record<string, unknown>): void {
    if (publishAtOf(requested) !== undefined && video.everPublic) {
      fail(googleError(400, 'invalidPublishAt', 'The request metadata specifies an invalid scheduled publishing time: the video has already been public.'));
    }
    video.status = statusFrom(requested);
    const publishAt = video.status.publishAt as string | undefined;
    if (publishAt) video.post.scheduledAt = new Date(publishAt).toISOString();
    else if (!video.post.published) delete video.post.scheduledAt;
    followPrivacy(video);
  }

  async function metadataJson(request: SandboxRequest): Promise<Record<string, unknown>> {
    const body = await request.json().catch(() => fail(googleError(400, 'parseError', 'Parse Error')));
    if (typeof body !== 'object' || body === null || Array.isArray(body)) fail(googleError(400, 'parseError', 'Parse Error'));
    return body as Record<string, unknown>;
  }

  return {
    credentials: {
      IP_POST_YOUTUBE_CLIENT_ID: youtubeSandboxCredentials.clientId,
      IP_POST_YOUTUBE_CLIENT_SECRET: youtubeSandboxCredentials.clientSecret,
      IP_POST_YOUTUBE_REFRESH_TOKEN: youtubeSandboxCredentials.refreshToken,
    },
    settings: () => ({ account: 'Intelekta parks (sandbox)', baseUrl: context.baseUrl, uploadBaseUrl: context.baseUrl, tokenUrl: `${context.baseUrl}/token` }),
    // Access tokens expire; the refresh token gets a new one, so there is nothing to renew by hand.
    expireToken: (expired = true) => expired && accessTokens.clear(),

    errorReply(kind, message) {
      const status = { 'bad-request': 400, 'not-found': 404, 'not-allowed': 405, 'too-large': 413, internal: 500 }[kind];
      const reason = { 'bad-request': 'badRequest', 'not-found': 'notFound', 'not-allowed': 'httpMethodNotAllowed', 'too-large': 'uploadTooLarge', internal: 'backendError' }[kind];
      return googleError(status, reason, message);
    },

    faultReply(fault) {
      switch (fault.kind) {
        case 'quota-exceeded':
          return googleError(403, 'quotaExceeded', 'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.');
        case 'rate-limit':
          return { ...googleError(429, 'rateLimitExceeded', 'Too many requests.'), headers: { 'retry-after': String(fault.spec.retryAfter ?? 30) } };
        case 'expired-token':
          return googleError(401, 'authError', 'Invalid Credentials', { location: 'Authorization', locationType: 'header' });
        default: {
          const status = fault.spec.status ?? 503;
          return googleError(status, status === 503 ? 'backendError' : 'internalError', status === 503 ? 'Backend Error' : 'Internal Error');
        }
      }
    },

    routes: [
      {
        method: 'POST',
        path: '/token',
        name: 'oauth.token',
        async handle(request) {
          const body = request.contentType === 'application/json' ? ((await request.json()) as Record<string, string>) : await request.form();
          if (body.client_id !== youtubeSandboxCredentials.clientId || body.client_secret !== youtubeSandboxCredentials.clientSecret) {
            return json(401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' });
          }
          if (body.grant_type !== 'refresh_token') return json(400, { error: 'unsupported_grant_type', error_description: 'Invalid grant_type: ' + String(body.grant_type) });
          if (body.refresh_token !== youtubeSandboxCredentials.refreshToken) return json(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
          const token = `ya29.sandbox-${++issued}`;
          accessTokens.set(token, context.now() + 3599 * 1000);
          return json(200, { access_token: token, expires_in: 3599, scope: 'https://www.googleapis.com/auth/youtube.upload https://www.googleapis.com/auth/youtube.readonly', token_type: 'Bearer' });
        },
      },
      {
        method: 'POST',
        path: '/upload/youtube/v3/videos',
        name: 'videos.insert',
        async handle(request) {
          authenticate(request);
          const parts = partsOf(request, insertableParts);
          const uploadType = request.query.get('uploadType');
          if (uploadType === 'resumable') {
            const metadata = await metadataJson(request);
            validateResource(metadata, parts);
            charge('videos.insert');
            const declared = request.header('x-upload-content-length');
            const session: Session = {
              id: `sandbox-${context.newId()}`,
              metadata,
              parts,
              total: declared ? Number(declared) : undefined,
              type: request.header('x-upload-content-type') ?? 'application/octet-stream',
              received: 0,
              hash: createHash('sha256'),
              createdAt: context.now(),
            };
            sessions.set(session.id, session);
            const location = `${context.baseUrl}/upload/youtube/v3/videos?uploadType=resumable&upload_id=${session.id}&part=${parts.join(',')}`;
            return empty(200, { location, 'x-guploader-uploadid': session.id });
          }
          if (uploadType === 'multipart') {
            const { metadata, media } = await readMultipartRelated(request);
            validateResource(metadata, parts);
            if (!media || media.bytes.length === 0) return googleError(400, 'mediaBodyRequired', 'The request does not include the video content.');
            charge('videos.insert');
            const video = createVideo(metadata, media.type, media.bytes.length, createHash('sha256').update(media.bytes).digest('hex'));
            return json(200, resource(video, parts));
          }
          await request.buffer();
          return googleError(400, 'invalidUploadType', 'uploadType must be resumable or multipart for videos.insert.', { location: 'uploadType', locationType: 'parameter' });
        },
      },
      {
        method: 'PUT',
        path: '/upload/youtube/v3/videos',
        name: 'videos.upload',
        async handle(request) {
          const session = sessions.get(request.query.get('upload_id') ?? '');
          if (!session) {
            await request.buffer();
            return googleError(404, 'notFound', 'The upload session was not found or has expired.');
          }
          const range = request.header('content-range');
          const body = await request.buffer();
          if (session.video) return json(200, resource(session.video, session.parts));
          const persisted = () => (session.received > 0 ? { range: `bytes=0-${session.received - 1}` } : undefined);

          if (range && /^bytes \*\/(\d+|\*)$/.test(range)) return empty(308, persisted());
          let start = 0;
          let total = session.total;
          if (range) {
            const found = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(range);
            if (!found) return googleError(400, 'badContent', `Invalid Content-Range: ${range}`);
            start = Number(found[1]);
            const end = Number(found[2]);
            if (found[3] !== '*') total = Number(found[3]);
            if (end - start + 1 !== body.length) return googleError(400, 'badContent', `Content-Range covers ${end - start + 1} bytes but ${body.length} were sent.`);
          } else {
            total = body.length;
          }
          if (session.total !== undefined && total !== undefined && total !== session.total) return googleError(400, 'badContent', `The total size ${total} differs from X-Upload-Content-Length ${session.total}.`);
          if (start !== session.received) return empty(308, persisted());
          const final = total !== undefined && start + body.length === total;
          if (!final && body.length % chunkUnit !== 0) return googleError(400, 'badContent', `Every chunk but the last must be a multiple of ${chunkUnit} bytes.`);
          session.hash.update(body);
          session.received += body.length;
          if (!final) return empty(308, persisted());
          session.video = createVideo(session.metadata, session.type, session.received, session.hash.digest('hex'));
          return json(201, resource(session.video, session.parts));
        },
      },
      {
        method: 'POST',
        path: '/upload/youtube/v3/thumbnails/set',
        name: 'thumbnails.set',
        async handle(request) {
          authenticate(request);
          const bytes = await request.buffer();
          charge('thumbnails.set');
          const video = videos.get(request.query.get('videoId') ?? '');
          if (!video) return googleError(404, 'videoNotFound', 'The video that you are trying to update cannot be found.', { location: 'videoId', locationType: 'parameter' });
          if (bytes.length === 0) return googleError(400, 'mediaBodyRequired', 'The request does not include the image content.');
          const image = sniffImage(bytes);
          if (!image || !['image/jpeg', 'image/png'].includes(image.type) || bytes.length > 50 * 1024 * 1024) return googleError(400, 'invalidImage', 'The provided image content is invalid.');
          video.post.thumbnail = { type: image.type, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
          const url = (size: string) => `https://i.ytimg.com/vi/${video.id}/${size}.jpg`;
          return json(200, {
            kind: 'youtube#thumbnailSetResponse',
            etag: 'sandbox',
            items: [{ default: { url: url('default'), width: 120, height: 90 }, medium: { url: url('mqdefault'), width: 320, height: 180 }, high: { url: url('hqdefault'), width: 480, height: 360 } }],
          });
        },
      },
      {
        method: 'GET',
        path: '/youtube/v3/videos',
        name: 'videos.list',
        handle(request) {
          authenticate(request);
          const parts = partsOf(request, knownParts);
          charge('videos.list');
          const ids = (request.query.get('id') ?? '').split(',').filter(Boolean);
          const items = ids.map((id) => videos.get(id)).filter((video): video is Video => Boolean(video));
          const result = items.map((video) => resource(video, parts));
          for (const video of items) if (video.pollsLeft > 0) video.pollsLeft--;
          return json(200, { kind: 'youtube#videoListResponse', etag: 'sandbox', items: result, pageInfo: { totalResults: result.length, resultsPerPage: result.length } });
        },
      },
      {
        method: 'PUT',
        path: '/youtube/v3/videos',
        name: 'videos.update',
        async handle(request) {
          authenticate(request);
          const parts = partsOf(request, ['snippet', 'status', 'localizations', 'recordingDetails']);
          const body = await metadataJson(request);
          charge('videos.update');
          const video = videos.get(String(body.id ?? ''));
          if (!video) return googleError(404, 'videoNotFound', 'The video that you are trying to update cannot be found.');
          const status = (parts.includes('status') ? (body.status ?? {}) : video.status) as Record<string, unknown>;
          // Only what is sent is checked: the video's own localizations were checked when they were set.
          const merged = { snippet: parts.includes('snippet') ? body.snippet : video.snippet, status, localizations: parts.includes('localizations') ? body.localizations : undefined };
          validateResource(merged, [...new Set([...parts, 'snippet'])]);
          if (parts.includes('status')) reschedule(video, status);
          if (parts.includes('snippet')) video.snippet = { ...video.snippet, ...(body.snippet as Record<string, unknown>) };
          if (parts.includes('localizations')) video.localizations = body.localizations as Video['localizations'];
          Object.assign(video.post, { title: video.snippet.title, text: video.snippet.description ?? '', localizations: video.localizations });
          return json(200, resource(video, parts));
        },
      },
      {
        method: 'DELETE',
        path: '/youtube/v3/videos',
        name: 'videos.delete',
        handle(request) {
          authenticate(request);
          charge('videos.delete');
          const id = request.query.get('id') ?? '';
          if (!videos.delete(id)) return googleError(404, 'videoNotFound', 'The video that you are trying to delete cannot be found.');
          context.records.remove('youtube', id);
          return empty(204);
        },
      },
      {
        method: 'GET',
        path: '/youtube/v3/videoCategories',
        name: 'videoCategories.list',
        handle(request) {
          authenticate(request);
          charge('videoCategories.list');
          const titles: Record<string, string> = { '22': 'People & Blogs', '25': 'News & Politics', '27': 'Education', '28': 'Science & Technology', '29': 'Nonprofits & Activism' };
          return json(200, {
            kind: 'youtube#videoCategoryListResponse',
            items: categories.map((id) => ({ kind: 'youtube#videoCategory', id, snippet: { title: titles[id] ?? `Category ${id}`, assignable: true, channelId: 'UCBR8-60-B28hp2BmDPdntcQ' } })),
          });
        },
      },
      {
        method: 'GET',
        path: '/youtube/v3/i18nLanguages',
        name: 'i18nLanguages.list',
        handle(request) {
          authenticate(request);
          charge('i18nLanguages.list');
          const names: Record<string, string> = { lv: 'Latvian', ru: 'Russian', en: 'English', lt: 'Lithuanian', et: 'Estonian', de: 'German' };
          return json(200, { kind: 'youtube#i18nLanguageListResponse', items: Object.entries(names).map(([hl, name]) => ({ kind: 'youtube#i18nLanguage', id: hl, snippet: { hl, name } })) });
        },
      },
    ],
  };
};

/** A status's publishAt; JSON null, as Google's APIs read it, leaves it unset. */
function publishAtOf(status: Record<string, unknown>): unknown {
  return status.publishAt ?? undefined;
}

/** An 11-character video id made from a numeric one. */
function videoId(numeric: string): string {
  return Buffer.from(BigInt(numeric).toString(16).padStart(16, '0'), 'hex').toString('base64url').slice(0, 11);
}

/** `multipart/related`: the video resource as JSON, then the video bytes (what the googleapis client sends). */
async function readMultipartRelated(request: SandboxRequest): Promise<{ metadata: Record<string, unknown>; media?: { type: string; bytes: Buffer } }> {
  const boundary = /boundary="?([^";]+)"?/i.exec(request.header('content-type') ?? '')?.[1];
  const body = await request.buffer();
  if (request.contentType !== 'multipart/related' || !boundary) fail(googleError(400, 'badContent', 'A multipart upload needs Content-Type: multipart/related with a boundary.'));
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let position = body.indexOf(delimiter);
  while (position !== -1) {
    const start = position + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    parts.push(body.subarray(start, next));
    position = next;
  }
  const parsed = parts.map((part) => {
    const separator = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, separator).toString('latin1');
    const content = part.subarray(separator + 4, part.length - (part.subarray(-2).toString() === '\r\n' ? 2 : 0));
    return { type: (/content-type:\s*([^\r\n;]+)/i.exec(head)?.[1] ?? '').trim().toLowerCase(), content };
  });
  const [first, second] = parsed;
  if (!first || first.type !== 'application/json') fail(googleError(400, 'badContent', 'The first part of a multipart upload must be the JSON video resource.'));
  let metadata: Record<string, unknown>;
  try {
    metadata = JSON.parse(first!.content.toString('utf8')) as Record<string, unknown>;
  } catch {
    return fail(googleError(400, 'parseError', 'Parse Error'));
  }
  return { metadata, media: second && { type: second.type, bytes: second.content } };
}
