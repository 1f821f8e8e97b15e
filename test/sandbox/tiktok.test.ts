import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { tiktokSandbox } from '../../adapters/tiktok/sandbox.js';
import { example, jpegHeader } from '../helpers.js';
import { call, useSandbox } from './helpers.js';

const sandbox = useSandbox();
const teaser = await readFile(example('media/teaser.mp4'));
const api = (path: string, body: unknown = {}, token = tiktokSandbox.token) =>
  call(`${sandbox().baseUrls.tiktok}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=UTF-8' }, body: JSON.stringify(body) });
const videoInit = (post: Record<string, unknown>, source: Record<string, unknown>) => api('/v2/post/publish/video/init/', { post_info: { privacy_level: 'PUBLIC_TO_EVERYONE', ...post }, source_info: source });
const whole = { source: 'FILE_UPLOAD', video_size: teaser.length, chunk_size: teaser.length, total_chunk_count: 1 };
const status = (id: string) => api('/v2/post/publish/status/fetch/', { publish_id: id });
const errorOf = (response: { status: number; body: { error: { code: string } } }) => [response.status, response.body.error.code];

describe('TikTok emulator', () => {
  it('answers creator info in TikTok’s envelope', async () => {
    const info = await api('/v2/post/publish/creator_info/query/');
    expect(info.status).toBe(200);
    expect(info.body.data).toMatchObject({ creator_username: 'intelektaparks', privacy_level_options: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'], max_video_post_duration_sec: 300 });
    expect(info.body.error).toEqual({ code: 'ok', message: '', log_id: expect.stringMatching(/^\d{14}[0-9A-F]+$/) });
  });

  it('posts a video: init, one PUT with Content-Range, then PROCESSING_UPLOAD → PUBLISH_COMPLETE', async () => {
    const init = await videoInit({ title: 'Seminārs #IntelektaParks' }, whole);
    expect(init.body.data).toEqual({ publish_id: expect.stringMatching(/^v_pub_file~v2-1\.\d+$/), upload_url: expect.stringContaining(`${sandbox().baseUrls.tiktok}/upload/video/?upload_id=`) });
    const put = await call(init.body.data.upload_url, { method: 'PUT', headers: { 'content-type': 'video/mp4', 'content-range': `bytes 0-${teaser.length - 1}/${teaser.length}` }, body: teaser });
    expect(put.status).toBe(201);
    expect((await status(init.body.data.publish_id)).body.data).toMatchObject({ status: 'PROCESSING_UPLOAD', uploaded_bytes: teaser.length });
    const complete = await status(init.body.data.publish_id);
    expect(complete.body.data).toMatchObject({ status: 'PUBLISH_COMPLETE', publicaly_available_post_id: [expect.any(String)] });
    expect(sandbox().records.list('tiktok')[0]).toMatchObject({ kind: 'video', text: 'Seminārs #IntelektaParks', privacy: 'PUBLIC_TO_EVERYONE', media: [{ type: 'video/mp4', bytes: teaser.length, sha256: createHash('sha256').update(teaser).digest('hex') }] });
  });

  it('takes chunks in order with 206 Partial Content, and answers 416 out of order', async () => {
    const size = 12 * 1024 * 1024;
    const chunk = 5 * 1024 * 1024;
    const init = await videoInit({}, { source: 'FILE_UPLOAD', video_size: size, chunk_size: chunk, total_chunk_count: 2 });
    expect(init.status).toBe(200);
    const bytes = Buffer.concat([teaser, Buffer.alloc(size - teaser.length)]);
    const put = (first: number, last: number) => call(init.body.data.upload_url, { method: 'PUT', headers: { 'content-type': 'video/mp4', 'content-range': `bytes ${first}-${last}/${size}` }, body: bytes.subarray(first, last + 1) });
    expect((await put(chunk, size - 1)).status).toBe(416);
    const partial = await put(0, chunk - 1);
    expect([partial.status, partial.headers.get('content-range')]).toEqual([206, `bytes 0-${chunk - 1}/${size}`]);
    expect((await put(chunk, size - 1)).status).toBe(201);
  });

  it('checks the chunk arithmetic of the documented rules', async () => {
    const bad = [
      { source: 'FILE_UPLOAD', video_size: teaser.length, chunk_size: 100_000, total_chunk_count: 8 },
      { source: 'FILE_UPLOAD', video_size: 50_000_123, chunk_size: 10_000_000, total_chunk_count: 4 },
      { source: 'FILE_UPLOAD', video_size: 50_000_123, chunk_size: 4_000_000, total_chunk_count: 12 },
    ];
    for (const source of bad) expect(errorOf(await videoInit({}, source))).toEqual([400, 'invalid_param']);
    expect((await videoInit({}, { source: 'FILE_UPLOAD', video_size: 50_000_123, chunk_size: 10_000_000, total_chunk_count: 5 })).status).toBe(200);
  });

  it('checks privacy against creator info, title length and the bearer token', async () => {
    expect(errorOf(await videoInit({ privacy_level: 'FOLLOWER_OF_CREATOR' }, whole))).toEqual([403, 'privacy_level_option_mismatch']);
    expect(errorOf(await videoInit({ title: 'a'.repeat(2201) }, whole))).toEqual([400, 'invalid_param']);
    expect((await videoInit({ title: 'a'.repeat(2200) }, whole)).status).toBe(200);
    expect(errorOf(await api('/v2/post/publish/creator_info/query/', {}, 'act.wrong'))).toEqual([401, 'access_token_invalid']);
  });

  it('lets an unaudited client post only SELF_ONLY', async () => {
    sandbox().options.tiktokAudited = false;
    expect(errorOf(await videoInit({}, whole))).toEqual([403, 'unaudited_client_can_only_post_to_private_accounts']);
    expect((await videoInit({ privacy_level: 'SELF_ONLY' }, whole)).status).toBe(200);
    expect((await api('/v2/post/publish/creator_info/query/')).body.data.privacy_level_options).toEqual(['SELF_ONLY']);
  });

  it('pulls from verified prefixes only, and fails a pull that 404s', async () => {
    expect(errorOf(await videoInit({}, { source: 'PULL_FROM_URL', video_url: 'https://example.org/teaser.mp4' }))).toEqual([403, 'url_ownership_unverified']);
    sandbox().media.put('event/teaser.mp4', teaser, 'video/mp4');
    const pulled = await videoInit({}, { source: 'PULL_FROM_URL', video_url: `${sandbox().baseUrls.media}/event/teaser.mp4` });
    expect((await status(pulled.body.data.publish_id)).body.data.status).toBe('PROCESSING_DOWNLOAD');
    expect((await status(pulled.body.data.publish_id)).body.data.status).toBe('PUBLISH_COMPLETE');
    const missing = await videoInit({}, { source: 'PULL_FROM_URL', video_url: `${sandbox().baseUrls.media}/event/missing.mp4` });
    expect((await status(missing.body.data.publish_id)).body.data).toMatchObject({ status: 'FAILED', fail_reason: 'video_pull_failed' });
  });

  it('posts photos pulled from the media host: JPEG or WebP, 1 to 35, title ≤ 90', async () => {
    sandbox().media.put('event/photo.jpg', jpegHeader(1080, 1080, 1000), 'image/jpeg');
    sandbox().media.put('event/photo.png', await readFile(example('media/volunteers.png')), 'image/png');
    const url = (name: string) => `${sandbox().baseUrls.media}/event/${name}`;
    const photos = (images: string[], info: Record<string, unknown> = {}) =>
      api('/v2/post/publish/content/init/', { media_type: 'PHOTO', post_mode: 'DIRECT_POST', post_info: { title: 'Brīvprātīgie', description: 'Nāc!', privacy_level: 'PUBLIC_TO_EVERYONE', ...info }, source_info: { source: 'PULL_FROM_URL', photo_images: images, photo_cover_index: 0 } });
    const ok = await photos([url('photo.jpg')]);
    expect(ok.body.data.publish_id).toMatch(/^p_pub_url~/);
    await status(ok.body.data.publish_id);
    expect((await status(ok.body.data.publish_id)).body.data.status).toBe('PUBLISH_COMPLETE');
    expect(sandbox().records.list('tiktok')[0]).toMatchObject({ kind: 'photo post', title: 'Brīvprātīgie', text: 'Nāc!', media: [{ type: 'image/jpeg' }] });
    const png = await photos([url('photo.png')]);
    await status(png.body.data.publish_id);
    expect((await status(png.body.data.publish_id)).body.data).toMatchObject({ status: 'FAILED', fail_reason: 'file_format_check_failed' });
    expect(errorOf(await photos([url('photo.jpg')], { title: 'a'.repeat(91) }))).toEqual([400, 'invalid_param']);
    expect(errorOf(await photos(Array.from({ length: 36 }, () => url('photo.jpg'))))).toEqual([400, 'invalid_param']);
  });

  it('limits init to 6 a minute per token', async () => {
    for (let index = 0; index < 6; index++) expect((await videoInit({}, whole)).status).toBe(200);
    expect(errorOf(await videoInit({}, whole))).toEqual([429, 'rate_limit_exceeded']);
    sandbox().advanceClock(61);
    expect((await videoInit({}, whole)).status).toBe(200);
  });

  it('expires an upload URL after an hour', async () => {
    const init = await videoInit({}, whole);
    sandbox().advanceClock(3601);
    const put = await call(init.body.data.upload_url, { method: 'PUT', headers: { 'content-type': 'video/mp4', 'content-range': `bytes 0-${teaser.length - 1}/${teaser.length}` }, body: teaser });
    expect(put.status).toBe(403);
  });
});
