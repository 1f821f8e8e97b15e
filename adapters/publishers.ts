import type { Publisher } from '../src/publish/types.js';
import type { PlatformName } from './names.js';

/** Each platform's publishing flow, loaded only when something is published there. */
export const publishers: Record<PlatformName, () => Promise<Publisher>> = {
  facebook: () => import('./facebook/publish.js').then((module) => module.publisher),
  instagram: () => import('./instagram/publish.js').then((module) => module.publisher),
  x: () => import('./x/publish.js').then((module) => module.publisher),
  youtube: () => import('./youtube/publish.js').then((module) => module.publisher),
  tiktok: () => import('./tiktok/publish.js').then((module) => module.publisher),
};
