import { platformNames } from '../../adapters/names.js';
import { parseNowVariable } from '../clock.js';
import { InputError } from '../errors.js';
import { colorsFor } from '../output.js';
import { removeSandboxState, writeSandboxState } from '../sandbox/attach.js';
import { startSandbox, type LoggedRequest } from '../sandbox/server.js';

export { attachSandbox } from '../sandbox/attach.js';
// For npm run bench, which starts a sandbox with its daily caps raised.
export { startSandbox } from '../sandbox/server.js';

export interface SandboxCommandOptions {
  port: string;
  host: string;
  json?: boolean;
  quiet?: boolean;
}

/**
 * `ip-post sandbox`: the five platforms' stand-ins and a media host, until Ctrl-C. Prints where they are,
 * a config that points ip-post at them, and their credentials; then one line per request.
 */
export async function runSandbox(options: SandboxCommandOptions): Promise<number> {
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_529) throw new InputError({ message: `--port: "${options.port}" is not a port`, fix: 'give a number from 1024 to 65529 (the platforms take the next five), or 0 for any free ports' });
  const c = colorsFor(process.stdout);
  const log = (entry: LoggedRequest) =>
    process.stdout.write(`${c.dim(entry.at.slice(11, 19))} ${(entry.platform ?? 'sandbox').padEnd(9)} ${entry.method.padEnd(6)} ${entry.path} ${statusColour(c, entry.status)}${entry.fault ? c.yellow(` (fault: ${entry.fault})`) : ''}\n`);
  const sandbox = await startSandbox({ port, host: options.host, ...(!options.quiet && !options.json && { onRequest: log }) }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') throw new InputError({ message: `port ${port} (or one of the five after it) is in use`, fix: 'choose others with --port, e.g. --port 4110, or --port 0 for any free ports' });
    throw error;
  });
  writeSandboxState(sandbox.url);
  // With IP_POST_NOW the sandbox's clock started there, as every command's does: show it, as it is not the real time.
  const shiftedClock = parseNowVariable(process.env.IP_POST_NOW) !== null;

  if (options.json) {
    process.stdout.write(`${JSON.stringify({ url: sandbox.url, baseUrls: sandbox.baseUrls, config: sandbox.config(), credentials: sandbox.credentials(), ...(shiftedClock && { now: new Date(sandbox.now()).toISOString() }) })}\n`);
  } else {
    const lines = [
      c.bold('ip-post sandbox: local stand-ins for the five platforms. Ctrl-C stops it.'),
      '',
      ...platformNames.map((name) => `  ${name.padEnd(10)} ${sandbox.baseUrls[name]}`),
      `  ${'media'.padEnd(10)} ${sandbox.baseUrls.media}`,
      `  ${'posts'.padEnd(10)} ${sandbox.url}/__sandbox/posts   (what the platforms received)`,
      ...(shiftedClock ? [`  ${'clock'.padEnd(10)} ${new Date(sandbox.now()).toISOString()}   (started at IP_POST_NOW; ${sandbox.url}/__sandbox/clock sets or advances it)`] : []),
      '',
      `Try it from another terminal:  ${c.cyan('ip-post announce examples/seminar.yml --dry-run --sandbox')}`,
      `Or point a config file at it (credentials below go in the environment):`,
      JSON.stringify(sandbox.config(), null, 2),
      ...Object.entries(sandbox.credentials()).map(([name, value]) => `export ${name}=${value}`),
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  await sandbox.close();
  removeSandboxState();
  if (!options.json) process.stdout.write('sandbox stopped\n');
  return signal === 'SIGINT' ? 130 : 143;
}

function statusColour(c: ReturnType<typeof colorsFor>, status: number | undefined): string {
  if (status === undefined) return c.red('(no answer)');
  return status < 300 ? c.green(String(status)) : status < 500 ? c.yellow(String(status)) : c.red(String(status));
}
