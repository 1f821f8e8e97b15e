import { dirname, join } from 'node:path';
import envPaths from 'env-paths';

const defaultRecord = () => join(envPaths('ip-post', { suffix: '' }).data, 'ip-post.db');

/** The record's file: --db, else IP_POST_DB, else config `db`, else ip-post.db in the user's data folder. */
export function databasePath(flag: string | undefined, configured: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.IP_POST_DB ?? configured ?? defaultRecord();
}

/**
 * Where runs into a sandbox are kept: sandbox.db beside the real record, so that trying ip-post out never
 * fills the real history with posts that exist nowhere (--db and IP_POST_DB still choose any file).
 */
export function sandboxRecordPath(configured: string | undefined): string {
  return join(dirname(configured ?? defaultRecord()), 'sandbox.db');
}
