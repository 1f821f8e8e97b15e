import twitterText from 'twitter-text';
import { describe, expect, it } from 'vitest';
import { tagsLength } from '../adapters/youtube/index.js';
import { announcement, jpegHeader, planFor } from './helpers.js';

// Texts made of words, so a cut can fall between words: 'abcd ' × 55 + 'abcde' is 280 characters.
const words = (count: number, last: string) => 'abcd '.repeat(count) + last;
const justText = (platform: string) => ({ [`${platform}/default.mustache`]: '{{text}}' });

describe('X: 280 weighted characters', () => {
  const plan = (text: string, extra: Record<string, unknown> = {}) =>
    planFor(announcement({ platforms: ['x'], text, ...extra }), { templates: justText('x') });

  it('sends a post of exactly 280 as written', async () => {
    const text = words(55, 'abcde');
    expect(text.length).toBe(280);
    const [post] = (await plan(text)).posts;
    expect(post!.text).toBe(text);
    expect(post!.lengths).toEqual([{ field: 'text', length: 280, max: 280, unit: 'weighted characters' }]);
    expect(post!.notes).toEqual([]);
  });

  it('cuts a post of 281 after a word, never inside one', async () => {
    const [post] = (await plan(words(55, 'abcdef'))).posts;
    expect(post!.text).toBe(`${words(54, 'abcd')}…`);
    expect(twitterText.parseTweet(post!.text).weightedLength).toBeLessThanOrEqual(280);
    expect(post!.notes).toEqual(['the lv text was shortened to fit 280 weighted characters (set overrides.x.text.lv to choose the words)']);
    expect(post!.errors).toEqual([]);
  });

  it('prefers to cut after a sentence', async () => {
    const text = `${'Īss teikums. '.repeat(20)}${'garš '.repeat(20)}beigas.`;
    const [post] = (await plan(text)).posts;
    expect(post!.text).toMatch(/teikums\.$/);
    expect(twitterText.parseTweet(post!.text).weightedLength).toBeLessThanOrEqual(280);
  });

  it('counts a web address as 23 and never cuts inside one', async () => {
    const url = `https://www.intelektaparks.lv/${'x'.repeat(200)}`;
    const [fits] = (await plan(`${'a'.repeat(256)} ${url}`)).posts;
    expect(fits!.lengths[0]!.length).toBe(280);
    const [cut] = (await plan(`${'a'.repeat(257)} ${url}`)).posts;
    expect(cut!.text).toBe(`${'a'.repeat(257)}…`);
  });

  it('warns when the officer’s own X text had to be cut', async () => {
    const [exact] = (await plan('Teksts.', { overrides: { x: { text: words(55, 'abcde') } } })).posts;
    expect(exact!.warnings).toEqual([]);
    const [over] = (await plan('Teksts.', { overrides: { x: { text: words(55, 'abcdef') } } })).posts;
    expect(over!.warnings).toEqual(['overrides.x.text.lv was shortened to fit 280; shorten it yourself to choose the words']);
  });

  it('threads the whole text when asked, every part within 280 and numbered', async () => {
    const sentences = Array.from({ length: 30 }, (_, index) => `Teikums numur ${index + 1} par semināru Daugavpilī.`).join(' ');
    const result = await planFor(announcement({ platforms: ['x'], text: sentences }), { templates: justText('x'), config: { platforms: { x: { thread: true } } } });
    const [post] = result.posts;
    const parts = post!.thread!;
    expect(parts.length).toBeGreaterThan(3);
    expect(post!.format).toBe(`thread of ${parts.length} posts`);
    parts.forEach((part, index) => {
      expect(twitterText.parseTweet(part).weightedLength).toBeLessThanOrEqual(280);
      expect(part.endsWith(`\n\n${index + 1}/${parts.length}`)).toBe(true);
    });
    const rejoined = parts.map((part) => part.replace(/\n\n\d+\/\d+$/, '')).join(' ');
    expect(rejoined).toBe(sentences);
    expect(post!.cost).toMatchObject({ posts: parts.length, postsWithLink: 0 });
    expect(post!.cost!.usd).toBeCloseTo(parts.length * 0.015);
  });

  it('checks alt text at 1,000 characters and one past', async () => {
    const files = { 'poster.jpg': jpegHeader(1080, 1350) };
    const withAlt = (alt: string) =>
      planFor(announcement({ platforms: ['x'], media: [{ path: 'poster.jpg', alt }] }), { files }).then((plan) => plan.posts[0]!);
    expect((await withAlt('a'.repeat(1000))).errors).toEqual([]);
    expect((await withAlt('a'.repeat(1001))).errors).toEqual(['the alt text of poster.jpg is 1001 characters; the limit is 1000']);
  });
});

