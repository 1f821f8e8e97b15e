import type { AxiosInstance } from 'axios';
import { PublishError } from '../../src/publish/errors.js';
import type { PublishContext, Publisher } from '../../src/publish/types.js';
import type { PlannedMedia } from '../../src/plan/types.js';
import { classifyGraph, fileBlob, formData, graphClient } from '../meta/graph-publish.js';

/**
 * Publishing on a Facebook Page (facebook.md §3–§6): a text or link post on /feed; photos uploaded
 * unpublished with their alt text, then attached to one /feed post with the text (one photo or several
 * alike; the text travels as JSON, so its line breaks arrive as written, not as a form's CRLF);
 * a video by the chunked upload (start, transfer by the offsets the server gives, finish). A post whose
 * outcome is unknown is looked for among the Page's recent posts before it is sent again.
 */

const comparable = (text: string | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();

export const publisher: Publisher = {
  classify: (error) => classifyGraph(error, 'facebook'),

  async publish(context) {
    const pageId = context.settings.pageId;
    if (typeof pageId !== 'string' || !pageId) throw new PublishError('input', 'set platforms.facebook.pageId in config (the Page’s id)');
    const graph = await graphClient(context, 'accessTokenEnv');
    const { post } = context;
    const schedule = scheduleFields(context.scheduleAt);
    // Looked for among the Page's scheduled posts and its feed alike: one sent to be held may have gone out
    // since, and one a cut-off run meant to hold may be sent now (too near its time to be held any more).
    const findByMessage = async (since: Date) => {
      for (const list of ['scheduled_posts', 'feed']) {
        const { data } = await graph.get(`/${pageId}/${list}`, { params: { fields: 'message,created_time', limit: 25 } });
        const found = (data.data as { id: string; message?: string; created_time?: string }[]).find((item) => comparable(item.message) === comparable(post.text) && Date.parse(item.created_time ?? '') >= since.getTime());
        if (found) return found.id;
      }
      return undefined;
    };
    const done = (id: string) => ({ id, url: `https://www.facebook.com/${id}` });

    const images = post.media.filter((media) => media.kind === 'image');
    const video = post.media.find((media) => media.kind === 'video');
    if (video) return done(await uploadVideo(context, graph, pageId, video, findByMessage, schedule));

    const attached: string[] = [...((context.progress.photos as string[] | undefined) ?? [])];
    for (const [index, image] of images.entries()) {
      if (attached[index]) continue;
      context.step(`uploading photo ${index + 1} of ${images.length}`);
      // An unpublished photo is invisible until attached, so sending one again cannot show twice.
      const id = await context.call(`photo:${index}`, async () => {
        const source = image.file ? { source: await fileBlob(context, image) } : { url: image.source };
        // `temporary`: a photo that a scheduled post will attach must last until that post's time.
        const { data } = await graph.post(`/${pageId}/photos`, formData({ ...source, alt_text_custom: image.alt ?? undefined, published: false, ...(context.scheduleAt && { temporary: true }) }, { source: image.source.split('/').pop()! }));
        return data.id as string;
      });
      attached[index] = id;
      context.remember('photos', attached);
    }
    context.step('posting');
    const id = await context.call(
      'feed',
      async () =>
        (
          await graph.post(`/${pageId}/feed`, {
            message: post.text,
            ...(post.link && { link: post.link }),
            ...(attached.length && { attached_media: attached.map((media_fbid) => ({ media_fbid })) }),
            ...schedule,
          })
        ).data.id as string,
      { changes: true, reconcile: findByMessage },
    );
    return done(id);
  },

  // facebook.md §3: a scheduled post takes a new scheduled_publish_time, or is deleted.
  async reschedule(context, postId, at) {
    const graph = await graphClient(context, 'accessTokenEnv');
    await context.call('schedule.move', () => graph.post(`/${postId}`, { scheduled_publish_time: Math.floor(at.getTime() / 1000) }));
  },

  async confirmScheduled(context, postId) {
    const graph = await graphClient(context, 'accessTokenEnv');
    return context.call('schedule.check', async () => {
      try {
        const { data } = await graph.get(`/${postId}`, { params: { fields: 'is_published' } });
        return data.is_published === true ? 'published' : 'waiting';
      } catch (error) {
        if (isNoSuchObject(error)) return 'gone';
        throw error;
      }
    });
  },

  async unschedule(context, postId) {
    const graph = await graphClient(context, 'accessTokenEnv');
    const gone = await context.call('schedule.cancel', async () => {
      try {
        await graph.delete(`/${postId}`);
        return false;
      } catch (error) {
        // Already gone (deleted on Facebook, or by a cancel that was interrupted before it was recorded).
        if (isNoSuchObject(error)) return true;
        throw error;
      }
    });
    return gone ? 'it was no longer on Facebook' : undefined;
  },

  // facebook.md §4: a scheduled post is published at once with is_published=true.
  async publishNow(context, postId) {
    const graph = await graphClient(context, 'accessTokenEnv');
    await context.call('schedule.publish-now', () => graph.post(`/${postId}`, { is_published: true }));
  },
};

/** Graph's code 100, subcode 33: no such object (any more). */
function isNoSuchObject(error: unknown): boolean {
  const said = (error as { response?: { data?: { error?: { code?: number; error_subcode?: number } } } }).response?.data?.error;
  return said?.code === 100 && said.error_subcode === 33;
}

/** Native scheduling: the post stays unpublished until its time (facebook.md §3). */
function scheduleFields(at: Date | undefined): { published?: false; scheduled_publish_time?: number } {
  return at ? { published: false, scheduled_publish_time: Math.floor(at.getTime() / 1000) } : {};
}

interface VideoSession {
  videoId: string;
  sessionId: string;
  start: number;
  end: number;
}

/** The chunked video upload: the server names each next range; progress is kept so a retry continues. */
async function uploadVideo(
  context: PublishContext,
  graph: AxiosInstance,
  pageId: string,
  video: PlannedMedia,
  findByMessage: (since: Date) => Promise<string | undefined>,
  schedule: ReturnType<typeof scheduleFields>,
): Promise<string> {
  const total = await context.media.size(video);
  const saved = context.progress.video as VideoSession | undefined;
  const session: VideoSession = saved ?? (await startVideo(context, graph, pageId, video, total));
  // A slice of a file-backed Blob: each chunk is read from disk as it is sent, never held in memory.
  const whole = await fileBlob(context, video);
  while (session.start < total) {
    const start = session.start;
    const chunk = whole.slice(start, session.end);
    try {
      const offsets = await context.call(`video.transfer:${start}`, async (): Promise<{ start: number; end: number }> => {
        const { data } = await graph.post(`/${pageId}/videos`, formData({ upload_phase: 'transfer', upload_session_id: session.sessionId, start_offset: start, video_file_chunk: chunk }, { video_file_chunk: 'chunk' }));
        return { start: Number(data.start_offset), end: Number(data.end_offset) };
      });
      Object.assign(session, offsets);
    } catch (error) {
      // The server says where it wants to continue from (subcode 1363037 carries the offsets).
      const said = (error as { response?: { data?: { error?: { error_subcode?: number; error_data?: { start_offset?: number; end_offset?: number } } } } }).response?.data?.error;
      if (said?.error_subcode !== 1363037 || said.error_data?.start_offset === undefined) throw error;
      Object.assign(session, { start: Number(said.error_data.start_offset), end: Number(said.error_data.end_offset) });
    }
    context.remember('video', session);
    context.sent(Math.min(session.start, total), total);
  }
  context.step('publishing the video');
  await context.call(
    'video.finish',
    async () => {
      await graph.post(`/${pageId}/videos`, { upload_phase: 'finish', upload_session_id: session.sessionId, description: context.post.text, ...schedule });
      return true;
    },
    { changes: true, reconcile: async (since) => ((await findByMessage(since)) ? true : undefined) },
  );
  return session.videoId;
}

async function startVideo(context: PublishContext, graph: AxiosInstance, pageId: string, video: PlannedMedia, total: number): Promise<VideoSession> {
  context.step(`uploading ${video.source}`);
  const { data } = await context.call('video.start', () => graph.post(`/${pageId}/videos`, { upload_phase: 'start', file_size: total }));
  const session = { videoId: String(data.video_id), sessionId: String(data.upload_session_id), start: Number(data.start_offset), end: Number(data.end_offset) };
  context.remember('video', session);
  return session;
}
