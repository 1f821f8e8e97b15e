import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed ip-post folder (holding package.json, templates/, examples/), from src/ or the dist/ bundle alike. */
export const packageRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'templates'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('ip-post: cannot find its own templates folder');
    dir = parent;
  }
  return dir;
})();

export const builtinTemplatesDir = join(packageRoot, 'templates');
