import { createHash } from 'node:crypto';
import type { EmulatorContext, EmulatorFactory } from '../../src/sandbox/emulator.js';
import { json, type Reply, type SandboxRequest } from '../../src/sandbox/http.js';
import type { ReceivedMedia } from '../../src/sandbox/records.js';
import { sniffImage, sniffVideo } from '../../src/sandbox/sniff.js';
import { countHashtags, countMentions } from '../../src/plan/checks.js';
import { accessTokenOf, checkGraphToken, checkGraphVersion, expiredTokenError, graphBoolean, graphError, graphErrorReplies, graphFail, graphList, usageHeaders } from '../meta/graph-sandbox.js';
import { instagramRules } from './index.js';

/**
 * Instagram content publishing as ../shared/platforms/instagram.md describes it: media containers
 * (images pulled from a public address, reels and carousels, resumable video upload), container status
 * that goes IN_PROGRESS → FINISHED (or ERROR), media_publish, the publishing limit, reading media back.
 */

export const instagramSandbox = { userId: '17841400000000001', token: 'sandbox-instagram-token', username: 'intelektaparks' };

type Status = 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED';

interface Container {
  id: string;
  kind: 'IMAGE' | 'REELS' | 'VIDEO' | 'CAROUSEL' | 'STORIES';
  carouselItem: boolean;
  caption?: string;
  children: string[];
  media?: ReceivedMedia;
  /** A video sent by resumable upload is not ready until its bytes arrive. */
  awaitingUpload: boolean;
  pollsLeft: number;
  failsWith?: number;
  createdAt: number;
  publishedAs?: string;
}

const day = 24 * 60 * 60 * 1000;

