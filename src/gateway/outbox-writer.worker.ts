import { randomUUID } from 'node:crypto';
import { workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { serveWriter } from './sqlite-worker';

/**
 * The outbox's writer thread (started by outbox.ts through sqlite-writer.ts). Messages are handled
 * strictly in order.
 * - `accept`: one FULL transaction for the batch; per item, the dedupe decision and the insert.
 * - `mark`: a post-attempt state change, committed with synchronous=NORMAL: in WAL mode it
 *   survives a process crash (kill -9) and is fsynced at the next FULL commit or checkpoint, so only
 *   a power loss can drop one, and then the entry is sent again (at-least-once; receivers dedupe on
 *   `outboxId`). This keeps an fsync per dispatch off the accept path.
 */
interface AcceptItem {
  readonly groupKey: string;
  readonly dedupeKey: string;
  readonly eventType: string;
  readonly payload: string;
}

const data = workerData as { file: string; maxPageCount?: number };
const db = new Database(data.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
// Test-only (GATEWAY_TEST_MAX_PAGE_COUNT): caps the database's size in pages, so a write that needs
// a new page fails with a real SQLITE_FULL, as on a full state volume. SQLite never sets it below
// the current size (https://www.sqlite.org/pragma.html#pragma_max_page_count).
if (data.maxPageCount !== undefined) db.pragma(`max_page_count = ${Math.floor(data.maxPageCount)}`);

/** Names SQLite's result code (e.g. SQLITE_FULL) in the error the main thread sees. */
function withCode<T>(write: () => T): T {
  try {
    return write();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && !(err as Error).message.startsWith(code)) (err as Error).message = `${code}: ${(err as Error).message}`;
    throw err;
  }
}
const lastLive = db.prepare<[string], { id: string; dedupe_key: string; created_at: number }>(
  "SELECT id, dedupe_key, created_at FROM outbox WHERE group_key = ? AND state IN ('pending', 'dispatched') ORDER BY seq DESC LIMIT 1",
);
const insert = db.prepare(
  'INSERT INTO outbox (id, created_at, group_key, dedupe_key, event_type, state, next_attempt_at, duplicate_of, payload) '
  + 'VALUES (@id, @created_at, @group_key, @dedupe_key, @event_type, @state, @created_at, @duplicate_of, @payload)',
);
const marks: Record<string, Database.Statement> = {
  dispatched: db.prepare("UPDATE outbox SET state = 'dispatched', attempts = attempts + 1, dispatched_at = @now, last_error = NULL WHERE id = @id"),
  retry: db.prepare('UPDATE outbox SET attempts = attempts + @count, next_attempt_at = @next, last_error = @error WHERE id = @id'),
  failed: db.prepare("UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = @error WHERE id = @id"),
};
// Retention: finished rows (never pending) older than the cutoff, then the oldest finished rows past
// the row budget. Freed pages are reused by later writes (the file does not shrink).
const pruneOld = db.prepare("DELETE FROM outbox WHERE state != 'pending' AND created_at < @cutoff");
const pruneOverBudget = db.prepare(
  "DELETE FROM outbox WHERE state != 'pending' AND seq <= "
  + "(SELECT seq FROM outbox WHERE state != 'pending' ORDER BY seq DESC LIMIT 1 OFFSET @maxRows)",
);
const prune = db.transaction((cutoff: number, maxRows: number) => ({
  old: pruneOld.run({ cutoff }).changes,
  overBudget: pruneOverBudget.run({ maxRows }).changes,
}));
const acceptBatch = db.transaction((items: AcceptItem[], now: number, windowMs: number) => items.map((it) => {
  const last = lastLive.get(it.groupKey);
  const duplicate = last !== undefined && last.dedupe_key === it.dedupeKey && now - last.created_at < windowMs;
  const id = randomUUID();
  insert.run({
    id,
    created_at: now,
    group_key: it.groupKey,
    dedupe_key: it.dedupeKey,
    event_type: it.eventType,
    state: duplicate ? 'deduplicated' : 'pending',
    duplicate_of: duplicate ? last.id : null,
    payload: it.payload,
  });
  return duplicate ? { id, deduplicated: true, duplicateOf: last.id } : { id, deduplicated: false };
}));

serveWriter({
  accept: (msg) => ({ results: withCode(() => acceptBatch(msg.items as AcceptItem[], msg.now as number, msg.windowMs as number)) }),
  mark: (msg) => {
    db.pragma('synchronous = NORMAL');
    try {
      withCode(() => marks[msg.kind as string].run(msg.params));
    } finally {
      db.pragma('synchronous = FULL');
    }
    return { result: null };
  },
  prune: (msg) => ({ result: withCode(() => prune(msg.cutoff as number, msg.maxRows as number)) }),
  close: () => {
    db.close();
    return { result: null };
  },
});
