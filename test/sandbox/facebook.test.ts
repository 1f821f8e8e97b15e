import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { facebookSandbox } from '../../adapters/facebook/sandbox.js';
import { example } from '../helpers.js';
import { call, useSandbox } from './helpers.js';

const sandbox = useSandbox();
const poster = await readFile(example('media/poster.jpg'));
const teaser = await readFile(example('media/teaser.mp4'));
const { pageId, pageToken } = facebookSandbox;
const graph = (path: string) => `${sandbox().baseUrls.facebook}/v25.0/${path}`;
const auth = { authorization: `Bearer ${pageToken}` };
const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
const multipart = (fields: Record<string, string | Blob>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  return { method: 'POST', headers: auth, body: data };
};
const graphError = (body: { error: Record<string, unknown> }) => ({ code: body.error.code, subcode: body.error.error_subcode, message: body.error.message, type: body.error.type });

describe('Facebook Page emulator', () => {
  it('publishes a feed post from a form, JSON or the query string, and reads it back', async () => {
    const fromForm = await call(graph(`${pageId}/feed`), form({ message: 'Sveiki no formas', link: 'https://www.intelektaparks.lv' }));
    expect(fromForm.status).toBe(200);
    expect(fromForm.body.id).toMatch(new RegExp(`^${pageId}_\\d+$`));
    const fromJson = await call(graph(`${pageId}/feed`), { method: 'POST', headers: auth, json: { message: 'Sveiki no JSON' } });
    expect(fromJson.status).toBe(200);
    const fromQuery = await call(`${graph(`${pageId}/feed`)}?message=No+vaic%C4%81juma&access_token=${pageToken}`, { method: 'POST' });
    expect(fromQuery.status).toBe(200);
    const read = await call(`${graph(fromForm.body.id)}?fields=message,permalink_url,is_published&access_token=${pageToken}`);
    expect(read.body).toEqual({ id: fromForm.body.id, message: 'Sveiki no formas', permalink_url: `https://www.facebook.com/${fromForm.body.id}`, is_published: true });
    expect(sandbox().records.list('facebook').map((post) => [post.kind, post.text, post.link])).toEqual([
      ['link post', 'Sveiki no formas', 'https://www.intelektaparks.lv'],
      ['text post', 'Sveiki no JSON', undefined],
      ['text post', 'No vaicājuma', undefined],
    ]);
    expect(fromForm.headers.get('x-app-usage')).toMatch(/call_count/);
    expect(JSON.parse(fromForm.headers.get('x-business-use-case-usage')!)[pageId][0].type).toBe('pages');
  });

  it('answers without a token with code 104, a wrong one with 190, an expired one with 190/463', async () => {
    const none = await call(graph(`${pageId}/feed`), { method: 'POST', json: { message: 'x' } });
    expect([none.status, graphError(none.body).code]).toEqual([400, 104]);
    const wrong = await call(graph(`${pageId}/feed`), { method: 'POST', headers: { authorization: 'Bearer nope' }, json: { message: 'x' } });
    expect(graphError(wrong.body)).toMatchObject({ code: 190, type: 'OAuthException' });
    sandbox().expireToken('facebook');
    const expired = await call(graph(`${pageId}/feed`), form({ message: 'x' }));
    expect(graphError(expired.body)).toMatchObject({ code: 190, subcode: 463 });
    expect(expired.body.error.message).toMatch(/^Error validating access token: Session has expired on /);
  });

  it('refuses an empty post (197), a bad link (1500) and the same message twice (506)', async () => {
    expect(graphError((await call(graph(`${pageId}/feed`), form({}))).body).code).toBe(197);
    expect(graphError((await call(graph(`${pageId}/feed`), form({ link: 'not a url' }))).body).code).toBe(1500);
    await call(graph(`${pageId}/feed`), form({ message: 'Vienreiz' }));
    const again = await call(graph(`${pageId}/feed`), form({ message: 'Vienreiz' }));
    expect(graphError(again.body)).toMatchObject({ code: 506, message: '(#506) Duplicate status message' });
  });

  it('schedules only unpublished posts, 10 minutes to 30 days ahead', async () => {
    const now = Math.floor(Date.now() / 1000);
    const published = await call(graph(`${pageId}/feed`), form({ message: 'a', scheduled_publish_time: String(now + 3600) }));
    expect(published.body.error.message).toBe('(#100) You cannot specify a scheduled publish time on a published post');
    for (const when of [now + 5 * 60, now + 31 * 24 * 3600]) {
      const outside = await call(graph(`${pageId}/feed`), form({ message: 'b', published: 'false', scheduled_publish_time: String(when) }));
      expect(graphError(outside.body)).toMatchObject({ code: 100, message: '(#100) The specified scheduled publish time is invalid.' });
    }
    const scheduled = await call(graph(`${pageId}/feed`), form({ message: 'c', published: 'false', scheduled_publish_time: new Date((now + 3600) * 1000).toISOString() }));
    expect(scheduled.status).toBe(200);
    expect(sandbox().records.list('facebook')[0]).toMatchObject({ published: false, scheduledAt: new Date((now + 3600) * 1000).toISOString() });
    const list = await call(`${graph(`${pageId}/scheduled_posts`)}?access_token=${pageToken}`);
    expect(list.body.data).toHaveLength(1);
  });

  it('takes a photo as an upload (with caption and alt text) or from a URL, and refuses what is not an image', async () => {
    const uploaded = await call(graph(`${pageId}/photos`), multipart({ caption: 'Plakāts', alt_text_custom: 'Plakāts ar tekstu', source: new Blob([poster], { type: 'image/jpeg' }) }));
    expect(uploaded.body).toEqual({ id: expect.stringMatching(/^\d+$/), post_id: expect.stringMatching(new RegExp(`^${pageId}_`)) });
    sandbox().media.put('event/volunteers.png', await readFile(example('media/volunteers.png')), 'image/png');
    const pulled = await call(graph(`${pageId}/photos`), form({ url: `${sandbox().baseUrls.media}/event/volunteers.png`, caption: 'No adreses' }));
    expect(pulled.status).toBe(200);
    const [first, second] = sandbox().records.list('facebook');
    expect(first).toMatchObject({ kind: 'photo post', text: 'Plakāts', media: [{ type: 'image/jpeg', bytes: poster.length, alt: 'Plakāts ar tekstu', sha256: createHash('sha256').update(poster).digest('hex') }] });
    expect(second!.media[0]).toMatchObject({ type: 'image/png', url: `${sandbox().baseUrls.media}/event/volunteers.png` });
    expect(graphError((await call(graph(`${pageId}/photos`), form({ caption: 'nekā' }))).body).code).toBe(324);
    expect(graphError((await call(graph(`${pageId}/photos`), multipart({ source: new Blob(['text'], { type: 'image/jpeg' }) }))).body).code).toBe(324);
    expect(graphError((await call(graph(`${pageId}/photos`), form({ url: `${sandbox().baseUrls.media}/missing.jpg` }))).body).code).toBe(100);
  });

  it('makes a multi-photo post from unpublished photos, and leaves unpublished photos out of the record', async () => {
    const ids: string[] = [];
    for (const caption of ['viens', 'divi']) {
      const photo = await call(graph(`${pageId}/photos`), multipart({ caption, published: 'false', source: new Blob([poster], { type: 'image/jpeg' }) }));
      expect(photo.body.post_id).toBeUndefined();
      ids.push(photo.body.id);
    }
    expect(sandbox().records.list('facebook')).toEqual([]);
    const post = await call(graph(`${pageId}/feed`), { method: 'POST', headers: auth, json: { message: 'Divi attēli', attached_media: ids.map((id) => ({ media_fbid: id })) } });
    expect(post.status).toBe(200);
    expect(sandbox().records.list('facebook')[0]).toMatchObject({ kind: 'multi-photo post', media: [{ bytes: poster.length }, { bytes: poster.length }] });
    const reused = await call(graph(`${pageId}/feed`), form({ message: 'atkal', 'attached_media[0]': JSON.stringify({ media_fbid: ids[0] }) }));
    expect(graphError(reused.body).code).toBe(100);
  });

  it('uploads a video in chunks (start, transfer, finish) and resumes from the offsets it returns', async () => {
    const start = await call(graph(`${pageId}/videos`), form({ upload_phase: 'start', file_size: String(teaser.length) }));
    expect(start.body).toMatchObject({ video_id: expect.any(String), upload_session_id: expect.any(String), start_offset: '0' });
    let offsets = { start: Number(start.body.start_offset), end: Number(start.body.end_offset) };
    const wrongOffset = await call(graph(`${pageId}/videos`), multipart({ upload_phase: 'transfer', upload_session_id: start.body.upload_session_id, start_offset: '5', video_file_chunk: new Blob([teaser.subarray(5, 10)]) }));
    expect(graphError(wrongOffset.body)).toMatchObject({ subcode: 1363037 });
    expect(wrongOffset.body.error.error_data).toEqual({ start_offset: 0, end_offset: offsets.end });
    while (offsets.start < teaser.length) {
      const transfer = await call(graph(`${pageId}/videos`), multipart({ upload_phase: 'transfer', upload_session_id: start.body.upload_session_id, start_offset: String(offsets.start), video_file_chunk: new Blob([teaser.subarray(offsets.start, offsets.end)]) }));
      offsets = { start: Number(transfer.body.start_offset), end: Number(transfer.body.end_offset) };
    }
    const finish = await call(graph(`${pageId}/videos`), form({ upload_phase: 'finish', upload_session_id: start.body.upload_session_id, description: 'Video par semināru' }));
    expect(finish.body).toEqual({ success: true });
    expect(sandbox().records.list('facebook')[0]).toMatchObject({ kind: 'video post', text: 'Video par semināru', media: [{ type: 'video/mp4', bytes: teaser.length, sha256: createHash('sha256').update(teaser).digest('hex') }] });
  });

  it('uploads a video with the resumable upload API and publishes it by its handle', async () => {
    const userAuth = { authorization: `OAuth ${facebookSandbox.userToken}` };
    const session = await call(`${graph(`${facebookSandbox.appId}/uploads`)}?file_name=teaser.mp4&file_length=${teaser.length}&file_type=video/mp4&access_token=${facebookSandbox.userToken}`, { method: 'POST' });
    expect(session.body.id).toMatch(/^upload:/);
    const half = 300_000;
    const partial = await call(graph(session.body.id), { method: 'POST', headers: { ...userAuth, file_offset: '0' }, body: teaser.subarray(0, half) });
    expect(partial.body).toEqual({ id: session.body.id, file_offset: half });
    expect((await call(`${graph(session.body.id)}`, { headers: userAuth })).body).toEqual({ id: session.body.id, file_offset: half });
    const done = await call(graph(session.body.id), { method: 'POST', headers: { ...userAuth, file_offset: String(half) }, body: teaser.subarray(half) });
    expect(done.body.h).toMatch(/^2:/);
    const video = await call(graph(`${pageId}/videos`), multipart({ fbuploader_video_file_chunk: done.body.h, description: 'Ar rokturi' }));
    expect(video.body.id).toMatch(/^\d+$/);
    expect(sandbox().records.list('facebook')[0]).toMatchObject({ kind: 'video post', media: [{ bytes: teaser.length }] });
  });

  it('lists the Page’s recent posts and deletes one', async () => {
    const first = await call(graph(`${pageId}/feed`), form({ message: 'Pirmā' }));
    await call(graph(`${pageId}/feed`), form({ message: 'Otrā' }));
    const list = await call(`${graph(`${pageId}/feed`)}?fields=message&limit=5&access_token=${pageToken}`);
    expect(list.body.data.map((item: { message: string }) => item.message)).toEqual(['Otrā', 'Pirmā']);
    expect((await call(`${graph(first.body.id)}?access_token=${pageToken}`, { method: 'DELETE' })).body).toEqual({ success: true });
    expect(sandbox().records.list('facebook').map((post) => post.text)).toEqual(['Otrā']);
  });

  it('answers an unknown object, path or API version in Graph’s own shape', async () => {
    expect(graphError((await call(`${graph('999')}?access_token=${pageToken}`)).body)).toMatchObject({ code: 100, subcode: 33, type: 'GraphMethodException' });
    expect(graphError((await call(`${sandbox().baseUrls.facebook}/latest/${pageId}/feed`, form({ message: 'x' }))).body).code).toBe(2500);
    expect(graphError((await call(graph(`${pageId}/feed/extra/deep`), form({ message: 'x' }))).body).code).toBe(2500);
  });
});

