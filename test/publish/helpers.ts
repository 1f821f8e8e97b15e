import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { RunResult } from '../../src/publish/engine.js';
import type { Plan } from '../../src/plan/types.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { projectRoot, runCli, tempDir, writeFiles, type CliResult } from '../helpers.js';

export interface Publishing {
  /** Runs the CLI against the sandbox, with a record of its own. */
  cli(args: string[], options?: { env?: Record<string, string | undefined> }): Promise<CliResult>;
  /** Starts the CLI without waiting, for a test that kills it. */
  start(args: string[], options?: { env?: Record<string, string> }): { child: ChildProcess; exited: Promise<number | null> };
  publish(file: string, extra?: string[]): Promise<{ result: RunResult; code: number | null; stderr: string }>;
  plan(file: string, extra?: string[]): Promise<Plan>;
  db: string;
  config: string;
}

/**
 * Publishing through the real CLI into a sandbox the test started: `--sandbox URL`, a temporary record,
 * quick retries, and a config of the test's own (merged under the sandbox's addresses and accounts).
 */
export async function publishing(sandbox: Sandbox, config: Record<string, unknown> = {}): Promise<Publishing> {
  const dir = await writeFiles({ 'config.json': JSON.stringify({ network: { attempts: 4, backoffMs: 10, maxWaitMs: 5000, pollMs: 20, timeoutMs: 5000 }, ...config }) });
  const db = join(dir, 'record.db');
  const configFile = join(dir, 'config.json');
  // `history` reads the record only: its --sandbox takes no address, and lists the sandbox's runs.
  const cli = (args: string[], options: { env?: Record<string, string | undefined> } = {}) =>
    runCli([...args, ...(args[0] === 'history' ? ['--sandbox'] : ['--sandbox', sandbox.url]), '--config', configFile], { env: { IP_POST_DB: db, ...options.env } });
  return {
    db,
    config: configFile,
    cli,
    start(args, options = {}) {
      const child = spawn(process.execPath, [join(projectRoot, 'bin', 'ip-post.cjs'), ...args, '--sandbox', sandbox.url, '--config', configFile], {
        env: { PATH: process.env.PATH, HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg-config'), XDG_CACHE_HOME: join(dir, 'xdg-cache'), IP_POST_CODE_CACHE: '0', IP_POST_DB: db, ...options.env },
        stdio: 'ignore',
      });
      return { child, exited: new Promise((resolve) => child.on('close', resolve)) };
    },
    async publish(file, extra = []) {
      const run = await cli(['announce', file, '--yes', '--json', ...extra]);
      let result: RunResult;
      try {
        result = JSON.parse(run.stdout) as RunResult;
      } catch {
        throw new Error(`not JSON (exit ${run.code}): ${run.stdout}\n${run.stderr}`);
      }
      return { result, code: run.code, stderr: run.stderr };
    },
    async plan(file, extra = []) {
      return JSON.parse((await cli(['announce', file, '--dry-run', '--json', ...extra])).stdout) as Plan;
    },
  };
}

export { tempDir };
