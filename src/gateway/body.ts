import type * as http from 'node:http';

/** How much of a rejected body we read before closing the connection (so the client sees our answer). */
const drainLimitBytes = 16 * 1024 * 1024;

/** Reads the body up to `limit`; `undefined` when it was larger (the rest is drained, not kept). */
export function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (over) {
        if (size > drainLimitBytes) req.destroy();
        return;
      }
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', fail);
    req.on('close', () => (over ? resolve(undefined) : undefined));
  });
}

/** Sends a whole answer: JSON for objects, text for strings and Buffers, with its length. */
export function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const isRaw = typeof body === 'string' || Buffer.isBuffer(body);
  const data = body === undefined ? '' : isRaw ? (body as string | Buffer) : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': isRaw ? 'text/plain; charset=utf-8' : 'application/json',
    'content-length': String(Buffer.byteLength(data)),
    ...headers,
  });
  res.end(data);
}

/** Streams an async iterable body (NDJSON) chunk by chunk, honouring back-pressure. */
export async function stream(
  res: http.ServerResponse,
  status: number,
  body: AsyncIterable<string | Buffer>,
  headers: Record<string, string> = {},
): Promise<void> {
  res.writeHead(status, { 'content-type': 'application/x-ndjson', ...headers });
  for await (const chunk of body) {
    if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
  }
  res.end();
}
