import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import envPaths from 'env-paths';
import { packageRoot } from './paths.js';

/**
 * Commands are bundled one file each (dist/commands/<name>.cjs) and loaded through V8's code cache.
 * After a command has run, the cache holds every function it compiled on the way, so the next run
 * skips parsing and compiling (about 30 ms of a dry-run's 100). Node 20 has no module compile cache
 * of its own; this is that, for our own bundles only. IP_POST_CODE_CACHE=0 turns it off.
 */
export interface LoadedCommand<Exports> {
  exports: Exports;
  /** Writes the code cache if there was none, or V8 refused it (another Node version). */
  saveCache(): void;
}

export function loadCommand<Exports>(name: string): LoadedCommand<Exports> {
  const file = join(packageRoot, 'dist', 'commands', `${name}.cjs`);
  const source = readFileSync(file, 'utf8');
  const cacheFile = cachePath(name, file);
  let cachedData: Buffer | undefined;
  try {
    if (cacheFile) cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(wrap(source), { filename: file, cachedData });
  const module = { exports: {} as Exports };
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return {
    exports: module.exports,
    saveCache() {
      if (!cacheFile || (cachedData && !script.cachedDataRejected)) return;
      try {
        mkdirSync(dirname(cacheFile), { recursive: true });
        const partial = `${cacheFile}.${process.pid}`;
        writeFileSync(partial, script.createCachedData());
        renameSync(partial, cacheFile);
        // Caches of earlier builds of this command are of no further use.
        for (const old of readdirSync(dirname(cacheFile))) {
          if (old.startsWith(`${name}-`) && old.endsWith('.v8') && join(dirname(cacheFile), old) !== cacheFile) rmSync(join(dirname(cacheFile), old), { force: true });
        }
      } catch {
        // A cache is an optimisation: a read-only home or a full disk must not fail the command.
      }
    },
  };
}

/** One cache file per bundle version and Node version, in the user's cache folder. */
function cachePath(name: string, file: string): string | undefined {
  if (process.env.IP_POST_CODE_CACHE === '0') return undefined;
  const { size, mtimeMs } = statSync(file);
  return join(envPaths('ip-post', { suffix: '' }).cache, 'code', `${name}-${size}-${Math.trunc(mtimeMs)}-${process.version}-${process.arch}.v8`);
}

function wrap(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
}
