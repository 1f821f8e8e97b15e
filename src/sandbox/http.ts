import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import busboy from 'busboy';

/** What an emulator answers: JSON (any non-Buffer body), raw bytes, or nothing. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({ status, body, headers });
export const empty = (status: number, headers?: Record<string, string>): Reply => ({ status, headers });

/** Thrown by a handler to answer with a platform-shaped error. */
export class ApiError extends Error {
  constructor(readonly reply: Reply) {
    super(`HTTP ${reply.status}`);
  }
}

/** A request body the sandbox cannot read: the emulator answers in its own error shape. */
export class BodyError extends Error {
  constructor(
    readonly kind: 'too-large' | 'bad-json' | 'bad-form' | 'bad-multipart' | 'wrong-type',
    message: string,
  ) {
    super(message);
  }
}

export interface UploadedFile {
  field: string;
  filename: string;
  type: string;
  bytes: Buffer;
  size: number;
  sha256: string;
}

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** One request to an emulator, with its body readable once in whichever encoding the endpoint expects. */
export class SandboxRequest {
  readonly query: URLSearchParams;
  private body?: Promise<Buffer>;

  constructor(
    readonly raw: IncomingMessage,
    readonly url: URL,
    /** The path below the platform's prefix, e.g. `/v25.0/123/feed`. */
    readonly path: string,
    readonly params: Record<string, string>,
    readonly maxBodyBytes: number,
  ) {
    this.query = url.searchParams;
  }

  get method(): string {
    return this.raw.method ?? 'GET';
  }

  get headers(): IncomingHttpHeaders {
    return this.raw.headers;
  }

  header(name: string): string | undefined {
    const value = this.raw.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  }

  /** The media type without parameters, lower-case: `application/json`. */
  get contentType(): string {
    return (this.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  }

  /** The whole body; a body over the limit is refused before it is all read. */
  buffer(): Promise<Buffer> {
    this.body ??= new Promise<Buffer>((resolve, reject) => {
      const declared = Number(this.header('content-length') ?? 0);
      if (declared > this.maxBodyBytes) {
        this.raw.resume();
        reject(new BodyError('too-large', `the request body is ${declared} bytes; the sandbox takes at most ${this.maxBodyBytes}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      this.raw.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.maxBodyBytes) {
          this.raw.removeAllListeners('data');
          this.raw.resume();
          reject(new BodyError('too-large', `the request body is over ${this.maxBodyBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      this.raw.on('end', () => resolve(Buffer.concat(chunks)));
      this.raw.on('error', reject);
    });
    return this.body;
  }

  async json(): Promise<unknown> {
    const text = (await this.buffer()).toString('utf8');
    try {
      return text.trim() === '' ? {} : (JSON.parse(text) as unknown);
    } catch {
      throw new BodyError('bad-json', 'the request body is not valid JSON');
    }
  }

  async form(): Promise<Record<string, string>> {
    const text = (await this.buffer()).toString('utf8');
    return Object.fromEntries(new URLSearchParams(text));
  }

  /** multipart/form-data: text fields and files (each file kept in memory, within the body limit). */
  multipart(): Promise<{ fields: Record<string, string>; files: Record<string, UploadedFile> }> {
    return new Promise((resolve, reject) => {
      let parser: busboy.Busboy;
      try {
        parser = busboy({ headers: this.raw.headers, limits: { fileSize: this.maxBodyBytes, fields: 1000, fieldSize: this.maxBodyBytes } });
      } catch (error) {
        reject(new BodyError('bad-multipart', `the multipart body cannot be read: ${(error as Error).message}`));
        return;
      }
      const fields: Record<string, string> = {};
      const files: Record<string, UploadedFile> = {};
      const pending: Promise<void>[] = [];
      parser.on('field', (name, value) => (fields[name] = value));
      parser.on('file', (field, stream, info) => {
        pending.push(
          new Promise((done, fail) => {
            const chunks: Buffer[] = [];
            stream.on('data', (chunk: Buffer) => chunks.push(chunk));
            stream.on('limit', () => fail(new BodyError('too-large', `the file ${info.filename} is over ${this.maxBodyBytes} bytes`)));
            stream.on('end', () => {
              const bytes = Buffer.concat(chunks);
              files[field] = { field, filename: info.filename ?? '', type: info.mimeType, bytes, size: bytes.length, sha256: sha256(bytes) };
              done();
            });
            stream.on('error', fail);
          }),
        );
      });
      parser.on('error', (error: Error) => reject(new BodyError('bad-multipart', `the multipart body cannot be read: ${error.message}`)));
      parser.on('close', () => Promise.all(pending).then(() => resolve({ fields, files }), reject));
      this.raw.pipe(parser);
    });
  }

  /**
   * Every parameter however it was sent — query string, form, JSON or multipart — as the Graph API
   * accepts them all. Values in a JSON body keep their types.
   */
  async parameters(): Promise<{ fields: Record<string, unknown>; files: Record<string, UploadedFile> }> {
    const fields: Record<string, unknown> = Object.fromEntries(this.query);
    let files: Record<string, UploadedFile> = {};
    if (this.method === 'GET' || this.method === 'DELETE') return { fields, files };
    const type = this.contentType;
    if (type === 'application/json') {
      const body = await this.json();
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BodyError('bad-json', 'the JSON body must be an object');
      Object.assign(fields, body);
    } else if (type === 'multipart/form-data') {
      const body = await this.multipart();
      Object.assign(fields, body.fields);
      files = body.files;
    } else if (type === 'application/x-www-form-urlencoded' || type === '') {
      Object.assign(fields, await this.form());
    } else {
      await this.buffer();
      throw new BodyError('wrong-type', `the content type ${type} is not accepted here`);
    }
    return { fields, files };
  }
}

/** A route: method, a path pattern with `:name` segments (`{name}` inside a segment), its endpoint name for faults. */
export interface Route<Context> {
  method: string;
  path: string;
  /** Names the endpoint for fault injection, e.g. `tweets.create`. */
  name: string;
  handle(request: SandboxRequest, context: Context): Promise<Reply> | Reply;
}

interface CompiledRoute<Context> extends Route<Context> {
  pattern: RegExp;
  keys: string[];
}

export class Router<Context> {
  private readonly routes: CompiledRoute<Context>[] = [];

  constructor(routes: Route<Context>[]) {
    for (const route of routes) {
      const keys: string[] = [];
      const source = route.path
        .split('/')
        .map((segment) =>
          segment
            .replace(/[.*+?^${}()|[\]\\]/g, (character) => (character === '{' || character === '}' ? character : `\\${character}`))
            .replace(/:([A-Za-z]\w*)|\{([A-Za-z]\w*)\}/g, (_match, colon: string, braced: string) => {
              keys.push(colon ?? braced);
              return '([^/]+)';
            }),
        )
        .join('/');
      this.routes.push({ ...route, pattern: new RegExp(`^${source}/?$`), keys });
    }
  }

  /** The route for a method and path, or which methods the path allows (for 405). */
  match(method: string, path: string): { route: Route<Context>; params: Record<string, string> } | { allowed: string[] } {
    const allowed: string[] = [];
    for (const route of this.routes) {
      const found = route.pattern.exec(path);
      if (!found) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = Object.fromEntries(route.keys.map((key, index) => [key, decodeURIComponent(found[index + 1]!)]));
      return { route, params };
    }
    return { allowed };
  }
}
