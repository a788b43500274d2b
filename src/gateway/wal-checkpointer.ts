import { Worker } from 'node:worker_threads';

/**
 * Moves SQLite's WAL checkpoints off the write path. By default the connection whose commit makes
 * the WAL pass 1,000 pages copies it into the database file and fsyncs it, inside that commit: a
 * few-millisecond commit turns into tens of milliseconds, which is the accept path's tail latency.
 * Here a thread of its own, with its own connection, runs PASSIVE checkpoints on a timer (they never
 * block writers or readers), and the writers keep a high autocheckpoint only as a backstop in case
 * this thread falls behind or stops.
 */
export const backstopAutocheckpointPages = 16_384;

const checkpointerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqliteModule);
const db = new Database(workerData.file, { timeout: 5000 });
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage({ error: String(err && err.message || err) }); }
}, workerData.intervalMs);
parentPort.on('message', (msg) => {
  if (msg === 'stop') { clearInterval(timer); db.close(); parentPort.close(); }
});
`;

export interface WalCheckpointer {
  stop(): Promise<void>;
}

/** Starts PASSIVE checkpoints of `file` (a WAL-mode database) every `intervalMs`. */
export function startWalCheckpointer(file: string, intervalMs = 1_000, onError: (message: string) => void = () => {}): WalCheckpointer {
  const worker = new Worker(checkpointerSource, {
    eval: true,
    workerData: { file, intervalMs, sqliteModule: require.resolve('better-sqlite3') },
  });
  worker.on('message', (msg: { error?: string }) => msg.error && onError(`WAL checkpoint of ${file} failed: ${msg.error}`));
  worker.on('error', (err) => onError(`WAL checkpointer of ${file} stopped: ${err.message}`));
  worker.unref();
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
        // A checkpoint in progress finishes first; a stuck one does not hold up shutdown.
        setTimeout(() => void worker.terminate(), 2_000).unref();
      });
      return stopping;
    },
  };
}
