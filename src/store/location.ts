import { join } from 'node:path';
import envPaths from 'env-paths';

/** The record's file: --db, else IP_POST_DB, else config `db`, else ip-post.db in the user's data folder. */
export function databasePath(flag: string | undefined, configured: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.IP_POST_DB ?? configured ?? join(envPaths('ip-post', { suffix: '' }).data, 'ip-post.db');
}
