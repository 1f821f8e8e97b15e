import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createYouTubeClient, type YouTubeClient } from '../../adapters/youtube/client.js';
import { youtubeSandboxCredentials } from '../../adapters/youtube/sandbox.js';
import { example } from '../helpers.js';
import { call, useSandbox } from './helpers.js';

const sandbox = useSandbox();
const client = () =>
  createYouTubeClient({ baseUrl: sandbox().baseUrls.youtube, tokenUrl: `${sandbox().baseUrls.youtube}/token`, ...youtubeSandboxCredentials });
const teaser = await readFile(example('media/teaser.mp4'));
const poster = await readFile(example('media/poster.jpg'));
const resource = {
  snippet: { title: 'Seminārs', description: 'Apraksts', tags: ['IntelektaParks'], categoryId: '27', defaultLanguage: 'lv' },
  status: { privacyStatus: 'public', selfDeclaredMadeForKids: false },
  localizations: { ru: { title: 'Семинар', description: 'Описание' }, en: { title: 'Seminar', description: 'Description' } },
};
const reasonOf = async (promise: Promise<unknown>) => {
  const error = (await promise.then(() => undefined, (caught: unknown) => caught)) as { status?: number; response?: { data: { error: { errors: { reason: string }[] } } } };
  return [error?.status, error?.response?.data.error.errors[0]?.reason];
};

/** Starts a resumable session the way the adapter will: JSON metadata, then the session URI from Location. */
async function startSession(authorization: string, body: unknown, parts = 'snippet,status,localizations') {
  return call(`${sandbox().baseUrls.youtube}/upload/youtube/v3/videos?uploadType=resumable&part=${parts}`, {
    method: 'POST',
    headers: { authorization, 'x-upload-content-length': String(teaser.length), 'x-upload-content-type': 'video/mp4' },
    json: body,
  });
}

