import { createHash } from 'node:crypto';
import type { EmulatorContext, EmulatorFactory } from '../../src/sandbox/emulator.js';
import { json, type Reply, type SandboxRequest, type UploadedFile } from '../../src/sandbox/http.js';
import type { PublishedPost, ReceivedMedia } from '../../src/sandbox/records.js';
import { sniffImage, sniffVideo } from '../../src/sandbox/sniff.js';
import { accessTokenOf, checkGraphToken, checkGraphVersion, expiredTokenError, graphBoolean, graphError, graphErrorReplies, graphFail, graphList, usageHeaders } from '../meta/graph-sandbox.js';
import { facebookRules } from './index.js';

/**
 * A Facebook Page through the Graph API as ../shared/platforms/facebook.md describes it: feed posts
 * (with links, scheduling and attached photos), photos by URL or upload, videos by the legacy chunked,
 * resumable and simple uploads, reading posts back, updating and deleting them, Graph errors and usage
 * headers. A scheduled post goes public when the sandbox's clock reaches its time (see Records).
 */

export const facebookSandbox = {
  pageId: '100000000000001',
  appId: '200000000000002',
  pageToken: 'sandbox-facebook-page-token',
  userToken: 'sandbox-facebook-user-token',
};

interface Photo {
  id: string;
  media: ReceivedMedia;
  caption?: string;
  published: boolean;
  attachedTo?: string;
}

interface Video {
  id: string;
  size: number;
  received: number;
  hash: ReturnType<typeof createHash>;
  type: string;
  sessionId: string;
  chunk: number;
}

interface Upload {
  id: string;
  length: number;
  type: string;
  received: number;
  hash: ReturnType<typeof createHash>;
  handle?: string;
}

const minutes = 60 * 1000;

