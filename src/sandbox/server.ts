import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { platformNames, type PlatformName } from '../../adapters/names.js';
import { parseNowVariable } from '../clock.js';
import { defaultOptions, type Emulator, type EmulatorContext, type SandboxOptions } from './emulator.js';
import { emulatorFactories } from './emulators.js';
import { FaultRegistry, type Fault, type FaultSpec } from './faults.js';
import { ApiError, BodyError, Router, SandboxRequest, type Reply } from './http.js';
import { MediaHost } from './media-host.js';
import { Records } from './records.js';

export interface StartOptions extends Partial<SandboxOptions> {
  /** The main port (media host, /__sandbox); each platform takes the next one. 0 (the default) picks free ports. */
  port?: number;
  host?: string;
  /**
   * The instant the sandbox's clock starts at (milliseconds since the epoch, or ISO 8601 with Z or an offset);
   * it runs on in real time from there. Without it, IP_POST_NOW, as every command's clock; else the real time.
   */
  now?: number | string;
  /** Called when each request has been answered, e.g. to print a request log. */
  onRequest?: (request: LoggedRequest) => void;
}

export interface Sandbox {
  url: string;
  /** Each platform's base URL, and the media host's. */
  baseUrls: Record<PlatformName | 'media', string>;
  records: Records;
  faults: FaultRegistry;
  media: MediaHost;
  options: SandboxOptions;
  /** An ip-post config that points every platform and the media host at this sandbox. */
  config(): Record<string, unknown>;
  /** Environment variables holding the sandbox's credentials, by name. */
  credentials(): Record<string, string>;
  /** Milliseconds since the epoch on the sandbox's clock. */
  now(): number;
  /** Moves the sandbox's clock forward (expiring containers, upload URLs, quotas; publishing scheduled posts). */
  advanceClock(seconds: number): void;
  /** Puts the sandbox's clock at an instant (milliseconds, or ISO 8601 with Z or an offset); it runs on from there. */
  setClock(instant: number | string): void;
  expireToken(platform: PlatformName, expired?: boolean): void;
  /** The latest requests answered (the last 2,000), as GET /__sandbox/requests gives them. */
  requests(): LoggedRequest[];
  close(): Promise<void>;
}

export interface LoggedRequest {
  at: string;
  method: string;
  path: string;
  platform?: string;
  endpoint?: string;
  status?: number;
  fault?: string;
}

const mediaToken = 'sandbox-media-token';

