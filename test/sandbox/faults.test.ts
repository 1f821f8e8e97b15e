import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createXClient } from '../../adapters/x/client.js';
import { xSandboxCredentials } from '../../adapters/x/sandbox.js';
import { instagramSandbox } from '../../adapters/instagram/sandbox.js';
import { facebookSandbox } from '../../adapters/facebook/sandbox.js';
import { tiktokSandbox } from '../../adapters/tiktok/sandbox.js';
import { startSandbox } from '../../src/sandbox/server.js';
import { example } from '../helpers.js';
import { call, useSandbox } from './helpers.js';

const sandbox = useSandbox();
const poster = await readFile(example('media/poster.jpg'));
const teaser = await readFile(example('media/teaser.mp4'));
const x = () => createXClient(sandbox().baseUrls.x, xSandboxCredentials);
const feed = (message: string) =>
  call(`${sandbox().baseUrls.facebook}/v25.0/${facebookSandbox.pageId}/feed`, { method: 'POST', headers: { authorization: `Bearer ${facebookSandbox.pageToken}` }, json: { message } });
const addFault = (spec: unknown) => call(`${sandbox().url}/__sandbox/faults`, { method: 'POST', json: spec });
const failureOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: { code?: number | string; data?: unknown; headers?: Record<string, string> }) => error);

