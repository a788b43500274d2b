import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteWriterThread } from '../sqlite-writer';

/**
 * The capture store: one SQLite file (`<stateDir>/captures.sqlite`, WAL) owned by the capture module.
 *
 * - `events` remembers every (Ce-Id, type) stored, so a replayed event is stored once;
 * - `captures` holds one row per inference request, keyed by Ce-Id (shared by the request and response
 *   events): the request half (instances) and the response half (predictions, probabilities) fill in
 *   whichever arrives first;
 * - `labels` holds ground truth by request id (from POST /feedback).
 */

export interface CaptureRow {
  readonly ceId: string;
  readonly requestId: string;
  readonly model: string;
  readonly namespace: string;
  /** Unix ms of the request (Ce-Time of the request event, else of the response event). */
  readonly time: number;
  readonly instances: unknown[] | null;
  readonly predictions: unknown[] | null;
  readonly probabilities: unknown[] | null;
  readonly labels: unknown[] | null;
}

export interface HalfEvent {
  readonly ceId: string;
  readonly kind: 'request' | 'response';
  readonly requestId: string;
  readonly model: string;
  readonly namespace: string;
  readonly time: number;
  readonly instances?: unknown[];
  readonly predictions?: unknown[];
  readonly probabilities?: unknown[] | null;
}

export interface CaptureQuery {
  readonly model?: string;
  /** Unix ms, inclusive. */
  readonly from?: number;
  /** Unix ms, exclusive. */
  readonly to?: number;
  /** true: only labelled captures; false: only unlabelled. */
  readonly labelled?: boolean;
}

interface DbRow {
  ce_id: string;
  request_id: string;
  model: string;
  namespace: string;
  time_ms: number;
  instances: string | null;
  predictions: string | null;
  probabilities: string | null;
  labels: string | null;
}

const parse = (s: string | null): unknown[] | null => (s === null ? null : (JSON.parse(s) as unknown[]));

function toRow(r: DbRow): CaptureRow {
  return {
    ceId: r.ce_id,
    requestId: r.request_id,
    model: r.model,
    namespace: r.namespace,
    time: r.time_ms,
    instances: parse(r.instances),
    predictions: parse(r.predictions),
    probabilities: parse(r.probabilities),
    labels: parse(r.labels),
  };
}

type WriteItem =
  | { kind: 'half'; event: HalfEvent; now: number }
  | { kind: 'label'; requestId: string; text: string; now: number };

export class CaptureStore {
  /** Reads on the main thread (and schema creation); writes go to the writer thread. */
  private readonly db: Database.Database;
  private readonly writer: SqliteWriterThread<WriteItem, boolean>;
  /** Compiled statements by SQL text: compiling costs more than running one of these small statements. */
  private readonly statements = new Map<string, Database.Statement>();

