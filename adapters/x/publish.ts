import { ApiRequestError, ApiResponseError, type TwitterApi } from 'twitter-api-v2';
import { nowMs } from '../../src/clock.js';
import { isNetworkError, PublishError, waitFromHeaders } from '../../src/publish/errors.js';
import type { PublishContext, Publisher } from '../../src/publish/types.js';
import type { PlannedMedia } from '../../src/plan/types.js';
import { createXClient } from './client.js';

/**
 * Publishing on X (x.md): media by the v2 chunked upload, read from disk a chunk at a time, with alt text;
 * then the post, or a thread as a chain of replies, each recorded as it is created. A post whose outcome
 * is unknown is looked for among the account's recent posts before it is sent again.
 */

const chunkSize = 4 * 1024 * 1024;

interface MediaProgress {
  id: string;
  segments: number;
  done: boolean;
  expiresAt: number;
}

/** Texts as X shows them: links wrapped (t.co), whitespace normalised. */
const comparable = (text: string) => text.normalize('NFC').replace(/https?:\/\/\S+/g, 'URL').replace(/\s+/g, ' ').trim();

export const publisher: Publisher = {
  classify(error) {
    if (error instanceof ApiResponseError) {
      const data = error.data as { detail?: string; title?: string; errors?: { message?: string }[] } | undefined;
      const detail = data?.detail ?? data?.errors?.[0]?.message ?? data?.title ?? `HTTP ${error.code}`;
      if (error.code === 401) return new PublishError('auth', 'X refused the credentials: check IP_POST_X_APP_KEY, …_APP_SECRET, …_ACCESS_TOKEN and …_ACCESS_SECRET (`ip-post config`); a revoked token needs new keys from the X developer portal', '401');
      if (error.code === 403 && /duplicate/i.test(detail)) return new PublishError('duplicate', 'X refused it as a duplicate of an earlier post of the account: change the text (or delete that post on X), then `ip-post retry`', '403 duplicate');
      if (error.code === 403) return new PublishError('fatal', `X refused the post: ${detail}${/reply|repl/i.test(detail) ? ' (X lets apps reply only when summoned: post without a thread, platforms.x.thread: false)' : ''}`, '403');
      if (error.code === 402 || /usage-capped|credits/i.test(detail)) return new PublishError('limit', 'X pay-per-use credits have run out: top them up in the X developer portal', String(error.code));
      if (error.code === 429) {
        const reset = error.rateLimit?.reset ? error.rateLimit.reset * 1000 - nowMs() : waitFromHeaders(error.headers as Record<string, unknown>);
        return new PublishError('rate-limit', 'X rate limit reached', '429', Math.max(0, reset ?? 60_000));
      }
      if (error.code >= 500) return new PublishError('retry', `X had a server error (${error.code})`, String(error.code));
      return new PublishError('input', `X refused the request: ${detail}`, String(error.code));
    }
    if (error instanceof ApiRequestError || isNetworkError(error)) return new PublishError('unknown-outcome', `no answer from X (${(error as Error).message})`);
    if (error instanceof PublishError) return error;
    return new PublishError('fatal', `X: ${(error as Error).message}`);
  },

  async publish(context) {
    const client = await createXClient(
      context.settings.baseUrl,
      { appKey: context.secret('appKeyEnv'), appSecret: context.secret('appSecretEnv'), accessToken: context.secret('accessTokenEnv'), accessSecret: context.secret('accessSecretEnv') },
      { timeoutMs: context.timeoutMs },
    );
    let me = context.progress.me as { id: string; username: string } | undefined;
    if (!me) {
      me = (await context.call('users.me', () => client.v2.me())).data;
      context.remember('me', { id: me.id, username: me.username });
    }
    const mediaIds: string[] = [];
    for (const [index, media] of context.post.media.entries()) mediaIds.push(await upload(context, client, media, index));

    const parts = context.post.thread ?? [context.post.text];
    const ids = [...((context.progress.parts as string[] | undefined) ?? [])];
    for (let index = ids.length; index < parts.length; index++) {
      const text = parts[index]!;
      context.step(parts.length > 1 ? `posting ${index + 1} of ${parts.length}` : 'posting');
      const id = await context.call(
        `create:${index}`,
        async () =>
          (
            await client.v2.tweet({
              text,
              ...(index > 0 && { reply: { in_reply_to_tweet_id: ids[index - 1]! } }),
              ...(index === 0 && mediaIds.length > 0 && { media: { media_ids: mediaIds as [string] } }),
            })
          ).data.id,
        {
          changes: true,
          reconcile: async (since) => {
            const recent = await client.v2.get(`users/${me!.id}/tweets`, { max_results: 20, start_time: since.toISOString().replace(/\.\d+Z$/, 'Z') });
            return (recent.data as { id: string; text: string }[] | undefined)?.find((tweet) => comparable(tweet.text) === comparable(text))?.id;
          },
        },
      );
      ids.push(id);
      context.remember('parts', ids);
    }
    return { id: ids[0]!, url: `https://x.com/${me.username}/status/${ids[0]}` };
  },
};

