import { existsSync } from 'node:fs';
import { adapters } from '../../adapters/index.js';
import type { PlatformName } from '../../adapters/names.js';
import { nowMs } from '../clock.js';
import { commandConfig, type Config } from '../config.js';
import { ExitCode, InputError } from '../errors.js';
import { colorsFor, type Colors } from '../output.js';
import { renderCard } from '../preview.js';
import { changeHeld, isHeld, markCancelled, outcomeOf, publishPosts, type PostOutcome } from '../publish/engine.js';
import { PublishError } from '../publish/errors.js';
import { leaseHolder } from '../publish/lease.js';
import { silentReporter } from '../publish/report.js';
import { chooseSchedule } from '../schedule/mode.js';
import { describeDaysBefore, reminderWordingAt } from '../schedule/reminders.js';
import { describeInstant, parseWhen } from '../schedule/when.js';
import { loadEnvFiles } from '../secrets.js';
import { databasePath } from '../store/location.js';
import { Store, type LeaseHolder, type PostRow } from '../store/store.js';
import type { AnnounceOptions } from './announce.js';

export interface QueueOptions {
  json?: boolean;
  db?: string;
  config?: string;
  sandbox?: AnnounceOptions['sandbox'];
}

interface Session {
  store: Store;
  config: Config;
  holder: LeaseHolder;
  c: Colors;
  json: boolean;
}

/** Opens the record for a queue command; `whenNone` answers when there is no record yet (none is made). */
async function open<T>(options: QueueOptions, work: (session: Session) => Promise<T>, whenNone?: () => T): Promise<T> {
  const config = await commandConfig(options.config, options.sandbox);
  loadEnvFiles(config);
  const file = databasePath(options.db, config.db);
  if (!existsSync(file)) {
    if (whenNone) return whenNone();
    throw new InputError({ file, message: 'there is no record here yet, so nothing is scheduled', fix: 'schedule posts with `ip-post announce FILE --at WHEN`; --db, IP_POST_DB or config db say where the record is' });
  }
  const store = await Store.open(file, { sandbox: Boolean(config.sandbox) });
  try {
    return await work({ store, config, holder: leaseHolder(config.schedule.leaseMs), c: colorsFor(process.stdout), json: Boolean(options.json) });
  } finally {
    store.close();
  }
}

const zoneOf = (row: PostRow) => row.plan.schedule?.timezone ?? 'UTC';
/** Not out yet and to go out at a time: in the queue, missed, held by its platform, or recorded by an `announce --at` that did not hand it over. */
const isWaiting = (row: PostRow) =>
  row.state === 'queued' || row.state === 'missed' || (row.due_at !== null && ((row.state === 'scheduled' && Date.parse(row.due_at) > nowMs()) || row.state === 'planned'));