describe('Instagram: caption, hashtags, mentions, images', () => {
  const files = { 'poster.jpg': jpegHeader(1080, 1350) };
  const plan = (overrides: Record<string, unknown>, extraFiles: Record<string, Buffer> = {}) =>
    planFor(announcement({ platforms: ['instagram'], media: [{ path: 'poster.jpg', alt: 'Plakāts' }], ...overrides }), {
      templates: { 'instagram/default.mustache': '{{text}}\n\n{{hashtags}}' },
      config: { mediaHost: { publicUrl: 'http://127.0.0.1:4010/media' }, platforms: { instagram: { userId: '17841400000000000' } } },
      files: { ...files, ...extraFiles },
    }).then((result) => result.posts[0]!);

  it('sends a caption of exactly 2,200 characters and shortens one of 2,201', async () => {
    const exact = await plan({ text: 'abcd '.repeat(439) + 'abcde' });
    expect(exact.text.length).toBe(2200);
    expect(exact.warnings).toEqual([]);
    const over = await plan({ text: 'abcd '.repeat(439) + 'abcdef' });
    expect(over.text.length).toBeLessThanOrEqual(2200);
    expect(over.warnings).toEqual(['the lv text was shortened to fit 2200 characters']);
  });

  it('allows 30 hashtags and refuses 31', async () => {
    const tags = (count: number) => Array.from({ length: count }, (_, index) => `Tag${index}`);
    expect((await plan({ hashtags: tags(30) })).errors).toEqual([]);
    expect((await plan({ hashtags: tags(31) })).errors).toEqual(['the caption has 31 hashtags; Instagram allows 30: remove some (hashtags or overrides.instagram.hashtags)']);
  });

  it('allows 20 mentions and refuses 21', async () => {
    const mentions = (count: number) => Array.from({ length: count }, (_, index) => `@user${index}`).join(' ');
    expect((await plan({ text: mentions(20) })).errors).toEqual([]);
    expect((await plan({ text: mentions(21) })).errors).toEqual(['the caption has 21 @-mentions; Instagram allows 20']);
  });

  it('takes images from 4:5 to 1.91:1 and no further', async () => {
    const shaped = (width: number, height: number) => plan({}, { 'poster.jpg': jpegHeader(width, height) }).then((post) => post.errors);
    expect(await shaped(1080, 1350)).toEqual([]);
    expect(await shaped(1910, 1000)).toEqual([]);
    expect(await shaped(1080, 1351)).toEqual(['poster.jpg is 1080×1351; Instagram takes images from 4:5 (portrait) to 1.91:1 (landscape): crop it']);
    expect(await shaped(1911, 1000)).toEqual(['poster.jpg is 1911×1000; Instagram takes images from 4:5 (portrait) to 1.91:1 (landscape): crop it']);
  });

  it('takes images up to 8 MiB', async () => {
    const sized = (bytes: number) => plan({}, { 'poster.jpg': jpegHeader(1080, 1350, bytes - jpegHeader(1080, 1350).length) }).then((post) => post.errors);
    expect(await sized(8 * 1024 * 1024)).toEqual([]);
    expect(await sized(8 * 1024 * 1024 + 1)).toEqual(['poster.jpg is 8.4 MB; Instagram takes at most 8.4 MB']);
  });

  it('needs an image or a video', async () => {
    expect((await plan({ media: [] })).errors).toEqual(['Instagram needs an image or a video: add one to media']);
  });
});

