// npm run bench: how fast ip-post starts, as ratios to a bare `node -e 0` measured in the same run.
// Each command runs interleaved with the others, RUNS times; the median wall time of each is compared.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const runs = Number(process.env.RUNS ?? 21);
const root = fileURLToPath(new URL('..', import.meta.url));
const shared = new URL('../../shared/examples/seminar.yml', import.meta.url);
const seminar = existsSync(shared) ? fileURLToPath(shared) : `${root}examples/seminar.yml`;
const bin = `${root}bin/ip-post.cjs`;

const commands = {
  'node -e 0': ['-e', '0'],
  'ip-post --help': [bin, '--help'],
  'ip-post announce seminar.yml --dry-run': [bin, 'announce', seminar, '--dry-run'],
};
const env = { ...process.env, NO_COLOR: '1', IP_POST_CONFIG: '' };
const times = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));

for (const args of Object.values(commands)) spawnSync(process.execPath, args, { env }); // warm the file cache
for (let run = 0; run < runs; run++) {
  for (const [name, args] of Object.entries(commands)) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    times[name].push(Number(process.hrtime.bigint() - started) / 1e6);
    if (result.status !== 0) throw new Error(`${name} exited with ${result.status}: ${result.stderr}`);
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const baseline = median(times['node -e 0']);
const cache = process.env.IP_POST_CODE_CACHE === '0' ? 'off' : 'on (warmed by the first run; IP_POST_CODE_CACHE=0 measures without)';
console.log(`median of ${runs} runs each; ${seminar.includes('shared') ? '../shared' : 'examples'}/seminar.yml; code cache ${cache}`);
for (const name of Object.keys(commands)) {
  const ms = median(times[name]);
  console.log(`${name.padEnd(40)} ${ms.toFixed(1).padStart(7)} ms   ${(ms / baseline).toFixed(2)}×`);
}

// How soon `ip-post sandbox` is ready: from spawn to its first line (the addresses), then it is stopped.
async function sandboxReady() {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [bin, 'sandbox', '--port', '0', '--json'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise((resolve, reject) => {
    child.stdout.once('data', resolve);
    child.once('exit', () => reject(new Error('ip-post sandbox exited before it was ready')));
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  child.removeAllListeners('exit');
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGINT');
  });
  return ms;
}
const sandboxTimes = [];
for (let run = 0; run < Math.min(runs, 9); run++) sandboxTimes.push(await sandboxReady());
const sandboxMs = median(sandboxTimes);
console.log(`${'ip-post sandbox (until ready)'.padEnd(40)} ${sandboxMs.toFixed(1).padStart(7)} ms   ${(sandboxMs / baseline).toFixed(2)}×`);

// Publishing: every call to every platform takes 100 ms more (an injected latency); all five platforms at
// once should take little longer than the longest of them alone, since platforms run in parallel.
const { mkdtempSync, rmSync, writeFileSync, readFileSync, openSync, closeSync, writeSync } = await import('node:fs');
const { tmpdir } = await import('node:os');
const { join } = await import('node:path');
const work = mkdtempSync(join(tmpdir(), 'ip-post-bench-'));

async function startSandboxProcess() {
  const child = spawn(process.execPath, [bin, 'sandbox', '--port', '0', '--json'], { env: { ...env, XDG_CACHE_HOME: join(work, 'cache') }, stdio: ['ignore', 'pipe', 'ignore'] });
  const first = await new Promise((resolve) => child.stdout.once('data', (chunk) => resolve(String(chunk))));
  const ready = JSON.parse(first.split('\n')[0]);
  return {
    ...ready,
    async slow(ms) {
      for (const platform of ['facebook', 'instagram', 'x', 'youtube', 'tiktok']) {
        await fetch(`${ready.url}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ platform, kind: 'latency', latencyMs: ms, times: 0 }) });
      }
    },
    stop: () => new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGINT');
    }),
  };
}

function publishOnce(sandbox, args, extraEnv = {}) {
  const started = process.hrtime.bigint();
  const db = join(work, `record-${Math.random().toString(36).slice(2)}.db`);
  const result = spawnSync(process.execPath, [bin, 'announce', ...args, '--yes', '--json', '--sandbox', sandbox.url], { env: { ...env, IP_POST_DB: db, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 24 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`publish ${args.join(' ')} exited with ${result.status}: ${result.stdout}\n${result.stderr}`);
  return { ms, stderr: String(result.stderr) };
}

async function publishTime(args, repeats = 3) {
  const times = [];
  for (let run = 0; run < repeats; run++) {
    const sandbox = await startSandboxProcess();
    try {
      await sandbox.slow(100);
      times.push(publishOnce(sandbox, args).ms);
    } finally {
      await sandbox.stop();
    }
  }
  return median(times);
}

try {
  const chains = {};
  for (const platform of ['facebook', 'instagram', 'x', 'youtube', 'tiktok']) chains[platform] = await publishTime([seminar, '--only', platform]);
  const longest = Object.entries(chains).sort((a, b) => b[1] - a[1])[0];
  const all = await publishTime([seminar]);
  console.log(`\npublishing seminar.yml with 100 ms added to every platform call (median of 3, each in a fresh sandbox):`);
  for (const [platform, ms] of Object.entries(chains)) console.log(`  ${platform.padEnd(38)} ${ms.toFixed(0).padStart(7)} ms alone`);
  console.log(`${'all five platforms at once'.padEnd(40)} ${all.toFixed(0).padStart(7)} ms   ${(all / longest[1]).toFixed(2)}× the longest chain (${longest[0]})`);

  // Memory: a generated 512 MiB video (the example's header and frames, then zeros) uploaded to YouTube and
  // TikTok, read in chunks: the publishing process's peak resident memory.
  const video = join(work, 'big.mp4');
  const head = readFileSync(new URL('../examples/media/teaser.mp4', import.meta.url));
  const fd = openSync(video, 'w');
  writeSync(fd, head);
  const zeros = Buffer.alloc(8 * 1024 * 1024);
  for (let written = head.length; written < 512 * 1024 * 1024; written += zeros.length) writeSync(fd, zeros, 0, Math.min(zeros.length, 512 * 1024 * 1024 - written));
  closeSync(fd);
  writeFileSync(
    join(work, 'big.yml'),
    `id: bench-big-video\nlanguages: [lv]\nplatforms: [youtube, tiktok]\nevent: { title: Liels video, start: 2027-06-08T10:00, place: Daugavpils }\ntext: Pārbaude ar lielu video.\nmedia: [{ path: big.mp4 }]\n`,
  );
  const rssReport = join(work, 'rss.txt');
  writeFileSync(join(work, 'report-rss.cjs'), `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(rssReport)}, String(process.resourceUsage().maxRSS)));`);
  const sandbox = await startSandboxProcess();
  try {
    const { ms } = publishOnce(sandbox, [join(work, 'big.yml')], { NODE_OPTIONS: `--require ${join(work, 'report-rss.cjs')}` });
    const peakMb = Number(readFileSync(rssReport, 'utf8')) / 1024;
    console.log(`${'uploading a 512 MiB video (YouTube, TikTok)'.padEnd(40)} ${peakMb.toFixed(0).padStart(7)} MB peak RSS   (${(ms / 1000).toFixed(1)} s)`);
  } finally {
    await sandbox.stop();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
