import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adapters } from '../adapters/index.js';
import { platformNames } from '../adapters/names.js';
import { loadConfig } from '../src/config.js';
import { builtinTemplatesDir } from '../src/paths.js';
import { projectRoot, writeFiles } from './helpers.js';

describe('config.example.json', () => {
  it('is a valid config', async () => {
    const config = await loadConfig(join(projectRoot, 'config.example.json'), {});
    expect(config.platforms.facebook.account).toBe('Intelekta parks');
    expect(config.templateDirs).toEqual([builtinTemplatesDir]);
  });

  it('shows every setting of every platform', async () => {
    const example = JSON.parse(await readFile(join(projectRoot, 'config.example.json'), 'utf8')) as { platforms: Record<string, Record<string, unknown>> };
    for (const name of platformNames) {
      const adapter = adapters[name];
      const settings = [
        'account',
        'languages',
        'baseUrl',
        ...(adapter.defaults.uploadBaseUrl ? ['uploadBaseUrl'] : []),
        ...(adapter.nativeScheduling ? ['schedule'] : []),
        ...(adapter.reminders ? ['reminders'] : []),
        ...Object.keys(adapter.settings),
      ];
      expect(Object.keys(example.platforms[name]!).sort(), name).toEqual(settings.sort());
    }
  });

  it('is documented setting by setting in the README', async () => {
    const readme = await readFile(join(projectRoot, 'README.md'), 'utf8');
    for (const name of platformNames) {
      for (const setting of Object.keys(adapters[name].settings)) expect(readme, `${name}.${setting}`).toMatch(new RegExp(`platforms\\.${name}\\.[^|]*\\b${setting}\\b`));
    }
  });
});

describe('defaults', () => {
  it('apply without a config file: real API addresses, each platform’s language strategy', async () => {
    const config = await loadConfig(undefined, { XDG_CONFIG_HOME: '/nonexistent' });
    expect(config.file).toBeUndefined();
    expect(config.platforms.x).toMatchObject({ baseUrl: 'https://api.x.com', languages: 'separate', thread: false, accessTokenEnv: 'IP_POST_X_ACCESS_TOKEN' });
    expect(config.platforms.youtube).toMatchObject({ languages: 'localized', privacy: 'public', categoryId: '27', uploadBaseUrl: 'https://youtube.googleapis.com' });
    expect(config.platforms.tiktok.privacyLevel).toBeUndefined();
  });

  it('fill in what a config leaves out, and every base URL can point elsewhere', async () => {
    const base = 'http://127.0.0.1:4010';
    const dir = await writeFiles({
      'config.json': JSON.stringify({ platforms: Object.fromEntries(platformNames.map((name) => [name, { baseUrl: `${base}/${name}` }])) }),
    });
    const config = await loadConfig(join(dir, 'config.json'), {});
    for (const name of platformNames) expect(config.platforms[name].baseUrl).toBe(`${base}/${name}`);
    expect(config.platforms.facebook).toMatchObject({ apiVersion: 'v25.0', languages: 'combined', uploadBaseUrl: 'https://graph-video.facebook.com' });
  });
});

describe('ip-post config', () => {
  it('shows which secret variables are set, from the environment or a .env file, and never their values', async () => {
    const { runCli } = await import('./helpers.js');
    const dir = await writeFiles({
      'config.json': JSON.stringify({ platforms: { x: { account: '@intelektaparks' } } }),
      '.env': 'IP_POST_X_APP_KEY=dotenv-secret-value\nIP_POST_X_APP_SECRET=\n',
    });
    const env = { IP_POST_FACEBOOK_TOKEN: 'environment-secret-value' };
    const human = await runCli(['config', '--config', 'config.json'], { cwd: dir, env });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('    ✓ IP_POST_X_APP_KEY (appKeyEnv)');
    expect(human.stdout).toContain('    ✗ IP_POST_X_APP_SECRET (appSecretEnv) not set');
    expect(human.stdout).toContain('    ✓ IP_POST_FACEBOOK_TOKEN (accessTokenEnv)');
    expect(human.stdout).toContain(`.env       ${join(dir, '.env')}`);
    const json = await runCli(['config', '--config', 'config.json', '--json'], { cwd: dir, env });
    const shown = JSON.parse(json.stdout) as { secrets: Record<string, { variable: string; present: boolean }[]> };
    expect(shown.secrets.x!.map((secret) => [secret.variable, secret.present])).toEqual([
      ['IP_POST_X_APP_KEY', true],
      ['IP_POST_X_APP_SECRET', false],
      ['IP_POST_X_ACCESS_TOKEN', false],
      ['IP_POST_X_ACCESS_SECRET', false],
    ]);
    for (const output of [human.stdout, human.stderr, json.stdout, json.stderr]) {
      expect(output).not.toContain('secret-value');
    }
  });
});
