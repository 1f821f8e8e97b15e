import { isNetworkError, PublishError, waitFromHeaders } from '../../src/publish/errors.js';
import type { PublishContext, Publisher } from '../../src/publish/types.js';
import type { PlannedMedia } from '../../src/plan/types.js';
import { createYouTubeClient } from './client.js';

/**
 * Publishing on YouTube (youtube.md §2–§5): the video by the resumable protocol — a session whose address
 * is recorded before any byte moves, chunks of 8 MiB read from disk, 308 Resume Incomplete with Range, a
 * status query after any interruption — so a crash or a dropped connection resumes and never uploads twice;
 * localized titles and descriptions; then the thumbnail.
 */

const chunk = 32 * 256 * 1024;

interface GoogleErrorBody {
  error?: string | { code?: number; message?: string; errors?: { reason?: string; message?: string }[] };
  error_description?: string;
}

export const publisher: Publisher = {
  classify(error) {
    if (error instanceof PublishError) return error;
    const response = (error as { response?: { status: number; data?: GoogleErrorBody; headers?: unknown } }).response;
    if (!response) {
      return isNetworkError(error) ? new PublishError('unknown-outcome', `no answer from YouTube (${(error as Error).message})`) : new PublishError('fatal', `YouTube: ${(error as Error).message}`);
    }
    return classifyGoogle(response.status, response.data, headersOf(response.headers));
  },

  async publish(context) {
    const client = await clientFor(context);
    const video = context.post.media.find((media) => media.kind === 'video');
    if (!video) throw new PublishError('input', 'YouTube needs a video: add one to media');
    const id = (context.progress.videoId as string | undefined) ?? (await upload(context, client.authorization, video));
    context.remember('videoId', id);

    let warning: string | undefined;
    const thumbnail = context.post.media.find((media) => media.role === 'thumbnail');
    if (thumbnail && !context.progress.thumbnail) {
      context.step(`setting the thumbnail ${thumbnail.source}`);
      try {
        await context.call('thumbnail', async () =>
          client.youtube.thumbnails.set({ videoId: id, media: { mimeType: thumbnail.convertTo ?? thumbnail.type, body: await context.media.stream(thumbnail) } }, { ...client.uploadOptions, timeout: context.timeoutMs }),
        );
        context.remember('thumbnail', true);
      } catch (error) {
        const failure = error instanceof PublishError ? error : publisher.classify(error);
        warning = `the video is up, but YouTube refused the thumbnail: ${failure.message} (custom thumbnails need a verified channel)`;
      }
    }
    return { id, url: `https://www.youtube.com/watch?v=${id}`, ...(warning && { warning }) };
  },

  // Native scheduling (youtube.md §2): a private video with status.publishAt goes public at that time.
  // videos.update replaces the whole status part, so every status field is sent again each time.
  async reschedule(context, videoId, at) {
    const client = await clientFor(context);
    await context.call('schedule.move', () => client.youtube.videos.update({ part: ['status'], requestBody: { id: videoId, status: statusOf(context, at) } }, { timeout: context.timeoutMs }));
  },

  async confirmScheduled(context, videoId) {
    const client = await clientFor(context);
    const { data } = await context.call('schedule.check', () => client.youtube.videos.list({ part: ['status'], id: [videoId] }, { timeout: context.timeoutMs }));
    const status = data.items?.[0]?.status;
    if (!status) return 'gone';
    return status.privacyStatus === 'private' ? 'waiting' : 'published';
  },

  async unschedule(context, videoId) {
    const client = await clientFor(context);
    const gone = await context.call('schedule.cancel', async () => {
      try {
        await client.youtube.videos.update({ part: ['status'], requestBody: { id: videoId, status: statusOf(context, undefined, 'private') } }, { timeout: context.timeoutMs });
        return false;
      } catch (error) {
        if (isNotFound(error)) return true;
        throw error;
      }
    });
    return gone ? 'the video was no longer on the channel' : 'the video stays on the channel as a private video: delete it in YouTube Studio if it is not wanted';
  },

  // youtube.md §2: the status without publishAt, as configured (public), publishes it now.
  async publishNow(context, videoId) {
    const client = await clientFor(context);
    await context.call('schedule.publish-now', () => client.youtube.videos.update({ part: ['status'], requestBody: { id: videoId, status: statusOf(context, undefined) } }, { timeout: context.timeoutMs }));
  },
};

/** The API's 404 (videoNotFound): the video is gone. */
function isNotFound(error: unknown): boolean {
  const status = (error as { status?: unknown; response?: { status?: unknown } }).response?.status ?? (error as { status?: unknown }).status;
  return status === 404;
}

