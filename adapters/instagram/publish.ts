import type { AxiosInstance } from 'axios';
import { nowMs } from '../../src/clock.js';
import { PublishError } from '../../src/publish/errors.js';
import type { PublishContext, Publisher } from '../../src/publish/types.js';
import type { PlannedMedia } from '../../src/plan/types.js';
import { classifyGraph, graphClient } from '../meta/graph-publish.js';

/**
 * Publishing on Instagram (instagram.md §2–§4): a container per image (pulled from the media host) or
 * video (sent by the resumable upload), a CAROUSEL container around several, status polls until FINISHED,
 * then media_publish — the one call that makes it public, looked for before it is ever sent again.
 */

interface Container {
  id: string;
  createdAt: number;
}

const day = 24 * 60 * 60 * 1000;

export const publisher: Publisher = {
  classify: (error) => classifyGraph(error, 'instagram'),

  async publish(context) {
    const userId = context.settings.userId;
    if (typeof userId !== 'string' || !userId) throw new PublishError('input', 'set platforms.instagram.userId in config (the Instagram professional account id)');
    const graph = await graphClient(context, 'accessTokenEnv');
    const { post } = context;

    const { data: limit } = await context.call('limit', () => graph.get(`/${userId}/content_publishing_limit`, { params: { fields: 'quota_usage,config' } }));
    const quota = (limit.data as { quota_usage: number; config: { quota_total: number } }[] | undefined)?.[0];
    if (quota && quota.quota_usage >= quota.config.quota_total) {
      throw new PublishError('limit', `Instagram’s publishing limit is reached (${quota.quota_usage} of ${quota.config.quota_total} in 24 hours): posts free up as the oldest turn 24 hours old; try \`ip-post retry\` then`, '9/2207042');
    }

    const carousel = post.media.length > 1;
    const items: string[] = [];
    for (const [index, media] of post.media.entries()) items.push(await container(context, graph, userId, media, index, carousel));
    const topKey = 'container:top';
    let top = carousel ? reuse(context, topKey) : items[0]!;
    if (!top) {
      context.step('preparing the carousel');
      const { data } = await context.call('carousel', () => graph.post(`/${userId}/media`, { media_type: 'CAROUSEL', children: items.join(','), caption: post.text }));
      top = data.id as string;
      context.remember(topKey, { id: top, createdAt: nowMs() } satisfies Container);
    }
    for (const id of [...items, top]) await finished(context, graph, id);

    context.step('publishing');
    const mediaId = await context.call(
      'publish',
      async () => (await graph.post(`/${userId}/media_publish`, { creation_id: top })).data.id as string,
      {
        changes: true,
        reconcile: async (since) => {
          const { data } = await graph.get(`/${top}`, { params: { fields: 'status_code' } });
          if (data.status_code !== 'PUBLISHED') return undefined;
          const { data: recent } = await graph.get(`/${userId}/media`, { params: { fields: 'id,caption,timestamp', limit: 25 } });
          const found = (recent.data as { id: string; caption?: string; timestamp?: string }[]).find((item) => (item.caption ?? '').trim() === post.text.trim() && Date.parse(item.timestamp ?? '') >= since.getTime())?.id;
          if (!found) throw new PublishError('unknown-outcome', 'Instagram says the container is published, but the post is not among the account’s recent media: look on Instagram');
          return found;
        },
      },
    );
    const { data } = await context.call('permalink', () => graph.get(`/${mediaId}`, { params: { fields: 'permalink' } }));
    return { id: mediaId, url: (data.permalink as string | undefined) ?? `https://www.instagram.com/${String(context.settings.account ?? '').replace(/^@/, '')}` };
  },
};

/** A container made earlier and still usable (they expire after 24 hours). */
function reuse(context: PublishContext, key: string): string | undefined {
  const saved = context.progress[key] as Container | null | undefined;
  return saved && nowMs() - saved.createdAt < day - 60 * 60 * 1000 ? saved.id : undefined;
}

/** The container for one image (fetched by Instagram from a public address) or video (sent by resumable upload). */
async function container(context: PublishContext, graph: AxiosInstance, userId: string, media: PlannedMedia, index: number, carouselItem: boolean): Promise<string> {
  const key = `container:${index}`;
  const saved = reuse(context, key);
  if (saved) return saved;
  const caption = carouselItem ? undefined : context.post.text;
  let id: string;
  if (media.kind === 'image') {
    context.step(`putting ${media.source} on the media host`);
    const imageUrl = await context.media.publicUrl(media);
    context.step(`Instagram is fetching ${media.source}`);
    const { data } = await context.call(`container:${index}`, () =>
      graph.post(`/${userId}/media`, { image_url: imageUrl, ...(caption !== undefined && { caption }), ...(media.alt && { alt_text: media.alt }), ...(carouselItem && { is_carousel_item: true }) }),
    );
    id = data.id;
  } else {
    const { data } = await context.call(`container:${index}`, () =>
      graph.post(`/${userId}/media`, { media_type: carouselItem ? 'VIDEO' : 'REELS', upload_type: 'resumable', ...(caption !== undefined && { caption, share_to_feed: true }), ...(carouselItem && { is_carousel_item: true }) }),
    );
    id = data.id;
    const uploadUri = rupload(context, data.uri as string);
    const size = await context.media.size(media);
    context.step(`uploading ${media.source}`);
    const { default: axios } = await import('axios');
    await context.call(`upload:${index}`, async () =>
      axios.post(uploadUri, await context.media.stream(media), {
        headers: { authorization: `OAuth ${context.secret('accessTokenEnv')}`, offset: '0', file_size: String(size), 'content-type': 'application/octet-stream', 'content-length': String(size) },
        timeout: context.timeoutMs,
        maxBodyLength: Number.POSITIVE_INFINITY,
      }),
    );
  }
  context.remember(key, { id, createdAt: nowMs() } satisfies Container);
  return id;
}

/** The upload address Instagram returns, on the configured upload host (rupload.facebook.com, or a stand-in). */
function rupload(context: PublishContext, uri: string): string {
  const base = context.settings.uploadBaseUrl;
  if (!base) return uri;
  const path = new URL(uri).pathname.replace(/^.*?(\/ig-api-upload\/)/, '$1');
  return `${base.replace(/\/+$/, '')}${path}`;
}

/** Polls a container until Instagram has it ready (FINISHED), and explains what stops it otherwise. */
async function finished(context: PublishContext, graph: AxiosInstance, id: string): Promise<void> {
  for (let polls = 0; ; polls++) {
    const { data } = await context.call(`status:${id}`, () => graph.get(`/${id}`, { params: { fields: 'status_code,status' } }));
    if (data.status_code === 'FINISHED' || data.status_code === 'PUBLISHED') return;
    if (data.status_code === 'ERROR') {
      const subcode = /\b(2207\d{3})\b/.exec(String(data.status ?? ''))?.[1];
      throw new PublishError('input', `Instagram could not process the media (${data.status ?? 'ERROR'}): check it meets Instagram's specifications`, subcode ? `ERROR/${subcode}` : 'ERROR');
    }
    if (data.status_code === 'EXPIRED') throw new PublishError('retry', 'the Instagram container expired before it was published', 'EXPIRED');
    if (polls >= 100) throw new PublishError('fatal', 'Instagram is still processing the media after many checks; try `ip-post retry` later');
    context.step('Instagram is processing the media');
    await context.pause(60_000);
  }
}
