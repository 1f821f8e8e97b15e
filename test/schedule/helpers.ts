import type { PostOutcome, RunResult } from '../../src/publish/engine.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import type { CliResult } from '../helpers.js';
import { publishing, type Publishing } from '../publish/helpers.js';

export interface Scheduling extends Publishing {
  /** `announce FILE --at WHEN --yes --json` with the clock at `now`. */
  schedule(file: string, when: string | undefined, now: string, extra?: string[]): Promise<{ result: RunResult; run: CliResult }>;
  /** `run-due --json` with the clock (ip-post's and the sandbox's) at `now`. */
  runDue(now: string, extra?: string[]): Promise<CliResult & { posts: PostOutcome[] }>;
  /** `queue --json` at `now`. */
  queue(now: string): Promise<(PostOutcome & { run: string })[]>;
  /** Any command with the clock at `now`. */
  at(now: string, args: string[]): Promise<CliResult>;
}

/** Scheduling through the real CLI, with IP_POST_NOW for ip-post's clock and the sandbox's clock moved to match. */
export async function scheduling(sandbox: Sandbox, config: Record<string, unknown> = {}): Promise<Scheduling> {
  const session = await publishing(sandbox, config);
  const at = (now: string, args: string[]) => {
    sandbox.setClock(now);
    return session.cli(args, { env: { IP_POST_NOW: now } });
  };
  return {
    ...session,
    at,
    async schedule(file, when, now, extra = []) {
      const run = await at(now, ['announce', file, ...(when ? ['--at', when] : []), '--yes', '--json', ...extra]);
      try {
        return { result: JSON.parse(run.stdout) as RunResult, run };
      } catch {
        throw new Error(`not JSON (exit ${run.code}): ${run.stdout}\n${run.stderr}`);
      }
    },
    async runDue(now, extra = []) {
      const run = await at(now, ['run-due', '--json', ...extra]);
      let posts: PostOutcome[] = [];
      if (run.stdout.trim()) {
        try {
          posts = (JSON.parse(run.stdout) as { posts: PostOutcome[] }).posts;
        } catch {
          throw new Error(`not JSON (exit ${run.code}): ${run.stdout}\n${run.stderr}`);
        }
      }
      return { ...run, posts };
    },
    async queue(now) {
      const run = await at(now, ['queue', '--json']);
      if (run.code !== 0) throw new Error(`queue failed (exit ${run.code}): ${run.stderr}`);
      return (JSON.parse(run.stdout) as { posts: (PostOutcome & { run: string })[] }).posts;
    },
  };
}
