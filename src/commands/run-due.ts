import { existsSync } from 'node:fs';
import { nowMs } from '../clock.js';
import { loadCommand } from '../command-loader.js';
import { peekConfiguredDb } from '../config-file.js';
import { ExitCode } from '../errors.js';
import { confirmAfterMs } from '../schedule/timing.js';
import { databasePath } from '../store/location.js';
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
  const configured = peekConfiguredDb(options.config);
  if (configured !== null) {
    const file = databasePath(options.db, configured);
    if (!existsSync(file)) return ExitCode.ok;
    const store = await Store.open(file);
    try {
      if (!store.anythingDue(nowMs(), { includeMissed: options.catchUp, confirmBy: nowMs() - confirmAfterMs })) return ExitCode.ok;
    } finally {
      store.close();
    }
  }
  const publish = loadCommand<typeof PublishCommand>('publish');
  const code = await publish.exports.publishDueNow(options);
  publish.saveCache();
  return code;
}
