import { readFile } from 'node:fs/promises';
import { ApiResponseError } from 'twitter-api-v2';
import { describe, expect, it } from 'vitest';
import { createXClient } from '../../adapters/x/client.js';
import { xSandboxCredentials } from '../../adapters/x/sandbox.js';
import { example } from '../helpers.js';
import { call, useSandbox } from './helpers.js';

const sandbox = useSandbox();
const client = () => createXClient(sandbox().baseUrls.x, xSandboxCredentials);
/** The ApiResponseError a call fails with: its HTTP status and X's body. */
const problem = async (promise: Promise<unknown>): Promise<{ code: number; data: any }> => {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ApiResponseError);
  return error as ApiResponseError;
};

describe('X emulator, driven by twitter-api-v2', () => {
  it('creates a post: 201 with id and text, rate-limit headers, and a record of what arrived', async () => {
    const x = await client();
    const result = await x.v2.tweet('Divu dienu seminārs par NVO darbu. https://www.intelektaparks.lv');
    expect(result.data).toEqual({ id: expect.stringMatching(/^\d{19}$/), text: 'Divu dienu seminārs par NVO darbu. https://www.intelektaparks.lv', edit_history_tweet_ids: [result.data.id] });
    const [post] = sandbox().records.list('x');
    expect(post).toMatchObject({ id: result.data.id, kind: 'post', text: 'Divu dienu seminārs par NVO darbu. https://www.intelektaparks.lv', media: [] });
    const raw = await call(`${sandbox().baseUrls.x}/2/users/me`);
    expect(raw.status).toBe(401);
    expect(raw.headers.get('x-rate-limit-limit')).toMatch(/^\d+$/);
    expect(raw.headers.get('x-rate-limit-reset')).toMatch(/^\d+$/);
  });

  it('reads a post back through GET /2/tweets/:id and lists the user’s posts', async () => {
    const x = await client();
    const { data } = await x.v2.tweet('Lasām atpakaļ.');
    expect((await x.v2.singleTweet(data.id)).data.text).toBe('Lasām atpakaļ.');
    const me = await x.v2.me();
    const timeline = await x.v2.get(`users/${me.data.id}/tweets`, { max_results: 5 });
    expect(timeline.data.map((tweet: { id: string }) => tweet.id)).toContain(data.id);
  });

  it('lists only posts from start_time on (to the second, inclusive), with created_at when asked, and refuses a malformed time', async () => {
    const x = await client();
    sandbox().setClock('2027-06-01T07:00:00.000Z');
    const { data: older } = await x.v2.tweet('Vecāks ieraksts.');
    sandbox().setClock('2027-06-08T07:00:00.000Z');
    const { data: newer } = await x.v2.tweet('Jaunāks ieraksts.');
    const me = await x.v2.me();
    const since = await x.v2.get(`users/${me.data.id}/tweets`, { max_results: 5, start_time: '2027-06-08T07:00:00Z', 'tweet.fields': 'created_at' });
    expect(since.data).toEqual([{ id: newer.id, text: 'Jaunāks ieraksts.', edit_history_tweet_ids: [newer.id], created_at: '2027-06-08T07:00:00.000Z' }]);
    const all = await x.v2.get(`users/${me.data.id}/tweets`, { max_results: 5 });
    expect(all.data.map((tweet: { id: string }) => tweet.id)).toEqual([newer.id, older.id]);
    const error = await problem(x.v2.get(`users/${me.data.id}/tweets`, { start_time: '8 June 2027' }));
    expect(error.code).toBe(400);
    expect(JSON.stringify(error.data)).toContain('start_time');
  });

  it('refuses more than 280 weighted characters, counting a URL as 23 and an emoji as 2', async () => {
    const x = await client();
    const fits = `${'a'.repeat(255)} https://www.intelektaparks.lv/${'x'.repeat(100)}`; // 255 + 1 + 23 = 279
    await expect(x.v2.tweet(fits)).resolves.toBeTruthy();
    await x.v2.tweet(`${'b'.repeat(278)}🙌`); // 278 + 2 = 280
    const error = await problem(x.v2.tweet(`${'c'.repeat(279)}🙌`));
    expect(error.code).toBe(400);
    expect(error.data).toMatchObject({ title: 'Invalid Request', type: 'https://api.twitter.com/2/problems/invalid-request' });
    expect(JSON.stringify(error.data)).toContain('Your Tweet text is too long');
  });

  it('rejects the same text twice with X’s 403 duplicate body', async () => {
    const x = await client();
    await x.v2.tweet('Tas pats teksts.');
    const error = await problem(x.v2.tweet('Tas pats teksts.'));
    expect(error.code).toBe(403);
    expect(error.data).toEqual({ title: 'Forbidden', detail: 'You are not allowed to create a Tweet with duplicate content.', type: 'about:blank', status: 403 });
  });

  it('builds a thread by replying to the previous post, and refuses a reply to nothing', async () => {
    const x = await client();
    const first = await x.v2.tweet('1/2');
    const second = await x.v2.reply('2/2', first.data.id);
    expect(sandbox().records.find('x', second.data.id)).toMatchObject({ kind: 'reply', replyTo: first.data.id });
    const error = await problem(x.v2.reply('3/2', '1234567890123456789'));
    expect(error.code).toBe(400);
  });

  it('rejects unknown fields and numeric ids as invalid requests', async () => {
    const x = await client();
    expect((await problem(x.v2.post('tweets', { text: 'a', colour: 'red' }))).data.errors[0].parameters).toEqual({ colour: ["The property 'colour' is not defined in the schema."] });
    expect((await problem(x.v2.post('tweets', { text: 'b', media: { media_ids: [123] } }))).code).toBe(400);
  });

  it('checks the OAuth 1.0a signature: a wrong secret gets 401', async () => {
    const wrong = await createXClient(sandbox().baseUrls.x, { ...xSandboxCredentials, appSecret: 'not-the-secret' });
    const error = await problem(wrong.v2.tweet('Neizies.'));
    expect(error.code).toBe(401);
    expect(error.data).toEqual({ title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
    const unsigned = await call(`${sandbox().baseUrls.x}/2/tweets`, { method: 'POST', json: { text: 'bez paraksta' } });
    expect(unsigned.status).toBe(401);
    expect(sandbox().records.list('x')).toEqual([]);
  });

  it('uploads an image in one shot and a video in chunks, with alt text, and attaches them', async () => {
    const x = await client();
    const poster = await readFile(example('media/poster.jpg'));
    const teaser = await readFile(example('media/teaser.mp4'));
    const imageId = await x.v2.uploadMedia(poster, { media_type: 'image/jpeg' });
    await x.v2.createMediaMetadata(imageId, { alt_text: { text: 'Plakāts: Intelekta parks' } });
    const posted = await x.v2.tweet({ text: 'Ar attēlu.', media: { media_ids: [imageId] } });
    const videoId = await x.v2.uploadMedia(teaser, { media_type: 'video/mp4' }, 256 * 1024);
    await x.v2.tweet({ text: 'Ar video.', media: { media_ids: [videoId] } });
    const [image, video] = sandbox().records.list('x');
    expect(image!.id).toBe(posted.data.id);
    expect(image!.media).toEqual([{ type: 'image/jpeg', bytes: poster.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), alt: 'Plakāts: Intelekta parks' }]);
    expect(video!.media).toEqual([{ type: 'video/mp4', bytes: teaser.length, sha256: expect.any(String) }]);
    const { createHash } = await import('node:crypto');
    expect(video!.media[0]!.sha256).toBe(createHash('sha256').update(teaser).digest('hex'));
  });

  it('answers STATUS while a video processes, and refuses to attach it before it succeeds', async () => {
    const x = await client();
    const { data } = await x.v2.post('media/upload/initialize', { media_type: 'video/mp4', total_bytes: 4, media_category: 'tweet_video' });
    await x.v2.post(`media/upload/${data.id}/append`, { segment_index: 0, media: Buffer.from('abcd') }, { forceBodyMode: 'form-data' });
    const finalized = await x.v2.post(`media/upload/${data.id}/finalize`);
    expect(finalized.data.processing_info).toEqual({ state: 'pending', check_after_secs: 1, progress_percent: 0 });
    expect((await problem(x.v2.tweet({ text: 'pārāk agri', media: { media_ids: [data.id] } }))).code).toBe(400);
    const status = await x.v2.get('media/upload', { command: 'STATUS', media_id: data.id });
    expect(status.data.processing_info.state).toBe('pending');
    expect((await x.v2.get('media/upload', { command: 'STATUS', media_id: data.id })).data.processing_info.state).toBe('succeeded');
  });

  it('checks chunked uploads: segments in order, bytes adding up, sizes within limits', async () => {
    const x = await client();
    const { data } = await x.v2.post('media/upload/initialize', { media_type: 'image/png', total_bytes: 10 });
    const outOfOrder = await problem(x.v2.post(`media/upload/${data.id}/append`, { segment_index: 1, media: Buffer.from('abc') }, { forceBodyMode: 'form-data' }));
    expect(outOfOrder.code).toBe(400);
    await x.v2.post(`media/upload/${data.id}/append`, { segment_index: 0, media: Buffer.from('abc') }, { forceBodyMode: 'form-data' });
    expect((await problem(x.v2.post(`media/upload/${data.id}/finalize`))).data.errors[0].message).toBe('Segments do not add up to total_bytes: received 3 of 10.');
    expect((await problem(x.v2.post('media/upload/initialize', { media_type: 'image/jpeg', total_bytes: 5_000_001 }))).data.errors[0].message).toBe('File size exceeds 5000000 bytes.');
    expect((await problem(x.v2.post('media/upload/initialize', { media_type: 'application/pdf', total_bytes: 10 }))).code).toBe(400);
  });

  it('refuses alt text over 1,000 characters and four images mixed with a video', async () => {
    const x = await client();
    const poster = await readFile(example('media/poster.jpg'));
    const image = await x.v2.uploadMedia(poster, { media_type: 'image/jpeg' });
    expect((await problem(x.v2.createMediaMetadata(image, { alt_text: { text: 'a'.repeat(1001) } }))).code).toBe(400);
    const { data } = await x.v2.post('media/upload/initialize', { media_type: 'video/mp4', total_bytes: 1 });
    await x.v2.post(`media/upload/${data.id}/append`, { segment_index: 0, media: Buffer.from('v') }, { forceBodyMode: 'form-data' });
    await x.v2.post(`media/upload/${data.id}/finalize`);
    await x.v2.get('media/upload', { command: 'STATUS', media_id: data.id });
    await x.v2.get('media/upload', { command: 'STATUS', media_id: data.id });
    const mixed = await problem(x.v2.tweet({ text: 'jaukti', media: { media_ids: [image, data.id] } }));
    expect(mixed.data.errors[0].message).toBe('A post may have 4 images, or 1 GIF, or 1 video; they cannot be mixed.');
  });

  it('takes an image in one request on POST /2/media/upload, which needs media_category', async () => {
    const x = await client();
    const poster = await readFile(example('media/poster.jpg'));
    const uploaded = await x.v2.post('media/upload', { media: poster, media_category: 'tweet_image', media_type: 'image/jpeg' }, { forceBodyMode: 'form-data' });
    expect(uploaded.data).toMatchObject({ id: expect.stringMatching(/^\d+$/), media_key: `3_${uploaded.data.id}`, size: poster.length });
    expect(uploaded.data.processing_info).toBeUndefined();
    expect((await problem(x.v2.post('media/upload', { media: poster }, { forceBodyMode: 'form-data' }))).data.errors[0].message).toBe('media_category is required.');
    expect((await problem(x.v2.post('media/upload', { media: poster, media_category: 'tweet_video' }, { forceBodyMode: 'form-data' }))).code).toBe(400);
  });

  it('deletes a post', async () => {
    const x = await client();
    const { data } = await x.v2.tweet('Dzēšams.');
    expect((await x.v2.deleteTweet(data.id)).data.deleted).toBe(true);
    expect(sandbox().records.list('x')).toEqual([]);
    expect((await problem(x.v2.singleTweet(data.id))).code).toBe(404);
  });
});
