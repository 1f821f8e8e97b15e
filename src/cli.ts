import { Command, CommanderError, Option } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import { loadCommand } from './command-loader.js';
import type * as AnnounceCommand from './commands/announce.js';
import type * as ConfigCommand from './commands/config.js';
import type * as HistoryCommand from './commands/history.js';
import type * as CronCommand from './commands/cron.js';
import type * as PublishCommand from './commands/publish.js';
import type * as QueueCommand from './commands/queue.js';
import type * as RunDueCommand from './commands/run-due.js';
import type * as SandboxCommand from './commands/sandbox.js';
import { parseNowVariable } from './clock.js';
import { ExitCode, formatProblem, InputError, isInputError } from './errors.js';

// Only commander is loaded up front; each command loads its own bundle when it runs,
// so `ip-post --help` stays as fast as a bare Node start.

const examples = `
Examples:
  $ ip-post announce examples/seminar.yml --dry-run          preview every post in every language
  $ ip-post announce examples/seminar.yml --sandbox --yes    publish into the local sandbox
  $ ip-post history                                          what was posted where
  $ ip-post retry 20261122-101500-ab12                       try again what did not go out
  $ ip-post announce event.yml --at "2027-06-01 10:00" --reminders 1d,2h
                                                             schedule it, with reminders before the event
  $ ip-post queue                                            what is scheduled, and how
  $ ip-post run-due                                          publish what is due (from cron: see ip-post cron)
  $ ip-post announce event.yml --dry-run --only x,facebook   only these platforms
  $ ip-post announce event.yml --dry-run --lang lv           only Latvian
  $ ip-post announce event.yml --dry-run --json | jq .posts  the plan as JSON, for scripts
  $ ip-post config                                           which config and secrets are in use
  $ ip-post sandbox                                          local stand-ins for the five platforms
  $ ip-post announce event.yml --dry-run --sandbox           preview against the sandbox's accounts

Exit codes:
  0  published or scheduled (or, with --dry-run, ready to publish)
  1  something was not published (failed, unknown, missed), or the plan has errors (the summary says what)
  2  bad input or usage   130/143  interrupted (Ctrl-C, SIGTERM)

Configuration: --config FILE, else $IP_POST_CONFIG, else config.json in your config folder
(see config.example.json). Colours only on a terminal; NO_COLOR turns them off.
For testing schedules, IP_POST_NOW=2027-06-01T09:00:00+03:00 starts the clock at that instant.`;

type Attached = Awaited<ReturnType<typeof SandboxCommand.attachSandbox>>;

/**
 * Runs a command from its bundle, first attaching the sandbox its --sandbox asks for (stopped afterwards
 * if it was started for this command), and keeps the bundle's code cache for the next run.
 */
async function run<Exports>(name: string, sandboxOption: string | true | undefined, action: (exports: Exports, sandbox: Attached | undefined) => Promise<number>): Promise<number> {
  const sandbox = sandboxOption ? await loadCommand<typeof SandboxCommand>('sandbox').exports.attachSandbox(sandboxOption) : undefined;
  try {
    const command = loadCommand<Exports>(name);
    const code = await action(command.exports, sandbox);
    command.saveCache();
    return code;
  } finally {
    await sandbox?.close();
  }
}

