import { createInterface } from 'node:readline/promises';
import type { PlatformName } from '../../adapters/names.js';
import { commandConfig, type Config } from '../config.js';
import { ExitCode, InputError, type Problem } from '../errors.js';
import { colorsFor } from '../output.js';
import type { Plan } from '../plan/types.js';
import { renderPreview } from '../preview.js';
import { newRunId, publishPlan, resumeRun, retryable, type PostOutcome, type Reporter, type RunResult } from '../publish/engine.js';
import { leaseHolder } from '../publish/lease.js';
import { nowMs } from '../clock.js';
import { publishDue } from '../schedule/due.js';
import { barReporter, lineReporter, silentReporter, summaryTable } from '../publish/report.js';
import { loadEnvFiles } from '../secrets.js';
import { databasePath } from '../store/location.js';
import { Store } from '../store/store.js';
import { preparePlan, type AnnounceOptions } from './announce.js';

export interface PublishOptions extends AnnounceOptions {
  yes?: boolean;
  db?: string;
}

/** `ip-post announce FILE`: the preview, a confirmation (or --yes), then every post to its platform. */
export async function publish(file: string | undefined, options: PublishOptions): Promise<number> {
  const { plan, config } = await preparePlan(file, options);
  loadEnvFiles(config);
  const c = colorsFor(process.stderr);
  if (!plan.publishable) {
    process.stdout.write(renderPreview(plan, colorsFor(process.stdout)));
    process.stderr.write(c.red('Nothing was published: the plan has errors (see above). Fix them, or leave those platforms out with --only.\n'));
    return ExitCode.planHasErrors;
  }
  checkReady(plan, config);
  const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY);
  if (!options.yes) {
    if (!interactive) throw new InputError({ message: 'publishing needs a confirmation, and there is no terminal to ask', fix: 'add --yes to publish without asking (cron, scripts), or preview with --dry-run' });
    process.stdout.write(renderPreview(plan, colorsFor(process.stdout)));
    if (!(await confirm(`${question(plan)} [y/N] `))) {
      process.stderr.write('Nothing was published.\n');
      return ExitCode.ok;
    }
  }
  const store = await Store.open(databasePath(options.db, config.db), { sandbox: Boolean(config.sandbox) });
  const runId = newRunId();
  const reporter = await reporterFor(options);
  const stopWatching = onInterrupt(reporter, `run ${runId} is not finished; \`${retryCommand(runId, config)}\` completes it, after checking the platforms`);
  try {
    const result = await publishPlan(plan, { store, config, holder: leaseHolder(config.schedule.leaseMs), reporter }, runId);
    return finish(result, options, config);
  } finally {
    stopWatching();
    store.close();
  }
}

/**
 * Ctrl-C or SIGTERM while posts are being sent: the record already says how far each post got, so the
 * process ends at once (130 or 143), after saying how to finish the work.
 */
function onInterrupt(reporter: Reporter, howToFinish: string): () => void {
  const interrupted = (signal: NodeJS.Signals) => {
    reporter.close();
    process.stderr.write(`\nip-post: interrupted: ${howToFinish}\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  return () => {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  };
}

/** `ip-post retry RUN`: what a run has not published, after checking the platform; never what is out. */
export async function retry(runId: string, options: { json?: boolean; db?: string; config?: string; sandbox?: AnnounceOptions['sandbox'] }): Promise<number> {
  const config = await commandConfig(options.config, options.sandbox);
  loadEnvFiles(config);
  const store = await Store.open(databasePath(options.db, config.db), { sandbox: Boolean(config.sandbox) });
  try {
    const run = store.run(runId);
    if (!run) throw new InputError({ message: `no run ${runId} in the record`, fix: '`ip-post history` lists the runs' });
    store.checkKind(run);
    const waiting = store.posts(runId).filter((post) => retryable.includes(post.state));
    if (waiting.length === 0) {
      process.stderr.write(`Nothing of run ${runId} is left to send: every post is published, scheduled or cancelled.\n`);
    } else {
      checkReady({ posts: waiting.map((post) => post.plan) } as Plan, config);
    }
    const reporter = waiting.length ? await reporterFor(options) : silentReporter;
    const stopWatching = onInterrupt(reporter, `run ${runId} is not finished; \`${retryCommand(runId, config)}\` completes it`);
    try {
      return finish(await resumeRun(runId, { store, config, holder: leaseHolder(config.schedule.leaseMs), reporter }), options, config);
    } finally {
      stopWatching();
    }
  } finally {
    store.close();
  }
}

