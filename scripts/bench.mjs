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
