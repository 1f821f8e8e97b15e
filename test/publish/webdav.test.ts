import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/publish/engine.js';
import { example, runCli, tempDir, writeFiles } from '../helpers.js';
import { useSandbox } from '../sandbox/helpers.js';

/**
 * The media host for real use: the association's own web server taking uploads by WebDAV (PUT, MKCOL) with a
 * user and password, serving them to anyone. Tested against a real WebDAV server (webdav-server), not a stub.
 */
let dav: { stop(): Promise<void>; url: string; root: string } | undefined;

async function startWebDav(): Promise<{ stop(): Promise<void>; url: string; root: string }> {
  const { v2: webdav } = await import('webdav-server');
  const root = await tempDir();
  const users = new webdav.SimpleUserManager();
  const officer = users.addUser('officer', 'correct horse', false);
  const rights = new webdav.SimplePathPrivilegeManager();
  rights.setRights(officer, '/', ['all']);
  const anyone = await new Promise<Parameters<typeof rights.setRights>[0]>((resolve) => users.getDefaultUser(resolve));
  rights.setRights(anyone, '/', ['canRead']);
  const server = new webdav.WebDAVServer({ port: 0, hostname: '127.0.0.1', httpAuthentication: new webdav.HTTPBasicAuthentication(users, 'ip-post'), privilegeManager: rights });
  await new Promise<void>((resolve) => server.setFileSystem('/', new webdav.PhysicalFileSystem(root), () => resolve()));
  const http = await new Promise<import('node:http').Server>((resolve) => server.start((started) => resolve(started as import('node:http').Server)));
  const { port } = http.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, root, stop: () => new Promise<void>((resolve) => server.stop(() => resolve())) };
}

beforeEach(async () => {
  dav = await startWebDav();
});
afterEach(async () => {
  await dav?.stop();
  dav = undefined;
});

const sandbox = useSandbox();

/** A config with every platform on the sandbox but the media host on the WebDAV server, and the credentials in the environment. */
async function publishVolunteers(password: string): Promise<{ result: RunResult; code: number | null; stderr: string }> {
  sandbox().options.tiktokVerifiedPrefixes.push(`${dav!.url}/`);
  const config = {
    ...sandbox().config(),
    mediaHost: { publicUrl: dav!.url, usernameEnv: 'MEDIA_USER', passwordEnv: 'MEDIA_PASSWORD' },
    network: { attempts: 2, backoffMs: 10, pollMs: 20, timeoutMs: 5000 },
  };
  const dir = await writeFiles({ 'config.json': JSON.stringify(config) });
  const run = await runCli(['announce', example('volunteers.yml'), '--yes', '--json', '--config', join(dir, 'config.json')], {
    env: { ...sandbox().credentials(), MEDIA_USER: 'officer', MEDIA_PASSWORD: password, IP_POST_DB: join(dir, 'record.db') },
  });
  return { result: JSON.parse(run.stdout) as RunResult, code: run.code, stderr: run.stderr };
}

describe('a WebDAV media host', () => {
  it('takes the converted image by PUT with a password, serves it, and the platforms fetch it from there', async () => {
    const { result, code } = await publishVolunteers('correct horse');
    expect(code).toBe(0);
    expect(result.posts.map((post) => post.status)).toEqual(['published', 'published', 'published']);
    const onDisk = await readFile(join(dav!.root, 'brivpratigie-2027-05', 'volunteers.jpg'));
    expect(onDisk.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    const sha = createHash('sha256').update(onDisk).digest('hex');
    const [instagram] = sandbox().records.list('instagram');
    expect(instagram!.media[0]).toMatchObject({ type: 'image/jpeg', sha256: sha, url: `${dav!.url}/brivpratigie-2027-05/volunteers.jpg` });
    const [tiktok] = sandbox().records.list('tiktok');
    expect(tiktok!.media[0]).toMatchObject({ sha256: sha, url: `${dav!.url}/brivpratigie-2027-05/volunteers.jpg` });
  });

  it('says what to do when the web server refuses the password', async () => {
    const { result, code } = await publishVolunteers('wrong');
    expect(code).toBe(1);
    const instagram = result.posts.find((post) => post.platform === 'instagram')!;
    expect(instagram).toMatchObject({ status: 'failed', error: 'the media host refused the upload (401): check its credentials' });
    expect(result.posts.find((post) => post.platform === 'facebook')!.status).toBe('published');
    expect(sandbox().records.list('instagram')).toEqual([]);
  });
});
