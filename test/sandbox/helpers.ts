import { afterEach, beforeEach } from 'vitest';
import { startSandbox, type Sandbox, type StartOptions } from '../../src/sandbox/server.js';

/** A fresh sandbox on a free port for every test of the file, stopped after it. */
export function useSandbox(options: StartOptions = {}): () => Sandbox {
  let sandbox: Sandbox | undefined;
  beforeEach(async () => {
    sandbox = await startSandbox({ processingPolls: 1, ...options });
  });
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });
  return () => sandbox!;
}

/** fetch, returning status, headers and the parsed JSON (or text) body. */
export async function call(url: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  const response = await fetch(url, { ...init, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: response.status, headers: response.headers, body: parsed };
}
