import * as http from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * An open-loop load generator: request i is due at start + i / rate, whether or not earlier ones
 * were answered, and its latency is counted from that due time (so a stalled server is charged for
 * the requests it delayed, not only for the ones in flight: no coordinated omission). autocannon's
 * `overallRate` is no substitute: each connection sends its per-second quota back to back at the top
 * of every second, a burst that measures the queue it builds itself.
 */
export interface PacedRequest {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface PacedResult {
  readonly sent: number;
  /** Answers by HTTP status. */
  readonly statuses: ReadonlyMap<number, number>;
  readonly errors: number;
  /** Milliseconds from each request's due time to the end of its answer, ascending. */
  readonly latenciesMs: readonly number[];
}

export async function pacedLoad(opts: {
  readonly baseUrl: string;
  readonly rate: number;
  readonly seconds: number;
  readonly next: () => PacedRequest;
  /** Sockets kept open to the server; requests beyond them queue in the agent (and that wait counts). */
  readonly maxSockets?: number;
}): Promise<PacedResult> {
  const target = new URL(opts.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 64 });
  const total = Math.round(opts.rate * opts.seconds);
  const intervalMs = 1000 / opts.rate;
  const statuses = new Map<number, number>();
  const latencies: number[] = [];
  let errors = 0;
  const inflight = new Set<Promise<void>>();

  const fire = (dueAt: number) => {
    const req = opts.next();
    const done = new Promise<void>((resolve) => {
      const headers = { ...req.headers, 'content-length': Buffer.byteLength(req.body) };
      const r = http.request({ host: target.hostname, port: target.port, path: req.path, method: 'POST', agent, headers }, (res) => {
        res.resume();
        res.on('end', () => {
          latencies.push(performance.now() - dueAt);
          statuses.set(res.statusCode ?? 0, (statuses.get(res.statusCode ?? 0) ?? 0) + 1);
          resolve();
        });
      });
      r.on('error', () => {
        errors++;
        resolve();
      });
      r.end(req.body);
    });
    inflight.add(done);
    void done.then(() => inflight.delete(done));
  };

  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * intervalMs <= now) fire(start + sent++ * intervalMs);
      if (sent >= total) return resolve();
      setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
    };
    tick();
  });
  await Promise.all(inflight);
  agent.destroy();
  return { sent, statuses, errors, latenciesMs: latencies.sort((a, b) => a - b) };
}

/** The q-quantile (0–1) of ascending values, nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}
