import type * as http from 'node:http';
import { bearerMatches } from './auth';
import { readBody, send, stream } from './body';
import { HttpError, type GatewayContext, type GatewayResponse, type HttpMethod } from './http';
import type { RouteTable } from './router';

/**
 * The request pipeline every route runs through, in order: route lookup (404/405), shutdown (503),
 * bearer token (401), content type (415), body limit (413, declared then actual), JSON (400), the
 * handler (its HttpError → 4xx, anything else → 500), then the answer (whole or streamed).
 */
export function createPipeline(table: RouteTable, context: GatewayContext, isShuttingDown: () => boolean) {
  const { config, metrics, logger } = context;

  /** Answers a rejection after draining the request body (bounded), so the client reads the answer. */
  async function reject(req: http.IncomingMessage, res: http.ServerResponse, endpoint: string, err: HttpError): Promise<void> {
    metrics.rejected.inc({ endpoint, reason: err.reason });
    if (!req.complete) await readBody(req, 0).catch(() => undefined);
    if (!res.headersSent && !res.destroyed) {
      send(res, err.status, { error: err.message }, err.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
    }
  }

  return async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const url = new URL(req.url ?? '/', 'http://gateway.invalid');
    const route = table.routes.get(`${req.method} ${url.pathname}`);
    if (!route) {
      const known = table.paths.has(url.pathname);
      const endpoint = known ? url.pathname : 'unknown';
      return reject(req, res, endpoint, known
        ? new HttpError(405, 'method-not-allowed', `method ${req.method} not allowed on ${url.pathname}`)
        : new HttpError(404, 'not-found', `no route ${url.pathname}`));
    }
    const endpoint = route.endpoint ?? route.path;
    metrics.received.inc({ endpoint });
    if (isShuttingDown()) return reject(req, res, endpoint, new HttpError(503, 'shutting-down', 'gateway is shutting down'));
    if (route.auth === 'bearer' && !bearerMatches(req.headers.authorization, config.token)) {
      return reject(req, res, endpoint, new HttpError(401, 'unauthorized', 'missing or wrong bearer token'));
    }
    const hasBody = route.method === 'POST' || route.method === 'PUT';
    if (hasBody) {
      const accepted = route.contentTypes ?? ['application/json'];
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (!accepted.includes(type)) {
        return reject(req, res, endpoint, new HttpError(415, 'unsupported-media-type',
          `content type "${type || '(none)'}" not accepted; use ${accepted.join(' or ')}`));
      }
    }
    const limit = route.maxBodyBytes ?? config.maxBodyBytes;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      return reject(req, res, endpoint, new HttpError(413, 'too-large', `body of ${declared} bytes is over the limit of ${limit} bytes`));
    }
    const rawBody = hasBody ? await readBody(req, limit) : Buffer.alloc(0);
    if (rawBody === undefined) {
      return reject(req, res, endpoint, new HttpError(413, 'too-large', `body is over the limit of ${limit} bytes`));
    }
    let json: unknown;
    if (route.json ?? hasBody) {
      try {
        json = JSON.parse(rawBody.toString('utf8'));
      } catch (err) {
        return reject(req, res, endpoint, new HttpError(400, 'malformed-json', `body is not valid JSON: ${(err as Error).message}`));
      }
    }
    let out: GatewayResponse;
    try {
      out = await route.handler({
        method: route.method as HttpMethod, path: url.pathname, query: url.searchParams, headers: req.headers, rawBody, json, receivedAt: Date.now(),
      }, context);
    } catch (err) {
      if (err instanceof HttpError) return reject(req, res, endpoint, err);
      metrics.rejected.inc({ endpoint, reason: 'internal-error' });
      logger.error('handler failed', { endpoint, error: (err as Error).message });
      return send(res, 500, { error: 'internal error' });
    }
    if (out.status < 400) metrics.processingSeconds.observe({ endpoint }, (performance.now() - receivedAt) / 1000);
    const body = out.body;
    if (body !== null && typeof body === 'object' && Symbol.asyncIterator in (body as object)) {
      return stream(res, out.status, body as AsyncIterable<string | Buffer>, out.headers);
    }
    send(res, out.status, body, out.headers);
  };
}
