import type { RouteModule } from './http';
import { gatewayPaths } from '../contracts/gateway';

/**
 * Liveness, readiness and metrics. `/healthz` says the process serves HTTP; `/readyz` says every
 * module's readiness check passes (the outbox database is open and writable, ...); `/metrics` is
 * prom-client's text format. None needs a token: the NetworkPolicy lets only the kubelet and
 * Prometheus reach them, and they expose no payloads.
 */
export const probeRoutes: RouteModule = {
  name: 'probes',
  init: () => [
    { method: 'GET', path: gatewayPaths.healthz, auth: 'none', handler: () => ({ status: 200, body: { status: 'ok' } }) },
    {
      method: 'GET',
      path: gatewayPaths.readyz,
      auth: 'none',
      handler: (_req, ctx) => {
        const failing = ctx.readinessFailures();
        return failing.length === 0
          ? { status: 200, body: { status: 'ready' } }
          : { status: 503, body: { status: 'not-ready', failing } };
      },
    },
    {
      method: 'GET',
      path: gatewayPaths.metrics,
      auth: 'none',
      handler: async (_req, ctx) => ({
        status: 200,
        headers: { 'content-type': ctx.registry.contentType },
        body: await ctx.registry.metrics(),
      }),
    },
  ],
};
