import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteWriterThread } from './sqlite-writer';

/**
 * The durable outbox: every accepted alert group is a row here BEFORE the gateway answers 2xx.
 * SQLite in WAL mode with synchronous=FULL, so a committed row survives kill -9 and power loss.
 *
 * Every write runs in a writer thread with group commit (sqlite-writer.ts): the event loop keeps
 * reading requests while a commit is on disk, and each request is answered only after its own
 * commit. Reads (the dispatcher's due list, depth, tests) use a second connection on the main
 * thread; WAL readers never wait for writers.
 */
export type OutboxState = 'pending' | 'dispatched' | 'deduplicated' | 'failed';

export interface OutboxEntry {
  readonly id: string;
  readonly createdAt: number;
  readonly groupKey: string;
  readonly dedupeKey: string;
  readonly eventType: string;
  readonly state: OutboxState;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastError: string | null;
  readonly dispatchedAt: number | null;
  /** The JSON `group` sent as `client_payload.group`. */
  readonly payload: string;
}

export interface AcceptInput {
  readonly groupKey: string;
  readonly status: string;
  readonly fingerprints: readonly string[];
  readonly eventType: string;
  readonly payload: string;
}

export interface AcceptResult {
  readonly id: string;
  /** true when recorded as a duplicate of an entry within the dedupe window (not dispatched again). */
  readonly deduplicated: boolean;
  readonly duplicateOf?: string;
}

/** groupKey + sorted fingerprints + status: the same notification re-sent by Alertmanager has the same key. */
export function dedupeKeyOf(groupKey: string, fingerprints: readonly string[], status: string): string {
  const h = createHash('sha256');
  h.update(groupKey).update('\0').update([...fingerprints].sort().join(',')).update('\0').update(status);
  return h.digest('hex');
}

interface Row {
  id: string;
  created_at: number;
  group_key: string;
  dedupe_key: string;
  event_type: string;
  state: OutboxState;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  dispatched_at: number | null;
  payload: string;
}

const toEntry = (r: Row): OutboxEntry => ({
  id: r.id,
  createdAt: r.created_at,
  groupKey: r.group_key,
  dedupeKey: r.dedupe_key,
  eventType: r.event_type,
  state: r.state,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  dispatchedAt: r.dispatched_at,
  payload: r.payload,
});

const schemaSql = `
  CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    group_key TEXT NOT NULL,
    dedupe_key TEXT NOT NULL,
    event_type TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'dispatched', 'deduplicated', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    dispatched_at INTEGER,
    duplicate_of TEXT,
    payload TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS outbox_due ON outbox (state, next_attempt_at);
  CREATE INDEX IF NOT EXISTS outbox_group ON outbox (group_key, seq);
  -- The dispatcher's due list walks pending rows in arrival order; without this index a backlog is
  -- sorted on every pass.
  CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (seq) WHERE state = 'pending';
`;

interface AcceptItem {
  readonly groupKey: string;
  readonly dedupeKey: string;
  readonly eventType: string;
  readonly payload: string;
}

export interface OutboxOptions {
  /** Test-only: caps the database's size in pages (GATEWAY_TEST_MAX_PAGE_COUNT), for real SQLITE_FULL tests. */
  readonly maxPageCount?: number;
  /** Called on every failed write (accept or mark), with the error's message. */
  readonly onWriteError?: (message: string) => void;
  /** A write outstanding this long means the writer is stuck (/readyz fails). @default 30000 */
  readonly stuckAfterMs?: number;
}

/** The writer's state, for /readyz and the metrics. */
export interface WriteHealth {
  readonly healthy: boolean;
  /** Why not: the last write error, or "writer stuck ..." (undefined when healthy). */
  readonly cause?: string;
}

export class Outbox {
  readonly file: string;
  /** Read-only use on the main thread (plus schema creation). */
  private readonly db: Database.Database;
  private readonly writer: SqliteWriterThread<AcceptItem, AcceptResult>;
  private closed = false;
  private readonly stmts: Record<string, Database.Statement>;
  /** The last write's error, cleared by the next write that commits. */
  private lastWriteError?: string;
  /** Start times of the writes not yet answered, by a local id. */
  private readonly outstanding = new Map<number, number>();
  private writeSeq = 0;

  constructor(
    stateDir: string,
    private readonly dedupeWindowMs: number,
    private readonly now: () => number = Date.now,
    private readonly options: OutboxOptions = {},
  ) {
    fs.mkdirSync(stateDir, { recursive: true });
    this.file = path.join(stateDir, 'outbox.sqlite');
    this.db = new Database(this.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(schemaSql);
    this.stmts = {
      due: this.db.prepare('SELECT * FROM outbox INDEXED BY outbox_pending WHERE state = \'pending\' AND next_attempt_at <= ? ORDER BY seq LIMIT ?'),
      nextDue: this.db.prepare('SELECT MIN(next_attempt_at) AS t FROM outbox WHERE state = \'pending\''),
      depth: this.db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE state = \'pending\''),
      get: this.db.prepare('SELECT * FROM outbox WHERE id = ?'),
      all: this.db.prepare('SELECT * FROM outbox ORDER BY seq'),
      counts: this.db.prepare('SELECT state, COUNT(*) AS n FROM outbox GROUP BY state'),
      ping: this.db.prepare('SELECT 1'),
    };
    this.writer = new SqliteWriterThread<AcceptItem, AcceptResult>({
      name: 'outbox',
      entry: path.join(__dirname, 'outbox-writer.worker'),
      file: this.file,
      batchType: 'accept',
      batchExtras: () => ({ now: this.now(), windowMs: this.dedupeWindowMs }),
      workerData: options.maxPageCount !== undefined ? { maxPageCount: options.maxPageCount } : {},
    });
  }

