import { adapters } from '../../adapters/index.js';
import { platformNames } from '../../adapters/names.js';
import { commandConfig, type AttachedSandbox } from '../config.js';
import { ExitCode } from '../errors.js';
import { colorsFor } from '../output.js';
import { loadEnvFiles, secretStatus } from '../secrets.js';

export interface ConfigOptions {
  config?: string;
  json?: boolean;
  sandbox?: AttachedSandbox;
}

/** `ip-post config`: which config is in use, what it sets, and which secrets are present (never their values). */
export async function showConfig(options: ConfigOptions): Promise<number> {
  const config = await commandConfig(options.config, options.sandbox);
  const envFiles = loadEnvFiles(config);
  const secrets = secretStatus(config);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ file: config.file ?? null, sandbox: config.sandbox ?? null, envFiles, templateDirs: config.templateDirs, mediaHost: config.mediaHost ?? null, platforms: config.platforms, secrets }, null, 2)}\n`);
    return ExitCode.ok;
  }
  const c = colorsFor(process.stdout);
  const lines = [
    `${c.bold('config')}     ${config.file ?? c.yellow('none: defaults apply (see config.example.json)')}${config.sandbox ? ` · sandbox at ${config.sandbox}` : ''}`,
    `${c.bold('.env')}       ${envFiles.length ? envFiles.join(', ') : c.dim('none')}`,
    `${c.bold('templates')}  ${config.templateDirs.join(', ')}`,
    `${c.bold('media host')} ${config.mediaHost?.publicUrl ?? c.yellow('none: Instagram images and TikTok photos cannot be published')}`,
  ];
  const secret = (present: boolean, variable: string, setting: string) =>
    `    ${present ? c.green('✓') : c.red('✗')} ${variable} ${c.dim(`(${setting})`)}${present ? '' : c.red(' not set')}`;
  for (const { setting, variable, present } of secrets.mediaHost) lines.push(secret(present, variable, `mediaHost.${setting}`));
  for (const name of platformNames) {
    const settings = config.platforms[name];
    lines.push('', `${c.bold(c.cyan(adapters[name].label))}  ${settings.account ?? c.dim('account not set')} · ${settings.languages} · ${settings.baseUrl}`);
    for (const { setting, variable, present } of secrets[name]) lines.push(secret(present, variable, setting));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.ok;
}
