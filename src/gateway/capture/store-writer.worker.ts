import { workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { itemError, serveWriter } from '../sqlite-worker';
import type { HalfEvent } from './store';

/**
 * The capture store's writer thread (started by store.ts through sqlite-writer.ts): stores halves and
 * labels in batches, one transaction per batch with a savepoint per item (a failing item fails alone),
 * and purges. synchronous=NORMAL: in WAL mode a commit survives a crash of the process; captures are
 * statistics input, not worth an fsync per request.
 */
type WriteItem =
  | { kind: 'half'; event: HalfEvent; now: number }
  | { kind: 'label'; requestId: string; text: string; now: number };

const db = new Database((workerData as { file: string }).file, { timeout: 10000 });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
const st = {
  event: db.prepare('INSERT OR IGNORE INTO events (ce_id, kind, received_ms) VALUES (?, ?, ?)'),
  capture: db.prepare('INSERT INTO captures (ce_id, request_id, model, namespace, time_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (ce_id) DO NOTHING'),
  request: db.prepare('UPDATE captures SET instances = ?, time_ms = ? WHERE ce_id = ?'),
  response: db.prepare('UPDATE captures SET predictions = ?, probabilities = ? WHERE ce_id = ?'),
  labelGet: db.prepare<[string], { labels: string }>('SELECT labels FROM labels WHERE request_id = ?'),
  labelPut: db.prepare('INSERT OR REPLACE INTO labels (request_id, labels, labelled_ms) VALUES (?, ?, ?)'),
  old: db.prepare<[number], { ce_id: string; request_id: string }>('SELECT ce_id, request_id FROM captures WHERE time_ms < ?'),
  delEvents: db.prepare('DELETE FROM events WHERE ce_id = ?'),
  delCapture: db.prepare('DELETE FROM captures WHERE ce_id = ?'),
  delLabel: db.prepare('DELETE FROM labels WHERE request_id = ?'),
  delOrphanLabels: db.prepare('DELETE FROM labels WHERE labelled_ms < ? AND request_id NOT IN (SELECT request_id FROM captures)'),
};

function storeHalf(e: HalfEvent, now: number): boolean {
  if (st.event.run(e.ceId, e.kind, now).changes === 0) return false;
  st.capture.run(e.ceId, e.requestId, e.model, e.namespace, e.time);
  // The request's time is the capture's time.
  if (e.kind === 'request') st.request.run(JSON.stringify(e.instances ?? []), e.time, e.ceId);
  else st.response.run(JSON.stringify(e.predictions ?? []), e.probabilities ? JSON.stringify(e.probabilities) : null, e.ceId);
  return true;
}

function label(requestId: string, text: string, now: number): boolean {
  const prev = st.labelGet.get(requestId);
  if (prev && prev.labels === text) return false;
  st.labelPut.run(requestId, text, now);
  return true;
}

const one = db.transaction((it: WriteItem) => (it.kind === 'half' ? storeHalf(it.event, it.now) : label(it.requestId, it.text, it.now)));
const write = db.transaction((items: WriteItem[]) => items.map((it) => {
  try {
    return one(it);
  } catch (err) {
    return itemError(err);
  }
}));
const purge = db.transaction((before: number) => {
  const old = st.old.all(before);
  for (const r of old) {
    st.delEvents.run(r.ce_id);
    st.delCapture.run(r.ce_id);
    st.delLabel.run(r.request_id);
  }
  st.delOrphanLabels.run(before);
  return old.length;
});

serveWriter({
  write: (msg) => ({ results: write(msg.items as WriteItem[]) }),
  purge: (msg) => ({ result: purge(msg.before as number) }),
  close: () => {
    db.close();
    return { result: null };
  },
});
