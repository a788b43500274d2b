import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';

/**
 * On-disk state of the analysis core, shared by every process on the machine: the response
 * cache (key: model + prompt version + input hash) and the per-day LLM call budget.
 * SQLite in WAL mode; the budget is reserved in one atomic statement, so concurrent processes
 * never exceed it.
 */

/** `MLOPS_STATE_DIR`, else `$XDG_CACHE_HOME/mlops` (or `~/.cache/mlops`). */
export function defaultStateDir(): string {
  if (process.env.MLOPS_STATE_DIR) return process.env.MLOPS_STATE_DIR;
  const base = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return path.join(base, 'mlops');
}

/** The cache key: model + prompt version + a hash of the (redacted) prompt text. */
export function cacheKey(model: string, promptVersion: string, input: string): string {
  const h = createHash('sha256').update(input).digest('hex');
  return `${model}|${promptVersion}|${h}`;
}

/** UTC day, `YYYY-MM-DD`. */
export function utcDay(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export class AnalysisStore {
  private readonly db: Database.Database;

  /** Opens (creating) `<dir>/analysis.sqlite`. */
  constructor(readonly dir: string = defaultStateDir()) {
    fs.mkdirSync(dir, { recursive: true });
    this.db = new Database(path.join(dir, 'analysis.sqlite'), { timeout: 10_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS cache (key TEXT PRIMARY KEY, value TEXT NOT NULL, created TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS budget (day TEXT NOT NULL, provider TEXT NOT NULL, calls INTEGER NOT NULL, PRIMARY KEY (day, provider));
      CREATE TABLE IF NOT EXISTS posts (sink TEXT NOT NULL, dedupe_key TEXT NOT NULL, ref TEXT NOT NULL, PRIMARY KEY (sink, dedupe_key));
    `);
  }

  /** A cached answer, or undefined. */
  getCached(key: string): unknown {
    const row = this.db.prepare('SELECT value FROM cache WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? JSON.parse(row.value) : undefined;
  }

  putCached(key: string, value: unknown): void {
    this.db
      .prepare('INSERT OR REPLACE INTO cache (key, value, created) VALUES (?, ?, ?)')
      .run(key, JSON.stringify(value), new Date().toISOString());
  }

  /**
   * Reserves one call of today's budget for `provider`. False when `limit` calls were already
   * made today (by any process).
   */
  reserveCall(provider: string, limit: number, day = utcDay()): boolean {
    const tx = this.db.transaction(() => {
      const row = this.db.prepare('SELECT calls FROM budget WHERE day = ? AND provider = ?').get(day, provider) as
        | { calls: number }
        | undefined;
      const used = row?.calls ?? 0;
      if (used >= limit) return false;
      this.db
        .prepare('INSERT INTO budget (day, provider, calls) VALUES (?, ?, 1) ON CONFLICT(day, provider) DO UPDATE SET calls = calls + 1')
        .run(day, provider);
      return true;
    });
    return tx.immediate();
  }

  /** Calls made today for `provider`. */
  callsToday(provider: string, day = utcDay()): number {
    const row = this.db.prepare('SELECT calls FROM budget WHERE day = ? AND provider = ?').get(day, provider) as
      | { calls: number }
      | undefined;
    return row?.calls ?? 0;
  }

  /** What a sink remembered for a dedupe key (e.g. the Slack message ts). */
  getPost(sink: string, dedupeKey: string): string | undefined {
    const row = this.db.prepare('SELECT ref FROM posts WHERE sink = ? AND dedupe_key = ?').get(sink, dedupeKey) as
      | { ref: string }
      | undefined;
    return row?.ref;
  }

  putPost(sink: string, dedupeKey: string, ref: string): void {
    this.db.prepare('INSERT OR REPLACE INTO posts (sink, dedupe_key, ref) VALUES (?, ?, ?)').run(sink, dedupeKey, ref);
  }

  close(): void {
    this.db.close();
  }
}
