import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../src/plan/types.js';
import { example, runCli, tempDir, writeFiles } from './helpers.js';

const ansi = /\u001b\[/;

describe('help and version', () => {
  it('--help shows the commands, examples and exit codes, and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: ip-post [options] [command]');
    expect(result.stdout).toContain('$ ip-post announce examples/seminar.yml --dry-run');
    expect(result.stdout).toContain('  1  something was not published (failed, unknown, missed), or the plan has errors (the summary says what)\n  2  bad input or usage');
    const announce = await runCli(['announce', '--help']);
    expect(announce.code).toBe(0);
    expect(announce.stdout).toContain('--only <platforms>');
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect((await runCli(['--version'])).stdout).toBe(`${version}\n`);
  });
});

describe('the dry-run preview', () => {
  it('shows one card per post with the exact text, media, lengths and a summary', async () => {
    const result = await runCli(['announce', example('seminar.yml'), '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('━━ Facebook · account not configured · lv, ru, en (combined) · photo post');
    expect(result.stdout).toContain('━━ X · account not configured · ru (separate) · post');
    expect(result.stdout).toContain('├─ ru localization');
    expect(result.stdout).toContain('  media    media/poster.jpg (image/jpeg, 1080×1350, 47 kB)');
    expect(result.stdout).toContain('  skipped  media/teaser.mp4 — X does not mix images and a video in one post');
    expect(result.stdout).toMatch(/ {2}length {3}text \d+ \/ 280 weighted characters/);
    expect(result.stdout).toContain('  cost     1 post, 1 with a link ≈ $0.200');
    expect(result.stdout).toContain('7 posts on 5 platforms · 2 warnings · 0 errors: ready to publish');
    expect(result.stderr).toBe('');
  });

  it('has no colours without a terminal, with NO_COLOR, and has them when forced', async () => {
    expect((await runCli(['announce', example('seminar.yml'), '--dry-run'])).stdout).not.toMatch(ansi);
    expect((await runCli(['announce', example('seminar.yml'), '--dry-run'], { env: { NO_COLOR: '1', FORCE_COLOR: undefined } })).stdout).not.toMatch(ansi);
    expect((await runCli(['announce', example('seminar.yml'), '--dry-run'], { env: { FORCE_COLOR: '1' } })).stdout).toMatch(ansi);
  });

  it('narrows to platforms with --only and languages with --lang', async () => {
    const result = await runCli(['announce', example('seminar.yml'), '--dry-run', '--json', '--only', 'x,youtube', '--lang', 'ru,lv']);
    const plan = JSON.parse(result.stdout) as Plan;
    expect(plan.languages).toEqual(['lv', 'ru']);
    expect(plan.posts.map((post) => [post.platform, post.languages])).toEqual([
      ['x', ['lv']],
      ['x', ['ru']],
      ['youtube', ['lv', 'ru']],
    ]);
    const youtube = plan.posts.find((post) => post.platform === 'youtube')!;
    expect(Object.keys(youtube.localizations!)).toEqual(['lv', 'ru']);
  });

  it('makes the first remaining language the primary one', async () => {
    const plan = JSON.parse((await runCli(['announce', example('seminar.yml'), '--dry-run', '--json', '--only', 'youtube', '--lang', 'en'])).stdout) as Plan;
    expect(plan.posts[0]!.defaultLanguage).toBe('en');
    expect(plan.posts[0]!.title).toBe('Building NGO staff capacity: personal growth, team and project management');
  });
});

describe('a pipe closed early', () => {
  it('ends quietly, as `ip-post … | head -1` expects', async () => {
    const { spawn } = await import('node:child_process');
    const { projectRoot } = await import('./helpers.js');
    const child = spawn(process.execPath, [join(projectRoot, 'bin', 'ip-post.cjs'), 'announce', example('seminar.yml'), '--dry-run'], {
      env: { PATH: process.env.PATH, IP_POST_CODE_CACHE: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.destroy(); // closed before the preview is written: its write fails with EPIPE
    const code = await new Promise((done) => child.on('close', done));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('--json', () => {
  it('prints the documented shape, keys in order, and nothing else on stdout', async () => {
    const result = await runCli(['announce', example('seminar.yml'), '--dry-run', '--json']);
    const plan = JSON.parse(result.stdout) as Plan;
    expect(Object.keys(plan)).toEqual(['announcement', 'file', 'languages', 'timezone', 'posts', 'warnings', 'publishable']);
    expect(Object.keys(plan.posts[0]!)).toEqual(['platform', 'account', 'languages', 'strategy', 'format', 'text', 'media', 'skippedMedia', 'lengths', 'notes', 'warnings', 'errors']);
    const youtube = plan.posts.find((post) => post.platform === 'youtube')!;
    expect(Object.keys(youtube)).toEqual([
      'platform', 'account', 'languages', 'strategy', 'format', 'text', 'title', 'localizations', 'defaultLanguage', 'tags', 'media', 'lengths', 'notes', 'warnings', 'errors',
    ]);
    expect(plan.warnings).toEqual(['no config file: previewing with defaults (accounts, media host and API addresses unset); publishing needs one, see config.example.json']);
  });
});

describe('config', () => {
  const config = {
    timezone: 'Europe/Riga',
    mediaHost: { publicUrl: 'http://127.0.0.1:4010/media' },
    platforms: {
      facebook: { account: 'Intelekta parks', pageId: '1234567890', languages: 'separate' },
      instagram: { account: '@intelektaparks', userId: '17841400000000000' },
      x: { account: '@intelektaparks', languages: 'combined', thread: true },
      tiktok: { account: '@intelektaparks', privacyLevel: 'SELF_ONLY' },
    },
  };

  it('is read from --config and from IP_POST_CONFIG, and shapes the plan', async () => {
    const dir = await writeFiles({ 'config.json': JSON.stringify(config) });
    for (const run of [
      () => runCli(['announce', example('seminar.yml'), '--dry-run', '--json', '--config', join(dir, 'config.json')]),
      () => runCli(['announce', example('seminar.yml'), '--dry-run', '--json'], { env: { IP_POST_CONFIG: join(dir, 'config.json') } }),
    ]) {
      const plan = JSON.parse((await run()).stdout) as Plan;
      expect(plan.warnings).toEqual([]);
      const facebook = plan.posts.filter((post) => post.platform === 'facebook');
      expect(facebook.map((post) => [post.account, post.languages])).toEqual([
        ['Intelekta parks', ['lv']],
        ['Intelekta parks', ['ru']],
        ['Intelekta parks', ['en']],
      ]);
      const [x] = plan.posts.filter((post) => post.platform === 'x');
      expect(x!.languages).toEqual(['lv', 'ru', 'en']);
      expect(x!.thread!.length).toBeGreaterThan(1);
      const [instagram] = plan.posts.filter((post) => post.platform === 'instagram');
      expect(instagram!.media[0]!.publicUrl).toBe('http://127.0.0.1:4010/media/kapacitates-seminars-2027/poster.jpg');
      expect(instagram!.warnings).toEqual([]);
    }
  });

  it('is found in the user config folder when no flag or variable names one', async () => {
    const home = await tempDir();
    const dir = await writeFiles({ 'ip-post/config.json': JSON.stringify({ platforms: { facebook: { account: 'From the config folder' } } }) });
    const result = await runCli(['announce', example('seminar.yml'), '--dry-run', '--json', '--only', 'facebook'], { env: { XDG_CONFIG_HOME: dir, HOME: home } });
    expect((JSON.parse(result.stdout) as Plan).posts[0]!.account).toBe('From the config folder');
  });

  it('lets the officer’s own templates folder change the wording', async () => {
    const dir = await writeFiles({
      'config.json': JSON.stringify({ templates: 'my-templates' }),
      'my-templates/facebook/lv.mustache': 'Sveiki! {{title}} — {{when}}.',
      'my-templates/facebook/default.mustache': 'Hello! {{title}}',
    });
    const plan = JSON.parse((await runCli(['announce', example('field-trip.yml'), '--dry-run', '--json', '--only', 'facebook', '--config', join(dir, 'config.json')])).stdout) as Plan;
    expect(plan.posts[0]!.text).toBe(
      'Sveiki! NVO darbs un stratēģiju izveide: izbraukuma seminārs — 2027. gada 30. jūnijā – 1. jūlijā, sākums plkst. 9.00.\n\n— — —\n\nHello! Работа НКО и создание стратегий: выездной семинар\n\n#IntelektaParks #Latgale #NVO #Līvāni #Krāslava',
    );
  });
});

describe('the code cache', () => {
  it('is written after the first run and gives the same output on the next', async () => {
    const cache = await tempDir();
    const env = { IP_POST_CODE_CACHE: undefined, XDG_CACHE_HOME: cache };
    const first = await runCli(['announce', example('seminar.yml'), '--dry-run', '--json'], { env });
    const files = await readdir(join(cache, 'ip-post', 'code'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^announce-\d+-\d+-v\d+\.\d+\.\d+-\w+\.v8$/);
    const second = await runCli(['announce', example('seminar.yml'), '--dry-run', '--json'], { env });
    expect(second.stdout).toBe(first.stdout);
    expect(second.code).toBe(0);
    expect(await readdir(join(cache, 'ip-post', 'code'))).toEqual(files);
  });

  it('replaces the cache of an earlier build', async () => {
    const { mkdir, writeFile } = await import('node:fs/promises');
    const cache = await tempDir();
    await mkdir(join(cache, 'ip-post', 'code'), { recursive: true });
    await writeFile(join(cache, 'ip-post', 'code', 'announce-1-1-v0.0.0-x64.v8'), 'stale');
    await runCli(['announce', example('seminar.yml'), '--dry-run'], { env: { IP_POST_CODE_CACHE: undefined, XDG_CACHE_HOME: cache } });
    const files = await readdir(join(cache, 'ip-post', 'code'));
    expect(files).toHaveLength(1);
    expect(files[0]).not.toBe('announce-1-1-v0.0.0-x64.v8');
  });
});
