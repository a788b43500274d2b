import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { send } from './body';
import type { GatewayConfig } from './config';
import type { GatewayContext, Listener, RouteModule } from './http';
import { jsonLogger, type Logger } from './logger';
import { createGatewayMetrics } from './metrics';
import { createPipeline } from './pipeline';
import { buildRouteTables } from './router';
import { routeModules } from './routes';

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

/**
 * Starts the gateway: the shared context, every route module, one HTTP listener per configured port
 * (each running the request pipeline, pipeline.ts), and an orderly close.
 */
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
  const tables = await buildRouteTables(options.modules ?? routeModules, context, ports);

  const servers = new Map<Listener, http.Server>();
  for (const [listener, table] of tables) {
    const handle = createPipeline(table, context, () => shuttingDown);
    const server = http.createServer((req, res) => {
      handle(req, res).catch((err) => {
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