/**
 * One file by the chunked upload (INIT, APPEND per 4 MiB read from disk, FINALIZE, STATUS until ready),
 * then its alt text. Progress is recorded per chunk, so an interrupted upload continues with the same
 * media id while X still keeps it (about a day).
 */
async function upload(context: PublishContext, client: TwitterApi, media: PlannedMedia, index: number, fresh = false): Promise<string> {
  const key = `media:${index}`;
  if (fresh) context.remember(key, null);
  const total = await context.media.size(media);
  let state = context.progress[key] as MediaProgress | undefined;
  if (state && (state.expiresAt <= nowMs() + 10 * 60 * 1000 || (state.done && !state.id))) state = undefined;
  if (state?.done) return state.id;

  if (!state) {
    const type = media.convertTo ?? media.type;
    const category = type === 'image/gif' ? 'tweet_gif' : media.kind === 'video' ? 'tweet_video' : 'tweet_image';
    context.step(`uploading ${media.source}`);
    const { data } = await context.call('media.initialize', () => client.v2.post('media/upload/initialize', { media_type: type, total_bytes: total, media_category: category }));
    state = { id: data.id as string, segments: 0, done: false, expiresAt: nowMs() + (Number(data.expires_after_secs) || 86_400) * 1000 };
    context.remember(key, state);
  }
  const segments = Math.ceil(total / chunkSize);
  for (let segment = state.segments; segment < segments; segment++) {
    const chunk = await context.media.read(media, segment * chunkSize, Math.min(total, (segment + 1) * chunkSize));
    try {
      await context.call(`media.append:${index}:${segment}`, () => client.v2.post(`media/upload/${state!.id}/append`, { segment_index: segment, media: chunk }, { forceBodyMode: 'form-data' }));
    } catch (error) {
      // X does not say how much of an upload it holds; an upload it no longer agrees on starts again (once).
      if (!fresh && error instanceof PublishError && error.kind === 'input') return upload(context, client, media, index, true);
      throw error;
    }
    state = { ...state, segments: segment + 1 };
    context.remember(key, state);
    context.sent(Math.min(total, (segment + 1) * chunkSize), total);
  }
  let { data } = await context.call('media.finalize', () => client.v2.post(`media/upload/${state!.id}/finalize`));
  for (let polls = 0; data.processing_info && data.processing_info.state !== 'succeeded'; polls++) {
    if (data.processing_info.state === 'failed') throw new PublishError('input', `X could not process ${media.source}: ${data.processing_info.error?.message ?? 'unknown reason'}`, String(data.processing_info.error?.code ?? 'failed'));
    if (polls > 120) throw new PublishError('fatal', `X is still processing ${media.source}; try \`ip-post retry\` later`);
    context.step(`X is processing ${media.source}`);
    await context.pause((data.processing_info.check_after_secs ?? 1) * 1000);
    ({ data } = await context.call('media.status', () => client.v2.get('media/upload', { command: 'STATUS', media_id: state!.id })));
  }
  if (media.alt) await context.call('media.metadata', () => client.v2.createMediaMetadata(state!.id, { alt_text: { text: media.alt! } }));
  state = { ...state, done: true };
  context.remember(key, state);
  return state.id;
}