export const createFacebookEmulator: EmulatorFactory = (context: EmulatorContext) => {
  const { pageId } = facebookSandbox;
  const posts = new Map<string, PublishedPost>();
  const photos = new Map<string, Photo>();
  const videos = new Map<string, Video>();
  const uploads = new Map<string, Upload>();
  const handles = new Map<string, Upload>();
  let lastMessage: string | undefined;
  let expiredSince: number | undefined;
  let calls = 0;

  async function read(request: SandboxRequest, token = facebookSandbox.pageToken): Promise<{ fields: Record<string, unknown>; files: Record<string, UploadedFile> }> {
    checkGraphVersion(request.params.version);
    const body = await request.parameters();
    checkGraphToken(accessTokenOf(request, body.fields), token, expiredSince);
    return body;
  }

  function unknownObject(method: 'get' | 'post', id: string | undefined): never {
    return graphFail(`Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, {
      code: 100,
      subcode: 33,
      type: 'GraphMethodException',
    });
  }

  function checkPage(request: SandboxRequest): void {
    if (request.params.pageId !== pageId) unknownObject('post', request.params.pageId);
  }

  /** `published` and `scheduled_publish_time` as the Graph API checks them. */
  function schedule(fields: Record<string, unknown>): { published: boolean; scheduledAt?: number } {
    const published = graphBoolean(fields.published, true);
    if (fields.scheduled_publish_time === undefined) return { published };
    if (published) graphFail('(#100) You cannot specify a scheduled publish time on a published post', { code: 100 });
    return { published: false, scheduledAt: scheduledTime(fields.scheduled_publish_time) };
  }

  /** A `scheduled_publish_time` (unix seconds or a date string), which must be 10 minutes to 30 days ahead. */
  function scheduledTime(raw: unknown): number {
    const at = typeof raw === 'number' || /^\d+$/.test(String(raw)) ? Number(raw) * 1000 : Date.parse(String(raw));
    const now = context.now();
    if (Number.isNaN(at) || at < now + 10 * minutes || at > now + 30 * 24 * 60 * minutes) {
      graphFail('(#100) The specified scheduled publish time is invalid.', { code: 100, userMessage: 'The scheduled time must be between 10 minutes and 30 days from now.' });
    }
    return at;
  }

  const isScheduled = (post: PublishedPost) => !post.published && post.scheduledAt !== undefined;

  /** `POST /{post-id}`: a new message; while the post is scheduled, a new time or `is_published=true` to publish it now. */
  function updatePost(post: PublishedPost, fields: Record<string, unknown>): void {
    const { message, scheduled_publish_time: newTime } = fields;
    const publishNow = fields.is_published === undefined ? undefined : graphBoolean(fields.is_published, false);
    if (message === undefined && newTime === undefined && publishNow === undefined) graphFail('(#100) Give message, scheduled_publish_time or is_published to update a post', { code: 100 });
    if (message !== undefined && typeof message !== 'string') graphFail('(#100) Param message must be a string', { code: 100 });
    if (newTime !== undefined && (post.published || publishNow)) graphFail('(#100) You cannot specify a scheduled publish time on a published post', { code: 100 });
    if (newTime !== undefined && !isScheduled(post)) graphFail('(#100) Only a scheduled post can be given a new scheduled publish time', { code: 100 });
    if (publishNow === false && post.published) graphFail('(#100) A published post cannot be unpublished', { code: 100 });
    const at = newTime === undefined ? undefined : scheduledTime(newTime);
    if (typeof message === 'string') post.text = message;
    if (at !== undefined) post.scheduledAt = new Date(at).toISOString();
    if (publishNow && !post.published) publishAtOnce(post);
  }

  /** A scheduled or unpublished post made public at once: it is no longer scheduled for any time. */
  function publishAtOnce(post: PublishedPost): void {
    post.published = true;
    delete post.scheduledAt;
    if (!context.records.find('facebook', post.id)) context.records.add(post);
  }

  function record(kind: string, id: string, fields: { text?: string; link?: string; media: ReceivedMedia[]; published: boolean; scheduledAt?: number }): PublishedPost {
    const post: PublishedPost = {
      platform: 'facebook',
      id,
      kind,
      account: 'Intelekta parks (sandbox)',
      ...(fields.text !== undefined && { text: fields.text }),
      ...(fields.link && { link: fields.link }),
      media: fields.media,
      published: fields.published,
      ...(fields.scheduledAt && { scheduledAt: new Date(fields.scheduledAt).toISOString() }),
      createdAt: new Date(context.now()).toISOString(),
      permalink: `https://www.facebook.com/${id}`,
    };
    posts.set(id, post);
    if (fields.published || fields.scheduledAt) context.records.add(post);
    return post;
  }

  function checkDuplicate(message: string | undefined): void {
    if (message && message === lastMessage) {
      graphFail('(#506) Duplicate status message', { code: 506, userTitle: 'Duplicate Post', userMessage: 'This status update is identical to the last one you posted. Try posting something different, or delete your previous update.' });
    }
  }

  /** An image as Facebook takes it: from the upload, or fetched from `url`. */
  async function photoBytes(fields: Record<string, unknown>, files: Record<string, UploadedFile>): Promise<ReceivedMedia> {
    const file = files.source;
    if (file && fields.url !== undefined) graphFail('(#100) Give either url or source, not both', { code: 100 });
    let bytes: Buffer;
    let url: string | undefined;
    if (file) bytes = file.bytes;
    else if (typeof fields.url === 'string') {
      url = fields.url;
      const fetched = await context.fetch(url).catch(() => undefined);
      if (!fetched || fetched.status !== 200) graphFail('(#100) url should represent a valid URL', { code: 100 });
      bytes = fetched!.bytes;
    } else return graphFail('(#324) Requires upload file', { code: 324 });
    const image = sniffImage(bytes);
    if (!image) graphFail('(#324) Missing or invalid image file', { code: 324 });
    if (!facebookRules.photos.types.includes(image!.type)) graphFail(`(#100) Unsupported image type ${image!.type}`, { code: 100 });
    if (bytes.length >= facebookRules.photos.bytes) graphFail('(#100) The image is too large: photos must be under 10 MB', { code: 100 });
    return { type: image!.type, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), ...(url && { url }) };
  }

  function createVideo(sessionId: string, size: number, type: string): Video {
    const video: Video = { id: context.newId(), size, received: 0, hash: createHash('sha256'), type, sessionId, chunk: 1024 * 1024 };
    videos.set(video.id, video);
    return video;
  }

  function publishVideo(video: { id: string; type: string; size: number; sha256: string }, fields: Record<string, unknown>): void {
    const { published, scheduledAt } = schedule(fields);
    const text = (fields.description as string | undefined) ?? '';
    checkDuplicate(text || undefined);
    if (published && text) lastMessage = text;
    record('video post', video.id, { text, media: [{ type: video.type, bytes: video.size, sha256: video.sha256 }], published, scheduledAt });
  }

  /** Step 2 of the resumable upload: bytes at `file_offset` into an upload session (facebook.md §6a). */
  async function transfer(request: SandboxRequest, id: string): Promise<Reply> {
    const upload = uploads.get(id);
    if (!upload) {
      await request.buffer();
      return graphFail(`Unsupported post request. Object with ID '${id}' does not exist`, { code: 100, subcode: 33, type: 'GraphMethodException' });
    }
    const bytes = await request.buffer();
    checkGraphToken(accessTokenOf(request, {}), facebookSandbox.userToken, expiredSince);
    const offset = Number(request.header('file_offset') ?? 0);
    if (offset !== upload.received) graphFail(`(#100) file_offset must be ${upload.received}`, { code: 100, data: { file_offset: upload.received } });
    upload.hash.update(bytes);
    upload.received += bytes.length;
    if (upload.received > upload.length) graphFail('(#100) More bytes than file_length', { code: 100 });
    if (upload.received < upload.length) return json(200, { id: upload.id, file_offset: upload.received });
    upload.handle = upload.hash.digest('hex');
    const handle = `2:${Buffer.from(upload.handle).toString('base64url')}`;
    handles.set(handle, upload);
    return json(200, { h: handle });
  }

  /** When a post went public, for the feed's order: a scheduled one at its time. */
  const publishedAt = (post: PublishedPost) => Date.parse(post.scheduledAt ?? post.createdAt);

  function postFields(post: PublishedPost, wanted: string[]): Record<string, unknown> {
    const all: Record<string, unknown> = {
      id: post.id,
      message: post.text,
      created_time: post.createdAt.replace(/\.\d+Z$/, '+0000'),
      permalink_url: post.permalink,
      is_published: post.published,
      ...(post.scheduledAt && { scheduled_publish_time: Math.floor(Date.parse(post.scheduledAt) / 1000) }),
    };
    return Object.fromEntries(Object.entries(all).filter(([key]) => key === 'id' || wanted.includes(key)));
  }

  return {
    credentials: { IP_POST_FACEBOOK_TOKEN: facebookSandbox.pageToken },
    settings: () => ({ account: 'Intelekta parks (sandbox)', pageId, baseUrl: context.baseUrl, uploadBaseUrl: context.baseUrl }),
    expireToken: (expired = true) => (expiredSince = expired ? context.now() : undefined),
    headers: () => usageHeaders(pageId, 'pages', ++calls),
    errorReply: (kind, message) => graphErrorReplies[kind](message),

    faultReply(fault): Reply {
      switch (fault.kind) {
        case 'rate-limit':
          return {
            ...graphError('(#32) Page request limit reached', { code: 32, data: { estimated_time_to_regain_access: Math.ceil((fault.spec.retryAfter ?? 300) / 60) } }),
            headers: { 'x-business-use-case-usage': JSON.stringify({ [pageId]: [{ type: 'pages', call_count: 100, total_cputime: 100, total_time: 100, estimated_time_to_regain_access: Math.ceil((fault.spec.retryAfter ?? 300) / 60) }] }) },
          };
        case 'expired-token':
          return expiredTokenError(context.now());
        case 'duplicate':
          return graphError('(#506) Duplicate status message', { code: 506 });
        default:
          return graphError('(#2) Service temporarily unavailable', { code: 2, transient: true, status: fault.spec.status ?? 500 });
      }
    },

    routes: [
      {
        method: 'POST',
        path: '/{version}/:pageId/feed',
        name: 'feed.create',
        async handle(request) {
          const { fields } = await read(request);
          checkPage(request);
          const message = typeof fields.message === 'string' ? fields.message : undefined;
          const link = typeof fields.link === 'string' ? fields.link : undefined;
          const attached = graphList(fields, 'attached_media') ?? [];
          if (!message && !link && attached.length === 0) graphFail('(#197) Post is empty.', { code: 197 });
          if (link && !/^https?:\/\/[^\s/]+\.[^\s]+$/.test(link)) graphFail('(#1500) The url you supplied is invalid', { code: 1500 });
          const attachedPhotos = attached.map((item) => {
            const id = String((item as { media_fbid?: unknown })?.media_fbid ?? '');
            const photo = photos.get(id);
            if (!photo || photo.published || photo.attachedTo) graphFail(`(#100) param attached_media[${id}] must be an unpublished photo of this Page that is not attached yet`, { code: 100 });
            return photo!;
          });
          const { published, scheduledAt } = schedule(fields);
          checkDuplicate(message);
          const id = `${pageId}_${context.newId()}`;
          for (const photo of attachedPhotos) photo.attachedTo = id;
          record(attachedPhotos.length > 1 ? 'multi-photo post' : attachedPhotos.length ? 'photo post' : link ? 'link post' : 'text post', id, {
            text: message,
            link,
            media: attachedPhotos.map((photo) => photo.media),
            published,
            scheduledAt,
          });
          if (published && message) lastMessage = message;
          return json(200, { id });
        },
      },
      {
        method: 'POST',
        path: '/{version}/:pageId/photos',
        name: 'photos.create',
        async handle(request) {
          const { fields, files } = await read(request);
          checkPage(request);
          const media = await photoBytes(fields, files);
          const caption = (fields.caption ?? fields.message) as string | undefined;
          if (typeof fields.alt_text_custom === 'string') media.alt = fields.alt_text_custom;
          const { published, scheduledAt } = schedule(fields);
          const id = context.newId();
          // `temporary=true` (for photos a scheduled post will attach) is accepted: unpublished photos are kept here either way.
          const photo: Photo = { id, media, caption, published };
          photos.set(id, photo);
          if (!published && !scheduledAt) return json(200, { id });
          checkDuplicate(caption);
          const postId = `${pageId}_${context.newId()}`;
          photo.attachedTo = postId;
          record('photo post', postId, { text: caption, media: [media], published, scheduledAt });
          if (published && caption) lastMessage = caption;
          return json(200, { id, post_id: postId });
        },
      },
      {
        method: 'POST',
        path: '/{version}/:pageId/videos',
        name: 'videos.create',
        async handle(request) {
          const { fields, files } = await read(request);
          checkPage(request);
          const phase = fields.upload_phase;
          if (phase === 'start') {
            const size = Number(fields.file_size);
            if (!Number.isInteger(size) || size <= 0) graphFail('(#100) file_size must be a positive integer', { code: 100 });
            const video = createVideo(context.newId(), size, 'video/mp4');
            return json(200, { video_id: video.id, upload_session_id: video.sessionId, start_offset: '0', end_offset: String(Math.min(size, video.chunk)) });
          }
          const video = phase === undefined ? undefined : [...videos.values()].find((item) => item.sessionId === fields.upload_session_id);
          if (phase !== undefined && !video) graphFail('(#100) Invalid upload_session_id', { code: 100 });
          if (phase === 'transfer') {
            const chunk = files.video_file_chunk;
            const start = Number(fields.start_offset);
            if (!chunk) graphFail('(#100) video_file_chunk is required', { code: 100 });
            if (start !== video!.received) {
              graphFail('(#6000) There was a problem uploading your video file. Please try again.', { code: 6000, subcode: 1363037, data: { start_offset: video!.received, end_offset: Math.min(video!.size, video!.received + video!.chunk) } });
            }
            if (video!.received === 0) video!.type = sniffVideo(chunk!.bytes) ?? chunk!.type;
            video!.hash.update(chunk!.bytes);
            video!.received += chunk!.bytes.length;
            if (video!.received > video!.size) graphFail('(#100) More bytes than file_size', { code: 100 });
            return json(200, { start_offset: String(video!.received), end_offset: String(Math.min(video!.size, video!.received + video!.chunk)) });
          }
          if (phase === 'finish') {
            if (video!.received !== video!.size) graphFail(`(#100) The upload is incomplete: ${video!.received} of ${video!.size} bytes`, { code: 100 });
            publishVideo({ id: video!.id, type: video!.type, size: video!.size, sha256: video!.hash.digest('hex') }, fields);
            videos.delete(video!.id);
            return json(200, { success: true });
          }
          if (phase === 'cancel') {
            videos.delete(video!.id);
            return json(200, { success: true });
          }
          if (phase !== undefined) graphFail('(#100) upload_phase must be start, transfer, finish or cancel', { code: 100 });

          const handle = typeof fields.fbuploader_video_file_chunk === 'string' ? handles.get(fields.fbuploader_video_file_chunk) : undefined;
          let media: { type: string; size: number; sha256: string };
          if (handle) media = { type: handle.type, size: handle.length, sha256: handle.handle! };
          else if (files.source) media = { type: sniffVideo(files.source.bytes) ?? files.source.type, size: files.source.size, sha256: files.source.sha256 };
          else if (typeof fields.file_url === 'string') {
            const fetched = await context.fetch(fields.file_url).catch(() => undefined);
            if (!fetched || fetched.status !== 200) graphFail('(#100) file_url should represent a valid URL', { code: 100 });
            media = { type: sniffVideo(fetched!.bytes) ?? fetched!.type, size: fetched!.bytes.length, sha256: createHash('sha256').update(fetched!.bytes).digest('hex') };
          } else return graphFail('(#100) Give source, file_url, fbuploader_video_file_chunk or upload_phase', { code: 100 });
          if (!media.type.startsWith('video/')) graphFail('(#352) The video file you selected is in a format that we don\'t support.', { code: 352 });
          const id = context.newId();
          publishVideo({ id, ...media }, fields);
          return json(200, { id });
        },
      },
      {
        method: 'POST',
        path: '/{version}/:appId/uploads',
        name: 'uploads.start',
        async handle(request) {
          const { fields } = await read(request, facebookSandbox.userToken);
          if (request.params.appId !== facebookSandbox.appId) graphFail(`(#100) Unknown app ${request.params.appId}`, { code: 100 });
          const length = Number(fields.file_length);
          if (!Number.isInteger(length) || length <= 0) graphFail('(#100) file_length must be a positive integer', { code: 100 });
          const id = `upload:${Buffer.from(`sandbox:${context.newId()}`).toString('base64url')}`;
          uploads.set(id, { id, length, type: String(fields.file_type ?? 'application/octet-stream'), received: 0, hash: createHash('sha256') });
          return json(200, { id });
        },
      },
      {
        method: 'POST',
        path: '/{version}/upload:{session}',
        name: 'uploads.transfer',
        handle: (request) => transfer(request, `upload:${request.params.session}`),
      },
      {
        method: 'POST',
        path: '/{version}/:objectId',
        name: 'objects.update',
        async handle(request) {
          const id = request.params.objectId!;
          if (id.startsWith('upload:')) return transfer(request, id); // an upload session with its colon sent as %3A
          const { fields } = await read(request);
          const post = posts.get(id) ?? unknownObject('post', id);
          updatePost(post, fields);
          return json(200, { success: true });
        },
      },
      {
        method: 'GET',
        path: '/{version}/:pageId/feed',
        name: 'feed.list',
        async handle(request) {
          const { fields } = await read(request);
          checkPage(request);
          const wanted = String(fields.fields ?? 'message,created_time').split(',');
          const limit = Math.min(100, Number(fields.limit ?? 25));
          const newestFirst = [...posts.values()].filter((post) => post.published).reverse().sort((a, b) => publishedAt(b) - publishedAt(a));
          const data = newestFirst.slice(0, limit).map((post) => postFields(post, wanted));
          return json(200, { data, paging: {} });
        },
      },
      {
        method: 'GET',
        path: '/{version}/:pageId/scheduled_posts',
        name: 'scheduled_posts.list',
        async handle(request) {
          const { fields } = await read(request);
          checkPage(request);
          const wanted = String(fields.fields ?? 'message,created_time,scheduled_publish_time').split(',');
          return json(200, { data: [...posts.values()].filter(isScheduled).map((post) => postFields(post, wanted)), paging: {} });
        },
      },
      {
        method: 'GET',
        path: '/{version}/:objectId',
        name: 'objects.get',
        async handle(request) {
          const id = request.params.objectId!;
          if (id.startsWith('upload:')) {
            checkGraphToken(accessTokenOf(request, Object.fromEntries(request.query)), facebookSandbox.userToken, expiredSince);
            const upload = uploads.get(id);
            return upload ? json(200, { id, file_offset: upload.received }) : graphError(`Object with ID '${id}' does not exist`, { code: 100, subcode: 33 });
          }
          const { fields } = await read(request);
          const wanted = String(fields.fields ?? 'message,created_time').split(',');
          if (id === pageId) return json(200, { id, name: 'Intelekta parks (sandbox)' });
          const post = posts.get(id);
          if (post) return json(200, post.kind === 'video post' ? { ...postFields(post, wanted), description: post.text, status: { video_status: 'ready' } } : postFields(post, wanted));
          const photo = photos.get(id);
          if (photo) return json(200, { id, ...(photo.caption !== undefined && { name: photo.caption }), ...(photo.media.alt !== undefined && { alt_text_custom: photo.media.alt }) });
          return unknownObject('get', id);
        },
      },
      {
        method: 'DELETE',
        path: '/{version}/:objectId',
        name: 'objects.delete',
        async handle(request) {
          await read(request);
          const id = request.params.objectId!;
          if (!posts.delete(id) && !photos.delete(id)) graphFail(`(#100) Object with ID '${id}' does not exist`, { code: 100, subcode: 33 });
          context.records.remove('facebook', id);
          return json(200, { success: true });
        },
      },
    ],
  };
};
