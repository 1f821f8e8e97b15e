import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/types.js';
import { startSandbox } from '../../src/sandbox/server.js';
import { example, projectRoot, runCli, tempDir } from '../helpers.js';

/** Starts `ip-post sandbox` as a user would, and resolves with its first line of output once it is ready. */
async function runSandboxCommand(args: string[], cache: string) {
  const child = spawn(process.execPath, [join(projectRoot, 'bin', 'ip-post.cjs'), 'sandbox', ...args], {
    env: { PATH: process.env.PATH, XDG_CACHE_HOME: cache, IP_POST_CODE_CACHE: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const firstLine = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => output.includes('\n') && resolve(output.split('\n')[0]!));
    child.on('close', () => reject(new Error(`the sandbox exited: ${output}`)));
  });
  return { child, firstLine, exited, output: () => output };
}

describe('ip-post sandbox', () => {
  it('prints its addresses, answers on them, and stops cleanly on Ctrl-C', async () => {
    const cache = await tempDir();
    const sandbox = await runSandboxCommand(['--port', '0', '--json'], cache);
    const ready = JSON.parse(sandbox.firstLine) as { url: string; baseUrls: Record<string, string>; config: { platforms: Record<string, { baseUrl: string }> }; credentials: Record<string, string> };
    expect(Object.keys(ready.baseUrls)).toEqual(['media', 'facebook', 'instagram', 'x', 'youtube', 'tiktok']);
    expect(ready.config.platforms.x!.baseUrl).toBe(ready.baseUrls.x);
    expect(ready.credentials.IP_POST_FACEBOOK_TOKEN).toBe('sandbox-facebook-page-token');
    expect(((await (await fetch(`${ready.url}/__sandbox/health`)).json()) as { ok: boolean }).ok).toBe(true);
    expect(existsSync(join(cache, 'ip-post', 'sandbox.json'))).toBe(true);
    sandbox.child.kill('SIGINT');
    expect(await sandbox.exited).toBe(130);
    expect(existsSync(join(cache, 'ip-post', 'sandbox.json'))).toBe(false);
    await expect(fetch(`${ready.url}/__sandbox/health`)).rejects.toThrow();
  });

  it('logs each request it answers', async () => {
    const sandbox = await runSandboxCommand(['--port', '0'], await tempDir());
    await new Promise((resolve) => setTimeout(resolve, 100));
    const x = /x {10}(http:\/\/127\.0\.0\.1:\d+)/.exec(sandbox.output())![1]!;
    await fetch(`${x}/2/tweets`, { method: 'POST' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    sandbox.child.kill('SIGTERM');
    expect(await sandbox.exited).toBe(143);
    expect(sandbox.output()).toMatch(/\d\d:\d\d:\d\d x {9}POST {3}\/2\/tweets 401\n/);
    expect(sandbox.output()).toContain('sandbox stopped');
  });

  it('says which port is taken', async () => {
    const busy = await startSandbox();
    try {
      const port = new URL(busy.url).port;
      const result = await runCli(['sandbox', '--port', port]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`ip-post: port ${port} (or one of the five after it) is in use\n  fix: choose others with --port, e.g. --port 4110, or --port 0 for any free ports\n`);
    } finally {
      await busy.close();
    }
  });
});

describe('--sandbox on a command', () => {
  it('starts a sandbox for the command when none is running, and points every platform at it', async () => {
    const result = await runCli(['announce', example('volunteers.yml'), '--dry-run', '--json', '--sandbox']);
    const plan = JSON.parse(result.stdout) as Plan;
    expect(result.code).toBe(0);
    expect(plan.warnings[0]).toMatch(/^sandbox: every platform and the media host point at the local sandbox at http:\/\/127\.0\.0\.1:\d+$/);
    const instagram = plan.posts.find((post) => post.platform === 'instagram')!;
    expect(instagram.account).toBe('@intelektaparks');
    expect(instagram.media[0]!.publicUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/media\/brivpratigie-2027-05\/volunteers\.jpg$/);
    expect(instagram.warnings).toEqual(['volunteers.png is PNG; Instagram takes only JPEG, so ip-post converts it to JPEG when publishing']);
  });

  it('uses the sandbox at a given address, or the one `ip-post sandbox` runs', async () => {
    const running = await startSandbox();
    try {
      const given = JSON.parse((await runCli(['announce', example('volunteers.yml'), '--dry-run', '--json', '--sandbox', running.url])).stdout) as Plan;
      expect(given.warnings[0]).toBe(`sandbox: every platform and the media host point at the local sandbox at ${running.url}`);
      const fromEnv = JSON.parse((await runCli(['announce', example('volunteers.yml'), '--dry-run', '--json', '--sandbox'], { env: { IP_POST_SANDBOX_URL: running.url } })).stdout) as Plan;
      expect(fromEnv.warnings[0]).toContain(running.url);
    } finally {
      await running.close();
    }
  });

  it('keeps what it publishes into a sandbox apart from the real record', async () => {
    const data = await tempDir();
    const env = { XDG_DATA_HOME: data };
    const published = await runCli(['announce', example('seminar.yml'), '--sandbox', '--yes', '--only', 'x', '--lang', 'en'], { env: { ...env, NO_COLOR: '1' } });
    expect(published.code, published.stderr).toBe(0);
    expect(published.stdout).toContain('in the sandbox: nothing was posted for real; its runs are kept apart (`ip-post history --sandbox`)');
    expect(existsSync(join(data, 'ip-post', 'sandbox.db'))).toBe(true);
    expect(existsSync(join(data, 'ip-post', 'ip-post.db'))).toBe(false);
    const real = await runCli(['history'], { env });
    expect(real.stdout).toBe('Nothing has been published yet.\n');
    expect(existsSync(join(data, 'ip-post', 'ip-post.db'))).toBe(false);
    const tried = await runCli(['history', '--sandbox', '--json'], { env });
    expect((JSON.parse(tried.stdout) as { runs: { announcement: string; published: number }[] }).runs).toMatchObject([{ announcement: 'kapacitates-seminars-2027', published: 1 }]);
  });

  it('shows the sandbox’s settings and credentials in ip-post config', async () => {
    const result = await runCli(['config', '--sandbox', '--json']);
    const shown = JSON.parse(result.stdout) as { sandbox: string; platforms: Record<string, { baseUrl: string; pageId?: string }>; secrets: Record<string, { present: boolean }[]> };
    expect(shown.sandbox).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(shown.platforms.facebook).toMatchObject({ pageId: '100000000000001', baseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(Object.values(shown.secrets).flat().every((secret) => secret.present)).toBe(true);
  });

  it('says so when nothing answers at the given address', async () => {
    const result = await runCli(['announce', example('volunteers.yml'), '--dry-run', '--sandbox', 'http://127.0.0.1:9']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('ip-post: no sandbox answers at http://127.0.0.1:9\n  fix: start one with `ip-post sandbox` in another terminal, or use --sandbox alone to start one for this command\n');
  });
});