describe('YouTube: title, description bytes, tags', async () => {
  const { readFile } = await import('node:fs/promises');
  const { example } = await import('./helpers.js');
  const video = await readFile(example('media/teaser.mp4'));
  const plan = (overrides: Record<string, unknown>) =>
    planFor(announcement({ platforms: ['youtube'], media: [{ path: 'teaser.mp4' }], ...overrides }), {
      templates: { 'youtube/default.mustache': '{{text}}' },
      files: { 'teaser.mp4': video },
    }).then((result) => result.posts[0]!);

  it('takes a title of 100 characters and refuses 101', async () => {
    expect((await plan({ event: { title: 'ā'.repeat(100), start: '2027-06-08T10:00', place: 'Daugavpils' } })).errors).toEqual([]);
    expect((await plan({ event: { title: 'ā'.repeat(101), start: '2027-06-08T10:00', place: 'Daugavpils' } })).errors).toEqual([
      'localizations.lv.title is 101 characters; the limit is 100',
    ]);
  });

  it('refuses < and > in a title', async () => {
    expect((await plan({ event: { title: 'A <b> title', start: '2027-06-08T10:00', place: 'Daugavpils' } })).errors).toEqual([
      'localizations.lv.title contains < or >, which YouTube refuses: rewrite those characters (e.g. ‹ ›)',
    ]);
  });

  it('counts the description in UTF-8 bytes: 5,000 pass, 5,001 are shortened', async () => {
    const exact = 'яяяя '.repeat(555) + 'яяa';
    expect(Buffer.byteLength(exact)).toBe(5000);
    const fits = await plan({ text: exact });
    expect(fits.text).toBe(exact);
    expect(fits.warnings).toEqual([]);
    const over = await plan({ text: `${exact}b` });
    expect(Buffer.byteLength(over.text)).toBeLessThanOrEqual(5000);
    expect(over.warnings).toEqual(['the lv description was shortened to fit 5000 bytes']);
  });

  it('keeps tags within 500 characters, counting commas', async () => {
    const tags = [...Array.from({ length: 9 }, (_, index) => `${index}`.padEnd(49, 't')), 't'.repeat(50)];
    expect(tagsLength(tags)).toBe(500);
    expect((await plan({ hashtags: tags })).tags).toEqual(tags);
    const longer = [...tags.slice(0, 9), 't'.repeat(51)];
    expect((await plan({ hashtags: longer })).tags).toEqual(tags.slice(0, 9));
  });
});

describe('TikTok: caption and photo title', () => {
  it('takes a video caption of 2,200 UTF-16 units and shortens 2,201', async () => {
    const { readFile } = await import('node:fs/promises');
    const { example } = await import('./helpers.js');
    const files = { 'teaser.mp4': await readFile(example('media/teaser.mp4')) };
    const plan = (text: string) =>
      planFor(announcement({ platforms: ['tiktok'], text, media: [{ path: 'teaser.mp4' }] }), {
        templates: justText('tiktok'),
        config: { platforms: { tiktok: { privacyLevel: 'SELF_ONLY' } } },
        files,
      }).then((result) => result.posts[0]!);
    const exact = '🙌 ab '.repeat(366) + 'abcd'; // 🙌 is two UTF-16 units: 6 × 366 + 4 = 2,200
    expect(exact.length).toBe(2200);
    expect((await plan(exact)).warnings).toEqual([]);
    const over = await plan(`${exact}e`);
    expect(over.text.length).toBeLessThanOrEqual(2200);
    expect(over.warnings).toEqual(['the lv text was shortened to fit 2200 characters']);
  });

  it('keeps a photo post title of 90 and cuts 91 after a word', async () => {
    const files = { 'photo.jpg': jpegHeader(1080, 1080) };
    const plan = (title: string) =>
      planFor(announcement({ platforms: ['tiktok'], event: { title, start: '2027-06-08T10:00', place: 'Daugavpils' }, media: [{ path: 'photo.jpg', alt: 'Foto' }] }), { files }).then(
        (result) => result.posts[0]!,
      );
    const exact = 'abcd '.repeat(17) + 'abcde';
    expect(exact.length).toBe(90);
    expect((await plan(exact)).title).toBe(exact);
    const over = await plan(`${exact}f`);
    expect(over.title).toBe(`${'abcd '.repeat(16)}abcd…`);
    expect(over.lengths.find((check) => check.field === 'title')).toEqual({ field: 'title', length: 85, max: 90, unit: 'characters' });
  });

  it('needs a video or photos', async () => {
    const [post] = (await planFor(announcement({ platforms: ['tiktok'] }))).posts;
    expect(post!.errors).toEqual([
      'TikTok needs a video, or photos that TikTok fetches from a public address: add a video to media (MP4), or an image and a media host',
    ]);
  });
});

