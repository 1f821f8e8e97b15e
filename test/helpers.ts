import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(projectRoot, '..', 'shared', 'examples');
/** The shared examples (../shared/examples) when present, as CI has them; else the copies the project ships. */
export const examplesDir = existsSync(shared) ? shared : join(projectRoot, 'examples');
export const example = (name: string) => join(examplesDir, name);

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI as a user would, with no TTY, no user config (an empty config folder),
 * no code cache, and NO_COLOR unset unless given.
 */
export async function runCli(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<CliResult> {
  const home = await tempDir();
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_CACHE_HOME: join(home, 'cache'),
    IP_POST_CODE_CACHE: '0',
    ...options.env,
  })) {
    if (value !== undefined) env[key] = value;
  }
  const child = spawn(process.execPath, [join(projectRoot, 'bin', 'ip-post.cjs'), ...args], { env, cwd: options.cwd ?? projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  return { code, stdout, stderr };
}

const cleanups: string[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A temporary folder, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ip-post-test-'));
  cleanups.push(dir);
  return dir;
}

/** Writes files (path → content) into a new temporary folder and returns it. */
export async function writeFiles(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await tempDir();
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

/** The header of a PNG of the given size: enough for ip-post to read its type and dimensions. */
export function pngHeader(width: number, height: number): Buffer {
  const header = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(header, 0);
  header.writeUInt32BE(13, 8);
  header.write('IHDR', 12, 'latin1');
  header.writeUInt32BE(width, 16);
  header.writeUInt32BE(height, 20);
  header.set([8, 6, 0, 0, 0], 24);
  return header;
}

/** The headers of a baseline JPEG of the given size (SOI, a JFIF APP0 segment, a SOF0 frame), padded to any length. */
export function jpegHeader(width: number, height: number, padding = 0): Buffer {
  const jfif = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  const frame = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0, 0, 0, 0, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
  frame.writeUInt16BE(height, 5);
  frame.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), jfif, frame, Buffer.alloc(padding), Buffer.from([0xff, 0xd9])]);
}

/**
 * Plans an announcement given as data, with optional templates of the test's own (name → Mustache)
 * and config, through the same code the CLI runs.
 */
export async function planFor(
  announcement: Record<string, unknown>,
  options: { templates?: Record<string, string>; config?: Record<string, unknown>; files?: Record<string, string | Buffer>; platforms?: string[] } = {},
) {
  const { stringify } = await import('yaml');
  const { loadConfig } = await import('../src/config.js');
  const { loadAnnouncement } = await import('../src/announcement/load.js');
  const { listLanguages } = await import('../src/i18n/language.js');
  const { buildPlan } = await import('../src/plan/plan.js');
  const templates = Object.fromEntries(Object.entries(options.templates ?? {}).map(([name, text]) => [`templates/${name}`, text]));
  const dir = await writeFiles({
    'event.yml': stringify(announcement),
    'config.json': JSON.stringify({ ...(options.templates && { templates: 'templates' }), ...options.config }),
    ...templates,
    ...options.files,
  });
  const config = await loadConfig(join(dir, 'config.json'), {});
  const loaded = await loadAnnouncement(join(dir, 'event.yml'), { defaultTimezone: config.timezone, knownLanguages: await listLanguages(config.templateDirs) });
  return buildPlan(loaded, config, { platforms: options.platforms as never });
}

/** A minimal valid announcement; tests change what they need. */
export function announcement(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'test-event',
    languages: ['lv'],
    platforms: ['facebook'],
    event: { title: 'Pasākums', start: '2027-06-08T10:00', place: 'Daugavpils' },
    text: 'Teksts.',
    ...overrides,
  };
}