/** Starts every emulator and the media host on one port; resolves once it listens. */
export async function startSandbox(options: StartOptions = {}): Promise<Sandbox> {
  const { now: start, ...rest } = options;
  const settings: SandboxOptions = { ...defaultOptions, ...rest };
  const startAt = start === undefined ? parseNowVariable(process.env.IP_POST_NOW) : instantOf(start);
  let clockOffset = startAt === null ? 0 : startAt - Date.now();
  const clock = () => Date.now() + clockOffset;
  const records = new Records(clock);
  const faults = new FaultRegistry();
  const media = new MediaHost(mediaToken, 1024 * 1024 * 1024);
  const log: LoggedRequest[] = [];
  let lastId = 1_790_000_000_000_000_000n;
  const sockets = new Set<Socket>();
  const servers: Server[] = [];

  /** One listener per platform, so each emulator serves the real paths at its root, as the platform does. */
  async function listen(port: number, handler: (raw: IncomingMessage, response: ServerResponse) => Promise<void>): Promise<string> {
    const server = createServer();
    servers.push(server);
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    server.on('request', (raw: IncomingMessage, response: ServerResponse) => {
      handler(raw, response).catch((error: unknown) => {
        // The last line of defence: whatever happens, the sandbox answers and keeps running.
        if (!response.headersSent) send(response, { status: 500, body: { error: `sandbox: ${(error as Error).message}` } });
        else response.destroy();
      });
    });
    server.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, options.host ?? '127.0.0.1', () => resolve());
    });
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  const url = await listen(options.port ?? 0, (raw, response) => dispatchMain(raw, response));
  const firstPort = Number(new URL(url).port);
  const baseUrls = { media: `${url}/media` } as Sandbox['baseUrls'];
  for (const [index, platform] of platformNames.entries()) {
    baseUrls[platform] = await listen(options.port ? firstPort + index + 1 : 0, (raw, response) => dispatchPlatform(platform, raw, response));
  }
  settings.tiktokVerifiedPrefixes = [...settings.tiktokVerifiedPrefixes, `${baseUrls.media}/`];

  const emulators = new Map<PlatformName, { emulator: Emulator; router: Router<EmulatorContext>; context: EmulatorContext }>();
  for (const platform of platformNames) {
    const context: EmulatorContext = {
      platform,
      baseUrl: baseUrls[platform],
      mediaUrl: baseUrls.media,
      now: clock,
      records,
      faults,
      options: settings,
      newId: () => String((lastId += 1n + BigInt(Math.floor(Math.random() * 1000)))),
      fetch: (address) => pull(address),
    };
    const emulator = emulatorFactories[platform](context);
    emulators.set(platform, { emulator, router: new Router(emulator.routes), context });
    faults.knowEndpoints(platform, emulator.routes.map((route) => route.name));
  }

  /** Media pulled from a URL, as a platform's servers do: over HTTP, with a time limit. */
  async function pull(address: string): Promise<{ status: number; type: string; bytes: Buffer }> {
    const response = await fetch(address, { signal: AbortSignal.timeout(30_000) });
    return { status: response.status, type: (response.headers.get('content-type') ?? '').split(';')[0]!, bytes: Buffer.from(await response.arrayBuffer()) };
  }

  const sandbox: Sandbox = {
    url,
    baseUrls,
    records,
    faults,
    media,
    options: settings,
    config: () => ({
      mediaHost: { publicUrl: baseUrls.media, uploadUrl: baseUrls.media, tokenEnv: 'IP_POST_MEDIA_TOKEN' },
      platforms: Object.fromEntries([...emulators].map(([platform, { emulator }]) => [platform, emulator.settings()])),
    }),
    credentials: () => ({ IP_POST_MEDIA_TOKEN: mediaToken, ...Object.assign({}, ...[...emulators.values()].map(({ emulator }) => emulator.credentials)) }) as Record<string, string>,
    now: clock,
    advanceClock: (seconds) => (clockOffset += seconds * 1000),
    setClock: (instant) => (clockOffset = instantOf(instant) - Date.now()),
    expireToken: (platform, expired) => emulators.get(platform)!.emulator.expireToken(expired),
    requests: () => [...log],
    close: () =>
      Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              for (const socket of sockets) socket.destroy();
            }),
        ),
      ).then(() => undefined),
  };

  function logged(raw: IncomingMessage, response: ServerResponse, requestUrl: URL): LoggedRequest {
    const entry: LoggedRequest = { at: new Date().toISOString(), method: raw.method ?? 'GET', path: requestUrl.pathname };
    log.push(entry);
    if (log.length > 2000) log.shift();
    response.on('close', () => {
      entry.status = response.statusCode;
      options.onRequest?.(entry);
    });
    return entry;
  }

  /** The main port: the media host and the sandbox's own inspection and control endpoints. */
  async function dispatchMain(raw: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestUrl = new URL(raw.url ?? '/', url);
    logged(raw, response, requestUrl);
    const [, prefix = '', ...rest] = requestUrl.pathname.split('/');
    const path = `/${rest.join('/')}`;
    if (prefix === '__sandbox') return send(response, await admin(new SandboxRequest(raw, requestUrl, path, {}, settings.maxBodyBytes), path));
    if (prefix === 'media') {
      const request = new SandboxRequest(raw, requestUrl, path, {}, settings.maxBodyBytes);
      return send(response, await media.handle(request, path).catch((error: unknown) => ({ status: error instanceof BodyError ? 413 : 500, body: { error: (error as Error).message } })));
    }
    raw.resume();
    return send(response, { status: 404, body: { error: `unknown path ${requestUrl.pathname}: this port serves /media and /__sandbox`, platforms: baseUrls } });
  }

  /** A platform's port: every path goes to its emulator, exactly as the platform's own host would take it. */
  async function dispatchPlatform(platform: PlatformName, raw: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestUrl = new URL(raw.url ?? '/', baseUrls[platform]);
    const entry = logged(raw, response, requestUrl);
    const path = requestUrl.pathname;
    const prefix = platform;
    const { emulator, router, context } = emulators.get(platform)!;
    entry.platform = platform;
    const withHeaders = (reply: Reply, request?: SandboxRequest): Reply => ({ ...reply, headers: { ...(request && emulator.headers?.(request)), ...reply.headers } });

    const found = router.match(raw.method ?? 'GET', path);
    if (!('route' in found)) {
      raw.resume();
      const reply = found.allowed.length
        ? emulator.errorReply('not-allowed', `${raw.method} is not allowed on ${path} (allowed: ${found.allowed.join(', ')})`)
        : emulator.errorReply('not-found', `unknown path ${path}`);
      return send(response, withHeaders(reply));
    }
    const request = new SandboxRequest(raw, requestUrl, path, found.params, settings.maxBodyBytes);
    entry.endpoint = found.route.name;

    const fault = faults.take(prefix, found.route.name, ['latency', 'hang', 'reset', 'rate-limit', 'server-error', 'expired-token', 'duplicate', 'quota-exceeded']);
    if (fault) {
      entry.fault = fault.kind;
      const handled = await applyFault(fault, request, response, emulator);
      if (handled === 'done') return;
      if (handled) return send(response, withHeaders(handled, request));
    }
    records.publishDue();
    let reply: Reply;
    try {
      reply = await found.route.handle(request, context);
    } catch (error) {
      if (error instanceof ApiError) reply = error.reply;
      else if (error instanceof BodyError) reply = emulator.errorReply(error.kind === 'too-large' ? 'too-large' : 'bad-request', error.message);
      // The client went away mid-request (it was killed, or gave up): there is no one to answer.
      else if (raw.destroyed) return;
      else {
        console.error(`sandbox: ${prefix} ${found.route.name}: ${(error as Error).stack ?? String(error)}`);
        reply = emulator.errorReply('internal', 'internal error');
      }
    }
    if (!raw.complete) raw.resume();
    send(response, withHeaders(reply, request));
  }

  /** Faults the sandbox itself carries out; the rest become the emulator's own error replies. */
  async function applyFault(fault: Fault, request: SandboxRequest, response: ServerResponse, emulator: Emulator): Promise<Reply | 'done' | undefined> {
    switch (fault.kind) {
      case 'latency':
        await new Promise((resolve) => setTimeout(resolve, fault.spec.latencyMs ?? 1000));
        return undefined;
      case 'hang':
        request.raw.resume();
        return 'done';
      case 'reset': {
        const afterBytes = fault.spec.afterBytes ?? 0;
        if (afterBytes > 0) await readAtMost(request.raw, afterBytes);
        request.raw.socket.destroy();
        response.destroy();
        return 'done';
      }
      default:
        request.raw.resume();
        return emulator.faultReply(fault, request);
    }
  }

  async function admin(request: SandboxRequest, path: string): Promise<Reply> {
    const route = `${request.method} ${path.replace(/\/+$/, '') || '/'}`;
    try {
      switch (route) {
        case 'GET /health':
          return { status: 200, body: { ok: true, url, baseUrls } };
        case 'GET /posts':
          return { status: 200, body: { data: records.list(request.query.get('platform') ?? undefined) } };
        case 'GET /faults':
          return { status: 200, body: { data: faults.list() } };
        case 'POST /faults': {
          const body = await request.json();
          const specs = (Array.isArray(body) ? body : [body]) as FaultSpec[];
          for (const spec of specs) {
            if (!platformNames.includes(spec.platform as PlatformName)) throw new Error(`unknown platform "${spec.platform}"`);
          }
          return { status: 201, body: { data: specs.map((spec) => faults.add(spec)).map(({ next: _next, ...fault }) => fault) } };
        }
        case 'DELETE /faults':
          faults.clear();
          return { status: 204 };
        case 'POST /tokens': {
          const body = (await request.json()) as { platform?: string; expired?: unknown };
          if (!platformNames.includes(body.platform as PlatformName) || typeof body.expired !== 'boolean') throw new Error('send {"platform": "<name>", "expired": true} to expire its token, or false to renew it');
          sandbox.expireToken(body.platform as PlatformName, body.expired);
          return { status: 200, body: { platform: body.platform, expired: body.expired } };
        }
        case 'GET /clock':
          return { status: 200, body: { now: new Date(clock()).toISOString() } };
        case 'POST /clock': {
          const body = (await request.json()) as { advanceSeconds?: unknown; set?: unknown };
          const advance = typeof body.advanceSeconds === 'number' && body.advanceSeconds >= 0 && body.set === undefined;
          const set = typeof body.set === 'string' && body.advanceSeconds === undefined;
          if (!advance && !set) throw new Error('send {"advanceSeconds": <seconds>} or {"set": "<ISO 8601 instant>"}');
          if (set) sandbox.setClock(body.set as string);
          else sandbox.advanceClock(body.advanceSeconds as number);
          return { status: 200, body: { now: new Date(clock()).toISOString() } };
        }
        case 'GET /requests':
          return { status: 200, body: { data: log } };
        case 'GET /media':
          return { status: 200, body: { data: media.list() } };
        case 'GET /config':
          return { status: 200, body: { config: sandbox.config(), credentials: sandbox.credentials() } };
        default:
          await request.buffer().catch(() => undefined);
          return { status: 404, body: { error: `unknown sandbox endpoint ${route}` } };
      }
    } catch (error) {
      return { status: 400, body: { error: (error as Error).message } };
    }
  }

  return sandbox;
}