function clientFor(context: PublishContext) {
  return createYouTubeClient({
    baseUrl: context.settings.baseUrl,
    uploadBaseUrl: context.settings.uploadBaseUrl,
    tokenUrl: String(context.settings.tokenUrl),
    clientId: context.secret('clientIdEnv'),
    clientSecret: context.secret('clientSecretEnv'),
    refreshToken: context.secret('refreshTokenEnv'),
  });
}

/** The status part: public (or as configured) now, or private until `publishAt`. */
function statusOf(context: PublishContext, publishAt: Date | undefined, privacy = String(context.settings.privacy ?? 'public')) {
  return {
    privacyStatus: publishAt ? 'private' : privacy,
    ...(publishAt && { publishAt: publishAt.toISOString() }),
    selfDeclaredMadeForKids: Boolean(context.settings.madeForKids),
    containsSyntheticMedia: false,
  };
}

/** The video resource as the plan has it: the primary language in snippet, the others as localizations. */
function resource(context: PublishContext): Record<string, unknown> {
  const { post, settings } = context;
  const primary = post.defaultLanguage!;
  const localizations = Object.fromEntries(Object.entries(post.localizations ?? {}).filter(([language]) => language !== primary));
  return {
    snippet: { title: post.title, description: post.text, tags: post.tags ?? [], categoryId: String(settings.categoryId ?? '27'), defaultLanguage: primary, defaultAudioLanguage: primary },
    status: statusOf(context, context.scheduleAt),
    ...(Object.keys(localizations).length > 0 && { localizations }),
  };
}

