// Builds dist/ with esbuild, all CommonJS (Node starts it sooner than ES modules):
// - dist/cli.cjs: the entry, holding only the command-line parser (commander), so `--help` reads little;
// - dist/commands/<name>.cjs: one bundle per command with everything it needs, loaded on demand through
//   V8's code cache (src/command-loader.ts). A platform SDK stays outside the bundles and is required
//   only by the code that talks to that platform.
// Bundling matters for speed: twitter-text loads in ~16 ms as one file, ~35 ms as 300 modules.
import { build } from 'esbuild';
import { readdir, rm } from 'node:fs/promises';

const root = new URL('..', import.meta.url);
const minify = process.env.IP_POST_BUILD_MINIFY !== '0';

// twitter-text is compiled for old browsers: it loads ~100 core-js 2 polyfills that replace Node's own
// String, Array and RegExp methods (RegExp itself, even). Node 20 has all of them natively, so each
// polyfill import becomes an empty module: 8 ms less at startup, and native regular expressions.
const withoutCoreJsPolyfills = {
  name: 'without-core-js-polyfills',
  setup(build) {
    build.onResolve({ filter: /^core-js\/modules\// }, (args) => ({ path: args.path, namespace: 'no-polyfill' }));
    build.onLoad({ filter: /.*/, namespace: 'no-polyfill' }, () => ({ contents: '', loader: 'js' }));
  },
};

const common = {
  absWorkingDir: root.pathname,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Bundles run as scripts through V8's code cache, where import() has no loader: it becomes require().
  supported: { 'dynamic-import': false },
  outExtension: { '.js': '.cjs' },
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  minify,
  sourcemap: 'linked',
  // twitter-text asks for `punycode`; the npm package it depends on, not Node's deprecated builtin.
  alias: { punycode: 'punycode/' },
  plugins: [withoutCoreJsPolyfills],
  // Platform SDKs, the SQLite binding, image conversion and progress bars load from node_modules, and only
  // in the code that needs them: they stay out of the bundles every command reads at startup.
  external: ['twitter-api-v2', '@googleapis/youtube', 'axios', 'sharp', 'better-sqlite3', 'cli-progress'],
  logLevel: 'warning',
};

await rm(new URL('dist', root), { recursive: true, force: true });
const commands = (await readdir(new URL('src/commands', root))).filter((file) => file.endsWith('.ts')).map((file) => file.slice(0, -3));
await Promise.all([
  build({ ...common, entryPoints: { cli: 'src/cli.ts' }, outdir: 'dist' }),
  build({ ...common, entryPoints: Object.fromEntries(commands.map((name) => [name, `src/commands/${name}.ts`])), outdir: 'dist/commands' }),
]);
