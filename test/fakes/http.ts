import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a fake received, body as text (and parsed JSON when it was JSON). */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly url: URL;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly json?: unknown;
}

/** What a handler returns. */
export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON. */
  body?: unknown;
  /** Delay before answering (for timeouts), ms. */
  delayMs?: number;
}

export interface LoopbackServer {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** Starts an HTTP server on 127.0.0.1 (free port) that records every request. */
export async function startLoopback(
  handler: (req: ReceivedRequest) => FakeResponse | Promise<FakeResponse>,
): Promise<LoopbackServer> {
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const rec: ReceivedRequest = { method: req.method ?? 'GET', path: url.pathname, url, headers: req.headers, body, json };
      requests.push(rec);
      let out: FakeResponse;
      try {
        out = await handler(rec);
      } catch (err) {
        out = { status: 500, body: { message: (err as Error).message } };
      }
      const send = () => {
        if (res.destroyed) return;
        const headers: Record<string, string> = { ...(out.headers ?? {}) };
        let payload: string | Buffer = '';
        if (out.body !== undefined) {
          if (typeof out.body === 'string' || Buffer.isBuffer(out.body)) {payload = out.body;} else {
            payload = JSON.stringify(out.body);
            headers['content-type'] ??= 'application/json; charset=utf-8';
          }
        }
        res.writeHead(out.status, headers);
        res.end(payload);
      };
      if (out.delayMs) setTimeout(send, out.delayMs).unref();
      else send();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
