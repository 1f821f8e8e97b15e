import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { PlannedPost } from '../plan/types.js';

/** Where a post stands. `sending`: a call that changes the platform has started and its outcome is not recorded yet. */
export type PostState = 'planned' | 'sending' | 'published' | 'scheduled' | 'failed' | 'unknown';

export interface RunRow {
  id: string;
  announcement: string;
  file: string;
  created_at: string;
  finished_at: string | null;
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
}

/** Each step moves the schema forward once; `user_version` says how far a database has come. */
const migrations: string[] = [
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
];

/**
 * The durable record: every run, every post and its state, and a journal of each remote call written
 * before and after it (SQLite in WAL mode, each write its own transaction, so a crash leaves a true record).
 */
export class Store {
  private constructor(private readonly db: BetterSqlite3.Database) {}

  static async open(file: string): Promise<Store> {
    const { default: Database } = await import('better-sqlite3');
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const store = new Store(db);
    store.migrate();
    return store;
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    for (let step = version; step < migrations.length; step++) {
      this.db.transaction(() => {
        this.db.exec(migrations[step]!);
        this.db.pragma(`user_version = ${step + 1}`);
      })();
    }
  }

  close(): void {
    this.db.close();
  }

  createRun(run: { id: string; announcement: string; file: string }, posts: PlannedPost[]): PostRow[] {
    const now = new Date().toISOString();
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO runs (id, announcement, file, created_at) VALUES (?, ?, ?, ?)').run(run.id, run.announcement, run.file, now);
      const insert = this.db.prepare('INSERT INTO posts (run_id, position, platform, account, languages, plan, state, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      posts.forEach((post, position) => insert.run(run.id, position, post.platform, post.account, JSON.stringify(post.languages), JSON.stringify(post), 'planned', now));
    })();
    return this.posts(run.id);
  }

  finishRun(id: string): void {
    this.db.prepare('UPDATE runs SET finished_at = ? WHERE id = ?').run(new Date().toISOString(), id);
  }

  run(id: string): RunRow | undefined {
    return this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
  }

  runs(limit = 20): RunRow[] {
    return this.db.prepare('SELECT * FROM runs ORDER BY created_at DESC, id DESC LIMIT ?').all(limit) as RunRow[];
  }

  posts(runId: string): PostRow[] {
    return (this.db.prepare('SELECT * FROM posts WHERE run_id = ? ORDER BY position').all(runId) as Record<string, unknown>[]).map(toPost);
  }

  post(id: number): PostRow {
    return toPost(this.db.prepare('SELECT * FROM posts WHERE id = ?').get(id) as Record<string, unknown>);
  }

  /** Moves a post to a new state with what is known about it. */
  update(id: number, fields: { state?: PostState; remoteId?: string; url?: string; error?: string | null; errorCode?: string | null; attempt?: boolean }): void {
    this.db
      .prepare(
        `UPDATE posts SET state = COALESCE(?, state), remote_id = COALESCE(?, remote_id), url = COALESCE(?, url),
           error = CASE WHEN ? THEN ? ELSE error END, error_code = CASE WHEN ? THEN ? ELSE error_code END,
           attempts = attempts + ?, updated_at = ? WHERE id = ?`,
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
        new Date().toISOString(),
        id,
      );
  }

  /** Remembers how far a post has come on its platform (ids, sessions, offsets), to resume after a crash. */
  setProgress(id: number, key: string, value: unknown): void {
    if (!/^[\w:.-]+$/.test(key)) throw new Error(`progress key ${key} must be letters, digits, _ : . -`);
    this.db.prepare(`UPDATE posts SET progress = json_set(progress, '$."' || ? || '"', json(?)), updated_at = ? WHERE id = ?`).run(key, JSON.stringify(value ?? null), new Date().toISOString(), id);
  }

  journal(postId: number, name: string, phase: 'before' | 'after' | 'error', detail?: unknown): void {
    this.db.prepare('INSERT INTO calls (post_id, at, name, phase, detail) VALUES (?, ?, ?, ?, ?)').run(postId, new Date().toISOString(), name, phase, detail === undefined ? null : JSON.stringify(detail));
  }

  calls(postId: number): { name: string; phase: string; detail: unknown }[] {
    return (this.db.prepare('SELECT name, phase, detail FROM calls WHERE post_id = ? ORDER BY id').all(postId) as { name: string; phase: string; detail: string | null }[]).map((row) => ({
      ...row,
      detail: row.detail === null ? undefined : (JSON.parse(row.detail) as unknown),
    }));
  }
}

function toPost(row: Record<string, unknown>): PostRow {
  return {
    ...(row as unknown as PostRow),
    languages: JSON.parse(row.languages as string) as string[],
    plan: JSON.parse(row.plan as string) as PlannedPost,
    progress: JSON.parse(row.progress as string) as Record<string, unknown>,
  };
}
