import { sha256, type SandboxRequest } from './http.js';

interface StoredFile {
  type: string;
  bytes: Buffer;
  sha256: string;
}

/**
 * The media host Instagram and TikTok pull files from: PUT stores a file under a path, GET serves it.
 * Files live in memory, within a total, and go when the sandbox stops.
 */
export class MediaHost {
  private readonly files = new Map<string, StoredFile>();
  private stored = 0;

  constructor(
    readonly token: string,
    private readonly maxTotalBytes: number,
  ) {}

  put(path: string, bytes: Buffer, type: string): StoredFile {
    const previous = this.files.get(path);
    if (this.stored - (previous?.bytes.length ?? 0) + bytes.length > this.maxTotalBytes) throw new Error('the media host is full');
    const file = { type, bytes, sha256: sha256(bytes) };
    this.stored += bytes.length - (previous?.bytes.length ?? 0);
    this.files.set(path, file);
    return file;
  }

  get(path: string): StoredFile | undefined {
    return this.files.get(path);
  }

  list(): { path: string; type: string; bytes: number; sha256: string }[] {
    return [...this.files].map(([path, file]) => ({ path, type: file.type, bytes: file.bytes.length, sha256: file.sha256 }));
  }

  clear(): void {
    this.files.clear();
    this.stored = 0;
  }

  /** `PUT /media/<path>` with `Authorization: Bearer <token>`; `GET`/`HEAD` for anyone, as a public host serves. */
  async handle(request: SandboxRequest, path: string): Promise<{ status: number; headers?: Record<string, string>; body?: unknown }> {
    const key = decodeURIComponent(path.replace(/^\/+/, ''));
    if (!key || key.split('/').some((part) => part === '..' || part === '')) return { status: 400, body: { error: 'a file path like announcement-id/poster.jpg is needed' } };
    if (request.method === 'PUT') {
      if (request.header('authorization') !== `Bearer ${this.token}`) return { status: 401, body: { error: 'a valid Authorization: Bearer token is needed to upload' } };
      const bytes = await request.buffer();
      try {
        const file = this.put(key, bytes, request.contentType || 'application/octet-stream');
        return { status: 201, body: { path: key, bytes: bytes.length, sha256: file.sha256 } };
      } catch (error) {
        return { status: 507, body: { error: (error as Error).message } };
      }
    }
    if (request.method === 'GET' || request.method === 'HEAD') {
      const file = this.files.get(key);
      if (!file) return { status: 404, body: { error: `no file at ${key}` } };
      const headers = { 'content-type': file.type, 'content-length': String(file.bytes.length), etag: `"${file.sha256}"` };
      return { status: 200, headers, body: request.method === 'HEAD' ? undefined : file.bytes };
    }
    return { status: 405, headers: { allow: 'GET, HEAD, PUT' }, body: { error: `${request.method} is not allowed here` } };
  }
}
