import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as v from 'valibot';
import { adapters } from '../adapters/index.js';
import { platformNames, type PlatformName } from '../adapters/names.js';
import { configPath } from './config-file.js';
import { InputError, type Problem } from './errors.js';
import type { CommonSettings } from './plan/adapter.js';
import { builtinTemplatesDir } from './paths.js';
import { readSourceFile } from './source.js';
import { sandboxRecordPath } from './store/location.js';
import { envName, isWebAddress, validate } from './validation.js';

export type PlatformSettings = CommonSettings & Record<string, unknown>;

export interface Config {
  /** The config file read, or undefined when none exists and defaults apply. */
  file?: string;
  /** The sandbox every platform points at (`--sandbox`), if any. */
  sandbox?: string;
  timezone?: string;
  /** Template folders, searched in order: the officer's own (config `templates`), then the built-in one. */
  templateDirs: string[];
  mediaHost?: { publicUrl: string; uploadUrl?: string; tokenEnv?: string; usernameEnv?: string; passwordEnv?: string };
  /** The SQLite file of the record (config `db`, relative to the config file). */
  db?: string;
  network: NetworkSettings;
  schedule: ScheduleSettings;
  platforms: Record<PlatformName, PlatformSettings>;
}

/** How scheduled posts are run (config `schedule`). */
export interface ScheduleSettings {
  /** A queued post later than this is not sent by `run-due` (without --catch-up): it is marked missed. */
  graceMs: number;
  /** How long a process may hold a post without renewing its lease; after that another may take it over. */
  leaseMs: number;
}

export const defaultSchedule: ScheduleSettings = { graceMs: 60 * 60_000, leaseMs: 5 * 60_000 };

/** How patient publishing is; tests make it quick. */
export interface NetworkSettings {
  timeoutMs: number;
  attempts: number;
  backoffMs: number;
  maxWaitMs: number;
  /** Between status polls of asynchronous work (Instagram containers, TikTok, X video). */
  pollMs: number;
}

export const defaultNetwork: NetworkSettings = { timeoutMs: 60_000, attempts: 5, backoffMs: 500, maxWaitMs: 60_000, pollMs: 5000 };

const webAddress = v.pipe(v.string(), v.check(isWebAddress, 'must be a web address'));

function platformSchema(name: PlatformName) {
  const adapter = adapters[name];
  const entries: v.ObjectEntries = {
    account: v.optional(v.string()),
    languages: v.optional(v.picklist(adapter.strategies)),
    baseUrl: v.optional(webAddress),
    ...adapter.settings,
  };
  if (adapter.defaults.uploadBaseUrl) entries.uploadBaseUrl = v.optional(webAddress);
  if (adapter.nativeScheduling) entries.schedule = v.optional(v.picklist(['native', 'queue']), 'native');
  if (adapter.reminders) entries.reminders = v.optional(v.boolean(), true);
  return v.strictObject(entries);
}

const configSchema = v.strictObject({
  $schema: v.optional(v.string()),
  timezone: v.optional(v.string()),
  templates: v.optional(v.string()),
  db: v.optional(v.string()),
  network: v.optional(
    v.strictObject({
      timeoutMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100))),
      attempts: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(20))),
      backoffMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
      maxWaitMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
      pollMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
    }),
  ),
  schedule: v.optional(
    v.strictObject({
      graceMinutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
      leaseSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(10))),
    }),
  ),
  mediaHost: v.optional(
    v.strictObject({
      publicUrl: webAddress,
      uploadUrl: v.optional(webAddress),
      tokenEnv: v.optional(envName),
      usernameEnv: v.optional(envName),
      passwordEnv: v.optional(envName),
    }),
  ),
  platforms: v.optional(v.strictObject(Object.fromEntries(platformNames.map((name) => [name, v.optional(platformSchema(name))])))),
});

const configHelp: Record<string, string> = {
  timezone: 'use an IANA time zone name such as Europe/Riga',
  templates: 'give the folder with your own templates, relative to this config file',
  mediaHost: 'give publicUrl (where platforms fetch files), and uploadUrl and tokenEnv if uploads need them',
  'mediaHost.publicUrl': 'write the address files are served from, e.g. https://media.example.org/ip-post',
  'mediaHost.uploadUrl': 'write the address files are uploaded to',
  'mediaHost.tokenEnv': 'name the environment variable that holds the upload token (sent as Authorization: Bearer)',
  'mediaHost.usernameEnv': 'name the environment variable that holds the user for Basic authentication (WebDAV)',
  'mediaHost.passwordEnv': 'name the environment variable that holds the password for Basic authentication (WebDAV)',
  db: 'give the SQLite file of the record, relative to this config file',
  network: 'set timeoutMs, attempts, backoffMs, maxWaitMs and pollMs (numbers)',
  schedule: 'set graceMinutes (how late a queued post may still go out) and leaseSeconds',
  'schedule.graceMinutes': 'write a whole number of minutes, e.g. 60; 0 sends nothing late',
  'schedule.leaseSeconds': 'write a whole number of seconds, at least 10, e.g. 300',
  platforms: `configure each platform under its name: ${platformNames.join(', ')}`,
  ...Object.fromEntries(
    platformNames.flatMap((name) => {
      const adapter = adapters[name];
      return [
        [`platforms.${name}.account`, 'write the account name shown in previews'],
        [`platforms.${name}.languages`, `use one of: ${adapter.strategies.join(', ')}`],
        [`platforms.${name}.baseUrl`, `write the API address, e.g. ${adapter.defaults.baseUrl}`],
        [`platforms.${name}.uploadBaseUrl`, `write the upload address, e.g. ${adapter.defaults.uploadBaseUrl ?? adapter.defaults.baseUrl}`],
        [`platforms.${name}.schedule`, `write "native" (${adapter.label} publishes it at its time) or "queue" (ip-post run-due does)`],
        [`platforms.${name}.reminders`, 'write true or false: whether --reminders posts here'],
        ...Object.entries(adapter.settingsHelp).map(([key, help]) => [`platforms.${name}.${key}`, help]),
      ];
    }),
  ),
};

