import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { example } from '../helpers.js';
import { useSandbox } from '../sandbox/helpers.js';
import { publishing } from './helpers.js';

const sandbox = useSandbox();
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const poster = await readFile(example('media/poster.jpg'));
const teaser = await readFile(example('media/teaser.mp4'));

describe('publishing seminar.yml to the sandbox', () => {
  it('sends every post, and each platform receives exactly what the plan says', async () => {
    const session = await publishing(sandbox());
    const plan = await session.plan(example('seminar.yml'));
    const { result, code } = await session.publish(example('seminar.yml'));
    expect(code).toBe(0);
    expect(result.posts.map((post) => [post.platform, post.status])).toEqual(plan.posts.map((post) => [post.platform, 'published']));
    const planned = (platform: string, language?: string) => plan.posts.find((post) => post.platform === platform && (!language || post.languages.includes(language)))!;
    const received = (platform: string) => sandbox().records.list(platform);

    const [facebook] = received('facebook');
    expect(facebook).toMatchObject({ kind: 'photo post', text: planned('facebook').text, media: [{ type: 'image/jpeg', bytes: poster.length, sha256: sha(poster), alt: planned('facebook').media[0]!.alt }] });
    expect(result.posts[0]!.url).toBe(`https://www.facebook.com/${facebook!.id}`);

    const [instagram] = received('instagram');
    expect(instagram).toMatchObject({ kind: 'carousel', text: planned('instagram').text });
    expect(instagram!.media).toEqual([
      { type: 'image/jpeg', bytes: poster.length, sha256: sha(poster), alt: planned('instagram').media[0]!.alt, url: planned('instagram').media[0]!.publicUrl },
      { type: 'video/mp4', bytes: teaser.length, sha256: sha(teaser) },
    ]);

    const x = received('x');
    expect(x.map((post) => post.text)).toEqual(['lv', 'ru', 'en'].map((language) => planned('x', language).text));
    expect(x.map((post) => post.media[0]!.alt)).toEqual(['lv', 'ru', 'en'].map((language) => planned('x', language).media[0]!.alt));
    expect(x.every((post) => post.media[0]!.sha256 === sha(poster))).toBe(true);

    const [youtube] = received('youtube');
    const video = planned('youtube');
    expect(youtube).toMatchObject({ title: video.title, text: video.text, defaultLanguage: 'lv', tags: video.tags, privacy: 'public' });
    expect(youtube!.localizations).toEqual({ ru: video.localizations!.ru, en: video.localizations!.en });
    expect(youtube!.media).toEqual([{ type: 'video/mp4', bytes: teaser.length, sha256: sha(teaser) }]);
    expect(youtube!.thumbnail).toEqual({ type: 'image/jpeg', bytes: poster.length, sha256: sha(poster) });

    const [tiktok] = received('tiktok');
    expect(tiktok).toMatchObject({ kind: 'video', text: planned('tiktok').text, privacy: 'PUBLIC_TO_EVERYONE', media: [{ type: 'video/mp4', bytes: teaser.length, sha256: sha(teaser) }] });
  });

  it('posts an X thread in order, each part a reply to the one before', async () => {
    const session = await publishing(sandbox(), { platforms: { x: { thread: true, languages: 'combined' } } });
    const plan = await session.plan(example('seminar.yml'), ['--only', 'x']);
    const parts = plan.posts[0]!.thread!;
    expect(parts.length).toBeGreaterThan(1);
    const { result } = await session.publish(example('seminar.yml'), ['--only', 'x']);
    expect(result.posts[0]!.status).toBe('published');
    const posts = sandbox().records.list('x');
    expect(posts.map((post) => post.text)).toEqual(parts);
    posts.slice(1).forEach((post, index) => expect(post.replyTo).toBe(posts[index]!.id));
    expect(posts[0]!.media).toHaveLength(1);
    expect(posts.slice(1).every((post) => post.media.length === 0)).toBe(true);
  });
});

describe('publishing field-trip.yml and volunteers.yml', () => {
  it('field-trip: two languages on Facebook, Instagram and X', async () => {
    const session = await publishing(sandbox());
    const plan = await session.plan(example('field-trip.yml'));
    const { code } = await session.publish(example('field-trip.yml'));
    expect(code).toBe(0);
    expect(sandbox().records.list('facebook')[0]!.text).toContain('2027. gada 30. jūnijā – 1. jūlijā');
    expect(sandbox().records.list('instagram')[0]).toMatchObject({ kind: 'image', text: plan.posts.find((post) => post.platform === 'instagram')!.text });
    expect(sandbox().records.list('x').map((post) => post.text)).toEqual(plan.posts.filter((post) => post.platform === 'x').map((post) => post.text));
  });

  it('volunteers: the PNG reaches Instagram and TikTok as a JPEG from the media host; TikTok gets the privacy chosen', async () => {
    const session = await publishing(sandbox(), { platforms: { tiktok: { privacyLevel: 'MUTUAL_FOLLOW_FRIENDS' } } });
    const { result } = await session.publish(example('volunteers.yml'));
    expect(result.posts.map((post) => post.status)).toEqual(['published', 'published', 'published']);
    const png = await readFile(example('media/volunteers.png'));
    const [facebook] = sandbox().records.list('facebook');
    expect(facebook!.media[0]).toMatchObject({ type: 'image/png', bytes: png.length, sha256: sha(png) });
    const [instagram] = sandbox().records.list('instagram');
    expect(instagram!.media[0]).toMatchObject({ type: 'image/jpeg', url: expect.stringMatching(/\/media\/brivpratigie-2027-05\/volunteers\.jpg$/) });
    const hosted = sandbox().media.get('brivpratigie-2027-05/volunteers.jpg')!;
    expect(hosted.type).toBe('image/jpeg');
    expect(instagram!.media[0]!.sha256).toBe(hosted.sha256);
    const [tiktok] = sandbox().records.list('tiktok');
    expect(tiktok).toMatchObject({ kind: 'photo post', title: 'Meklējam brīvprātīgos vasaras pasākumiem! / Ищем волонтёров для летних мероприятий!', privacy: 'MUTUAL_FOLLOW_FRIENDS', media: [{ type: 'image/jpeg', sha256: hosted.sha256 }] });
  });
});

describe('the record', () => {
  it('keeps every post with its id and link; history shows them', async () => {
    const session = await publishing(sandbox());
    const { result } = await session.publish(example('field-trip.yml'));
    const listed = JSON.parse((await session.cli(['history', '--json'])).stdout) as { runs: { id: string; posts: number; published: number }[] };
    expect(listed.runs[0]).toMatchObject({ id: result.run, posts: 4, published: 4 });
    const shown = JSON.parse((await session.cli(['history', result.run, '--json'])).stdout) as { posts: { url: string }[] };
    expect(shown.posts.map((post) => post.url)).toEqual(result.posts.map((post) => post.url));
    const retried = await session.cli(['retry', result.run]);
    expect(retried.stderr).toContain(`Nothing of run ${result.run} is left to send: every post is published, scheduled or cancelled.`);
    expect(sandbox().records.list()).toHaveLength(4);
  });
});
