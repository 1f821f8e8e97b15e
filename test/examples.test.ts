import twitterText from 'twitter-text';
import { describe, expect, it } from 'vitest';
import type { Plan, PlannedPost } from '../src/plan/types.js';
import { example, runCli } from './helpers.js';

async function dryRunJson(file: string): Promise<{ plan: Plan; code: number | null; stderr: string }> {
  const result = await runCli(['announce', example(file), '--dry-run', '--json']);
  return { plan: JSON.parse(result.stdout) as Plan, code: result.code, stderr: result.stderr };
}

const postsOf = (plan: Plan, platform: string) => plan.posts.filter((post) => post.platform === platform);
const xParts = (post: PlannedPost) => post.thread ?? [post.text];
const hashtagCount = (text: string) => (text.match(/#[\p{L}\p{N}_]+/gu) ?? []).length;

describe('seminar.yml: three languages on all five platforms', () => {
  it('exits 0 with posts for every platform and language', async () => {
    const { plan, code, stderr } = await dryRunJson('seminar.yml');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(plan.announcement).toBe('kapacitates-seminars-2027');
    expect(plan.publishable).toBe(true);
    expect(new Set(plan.posts.map((post) => post.platform))).toEqual(new Set(['facebook', 'instagram', 'x', 'youtube', 'tiktok']));
    for (const platform of ['facebook', 'instagram', 'x', 'youtube', 'tiktok']) {
      const languages = postsOf(plan, platform).flatMap((post) => post.languages);
      expect(languages.sort(), platform).toEqual(['en', 'lv', 'ru']);
    }
    for (const post of plan.posts) expect(post.errors, post.platform).toEqual([]);
  });

  it('keeps every X post within 280 by twitter-text, one post per language by default', async () => {
    const { plan } = await dryRunJson('seminar.yml');
    const x = postsOf(plan, 'x');
    expect(x.map((post) => post.languages)).toEqual([['lv'], ['ru'], ['en']]);
    for (const post of x) {
      for (const part of xParts(post)) {
        const parsed = twitterText.parseTweet(part);
        expect(parsed.weightedLength).toBeLessThanOrEqual(280);
        expect(parsed.valid).toBe(true);
      }
      expect(post.lengths[0]!.length).toBe(twitterText.parseTweet(post.text).weightedLength);
    }
    // overrides.x.text is used as written when it fits
    expect(x[0]!.text).toContain('Divu dienu seminārs par NVO darbu: brīvprātīgais darbs, projektu vadība, saskarsmes psiholoģija. Bez maksas.');
    expect(x[0]!.cost).toEqual({ posts: 1, postsWithLink: 1, usd: 0.2, note: expect.any(String) });
  });

  it('keeps the Instagram caption within its limits and points to the link in bio in each language', async () => {
    const { plan } = await dryRunJson('seminar.yml');
    const [instagram] = postsOf(plan, 'instagram');
    expect(instagram!.text.length).toBeLessThanOrEqual(2200);
    expect(hashtagCount(instagram!.text)).toBeLessThanOrEqual(30);
    expect(instagram!.text).not.toMatch(/https?:\/\//);
    expect(instagram!.text).toContain('Pieteikties – saite profilā');
    expect(instagram!.text).toContain('Регистрация — по ссылке в описании профиля');
    expect(instagram!.text).toContain('Register via the link in our bio');
    expect(instagram!.format).toBe('carousel of 2');
  });

  it('carries lv, ru and en localizations on one YouTube video, lv by default', async () => {
    const { plan } = await dryRunJson('seminar.yml');
    const [youtube] = postsOf(plan, 'youtube');
    expect(youtube!.defaultLanguage).toBe('lv');
    expect(Object.keys(youtube!.localizations!)).toEqual(['lv', 'ru', 'en']);
    expect(youtube!.localizations!.ru!.title).toBe('Развитие потенциала сотрудников НКО: личностный рост, управление командой и проектами');
    expect(youtube!.title).toBe(youtube!.localizations!.lv!.title);
    expect(youtube!.text).toBe(youtube!.localizations!.lv!.description);
    for (const localization of Object.values(youtube!.localizations!)) {
      expect([...localization.title].length).toBeLessThanOrEqual(100);
      expect(Buffer.byteLength(localization.description)).toBeLessThanOrEqual(5000);
    }
    expect(youtube!.media.map((media) => [media.source, media.role])).toEqual([
      ['media/teaser.mp4', undefined],
      ['media/poster.jpg', 'thumbnail'],
    ]);
  });

  it('says "8.–9. jūnijā" in Latvian running text', async () => {
    const { plan } = await dryRunJson('seminar.yml');
    const latvian = plan.posts.filter((post) => post.languages.includes('lv'));
    expect(latvian.length).toBeGreaterThan(0);
    for (const post of latvian) {
      const text = post.localizations?.lv?.description ?? post.text;
      expect(text, post.platform).toContain('2027. gada 8.–9. jūnijā');
      expect(text).not.toContain('jūnijs');
    }
  });
});

describe('field-trip.yml: a range across a month boundary', () => {
  it('writes "30. jūnijā – 1. jūlijā" and "30 июня – 1 июля"', async () => {
    const { plan, code } = await dryRunJson('field-trip.yml');
    expect(code).toBe(0);
    expect(new Set(plan.posts.map((post) => post.platform))).toEqual(new Set(['facebook', 'instagram', 'x']));
    const [facebook] = postsOf(plan, 'facebook');
    expect(facebook!.text).toContain('2027. gada 30. jūnijā – 1. jūlijā');
    expect(facebook!.text).toContain('30 июня – 1 июля 2027');
    expect(facebook!.text).toContain('Tikai 21 vieta.');
    expect(facebook!.text).toContain('21 место');
    for (const post of postsOf(plan, 'x')) {
      expect(twitterText.parseTweet(post.text).weightedLength).toBeLessThanOrEqual(280);
      expect(post.text).toContain('https://www.intelektaparks.lv/pasakumi/nvo-strategijas');
    }
  });
});

describe('volunteers.yml: a PNG and no video', () => {
  it('flags the PNG for Instagram and converts it to JPEG', async () => {
    const { plan, code } = await dryRunJson('volunteers.yml');
    expect(code).toBe(0);
    const [instagram] = postsOf(plan, 'instagram');
    expect(instagram!.media[0]).toMatchObject({ source: 'media/volunteers.png', type: 'image/png', convertTo: 'image/jpeg' });
    expect(instagram!.warnings).toContain('volunteers.png is PNG; Instagram takes only JPEG, so ip-post converts it to JPEG when publishing');
  });

  it('makes TikTok a photo post and says it needs a video or public photo URLs', async () => {
    const { plan } = await dryRunJson('volunteers.yml');
    const [tiktok] = postsOf(plan, 'tiktok');
    expect(tiktok!.format).toBe('photo post');
    expect(tiktok!.title).toBe('Meklējam brīvprātīgos vasaras pasākumiem! / Ищем волонтёров для летних мероприятий!');
    expect(tiktok!.warnings.join('\n')).toContain(
      'TikTok has no video here, so this is a photo post: TikTok pulls photos from a public address on a domain verified in its developer portal. Set mediaHost.publicUrl in config (the sandbox is one), or add a video to media',
    );
    expect(tiktok!.media[0]).toMatchObject({ convertTo: 'image/jpeg' });
    expect(tiktok!.media[0]!.publicUrl).toBeUndefined();
  });

  it('names the public address of each pulled file once a media host is configured', async () => {
    const { writeFiles } = await import('./helpers.js');
    const dir = await writeFiles({ 'config.json': JSON.stringify({ mediaHost: { publicUrl: 'http://127.0.0.1:4010/media/' } }) });
    const result = await runCli(['announce', example('volunteers.yml'), '--dry-run', '--json', '--config', `${dir}/config.json`]);
    const plan = JSON.parse(result.stdout) as Plan;
    const [tiktok] = postsOf(plan, 'tiktok');
    expect(tiktok!.media[0]!.publicUrl).toBe('http://127.0.0.1:4010/media/brivpratigie-2027-05/volunteers.jpg');
    expect(tiktok!.warnings.join('\n')).not.toContain('Set mediaHost.publicUrl');
  });
});