describe('Facebook native scheduling, by the sandbox’s clock', () => {
  const start = Date.parse('2027-06-01T09:00:00Z');
  const unix = (ms: number) => String(Math.floor(ms / 1000));
  const hour = 3600 * 1000;
  const read = (id: string, fields: string) => call(`${graph(id)}?fields=${fields}&access_token=${pageToken}`);
  const feedMessages = async () => (await call(`${graph(`${pageId}/feed`)}?fields=message&access_token=${pageToken}`)).body.data.map((item: { message: string }) => item.message);
  const scheduledIds = async () => (await call(`${graph(`${pageId}/scheduled_posts`)}?access_token=${pageToken}`)).body.data.map((item: { id: string }) => item.id);
  const scheduleText = (message: string, at: number) => call(graph(`${pageId}/feed`), form({ message, published: 'false', scheduled_publish_time: unix(at) }));

  it('publishes a scheduled feed post, photo and video when the clock reaches each one’s time', async () => {
    sandbox().setClock(start);
    const text = await scheduleText('Pēc stundas', start + hour);
    const photo = await call(graph(`${pageId}/photos`), multipart({ caption: 'Pēc divām', published: 'false', scheduled_publish_time: unix(start + 2 * hour), source: new Blob([poster], { type: 'image/jpeg' }) }));
    const video = await call(graph(`${pageId}/videos`), multipart({ description: 'Pēc trim', published: 'false', scheduled_publish_time: new Date(start + 3 * hour).toISOString(), source: new Blob([teaser], { type: 'video/mp4' }) }));
    const ids = [text.body.id, photo.body.post_id, video.body.id];
    expect(ids.every(Boolean)).toBe(true);
    expect((await read(text.body.id, 'is_published')).body.is_published).toBe(false);
    expect(await feedMessages()).toEqual([]);
    expect(await scheduledIds()).toEqual(ids);
    const reused = await call(graph(`${pageId}/feed`), { method: 'POST', headers: auth, json: { message: 'Cits', attached_media: [{ media_fbid: photo.body.id }] } });
    expect(graphError(reused.body).code).toBe(100);

    sandbox().advanceClock(3600);
    expect((await read(text.body.id, 'is_published,scheduled_publish_time')).body).toEqual({ id: text.body.id, is_published: true, scheduled_publish_time: Number(unix(start + hour)) });
    expect(await feedMessages()).toEqual(['Pēc stundas']);
    expect(await scheduledIds()).toEqual(ids.slice(1));
    expect(sandbox().records.list('facebook').map((post) => [post.kind, post.published, post.scheduledAt])).toEqual([
      ['text post', true, new Date(start + hour).toISOString()],
      ['photo post', false, new Date(start + 2 * hour).toISOString()],
      ['video post', false, new Date(start + 3 * hour).toISOString()],
    ]);

    sandbox().setClock(new Date(start + 3 * hour).toISOString());
    expect(await feedMessages()).toEqual(['Pēc trim', 'Pēc divām', 'Pēc stundas']);
    expect(await scheduledIds()).toEqual([]);
    const posted = await call(`${sandbox().url}/__sandbox/posts?platform=facebook`);
    expect(posted.body.data.map((post: { published: boolean }) => post.published)).toEqual([true, true, true]);
  });

  it('makes a scheduled multi-photo post from temporary photos, published with them at its time', async () => {
    sandbox().setClock(start);
    const ids: string[] = [];
    for (const caption of ['pirmais', 'otrais']) {
      const photo = await call(graph(`${pageId}/photos`), multipart({ caption, published: 'false', temporary: 'true', source: new Blob([poster], { type: 'image/jpeg' }) }));
      expect(photo.status).toBe(200);
      expect(photo.body.post_id).toBeUndefined();
      ids.push(photo.body.id);
    }
    const post = await call(graph(`${pageId}/feed`), {
      method: 'POST',
      headers: auth,
      json: { message: 'Divi attēli rīt', attached_media: ids.map((id) => ({ media_fbid: id })), published: false, scheduled_publish_time: Number(unix(start + 20 * hour)) },
    });
    expect(post.status).toBe(200);
    expect(sandbox().records.list('facebook')).toMatchObject([{ kind: 'multi-photo post', published: false, media: [{ bytes: poster.length }, { bytes: poster.length }] }]);
    sandbox().advanceClock(20 * 3600);
    expect(sandbox().records.list('facebook')).toMatchObject([{ id: post.body.id, published: true, scheduledAt: new Date(start + 20 * hour).toISOString() }]);
    expect(await feedMessages()).toEqual(['Divi attēli rīt']);
  });

  it('updates a post: its message, a new time within 10 minutes to 30 days while it is scheduled, or publishing it now', async () => {
    sandbox().setClock(start);
    const { id } = (await scheduleText('Melnraksts', start + hour)).body;
    expect((await call(graph(id), form({ message: 'Labots teksts' }))).body).toEqual({ success: true });
    expect((await read(id, 'message')).body.message).toBe('Labots teksts');

    for (const when of [start + 5 * 60 * 1000, start + 31 * 24 * hour]) {
      const outside = await call(graph(id), form({ scheduled_publish_time: unix(when) }));
      expect(graphError(outside.body)).toMatchObject({ code: 100, message: '(#100) The specified scheduled publish time is invalid.' });
    }
    expect((await call(graph(id), { method: 'POST', headers: auth, json: { scheduled_publish_time: Number(unix(start + 3 * hour)) } })).body).toEqual({ success: true });
    expect(sandbox().records.find('facebook', id)!.scheduledAt).toBe(new Date(start + 3 * hour).toISOString());
    sandbox().advanceClock(2 * 3600);
    expect((await read(id, 'is_published')).body.is_published).toBe(false);

    expect((await call(graph(id), form({ is_published: 'true' }))).body).toEqual({ success: true });
    expect((await read(id, 'is_published')).body.is_published).toBe(true);
    expect(await feedMessages()).toEqual(['Labots teksts']);
    expect(await scheduledIds()).toEqual([]);
    expect(sandbox().records.find('facebook', id)).toMatchObject({ published: true, text: 'Labots teksts' });
    expect(sandbox().records.find('facebook', id)!.scheduledAt).toBeUndefined();

    const late = await call(graph(id), form({ scheduled_publish_time: unix(start + 5 * hour) }));
    expect(graphError(late.body)).toMatchObject({ code: 100, message: '(#100) You cannot specify a scheduled publish time on a published post' });
    expect(graphError((await call(graph(id), form({}))).body).code).toBe(100);
  });

  it('answers an update of an unknown post with 100/33, and still takes upload bytes on the same path shape', async () => {
    const unknown = await call(graph(`${pageId}_999`), form({ message: 'x' }));
    expect(graphError(unknown.body)).toMatchObject({ code: 100, subcode: 33, type: 'GraphMethodException' });
    expect(unknown.body.error.message).toMatch(/^Unsupported post request\. Object with ID '100000000000001_999' does not exist/);
    const session = await call(`${graph(`${facebookSandbox.appId}/uploads`)}?file_length=${teaser.length}&file_type=video/mp4&access_token=${facebookSandbox.userToken}`, { method: 'POST' });
    const userAuth = { authorization: `OAuth ${facebookSandbox.userToken}` };
    const first = await call(graph(session.body.id), { method: 'POST', headers: { ...userAuth, file_offset: '0' }, body: teaser.subarray(0, 1000) });
    expect(first.body).toEqual({ id: session.body.id, file_offset: 1000 });
    const encoded = await call(graph(encodeURIComponent(session.body.id)), { method: 'POST', headers: { ...userAuth, file_offset: '1000' }, body: teaser.subarray(1000) });
    expect(encoded.body.h).toMatch(/^2:/);
  });

  it('deletes a scheduled post: gone from scheduled_posts and the records, and never published', async () => {
    sandbox().setClock(start);
    const { id } = (await scheduleText('Atcelts', start + hour)).body;
    expect(sandbox().records.list('facebook')).toHaveLength(1);
    expect((await call(`${graph(id)}?access_token=${pageToken}`, { method: 'DELETE' })).body).toEqual({ success: true });
    expect(await scheduledIds()).toEqual([]);
    expect(sandbox().records.list('facebook')).toEqual([]);
    sandbox().advanceClock(2 * 3600);
    expect(await feedMessages()).toEqual([]);
    expect(sandbox().records.list('facebook')).toEqual([]);
    expect(graphError((await read(id, 'is_published')).body)).toMatchObject({ code: 100, subcode: 33 });
  });
});