async function upload(context: PublishContext, authorization: () => Promise<string>, video: PlannedMedia): Promise<string> {
  const total = await context.media.size(video);
  const base = (context.settings.uploadBaseUrl ?? context.settings.baseUrl).replace(/\/+$/, '');
  let session = context.progress.session as string | undefined;
  let offset = 0;

  const { default: axios } = await import('axios');
  // axios streams a file body through Node's http with a fraction of fetch's memory; 308 is an answer
  // here (Resume Incomplete), not a redirect to follow.
  const request = async (url: string, init: { method: string; headers: Record<string, string>; body?: unknown }) => {
    const response = await axios.request({
      url,
      method: init.method,
      data: init.body,
      headers: { ...init.headers, authorization: await authorization() },
      maxRedirects: 0,
      validateStatus: () => true,
      timeout: context.timeoutMs,
      maxBodyLength: Number.POSITIVE_INFINITY,
      responseType: 'text',
      transformResponse: [(text: string) => text],
    });
    let body: unknown;
    try {
      body = response.data ? JSON.parse(response.data as string) : undefined;
    } catch {
      body = undefined;
    }
    const headers = { get: (name: string) => (response.headers[name.toLowerCase()] as string | undefined) ?? null, entries: () => Object.entries(response.headers as Record<string, unknown>) };
    return { status: response.status, headers, body: body as Record<string, unknown> | undefined };
  };
  const fail = (status: number, body: unknown, headers: { entries(): Iterable<[string, unknown]> }): never => {
    throw classifyGoogle(status, body as GoogleErrorBody, Object.fromEntries(headers.entries()));
  };
  /** What the session holds: the finished video, or where to continue. */
  const status = async (): Promise<{ video?: string; next: number } | 'gone'> => {
    const answer = await context.call('upload.status', () => request(session!, { method: 'PUT', headers: { 'content-range': `bytes */${total}` } }));
    if (answer.status === 200 || answer.status === 201) return { video: String(answer.body?.id), next: total };
    if (answer.status === 308) return { next: nextByte(answer.headers.get('range')) };
    if (answer.status === 404 || answer.status === 410) return 'gone';
    return fail(answer.status, answer.body, answer.headers);
  };

  if (session) {
    const held = await status();
    if (held !== 'gone') {
      if (held.video) return held.video;
      offset = held.next;
    } else session = undefined;
  }
  if (!session) {
    context.step(`starting the upload of ${video.source}`);
    const started = await context.call('upload.start', async () => {
      const answer = await request(`${base}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status,localizations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=UTF-8', 'x-upload-content-length': String(total), 'x-upload-content-type': video.type },
        body: JSON.stringify(resource(context)),
      });
      if (answer.status !== 200 || !answer.headers.get('location')) fail(answer.status, answer.body, answer.headers);
      return answer.headers.get('location')!;
    });
    session = started;
    context.remember('session', session);
  }

  context.step(`uploading ${video.source}`);
  for (let interruptions = 0; offset < total; ) {
    const end = Math.min(total, offset + chunk);
    let answer: Awaited<ReturnType<typeof request>>;
    try {
      answer = await request(session, {
        method: 'PUT',
        headers: { 'content-range': `bytes ${offset}-${end - 1}/${total}`, 'content-length': String(end - offset), 'content-type': video.type },
        body: await context.media.stream(video, offset, end),
      });
    } catch (error) {
      if (!isNetworkError(error) || ++interruptions > 5) throw error;
      context.step('the upload was interrupted: asking YouTube where to continue');
      const held = await status();
      if (held === 'gone') throw new PublishError('retry', 'the YouTube upload session expired: `ip-post retry` starts a new one');
      if (held.video) return held.video;
      offset = held.next;
      continue;
    }
    if (answer.status === 308) {
      offset = nextByte(answer.headers.get('range'));
      context.sent(offset, total);
      continue;
    }
    if (answer.status === 200 || answer.status === 201) {
      context.sent(total, total);
      return String(answer.body?.id);
    }
    const failure = classifyGoogle(answer.status, answer.body as GoogleErrorBody, Object.fromEntries(answer.headers.entries()));
    if ((failure.kind === 'retry' || failure.kind === 'rate-limit') && ++interruptions <= 5) {
      const wait = failure.retryAfterMs ?? 1000 * interruptions;
      context.step(`${failure.message}: continuing in ${Math.ceil(wait / 1000)} s`);
      await new Promise((resolve) => setTimeout(resolve, wait));
      const held = await status();
      if (held === 'gone') throw new PublishError('retry', 'the YouTube upload session expired: `ip-post retry` starts a new one');
      if (held.video) return held.video;
      offset = held.next;
      continue;
    }
    throw failure;
  }
  const held = await status();
  if (held !== 'gone' && held.video) return held.video;
  throw new PublishError('unknown-outcome', 'YouTube took every byte but did not confirm the video: look in YouTube Studio');
}

/** `Range: bytes=0-N` → N + 1; no Range → nothing stored yet. */
function nextByte(range: string | null): number {
  const last = /bytes=0-(\d+)/.exec(range ?? '')?.[1];
  return last === undefined ? 0 : Number(last) + 1;
}

function headersOf(headers: unknown): Record<string, unknown> | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).entries === 'function') return Object.fromEntries((headers as Headers).entries());
  return headers as Record<string, unknown>;
}

/** A Google API or OAuth error as what happened and what to do (youtube.md §7, §8). */
export function classifyGoogle(status: number, body: GoogleErrorBody | undefined, headers?: Record<string, unknown>): PublishError {
  if (typeof body?.error === 'string') {
    if (body.error === 'invalid_grant') return new PublishError('auth', 'the YouTube refresh token has expired or was revoked: authorise ip-post again and put the new refresh token in IP_POST_YOUTUBE_REFRESH_TOKEN (a consent screen in "Testing" lets tokens last 7 days: publish it)', 'invalid_grant');
    return new PublishError('auth', `Google refused the OAuth client (${body.error}): check IP_POST_YOUTUBE_CLIENT_ID and …_SECRET`, body.error);
  }
  const reason = body?.error?.errors?.[0]?.reason;
  const message = body?.error?.message ?? `HTTP ${status}`;
  const code = reason ? `${status} ${reason}` : String(status);
  if (reason === 'quotaExceeded') {
    const midnight = nextPacificMidnight();
    return new PublishError('limit', `YouTube’s daily quota is used up: it resets at midnight Pacific time (${midnight}); run \`ip-post retry\` after that`, code);
  }
  if (reason === 'uploadLimitExceeded') return new PublishError('limit', 'the YouTube channel has reached its upload limit: try again tomorrow', code);
  if (status === 401) return new PublishError('auth', 'YouTube refused the access token: check the OAuth client and refresh token (`ip-post config`)', code);
  if (reason === 'forbidden' || reason === 'insufficientPermissions' || reason === 'youtubeSignupRequired') return new PublishError('auth', `YouTube refused: ${message}`, code);
  if (status === 429 || reason === 'rateLimitExceeded' || reason === 'uploadRateLimitExceeded') return new PublishError('rate-limit', 'YouTube asks to slow down', code, waitFromHeaders(headers) ?? 30_000);
  if (status >= 500) return new PublishError('retry', `YouTube had a server error (${reason ?? status})`, code);
  return new PublishError('input', `YouTube refused the video: ${message}${reason ? ` (${reason})` : ''}`, code);
}

function nextPacificMidnight(now = new Date()): string {
  const pacific = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const part = (type: string) => Number(pacific.find((item) => item.type === type)!.value);
  const minutesLeft = (24 - part('hour')) * 60 - part('minute');
  const at = new Date(now.getTime() + minutesLeft * 60_000);
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Riga', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }).format(at);
}