  constructor(stateDir: string) {
    fs.mkdirSync(stateDir, { recursive: true });
    const file = path.join(stateDir, 'captures.sqlite');
    this.db = new Database(file, { timeout: 10_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS events (ce_id TEXT NOT NULL, kind TEXT NOT NULL, received_ms INTEGER NOT NULL, PRIMARY KEY (ce_id, kind));
      CREATE TABLE IF NOT EXISTS captures (
        ce_id TEXT PRIMARY KEY, request_id TEXT NOT NULL, model TEXT NOT NULL, namespace TEXT NOT NULL, time_ms INTEGER NOT NULL,
        instances TEXT, predictions TEXT, probabilities TEXT);
      CREATE INDEX IF NOT EXISTS captures_model_time ON captures (model, time_ms);
      CREATE INDEX IF NOT EXISTS captures_request ON captures (request_id);
      CREATE TABLE IF NOT EXISTS labels (request_id TEXT PRIMARY KEY, labels TEXT NOT NULL, labelled_ms INTEGER NOT NULL);
    `);
    this.writer = new SqliteWriterThread<WriteItem, boolean>({ name: 'capture store', entry: path.join(__dirname, 'store-writer.worker'), file, batchType: 'write' });
  }

  /** Resolves when the writer thread is running (the gateway awaits it before it listens). */
  ready(): Promise<void> {
    return this.writer.ready();
  }

  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Stores one half; resolves after the commit, with false when this (Ce-Id, type) was already stored (a replay). */
  storeHalf(e: HalfEvent, now = Date.now()): Promise<boolean> {
    return this.writer.submit({ kind: 'half', event: e, now });
  }

  /** The model a request id was captured for, or undefined. */
  modelOf(requestId: string): string | undefined {
    const row = this.prepare('SELECT model FROM captures WHERE request_id = ? LIMIT 1').get(requestId) as { model: string } | undefined;
    return row?.model;
  }

  /** Records the labels of a request; resolves with false when it was already labelled with the same labels. */
  label(requestId: string, labels: unknown[], now = Date.now()): Promise<boolean> {
    return this.writer.submit({ kind: 'label', requestId, text: JSON.stringify(labels), now });
  }

  private select(q: CaptureQuery, after?: { time: number; ceId: string }, limit?: number): { sql: string; args: unknown[] } {
    const where = ['c.instances IS NOT NULL', 'c.predictions IS NOT NULL'];
    const args: unknown[] = [];
    if (q.model !== undefined) {
      where.push('c.model = ?');
      args.push(q.model);
    }
    if (q.from !== undefined) {
      where.push('c.time_ms >= ?');
      args.push(q.from);
    }
    if (q.to !== undefined) {
      where.push('c.time_ms < ?');
      args.push(q.to);
    }
    if (q.labelled === true) where.push('l.labels IS NOT NULL');
    if (q.labelled === false) where.push('l.labels IS NULL');
    if (after) {
      where.push('(c.time_ms > ? OR (c.time_ms = ? AND c.ce_id > ?))');
      args.push(after.time, after.time, after.ceId);
    }
    return {
      sql: `SELECT c.ce_id, c.request_id, c.model, c.namespace, c.time_ms, c.instances, c.predictions, c.probabilities, l.labels
            FROM captures c LEFT JOIN labels l ON l.request_id = c.request_id
            WHERE ${where.join(' AND ')} ORDER BY c.time_ms, c.ce_id${limit ? ` LIMIT ${Math.floor(limit)}` : ''}`,
      args,
    };
  }

  /**
   * One page of complete (paired) captures, oldest first, after the given position (keyset pagination: no
   * cursor stays open between pages, so writes go on while a long NDJSON stream is read).
   */
  page(q: CaptureQuery, after: { time: number; ceId: string } | undefined, limit: number): CaptureRow[] {
    const { sql, args } = this.select(q, after, limit);
    return (this.prepare(sql).all(...args) as DbRow[]).map(toRow);
  }

  /** Every complete capture matching the query, oldest first (pages of 1,000). */
  *iterate(q: CaptureQuery): IterableIterator<CaptureRow> {
    let after: { time: number; ceId: string } | undefined;
    for (;;) {
      const rows = this.page(q, after, 1000);
      yield* rows;
      if (rows.length < 1000) return;
      const last = rows[rows.length - 1];
      after = { time: last.time, ceId: last.ceId };
    }
  }


  /** Accuracy per model over labelled captures with time ≥ from: right / compared predictions. */
  accuracy(from: number): Map<string, { right: number; total: number }> {
    const out = new Map<string, { right: number; total: number }>();
    for (const c of this.iterate({ from, labelled: true })) {
      const acc = out.get(c.model) ?? { right: 0, total: 0 };
      const preds = c.predictions ?? [];
      const labels = c.labels ?? [];
      const n = Math.min(preds.length, labels.length);
      for (let i = 0; i < n; i++) {
        acc.total++;
        if (String(preds[i]) === String(labels[i])) acc.right++;
      }
      out.set(c.model, acc);
    }
    return out;
  }

  /** Deletes captures (and their events and labels) older than `before` (Unix ms). Resolves with the captures deleted. */
  async purge(before: number): Promise<number> {
    return (await this.writer.call({ type: 'purge', before })) as number;
  }

  /** Newest capture time per model (Unix ms). */
  lastTimes(): Map<string, number> {
    const rows = this.prepare('SELECT model, MAX(time_ms) AS t FROM captures GROUP BY model').all() as Array<{ model: string; t: number }>;
    return new Map(rows.map((r) => [r.model, r.t]));
  }

  healthy(): boolean {
    if (this.writer.failed) return false;
    try {
      this.prepare('SELECT 1').get();
      return true;
    } catch {
      return false;
    }
  }

  /** Commits what is queued, stops the writer thread, closes the database. */
  async close(): Promise<void> {
    await this.writer.close();
    this.db.close();
  }
}
