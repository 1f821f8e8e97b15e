import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { example, projectRoot } from '../helpers.js';
import { useSandbox } from '../sandbox/helpers.js';
import { publishing } from './helpers.js';

const sandbox = useSandbox();

/** Runs the CLI on a pseudo-terminal (util-linux `script`), typing `answer` at the prompt. */
async function onTerminal(args: string[], answer: string, env: Record<string, string>): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, join(projectRoot, 'bin', 'ip-post.cjs'), ...args].map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { PATH: process.env.PATH, IP_POST_CODE_CACHE: '0', TERM: 'xterm', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  child.stdout.on('data', (chunk) => {
    screen += chunk;
    if (screen.includes('now? [y/N]') && !child.stdin.writableEnded) child.stdin.end(`${answer}\n`);
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, screen: screen.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '') };
}

describe('asking before publishing', () => {
  it('shows the preview and publishes nothing when the answer is no', async () => {
    const session = await publishing(sandbox());
    const { code, screen } = await onTerminal(['announce', example('field-trip.yml'), '--sandbox', sandbox().url, '--config', session.config], 'n', { IP_POST_DB: session.db, HOME: '/tmp' });
    expect(screen).toContain('━━ Facebook');
    expect(screen).toContain('Publish 4 posts now? [y/N]');
    expect(screen).toContain('Nothing was published.');
    expect(code).toBe(0);
    expect(sandbox().records.list()).toEqual([]);
  });

  it('publishes after yes, with a live line per post and the summary', async () => {
    const session = await publishing(sandbox());
    const { code, screen } = await onTerminal(['announce', example('field-trip.yml'), '--sandbox', sandbox().url, '--config', session.config], 'y', { IP_POST_DB: session.db, HOME: '/tmp' });
    expect(code).toBe(0);
    expect(screen).toMatch(/instagram lv\+ru\s+█+ 100%/);
    expect(screen).toMatch(/platform\s+languages\s+status\s+link or error/);
    expect(screen).toMatch(/instagram\s+lv, ru\s+published\s+https:\/\/www\.instagram\.com\/p\//);
    expect(sandbox().records.list()).toHaveLength(4);
  });

  it('refuses to publish without a terminal unless --yes is given', async () => {
    const session = await publishing(sandbox());
    const refused = await session.cli(['announce', example('field-trip.yml')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('ip-post: publishing needs a confirmation, and there is no terminal to ask\n  fix: add --yes to publish without asking (cron, scripts), or preview with --dry-run\n');
    expect(sandbox().records.list()).toEqual([]);
  });

  it('prints plain timestamped progress lines without a terminal', async () => {
    const session = await publishing(sandbox());
    const run = await session.cli(['announce', example('field-trip.yml'), '--yes']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^\d\d:\d\d:\d\d facebook lv\+ru: starting$/m);
    expect(run.stderr).toMatch(/^\d\d:\d\d:\d\d instagram lv\+ru: published https:\/\/www\.instagram\.com\/p\/\S+$/m);
    expect(run.stdout).toMatch(/^run \d{8}-\d{6}-[0-9a-f]{4}$/m);
  });
});

describe('errors a person can act on', () => {
  it('stops before sending anything when a secret or the media host is missing', async () => {
    const session = await publishing(sandbox());
    const noMediaHost = await session.cli(['announce', example('volunteers.yml'), '--yes'], { env: {} });
    expect(noMediaHost.code).toBe(0);
    const dir = (await import('node:path')).dirname(session.config);
    const { writeFile } = await import('node:fs/promises');
    const bare = join(dir, 'bare.json');
    await writeFile(bare, JSON.stringify({ platforms: sandbox().config().platforms }));
    const { runCli } = await import('../helpers.js');
    const missing = await runCli(['announce', example('field-trip.yml'), '--yes', '--config', bare], { env: { IP_POST_DB: session.db } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      'ip-post: secrets are not set: IP_POST_FACEBOOK_TOKEN (facebook), IP_POST_INSTAGRAM_TOKEN (instagram), IP_POST_X_APP_KEY (x), IP_POST_X_APP_SECRET (x), IP_POST_X_ACCESS_TOKEN (x), IP_POST_X_ACCESS_SECRET (x)\n' +
        '  fix: set them in the environment or a .env file (`ip-post config` shows what is set), or try with --sandbox\n' +
        'ip-post: some platforms fetch media from a public address (Instagram images, TikTok photos), and no media host is configured\n' +
        '  fix: set mediaHost.publicUrl and uploadUrl in config (or try with --sandbox)\n',
    );
    const noHost = await runCli(['announce', example('volunteers.yml'), '--yes', '--config', bare], { env: { IP_POST_DB: session.db, ...sandbox().credentials() } });
    expect(noHost.stderr).toBe('ip-post: some platforms fetch media from a public address (Instagram images, TikTok photos), and no media host is configured\n  fix: set mediaHost.publicUrl and uploadUrl in config (or try with --sandbox)\n');
    expect(sandbox().records.list()).toHaveLength(3);
  });

  it('says when Instagram’s publishing limit is reached, and when TikTok allows only private posts', async () => {
    sandbox().options.instagramPostsPerDay = 0;
    sandbox().options.tiktokAudited = false;
    const session = await publishing(sandbox(), { platforms: { tiktok: { privacyLevel: 'PUBLIC_TO_EVERYONE' } } });
    const { result, code } = await session.publish(example('volunteers.yml'));
    expect(code).toBe(1);
    const byPlatform = Object.fromEntries(result.posts.map((post) => [post.platform, post]));
    expect(byPlatform.instagram).toMatchObject({ status: 'failed', code: '9/2207042', error: 'Instagram’s publishing limit is reached (0 of 0 in 24 hours): posts free up as the oldest turn 24 hours old; try `ip-post retry` then' });
    expect(byPlatform.tiktok).toMatchObject({ status: 'failed', error: 'TikTok allows this app only private posts until it passes TikTok’s audit: set platforms.tiktok.privacyLevel to SELF_ONLY, or have the app audited' });
    expect(byPlatform.facebook!.status).toBe('published');
    const text = (await session.cli(['history', result.run])).stdout;
    expect(text).toContain('instagram  lv, ru     failed     Instagram’s publishing limit is reached');
  });
});

describe('interrupted while publishing', () => {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal}: ends with ${code}, names the run and how to finish it; retry then does`, async () => {
      const session = await publishing(sandbox());
      sandbox().faults.add({ platform: 'x', endpoint: 'tweets.create', kind: 'latency', latencyMs: 3000, times: 0 });
      const child = spawn(process.execPath, [join(projectRoot, 'bin', 'ip-post.cjs'), 'announce', example('field-trip.yml'), '--yes', '--only', 'x', '--sandbox', sandbox().url, '--config', session.config], {
        env: { PATH: process.env.PATH, HOME: '/tmp', IP_POST_CODE_CACHE: '0', IP_POST_DB: session.db },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        // Once X's first post is on its way, the officer presses Ctrl-C (or the system stops the process).
        if (/x lv: posting/.test(stderr) && !child.killed) child.kill(signal);
      });
      const exit = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(exit).toBe(code);
      // A sandbox's runs are kept in the sandbox's record, which --sandbox opens.
      const run = /run (\S+) is not finished; `ip-post retry \1 --sandbox` completes it, after checking the platforms/.exec(stderr)?.[1];
      expect(run, stderr).toBeDefined();
      sandbox().faults.clear();
      const retried = await session.cli(['retry', run!, '--json']);
      expect(retried.code, retried.stderr).toBe(0);
      expect(sandbox().records.list('x')).toHaveLength(2);
    });
  }
});