describe('YouTube emulator, driven by @googleapis/youtube', () => {
  it('refreshes the access token at the token endpoint, then uploads a video with localizations (multipart)', async () => {
    const { youtube, uploadOptions } = await client();
    const inserted = await youtube.videos.insert(
      { part: ['snippet', 'status', 'localizations'], requestBody: resource, media: { mimeType: 'video/mp4', body: Readable.from(teaser) } },
      uploadOptions,
    );
    expect(inserted.status).toBe(200);
    expect(inserted.data).toMatchObject({ kind: 'youtube#video', id: expect.stringMatching(/^[\w-]{11}$/), snippet: { title: 'Seminārs', defaultLanguage: 'lv' }, status: { uploadStatus: 'uploaded', privacyStatus: 'public' } });
    const [video] = sandbox().records.list('youtube');
    expect(video).toMatchObject({ title: 'Seminārs', text: 'Apraksts', defaultLanguage: 'lv', localizations: resource.localizations, tags: ['IntelektaParks'], privacy: 'public', published: true });
    expect(video!.media).toEqual([{ type: 'video/mp4', bytes: teaser.length, sha256: createHash('sha256').update(teaser).digest('hex') }]);
  });

  it('lists a video while it processes, then processed', async () => {
    const { youtube, uploadOptions } = await client();
    const { data } = await youtube.videos.insert({ part: ['snippet', 'status'], requestBody: { snippet: resource.snippet, status: resource.status }, media: { mimeType: 'video/mp4', body: Readable.from(teaser) } }, uploadOptions);
    const first = await youtube.videos.list({ part: ['status', 'processingDetails'], id: [data.id!] });
    expect(first.data.items![0]!.status!.uploadStatus).toBe('uploaded');
    expect(first.data.items![0]!.processingDetails!.processingStatus).toBe('processing');
    const second = await youtube.videos.list({ part: ['status', 'processingDetails'], id: [data.id!] });
    expect(second.data.items![0]!.status!.uploadStatus).toBe('processed');
  });

  it('validates title, description bytes, tags, category, localizations and publishAt with YouTube’s reasons', async () => {
    const { youtube, uploadOptions } = await client();
    const insert = (requestBody: Record<string, unknown>) =>
      youtube.videos.insert({ part: ['snippet', 'status', 'localizations'], requestBody, media: { mimeType: 'video/mp4', body: Readable.from(teaser) } }, uploadOptions);
    const snippet = { title: 'Seminārs', categoryId: '27' };
    expect(await reasonOf(insert({ snippet: { ...snippet, title: 'ā'.repeat(101) } }))).toEqual([400, 'invalidTitle']);
    expect(await reasonOf(insert({ snippet: { ...snippet, title: 'a <b>' } }))).toEqual([400, 'invalidTitle']);
    expect(await reasonOf(insert({ snippet: { ...snippet, description: 'я'.repeat(2501) } }))).toEqual([400, 'invalidDescription']);
    expect(await reasonOf(insert({ snippet: { ...snippet, tags: ['t'.repeat(501)] } }))).toEqual([400, 'invalidTags']);
    expect(await reasonOf(insert({ snippet: { ...snippet, categoryId: '99' } }))).toEqual([400, 'invalidCategoryId']);
    expect(await reasonOf(insert({ snippet, localizations: resource.localizations }))).toEqual([400, 'defaultLanguageNotSet']);
    expect(await reasonOf(insert({ snippet, status: { privacyStatus: 'public', publishAt: '2030-01-01T10:00:00Z' } }))).toEqual([400, 'invalidPublishAt']);
    await expect(insert({ snippet: { ...snippet, title: 'ā'.repeat(100), description: 'я'.repeat(2500) } })).resolves.toMatchObject({ status: 200 });
  });

  it('schedules with publishAt on a private video', async () => {
    const { youtube, uploadOptions } = await client();
    await youtube.videos.insert(
      { part: ['snippet', 'status'], requestBody: { snippet: resource.snippet, status: { privacyStatus: 'private', publishAt: '2030-06-08T07:00:00Z' } }, media: { mimeType: 'video/mp4', body: Readable.from(teaser) } },
      uploadOptions,
    );
    expect(sandbox().records.list('youtube')[0]).toMatchObject({ published: false, privacy: 'private', scheduledAt: '2030-06-08T07:00:00.000Z' });
  });

  it('sets a thumbnail, and refuses one for a video that does not exist', async () => {
    const { youtube, uploadOptions } = await client();
    const { data } = await youtube.videos.insert({ part: ['snippet'], requestBody: { snippet: resource.snippet }, media: { mimeType: 'video/mp4', body: Readable.from(teaser) } }, uploadOptions);
    const set = await youtube.thumbnails.set({ videoId: data.id!, media: { mimeType: 'image/jpeg', body: Readable.from(poster) } }, uploadOptions);
    expect(set.data.kind).toBe('youtube#thumbnailSetResponse');
    expect(sandbox().records.list('youtube')[0]!.thumbnail).toMatchObject({ type: 'image/jpeg', bytes: poster.length });
    expect(await reasonOf(youtube.thumbnails.set({ videoId: 'nonexistent1', media: { mimeType: 'image/jpeg', body: Readable.from(poster) } }, uploadOptions))).toEqual([404, 'videoNotFound']);
  });

  it('answers without valid credentials with 401 authError', async () => {
    const unauthenticated = await call(`${sandbox().baseUrls.youtube}/youtube/v3/videos?part=status&id=x`);
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.body.error.errors[0]).toMatchObject({ reason: 'authError', location: 'Authorization', locationType: 'header' });
    const badRefresh = await createYouTubeClient({ baseUrl: sandbox().baseUrls.youtube, tokenUrl: `${sandbox().baseUrls.youtube}/token`, ...youtubeSandboxCredentials, refreshToken: 'revoked' });
    const error = await badRefresh.youtube.videos.list({ part: ['status'], id: ['x'] }).catch((caught: { response?: { data: unknown } }) => caught.response?.data);
    expect(error).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
  });

  it('accepts part as repeated parameters or a comma list, and refuses an unknown part', async () => {
    const { youtube } = await client();
    await expect(youtube.videos.list({ part: ['status', 'snippet'], id: ['none'] })).resolves.toMatchObject({ status: 200 });
    expect(await reasonOf(youtube.videos.list({ part: ['stauts'], id: ['none'] }))).toEqual([400, 'unknownPart']);
  });
});

