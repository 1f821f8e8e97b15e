import { describe, expect, it } from 'vitest';
import type { MediaRef } from '../src/announcement/model.js';
import { describeSize, inspectMedia } from '../src/media.js';
import { example, jpegHeader, pngHeader, writeFiles } from './helpers.js';

const ref = (file: string, path = file): MediaRef => ({ field: 'media[0]', line: 3, file, path, alt: {} });

describe('media inspection', () => {
  it('reads a video’s duration, size and frame rate from its header', async () => {
    const [video] = await inspectMedia([ref(example('media/teaser.mp4'), 'media/teaser.mp4')], 'event.yml');
    expect(video).toMatchObject({ kind: 'video', type: 'video/mp4', width: 720, height: 1280, framesPerSecond: 30, bytes: 740_984, inspected: true });
    expect(video!.duration).toBeCloseTo(6, 1);
  });

  it('reads an image’s type and size from its content, whatever its name says', async () => {
    const dir = await writeFiles({ 'photo.jpg': pngHeader(1080, 1080), 'real.jpeg': jpegHeader(640, 800) });
    const [png, jpeg] = await inspectMedia([ref(`${dir}/photo.jpg`), ref(`${dir}/real.jpeg`)], 'event.yml');
    expect(png).toMatchObject({ kind: 'image', type: 'image/png', width: 1080, height: 1080, name: 'photo.jpg' });
    expect(jpeg).toMatchObject({ kind: 'image', type: 'image/jpeg', width: 640, height: 800 });
  });

  it('knows a remote file only by its name, and says when it cannot tell', async () => {
    const [remote] = await inspectMedia([{ field: 'media[0]', url: 'https://example.org/a/poster.JPG', alt: {} }], 'event.yml');
    expect(remote).toMatchObject({ kind: 'image', type: 'image/jpeg', inspected: false, name: 'poster.JPG' });
    await expect(inspectMedia([{ field: 'media[1]', line: 9, url: 'https://example.org/download?id=7', alt: {} }], 'event.yml')).rejects.toThrow(
      'event.yml:9: media[1].url: cannot tell whether https://example.org/download?id=7 is an image or a video',
    );
  });

  it('refuses an empty file or one that is neither image nor video', async () => {
    const dir = await writeFiles({ 'empty.jpg': '', 'notes.mp4': 'hello' });
    await expect(inspectMedia([ref(`${dir}/empty.jpg`, 'empty.jpg')], 'event.yml')).rejects.toThrow('event.yml:3: media[0].path: empty.jpg is empty');
    await expect(inspectMedia([ref(`${dir}/notes.mp4`, 'notes.mp4')], 'event.yml')).rejects.toThrow('notes.mp4 is not an image or video ip-post can read');
  });

  it('writes sizes as people read them', () => {
    expect([999, 46_708, 740_984, 8_388_608, 4_000_000_000].map(describeSize)).toEqual(['999 B', '47 kB', '741 kB', '8.4 MB', '4.0 GB']);
  });
});
