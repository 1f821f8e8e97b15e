import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { nowMs } from '../clock.js';
import { InputError } from '../errors.js';
import type { PlannedPost } from '../plan/types.js';

/**
 * Where a post stands. `queued`: waiting in ip-post's own queue for `run-due`; `scheduled`: handed to the
 * platform, which publishes it at its time; `sending`: a call that changes the platform has started and its
 * outcome is not recorded yet; `missed`: its time passed by more than the grace period while nothing ran.
 */
export type PostState = 'planned' | 'queued' | 'sending' | 'published' | 'scheduled' | 'failed' | 'unknown' | 'missed' | 'cancelled';

/** How a post waits for its time: on the platform (`native`) or in ip-post's queue. */
export type ScheduleMode = 'native' | 'queue';

export interface RunRow {
  id: string;
  announcement: string;
  file: string;
  created_at: string;
  finished_at: string | null;
  /** 1: published into a sandbox, 0: for real. */
  sandbox: number;
}

export interface PostRow {
  id: number;
  run_id: string;
  position: number;
  platform: string;
  account: string | null;
  languages: string[];
  plan: PlannedPost;
  state: PostState;
  remote_id: string | null;
  url: string | null;
  attempts: number;
  error: string | null;
  error_code: string | null;
  progress: Record<string, unknown>;
  updated_at: string;
  /** When it is to go out (ISO 8601); null: at once. */
  due_at: string | null;
  schedule: ScheduleMode | null;
  /** For a reminder: how long before the event, as given (`1d`). */
  reminder: string | null;
  lease_holder: string | null;
  /** Until when (ms since the epoch) the holder may work on it without renewing. */
  lease_until: number | null;
}

/** A post to record: the plan, and when and how it is to go out. */
export interface NewPost {
  plan: PlannedPost;
  dueAt?: string;
  schedule?: ScheduleMode;
  reminder?: string;
}

/** Who holds leases: this process. `isDead` says whether another holder is known to be gone. */
export interface LeaseHolder {
  id: string;
  leaseMs: number;
  isDead(holder: string): boolean;
}

/** Each step moves the schema forward once; `user_version` says how far a database has come. */
export const migrations: string[] = [
  `CREATE TABLE runs (
     id TEXT PRIMARY KEY,
     announcement TEXT NOT NULL,
     file TEXT NOT NULL,
     created_at TEXT NOT NULL,
     finished_at TEXT
   );
   CREATE TABLE posts (
     id INTEGER PRIMARY KEY,
     run_id TEXT NOT NULL REFERENCES runs(id),
     position INTEGER NOT NULL,
     platform TEXT NOT NULL,
     account TEXT,
     languages TEXT NOT NULL,
     plan TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('planned', 'sending', 'published', 'scheduled', 'failed', 'unknown')),
     remote_id TEXT,
     url TEXT,
     attempts INTEGER NOT NULL DEFAULT 0,
     error TEXT,
     error_code TEXT,
     progress TEXT NOT NULL DEFAULT '{}',
     updated_at TEXT NOT NULL,
     UNIQUE (run_id, position)
   );
   CREATE INDEX posts_by_state ON posts (state);
   CREATE TABLE calls (
     id INTEGER PRIMARY KEY,
     post_id INTEGER NOT NULL REFERENCES posts(id),
     at TEXT NOT NULL,
     name TEXT NOT NULL,
     phase TEXT NOT NULL CHECK (phase IN ('before', 'after', 'error')),
     detail TEXT
   );
   CREATE INDEX calls_by_post ON calls (post_id);`,
  // Scheduling: when a post is due, how it waits, reminders, and leases so that one process publishes it.
  // SQLite cannot change a CHECK constraint in place, so the table is rebuilt (foreign keys are off meanwhile).
  `CREATE TABLE posts_next (
     id INTEGER PRIMARY KEY,
     run_id TEXT NOT NULL REFERENCES runs(id),
     position INTEGER NOT NULL,
     platform TEXT NOT NULL,
     account TEXT,
     languages TEXT NOT NULL,
     plan TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('planned', 'queued', 'sending', 'published', 'scheduled', 'failed', 'unknown', 'missed', 'cancelled')),
     remote_id TEXT,
     url TEXT,
     attempts INTEGER NOT NULL DEFAULT 0,
     error TEXT,
     error_code TEXT,
     progress TEXT NOT NULL DEFAULT '{}',
     updated_at TEXT NOT NULL,
     due_at TEXT,
     schedule TEXT CHECK (schedule IN ('native', 'queue')),
     reminder TEXT,
     lease_holder TEXT,
     lease_until INTEGER,
     UNIQUE (run_id, position)
   );
   INSERT INTO posts_next (id, run_id, position, platform, account, languages, plan, state, remote_id, url, attempts, error, error_code, progress, updated_at)
     SELECT id, run_id, position, platform, account, languages, plan, state, remote_id, url, attempts, error, error_code, progress, updated_at FROM posts;
   DROP TABLE posts;
   ALTER TABLE posts_next RENAME TO posts;
   CREATE INDEX posts_by_state ON posts (state);
   CREATE INDEX posts_waiting ON posts (due_at) WHERE state IN ('queued', 'sending');`,
  // run-due also looks at posts a platform holds once their time has passed, to confirm they went out.
  `DROP INDEX posts_waiting;
   DROP INDEX posts_by_state;
   CREATE INDEX posts_by_state_and_time ON posts (state, due_at);`,
  // Runs into a sandbox and real runs in one record (--db, IP_POST_DB) are kept apart: run-due, retry and
  // queue act only on the kind they are run for.
  `ALTER TABLE runs ADD COLUMN sandbox INTEGER NOT NULL DEFAULT 0;`,
];

