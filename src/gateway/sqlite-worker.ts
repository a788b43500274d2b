import * as path from 'node:path';
import { parentPort, Worker } from 'node:worker_threads';

/**
 * Both sides of a SQLite writer thread's entry (see sqlite-writer.ts for the protocol).
 *
 * The entry decision: the thread's code is a real module (`*-writer.worker.ts`, type-checked and
 * linted like the rest). Compiled (lib/…/x.worker.js beside this file's .js), the thread runs that
 * JavaScript file. From the TypeScript sources (bin/mlops from a checkout, ts-node, jest), the thread
 * first registers ts-node (transpile-only, SWC when @swc/core is installed, as bin/mlops does) and
 * then requires the .ts file, so one code path serves the checkout and a packaged build.
 */
export function startWorker(entry: string, workerData: Record<string, unknown>): Worker {
  const compiled = __filename.endsWith('.js');
  if (compiled) return new Worker(`${entry}.js`, { workerData });
  const tsconfig = path.resolve(__dirname, '..', '..', 'tsconfig.json');
  const bootstrap = `
require('ts-node').register({ transpileOnly: true, project: ${JSON.stringify(tsconfig)} });
require(${JSON.stringify(`${entry}.ts`)});`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** A message to the thread: `type` picks the handler, `seq` pairs the answer. */
export interface WriterMessage {
  readonly seq: number;
  readonly type: string;
  readonly [field: string]: unknown;
}

/** What a handler answers: `results` (one per batch item) or `result`. */
export type WriterReply = { results: unknown[] } | { result: unknown };

/**
 * The thread side: answers each message, strictly in order, with `{seq, ok: true, ...reply}`, or
 * `{seq, ok: false, error}` when the handler throws. `close` is answered after the handler ran.
 */
export function serveWriter(handlers: Record<string, (msg: WriterMessage) => WriterReply>): void {
  const port = parentPort;
  if (!port) throw new Error('a SQLite writer module runs on a worker thread');
  port.on('message', (msg: WriterMessage) => {
    try {
      // `ping` answers once the module has loaded (and opened its database): the thread is ready.
      const handle = msg.type === 'ping' ? () => ({ result: null }) : handlers[msg.type];
      if (!handle) throw new Error(`unknown message type "${msg.type}"`);
      port.postMessage({ seq: msg.seq, ok: true, ...handle(msg) });
    } catch (err) {
      port.postMessage({ seq: msg.seq, ok: false, error: String((err as Error)?.message ?? err) });
    }
  });
}

/** A batch item's own failure: rejects that item alone (sqlite-writer.ts). */
export const itemError = (err: unknown): { itemError: string } => ({ itemError: String((err as Error)?.message ?? err) });