describe('more of videos and the lists', () => {
  it('updates a video’s snippet and localizations, deletes it, and lists categories and languages', async () => {
    const { youtube, uploadOptions } = await client();
    const { data } = await youtube.videos.insert({ part: ['snippet', 'status'], requestBody: { snippet: resource.snippet, status: { privacyStatus: 'private' } }, media: { mimeType: 'video/mp4', body: Readable.from(teaser) } }, uploadOptions);
    const updated = await youtube.videos.update({ part: ['snippet', 'localizations'], requestBody: { id: data.id!, snippet: { ...resource.snippet, title: 'Jauns nosaukums' }, localizations: resource.localizations } });
    expect(updated.data.snippet!.title).toBe('Jauns nosaukums');
    expect(sandbox().records.list('youtube')[0]).toMatchObject({ title: 'Jauns nosaukums', localizations: resource.localizations });
    expect(await reasonOf(youtube.videos.update({ part: ['snippet'], requestBody: { id: data.id!, snippet: { title: 'a <b>', categoryId: '27' } } }))).toEqual([400, 'invalidTitle']);
    expect((await youtube.videos.delete({ id: data.id! })).status).toBe(204);
    expect(sandbox().records.list('youtube')).toEqual([]);
    expect((await youtube.videoCategories.list({ part: ['snippet'], regionCode: 'LV' })).data.items!.find((item) => item.id === '27')!.snippet!.title).toBe('Education');
    expect((await youtube.i18nLanguages.list({ part: ['snippet'] })).data.items!.map((item) => item.id)).toEqual(expect.arrayContaining(['lv', 'ru', 'en']));
  });
});

describe('the resumable upload protocol', () => {
  it('opens a session, takes 256 KiB chunks with 308 Resume Incomplete and Range, and ends with the video', async () => {
    const authorization = await (await client()).authorization();
    const session = await startSession(authorization, resource);
    expect(session.status).toBe(200);
    const location = session.headers.get('location')!;
    expect(location).toMatch(/\/upload\/youtube\/v3\/videos\?uploadType=resumable&upload_id=[\w-]+/);
    const chunk = 256 * 1024;
    const put = (start: number, end: number) =>
      call(location, { method: 'PUT', headers: { authorization, 'content-range': `bytes ${start}-${end - 1}/${teaser.length}` }, body: teaser.subarray(start, end) });
    const first = await put(0, chunk);
    expect([first.status, first.headers.get('range')]).toEqual([308, `bytes=0-${chunk - 1}`]);
    const second = await put(chunk, 2 * chunk);
    expect(second.headers.get('range')).toBe(`bytes=0-${2 * chunk - 1}`);
    const last = await put(2 * chunk, teaser.length);
    expect(last.status).toBe(201);
    expect(last.body).toMatchObject({ kind: 'youtube#video', snippet: { title: 'Seminārs' } });
    expect(sandbox().records.list('youtube')[0]!.media[0]!.sha256).toBe(createHash('sha256').update(teaser).digest('hex'));
  });

  it('reports what it holds after an interruption, so the upload resumes instead of starting again', async () => {
    const authorization = await (await client()).authorization();
    const location = (await startSession(authorization, resource)).headers.get('location')!;
    const status = () => call(location, { method: 'PUT', headers: { authorization, 'content-range': `bytes */${teaser.length}` } });
    const empty = await status();
    expect([empty.status, empty.headers.get('range')]).toEqual([308, null]);
    await call(location, { method: 'PUT', headers: { 'content-range': `bytes 0-262143/${teaser.length}` }, body: teaser.subarray(0, 262_144) });
    const held = await status();
    expect(held.headers.get('range')).toBe('bytes=0-262143');
    const done = await call(location, { method: 'PUT', headers: { 'content-range': `bytes 262144-${teaser.length - 1}/${teaser.length}` }, body: teaser.subarray(262_144) });
    expect(done.status).toBe(201);
    const again = await status();
    expect(again.status).toBe(200);
    expect(sandbox().records.list('youtube')).toHaveLength(1);
  });

  it('refuses a chunk that is not a multiple of 256 KiB, and an unknown session with 404', async () => {
    const authorization = await (await client()).authorization();
    const location = (await startSession(authorization, resource)).headers.get('location')!;
    const odd = await call(location, { method: 'PUT', headers: { 'content-range': `bytes 0-99999/${teaser.length}` }, body: teaser.subarray(0, 100_000) });
    expect(odd.status).toBe(400);
    expect(odd.body.error.errors[0].reason).toBe('badContent');
    const unknown = await call(`${sandbox().baseUrls.youtube}/upload/youtube/v3/videos?uploadType=resumable&upload_id=nope`, { method: 'PUT', body: 'x' });
    expect(unknown.status).toBe(404);
  });

  it('reports metadata errors before any bytes move', async () => {
    const authorization = await (await client()).authorization();
    const session = await startSession(authorization, { snippet: { title: '' } });
    expect(session.status).toBe(400);
    expect(session.body.error).toMatchObject({ code: 400, errors: [{ reason: 'invalidTitle', domain: 'youtube.video' }], status: 'INVALID_ARGUMENT' });
  });
});

