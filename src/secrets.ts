import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import dotenv from 'dotenv';
import { platformNames, type PlatformName } from '../adapters/names.js';
import type { Config } from './config.js';

/**
 * Secrets live in the environment, or in a `.env` file in the current folder or beside the config
 * file; a variable already set wins over both. Returns the files read.
 */
export function loadEnvFiles(config: Pick<Config, 'file'>, env: NodeJS.ProcessEnv = process.env): string[] {
  const candidates = [resolve('.env'), ...(config.file ? [join(dirname(resolve(config.file)), '.env')] : [])];
  const files = [...new Set(candidates)].filter((file) => existsSync(file));
  for (const file of files) dotenv.config({ path: file, processEnv: env as Record<string, string>, quiet: true, override: false });
  return files;
}

export interface SecretStatus {
  /** The config setting that names the variable, e.g. `accessTokenEnv`. */
  setting: string;
  variable: string;
  present: boolean;
}

/** For each platform (and the media host), which secret variables it names and whether they are set. Never the values. */
export function secretStatus(config: Config, env: NodeJS.ProcessEnv = process.env): Record<PlatformName | 'mediaHost', SecretStatus[]> {
  const status = (settings: Record<string, unknown>) =>
    Object.entries(settings)
      .filter(([setting, variable]) => setting.endsWith('Env') && typeof variable === 'string')
      .map(([setting, variable]) => ({ setting, variable: variable as string, present: Boolean(env[variable as string]) }));
  return {
    ...(Object.fromEntries(platformNames.map((name) => [name, status(config.platforms[name])])) as Record<PlatformName, SecretStatus[]>),
    mediaHost: status(config.mediaHost ?? {}),
  };
}
