import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import envPaths from 'env-paths';
import { InputError } from '../errors.js';
import { startSandbox } from './server.js';

/** A sandbox a command works against: one already running, or one started for the command alone. */
export interface AttachedSandbox {
  url: string;
  /** An ip-post config (mediaHost and platforms) that points everything at the sandbox. */
  config: Record<string, unknown>;
  /** The sandbox's credentials, by environment variable name. */
  credentials: Record<string, string>;
  /** True when it was started for this command, and stops with it. */
  started: boolean;
  close(): Promise<void>;
}

/** Where a running `ip-post sandbox` says where it is, so `--sandbox` finds it. */
export function sandboxStateFile(): string {
  return join(envPaths('ip-post', { suffix: '' }).cache, 'sandbox.json');
}

export function writeSandboxState(url: string): void {
  mkdirSync(dirname(sandboxStateFile()), { recursive: true });
  writeFileSync(sandboxStateFile(), JSON.stringify({ url, pid: process.pid }));
}

export function removeSandboxState(): void {
  rmSync(sandboxStateFile(), { force: true });
}

/**
 * `--sandbox URL` uses the sandbox there; `--sandbox` alone uses IP_POST_SANDBOX_URL, else the one
 * `ip-post sandbox` is running, else starts one in this process for the command.
 */
export async function attachSandbox(target: string | true): Promise<AttachedSandbox> {
  const url = typeof target === 'string' ? target : (process.env.IP_POST_SANDBOX_URL ?? runningSandbox());
  if (url) {
    const described = await describe(url);
    if (described) return { url, ...described, started: false, close: async () => undefined };
    if (typeof target === 'string' || process.env.IP_POST_SANDBOX_URL) {
      throw new InputError({ message: `no sandbox answers at ${url}`, fix: 'start one with `ip-post sandbox` in another terminal, or use --sandbox alone to start one for this command' });
    }
  }
  const sandbox = await startSandbox();
  return { url: sandbox.url, config: sandbox.config(), credentials: sandbox.credentials(), started: true, close: () => sandbox.close() };
}

function runningSandbox(): string | undefined {
  try {
    const state = JSON.parse(readFileSync(sandboxStateFile(), 'utf8')) as { url?: string; pid?: number };
    if (!state.url || !state.pid) return undefined;
    process.kill(state.pid, 0);
    return state.url;
  } catch {
    return undefined;
  }
}

async function describe(url: string): Promise<{ config: Record<string, unknown>; credentials: Record<string, string> } | undefined> {
  try {
    const response = await fetch(new URL('/__sandbox/config', url), { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return undefined;
    return (await response.json()) as { config: Record<string, unknown>; credentials: Record<string, string> };
  } catch {
    return undefined;
  }
}