describe('quota', () => {
  const quotaSandbox = useSandbox({ youtubeUploadsPerDay: 1, youtubeUnitsPerDay: 2 });
  it('counts uploads in their own bucket and other calls in units, then answers quotaExceeded until the Pacific day turns', async () => {
    const connect = () => createYouTubeClient({ baseUrl: quotaSandbox().baseUrls.youtube, tokenUrl: `${quotaSandbox().baseUrls.youtube}/token`, ...youtubeSandboxCredentials });
    let { youtube, uploadOptions } = await connect();
    const insert = () => youtube.videos.insert({ part: ['snippet'], requestBody: { snippet: resource.snippet }, media: { mimeType: 'video/mp4', body: Readable.from(teaser) } }, uploadOptions);
    await insert();
    const exceeded = (await insert().catch((error: { response: { data: unknown } }) => error.response.data)) as { error: { errors: { domain: string; reason: string }[] } };
    expect(exceeded.error.errors[0]).toMatchObject({ domain: 'youtube.quota', reason: 'quotaExceeded' });
    await youtube.videos.list({ part: ['status'], id: ['x'] });
    await youtube.videos.list({ part: ['status'], id: ['x'] });
    expect(await reasonOf(youtube.videos.list({ part: ['status'], id: ['x'] }))).toEqual([403, 'quotaExceeded']);
    quotaSandbox().advanceClock(24 * 60 * 60);
    ({ youtube, uploadOptions } = await connect()); // a day later the access token has expired too
    await expect(insert()).resolves.toMatchObject({ status: 200 });
  });
});