/** `ip-post queue`: what waits for its time — when, where, in which languages, and how. */
export async function listQueue(options: QueueOptions): Promise<number> {
  const nothing = () => {
    process.stdout.write(options.json ? `${JSON.stringify({ posts: [] }, null, 2)}\n` : 'Nothing is scheduled.\n');
    return ExitCode.ok;
  };
  return open(
    options,
    async ({ store, c }) => {
      const rows = store.waiting().filter((row) => isWaiting(row) || row.state === 'sending');
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ posts: rows.map((row) => ({ ...outcomeOf(row), run: row.run_id, announcement: store.run(row.run_id)?.announcement })) }, null, 2)}\n`);
        return ExitCode.ok;
      }
      if (rows.length === 0) return nothing();
      const table = rows.map((row) => [
        String(row.id),
        describeInstant(new Date(row.due_at!), zoneOf(row)),
        adapters[row.platform as PlatformName].label,
        row.languages.join('+'),
        row.schedule === 'native' ? `on ${adapters[row.platform as PlatformName].label}` : 'queue',
        // The same words as --json's status; `how` says whether the platform or the queue holds it.
        row.state === 'missed' ? c.red('missed') : row.state === 'sending' || row.state === 'planned' ? c.yellow('sending') : outcomeOf(row).status,
        `${store.run(row.run_id)?.announcement ?? row.run_id}${row.reminder ? ` (reminder ${row.reminder} before)` : ''}`,
      ]);
      const header = ['post', 'when', 'platform', 'languages', 'how', 'state', 'announcement'];
      const widths = header.map((title, column) => Math.max(title.length, ...table.map((row) => stripColours(row[column]!).length)));
      const line = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell + ' '.repeat(widths[column]! - stripColours(cell).length))).join('  ');
      process.stdout.write(`${c.bold(line(header))}\n${table.map(line).join('\n')}\n`);
      process.stdout.write(c.dim('\n`ip-post queue show POST` shows one; `queue cancel` and `queue reschedule` take a post or a run id.\n'));
      return ExitCode.ok;
    },
    nothing,
  );
}

/** `ip-post queue show ID`: one post as it will go out, and where it stands. */
export async function showQueued(id: string, options: QueueOptions): Promise<number> {
  return open(options, async ({ store, c }) => {
    const rows = postsNamed(store, id);
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ posts: rows.map((row) => ({ ...outcomeOf(row), run: row.run_id, plan: row.plan })) }, null, 2)}\n`);
      return ExitCode.ok;
    }
    for (const row of rows) {
      const run = store.run(row.run_id)!;
      const facts = [
        `post ${row.id} · run ${row.run_id} · ${run.announcement} (${run.file})`,
        `state: ${row.state}${row.due_at ? ` · ${describeInstant(new Date(row.due_at), zoneOf(row))} · ${row.schedule === 'native' ? `${adapters[row.platform as PlatformName].label} publishes it` : '`ip-post run-due` publishes it'}` : ''}`,
        ...(row.url ? [`link: ${row.url}`] : []),
        ...(row.error ? [`${row.state === 'published' ? 'note' : 'error'}: ${row.error}`] : []),
      ];
      process.stdout.write(`${facts.join('\n')}\n\n${renderCard({ ...row.plan, schedule: undefined }, c).join('\n')}\n\n`);
    }
    return ExitCode.ok;
  });
}

/** `ip-post queue cancel ID…`: the post (or every waiting post of a run) will not go out; a native schedule is cancelled on the platform. */
export async function cancelQueued(ids: string[], options: QueueOptions): Promise<number> {
  return open(options, async (session) => {
    const { store, config, holder, c } = session;
    const named = [...new Map(ids.flatMap((id) => postsNamed(store, id)).map((row) => [row.id, row])).values()];
    if (!named.some(isWaiting)) throw notWaiting(ids, named);
    // A run's posts that are out are passed over; a post named by its number is answered for, whatever its state.
    // A run's post on its way now is answered for too: it cannot be cancelled, and the officer should know.
    const byNumber = new Set(ids.filter((id) => /^\d+$/.test(id)).map(Number));
    const rows = named.filter((row) => isWaiting(row) || byNumber.has(row.id) || (row.state === 'sending' && row.due_at !== null));
    return eachPost(session, rows, 'cancelled', async (row) => {
      // Held by its platform: cancelled there, with the intent recorded first, so that a cancel cut off
      // half-way is finished (by run-due or retry), never taken for a post deleted there.
      const note = isHeld(row) ? await changeHeld(row, { cancel: true }, { store, config, holder }) : undefined;
      if (!isHeld(row)) markCancelled(store, row.id);
      return note ? c.dim(` — ${note}`) : '';
    });
  });
}

