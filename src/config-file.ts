import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import envPaths from 'env-paths';

/** The config file to read: --config, else IP_POST_CONFIG, else config.json in the user's config folder if it exists. */
export function configPath(flag: string | undefined, env: NodeJS.ProcessEnv): { file: string; explicit: boolean } | undefined {
  if (flag) return { file: flag, explicit: true };
  if (env.IP_POST_CONFIG) return { file: env.IP_POST_CONFIG, explicit: true };
  const file = join(envPaths('ip-post', { suffix: '' }).config, 'config.json');
  return existsSync(file) ? { file, explicit: false } : undefined;
}

/**
 * The record's file as config names it (`db`, relative to the config file), read without validating the
 * config, for `run-due`'s quick look when nothing is due: `undefined` when config names none, `null` when
 * the file cannot be read this simply (YAML, a mistake), so that the full config loader reports it.
 */
export function peekConfiguredDb(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined | null {
  const location = configPath(flag, env);
  if (!location) return undefined;
  try {
    const { db } = JSON.parse(readFileSync(location.file, 'utf8')) as { db?: unknown };
    if (db === undefined) return undefined;
    return typeof db === 'string' ? resolve(dirname(location.file), db) : null;
  } catch {
    return null;
  }
}
