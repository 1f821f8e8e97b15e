#!/usr/bin/env node
// The built CLI lives in dist/ (made by `npm run build`, which `npm ci` runs through `prepare`).
// CommonJS on purpose: Node starts a CommonJS entry a few milliseconds sooner than an ES module.
try {
  require('../dist/cli.cjs');
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.cjs')) {
    process.stderr.write('ip-post: the build is missing. Run `npm run build` (or `npm ci`) in the project folder.\n');
    process.exit(2);
  }
  throw error;
}
