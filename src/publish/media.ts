import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import type { Config } from '../config.js';
import type { PlannedMedia } from '../plan/types.js';
import { PublishError } from './errors.js';
import type { MediaAccess } from './types.js';

/**
 * Media as uploads need it, never more of it in memory than a chunk: a local file is read in ranges or
 * streamed; an image to convert (PNG → JPEG for Instagram and TikTok) is converted once, in memory
 * (images are small; videos are never converted); a file a platform pulls is put on the media host first.
 */
export function mediaAccess(options: {
  mediaHost: Config['mediaHost'];
  env: NodeJS.ProcessEnv;
  onBytes(sent: number, total: number): void;
  timeoutMs: number;
}): MediaAccess {
  const converted = new Map<string, Promise<Buffer>>();
  const hosted = new Map<string, Promise<string>>();

  const fileOf = (media: PlannedMedia): string => {
    if (!media.file) throw new PublishError('input', `${media.source} is a web address; this platform needs the file itself: download it and give path: instead`);
    return media.file;
  };

  const access: MediaAccess = {
    async size(media) {
      return media.convertTo ? (await access.bytes(media)).length : (await stat(fileOf(media))).size;
    },

    async read(media, start, end) {
      if (media.convertTo) return (await access.bytes(media)).subarray(start, end);
      const handle = await open(fileOf(media), 'r');
      try {
        const buffer = Buffer.alloc(end - start);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },

    async stream(media, start = 0, end?: number) {
      const total = await access.size(media);
      let sent = start;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          sent += chunk.length;
          options.onBytes(sent, total);
          done(null, chunk);
        },
      });
      const source = media.convertTo
        ? Readable.from([(await access.bytes(media)).subarray(start, end)])
        : createReadStream(fileOf(media), { start, ...(end !== undefined && { end: end - 1 }), highWaterMark: 64 * 1024 });
      source.on('error', (error: Error) => counter.destroy(error));
      return source.pipe(counter);
    },

    bytes(media) {
      const key = media.file ?? media.source;
      let result = converted.get(key);
      if (!result) {
        result = (async () => {
          if (media.convertTo !== 'image/jpeg') return Buffer.from(await access.read({ ...media, convertTo: undefined }, 0, await access.size({ ...media, convertTo: undefined })));
          const { default: sharp } = await import('sharp');
          return sharp(fileOf(media)).flatten({ background: '#ffffff' }).jpeg({ quality: 90, mozjpeg: true }).toBuffer();
        })();
        converted.set(key, result);
      }
      return result;
    },

    publicUrl(media) {
      if (!media.file) return Promise.resolve(media.source);
      let result = hosted.get(media.file);
      if (!result) {
        result = upload(media);
        hosted.set(media.file, result);
      }
      return result;
    },
  };

  /** PUT to the media host, authenticated by a bearer token or a user and password (WebDAV). Idempotent. */
  async function upload(media: PlannedMedia): Promise<string> {
    const host = options.mediaHost;
    if (!host || !media.publicUrl) throw new PublishError('input', 'this platform fetches media from a public address: set mediaHost.publicUrl (and uploadUrl) in config; `ip-post sandbox` is one host');
    const path = media.publicUrl.slice(host.publicUrl.replace(/\/+$/, '').length + 1);
    const target = `${(host.uploadUrl ?? host.publicUrl).replace(/\/+$/, '')}/${path}`;
    const headers: Record<string, string> = { 'content-type': media.convertTo ?? media.type, 'content-length': String(await access.size(media)) };
    const secret = (name: string | undefined) => (name ? options.env[name] : undefined);
    if (host.usernameEnv) {
      const user = secret(host.usernameEnv);
      const password = secret(host.passwordEnv);
      if (!user || !password) throw new PublishError('auth', `the media host needs a user and password: set ${host.usernameEnv} and ${host.passwordEnv}`);
      headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    } else if (host.tokenEnv) {
      const token = secret(host.tokenEnv);
      if (!token) throw new PublishError('auth', `the media host needs a token: set ${host.tokenEnv}`);
      headers.authorization = `Bearer ${token}`;
    }
    const send = async (method: string, url: string, withBody: boolean): Promise<Response> => {
      try {
        const body = withBody ? (Readable.toWeb((await access.stream(media)) as Readable) as ReadableStream) : undefined;
        const response = await fetch(url, { method, headers: withBody ? headers : { authorization: headers.authorization ?? '' }, body, duplex: 'half', signal: AbortSignal.timeout(options.timeoutMs) } as RequestInit);
        await response.arrayBuffer().catch(() => undefined);
        return response;
      } catch (error) {
        throw new PublishError('retry', `could not reach the media host at ${new URL(url).origin} (${(error as Error).message})`);
      }
    };
    let response = await send('PUT', target, true);
    if (response.status === 409) {
      // A WebDAV server wants the folders first (MKCOL); one that has them answers 405, which is fine.
      const base = (host.uploadUrl ?? host.publicUrl).replace(/\/+$/, '');
      const folders = path.split('/').slice(0, -1);
      for (let depth = 1; depth <= folders.length; depth++) await send('MKCOL', `${base}/${folders.slice(0, depth).join('/')}/`, false);
      response = await send('PUT', target, true);
    }
    if (response.status === 401 || response.status === 403) throw new PublishError('auth', `the media host refused the upload (${response.status}): check its credentials`);
    if (response.status >= 500) throw new PublishError('retry', `the media host answered ${response.status}`, String(response.status));
    if (response.status >= 400) throw new PublishError('fatal', `the media host refused ${path} (${response.status} ${response.statusText})`, String(response.status));
    return media.publicUrl;
  }

  return access;
}
