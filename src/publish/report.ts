import type { Colors } from '../output.js';
import type { PostRow } from '../store/store.js';
import type { PostOutcome, Reporter } from './engine.js';
import { describeSize } from '../media.js';
import { describeInstant } from '../schedule/when.js';

const label = (post: PostRow) => `${post.platform} ${post.languages.join('+')}`;
const time = () => new Date().toTimeString().slice(0, 8);

/** Without a terminal: plain timestamped lines, uploads every quarter. */
export function lineReporter(write: (line: string) => void, c: Colors): Reporter {
  const quarters = new Map<number, number>();
  return {
    start: (post) => write(`${c.dim(time())} ${label(post)}: starting`),
    step: (post, text) => write(`${c.dim(time())} ${label(post)}: ${text}`),
    sent(post, bytes, total) {
      const quarter = Math.floor((4 * bytes) / Math.max(1, total));
      if (quarter <= (quarters.get(post.id) ?? -1)) return;
      quarters.set(post.id, quarter);
      write(`${c.dim(time())} ${label(post)}: sent ${describeSize(bytes)} of ${describeSize(total)}`);
    },
    finish: (post, outcome) => write(`${c.dim(time())} ${label(post)}: ${describeOutcome(outcome, c)}`),
    close: () => undefined,
  };
}

/** On a terminal: a live line per post, with a progress bar, speed and time left while it uploads. */
export async function barReporter(stream: NodeJS.WriteStream, c: Colors): Promise<Reporter> {
  const { MultiBar } = await import('cli-progress');
  const bars = new MultiBar(
    {
      stream,
      format: `{label} ${c.cyan('{bar}')} {percentage}% | {done} {speed} ETA {eta_formatted} | {step}`,
      barCompleteChar: '█',
      barIncompleteChar: '░',
      barsize: 20,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      etaBuffer: 20,
      formatValue: (value, _options, type) => (type === 'percentage' ? String(value).padStart(3) : String(value)),
    },
    undefined as never,
  );
  const active = new Map<number, { bar: ReturnType<typeof bars.create>; started: number }>();
  return {
    start(post) {
      active.set(post.id, { bar: bars.create(1, 0, { label: label(post).padEnd(16), step: 'starting', done: '', speed: '' }), started: Date.now() });
    },
    step: (post, text) => active.get(post.id)?.bar.update({ step: text.slice(0, 60) }),
    sent(post, bytes, total) {
      const entry = active.get(post.id);
      if (!entry) return;
      const seconds = Math.max(0.001, (Date.now() - entry.started) / 1000);
      entry.bar.setTotal(total);
      entry.bar.update(bytes, { done: `${describeSize(bytes)}/${describeSize(total)}`, speed: `${describeSize(bytes / seconds)}/s` });
    },
    finish(post, outcome) {
      const entry = active.get(post.id);
      if (!entry) return;
      entry.bar.update(entry.bar.getTotal(), { step: describeOutcome(outcome, c) });
      entry.bar.stop();
    },
    close: () => bars.stop(),
  };
}

export const silentReporter: Reporter = { start: () => undefined, step: () => undefined, sent: () => undefined, finish: () => undefined, close: () => undefined };

export function describeOutcome(outcome: PostOutcome, c: Colors): string {
  switch (outcome.status) {
    case 'published':
      return c.green(`published ${outcome.url}`) + (outcome.warning ? c.yellow(` (${outcome.warning})`) : '');
    case 'scheduled':
      return c.green(`scheduled: ${describeWaiting(outcome)}`);
    case 'unknown':
      return c.yellow(`unknown: ${outcome.error}`);
    default:
      return c.red(`failed: ${outcome.error}${outcome.code ? ` [${outcome.code}]` : ''}`);
  }
}

/** "2027-06-01 10:00 EEST (Europe/Riga), Facebook publishes it https://…" */
function describeWaiting(outcome: PostOutcome): string {
  const when = outcome.at ? describeInstant(new Date(outcome.at), outcome.timezone ?? 'UTC') : '';
  const how = outcome.via === 'native' ? `on ${outcome.platform}` : 'in the queue for `ip-post run-due`';
  return `${when}, ${how}${outcome.url ? ` ${outcome.url}` : ''}`;
}

/** The closing table: platform, languages, status, and the link or what went wrong. */
export function summaryTable(posts: PostOutcome[], c: Colors): string {
  const rows = posts.map((post) => [
    post.platform + (post.reminder ? ` (reminder ${post.reminder})` : ''),
    post.languages.join(', '),
    post.status,
    post.status === 'scheduled' ? describeWaiting(post) : post.status === 'published' ? (post.url ?? '') + (post.warning ? ` (${post.warning})` : '') : `${post.error ?? ''}${post.code ? ` [${post.code}]` : ''}`,
  ]);
  const header = ['platform', 'languages', 'status', 'link or error'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const paint = (status: string, text: string) => (status === 'published' || status === 'scheduled' ? c.green(text) : status === 'unknown' ? c.yellow(text) : c.red(text));
  const line = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ');
  return [c.bold(line(header)), ...rows.map((row) => paint(row[2]!, line(row)))].join('\n');
}