function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('ip-post')
    .description('One event announcement → posts for Facebook, Instagram, X, YouTube and TikTok in every audience language.')
    .version(packageJson.version, '-V, --version')
    // Usage errors read like every other input error: "ip-post: …" and a fix.
    .configureOutput({ outputError: (text, write) => write(`ip-post: ${text.replace(/^error: /, '')}`) })
    .showHelpAfterError('  fix: `ip-post --help` lists the commands, `ip-post COMMAND --help` their options')
    .addHelpText('after', examples)
    .exitOverride();

  program
    .command('announce')
    .description('turn an announcement file into posts and publish them (asks first); with --dry-run, only preview')
    .argument('[file]', 'the announcement (YAML or JSON)')
    .option('--dry-run', 'preview every post; send nothing')
    .option('-y, --yes', 'publish without asking (needed without a terminal: cron, scripts)')
    .option('--json', 'print the plan (with --dry-run) or the result as JSON on stdout')
    .option('--db <file>', 'the record (SQLite); default: IP_POST_DB, config db, or ip-post.db in your data folder')
    .option('--only <platforms>', 'only these platforms, comma-separated (facebook,instagram,x,youtube,tiktok)')
    .option('--lang <languages>', 'only these languages, comma-separated (e.g. lv,ru)')
    .option('--at <when>', 'schedule instead of publishing now: "2027-06-01 10:00" (the event\'s time zone), 2027-06-01T10:00+03:00, "tomorrow 09:00", +2h')
    .option('--reminders <list>', 'also post reminders this long before the event, e.g. 7d,1d,2h (w, d, h, m)')
    .addOption(new Option('--config <file>', 'config file').env('IP_POST_CONFIG'))
    .option('--sandbox [url]', 'point every platform at a sandbox: the one at url, else the one `ip-post sandbox` runs, else one started for this command')
    .addHelpText(
      'after',
      `\nExamples:\n  $ ip-post announce examples/seminar.yml --dry-run --only x --lang lv\n  $ ip-post announce examples/seminar.yml --dry-run --sandbox\n  $ ip-post announce examples/seminar.yml --at "tomorrow 09:00" --reminders 1d --dry-run\n\nWith --at, Facebook (10 minutes to 30 days ahead) and YouTube hold the post and publish it themselves;\nthe rest wait in ip-post's queue for \`ip-post run-due\` (run it from cron: \`ip-post cron\`).`,
    )
    .exitOverride()
    .action(async (file: string | undefined, options) => {
      setExitCode(
        options.dryRun
          ? await run<typeof AnnounceCommand>('announce', options.sandbox, (command, sandbox) => command.announce(file, { ...options, sandbox }))
          : await run<typeof PublishCommand>('publish', options.sandbox, (command, sandbox) => command.publish(file, { ...options, sandbox })),
      );
    });

  program
    .command('retry')
    .description('publish what a run has not published yet (failed, unknown, interrupted), after checking each platform; never repeats what is out')
    .argument('<run>', 'the run id, from the end of `announce` or from `ip-post history`')
    .option('--json', 'print the result as JSON on stdout')
    .option('--db <file>', 'the record (SQLite)')
    .addOption(new Option('--config <file>', 'config file').env('IP_POST_CONFIG'))
    .option('--sandbox [url]', 'point every platform at a sandbox (see announce --help)')
    .exitOverride()
    .action(async (runId: string, options) => {
      setExitCode(await run<typeof PublishCommand>('publish', options.sandbox, (command, sandbox) => command.retry(runId, { ...options, sandbox })));
    });

  program
    .command('run-due')
    .description('publish every scheduled post that is due (for cron: quiet when nothing is due; exit 1 if something failed or was missed)')
    .option('--catch-up', 'also send posts later than the grace period (schedule.graceMinutes), and those marked missed')
    .option('--json', 'print what was done as JSON on stdout')
    .option('--db <file>', 'the record (SQLite)')
    .addOption(new Option('--config <file>', 'config file').env('IP_POST_CONFIG'))
    .option('--sandbox [url]', 'point every platform at a sandbox (see announce --help)')
    .addHelpText('after', '\nSafe to run from several cron entries or hosts sharing the record at once: each post has one publisher.\n`ip-post cron` prints a crontab line and a systemd timer for it.')
    .exitOverride()
    .action(async (options) => {
      setExitCode(await run<typeof RunDueCommand>('run-due', options.sandbox, (command, sandbox) => command.runDue({ ...options, sandbox })));
    });

  const queue = program.command('queue').description('what is scheduled: list, show, cancel, reschedule').exitOverride();
  const queueOptions = (command: Command) =>
    command
      .option('--json', 'print it as JSON on stdout')
      .option('--db <file>', 'the record (SQLite)')
      .addOption(new Option('--config <file>', 'config file').env('IP_POST_CONFIG'))
      .option('--sandbox [url]', 'point every platform at a sandbox (see announce --help)')
      .exitOverride();
  queueOptions(queue.command('list', { isDefault: true }).description('what waits for its time: when, where, which languages, how (on the platform, or the queue)'))
    // `ip-post queue bogus` reaches the default command: it is an unknown subcommand, not an extra argument.
    .allowExcessArguments(true)
    .action(async (options, list: Command) => {
      if (list.args.length) throw new InputError({ message: `queue: unknown command "${list.args[0]}"`, fix: 'use ip-post queue [list], show ID, cancel ID…, or reschedule ID WHEN' });
      setExitCode(await run<typeof QueueCommand>('queue', options.sandbox, (command, sandbox) => command.listQueue({ ...options, sandbox })));
    });
  queueOptions(queue.command('show').description('one scheduled post as it will go out').argument('<id>', 'a post number from `ip-post queue`, or a run id')).action(async (id: string, options) => {
    setExitCode(await run<typeof QueueCommand>('queue', options.sandbox, (command, sandbox) => command.showQueued(id, { ...options, sandbox })));
  });
  queueOptions(queue.command('cancel').description('cancel scheduled posts (on the platform too, for native schedules)').argument('<id...>', 'post numbers, or run ids (all their waiting posts)')).action(async (ids: string[], options) => {
    setExitCode(await run<typeof QueueCommand>('queue', options.sandbox, (command, sandbox) => command.cancelQueued(ids, { ...options, sandbox })));
  });
  queueOptions(
    queue
      .command('reschedule')
      .description('move scheduled posts to another time (on the platform too, for native schedules)')
      .argument('<id>', 'a post number, or a run id (its announcement posts; reminders keep their times)')
      .argument('<when>', 'as for announce --at: "2027-06-01 10:00", 2027-06-01T10:00+03:00, "tomorrow 09:00", +2h'),
  ).action(async (id: string, when: string, options) => {
    setExitCode(await run<typeof QueueCommand>('queue', options.sandbox, (command, sandbox) => command.rescheduleQueued(id, when, { ...options, sandbox })));
  });

  program
    .command('cron')
    .description('print a crontab line (and a systemd timer) that runs `ip-post run-due` every few minutes')
    .option('--every <minutes>', 'how often, in minutes', '5')
    .option('--db <file>', 'the record (SQLite), if not the default')
    .addOption(new Option('--config <file>', 'config file').env('IP_POST_CONFIG'))
    .exitOverride()
    .action(async (options) => {
      setExitCode(await run<typeof CronCommand>('cron', undefined, (command) => command.printCron(options)));
    });

  program
    .command('history')
    .description('what was posted where: the runs, or one run’s posts with their links and errors')
    .argument('[run]', 'a run id, to see its posts')
    .option('--json', 'print it as JSON on stdout')
    .option('--limit <runs>', 'how many runs to list', '20')
    .option('--db <file>', 'the record (SQLite)')
    .option('--sandbox', 'the runs sent to a sandbox, which are kept apart from the real record')
    .addOption(new Option('--config <file>', 'config file').env('IP_POST_CONFIG'))
    .exitOverride()
    .action(async (runId: string | undefined, options) => {
      setExitCode(await run<typeof HistoryCommand>('history', undefined, (command) => command.history(runId, options)));
    });
  program
    .command('config')
    .description('show the config in use and which secret variables are set (never their values)')
    .option('--json', 'print it as JSON on stdout')
    .addOption(new Option('--config <file>', 'config file').env('IP_POST_CONFIG'))
    .option('--sandbox [url]', 'as every platform would be pointed at a sandbox (see announce --help)')
    .exitOverride()
    .action(async (options) => {
      setExitCode(await run<typeof ConfigCommand>('config', options.sandbox, (command, sandbox) => command.showConfig({ ...options, sandbox })));
    });
  program
    .command('sandbox')
    .description('run local stand-ins for the five platforms and a media host, until Ctrl-C')
    .option('--port <port>', 'main port (media host, /__sandbox); the platforms take the five after it; 0 picks free ports', '4010')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--json', 'print the addresses, config and credentials as one line of JSON, and no request log')
    .option('--quiet', 'no request log')
    .addHelpText('after', `\nExample:\n  $ ip-post sandbox --port 4010\n  then, in another terminal: ip-post announce examples/seminar.yml --dry-run --sandbox`)
    .exitOverride()
    .action(async (options) => {
      setExitCode(await run<typeof SandboxCommand>('sandbox', undefined, (command) => command.runSandbox(options)));
    });
  return program;
}

// `ip-post … | head` closes the pipe early: that ends the output, it is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = buildProgram((code) => (exitCode = code));
  try {
    // A mistyped test clock must stop every command, not only those that happen to read the time.
    parseNowVariable(process.env.IP_POST_NOW);
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
    }
    if (isInputError(error)) {
      for (const problem of error.problems) process.stderr.write(`ip-post: ${formatProblem(problem)}\n`);
      return ExitCode.badInput;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`ip-post: unexpected error: ${message}\n`);
    if (process.env.IP_POST_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    else process.stderr.write('  (set IP_POST_DEBUG=1 to see where it happened, and please report it)\n');
    return 1;
  }
}

void main(process.argv).then((code) => {
  process.exitCode = code;
});