export const createInstagramEmulator: EmulatorFactory = (context: EmulatorContext) => {
  const { userId } = instagramSandbox;
  const containers = new Map<string, Container>();
  const published: { id: string; at: number }[] = [];
  const created: number[] = [];
  let expiredSince: number | undefined;
  let calls = 0;

  async function read(request: SandboxRequest): Promise<Record<string, unknown>> {
    checkGraphVersion(request.params.version);
    const { fields } = await request.parameters();
    checkGraphToken(accessTokenOf(request, fields), instagramSandbox.token, expiredSince);
    return fields;
  }

  function checkUser(request: SandboxRequest): void {
    if (request.params.userId !== userId) graphFail(`Unsupported post request. Object with ID '${request.params.userId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, { code: 100, subcode: 33, type: 'GraphMethodException' });
  }

  const contentError = (code: number, subcode: number, message: string, title: string) => graphFail(message, { code, subcode, userTitle: title, userMessage: message, transient: false });

  function statusOf(container: Container): Status {
    if (container.publishedAs) return 'PUBLISHED';
    if (context.now() - container.createdAt > day) return 'EXPIRED';
    if (container.failsWith !== undefined && !container.awaitingUpload && container.pollsLeft <= 0) return 'ERROR';
    if (container.kind === 'CAROUSEL') {
      const states = container.children.map((id) => statusOf(containers.get(id)!));
      return states.includes('ERROR') ? 'ERROR' : states.every((state) => state === 'FINISHED') ? 'FINISHED' : 'IN_PROGRESS';
    }
    return container.awaitingUpload || container.pollsLeft > 0 ? 'IN_PROGRESS' : 'FINISHED';
  }

  /** Instagram fetches the image itself, and refuses what is not a JPEG of the right size and shape. */
  async function pullImage(url: string): Promise<ReceivedMedia> {
    const fetched = await context.fetch(url).catch(() => undefined);
    if (!fetched || fetched.status !== 200) contentError(9004, 2207052, 'The media could not be fetched from this URI. Please check that it is public and reachable.', 'Media download has failed');
    const image = sniffImage(fetched!.bytes);
    if (!image || image.type !== 'image/jpeg') contentError(36001, 2207005, 'The image format is not supported. Only JPEG images can be published.', 'Unsupported format');
    if (fetched!.bytes.length > instagramRules.image.bytes) contentError(36000, 2207004, 'The image is too large to download. It should be less than 8 MiB.', 'Image is too large');
    const aspect = image!.width / image!.height;
    if (aspect < instagramRules.image.minAspect || aspect > instagramRules.image.maxAspect) contentError(36003, 2207009, 'The submitted image with aspect ratio is out of the allowed range (4:5 to 1.91:1).', 'Aspect ratio not supported');
    return { type: image!.type, bytes: fetched!.bytes.length, sha256: createHash('sha256').update(fetched!.bytes).digest('hex'), url };
  }

  async function pullVideo(url: string): Promise<ReceivedMedia> {
    const fetched = await context.fetch(url).catch(() => undefined);
    if (!fetched || fetched.status !== 200) contentError(9004, 2207052, 'The media could not be fetched from this URI. Please check that it is public and reachable.', 'Media download has failed');
    const type = sniffVideo(fetched!.bytes);
    if (type !== 'video/mp4' && type !== 'video/quicktime') contentError(352, 2207026, 'The video format is not supported. Please check the spec for supported formats.', 'Unsupported video format');
    return { type: type!, bytes: fetched!.bytes.length, sha256: createHash('sha256').update(fetched!.bytes).digest('hex'), url };
  }

  function checkCaption(caption: string | undefined): void {
    if (caption === undefined) return;
    if (caption.length > instagramRules.captionLength) contentError(36004, 2207010, 'The caption is too long. It can be at most 2,200 characters.', 'Caption too long');
    if (countMentions(caption) > instagramRules.mentions) contentError(100, 2207040, 'Cannot use more than 20 @ mentions in a caption.', 'Too many mentions');
    if (countHashtags(caption) > instagramRules.hashtags) graphFail('(#100) The caption has more than 30 hashtags.', { code: 100, userTitle: 'Too many hashtags', userMessage: 'A caption can have at most 30 hashtags.' });
  }

  function containerFields(container: Container, wanted: string[]): Record<string, unknown> {
    const status = statusOf(container);
    if (container.pollsLeft > 0 && !container.awaitingUpload) container.pollsLeft--;
    const all: Record<string, unknown> = {
      status_code: status,
      ...(status === 'ERROR' && { status: `Error: Media upload has failed with error code ${container.failsWith}` }),
      ...(status === 'FINISHED' && { status: 'Finished: Media has been uploaded and it is ready to be published.' }),
      ...(status === 'IN_PROGRESS' && { status: 'In Progress: Media is still being processed.' }),
    };
    return { ...Object.fromEntries(Object.entries(all).filter(([key]) => wanted.includes(key))), id: container.id };
  }

  return {
    credentials: { IP_POST_INSTAGRAM_TOKEN: instagramSandbox.token },
    settings: () => ({ account: `@${instagramSandbox.username}`, userId, baseUrl: context.baseUrl, uploadBaseUrl: `${context.baseUrl}/rupload` }),
    expireToken: (expired = true) => (expiredSince = expired ? context.now() : undefined),
    headers: () => usageHeaders(userId, 'instagram', ++calls),
    errorReply: (kind, message) => graphErrorReplies[kind](message),

    faultReply(fault): Reply {
      switch (fault.kind) {
        case 'rate-limit':
          return graphError('(#4) Application request limit reached', { code: 4, transient: true, data: { estimated_time_to_regain_access: Math.ceil((fault.spec.retryAfter ?? 300) / 60) } });
        case 'expired-token':
          return expiredTokenError(context.now());
        case 'duplicate':
          return graphError('Action is blocked: the post may still have been published.', { code: 4, subcode: 2207051, userTitle: 'Action Is Blocked', userMessage: 'We restrict certain activity to protect our community.' });
        default:
          return graphError('An unexpected error has occurred. Please retry your request later.', { code: -1, subcode: 2207001, transient: true, status: fault.spec.status ?? 500 });
      }
    },

    routes: [
      {
        method: 'POST',
        path: '/{version}/:userId/media',
        name: 'media.create',
        async handle(request) {
          const fields = await read(request);
          checkUser(request);
          const now = context.now();
          while (created.length && created[0]! <= now - day) created.shift();
          if (created.length >= 400) contentError(9, 2207042, 'You have created too many containers in 24 hours.', 'Limit reached');
          const type = typeof fields.media_type === 'string' ? fields.media_type.toUpperCase() : undefined;
          const carouselItem = graphBoolean(fields.is_carousel_item, false);
          const caption = typeof fields.caption === 'string' ? fields.caption : undefined;
          const resumable = fields.upload_type === 'resumable';
          const kind = (type ?? (fields.video_url ? 'VIDEO' : 'IMAGE')) as Container['kind'];
          if (!['IMAGE', 'REELS', 'VIDEO', 'CAROUSEL', 'STORIES'].includes(kind)) contentError(100, 2207023, 'The media type is unknown.', 'Unknown media type');
          if (kind === 'VIDEO' && !carouselItem && !resumable) graphFail('(#100) The media_type VIDEO is only for carousel items; single videos are REELS.', { code: 100, subcode: 2207023 });
          if (carouselItem && caption !== undefined) graphFail('(#100) Carousel items cannot have a caption; put it on the CAROUSEL container.', { code: 100 });
          if (fields.alt_text !== undefined && (kind !== 'IMAGE' || typeof fields.alt_text !== 'string')) graphFail('(#100) alt_text is supported for images only.', { code: 100 });
          if (typeof fields.alt_text === 'string' && fields.alt_text.length > instagramRules.altTextLength) graphFail('(#100) alt_text can be at most 1,000 characters.', { code: 100 });
          checkCaption(caption);

          const container: Container = { id: context.newId(), kind, carouselItem, caption, children: [], awaitingUpload: false, pollsLeft: 0, createdAt: now };
          if (kind === 'CAROUSEL') {
            const children = (graphList(fields, 'children') ?? []).map(String);
            if (children.length < instagramRules.carousel.min || children.length > instagramRules.carousel.max) contentError(100, 2207028, 'A carousel must have 2 to 10 items.', 'Carousel item count');
            for (const child of children) {
              const item = containers.get(child);
              if (!item || !item.carouselItem) graphFail(`(#100) The child ${child} is not a carousel item container of this user.`, { code: 100 });
            }
            container.children = children;
          } else if (kind === 'IMAGE' || (kind === 'STORIES' && fields.image_url)) {
            if (typeof fields.image_url !== 'string') graphFail('(#100) The parameter image_url is required', { code: 100 });
            container.media = { ...(await pullImage(fields.image_url as string)), ...(typeof fields.alt_text === 'string' && { alt: fields.alt_text }) };
          } else if (resumable) {
            container.awaitingUpload = true;
          } else {
            if (typeof fields.video_url !== 'string') graphFail('(#100) The parameter video_url is required', { code: 100 });
            container.media = await pullVideo(fields.video_url as string);
            container.pollsLeft = context.options.processingPolls;
          }
          if (kind !== 'CAROUSEL' && context.faults.take('instagram', 'media.create', ['container-error'])) container.failsWith = 2207082;
          containers.set(container.id, container);
          created.push(now);
          if (resumable) return json(200, { id: container.id, uri: `${context.baseUrl}/rupload/ig-api-upload/${request.params.version}/${container.id}` });
          return json(200, { id: container.id });
        },
      },
      {
        method: 'POST',
        path: '/rupload/ig-api-upload/{version}/:containerId',
        name: 'media.upload',
        async handle(request) {
          const bytes = await request.buffer();
          const token = /^OAuth (.+)$/.exec(request.header('authorization') ?? '')?.[1];
          if (token !== instagramSandbox.token || expiredSince !== undefined) return json(401, { debug_info: { retriable: false, type: 'AuthError', message: 'Invalid OAuth access token.' } });
          const container = containers.get(request.params.containerId!);
          if (!container || !container.awaitingUpload) return json(400, { debug_info: { retriable: false, type: 'ProcessingFailedError', message: 'No resumable upload is waiting for this container.' } });
          const offset = Number(request.header('offset') ?? 0);
          const size = Number(request.header('file_size') ?? bytes.length);
          const fileUrl = request.header('file_url');
          let media: Buffer = bytes;
          if (fileUrl) {
            const fetched = await context.fetch(fileUrl).catch(() => undefined);
            if (!fetched || fetched.status !== 200) return json(400, { debug_info: { retriable: false, type: 'ProcessingFailedError', message: 'The file could not be fetched from file_url.' } });
            media = fetched.bytes;
          } else if (offset !== 0 || bytes.length !== size) {
            return json(400, { debug_info: { retriable: true, type: 'ProcessingFailedError', message: `Send the whole file from offset 0 (file_size ${size}, got ${bytes.length} bytes at offset ${offset}).` } });
          }
          const type = sniffVideo(media);
          if (type !== 'video/mp4' && type !== 'video/quicktime') {
            container.awaitingUpload = false;
            container.failsWith = 2207026;
          } else {
            container.media = { type, bytes: media.length, sha256: createHash('sha256').update(media).digest('hex') };
            container.awaitingUpload = false;
            container.pollsLeft = context.options.processingPolls;
          }
          return json(200, { success: true, message: 'Upload successful. Media will be processed shortly.' });
        },
      },
      {
        method: 'POST',
        path: '/{version}/:userId/media_publish',
        name: 'media.publish',
        async handle(request) {
          const fields = await read(request);
          checkUser(request);
          const container = containers.get(String(fields.creation_id ?? ''));
          if (!container || container.carouselItem) graphFail(`(#100) Param creation_id must be a container of this user`, { code: 100 });
          const status = statusOf(container!);
          if (status === 'EXPIRED') contentError(-2, 2207020, 'The media has expired: publish within 24 hours of creating the container.', 'Media expired');
          if (status === 'PUBLISHED') graphFail('(#100) This container has already been published.', { code: 100, subcode: 2207027 });
          if (status === 'ERROR') contentError(-1, 2207053, 'An unknown error occurred while uploading the media.', 'Upload failed');
          if (status !== 'FINISHED') graphFail('Media ID is not available', { code: 9007, subcode: 2207027, userTitle: 'Media Not Ready For Publishing', userMessage: 'The media is not ready for publishing, please wait for a moment' });
          const now = context.now();
          while (published.length && published[0]!.at <= now - day) published.shift();
          if (published.length >= context.options.instagramPostsPerDay) contentError(9, 2207042, 'You have reached the maximum number of posts allowed in 24 hours.', 'Publishing limit reached');
          const id = context.newId();
          container!.publishedAs = id;
          published.push({ id, at: now });
          const items = container!.kind === 'CAROUSEL' ? container!.children.map((child) => containers.get(child)!) : [container!];
          for (const item of items) item.publishedAs ??= id;
          const shortcode = createHash('sha1').update(id).digest('base64url').slice(0, 11);
          context.records.add({
            platform: 'instagram',
            id,
            kind: { IMAGE: 'image', REELS: 'reel', VIDEO: 'video', CAROUSEL: 'carousel', STORIES: 'story' }[container!.kind],
            account: `@${instagramSandbox.username}`,
            text: container!.caption ?? '',
            media: items.map((item) => item.media!).filter(Boolean),
            published: true,
            createdAt: new Date(now).toISOString(),
            permalink: `https://www.instagram.com/${container!.kind === 'REELS' ? 'reel' : 'p'}/${shortcode}/`,
          });
          return json(200, { id });
        },
      },
      {
        method: 'GET',
        path: '/{version}/:userId/content_publishing_limit',
        name: 'content_publishing_limit',
        async handle(request) {
          await read(request);
          checkUser(request);
          const since = context.now() - day;
          return json(200, { data: [{ quota_usage: published.filter((item) => item.at > since).length, config: { quota_total: context.options.instagramPostsPerDay, quota_duration: 86_400 } }] });
        },
      },
      {
        method: 'GET',
        path: '/{version}/:userId/media',
        name: 'media.list',
        async handle(request) {
          await read(request);
          checkUser(request);
          const data = context.records
            .list('instagram')
            .reverse()
            .map((post) => ({ id: post.id, caption: post.text, timestamp: post.createdAt.replace(/\.\d+Z$/, '+0000'), permalink: post.permalink }));
          return json(200, { data, paging: {} });
        },
      },
      {
        method: 'GET',
        path: '/{version}/:objectId',
        name: 'objects.get',
        async handle(request) {
          const fields = await read(request);
          const wanted = String(fields.fields ?? 'id').split(',');
          const id = request.params.objectId!;
          if (id === userId) return json(200, { id, username: instagramSandbox.username, user_id: userId });
          const container = containers.get(id);
          if (container) return json(200, containerFields(container, wanted));
          const post = context.records.find('instagram', id);
          if (post) {
            const all = { id, caption: post.text, media_type: post.kind === 'carousel' ? 'CAROUSEL_ALBUM' : post.kind === 'image' ? 'IMAGE' : 'VIDEO', media_product_type: post.kind === 'reel' ? 'REELS' : 'FEED', permalink: post.permalink, timestamp: post.createdAt.replace(/\.\d+Z$/, '+0000') };
            return json(200, Object.fromEntries(Object.entries(all).filter(([key]) => key === 'id' || wanted.includes(key))));
          }
          return graphError(`Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, { code: 100, subcode: 33, type: 'GraphMethodException' });
        },
      },
    ],
  };
};
