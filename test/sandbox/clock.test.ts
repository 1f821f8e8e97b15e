import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { facebookSandbox } from '../../adapters/facebook/sandbox.js';
import { InputError } from '../../src/errors.js';
import { startSandbox, type Sandbox, type StartOptions } from '../../src/sandbox/server.js';
import { projectRoot, tempDir } from '../helpers.js';
import { call } from './helpers.js';

const instant = '2027-06-01T09:00:00+03:00';
const start = Date.parse(instant);
const second = 1000;

/** A sandbox of its own for one test, closed after it. */
async function withSandbox(options: StartOptions, test: (sandbox: Sandbox) => Promise<void>): Promise<void> {
  const sandbox = await startSandbox(options);
  try {
    await test(sandbox);
  } finally {
    await sandbox.close();
  }
}

/** Runs `body` with IP_POST_NOW set to `value` (or unset), as a command would see it. */
async function withNowVariable(value: string | undefined, body: () => Promise<void>): Promise<void> {
  const before = process.env.IP_POST_NOW;
  if (value === undefined) delete process.env.IP_POST_NOW;
  else process.env.IP_POST_NOW = value;
  try {
    await body();
  } finally {
    if (before === undefined) delete process.env.IP_POST_NOW;
    else process.env.IP_POST_NOW = before;
  }
}

const clockOf = async (sandbox: Sandbox) => Date.parse((await call(`${sandbox.url}/__sandbox/clock`)).body.now);
const setClock = (sandbox: Sandbox, body: unknown) => call(`${sandbox.url}/__sandbox/clock`, { method: 'POST', json: body });

describe('the sandbox’s clock', () => {
  it('keeps the real time when no start is given', () =>
    withNowVariable(undefined, () =>
      withSandbox({}, async (sandbox) => {
        expect(Math.abs(sandbox.now() - Date.now())).toBeLessThan(second);
        expect(Math.abs((await clockOf(sandbox)) - Date.now())).toBeLessThan(second);
      }),
    ));

  it('starts at the instant given, as an ISO string or milliseconds, and runs on in real time', async () => {
    await withSandbox({ now: instant }, async (sandbox) => {
      const first = await clockOf(sandbox);
      expect(first - start).toBeGreaterThanOrEqual(0);
      expect(first - start).toBeLessThan(second);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(sandbox.now() - first).toBeGreaterThanOrEqual(45);
    });
    await withSandbox({ now: start }, async (sandbox) => expect(sandbox.now() - start).toBeLessThan(second));
    await expect(startSandbox({ now: 'tomorrow' })).rejects.toThrow(/"tomorrow" is not an instant/);
  });

  it('is set with {"set": …} and moved on with {"advanceSeconds": …}, over HTTP or from code', () =>
    withSandbox({}, async (sandbox) => {
      const set = await setClock(sandbox, { set: '2028-01-15T12:00:00Z' });
      expect(set.status).toBe(200);
      expect(Date.parse(set.body.now) - Date.parse('2028-01-15T12:00:00Z')).toBeLessThan(second);
      const advanced = await setClock(sandbox, { advanceSeconds: 3600 });
      expect(Date.parse(advanced.body.now) - Date.parse('2028-01-15T13:00:00Z')).toBeLessThan(second);
      expect((await clockOf(sandbox)) - Date.parse('2028-01-15T13:00:00Z')).toBeLessThan(second);

      sandbox.setClock(instant);
      expect((await clockOf(sandbox)) - start).toBeLessThan(second);
      sandbox.advanceClock(60);
      expect(sandbox.now() - (start + 60 * second)).toBeLessThan(second);
      expect(() => sandbox.setClock('2028-01-15 12:00')).toThrow(/is not an instant/);

      for (const wrong of [{ set: 'next week' }, { set: '2028-01-15T12:00:00' }, { advanceSeconds: -1 }, { set: '2028-01-15T12:00:00Z', advanceSeconds: 1 }, {}]) {
        const refused = await setClock(sandbox, wrong);
        expect([refused.status, typeof refused.body.error]).toEqual([400, 'string']);
      }
      expect(sandbox.now() - (start + 60 * second)).toBeLessThan(second);
    }));

  it('starts at IP_POST_NOW when no instant is given, and the option wins over it', async () => {
    await withNowVariable(instant, async () => {
      await withSandbox({}, async (sandbox) => expect((await clockOf(sandbox)) - start).toBeLessThan(second));
      await withSandbox({ now: '2030-01-01T00:00:00Z' }, async (sandbox) => expect(sandbox.now() - Date.parse('2030-01-01T00:00:00Z')).toBeLessThan(second));
    });
    await withNowVariable('soon', async () => {
      await expect(startSandbox()).rejects.toBeInstanceOf(InputError);
    });
  });

  it('is the time the platforms judge by: Facebook’s scheduling window follows it', () =>
    withSandbox({ now: instant }, async (sandbox) => {
      const feed = `${sandbox.baseUrls.facebook}/v25.0/${facebookSandbox.pageId}/feed`;
      const schedule = (at: number) =>
        call(feed, { method: 'POST', headers: { authorization: `Bearer ${facebookSandbox.pageToken}` }, json: { message: `Ap ${at}`, published: false, scheduled_publish_time: Math.floor(at / 1000) } });
      expect((await schedule(start + 3600 * second)).status).toBe(200);
      expect((await schedule(Date.now() + 3600 * second)).body.error.code).toBe(100);
    }));

  it('`ip-post sandbox` starts at IP_POST_NOW and says so', async () => {
    const child = spawn(process.execPath, [join(projectRoot, 'bin', 'ip-post.cjs'), 'sandbox', '--port', '0', '--json'], {
      env: { PATH: process.env.PATH, XDG_CACHE_HOME: await tempDir(), IP_POST_CODE_CACHE: '0', IP_POST_NOW: instant },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((resolve) => child.on('close', resolve));
    try {
      let output = '';
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk) => {
          output += chunk;
          if (output.includes('\n')) resolve(output.split('\n')[0]!);
        });
        child.on('close', () => reject(new Error(`the sandbox exited: ${output}`)));
      });
      const ready = JSON.parse(line) as { url: string; now: string };
      expect(Date.parse(ready.now) - start).toBeLessThan(5 * second);
      expect(Date.parse((await call(`${ready.url}/__sandbox/clock`)).body.now) - start).toBeLessThan(5 * second);
    } finally {
      child.kill('SIGINT');
      await exited;
    }
  });
});
