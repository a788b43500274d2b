import { createHash, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import type { GatewayConfig } from './config';
import { jsonLogger, type Logger } from './logger';
import { createGatewayMetrics } from './metrics';
import {
  HttpError, routeModules, type GatewayContext, type GatewayResponse, type HttpMethod, type Listener, type Route, type RouteModule,
} from './routes';
import { gatewayPaths } from '../contracts/gateway';

/** Constant-time bearer check: both sides are hashed first, so lengths never leak either. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  const given = createHash('sha256').update(m ? m[1].trim() : '\0no-token').digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected) && m !== null;
}

/** How much of a rejected body we read before closing the connection (so the client sees our answer). */
const drainLimitBytes = 16 * 1024 * 1024;

/** A route's listener (the capture endpoint defaults to the `kserve` listener). */
export function listenerOf(route: Route): Listener {
  return route.listener ?? (route.path === gatewayPaths.kserveWebhook ? 'kserve' : 'main');
}

export interface RunningGateway {
  /** The main listener (PORT). */
  readonly port: number;
  readonly url: string;
  /** Every listener's base URL (dedicated ones only when their port is configured). */
  readonly urls: Readonly<Partial<Record<Listener, string>>>;
  readonly context: GatewayContext;
  /** Stop accepting, finish in-flight requests and writes, stop the worker, close the databases. */
  close(): Promise<void>;
}

export interface StartOptions {
  readonly logger?: Logger;
  /** @default routeModules (routes.ts) */
  readonly modules?: readonly RouteModule[];
}

export async function startGateway(config: GatewayConfig, options: StartOptions = {}): Promise<RunningGateway> {
  const logger = options.logger ?? jsonLogger();
  fs.mkdirSync(config.stateDir, { recursive: true });
  const registry = new Registry();
  const metrics = createGatewayMetrics(registry);
  const checks = new Map<string, () => boolean>();
  const hooks: Array<() => Promise<void> | void> = [];
  const context: GatewayContext = {
    config,
    registry,
    metrics,
    logger,
    stateDir: config.stateDir,
    addReadinessCheck: (name, check) => void checks.set(name, check),
    readinessFailures: () => [...checks].filter(([, check]) => {
      try {
        return !check();
      } catch {
        return true;
      }
    }).map(([name]) => name),
    onShutdown: (hook) => void hooks.push(hook),
  };
  let shuttingDown = false;
  context.addReadinessCheck('accepting', () => !shuttingDown);

  // Which ports exist: main always; a dedicated one only when configured.
  const ports: Partial<Record<Listener, number>> = { main: config.port };
  if (config.alertmanagerPort !== undefined) ports.alertmanager = config.alertmanagerPort;
  if (config.kservePort !== undefined) ports.kserve = config.kservePort;
  const servedOn = (route: Route): Listener => (ports[listenerOf(route)] !== undefined ? listenerOf(route) : 'main');

  const tables = new Map<Listener, { routes: Map<string, Route>; paths: Set<string> }>();
  for (const l of Object.keys(ports) as Listener[]) tables.set(l, { routes: new Map(), paths: new Set() });
  for (const mod of options.modules ?? routeModules) {
    for (const route of await mod.init(context)) {
      const key = `${route.method} ${route.path}`;
      const t = tables.get(servedOn(route))!;
      if ([...tables.values()].some((x) => x.routes.has(key))) throw new Error(`route ${key} is registered twice (module ${mod.name})`);
      t.routes.set(key, route);
      t.paths.add(route.path);
    }
  }

  const servers = new Map<Listener, http.Server>();
  for (const listener of tables.keys()) {
    const server = http.createServer((req, res) => {
      handle(listener, req, res).catch((err) => {
        logger.error('request failed', { error: (err as Error).message });
        if (!res.headersSent) send(res, 500, { error: 'internal error' });
        else res.destroy();
      });
    });
    server.keepAliveTimeout = 5_000;
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
    });
    servers.set(listener, server);
  }

  function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const isRaw = typeof body === 'string' || Buffer.isBuffer(body);
    const data = body === undefined ? '' : isRaw ? (body as string | Buffer) : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': isRaw ? 'text/plain; charset=utf-8' : 'application/json',
      'content-length': String(Buffer.byteLength(data)),
      ...headers,
    });
    res.end(data);
  }

  /** Reads the body up to `limit`; `undefined` when it was larger (the rest is drained, not kept). */
  function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
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

  /** Answers a rejection after draining the request body (bounded), so the client reads the answer. */
  async function reject(req: http.IncomingMessage, res: http.ServerResponse, endpoint: string, err: HttpError): Promise<void> {
    metrics.rejected.inc({ endpoint, reason: err.reason });
    if (!req.complete) await readBody(req, 0).catch(() => undefined);
    if (!res.headersSent && !res.destroyed) {
      send(res, err.status, { error: err.message }, err.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
    }
  }

  async function handle(listener: Listener, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const url = new URL(req.url ?? '/', 'http://gateway.invalid');
    const { routes: table, paths } = tables.get(listener)!;
    const route = table.get(`${req.method} ${url.pathname}`);
    if (!route) {
      const known = paths.has(url.pathname);
      const endpoint = known ? url.pathname : 'unknown';
      return reject(req, res, endpoint, known
        ? new HttpError(405, 'method-not-allowed', `method ${req.method} not allowed on ${url.pathname}`)
        : new HttpError(404, 'not-found', `no route ${url.pathname}`));
    }
    const endpoint = route.endpoint ?? route.path;
    metrics.received.inc({ endpoint });
    if (shuttingDown) return reject(req, res, endpoint, new HttpError(503, 'shutting-down', 'gateway is shutting down'));
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
      res.writeHead(out.status, { 'content-type': 'application/x-ndjson', ...out.headers });
      for await (const chunk of body as AsyncIterable<string | Buffer>) {
        if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
      }
      res.end();
      return;
    }
    send(res, out.status, body, out.headers);
  }

  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  const urls: Partial<Record<Listener, string>> = {};
  try {
    for (const [listener, server] of servers) {
      await new Promise<void>((resolve, rejectListen) => {
        server.once('error', rejectListen);
        server.listen(ports[listener], config.host, () => resolve());
      });
      const bound = (server.address() as AddressInfo).port;
      urls[listener] = `http://${host}:${bound}`;
      logger.info('gateway listening', { listener, port: bound, routes: [...tables.get(listener)!.routes.keys()] });
    }
  } catch (err) {
    for (const s of servers.values()) s.close();
    for (const hook of [...hooks].reverse()) await Promise.resolve(hook()).catch(() => undefined);
    throw err;
  }
  const port = Number(new URL(urls.main!).port);

  let closing: Promise<void> | undefined;
  return {
    port,
    url: urls.main!,
    urls,
    context,
    close() {
      closing ??= (async () => {
        shuttingDown = true;
        await Promise.all([...servers.values()].map((server) => new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        })));
        for (const hook of [...hooks].reverse()) {
          try {
            await hook();
          } catch (err) {
            logger.error('shutdown hook failed', { error: (err as Error).message });
          }
        }
        logger.info('gateway stopped');
      })();
      return closing;
    },
  };
}
