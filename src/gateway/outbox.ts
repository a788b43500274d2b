import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';

/**
 * The durable outbox: every accepted alert group is a row here BEFORE the gateway answers 2xx.
 * SQLite in WAL mode with synchronous=FULL, so a committed row survives kill -9 and power loss.
 * Writes arriving in the same event-loop turn are committed in one transaction (group commit):
 * one fsync for many requests, and each request is answered only after its commit.
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
  id: string; created_at: number; group_key: string; dedupe_key: string; event_type: string; state: OutboxState;
  attempts: number; next_attempt_at: number; last_error: string | null; dispatched_at: number | null; payload: string;
}

const toEntry = (r: Row): OutboxEntry => ({
  id: r.id, createdAt: r.created_at, groupKey: r.group_key, dedupeKey: r.dedupe_key, eventType: r.event_type, state: r.state,
  attempts: r.attempts, nextAttemptAt: r.next_attempt_at, lastError: r.last_error, dispatchedAt: r.dispatched_at, payload: r.payload,
});

export class Outbox {
  readonly file: string;
  private readonly db: Database.Database;
  private queue: Array<{ input: AcceptInput; resolve: (r: AcceptResult) => void; reject: (e: Error) => void }> = [];
  private flushScheduled = false;
  private closed = false;
  private readonly stmts: Record<string, Database.Statement>;

  constructor(stateDir: string, private readonly dedupeWindowMs: number, private readonly now: () => number = Date.now) {
    fs.mkdirSync(stateDir, { recursive: true });
    this.file = path.join(stateDir, 'outbox.sqlite');
    this.db = new Database(this.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
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
    `);
    this.stmts = {
      // The latest entry of this group that was (or will be) dispatched decides whether a new one is a duplicate.
      lastLive: this.db.prepare(
        `SELECT id, dedupe_key, created_at FROM outbox WHERE group_key = ? AND state IN ('pending', 'dispatched') ORDER BY seq DESC LIMIT 1`,
      ),
      insert: this.db.prepare(
        `INSERT INTO outbox (id, created_at, group_key, dedupe_key, event_type, state, next_attempt_at, duplicate_of, payload)
         VALUES (@id, @created_at, @group_key, @dedupe_key, @event_type, @state, @created_at, @duplicate_of, @payload)`,
      ),
      due: this.db.prepare(`SELECT * FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY seq LIMIT ?`),
      nextDue: this.db.prepare(`SELECT MIN(next_attempt_at) AS t FROM outbox WHERE state = 'pending'`),
      depth: this.db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'`),
      markDispatched: this.db.prepare(`UPDATE outbox SET state = 'dispatched', attempts = attempts + 1, dispatched_at = ?, last_error = NULL WHERE id = ?`),
      markRetry: this.db.prepare(`UPDATE outbox SET attempts = attempts + ?, next_attempt_at = ?, last_error = ? WHERE id = ?`),
      markFailed: this.db.prepare(`UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?`),
      get: this.db.prepare(`SELECT * FROM outbox WHERE id = ?`),
      all: this.db.prepare(`SELECT * FROM outbox ORDER BY seq`),
      counts: this.db.prepare(`SELECT state, COUNT(*) AS n FROM outbox GROUP BY state`),
    };
  }

  /** Durably records a group; resolves after the commit (fsync). */
  accept(input: AcceptInput): Promise<AcceptResult> {
    if (this.closed) return Promise.reject(new Error('outbox is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits every queued accept in one transaction. */
  flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const results: AcceptResult[] = [];
    try {
      this.db.transaction(() => {
        for (const { input } of batch) results.push(this.insertOne(input));
      })();
    } catch (err) {
      for (const b of batch) b.reject(err as Error);
      return;
    }
    batch.forEach((b, i) => b.resolve(results[i]));
  }

  private insertOne(input: AcceptInput): AcceptResult {
    const now = this.now();
    const dedupeKey = dedupeKeyOf(input.groupKey, input.fingerprints, input.status);
    const last = this.stmts.lastLive.get(input.groupKey) as { id: string; dedupe_key: string; created_at: number } | undefined;
    const duplicate = last !== undefined && last.dedupe_key === dedupeKey && now - last.created_at < this.dedupeWindowMs;
    const id = randomUUID();
    this.stmts.insert.run({
      id, created_at: now, group_key: input.groupKey, dedupe_key: dedupeKey, event_type: input.eventType,
      state: duplicate ? 'deduplicated' : 'pending', duplicate_of: duplicate ? last!.id : null, payload: input.payload,
    });
    return duplicate ? { id, deduplicated: true, duplicateOf: last!.id } : { id, deduplicated: false };
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

  /**
   * State changes after an attempt are committed with synchronous=NORMAL: in WAL mode they survive a
   * process crash (kill -9) and are fsynced at the next checkpoint or FULL commit, so only a power
   * loss can drop one, and then the entry is sent again (at-least-once; receivers dedupe on
   * `outboxId`). Accepts stay FULL. This keeps an fsync per dispatch off the event loop.
   */
  private relaxed(fn: () => void): void {
    this.db.pragma('synchronous = NORMAL');
    try {
      fn();
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  markDispatched(id: string): void {
    this.relaxed(() => this.stmts.markDispatched.run(this.now(), id));
  }

  /** Schedules another attempt; `countAttempt` is false for rate-limit waits (they do not use up the retry budget). */
  markRetry(id: string, nextAttemptAt: number, error: string, countAttempt = true): void {
    this.relaxed(() => this.stmts.markRetry.run(countAttempt ? 1 : 0, nextAttemptAt, error.slice(0, 1000), id));
  }

  markFailed(id: string, error: string): void {
    this.relaxed(() => this.stmts.markFailed.run(error.slice(0, 1000), id));
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

  /** A cheap write-path check for /readyz. */
  healthy(): boolean {
    if (this.closed) return false;
    try {
      this.db.prepare('SELECT 1').get();
      return true;
    } catch {
      return false;
    }
  }

  /** Commits anything queued, then closes the database. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.db.close();
  }
}