export async function loadConfig(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  const location = configPath(flag, env);
  if (!location) return withDefaults({}, undefined);
  const source = await readSourceFile(location.file, 'config');
  const { output, problems } = validate(configSchema, source, configHelp, { quoteValues: false });
  if (!output) throw new InputError(problems.map(explainInlineSecret));
  const { IANAZone } = await import('luxon');
  if (output.timezone && !IANAZone.isValidZone(output.timezone)) {
    throw new InputError({ file: location.file, line: source.lineOf(['timezone']), path: 'timezone', message: `unknown time zone "${output.timezone}"`, fix: configHelp.timezone });
  }
  const templates = output.templates && resolve(dirname(location.file), output.templates);
  if (templates && !existsSync(templates)) {
    throw new InputError({ file: location.file, line: source.lineOf(['templates']), path: 'templates', message: `no such folder: ${templates}`, fix: configHelp.templates });
  }
  return withDefaults(output, location.file, templates, output.db && resolve(dirname(location.file), output.db));
}

function withDefaults(file: v.InferOutput<typeof configSchema>, path: string | undefined, templates?: string, db?: string): Config {
  const platforms = Object.fromEntries(
    platformNames.map((name) => {
      // Parsing the platform's own settings (or none) fills in each setting's default.
      const settings = v.parse(platformSchema(name), file.platforms?.[name] ?? {}) as Record<string, unknown>;
      const defined = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
      return [name, { ...adapters[name].defaults, ...defined }];
    }),
  ) as Record<PlatformName, PlatformSettings>;
  return {
    file: path,
    timezone: file.timezone,
    templateDirs: [...new Set([templates ?? builtinTemplatesDir, builtinTemplatesDir])],
    mediaHost: file.mediaHost,
    db,
    network: { ...defaultNetwork, ...Object.fromEntries(Object.entries(file.network ?? {}).filter(([, value]) => value !== undefined)) },
    schedule: {
      graceMs: file.schedule?.graceMinutes === undefined ? defaultSchedule.graceMs : file.schedule.graceMinutes * 60_000,
      leaseMs: file.schedule?.leaseSeconds === undefined ? defaultSchedule.leaseMs : file.schedule.leaseSeconds * 1000,
    },
    platforms,
  };
}

/** An unknown `accessToken: …` is almost surely a secret written inline: say where secrets go instead. */
function explainInlineSecret(problem: Problem): Problem {
  const key = /^unknown field "(.+)"$/.exec(problem.message)?.[1];
  if (!key || !/(token|secret|password|key)$/i.test(key)) return problem;
  return {
    ...problem,
    message: `secrets are never written in the config file (found "${key}")`,
    fix: `remove it, put the value in an environment variable (or a .env file) and write that variable's name in "${key}Env"`,
  };
}

/** A sandbox a command is pointed at (`--sandbox`): its address, a config for it, and the credentials it accepts. */
export interface AttachedSandbox {
  url: string;
  config: Record<string, unknown>;
  credentials: Record<string, string>;
}

/** A command's config: read as loadConfig does, then pointed at the attached sandbox, whose credentials go into the environment. */
export async function commandConfig(flag: string | undefined, sandbox?: AttachedSandbox): Promise<Config> {
  const loaded = await loadConfig(flag);
  if (!sandbox) return loaded;
  Object.assign(process.env, sandbox.credentials);
  return pointAtSandbox(loaded, sandbox);
}

/**
 * The config with every platform and the media host pointed at a sandbox (`--sandbox`): its addresses,
 * accounts and ids win; the officer's own choices (languages, thread, privacy level) stay, and the
 * sandbox fills in only what the officer left unset.
 */
export function pointAtSandbox(config: Config, sandbox: { url: string; config: Record<string, unknown> }): Config {
  const given = sandbox.config as { mediaHost?: Config['mediaHost']; platforms?: Record<string, Record<string, unknown>> };
  const where = ['baseUrl', 'uploadBaseUrl', 'tokenUrl', 'account', 'pageId', 'userId'];
  const platforms = Object.fromEntries(
    platformNames.map((name) => {
      const mine = config.platforms[name];
      const theirs = given.platforms?.[name] ?? {};
      const addresses = Object.fromEntries(Object.entries(theirs).filter(([key]) => where.includes(key)));
      const fillIns = Object.fromEntries(Object.entries(theirs).filter(([key]) => !where.includes(key) && mine[key] === undefined));
      return [name, { ...mine, ...fillIns, ...addresses }];
    }),
  ) as Config['platforms'];
  // The sandbox finishes its asynchronous work within a few polls: no need to wait seconds between them.
  const network = { ...config.network, pollMs: Math.min(config.network.pollMs, 100) };
  return { ...config, sandbox: sandbox.url, db: sandboxRecordPath(config.db), mediaHost: given.mediaHost ?? config.mediaHost, network, platforms };
}
