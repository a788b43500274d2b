import type { Worker } from 'node:worker_threads';
import { startWorker } from './sqlite-worker';

/**
 * A SQLite writer on a thread of its own, with group commit. better-sqlite3 is synchronous: a
 * commit (and the WAL checkpoint that some commits run) would block the event loop that answers
 * HTTP. Here the event loop only queues; everything queued while one batch is on its way is sent as
 * the next batch, which the thread commits as one transaction. Each caller's promise settles when
 * its own item is committed, so a 2xx still means "on disk".
 *
 * The thread's code is a module of its own (`*-writer.worker.ts`, started by sqlite-worker.ts from
 * the sources or from compiled JS) and handles messages strictly in order:
 * - `{ seq, type: <batchType>, items, ...extras }` → `{ seq, ok: true, results }`, one result per
 *   item; a result `{ itemError: string }` rejects that item alone;
 * - any other `{ seq, type, ... }` → `{ seq, ok: true, result }`;
 * - a thrown error → `{ seq, ok: false, error }`.
 * `close` must close its database and answer.
 */
export interface SqliteWriterOptions {
  /** The thread's module, without extension (e.g. `path.join(__dirname, 'outbox-writer.worker')`). Its workerData has `file`. */
  readonly entry: string;
  readonly file: string;
  /** The message type of a batch. */
  readonly batchType: string;
  /** Fields sent with each batch (computed when it is sent). */
  readonly batchExtras?: () => Record<string, unknown>;
  /** Names the store in error messages. */
  readonly name: string;
  /** More workerData for the thread (besides `file`). */
  readonly workerData?: Record<string, unknown>;
}

type Settle = { resolve: (value: unknown) => void; reject: (error: Error) => void };

export class SqliteWriterThread<Item, Result> {
  private worker?: Worker;
  private failure?: string;
  private seq = 0;
  private readonly inflight = new Map<number, Settle>();
  private queue: Array<{ item: Item } & Settle> = [];
  private batchInFlight = false;
  private closed = false;

  constructor(private readonly options: SqliteWriterOptions) {}

  /** Why the thread stopped, if it did. */
  get failed(): string | undefined {
    return this.failure;
  }

  /** Queues an item for the next batch; resolves with its result once the batch is committed. */
  submit(item: Item): Promise<Result> {
    if (this.closed) return Promise.reject(new Error(`${this.options.name} is closed`));
    if (this.failure) return Promise.reject(this.stoppedError());
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ item, resolve: resolve as (v: unknown) => void, reject });
      if (!this.batchInFlight) setImmediate(() => this.flush());
    });
  }

  /** Sends one message (in order with the batches) and resolves with the thread's `result`. */
  call(message: Record<string, unknown>): Promise<unknown> {
    if (this.failure) return Promise.reject(this.stoppedError());
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.inflight.set(seq, { resolve, reject });
      this.thread().postMessage({ ...message, seq });
    });
  }

  /**
   * Starts the thread now and resolves when it answers, so the first write does not wait for the
   * thread to start (from the TypeScript sources that includes loading the transpiler).
   */
  async ready(): Promise<void> {
    await this.call({ type: 'ping' });
  }

  /** Commits everything queued (and in flight), closes the thread's database and stops it. */
  async close(): Promise<void> {
    if (this.closed) return;
    while (this.queue.length > 0 || this.batchInFlight) {
      this.flush();
      await new Promise((r) => setTimeout(r, 1));
    }
    this.closed = true;
    if (this.worker && !this.failure) {
      await this.call({ type: 'close' }).catch(() => undefined);
      await this.worker.terminate();
    }
  }

  private stoppedError(): Error {
    return new Error(`${this.options.name} writer stopped: ${this.failure}`);
  }

  /** The thread, started on first use (read-only users of a store never start one). */
  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(this.options.entry, { ...this.options.workerData, file: this.options.file });
    worker.on('message', (msg: { seq: number; ok: boolean; results?: unknown; result?: unknown; error?: string }) => {
      const settle = this.inflight.get(msg.seq);
      if (!settle) return;
      this.inflight.delete(msg.seq);
      if (msg.ok) settle.resolve(msg.results ?? msg.result);
      else settle.reject(new Error(`${this.options.name} write failed: ${msg.error}`));
    });
    const fail = (why: string) => {
      this.failure = why;
      const error = this.stoppedError();
      for (const settle of this.inflight.values()) settle.reject(error);
      this.inflight.clear();
      for (const queued of this.queue) queued.reject(error);
      this.queue = [];
    };
    worker.on('error', (err) => fail(err.message));
    worker.on('exit', (code) => {
      if (!this.closed) fail(`exit code ${code}`);
    });
    this.worker = worker;
    return worker;
  }

  /** Sends everything queued as one batch; the next batch goes when this one is committed. */
  private flush(): void {
    if (this.batchInFlight || this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.batchInFlight = true;
    const items = batch.map((b) => b.item);
    this.call({ type: this.options.batchType, items, ...this.options.batchExtras?.() }).then(
      (results) => batch.forEach((b, i) => {
        const result = (results as unknown[])[i] as { itemError?: string } | undefined;
        if (result && typeof result === 'object' && typeof result.itemError === 'string') {
          b.reject(new Error(`${this.options.name} write failed: ${result.itemError}`));
        } else {
          b.resolve(result);
        }
      }),
      (err: Error) => batch.forEach((b) => b.reject(err)),
    ).finally(() => {
      this.batchInFlight = false;
      this.flush();
    });
  }
}
