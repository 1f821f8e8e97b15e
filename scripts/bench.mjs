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

  await benchRunDue();
} finally {
  rmSync(work, { recursive: true, force: true });
}

// run-due from cron: with 100,000 posts queued for later and nothing due it must end about as soon as
// Node does; with 1,000 posts due it publishes them into a sandbox (whose daily caps are raised for this).
async function benchRunDue() {
  const { default: Database } = await import('better-sqlite3');
  const { createRequire } = await import('node:module');
  // The record at the current schema, made by ip-post's own Store (bundled here: commands that only read
  // the record make none).
  const { build } = await import('esbuild');
  const bundled = await build({ entryPoints: [`${root}src/store/store.ts`], bundle: true, platform: 'node', format: 'cjs', write: false, external: ['better-sqlite3'], logLevel: 'warning' });
  const storeModule = { exports: {} };
  new Function('module', 'exports', 'require', bundled.outputFiles[0].text)(storeModule, storeModule.exports, createRequire(import.meta.url));
  const recordFor = async (name) => {
    const file = join(work, name);
    (await storeModule.exports.Store.open(file)).close();
    return file;
  };
  const insertQueued = (file, rows, sandbox = 0) => {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.transaction(() => {
      const run = db.prepare(`INSERT INTO runs (id, announcement, file, created_at, sandbox) VALUES (?, ?, ?, ?, ${sandbox})`);
      const post = db.prepare(`INSERT INTO posts (run_id, position, platform, account, languages, plan, state, updated_at, due_at, schedule) VALUES (?, ?, ?, NULL, '["lv"]', ?, 'queued', ?, ?, 'queue')`);
      for (const [index, row] of rows.entries()) {
        if (index === 0 || rows[index - 1].run !== row.run) run.run(row.run, 'bench', 'bench.yml', '2027-05-01T00:00:00Z');
        post.run(row.run, row.position, row.plan.platform, JSON.stringify(row.plan), '2027-05-01T00:00:00Z', row.due);
      }
    })();
    db.close();
  };

  const idle = await recordFor('idle.db');
  const stub = { platform: 'x', account: null, languages: ['lv'], strategy: 'separate', format: 'post', text: 'later', media: [], lengths: [], notes: [], warnings: [], errors: [] };
  insertQueued(idle, Array.from({ length: 100_000 }, (_, index) => ({ run: `run-${Math.floor(index / 5)}`, position: index % 5, plan: stub, due: new Date(Date.parse('2099-01-01T00:00:00Z') + index * 60_000).toISOString() })));
  const idleTimes = { node: [], runDue: [] };
  for (let run = 0; run < runs; run++) {
    for (const [name, args] of [['node', ['-e', '0']], ['runDue', [bin, 'run-due', '--db', idle]]]) {
      const started = process.hrtime.bigint();
      const result = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      idleTimes[name].push(Number(process.hrtime.bigint() - started) / 1e6);
      if (result.status !== 0 || String(result.stdout)) throw new Error(`run-due with nothing due: exit ${result.status} ${result.stdout}${result.stderr}`);
    }
  }
  const idleMs = median(idleTimes.runDue);
  console.log(`\n${'run-due, 100,000 queued, nothing due'.padEnd(40)} ${idleMs.toFixed(1).padStart(7)} ms   ${(idleMs / median(idleTimes.node)).toFixed(2)}× node -e 0`);

  // 1,000 due posts: the Facebook and YouTube posts of 500 announcements, each its own text, planned by
  // ip-post itself (a dry-run's JSON plan, with each medium's file put back). Instagram (400 containers a
  // day), X (100 posts in 15 minutes) and TikTok (15 a day) take far fewer than 1,000, as the platforms do.
  // The sandbox runs in this process: commands run alongside it, not blocking it.
  const runAsync = (args, extraEnv = {}) =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, args, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
      const out = [];
      const err = [];
      child.stdout.on('data', (chunk) => out.push(chunk));
      child.stderr.on('data', (chunk) => err.push(chunk));
      child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
    });
  const { startSandbox } = createRequire(import.meta.url)(`${root}dist/commands/sandbox.cjs`);
  const sandbox = await startSandbox({ processingPolls: 1, youtubeUploadsPerDay: 1_000_000, youtubeUnitsPerDay: 1_000_000_000 });
  try {
    const media = `${root}examples/media`;
    writeFileSync(join(work, 'due.yml'), `id: bench-due\nlanguages: [lv]\nplatforms: [facebook, youtube]\nevent: { title: "Seminārs nr. 0", start: 2027-06-08T10:00, place: Daugavpils }\ntext: "Seminārs nr. 0 visiem interesentiem."\nmedia: [{ path: ${media}/poster.jpg, alt: Plakāts }, { path: ${media}/teaser.mp4 }]\n`);
    const planned = await runAsync([bin, 'announce', join(work, 'due.yml'), '--dry-run', '--json', '--sandbox', sandbox.url]);
    if (planned.status !== 0) throw new Error(`planning the run-due bench: ${planned.stderr}`);
    const template = JSON.parse(String(planned.stdout)).posts.map((post) => ({ ...post, media: post.media.map((item) => ({ ...item, file: item.source })) }));
    const due = '2027-06-01T07:00:00.000Z';
    const rows = [];
    for (let index = 0; rows.length < 1000; index++) {
      for (const post of template) {
        if (rows.length === 1000) break;
        const plan = JSON.parse(JSON.stringify({ ...post, schedule: { at: due, timezone: 'Europe/Riga', mode: 'queue', why: 'bench' } }).replaceAll('nr. 0', `nr. ${index}`));
        rows.push({ run: `due-${index}`, position: rows.filter((row) => row.run === `due-${index}`).length, plan, due });
      }
    }
    const busy = await recordFor('due.db');
    insertQueued(busy, rows, 1); // published into the sandbox, as run-due --sandbox expects
    const started = process.hrtime.bigint();
    const result = await runAsync([bin, 'run-due', '--json', '--db', busy, '--sandbox', sandbox.url], { IP_POST_NOW: '2027-06-01T07:01:00.000Z' });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const published = JSON.parse(String(result.stdout) || '{"posts":[]}').posts.filter((post) => post.status === 'published').length;
    if (result.status !== 0 || published !== 1000 || sandbox.records.list().length !== 1000) throw new Error(`run-due with 1,000 due: exit ${result.status}, ${published} published, ${sandbox.records.list().length} on the sandbox: ${result.stderr}`);
    console.log(`${'run-due, 1,000 due posts (FB, YouTube)'.padEnd(40)} ${seconds.toFixed(1).padStart(7)} s    ${(1000 / seconds).toFixed(0)} posts/s`);
  } finally {
    await sandbox.close();
  }
}
