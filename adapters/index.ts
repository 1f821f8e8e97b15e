import type { Adapter } from '../src/plan/adapter.js';
import { facebook } from './facebook/index.js';
import { instagram } from './instagram/index.js';
import type { PlatformName } from './names.js';
import { tiktok } from './tiktok/index.js';
import { x } from './x/index.js';
import { youtube } from './youtube/index.js';

/** Every platform's adapter by name. A new platform adds its module here and its name to names.ts. */
export const adapters: Record<PlatformName, Adapter> = { facebook, instagram, x, youtube, tiktok } as unknown as Record<PlatformName, Adapter>;
