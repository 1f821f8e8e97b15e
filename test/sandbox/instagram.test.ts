import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { instagramSandbox } from '../../adapters/instagram/sandbox.js';
import { example, jpegHeader } from '../helpers.js';
import { call, useSandbox } from './helpers.js';

const sandbox = useSandbox();
const poster = await readFile(example('media/poster.jpg'));
const teaser = await readFile(example('media/teaser.mp4'));
const { userId, token } = instagramSandbox;
const graph = (path: string) => `${sandbox().baseUrls.instagram}/v25.0/${path}`;
const post = (path: string, fields: Record<string, unknown>) => call(graph(path), { method: 'POST', headers: { authorization: `Bearer ${token}` }, json: fields });
const get = (path: string) => call(`${graph(path)}${path.includes('?') ? '&' : '?'}access_token=${token}`);
const host = (name: string, bytes: Buffer, type = 'image/jpeg') => {
  sandbox().media.put(`event/${name}`, bytes, type);
  return `${sandbox().baseUrls.media}/event/${name}`;
};
const codes = (body: { error: { code: number; error_subcode?: number } }) => [body.error.code, body.error.error_subcode];

describe('Instagram emulator', () => {
  it('publishes an image: container, status FINISHED, media_publish, and the media read back', async () => {
    const container = await post(`${userId}/media`, { image_url: host('poster.jpg', poster), caption: 'Seminārs #IntelektaParks', alt_text: 'Plakāts' });
    expect(container.body).toEqual({ id: expect.stringMatching(/^\d+$/) });
    expect((await get(`${container.body.id}?fields=status_code`)).body).toEqual({ status_code: 'FINISHED', id: container.body.id });
    const published = await post(`${userId}/media_publish`, { creation_id: container.body.id });
    expect(published.body).toEqual({ id: expect.stringMatching(/^\d+$/) });
    const media = await get(`${published.body.id}?fields=id,caption,media_type,permalink`);
    expect(media.body).toMatchObject({ id: published.body.id, caption: 'Seminārs #IntelektaParks', media_type: 'IMAGE', permalink: expect.stringMatching(/^https:\/\/www\.instagram\.com\/p\//) });
    expect(sandbox().records.list('instagram')[0]).toMatchObject({ kind: 'image', text: 'Seminārs #IntelektaParks', media: [{ type: 'image/jpeg', bytes: poster.length, alt: 'Plakāts' }] });
  });

  it('keeps a reel IN_PROGRESS until processed, and refuses to publish it early with 9007/2207027', async () => {
    const container = await post(`${userId}/media`, { media_type: 'REELS', video_url: host('teaser.mp4', teaser, 'video/mp4'), caption: 'Rullītis' });
    const early = await post(`${userId}/media_publish`, { creation_id: container.body.id });
    expect(codes(early.body)).toEqual([9007, 2207027]);
    expect(early.body.error.error_user_msg).toBe('The media is not ready for publishing, please wait for a moment');
    expect((await get(`${container.body.id}?fields=status_code,status`)).body).toEqual({ id: container.body.id, status_code: 'IN_PROGRESS', status: 'In Progress: Media is still being processed.' });
    expect((await get(`${container.body.id}?fields=status_code`)).body.status_code).toBe('FINISHED');
    expect((await post(`${userId}/media_publish`, { creation_id: container.body.id })).status).toBe(200);
    expect(sandbox().records.list('instagram')[0]).toMatchObject({ kind: 'reel', media: [{ type: 'video/mp4', bytes: teaser.length }] });
  });

  it('uploads a reel by the resumable upload, with no public address', async () => {
    const container = await post(`${userId}/media`, { media_type: 'REELS', upload_type: 'resumable', caption: 'Augšupielāde' });
    expect(container.body.uri).toBe(`${sandbox().baseUrls.instagram}/rupload/ig-api-upload/v25.0/${container.body.id}`);
    const uploaded = await call(container.body.uri, { method: 'POST', headers: { authorization: `OAuth ${token}`, offset: '0', file_size: String(teaser.length) }, body: teaser });
    expect(uploaded.body).toEqual({ success: true, message: 'Upload successful. Media will be processed shortly.' });
    await get(`${container.body.id}?fields=status_code`);
    await get(`${container.body.id}?fields=status_code`);
    expect((await post(`${userId}/media_publish`, { creation_id: container.body.id })).status).toBe(200);
  });

  it('publishes a carousel of an image and a video as one post', async () => {
    const image = await post(`${userId}/media`, { image_url: host('poster.jpg', poster), is_carousel_item: true });
    const video = await post(`${userId}/media`, { media_type: 'VIDEO', video_url: host('teaser.mp4', teaser, 'video/mp4'), is_carousel_item: true });
    const carousel = await post(`${userId}/media`, { media_type: 'CAROUSEL', children: [image.body.id, video.body.id].join(','), caption: 'Divi' });
    expect((await get(`${carousel.body.id}?fields=status_code`)).body.status_code).toBe('IN_PROGRESS');
    await get(`${video.body.id}?fields=status_code`);
    expect((await post(`${userId}/media_publish`, { creation_id: carousel.body.id })).status).toBe(200);
    expect(sandbox().records.list('instagram')[0]).toMatchObject({ kind: 'carousel', text: 'Divi', media: [{ type: 'image/jpeg' }, { type: 'video/mp4' }] });
    const lonely = await post(`${userId}/media`, { media_type: 'CAROUSEL', children: image.body.id });
    expect(codes(lonely.body)).toEqual([100, 2207028]);
  });

  it('refuses what Instagram refuses, with its codes and subcodes', async () => {
    const png = await post(`${userId}/media`, { image_url: host('volunteers.png', await readFile(example('media/volunteers.png')), 'image/png') });
    expect(codes(png.body)).toEqual([36001, 2207005]);
    expect(codes((await post(`${userId}/media`, { image_url: host('wide.jpg', jpegHeader(1920, 1000)) })).body)).toEqual([36003, 2207009]);
    expect(codes((await post(`${userId}/media`, { image_url: host('big.jpg', jpegHeader(1080, 1350, 8 * 1024 * 1024)) })).body)).toEqual([36000, 2207004]);
    expect(codes((await post(`${userId}/media`, { image_url: `${sandbox().baseUrls.media}/missing.jpg` })).body)).toEqual([9004, 2207052]);
    const url = host('poster.jpg', poster);
    expect(codes((await post(`${userId}/media`, { image_url: url, caption: 'a'.repeat(2201) })).body)).toEqual([36004, 2207010]);
    const mentions = Array.from({ length: 21 }, (_, index) => `@u${index}`).join(' ');
    expect(codes((await post(`${userId}/media`, { image_url: url, caption: mentions })).body)).toEqual([100, 2207040]);
    const hashtags = Array.from({ length: 31 }, (_, index) => `#t${index}`).join(' ');
    const tooManyTags = await post(`${userId}/media`, { image_url: url, caption: hashtags });
    expect(tooManyTags.body.error).toMatchObject({ code: 100, message: '(#100) The caption has more than 30 hashtags.' });
    expect((await post(`${userId}/media`, { image_url: url, caption: Array.from({ length: 30 }, (_, index) => `#t${index}`).join(' ') })).status).toBe(200);
  });

  it('counts posts against the publishing limit and refuses past it with 9/2207042', async () => {
    const limited = sandbox();
    limited.options.instagramPostsPerDay = 1;
    const url = host('poster.jpg', poster);
    const first = await post(`${userId}/media`, { image_url: url });
    await post(`${userId}/media_publish`, { creation_id: first.body.id });
    expect((await get(`${userId}/content_publishing_limit?fields=quota_usage,config`)).body).toEqual({ data: [{ quota_usage: 1, config: { quota_total: 1, quota_duration: 86400 } }] });
    const second = await post(`${userId}/media`, { image_url: url });
    expect(codes((await post(`${userId}/media_publish`, { creation_id: second.body.id })).body)).toEqual([9, 2207042]);
  });

  it('expires a container after 24 hours', async () => {
    const container = await post(`${userId}/media`, { image_url: host('poster.jpg', poster) });
    sandbox().advanceClock(24 * 60 * 60 + 1);
    expect((await get(`${container.body.id}?fields=status_code`)).body.status_code).toBe('EXPIRED');
    expect(codes((await post(`${userId}/media_publish`, { creation_id: container.body.id })).body)).toEqual([-2, 2207020]);
  });

  it('lists the account’s published media, newest first', async () => {
    const url = host('poster.jpg', poster);
    for (const caption of ['Pirmais', 'Otrais']) {
      const container = await post(`${userId}/media`, { image_url: url, caption });
      await post(`${userId}/media_publish`, { creation_id: container.body.id });
    }
    expect((await get(`${userId}/media?fields=id,caption`)).body.data.map((item: { caption: string }) => item.caption)).toEqual(['Otrais', 'Pirmais']);
  });

  it('refuses another user and a missing token in Graph’s shape', async () => {
    expect(codes((await post('123/media', { image_url: 'x' })).body)).toEqual([100, 33]);
    const none = await call(graph(`${userId}/media`), { method: 'POST', json: { image_url: 'x' } });
    expect(none.body.error.code).toBe(104);
  });
});
