import { imageSize } from 'image-size';

const mimeTypes: Record<string, string> = { jpg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', bmp: 'image/bmp', tiff: 'image/tiff', heif: 'image/heic' };

/** What an image really is, from its bytes, as a platform's servers check it. */
export function sniffImage(bytes: Buffer): { type: string; width: number; height: number } | undefined {
  try {
    const found = imageSize(bytes);
    const type = found.type && mimeTypes[found.type];
    return type && found.width && found.height ? { type, width: found.width, height: found.height } : undefined;
  } catch {
    return undefined;
  }
}

/** An MP4/MOV (ISO base media) or WebM file, by its first bytes. */
export function sniffVideo(bytes: Buffer): string | undefined {
  if (bytes.length >= 12 && bytes.toString('latin1', 4, 8) === 'ftyp') return bytes.toString('latin1', 8, 12) === 'qt  ' ? 'video/quicktime' : 'video/mp4';
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x1a45dfa3) return 'video/webm';
  return undefined;
}
