import { isPlatformName, platformNames, type PlatformName } from '../../adapters/names.js';
import { loadAnnouncement } from '../announcement/load.js';
import { commandConfig, type AttachedSandbox, type Config } from '../config.js';
import { ExitCode, InputError } from '../errors.js';
import { listLanguages } from '../i18n/language.js';
import { colorsFor } from '../output.js';
import { planToJson } from '../plan/json.js';
import { buildPlan } from '../plan/plan.js';
import type { Plan } from '../plan/types.js';
import { renderPreview } from '../preview.js';
import { nowMs } from '../clock.js';
import { parseReminders } from '../schedule/reminders.js';
import { parseWhen } from '../schedule/when.js';

export interface AnnounceOptions {
  dryRun?: boolean;
  json?: boolean;
  only?: string;
  lang?: string;
  /** Publish at this time instead of now (`--at`): an instant, a local time in the event's zone, or `+2h`. */
  at?: string;
  /** Reminders before the event (`--reminders 7d,1d,2h`). */
  reminders?: string;
  config?: string;
  /** A sandbox to point every platform at (resolved by the CLI from --sandbox). */
  sandbox?: AttachedSandbox;
}

/** `ip-post announce FILE --dry-run`: file → announcement → plan → preview (or JSON). Returns the exit code. */
export async function announce(file: string | undefined, options: AnnounceOptions): Promise<number> {
  const { plan } = await preparePlan(file, options);
  process.stdout.write(options.json ? planToJson(plan) : renderPreview(plan, colorsFor(process.stdout)));
  return plan.publishable ? ExitCode.ok : ExitCode.planHasErrors;
}

/** The config (pointed at a sandbox if asked) and the plan for an announcement, narrowed by --only and --lang. */
export async function preparePlan(file: string | undefined, options: AnnounceOptions): Promise<{ plan: Plan; config: Config }> {
  if (!file) {
    throw new InputError({ message: 'no announcement file given', fix: 'name one: ip-post announce event.yml --dry-run (examples/ has some to copy)' });
  }
  const only = options.only === undefined ? undefined : parseList('--only', options.only).map(checkPlatformName);
  const config = await commandConfig(options.config, options.sandbox);
  const announcement = await loadAnnouncement(file, { defaultTimezone: config.timezone, knownLanguages: await listLanguages(config.templateDirs) });

  for (const name of only ?? []) {
    if (!announcement.platforms.includes(name)) {
      throw new InputError({ message: `--only: ${name} is not among the announcement's platforms (${announcement.platforms.join(', ')})`, fix: `add ${name} to platforms in ${file}, or leave it out of --only` });
    }
  }
  const reminders = options.reminders === undefined ? undefined : parseReminders(options.reminders);
  const now = nowMs();
  const zone = announcement.content[announcement.platforms[0]!].event.timezone;
  const at = options.at === undefined ? undefined : parseWhen(options.at, { zone, now: new Date(now) });
  const languages = options.lang === undefined ? undefined : parseList('--lang', options.lang);
  for (const code of languages ?? []) {
    if (!announcement.languages.includes(code)) {
      throw new InputError({ message: `--lang: ${code} is not among the announcement's languages (${announcement.languages.join(', ')})`, fix: 'name languages the announcement has' });
    }
  }
  return { plan: await buildPlan(announcement, config, { platforms: only, languages, at, reminders, now }), config };
}

function parseList(flag: string, value: string): string[] {
  const items = value.split(',').map((item) => item.trim()).filter(Boolean);
  if (items.length === 0) throw new InputError({ message: `${flag} names nothing`, fix: `give a comma-separated list, e.g. ${flag} ${flag === '--only' ? 'x,facebook' : 'lv,ru'}` });
  return items;
}

function checkPlatformName(name: string): PlatformName {
  if (isPlatformName(name)) return name;
  throw new InputError({ message: `--only: "${name}" is not a platform`, fix: `use some of: ${platformNames.join(', ')}` });
}