/**
 * The durable record: every run, every post and its state, and a journal of each remote call written
 * before and after it (SQLite in WAL mode, each write its own transaction, so a crash leaves a true record).
 */
export class Store {
  /** Only posts of runs of this kind (sandbox or real) are due, waiting or listed. */
  private readonly ofKind: string;

  private constructor(
    private readonly db: BetterSqlite3.Database,
    /** Whether this store is used for a sandbox: its runs are recorded as such, and only they are worked on. */
    private readonly sandbox: boolean,
  ) {
    this.ofKind = `run_id IN (SELECT id FROM runs WHERE sandbox = ${sandbox ? 1 : 0})`;
  }

  static async open(file: string, options: { sandbox?: boolean } = {}): Promise<Store> {
    const { default: Database } = await import('better-sqlite3');
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      const store = new Store(db, Boolean(options.sandbox));
      store.migrate();
      return store;
    } catch (error) {
      db.close();
      const code = (error as { code?: string }).code;
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
        throw new InputError({ file, message: 'is not an ip-post record (SQLite cannot read it as a database)', fix: 'point --db, IP_POST_DB or config db at the record; to start a new one, move this file away' });
      }
      throw error;
    }
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > migrations.length) throw new InputError({ file: this.db.name, message: `was written by a newer ip-post (record version ${version}; this one knows ${migrations.length})`, fix: 'update ip-post (npm install) before using this record' });
    if (version === migrations.length) return;
    this.db.pragma('foreign_keys = OFF');
    try {
      for (let step = version; step < migrations.length; step++) {
        this.db
          .transaction(() => {
            // Another process may have migrated meanwhile: the version is read again inside the write lock.
            if ((this.db.pragma('user_version', { simple: true }) as number) > step) return;
            this.db.exec(migrations[step]!);
            if ((this.db.pragma('foreign_key_check') as unknown[]).length) throw new Error(`migrating the record to version ${step + 1} broke a reference`);
            this.db.pragma(`user_version = ${step + 1}`);
          })
          .immediate();
      }
    } finally {
      this.db.pragma('foreign_keys = ON');
    }
  }

  close(): void {
    this.db.close();
  }

  /**
   * Records a run and its posts: those due later wait as `queued` (or go to their platform's own schedule),
   * the rest are `planned`. A holder given leases the posts it will publish at once, so no one else does.
   */
  createRun(run: { id: string; announcement: string; file: string }, posts: NewPost[], holder?: LeaseHolder): PostRow[] {
    const now = stamp();
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO runs (id, announcement, file, created_at, sandbox) VALUES (?, ?, ?, ?, ?)').run(run.id, run.announcement, run.file, now, this.sandbox ? 1 : 0);
      const insert = this.db.prepare(
        'INSERT INTO posts (run_id, position, platform, account, languages, plan, state, updated_at, due_at, schedule, reminder, lease_holder, lease_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      posts.forEach(({ plan, dueAt, schedule, reminder }, position) => {
        const queued = schedule === 'queue';
        insert.run(
          run.id,
          position,
          plan.platform,
          plan.account,
          JSON.stringify(plan.languages),
          JSON.stringify(plan),
          queued ? 'queued' : 'planned',
          now,
          dueAt ?? null,
          schedule ?? null,
          reminder ?? null,
          holder && !queued ? holder.id : null,
          holder && !queued ? nowMs() + holder.leaseMs : null,
        );
      });
    })();
    return this.posts(run.id);
  }

  finishRun(id: string): void {
    this.db.prepare('UPDATE runs SET finished_at = ? WHERE id = ?').run(stamp(), id);
  }

  run(id: string): RunRow | undefined {
    return this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
  }

  /** The latest runs of this store's kind (sandbox or real). */
  runs(limit = 20): RunRow[] {
    return this.db.prepare('SELECT * FROM runs WHERE sandbox = ? ORDER BY created_at DESC, id DESC LIMIT ?').all(this.sandbox ? 1 : 0, limit) as RunRow[];
  }

  /** A run of the other kind cannot be worked on here: one into a sandbox must not reach the real platforms, nor the other way round. */
  checkKind(run: RunRow): void {
    if (run.sandbox === (this.sandbox ? 1 : 0)) return;
    throw new InputError(
      run.sandbox
        ? { message: `run ${run.id} was published into a sandbox`, fix: 'add --sandbox to work on it' }
        : { message: `run ${run.id} is a real run, not a sandbox's`, fix: 'leave out --sandbox to work on it' },
    );
  }

  posts(runId: string): PostRow[] {
    return (this.db.prepare('SELECT * FROM posts WHERE run_id = ? ORDER BY position').all(runId) as Record<string, unknown>[]).map(toPost);
  }

  postIfAny(id: number): PostRow | undefined {
    const row = this.db.prepare('SELECT * FROM posts WHERE id = ?').get(id) as Record<string, unknown> | undefined;
    return row && toPost(row);
  }

  post(id: number): PostRow {
    return toPost(this.db.prepare('SELECT * FROM posts WHERE id = ?').get(id) as Record<string, unknown>);
  }

  /**
   * Moves a post to a new state with what is known about it. With `heldBy`, only while that holder still has
   * the post's lease: false when another process took it over.
   */
  update(id: number, fields: { state?: PostState; remoteId?: string; url?: string; error?: string | null; errorCode?: string | null; attempt?: boolean }, heldBy?: LeaseHolder): boolean {
    const changed = this.db
      .prepare(
        `UPDATE posts SET state = COALESCE(?, state), remote_id = COALESCE(?, remote_id), url = COALESCE(?, url),
           error = CASE WHEN ? THEN ? ELSE error END, error_code = CASE WHEN ? THEN ? ELSE error_code END,
           attempts = attempts + ?, updated_at = ? WHERE id = ? AND (? IS NULL OR lease_holder = ?)`,
      )
      .run(
        fields.state ?? null,
        fields.remoteId ?? null,
        fields.url ?? null,
        fields.error !== undefined ? 1 : 0,
        fields.error ?? null,
        fields.errorCode !== undefined ? 1 : 0,
        fields.errorCode ?? null,
        fields.attempt ? 1 : 0,
        stamp(),
        id,
        heldBy?.id ?? null,
        heldBy?.id ?? null,
      ).changes;
    return changed === 1;
  }

  /**
   * Remembers how far a post has come on its platform (ids, sessions, offsets), to resume after a crash.
   * With `heldBy`, only while that holder has the post's lease: false when another took it over.
   */
  setProgress(id: number, key: string, value: unknown, heldBy?: LeaseHolder): boolean {
    if (!/^[\w:.-]+$/.test(key)) throw new Error(`progress key ${key} must be letters, digits, _ : . -`);
    return (
      this.db
        .prepare(`UPDATE posts SET progress = json_set(progress, '$."' || ? || '"', json(?)), updated_at = ? WHERE id = ? AND (? IS NULL OR lease_holder = ?)`)
        .run(key, JSON.stringify(value ?? null), stamp(), id, heldBy?.id ?? null, heldBy?.id ?? null).changes === 1
    );
  }

  journal(postId: number, name: string, phase: 'before' | 'after' | 'error', detail?: unknown): void {
    this.db.prepare('INSERT INTO calls (post_id, at, name, phase, detail) VALUES (?, ?, ?, ?, ?)').run(postId, stamp(), name, phase, detail === undefined ? null : JSON.stringify(detail));
  }

  calls(postId: number): { name: string; phase: string; detail: unknown }[] {
    return (this.db.prepare('SELECT name, phase, detail FROM calls WHERE post_id = ? ORDER BY id').all(postId) as { name: string; phase: string; detail: string | null }[]).map((row) => ({
      ...row,
      detail: row.detail === null ? undefined : (JSON.parse(row.detail) as unknown),
    }));
  }

  /**
   * Whether run-due has anything to do: queued (or interrupted) posts due by `at`, posts a platform held whose
   * time was `confirmBy` or earlier, missed posts with `includeMissed`. A few index lookups, so that a cron run
   * with nothing to do ends at once.
   */
  anythingDue(at: number, options: { includeMissed?: boolean; confirmBy?: number } = {}): boolean {
    const exists = (states: string, by: number) => this.db.prepare(`SELECT EXISTS (SELECT 1 FROM posts WHERE state IN (${states}) AND due_at <= ? AND ${this.ofKind})`).pluck().get(new Date(by).toISOString()) === 1;
    // 'planned' or 'sending', whatever the time: an `announce --at` or run-due is sending it (if it was cut off, run-due goes on).
    return (
      exists(`'queued'`, at) ||
      exists(`'planned', 'sending'`, anyTime) ||
      (options.confirmBy !== undefined && exists(`'scheduled'`, options.confirmBy)) ||
      this.db.prepare(`SELECT EXISTS (SELECT 1 FROM posts WHERE state = 'scheduled' AND ${withIntent} AND ${this.ofKind})`).pluck().get() === 1 ||
      (Boolean(options.includeMissed) && exists(`'missed'`, at))
    );
  }

  /** The posts run-due would take now (without leasing them), to check that what they need is there before any is taken. */
  due(at: number, options: { includeMissed?: boolean } = {}): PostRow[] {
    const states = options.includeMissed ? `'queued', 'missed'` : `'queued'`;
    return (
      this.db
        .prepare(`SELECT * FROM posts WHERE ((state IN (${states}) AND due_at <= ?) OR (state IN ('planned', 'sending') AND due_at IS NOT NULL)) AND ${this.ofKind} ORDER BY due_at, id`)
        .all(new Date(at).toISOString()) as Record<string, unknown>[]
    ).map(toPost);
  }

  /**
   * Leases up to `limit` posts in `states` due by `dueBy` for `holder`, in one write transaction, so that of
   * several processes exactly one gets each post. A post held by another is taken only when its lease ran
   * out or its holder is known to be dead; what that holder did is in the post's progress and journal, and
   * is checked first.
   */
  claimDue(holder: LeaseHolder, options: { dueBy: number; states: PostState[]; limit: number; excluding?: ReadonlySet<number>; orWithIntent?: boolean }): PostRow[] {
    const at = nowMs();
    const states = options.states.map((state) => `'${state}'`).join(', ');
    // orWithIntent: also, whatever their time, posts a cut-off cancel or move left half-done (see changeHeld).
    const when = options.orWithIntent ? `(due_at <= ? OR ${withIntent})` : 'due_at <= ?';
    return this.db
      .transaction(() => {
        const candidates = this.db
          .prepare(`SELECT id, lease_holder, lease_until FROM posts WHERE state IN (${states}) AND ${when} AND ${this.ofKind} ORDER BY due_at, id`)
          .all(new Date(options.dueBy).toISOString()) as { id: number; lease_holder: string | null; lease_until: number | null }[];
        const free = candidates.filter((row) => !options.excluding?.has(row.id) && isFree(row, holder, at)).slice(0, options.limit);
        const take = this.db.prepare('UPDATE posts SET lease_holder = ?, lease_until = ? WHERE id = ?');
        for (const row of free) take.run(holder.id, at + holder.leaseMs, row.id);
        return free.map((row) => this.post(row.id));
      })
      .immediate();
  }

  /** Leases one post for `holder`; false when another live process holds it. */
  lease(postId: number, holder: LeaseHolder): boolean {
    return this.db
      .transaction(() => {
        const row = this.db.prepare('SELECT id, lease_holder, lease_until FROM posts WHERE id = ?').get(postId) as { id: number; lease_holder: string | null; lease_until: number | null } | undefined;
        const at = nowMs();
        if (!row || !isFree(row, holder, at)) return false;
        this.db.prepare('UPDATE posts SET lease_holder = ?, lease_until = ? WHERE id = ?').run(holder.id, at + holder.leaseMs, postId);
        return true;
      })
      .immediate();
  }

  /**
   * Renews the holder's lease on one post if it still has it: false when its lease ran out and another
   * process took the post over, which then alone may change the platform or the post's state.
   */
  keepLease(postId: number, holder: LeaseHolder): boolean {
    return this.db.prepare('UPDATE posts SET lease_until = ? WHERE id = ? AND lease_holder = ?').run(nowMs() + holder.leaseMs, postId, holder.id).changes === 1;
  }

  /** Whether the holder still has the post's lease (read only: no write, no wait for the disk). */
  holdsLease(postId: number, holder: LeaseHolder): boolean {
    return this.db.prepare('SELECT lease_holder FROM posts WHERE id = ?').pluck().get(postId) === holder.id;
  }

  /** Keeps the holder's leases alive while it works. */
  renewLeases(holder: LeaseHolder): void {
    this.db.prepare('UPDATE posts SET lease_until = ? WHERE lease_holder = ?').run(nowMs() + holder.leaseMs, holder.id);
  }

  release(postId: number, holder: LeaseHolder): void {
    this.db.prepare('UPDATE posts SET lease_holder = NULL, lease_until = NULL WHERE id = ? AND lease_holder = ?').run(postId, holder.id);
  }

  /** Moves a waiting post to another time (and way of waiting). */
  reschedule(postId: number, dueAt: string, schedule: ScheduleMode, state: PostState): void {
    this.db.prepare('UPDATE posts SET due_at = ?, schedule = ?, state = ?, error = NULL, error_code = NULL, updated_at = ? WHERE id = ?').run(dueAt, schedule, state, stamp(), postId);
  }

  /**
   * The platform no longer has what it was sent (deleted there before its time): the post failed, and
   * nothing of the earlier sending is kept, so that `retry` sends it anew rather than finding it done.
   */
  lostOnPlatform(postId: number, error: string): void {
    this.db
      .prepare(`UPDATE posts SET state = 'failed', remote_id = NULL, url = NULL, progress = '{}', error = ?, error_code = NULL, updated_at = ? WHERE id = ?`)
      .run(error, stamp(), postId);
  }

  /** Back into ip-post's queue, as if never sent: the platform no longer holds it (a native schedule was cancelled there). */
  requeue(postId: number, dueAt: string): void {
    this.db
      .prepare(`UPDATE posts SET state = 'queued', schedule = 'queue', due_at = ?, remote_id = NULL, url = NULL, progress = '{}', error = NULL, error_code = NULL, updated_at = ? WHERE id = ?`)
      .run(dueAt, stamp(), postId);
  }

  /** Posts that wait for their time, on the platform or in the queue (or on their way there), and those that missed it; soonest first. */
  waiting(): PostRow[] {
    return (this.db.prepare(`SELECT * FROM posts WHERE due_at IS NOT NULL AND state IN ('planned', 'queued', 'scheduled', 'missed', 'sending') AND ${this.ofKind} ORDER BY due_at, id`).all() as Record<string, unknown>[]).map(toPost);
  }
}

/** As `dueBy`: posts whatever their time. */
export const anyTime = Date.parse('9999-12-31T23:59:59.999Z');

/** A cancel, move or withdrawal of a held post recorded but not yet carried out (a command was cut off). */
const withIntent = `json_extract(progress, '$.intent') IS NOT NULL`;

function toPost(row: Record<string, unknown>): PostRow {
  return {
    ...(row as unknown as PostRow),
    languages: JSON.parse(row.languages as string) as string[],
    plan: JSON.parse(row.plan as string) as PlannedPost,
    progress: JSON.parse(row.progress as string) as Record<string, unknown>,
  };
}

/** Timestamps in the record follow the clock, so IP_POST_NOW makes a test's record read as its story. */
function stamp(): string {
  return new Date(nowMs()).toISOString();
}

function isFree(row: { lease_holder: string | null; lease_until: number | null }, holder: LeaseHolder, at: number): boolean {
  return row.lease_holder === null || row.lease_holder === holder.id || (row.lease_until ?? 0) < at || holder.isDead(row.lease_holder);
}
