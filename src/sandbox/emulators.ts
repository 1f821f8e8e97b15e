import { createFacebookEmulator } from '../../adapters/facebook/sandbox.js';
import { createInstagramEmulator } from '../../adapters/instagram/sandbox.js';
import type { PlatformName } from '../../adapters/names.js';
import { createTikTokEmulator } from '../../adapters/tiktok/sandbox.js';
import { createXEmulator } from '../../adapters/x/sandbox.js';
import { createYouTubeEmulator } from '../../adapters/youtube/sandbox.js';
import type { EmulatorFactory } from './emulator.js';

/** Each platform's emulator, from adapters/<platform>/sandbox.ts, beside the adapter it stands in for. */
export const emulatorFactories: Record<PlatformName, EmulatorFactory> = {
  facebook: createFacebookEmulator,
  instagram: createInstagramEmulator,
  x: createXEmulator,
  youtube: createYouTubeEmulator,
  tiktok: createTikTokEmulator,
};