/** `ip-post queue reschedule ID WHEN`: a post (or a run's waiting announcement posts) moves to another time, on the platform too. */
export async function rescheduleQueued(id: string, when: string, options: QueueOptions): Promise<number> {
  return open(options, async (session) => {
    const { store, holder, config } = session;
    const named = postsNamed(store, id);
    // A run's reminders keep their times: they are tied to the event, not to the announcement.
    const rows = named.filter((row) => isWaiting(row) && (/^\d+$/.test(id) || !row.reminder));
    if (rows.length === 0) throw notWaiting([id], named);
    const at = parseWhen(when, { zone: zoneOf(rows[0]!), now: new Date(nowMs()), flag: 'WHEN' });
    for (const row of rows) checkReminderWording(row, at);
    const starts = rows.map((row) => row.plan.schedule?.event).find((event) => event !== undefined && at.getTime() >= Date.parse(event));
    if (starts) process.stderr.write(`ip-post: warning: at ${describeInstant(at, zoneOf(rows[0]!))} the event (${describeInstant(new Date(starts), zoneOf(rows[0]!))}) will have begun, and the posts speak of it as ahead\n`);
    const overtaken = named.filter((row) => row.reminder && isWaiting(row) && !rows.includes(row) && Date.parse(row.due_at!) <= at.getTime());
    if (overtaken.length && !starts) process.stderr.write(`ip-post: warning: the announcement would come after its own ${[...new Set(overtaken.map((row) => row.reminder))].join(', ')} reminder${overtaken.length > 1 ? 's' : ''} (\`ip-post queue cancel\` them if they no longer fit)\n`);

    return eachPost(session, rows, 'rescheduled', async (row) => {
      const next = chooseSchedule(adapters[row.platform as PlatformName], config.platforms[row.platform as PlatformName].schedule, at, zoneOf(row), nowMs());
      if (isHeld(row) && next.mode === 'native') {
        await changeHeld(row, { move: at.toISOString() }, { store, config, holder });
      } else if (isHeld(row)) {
        await changeHeld(row, { withdraw: at.toISOString() }, { store, config, holder });
      } else if (next.mode === 'native') {
        // From the queue to the platform's own schedule: sent now, to be published at its time.
        store.reschedule(row.id, at.toISOString(), 'native', 'planned');
        const outcome = (await publishPosts([store.post(row.id)], { store, config, holder, reporter: silentReporter })).get(row.id);
        if (outcome?.status !== 'scheduled') {
          // Refused outright: the post waits as it did. Perhaps sent: it stays as the attempt left it, for retry.
          if (outcome?.status === 'failed') store.reschedule(row.id, row.due_at!, row.schedule ?? 'queue', row.state);
          throw new PublishError('fatal', `${outcome?.error ?? outcome?.status ?? 'another process took it over'}${outcome?.status === 'failed' ? '; it keeps its time' : `: \`ip-post retry ${row.run_id}\` tries again`}`, outcome?.code);
        }
      } else {
        store.reschedule(row.id, at.toISOString(), 'queue', 'queued');
      }
      return ` → ${describeInstant(at, zoneOf(row))} (${next.why})`;
    });
  });
}

/**
 * Does `act` to each post under its lease, one line each: "cancelled post 12 (…)…" or "not cancelled post 12
 * (…): why". A platform's refusal is reported and the others go on; exit 1 if any was refused.
 */
async function eachPost(session: Session, rows: PostRow[], done: string, act: (row: PostRow) => Promise<string>): Promise<number> {
  const { store, holder, c } = session;
  const results: (PostOutcome & { [action: string]: unknown })[] = [];
  for (const row of rows) {
    let refused: PublishError | undefined;
    try {
      if (!store.lease(row.id, holder)) throw new PublishError('fatal', `another ip-post process (${store.post(row.id).lease_holder}) is working on it now: try again in a minute`);
      // Read again under the lease: run-due may have sent it since the list was read.
      const current = store.post(row.id);
      if (done === 'cancelled' && current.state === 'cancelled') {
        if (!session.json) process.stdout.write(`${c.dim('already cancelled')} ${describePost(current)}\n`);
        results.push({ ...outcomeOf(current), [done]: true });
        continue;
      }
      if (!isWaiting(current)) throw new PublishError('fatal', whyNotWaiting(current));
      const detail = await act(current);
      if (!session.json) process.stdout.write(`${c.green(done)} ${describePost(row)}${detail}\n`);
    } catch (error) {
      if (!(error instanceof PublishError)) throw error;
      refused = error;
      if (!session.json) process.stdout.write(`${c.red(`not ${done}`)} ${describePost(row)}: ${error.message}${error.code ? ` [${error.code}]` : ''}\n`);
    } finally {
      store.release(row.id, holder);
    }
    results.push({ ...outcomeOf(store.post(row.id)), [done]: !refused, ...(refused && { refused: refused.message, ...(refused.code && { refusedCode: refused.code }) }) });
  }
  if (session.json) process.stdout.write(`${JSON.stringify({ posts: results }, null, 2)}\n`);
  return results.some((result) => !result[done]) ? ExitCode.planHasErrors : ExitCode.ok;
}

/** Why nothing of what was named can be cancelled or moved: each post's own state, in a sentence. */
function notWaiting(ids: string[], named: PostRow[]): InputError {
  const reasons = named.map(whyNotWaiting);
  const shown = reasons.slice(0, 5).join('; ') + (reasons.length > 5 ? `; and ${reasons.length - 5} more` : '');
  return new InputError({ path: 'ID', message: `nothing of ${ids.join(', ')} is waiting to go out: ${shown}`, fix: '`ip-post queue` lists what is waiting' });
}

/** Why a post is not one to cancel or move, in a sentence. */
function whyNotWaiting(row: PostRow): string {
  const what = `post ${row.id}${row.reminder ? ` (the ${row.reminder} reminder)` : ''}`;
  if (isWaiting(row)) return `${what} keeps its time: a run's reminders are moved one by one (\`ip-post queue reschedule ${row.id} WHEN\`)`;
  switch (row.state) {
    case 'published':
      return `${what} is already published${row.url ? `: ${row.url}` : ''}`;
    case 'cancelled':
      return `${what} is already cancelled`;
    case 'failed':
    case 'unknown':
      return `${what} ${row.state === 'failed' ? 'failed' : 'may not have gone out'}: \`ip-post retry ${row.run_id}\` sends it now`;
    case 'sending':
    case 'planned':
      return row.lease_holder && (row.lease_until ?? 0) > nowMs() ? `${what} is being sent now` : `${what} was interrupted while being sent: \`ip-post retry ${row.run_id}\` finishes it`;
    default:
      return `${what} was handed to ${adapters[row.platform as PlatformName].label} for ${describeInstant(new Date(row.due_at!), zoneOf(row))}, which has passed; \`ip-post run-due\` confirms it went out`;
  }
}

/** A post number, or a run id (all its posts). */
function postsNamed(store: Store, id: string): PostRow[] {
  if (/^\d+$/.test(id)) {
    const row = store.postIfAny(Number(id));
    if (!row) throw new InputError({ path: 'ID', message: `no post ${id} in the record`, fix: '`ip-post queue` lists scheduled posts by number' });
    store.checkKind(store.run(row.run_id)!);
    return [row];
  }
  const run = store.run(id);
  if (!run) throw new InputError({ path: 'ID', message: `no post or run "${id}" in the record`, fix: 'give a post number from `ip-post queue`, or a run id from `ip-post history`' });
  store.checkKind(run);
  return store.posts(id);
}

/** A reminder says "tomorrow" or "in 7 days": at another day that would no longer be true. */
function checkReminderWording(row: PostRow, at: Date): void {
  const reminder = row.plan.reminder;
  if (!reminder) return;
  const wording = reminderWordingAt(reminder, at, zoneOf(row));
  if (wording.true) return;
  const event = describeInstant(new Date(reminder.event), zoneOf(row));
  throw new InputError({
    path: 'WHEN',
    message: `post ${row.id} is the ${reminder.before} reminder, worded for ${describeDaysBefore(reminder.days)}; at ${describeInstant(at, zoneOf(row))} ${wording.begun ? `the event (${event}) will have begun` : `it would be ${describeDaysBefore(wording.days)}`}`,
    fix: `keep it on the same day, before the event, or cancel it (ip-post queue cancel ${row.id}) and schedule the announcement again with the --reminders you want`,
  });
}

function describePost(row: PostRow): string {
  return `post ${row.id} (${adapters[row.platform as PlatformName].label} ${row.languages.join('+')}${row.reminder ? `, reminder ${row.reminder} before` : ''})`;
}

function stripColours(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