/** "Publish 5 posts now?", "Publish 1 post now and schedule 6?", "Schedule 5 posts?" */
function question(plan: Plan): string {
  const posts = (count: number) => `${count} post${count === 1 ? '' : 's'}`;
  const later = plan.posts.filter((post) => post.schedule).length;
  const now = plan.posts.length - later;
  if (!later) return `Publish ${posts(now)} now?`;
  return now ? `Publish ${posts(now)} now and schedule ${later}?` : `Schedule ${posts(later)}?`;
}

/** `ip-post run-due` when something may be due: check what the due posts need, then publish them. */
export async function publishDueNow(options: { json?: boolean; db?: string; config?: string; catchUp?: boolean; sandbox?: AnnounceOptions['sandbox'] }): Promise<number> {
  const config = await commandConfig(options.config, options.sandbox);
  loadEnvFiles(config);
  const store = await Store.open(databasePath(options.db, config.db), { sandbox: Boolean(config.sandbox) });
  try {
    checkReady({ posts: store.due(nowMs(), { includeMissed: options.catchUp }).map((post) => post.plan) }, config);
    const reporter = process.stderr.isTTY && !options.json ? await reporterFor(options) : silentReporter;
    const stopWatching = onInterrupt(reporter, 'the next `ip-post run-due` finishes what was being sent, after checking the platforms');
    const posts = await publishDue({ store, config, holder: leaseHolder(config.schedule.leaseMs), reporter, catchUp: options.catchUp }).finally(stopWatching);
    if (options.json) process.stdout.write(`${JSON.stringify({ posts }, null, 2)}\n`);
    else if (posts.length > 0) process.stdout.write(`${summaryTable(posts, colorsFor(process.stdout))}\n`);
    return posts.every(isSettled) ? ExitCode.ok : ExitCode.planHasErrors;
  } finally {
    store.close();
  }
}

function finish(result: RunResult, options: { json?: boolean }, config: Config): number {
  if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    const c = colorsFor(process.stdout);
    const retry = result.posts.every(isSettled) ? '' : ` · \`${retryCommand(result.run, config)}\` tries again what did not go out`;
    const sandbox = config.sandbox ? c.dim(`\nin the sandbox: nothing was posted for real; its runs are kept apart (\`ip-post history --sandbox\`)`) : '';
    process.stdout.write(`\n${summaryTable(result.posts, c)}\n\nrun ${result.run}${retry}${sandbox}\n`);
  }
  return result.posts.every(isSettled) ? ExitCode.ok : ExitCode.planHasErrors;
}

/** A sandbox's runs are in the sandbox's record, which --sandbox opens. */
const retryCommand = (runId: string, config: Config) => `ip-post retry ${runId}${config.sandbox ? ' --sandbox' : ''}`;

/** Out, waiting for its time, or cancelled on purpose: nothing for the officer to do. */
const isSettled = (post: PostOutcome) => post.status === 'published' || post.status === 'scheduled' || post.status === 'cancelled';

async function reporterFor(options: { json?: boolean }): Promise<Reporter> {
  if (options.json) return silentReporter;
  if (process.stderr.isTTY) return barReporter(process.stderr, colorsFor(process.stderr));
  return lineReporter((line) => process.stderr.write(`${line}\n`), colorsFor(process.stderr));
}

async function confirm(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

/** Before anything is sent: every secret the plan's platforms need is set, and a media host where one is needed. */
function checkReady(plan: Pick<Plan, 'posts'>, config: Config): void {
  const problems: Problem[] = [];
  const missing = new Set<string>();
  for (const platform of new Set(plan.posts.map((post) => post.platform as PlatformName))) {
    for (const [setting, name] of Object.entries(config.platforms[platform])) {
      if (setting.endsWith('Env') && typeof name === 'string' && !process.env[name]) missing.add(`${name} (${platform})`);
    }
  }
  const pulls = plan.posts.some((post) => post.media.some((media) => media.pulled && media.file));
  const noHost = pulls && !config.mediaHost;
  if (pulls) {
    for (const name of [config.mediaHost?.tokenEnv, config.mediaHost?.usernameEnv, config.mediaHost?.passwordEnv]) {
      if (name && !process.env[name]) missing.add(`${name} (media host)`);
    }
  }
  if (missing.size) problems.push({ message: `secrets are not set: ${[...missing].join(', ')}`, fix: 'set them in the environment or a .env file (`ip-post config` shows what is set), or try with --sandbox' });
  if (noHost) problems.push({ message: 'some platforms fetch media from a public address (Instagram images, TikTok photos), and no media host is configured', fix: 'set mediaHost.publicUrl and uploadUrl in config (or try with --sandbox)' });
  if (problems.length) throw new InputError(problems);
}