  /** Resolves when the writer thread is running (the gateway awaits it before it listens). */
  ready(): Promise<void> {
    return this.writer.ready();
  }

  /** Durably records a group; resolves after the commit (fsync). */
  accept(input: AcceptInput): Promise<AcceptResult> {
    if (this.closed) return Promise.reject(new Error('outbox is closed'));
    return this.tracked(this.writer.submit({
      groupKey: input.groupKey,
      dedupeKey: dedupeKeyOf(input.groupKey, input.fingerprints, input.status),
      eventType: input.eventType,
      payload: input.payload,
    }));
  }

  /** Records how a write ended: an error makes the writer unhealthy until a later write commits. */
  private async tracked<T>(write: Promise<T>): Promise<T> {
    const id = ++this.writeSeq;
    this.outstanding.set(id, Date.now());
    try {
      const result = await write;
      this.lastWriteError = undefined;
      return result;
    } catch (err) {
      this.lastWriteError = (err as Error).message;
      this.options.onWriteError?.(this.lastWriteError);
      throw err;
    } finally {
      this.outstanding.delete(id);
    }
  }

  /** Healthy when the last write committed and no write has waited longer than `stuckAfterMs`. */
  writeHealth(): WriteHealth {
    if (this.writer.failed) return { healthy: false, cause: `writer thread stopped: ${this.writer.failed}` };
    if (this.lastWriteError !== undefined) return { healthy: false, cause: this.lastWriteError };
    const stuckAfter = this.options.stuckAfterMs ?? 30_000;
    for (const started of this.outstanding.values()) {
      const waited = Date.now() - started;
      if (waited > stuckAfter) return { healthy: false, cause: `writer stuck: a write has waited ${waited} ms` };
    }
    return { healthy: true };
  }

  /** Pending entries whose next attempt is due, oldest first. */
  due(limit = 16): OutboxEntry[] {
    return (this.stmts.due.all(this.now(), limit) as Row[]).map(toEntry);
  }

  /** When the earliest pending entry is due (ms epoch), or undefined when nothing is pending. */
  nextDueAt(): number | undefined {
    const r = this.stmts.nextDue.get() as { t: number | null };
    return r.t ?? undefined;
  }

  depth(): number {
    return (this.stmts.depth.get() as { n: number }).n;
  }

  async markDispatched(id: string): Promise<void> {
    await this.tracked(this.writer.call({ type: 'mark', kind: 'dispatched', params: { id, now: this.now() } }));
  }

  /** Schedules another attempt; `countAttempt` is false for rate-limit waits (they do not use up the retry budget). */
  async markRetry(id: string, nextAttemptAt: number, error: string, countAttempt = true): Promise<void> {
    await this.tracked(this.writer.call({ type: 'mark', kind: 'retry', params: { id, next: nextAttemptAt, error: error.slice(0, 1000), count: countAttempt ? 1 : 0 } }));
  }

  /**
   * Deletes finished rows (dispatched, deduplicated, failed; never pending) created more than
   * `retentionMs` ago (never within the dedupe window), then the oldest finished rows past `maxRows`.
   */
  async prune(retentionMs: number, maxRows: number): Promise<{ old: number; overBudget: number }> {
    const cutoff = this.now() - Math.max(retentionMs, this.dedupeWindowMs);
    return await this.tracked(this.writer.call({ type: 'prune', cutoff, maxRows })) as { old: number; overBudget: number };
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.tracked(this.writer.call({ type: 'mark', kind: 'failed', params: { id, error: error.slice(0, 1000) } }));
  }

  get(id: string): OutboxEntry | undefined {
    const r = this.stmts.get.get(id) as Row | undefined;
    return r ? toEntry(r) : undefined;
  }

  /** Every entry, oldest first (tests and `docs/gateway.md`'s inspection recipe). */
  all(): OutboxEntry[] {
    return (this.stmts.all.all() as Row[]).map(toEntry);
  }

  counts(): Record<OutboxState, number> {
    const out: Record<OutboxState, number> = { pending: 0, dispatched: 0, deduplicated: 0, failed: 0 };
    for (const r of this.stmts.counts.all() as Array<{ state: OutboxState; n: number }>) out[r.state] = r.n;
    return out;
  }

  /** For /readyz: the database answers and the writer thread is alive. */
  healthy(): boolean {
    if (this.closed || this.writer.failed) return false;
    try {
      this.stmts.ping.get();
      return true;
    } catch {
      return false;
    }
  }

  /** Commits everything queued (and in flight), stops the writer, closes the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writer.close();
    this.db.close();
  }
}
