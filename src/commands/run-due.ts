import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { nowMs } from '../clock.js';
import { loadCommand } from '../command-loader.js';
import { peekConfiguredDb } from '../config-file.js';
import { ExitCode, InputError } from '../errors.js';
import { confirmAfterMs } from '../schedule/timing.js';
import { databasePath, sandboxRecordPath } from '../store/location.js';
import { Store } from '../store/store.js';
import type * as PublishCommand from './publish.js';

export interface RunDueOptions {
  db?: string;
  config?: string;
  json?: boolean;
  catchUp?: boolean;
  sandbox?: PublishCommand.PublishOptions['sandbox'];
}

/**
 * `ip-post run-due`, for cron: publishes what is due. When nothing is, it says nothing and ends at once —
 * it reads only the record, and the publishing code is loaded only when there is something to publish.
 */
export async function runDue(options: RunDueOptions): Promise<number> {
  const peeked = peekConfiguredDb(options.config);
  if (peeked !== null) {
    // With --sandbox, the sandbox's own record (as announce --sandbox kept it).
    const configured = options.sandbox ? sandboxRecordPath(peeked) : peeked;
    const file = databasePath(options.db, configured);
    if (!existsSync(file)) {
      // No record yet is nothing due; but a record named in a folder that is not there is a typo in the cron line.
      const named = options.db ?? process.env.IP_POST_DB ?? configured;
      if (named && !existsSync(dirname(file))) throw new InputError({ file, message: 'no such folder, so no record is there', fix: 'check the path that --db, IP_POST_DB or config db gives' });
      return nothingDue(options);
    }
    const store = await Store.open(file, { sandbox: Boolean(options.sandbox) });
    try {
      if (!store.anythingDue(nowMs(), { includeMissed: options.catchUp, confirmBy: nowMs() - confirmAfterMs })) return nothingDue(options);
    } finally {
      store.close();
    }
  }
  const publish = loadCommand<typeof PublishCommand>('publish');
  const code = await publish.exports.publishDueNow(options);
  publish.saveCache();
  return code;
}

/** Nothing was due: not a word for cron, and for --json the same shape as when something was. */
function nothingDue(options: { json?: boolean }): number {
  if (options.json) process.stdout.write(`${JSON.stringify({ posts: [] }, null, 2)}\n`);
  return ExitCode.ok;
}
