import { open, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { MediaRef } from './announcement/model.js';
import { InputError } from './errors.js';

export type MediaKind = 'image' | 'video';

/** What ip-post knows about one media file before sending it anywhere. */
export interface InspectedMedia {
  ref: MediaRef;
  /** File name, for previews and for the name on a media host. */
  name: string;
  kind: MediaKind;
  /** MIME type, from the file's content (local files) or its name (URLs). */
  type: string;
  /** False for remote URLs: their size and dimensions are not known before publishing. */
  inspected: boolean;
  bytes?: number;
  width?: number;
  height?: number;
  /** Seconds. */
  duration?: number;
  framesPerSecond?: number;
}

const imageTypes: Record<string, string> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  tiff: 'image/tiff',
  heif: 'image/heic',
};
const typesByExtension: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
};

export async function inspectMedia(refs: readonly MediaRef[], announcementFile: string): Promise<InspectedMedia[]> {
  return Promise.all(refs.map((ref) => (ref.file ? inspectFile(ref, ref.file, announcementFile) : describeUrl(ref, announcementFile))));
}

function describeUrl(ref: MediaRef, announcementFile: string): InspectedMedia {
  const name = basename(new URL(ref.url!).pathname) || 'media';
  const type = typesByExtension[extname(name).toLowerCase()];
  if (!type) {
    throw new InputError({
      file: announcementFile,
      line: ref.line,
      path: `${ref.field}.url`,
      message: `cannot tell whether ${ref.url} is an image or a video`,
      fix: 'use an address ending in .jpg, .png, .webp, .gif, .mp4, .mov or .webm, or download the file and give path: instead',
    });
  }
  return { ref, name, kind: type.startsWith('video/') ? 'video' : 'image', type, inspected: false };
}

async function inspectFile(ref: MediaRef, file: string, announcementFile: string): Promise<InspectedMedia> {
  const problem = (message: string, fix: string) => new InputError({ file: announcementFile, line: ref.line, path: `${ref.field}.path`, message, fix });
  const { size } = await stat(file);
  if (size === 0) throw problem(`${ref.path} is empty`, 'export the image or video again');
  const head = await readHead(file, 64 * 1024);
  const name = basename(file);
  const base = { ref, name, inspected: true, bytes: size } as const;

  if (head.toString('latin1', 4, 8) === 'ftyp') {
    const quicktime = head.toString('latin1', 8, 12) === 'qt  ';
    const movie = await readMovie(file, size).catch(() => undefined);
    if (!movie) throw problem(`${ref.path} looks like a video but cannot be read`, 'export it again as MP4 (H.264 video, AAC audio)');
    return { ...base, kind: 'video', type: quicktime ? 'video/quicktime' : 'video/mp4', ...movie };
  }
  if (head.readUInt32BE(0) === 0x1a45dfa3) {
    return { ...base, kind: 'video', type: 'video/webm' };
  }
  const { imageSize } = await import('image-size');
  let image: ReturnType<typeof imageSize> | undefined;
  try {
    image = imageSize(head);
  } catch {
    image = await import('image-size/fromFile').then(({ imageSizeFromFile }) => imageSizeFromFile(file)).catch(() => undefined);
  }
  const type = image?.type && imageTypes[image.type];
  if (!image || !type) {
    throw problem(`${ref.path} is not an image or video ip-post can read`, 'use a JPEG, PNG, WebP or GIF image, or an MP4, MOV or WebM video');
  }
  const rotated = (image.orientation ?? 1) >= 5;
  return { ...base, kind: 'image', type, width: rotated ? image.height : image.width, height: rotated ? image.width : image.height };
}

async function readHead(file: string, length: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Reads an MP4/MOV's duration, size and frame rate from its header boxes, a chunk at a time (never the whole file). */
async function readMovie(file: string, size: number): Promise<Pick<InspectedMedia, 'duration' | 'width' | 'height' | 'framesPerSecond'>> {
  const { createFile } = await import('mp4box');
  const parser = createFile();
  let info: import('mp4box').Movie | undefined;
  parser.onReady = (movie) => {
    info = movie;
  };
  const handle = await open(file, 'r');
  try {
    const chunk = 1024 * 1024;
    let position = 0;
    for (let reads = 0; !info && position < size && reads < 64; reads++) {
      const buffer = Buffer.alloc(Math.min(chunk, size - position));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      // mp4box wants an ArrayBuffer that knows its offset in the file.
      const chunkAt = Object.assign(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + bytesRead), { fileStart: position });
      position = parser.appendBuffer(chunkAt as Parameters<typeof parser.appendBuffer>[0], position + bytesRead >= size);
    }
  } finally {
    await handle.close();
  }
  if (!info) throw new Error('no movie header');
  const video = info.videoTracks[0];
  return {
    duration: info.duration / info.timescale,
    width: video?.video?.width ?? video?.track_width,
    height: video?.video?.height ?? video?.track_height,
    framesPerSecond: video && video.duration > 0 ? Math.round((video.nb_samples * video.timescale) / video.duration) : undefined,
  };
}

export function describeSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