/** Milliseconds, or an ISO 8601 instant with Z or an offset, read as IP_POST_NOW is. */
function instantOf(value: number | string): number {
  let instant: number | null = null;
  try {
    instant = typeof value === 'number' ? value : parseNowVariable(value);
  } catch {
    // parseNowVariable names IP_POST_NOW in its error; this value may have come from elsewhere.
  }
  if (instant === null || !Number.isFinite(instant)) throw new Error(`"${value}" is not an instant: give milliseconds since the epoch or an ISO 8601 time with Z or an offset, e.g. 2027-06-01T09:00:00+03:00`);
  return instant;
}

function readAtMost(stream: IncomingMessage, bytes: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen >= bytes) finish();
    };
    const finish = () => {
      stream.off('data', onData);
      stream.pause();
      resolve();
    };
    stream.on('data', onData);
    stream.once('end', finish);
  });
}

function send(response: ServerResponse, reply: Reply): void {
  if (response.destroyed) return;
  const headers: Record<string, string> = { ...reply.headers };
  let body: Buffer | undefined;
  if (Buffer.isBuffer(reply.body)) body = reply.body;
  else if (reply.body !== undefined) {
    body = Buffer.from(JSON.stringify(reply.body));
    headers['content-type'] ??= 'application/json; charset=UTF-8';
  }
  if (body && !headers['content-length']) headers['content-length'] = String(body.length);
  response.writeHead(reply.status, headers);
  response.end(body);
}