describe('faults, one kind at a time', () => {
  it('latency: the answer comes, but only after the delay', async () => {
    await addFault({ platform: 'facebook', endpoint: 'feed.create', kind: 'latency', latencyMs: 300 });
    const started = Date.now();
    const slow = await feed('lēni');
    expect(slow.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(sandbox().records.list('facebook')).toHaveLength(1);
  });

  it('rate-limit: 429 with Retry-After and the reset header, once, then normal again', async () => {
    await addFault({ platform: 'x', endpoint: 'tweets.create', kind: 'rate-limit', retryAfter: 120 });
    const client = await x();
    const error = (await failureOf(client.v2.tweet('pārāk ātri'))) as { code: number; rateLimitError: boolean; rateLimit: { remaining: number; reset: number } };
    expect(error.code).toBe(429);
    expect(error.rateLimitError).toBe(true);
    expect(error.rateLimit.remaining).toBe(0);
    expect(error.rateLimit.reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 119);
    await expect(client.v2.tweet('tagad var')).resolves.toBeTruthy();
  });

  it('rate-limit on Facebook: code 32 with the time to regain access', async () => {
    sandbox().faults.add({ platform: 'facebook', kind: 'rate-limit', retryAfter: 600 });
    const limited = await feed('x');
    expect(limited.body.error).toMatchObject({ code: 32, message: '(#32) Page request limit reached', error_data: { estimated_time_to_regain_access: 10 } });
    expect(JSON.parse(limited.headers.get('x-business-use-case-usage')!)[facebookSandbox.pageId][0].estimated_time_to_regain_access).toBe(10);
  });

  it('server-error: the platform’s 5xx, as many times as asked', async () => {
    await addFault({ platform: 'facebook', endpoint: 'feed.create', kind: 'server-error', times: 2 });
    for (const attempt of [1, 2]) {
      const failed = await feed(`mēģinājums ${attempt}`);
      expect(failed.status).toBe(500);
      expect(failed.body.error).toMatchObject({ code: 2, is_transient: true, message: '(#2) Service temporarily unavailable' });
    }
    expect((await feed('trešais')).status).toBe(200);
    const faults = (await call(`${sandbox().url}/__sandbox/faults`)).body.data;
    expect(faults[0]).toMatchObject({ kind: 'server-error', fired: 2, times: 2 });
  });

  it('reset: the connection drops in the middle of an upload, and the sandbox carries on', async () => {
    sandbox().faults.add({ platform: 'tiktok', endpoint: 'video.upload', kind: 'reset', afterBytes: 100_000 });
    const init = await call(`${sandbox().baseUrls.tiktok}/v2/post/publish/video/init/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tiktokSandbox.token}` },
      json: { post_info: { privacy_level: 'SELF_ONLY' }, source_info: { source: 'FILE_UPLOAD', video_size: teaser.length, chunk_size: teaser.length, total_chunk_count: 1 } },
    });
    const upload = () => fetch(init.body.data.upload_url, { method: 'PUT', headers: { 'content-type': 'video/mp4', 'content-range': `bytes 0-${teaser.length - 1}/${teaser.length}` }, body: teaser });
    const failure = (await upload().then(() => undefined, (error: Error) => error)) as Error & { cause?: { code?: string } };
    expect(failure).toBeInstanceOf(Error);
    expect(String(failure.cause?.code ?? failure.message)).toMatch(/ECONNRESET|EPIPE|other side closed|socket/i);
    expect((await upload()).status).toBe(201);
  });

  it('hang: no answer until the client gives up; the sandbox still stops at once', async () => {
    const own = await startSandbox();
    own.faults.add({ platform: 'facebook', kind: 'hang' });
    const timedOut = await fetch(`${own.baseUrls.facebook}/v25.0/${facebookSandbox.pageId}/feed`, { method: 'POST', signal: AbortSignal.timeout(300) }).then(
      () => 'answered',
      (error: Error) => error.name,
    );
    expect(timedOut).toBe('TimeoutError');
    const closing = Date.now();
    await own.close();
    expect(Date.now() - closing).toBeLessThan(1000);
  });

  it('expired-token: the platform’s own auth error', async () => {
    sandbox().faults.add({ platform: 'x', kind: 'expired-token' });
    const error = (await failureOf((await x()).v2.tweet('ar vecu atslēgu'))) as { code: number; data: unknown };
    expect([error.code, error.data]).toEqual([401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' }]);
  });

  it('duplicate: X’s 403 duplicate-content rejection for a text never sent before', async () => {
    sandbox().faults.add({ platform: 'x', endpoint: 'tweets.create', kind: 'duplicate' });
    const error = (await failureOf((await x()).v2.tweet('pilnīgi jauns teksts'))) as { code: number; data: { detail: string } };
    expect(error.code).toBe(403);
    expect(error.data.detail).toBe('You are not allowed to create a Tweet with duplicate content.');
  });

  it('container-error: an Instagram container that ends in ERROR, and cannot be published', async () => {
    sandbox().faults.add({ platform: 'instagram', endpoint: 'media.create', kind: 'container-error' });
    sandbox().media.put('e/poster.jpg', poster, 'image/jpeg');
    const graph = (path: string) => `${sandbox().baseUrls.instagram}/v25.0/${path}`;
    const headers = { authorization: `Bearer ${instagramSandbox.token}` };
    const container = await call(graph(`${instagramSandbox.userId}/media`), { method: 'POST', headers, json: { image_url: `${sandbox().baseUrls.media}/e/poster.jpg` } });
    const status = await call(`${graph(container.body.id)}?fields=status_code,status`, { headers });
    expect(status.body).toEqual({ id: container.body.id, status_code: 'ERROR', status: 'Error: Media upload has failed with error code 2207082' });
    const publish = await call(graph(`${instagramSandbox.userId}/media_publish`), { method: 'POST', headers, json: { creation_id: container.body.id } });
    expect(publish.body.error).toMatchObject({ code: -1, error_subcode: 2207053 });
  });

  it('publish-failed: a TikTok post that ends FAILED', async () => {
    sandbox().faults.add({ platform: 'tiktok', endpoint: 'video.init', kind: 'publish-failed' });
    const api = (path: string, body: unknown) => call(`${sandbox().baseUrls.tiktok}${path}`, { method: 'POST', headers: { authorization: `Bearer ${tiktokSandbox.token}` }, json: body });
    const init = await api('/v2/post/publish/video/init/', { post_info: { privacy_level: 'SELF_ONLY' }, source_info: { source: 'FILE_UPLOAD', video_size: teaser.length, chunk_size: teaser.length, total_chunk_count: 1 } });
    await fetch(init.body.data.upload_url, { method: 'PUT', headers: { 'content-type': 'video/mp4', 'content-range': `bytes 0-${teaser.length - 1}/${teaser.length}` }, body: teaser });
    await api('/v2/post/publish/status/fetch/', { publish_id: init.body.data.publish_id });
    const failed = await api('/v2/post/publish/status/fetch/', { publish_id: init.body.data.publish_id });
    expect(failed.body.data).toMatchObject({ status: 'FAILED', fail_reason: 'internal' });
    expect(sandbox().records.list('tiktok')).toEqual([]);
  });

  it('quota-exceeded: YouTube’s quotaExceeded from the youtube.quota domain', async () => {
    sandbox().faults.add({ platform: 'youtube', endpoint: 'videos.insert', kind: 'quota-exceeded' });
    const refused = await call(`${sandbox().baseUrls.youtube}/upload/youtube/v3/videos?uploadType=resumable&part=snippet`, { method: 'POST', json: {} });
    expect(refused.status).toBe(403);
    expect(refused.body.error.errors[0]).toMatchObject({ domain: 'youtube.quota', reason: 'quotaExceeded' });
  });
});

describe('faults with a probability', () => {
  /** Which of `count` requests failed, with a fault that fires with probability 0.3 from `seed`. */
  async function pattern(seed: number, count = 24): Promise<boolean[]> {
    const own = await startSandbox();
    try {
      own.faults.add({ platform: 'facebook', endpoint: 'feed.create', kind: 'server-error', probability: 0.3, seed, times: 0 });
      const failed: boolean[] = [];
      for (let index = 0; index < count; index++) {
        const response = await call(`${own.baseUrls.facebook}/v25.0/${facebookSandbox.pageId}/feed`, { method: 'POST', headers: { authorization: `Bearer ${facebookSandbox.pageToken}` }, json: { message: `ziņa ${index}` } });
        failed.push(response.status === 500);
      }
      expect(own.faults.list()[0]!.draws).toEqual(failed);
      return failed;
    } finally {
      await own.close();
    }
  }

  it('fire the same requests again from the same seed, and others from another seed', async () => {
    const first = await pattern(42);
    expect(first.some(Boolean)).toBe(true);
    expect(first.some((failed) => !failed)).toBe(true);
    expect(await pattern(42)).toEqual(first);
    expect(await pattern(7)).not.toEqual(first);
  });
});

describe('setting faults over HTTP', () => {
  it('refuses an unknown kind or platform, lists and clears faults', async () => {
    expect((await addFault({ platform: 'x', kind: 'meteor' })).body.error).toBe('unknown fault kind "meteor" (known: latency, rate-limit, server-error, reset, hang, expired-token, duplicate, container-error, publish-failed, quota-exceeded)');
    expect((await addFault({ platform: 'myspace', kind: 'hang' })).body.error).toBe('unknown platform "myspace"');
    expect((await addFault({ platform: 'x', endpoint: 'tweets.creat', kind: 'hang' })).body.error).toMatch(/^unknown x endpoint "tweets.creat" \(known: .*tweets\.create/);
    await addFault([{ platform: 'x', kind: 'hang' }, { platform: 'tiktok', kind: 'rate-limit' }]);
    expect((await call(`${sandbox().url}/__sandbox/faults`)).body.data).toHaveLength(2);
    await call(`${sandbox().url}/__sandbox/faults`, { method: 'DELETE' });
    expect((await call(`${sandbox().url}/__sandbox/faults`)).body.data).toEqual([]);
  });

  it('expires a token over HTTP too, and renews it', async () => {
    await call(`${sandbox().url}/__sandbox/tokens`, { method: 'POST', json: { platform: 'facebook', expired: true } });
    expect((await feed('vecs')).body.error).toMatchObject({ code: 190, error_subcode: 463 });
    await call(`${sandbox().url}/__sandbox/tokens`, { method: 'POST', json: { platform: 'facebook', expired: false } });
    expect((await feed('jauns')).status).toBe(200);
  });
});

