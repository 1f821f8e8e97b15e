import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { EmulatorContext, EmulatorFactory } from '../../src/sandbox/emulator.js';
import { ApiError, json, type Reply, type SandboxRequest } from '../../src/sandbox/http.js';
import type { ReceivedMedia } from '../../src/sandbox/records.js';
import { xRules } from './index.js';

/**
 * X API v2 as ../shared/platforms/x.md describes it: posts, v2 media upload (one-shot and chunked),
 * alt text, OAuth 1.0a signatures checked, weighted length and duplicate rejections, rate-limit headers.
 */

export const xSandboxCredentials = {
  appKey: 'sandbox-x-app-key',
  appSecret: 'sandbox-x-app-secret',
  accessToken: '1790000000000000001-sandbox-x-access-token',
  accessSecret: 'sandbox-x-access-secret',
};
const user = { id: '1790000000000000001', name: 'Intelekta parks (sandbox)', username: 'intelektaparks' };

const problemType = (name: string) => `https://api.twitter.com/2/problems/${name}`;
const unauthorized = (): Reply => json(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
const invalidRequest = (parameter: string, message: string): Reply =>
  json(400, {
    errors: [{ parameters: { [parameter]: [message] }, message }],
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: problemType('invalid-request'),
  });
const duplicate = (): Reply => json(403, { title: 'Forbidden', detail: 'You are not allowed to create a Tweet with duplicate content.', type: 'about:blank', status: 403 });
const tooLong = (): Reply =>
  json(400, {
    errors: [{ parameters: { text: ['Your Tweet text is too long.'] }, message: 'Your Tweet text is too long. For more information on how Twitter determines text length see https://github.com/twitter/twitter-text.' }],
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: problemType('invalid-request'),
  });
const notFound = (detail: string): Reply => json(404, { title: 'Not Found Error', detail, type: problemType('resource-not-found'), status: 404 });
const fail = (reply: Reply): never => {
  throw new ApiError(reply);
};

const mediaTypes = ['video/mp4', 'video/webm', 'video/mp2t', 'video/quicktime', 'text/srt', 'text/vtt', 'image/jpeg', 'image/gif', 'image/bmp', 'image/png', 'image/webp', 'image/pjpeg', 'image/tiff'];
const categories = ['tweet_image', 'tweet_gif', 'tweet_video', 'amplify_video', 'dm_image', 'dm_gif', 'dm_video', 'subtitles'];

interface Media {
  id: string;
  type: string;
  category: string;
  totalBytes: number;
  received: number;
  nextSegment: number;
  hash: ReturnType<typeof createHash>;
  sha256?: string;
  finalized: boolean;
  pollsLeft: number;
  alt?: string;
  expiresAt: number;
  used: boolean;
}

interface Window {
  limit: number;
  used: number;
  resetsAt: number;
}

export const createXEmulator: EmulatorFactory = (context: EmulatorContext) => {
  const media = new Map<string, Media>();
  const tweets = new Map<string, { id: string; text: string; deleted: boolean; createdAt: number }>();
  const windows = new Map<string, Window>();
  let tokenExpired = false;

  const kindOf = (item: Media) => (item.category.includes('gif') || item.type === 'image/gif' ? 'gif' : item.type.startsWith('video/') ? 'video' : 'image');
  const mediaKey = (item: Media) => `${{ image: 3, video: 7, gif: 16 }[kindOf(item)]}_${item.id}`;
  const limits: Record<string, number> = { 'tweets.create': 100, 'tweets.delete': 50, 'media.upload': 500, 'media.status': 1000, 'media.metadata': 500 };

  /** Counts a request against its 15-minute window and returns the rate-limit headers X sends. */
  function rateLimit(endpoint: string, count: boolean): { headers: Record<string, string>; exceeded: boolean } {
    const now = context.now();
    let window = windows.get(endpoint);
    if (!window || window.resetsAt <= now) windows.set(endpoint, (window = { limit: limits[endpoint] ?? 1875, used: 0, resetsAt: now + 15 * 60 * 1000 }));
    const exceeded = count && window.used >= window.limit;
    if (count && !exceeded) window.used++;
    return {
      exceeded,
      headers: {
        'x-rate-limit-limit': String(window.limit),
        'x-rate-limit-remaining': String(Math.max(0, window.limit - window.used)),
        'x-rate-limit-reset': String(Math.ceil(window.resetsAt / 1000)),
      },
    };
  }

  /** OAuth 1.0a: the header must be there, name our app and user, and its HMAC-SHA1 signature must match. */
  function authenticate(request: SandboxRequest, formBody: Record<string, string> = {}): void {
    const header = request.header('authorization') ?? '';
    if (header.startsWith('Bearer ')) return void (header.slice(7) === 'sandbox-x-user-token' && !tokenExpired ? undefined : fail(unauthorized()));
    if (!header.startsWith('OAuth ')) fail(unauthorized());
    const oauth = Object.fromEntries([...header.slice(6).matchAll(/([a-z_]+)="([^"]*)"/g)].map(([, key, value]) => [key!, decodeURIComponent(value!)]));
    if (oauth.oauth_consumer_key !== xSandboxCredentials.appKey || oauth.oauth_token !== xSandboxCredentials.accessToken || oauth.oauth_signature_method !== 'HMAC-SHA1') fail(unauthorized());
    if (tokenExpired) fail(unauthorized());
    const { oauth_signature: signature, ...signed } = oauth;
    const parameters = [...Object.entries(signed), ...request.query.entries(), ...Object.entries(formBody)]
      .map(([key, value]) => [percent(key), percent(value)])
      .sort(([a, b], [c, d]) => (a === c ? (b! < d! ? -1 : 1) : a! < c! ? -1 : 1))
      .map(([key, value]) => `${key}=${value}`)
      .join('&');
    const baseUrl = `http://${request.header('host')}${request.url.pathname}`;
    const base = [request.method, percent(baseUrl), percent(parameters)].join('&');
    const expected = createHmac('sha1', `${percent(xSandboxCredentials.appSecret)}&${percent(xSandboxCredentials.accessSecret)}`).update(base).digest();
    const given = Buffer.from(signature ?? '', 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) fail(unauthorized());
  }

  async function bodyJson(request: SandboxRequest): Promise<Record<string, unknown>> {
    if (request.contentType !== 'application/json') fail(invalidRequest('body', 'The request body must be JSON (Content-Type: application/json).'));
    const body = await request.json().catch(() => fail(json(400, { title: 'Invalid Request', detail: 'The request body is not valid JSON.', type: problemType('invalid-request') })));
    if (typeof body !== 'object' || body === null || Array.isArray(body)) fail(invalidRequest('body', 'The request body must be a JSON object.'));
    return body as Record<string, unknown>;
  }

  function liveMedia(id: unknown): Media {
    const item = typeof id === 'string' ? media.get(id) : undefined;
    if (!item || item.expiresAt <= context.now()) fail(invalidRequest('media.media_ids', `Media id ${String(id)} is invalid or has expired.`));
    return item!;
  }

  function statusOf(item: Media): Record<string, unknown> | undefined {
    if (kindOf(item) === 'image') return undefined;
    if (item.pollsLeft <= 0) return { state: 'succeeded', progress_percent: 100 };
    return { state: item.pollsLeft === context.options.processingPolls ? 'pending' : 'in_progress', check_after_secs: 1, progress_percent: Math.round((100 * (context.options.processingPolls - item.pollsLeft)) / (context.options.processingPolls + 1)) };
  }

  function mediaData(item: Media): Record<string, unknown> {
    const processing = statusOf(item);
    return {
      id: item.id,
      media_key: mediaKey(item),
      size: item.received,
      expires_after_secs: Math.max(0, Math.round((item.expiresAt - context.now()) / 1000)),
      ...(processing && { processing_info: processing }),
    };
  }

  function checkSize(type: string, category: string, bytes: number): void {
    const kind = category.includes('gif') || type === 'image/gif' ? 'gif' : type.startsWith('video/') ? 'video' : 'image';
    const max = kind === 'video' ? xRules.video.bytes : kind === 'gif' ? 15_000_000 : xRules.images.bytes;
    if (bytes > max) fail(invalidRequest('total_bytes', `File size exceeds ${max} bytes.`));
  }

  function newMedia(type: string, category: string | undefined, totalBytes: number): Media {
    if (!mediaTypes.includes(type)) fail(invalidRequest('media_type', `media_type must be one of ${mediaTypes.join(', ')}.`));
    const chosen = category ?? (type === 'image/gif' ? 'tweet_gif' : type.startsWith('video/') ? 'tweet_video' : 'tweet_image');
    if (!categories.includes(chosen)) fail(invalidRequest('media_category', `media_category must be one of ${categories.join(', ')}.`));
    checkSize(type, chosen, totalBytes);
    const item: Media = {
      id: context.newId(),
      type,
      category: chosen,
      totalBytes,
      received: 0,
      nextSegment: 0,
      hash: createHash('sha256'),
      finalized: false,
      pollsLeft: 0,
      expiresAt: context.now() + 86_400_000,
      used: false,
    };
    media.set(item.id, item);
    return item;
  }

  function finalize(item: Media): void {
    if (item.received !== item.totalBytes) fail(invalidRequest('media_id', `Segments do not add up to total_bytes: received ${item.received} of ${item.totalBytes}.`));
    item.finalized = true;
    item.sha256 = item.hash.digest('hex');
    item.pollsLeft = kindOf(item) === 'image' ? 0 : context.options.processingPolls;
  }

  return {
    credentials: {
      IP_POST_X_APP_KEY: xSandboxCredentials.appKey,
      IP_POST_X_APP_SECRET: xSandboxCredentials.appSecret,
      IP_POST_X_ACCESS_TOKEN: xSandboxCredentials.accessToken,
      IP_POST_X_ACCESS_SECRET: xSandboxCredentials.accessSecret,
    },
    settings: () => ({ account: `@${user.username}`, baseUrl: context.baseUrl }),
    expireToken: (expired = true) => (tokenExpired = expired),

    headers: (request) => rateLimit(endpointOf(request), false).headers,

    errorReply(kind, message) {
      switch (kind) {
        case 'not-found':
          return notFound(message);
        case 'not-allowed':
          return json(405, { title: 'Method Not Allowed', detail: message, type: 'about:blank', status: 405 });
        case 'too-large':
          return json(413, { title: 'Payload Too Large', detail: message, type: 'about:blank', status: 413 });
        case 'internal':
          return json(500, { title: 'Internal Server Error', detail: message, type: problemType('internal-error'), status: 500 });
        default:
          return json(400, { title: 'Invalid Request', detail: message, type: problemType('invalid-request') });
      }
    },

    faultReply(fault, request) {
      switch (fault.kind) {
        case 'rate-limit': {
          const reset = Math.ceil(context.now() / 1000) + (fault.spec.retryAfter ?? 900);
          return json(429, { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 }, {
            ...rateLimit(endpointOf(request), false).headers,
            'x-rate-limit-remaining': '0',
            'x-rate-limit-reset': String(reset),
            'retry-after': String(fault.spec.retryAfter ?? 900),
          });
        }
        case 'expired-token':
          return unauthorized();
        case 'duplicate':
          return duplicate();
        default: {
          const status = fault.spec.status ?? 503;
          const title = status === 503 ? 'Service Unavailable' : 'Internal Server Error';
          return json(status, { title, detail: title, type: status === 503 ? 'about:blank' : problemType('internal-error'), status });
        }
      }
    },

    routes: [
      {
        method: 'POST',
        path: '/2/tweets',
        name: 'tweets.create',
        async handle(request) {
          authenticate(request);
          const body = await bodyJson(request);
          const allowed = ['text', 'reply', 'media', 'quote_tweet_id', 'poll', 'reply_settings', 'made_with_ai', 'paid_partnership', 'community_id', 'for_super_followers_only', 'share_with_followers', 'nullcast', 'geo', 'card_uri', 'direct_message_deep_link', 'edit_options'];
          for (const key of Object.keys(body)) if (!allowed.includes(key)) fail(invalidRequest(key, `The property '${key}' is not defined in the schema.`));
          const { text: rawText = '', reply, media: attached } = body as { text?: unknown; reply?: { in_reply_to_tweet_id?: unknown }; media?: { media_ids?: unknown } };
          if (typeof rawText !== 'string') fail(invalidRequest('text', 'text must be a string.'));
          const text = rawText as string;
          if (rateLimit('tweets.create', true).exceeded) fail(json(429, { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 }));

          const ids = attached?.media_ids;
          let items: Media[] = [];
          if (attached !== undefined) {
            if (!Array.isArray(ids) || ids.length < 1 || ids.length > 4 || !ids.every((id) => typeof id === 'string' && /^[0-9]{1,19}$/.test(id))) {
              fail(invalidRequest('media.media_ids', 'media_ids must be 1 to 4 numeric strings.'));
            }
            items = (ids as string[]).map(liveMedia);
            for (const item of items) {
              if (!item.finalized) fail(invalidRequest('media.media_ids', `Media id ${item.id} has not been finalized.`));
              const status = statusOf(item);
              if (status && status.state !== 'succeeded') fail(invalidRequest('media.media_ids', `Media id ${item.id} is still being processed.`));
            }
            const kinds = items.map(kindOf);
            if (kinds.some((kind) => kind !== 'image') && items.length > 1) fail(invalidRequest('media.media_ids', 'A post may have 4 images, or 1 GIF, or 1 video; they cannot be mixed.'));
          }
          if (!text && items.length === 0) fail(invalidRequest('text', 'text must not be empty without media.'));
          const { default: twitterText } = await import('twitter-text');
          if (twitterText.parseTweet(text).weightedLength > xRules.postLength) fail(tooLong());

          let replyTo: string | undefined;
          if (reply !== undefined) {
            replyTo = typeof reply.in_reply_to_tweet_id === 'string' ? reply.in_reply_to_tweet_id : undefined;
            if (!replyTo || !/^[0-9]{1,19}$/.test(replyTo)) fail(invalidRequest('reply.in_reply_to_tweet_id', 'in_reply_to_tweet_id must be a numeric string.'));
            if (!tweets.get(replyTo!) || tweets.get(replyTo!)!.deleted) fail(invalidRequest('reply.in_reply_to_tweet_id', `Post ${replyTo} does not exist or was deleted.`));
          }
          if (text && [...tweets.values()].some((tweet) => !tweet.deleted && tweet.text === text.normalize('NFC'))) fail(duplicate());

          const id = context.newId();
          tweets.set(id, { id, text: text.normalize('NFC'), deleted: false, createdAt: context.now() });
          for (const item of items) item.used = true;
          context.records.add({
            platform: 'x',
            id,
            kind: replyTo ? 'reply' : 'post',
            account: `@${user.username}`,
            text,
            media: items.map((item): ReceivedMedia => ({ type: item.type, bytes: item.received, sha256: item.sha256!, ...(item.alt !== undefined && { alt: item.alt }) })),
            replyTo,
            published: true,
            createdAt: new Date(context.now()).toISOString(),
            permalink: `https://x.com/${user.username}/status/${id}`,
          });
          return json(201, { data: { id, text, edit_history_tweet_ids: [id] } });
        },
      },
      {
        method: 'GET',
        path: '/2/tweets/:id',
        name: 'tweets.get',
        handle(request) {
          authenticate(request);
          const tweet = tweets.get(request.params.id!);
          if (!tweet || tweet.deleted) return notFound(`Could not find tweet with id: [${request.params.id}].`);
          return json(200, { data: { id: tweet.id, text: tweet.text, edit_history_tweet_ids: [tweet.id] } });
        },
      },
      {
        method: 'DELETE',
        path: '/2/tweets/:id',
        name: 'tweets.delete',
        handle(request) {
          authenticate(request);
          const tweet = tweets.get(request.params.id!);
          if (!tweet || tweet.deleted) return notFound(`Could not find tweet with id: [${request.params.id}].`);
          tweet.deleted = true;
          context.records.remove('x', tweet.id);
          return json(200, { data: { deleted: true } });
        },
      },
      {
        method: 'GET',
        path: '/2/users/me',
        name: 'users.me',
        handle(request) {
          authenticate(request);
          return json(200, { data: user });
        },
      },
      {
        method: 'GET',
        path: '/2/users/:id/tweets',
        name: 'users.tweets',
        handle(request) {
          authenticate(request);
          if (request.params.id !== user.id) return notFound(`Could not find user with id: [${request.params.id}].`);
          const max = Math.min(100, Math.max(5, Number(request.query.get('max_results') ?? 10)));
          // start_time: YYYY-MM-DDTHH:mm:ssZ, inclusive, to the second; tweet.fields=created_at adds the time.
          const startTime = request.query.get('start_time');
          if (startTime !== null && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(startTime)) fail(invalidRequest('start_time', `Invalid start_time: '${startTime}'. Use YYYY-MM-DDTHH:mm:ssZ.`));
          const since = startTime === null ? 0 : Math.floor(Date.parse(startTime) / 1000) * 1000;
          const withTime = (request.query.get('tweet.fields') ?? '').split(',').includes('created_at');
          const data = [...tweets.values()]
            .filter((tweet) => !tweet.deleted && tweet.createdAt >= since)
            .reverse()
            .slice(0, max)
            .map((tweet) => ({ id: tweet.id, text: tweet.text, edit_history_tweet_ids: [tweet.id], ...(withTime && { created_at: new Date(Math.floor(tweet.createdAt / 1000) * 1000).toISOString() }) }));
          return json(200, { data, meta: { result_count: data.length, ...(data.length && { newest_id: data[0]!.id, oldest_id: data.at(-1)!.id }) } });
        },
      },
      {
        method: 'POST',
        path: '/2/media/upload/initialize',
        name: 'media.initialize',
        async handle(request) {
          authenticate(request);
          const body = await bodyJson(request);
          const totalBytes = body.total_bytes;
          if (typeof body.media_type !== 'string') fail(invalidRequest('media_type', 'media_type is required.'));
          if (typeof totalBytes !== 'number' || !Number.isInteger(totalBytes) || totalBytes < 1) fail(invalidRequest('total_bytes', 'total_bytes must be a positive integer.'));
          const item = newMedia(body.media_type as string, body.media_category as string | undefined, totalBytes as number);
          return json(200, { data: { id: item.id, media_key: mediaKey(item), expires_after_secs: 86_399 } });
        },
      },
      {
        method: 'POST',
        path: '/2/media/upload/:id/append',
        name: 'media.append',
        async handle(request) {
          const item = media.get(request.params.id!) ?? fail(invalidRequest('id', `Media id ${request.params.id} was not initialized.`));
          let segment: number;
          let chunk: Buffer;
          if (request.contentType === 'multipart/form-data') {
            const { fields, files } = await request.multipart();
            authenticate(request);
            segment = Number(fields.segment_index);
            chunk = files.media?.bytes ?? (fields.media !== undefined ? Buffer.from(fields.media, 'base64') : fail(invalidRequest('media', 'media is required.')));
          } else {
            const body = await bodyJson(request);
            authenticate(request);
            segment = Number(body.segment_index);
            chunk = typeof body.media === 'string' ? Buffer.from(body.media, 'base64') : fail(invalidRequest('media', 'media is required.'));
          }
          if (item.finalized) fail(invalidRequest('id', `Media id ${item.id} is already finalized.`));
          if (!Number.isInteger(segment) || segment < 0 || segment > 999) fail(invalidRequest('segment_index', 'segment_index must be 0 to 999.'));
          if (segment !== item.nextSegment) fail(invalidRequest('segment_index', `Segments must be appended in order: expected ${item.nextSegment}, got ${segment}.`));
          if (item.received + chunk.length > item.totalBytes) fail(invalidRequest('media', `Appended bytes exceed total_bytes (${item.totalBytes}).`));
          item.hash.update(chunk);
          item.received += chunk.length;
          item.nextSegment++;
          return json(200, { data: { expires_at: Math.floor(item.expiresAt / 1000) } });
        },
      },
      {
        method: 'POST',
        path: '/2/media/upload/:id/finalize',
        name: 'media.finalize',
        async handle(request) {
          await request.buffer();
          authenticate(request);
          const item = media.get(request.params.id!) ?? fail(invalidRequest('id', `Media id ${request.params.id} was not initialized.`));
          if (!item.finalized) finalize(item);
          return json(200, { data: mediaData(item) });
        },
      },
      {
        method: 'GET',
        path: '/2/media/upload',
        name: 'media.status',
        handle(request) {
          authenticate(request);
          if (request.query.get('command') !== 'STATUS') return invalidRequest('command', 'command must be STATUS.');
          const item = liveMedia(request.query.get('media_id'));
          if (!item.finalized) return invalidRequest('media_id', `Media id ${item.id} has not been finalized.`);
          const data = mediaData(item);
          if (item.pollsLeft > 0) item.pollsLeft--;
          return json(200, { data });
        },
      },
      {
        method: 'POST',
        path: '/2/media/upload',
        name: 'media.upload',
        async handle(request) {
          if (request.contentType !== 'multipart/form-data') return invalidRequest('media', 'Send media as multipart/form-data.');
          const { fields, files } = await request.multipart();
          authenticate(request);
          const file = files.media ?? (fields.media !== undefined ? { bytes: Buffer.from(fields.media, 'base64'), type: '' } : undefined);
          if (!file) return invalidRequest('media', 'media is required.');
          const category = fields.media_category ?? fail(invalidRequest('media_category', 'media_category is required.'));
          if (!['tweet_image', 'dm_image', 'subtitles'].includes(category!)) return invalidRequest('media_category', 'One-shot upload takes images and subtitles only; use the chunked endpoints for video and GIF.');
          const type = fields.media_type ?? (file.type && file.type !== 'application/octet-stream' ? file.type : 'image/jpeg');
          const item = newMedia(type, category, file.bytes.length);
          item.hash.update(file.bytes);
          item.received = file.bytes.length;
          finalize(item);
          return json(200, { data: mediaData(item) });
        },
      },
      {
        method: 'POST',
        path: '/2/media/metadata',
        name: 'media.metadata',
        async handle(request) {
          authenticate(request);
          const body = await bodyJson(request);
          const item = liveMedia(body.id);
          const alt = (body.metadata as { alt_text?: { text?: unknown } } | undefined)?.alt_text?.text;
          if (typeof alt !== 'string') return invalidRequest('metadata.alt_text.text', 'metadata.alt_text.text is required.');
          if ([...alt].length > xRules.altTextLength) return invalidRequest('metadata.alt_text.text', `Alt text must be at most ${xRules.altTextLength} characters.`);
          item.alt = alt;
          return json(200, { data: { id: item.id, associated_metadata: { alt_text: { text: alt } } } });
        },
      },
    ],
  };
};

function endpointOf(request: SandboxRequest): string {
  if (request.path === '/2/tweets' && request.method === 'POST') return 'tweets.create';
  if (request.path.startsWith('/2/tweets/') && request.method === 'DELETE') return 'tweets.delete';
  if (request.path === '/2/media/upload') return request.method === 'GET' ? 'media.status' : 'media.upload';
  if (request.path === '/2/media/metadata') return 'media.metadata';
  if (request.path.startsWith('/2/media/upload/')) return `media.${request.path.split('/').at(-1)}`;
  return request.path;
}

/** RFC 3986 percent-encoding, as OAuth 1.0a signs. */
function percent(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}
