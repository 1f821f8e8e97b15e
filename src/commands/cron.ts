import { realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config.js';
import { databasePath } from '../store/location.js';
import { ExitCode, InputError } from '../errors.js';
import { packageRoot } from '../paths.js';

export interface CronOptions {
  every: string;
  db?: string;
  config?: string;
}

/** POSIX shell quoting: the paths may hold spaces. */
const quote = (text: string) => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`);

/**
 * `ip-post cron`: a crontab line and a systemd timer that run `ip-post run-due` with this Node, this
 * ip-post, this config and record, from this folder (where a .env with the secrets may be).
 */
export async function printCron(options: CronOptions): Promise<number> {
  const every = Number(options.every);
  if (!Number.isInteger(every) || every < 1 || every > 59) throw new InputError({ path: '--every', message: `"${options.every}" is not a number of minutes from 1 to 59`, fix: 'e.g. --every 5' });
  // Cron and systemd start with almost no environment (no IP_POST_*, no XDG_*): the line names the config
  // and the record found here, so that run-due reads the same files as the commands typed now.
  // Read as run-due will read it: a missing or broken config is reported now, not in cron's mail.
  const config = await loadConfig(options.config);
  const db = databasePath(options.db, config.db);
  const command = [process.execPath, realpathSync(join(packageRoot, 'bin', 'ip-post.cjs')), 'run-due', ...(config.file ? ['--config', resolve(config.file)] : []), '--db', resolve(db)].map(quote);
  const folder = quote(process.cwd());
  const lines = [
    `# ip-post: publish scheduled posts every ${every} minute${every === 1 ? '' : 's'}.`,
    '# Add this line with `crontab -e`. run-due prints nothing when nothing is due, so cron mails you only',
    '# when something was published, failed or missed (set MAILTO=you@example.org above it to choose where).',
    `*/${every} * * * * cd ${folder} && ${command.join(' ')}`,
    '',
    '# Or, with systemd, as your user: save these two files, then',
    '#   systemctl --user daemon-reload && systemctl --user enable --now ip-post.timer',
    '#   loginctl enable-linger "$USER"    # so it runs while you are logged out',
    '#   journalctl --user -u ip-post      # what it printed',
    '',
    '# ~/.config/systemd/user/ip-post.service',
    '[Unit]',
    'Description=ip-post: publish the scheduled posts that are due',
    '',
    '[Service]',
    'Type=oneshot',
    `WorkingDirectory=${process.cwd()}`,
    `ExecStart=${command.join(' ')}`,
    '',
    '# ~/.config/systemd/user/ip-post.timer',
    '[Unit]',
    `Description=Run ip-post run-due every ${every} minute${every === 1 ? '' : 's'}`,
    '',
    '[Timer]',
    `OnCalendar=*:0/${every}`,
    '# After the machine was off, run once at start; posts later than schedule.graceMinutes are reported missed.',
    'Persistent=true',
    '',
    '[Install]',
    'WantedBy=timers.target',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.ok;
}