describe('Facebook: message length', () => {
  it('takes 63,206 characters and refuses 63,207', async () => {
    const plan = (text: string) => planFor(announcement({ text }), { templates: justText('facebook') }).then((result) => result.posts[0]!);
    expect((await plan('a'.repeat(63_206))).errors).toEqual([]);
    expect((await plan('a'.repeat(63_207))).errors).toEqual(['text is 63207 characters; the limit is 63206']);
  });
});

describe('media counts and durations at their edges', async () => {
  const { checkDuration } = await import('../src/plan/checks.js');
  const { xRules } = await import('../adapters/x/index.js');
  const { instagramRules } = await import('../adapters/instagram/index.js');
  const { tiktokRules } = await import('../adapters/tiktok/index.js');
  const images = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`p${index}.jpg`, jpegHeader(1080, 1080)]));
  const mediaList = (count: number) => Array.from({ length: count }, (_, index) => ({ path: `p${index}.jpg`, alt: 'Foto' }));
  const config = { mediaHost: { publicUrl: 'http://127.0.0.1:4010/media' }, platforms: { instagram: { userId: '1' }, tiktok: { privacyLevel: 'SELF_ONLY' } } };
  const plan = (platform: string, count: number) =>
    planFor(announcement({ platforms: [platform], media: mediaList(count) }), { files: images(count), config }).then((result) => result.posts[0]!);

  it('X: four images, a fifth is left out', async () => {
    expect((await plan('x', 4)).media).toHaveLength(4);
    const five = await plan('x', 5);
    expect(five.media).toHaveLength(4);
    expect(five.skippedMedia).toEqual([{ source: 'p4.jpg', reason: 'X takes at most 4 images or one video' }]);
  });

  it('Instagram: a carousel of ten, an eleventh is left out', async () => {
    expect((await plan('instagram', 10)).format).toBe('carousel of 10');
    const eleven = await plan('instagram', 11);
    expect(eleven.media).toHaveLength(10);
    expect(eleven.skippedMedia).toEqual([{ source: 'p10.jpg', reason: 'a carousel holds at most 10 items' }]);
  });

  it('TikTok: 35 photos, a 36th is left out', async () => {
    expect((await plan('tiktok', 35)).media).toHaveLength(35);
    expect((await plan('tiktok', 36)).skippedMedia).toEqual([{ source: 'p35.jpg', reason: 'a photo post carries at most 35 photos' }]);
  });

  it('TikTok: a photo description of 4,000 passes, 4,001 is shortened', async () => {
    const photo = (text: string) =>
      planFor(announcement({ platforms: ['tiktok'], text, media: mediaList(1) }), { files: images(1), config, templates: justText('tiktok') }).then((result) => result.posts[0]!);
    const exact = 'abcd '.repeat(799) + 'abcde';
    expect(exact.length).toBe(4000);
    expect((await photo(exact)).text).toBe(exact);
    const over = await photo(`${exact}f`);
    expect(over.text.length).toBeLessThanOrEqual(4000);
    expect(over.warnings).toContain('the lv text was shortened to fit 4000 characters');
  });

  it('video durations: each platform’s shortest and longest, and one step past', () => {
    const cases: [string, number, number][] = [
      ['an X video', xRules.video.minSeconds, xRules.video.maxSeconds],
      ['a reel', instagramRules.reel.minSeconds, instagramRules.reel.maxSeconds],
      ['a carousel video', instagramRules.carousel.videoMinSeconds, instagramRules.carousel.videoMaxSeconds],
      ['a TikTok video', 0, tiktokRules.video.maxSeconds],
    ];
    for (const [what, min, max] of cases) {
      const errorsFor = (duration: number) => {
        const post = { errors: [] as string[] } as never as import('../src/plan/types.js').PlannedPost;
        checkDuration(post, { name: 'v.mp4', duration } as never, min, max, what);
        return post.errors;
      };
      expect(errorsFor(min), what).toEqual([]);
      expect(errorsFor(max), what).toEqual([]);
      expect(errorsFor(max + 0.1), what).toHaveLength(1);
      if (min > 0) expect(errorsFor(min - 0.1), what).toHaveLength(1);
    }
    expect([xRules.video.minSeconds, xRules.video.maxSeconds, instagramRules.reel.maxSeconds, tiktokRules.video.maxSeconds]).toEqual([0.5, 140, 900, 600]);
  });
});
