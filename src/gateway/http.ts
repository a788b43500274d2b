import type { IncomingHttpHeaders } from 'node:http';
import type { Registry } from 'prom-client';
import type { GatewayConfig } from './config';
import type { Logger } from './logger';
import type { GatewayMetrics } from './metrics';

/**
 * The gateway's HTTP vocabulary: routes, requests, responses, the context modules share. Every
 * endpoint is one `Route`; modules are listed in routes.ts. Everything around a handler
 * (authentication, content type, body limit, JSON parsing, metrics, error mapping) is pipeline.ts.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** The gateway's listeners (ports); see `Route.listener`. */
export type Listener = 'main' | 'alertmanager' | 'kserve';

/** What a handler sees of the request. The body is already read (bounded) and, for JSON routes, parsed. */
export interface GatewayRequest {
  readonly method: HttpMethod;
  /** Path without the query string, e.g. `/webhooks/alertmanager`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** Raw body bytes (empty for GET). */
  readonly rawBody: Buffer;
  /** The parsed JSON body when the route declares `json: true`; otherwise undefined. */
  readonly json?: unknown;
  /** Unix time in ms at which the request arrived (for the processing-latency histogram). */
  readonly receivedAt: number;
}

/**
 * What a handler returns. `body` is sent as JSON when it is an object, verbatim when a string or
 * Buffer, and streamed chunk by chunk when it is an async iterable (e.g. NDJSON).
 */
export interface GatewayResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

/** Thrown by handlers for a clean 4xx: the server answers `{error: message}` and counts `reason`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    /** kebab-case reason label for `mlops_gateway_rejected_total{reason}`. */
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Route {
  readonly method: HttpMethod;
  /** Exact path (no patterns: the gateway's API is small). */
  readonly path: string;
  /** `bearer`: `Authorization: Bearer <GATEWAY_TOKEN>` required (401 otherwise). `none`: open (guarded by NetworkPolicy). */
  readonly auth: 'bearer' | 'none';
  /**
   * Accepted request content types (media type only, lower case). A request with another type gets 415.
   * @default ['application/json'] for POST/PUT; not checked for GET/DELETE
   */
  readonly contentTypes?: readonly string[];
  /** Parse the body as JSON before calling the handler (400 naming the position otherwise). @default true for POST/PUT */
  readonly json?: boolean;
  /** Body size limit in bytes (413 above it). @default config.maxBodyBytes (1 MiB) */
  readonly maxBodyBytes?: number;
  /**
   * Which listener serves the route: `main` (PORT: probes, metrics, token-guarded APIs), or a
   * dedicated one (`alertmanager`: ALERTMANAGER_PORT, `kserve`: KSERVE_PORT) so NetworkPolicies can
   * admit each sender to its port only. When the dedicated port is not configured the route is
   * served on the main port.
   * @default 'main' (for `/webhooks/kserve`: 'kserve')
   */
  readonly listener?: Listener;
  /** The `endpoint` label in metrics. @default the path */
  readonly endpoint?: string;
  readonly handler: (req: GatewayRequest, ctx: GatewayContext) => Promise<GatewayResponse> | GatewayResponse;
}

/** Shared by every route module: created once per gateway instance by the server. */
export interface GatewayContext {
  readonly config: GatewayConfig;
  /** This gateway's own prom-client registry (not the global one, so several gateways can share a process). */
  readonly registry: Registry;
  /** The gateway's declared metrics (names from src/config/metrics.ts). Modules may register more in `registry`. */
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  /** Directory for durable state (SQLite files). Created before modules start. */
  readonly stateDir: string;
  /** Registers a readiness check; /readyz is 200 only when every check returns true. */
  addReadinessCheck(name: string, check: () => boolean): void;
  /** Names of the readiness checks that fail now (empty when ready). */
  readinessFailures(): string[];
  /** Registers a shutdown hook, run in reverse order after the listener stops accepting. */
  onShutdown(hook: () => Promise<void> | void): void;
}

/** A set of routes plus optional start-up work (open databases, start workers). */
export interface RouteModule {
  readonly name: string;
  /** Called once at start, before the listener opens; returns the module's routes. */
  init(ctx: GatewayContext): Promise<readonly Route[]> | readonly Route[];
}
