import { existsSync } from 'node:fs';
import { loadConfig } from '../config.js';
import { ExitCode, InputError } from '../errors.js';
import { colorsFor } from '../output.js';
import { outcomeOf } from '../publish/engine.js';
import { summaryTable } from '../publish/report.js';
import { describeInstant } from '../schedule/when.js';
import { databasePath, sandboxRecordPath } from '../store/location.js';
import { Store } from '../store/store.js';

/** `ip-post history [RUN]`: what was posted where, run by run; one run's posts with their links or errors. */
export async function history(runId: string | undefined, options: { json?: boolean; db?: string; config?: string; limit?: string; sandbox?: boolean }): Promise<number> {
  const config = await loadConfig(options.config);
  const file = databasePath(options.db, options.sandbox ? sandboxRecordPath(config.db) : config.db);
  // Reading makes no record: where there is none, nothing has been published.
  if (!existsSync(file)) {
    if (runId) throw new InputError({ file, message: `there is no record here yet, so no run ${runId}`, fix: '`ip-post history` lists the runs; --db, IP_POST_DB or config db say where the record is' });
    process.stdout.write(options.json ? `${JSON.stringify({ runs: [] }, null, 2)}\n` : 'Nothing has been published yet.\n');
    return ExitCode.ok;
  }
  const store = await Store.open(file, { sandbox: options.sandbox });
  try {
    const c = colorsFor(process.stdout);
    // Runs are shown in the officer's time zone, as schedules are.
    const zone = config.timezone ?? 'Europe/Riga';
    if (runId) {
      const run = store.run(runId);
      if (!run) throw new InputError({ message: `no run ${runId} in the record`, fix: '`ip-post history` lists the runs' });
      const posts = store.posts(runId).map(outcomeOf);
      if (options.json) process.stdout.write(`${JSON.stringify({ ...run, posts }, null, 2)}\n`);
      else process.stdout.write(`${c.bold(`run ${run.id}`)} · ${run.announcement} · ${run.file} · ${describeInstant(new Date(run.created_at), zone)}\n\n${summaryTable(posts, c)}\n`);
      return ExitCode.ok;
    }
    const limit = Number(options.limit ?? 20);
    if (!Number.isInteger(limit) || limit < 1) throw new InputError({ message: `--limit: "${options.limit}" is not a number of runs`, fix: 'give a whole number, e.g. --limit 50' });
    const runs = store.runs(limit).map((run) => {
      const posts = store.posts(run.id);
      const count = (...states: string[]) => posts.filter((post) => states.includes(post.state)).length;
      return {
        ...run,
        posts: posts.length,
        published: count('published'),
        waiting: count('scheduled', 'queued'),
        missed: count('missed'),
        cancelled: count('cancelled'),
        failed: count('failed'),
        unknown: count('unknown', 'sending', 'planned'),
      };
    });
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ runs }, null, 2)}\n`);
      return ExitCode.ok;
    }
    if (runs.length === 0) {
      process.stdout.write('Nothing has been published yet.\n');
      return ExitCode.ok;
    }
    for (const run of runs) {
      const parts = (['published', 'waiting', 'cancelled', 'missed', 'failed', 'unknown'] as const).filter((key) => run[key] > 0).map((key) => `${run[key]} ${key}`);
      const troubled = run.missed + run.failed + run.unknown > 0;
      const state = `${run.posts} post${run.posts === 1 ? '' : 's'}: ${parts.join(', ')}`;
      process.stdout.write(`${run.id}  ${describeInstant(new Date(run.created_at), zone)}  ${run.announcement}  ${troubled ? c.yellow(state) : c.green(state)}\n`);
    }
    process.stdout.write(c.dim('\n`ip-post history RUN` shows a run’s posts; `ip-post retry RUN` tries again what did not go out.\n'));
    return ExitCode.ok;
  } finally {
    store.close();
  }
}