describe('scheduled publishing by the sandbox’s clock, and videos.update of the status part', () => {
  const start = Date.parse('2027-06-01T09:00:00Z');
  const at = (minutes: number) => new Date(start + minutes * 60_000).toISOString();
  const connect = async () => {
    sandbox().setClock(start);
    return client();
  };
  const insertPrivate = async ({ youtube, uploadOptions }: YouTubeClient, status: Record<string, unknown>) =>
    (await youtube.videos.insert({ part: ['snippet', 'status'], requestBody: { snippet: resource.snippet, status: { privacyStatus: 'private', ...status } }, media: { mimeType: 'video/mp4', body: Readable.from(teaser) } }, uploadOptions)).data.id!;
  const statusOf = async (youtube: YouTubeClient['youtube'], id: string) => (await youtube.videos.list({ part: ['status'], id: [id] })).data.items![0]!.status!;

  it('makes a private video with publishAt public when the clock reaches it, and keeps the time in the record', async () => {
    const connected = await connect();
    const { youtube } = connected;
    const id = await insertPrivate(connected, { publishAt: at(30) });
    expect(await statusOf(youtube, id)).toMatchObject({ privacyStatus: 'private', publishAt: at(30) });
    expect(sandbox().records.find('youtube', id)).toMatchObject({ published: false, privacy: 'private', scheduledAt: at(30) });

    sandbox().advanceClock(29 * 60);
    expect((await statusOf(youtube, id)).privacyStatus).toBe('private');
    sandbox().advanceClock(60);
    const status = await statusOf(youtube, id);
    expect(status.privacyStatus).toBe('public');
    expect(status.publishAt).toBeUndefined();
    expect(sandbox().records.find('youtube', id)).toMatchObject({ published: true, privacy: 'public', scheduledAt: at(30) });

    const again = youtube.videos.update({ part: ['status'], requestBody: { id, status: { privacyStatus: 'private', publishAt: at(50) } } });
    expect(await reasonOf(again)).toEqual([400, 'invalidPublishAt']);
  });

  it('reschedules with a new publishAt, and cancels the schedule with a status that has none', async () => {
    const connected = await connect();
    const { youtube } = connected;
    const id = await insertPrivate(connected, { publishAt: at(20), embeddable: false });
    const moved = await youtube.videos.update({ part: ['status'], requestBody: { id, status: { privacyStatus: 'private', publishAt: at(40) } } });
    expect(moved.data.status).toMatchObject({ privacyStatus: 'private', publishAt: at(40), embeddable: true });
    expect(sandbox().records.find('youtube', id)!.scheduledAt).toBe(at(40));
    sandbox().advanceClock(30 * 60);
    expect((await statusOf(youtube, id)).privacyStatus).toBe('private');

    const cancelled = await youtube.videos.update({ part: ['status'], requestBody: { id, status: { privacyStatus: 'private' } } });
    expect(cancelled.data.status!.publishAt).toBeUndefined();
    expect(sandbox().records.find('youtube', id)).toMatchObject({ published: false, privacy: 'private' });
    expect(sandbox().records.find('youtube', id)!.scheduledAt).toBeUndefined();
    sandbox().advanceClock(20 * 60);
    expect(await statusOf(youtube, id)).toMatchObject({ privacyStatus: 'private' });
  });

  it('allows publishAt only on a private video, and publishes at once when it is already past', async () => {
    const connected = await connect();
    const { youtube } = connected;
    const id = await insertPrivate(connected, {});
    expect(await reasonOf(youtube.videos.update({ part: ['status'], requestBody: { id, status: { privacyStatus: 'unlisted', publishAt: at(60) } } }))).toEqual([400, 'invalidPublishAt']);
    expect(await reasonOf(youtube.videos.update({ part: ['status'], requestBody: { id, status: { publishAt: at(60) } } }))).toEqual([400, 'invalidPublishAt']);
    expect(sandbox().records.find('youtube', id)).toMatchObject({ published: false, privacy: 'private' });

    const past = await youtube.videos.update({ part: ['status'], requestBody: { id, status: { privacyStatus: 'private', publishAt: at(-1) } } });
    expect(past.data.status!.privacyStatus).toBe('public');
    expect(sandbox().records.find('youtube', id)).toMatchObject({ published: true, privacy: 'public' });
  });

  it('leaves the status alone when the update does not name the status part', async () => {
    const connected = await connect();
    const { youtube } = connected;
    const id = await insertPrivate(connected, { publishAt: at(30) });
    await youtube.videos.update({ part: ['snippet'], requestBody: { id, snippet: { ...resource.snippet, title: 'Jauns' } } });
    expect(await statusOf(youtube, id)).toMatchObject({ privacyStatus: 'private', publishAt: at(30) });
    expect(sandbox().records.find('youtube', id)).toMatchObject({ title: 'Jauns', scheduledAt: at(30), published: false });
  });
});
