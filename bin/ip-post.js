#!/usr/bin/env node
// The built CLI lives in dist/ (made by `npm run build`, which `npm ci` runs through `prepare`).
import('../dist/cli.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    process.stderr.write('ip-post: the build is missing. Run `npm run build` (or `npm ci`) in the project folder.\n');
    process.exit(2);
  }
  throw error;
});
