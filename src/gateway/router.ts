import type { Listener, Route, RouteModule, GatewayContext } from './http';
import { gatewayPaths } from '../contracts/gateway';

/** A listener's routes by `METHOD path`, and its paths (to tell 405 from 404). */
export interface RouteTable {
  readonly routes: Map<string, Route>;
  readonly paths: Set<string>;
}

/** A route's listener (the capture endpoint defaults to the `kserve` listener). */
export function listenerOf(route: Route): Listener {
  return route.listener ?? (route.path === gatewayPaths.kserveWebhook ? 'kserve' : 'main');
}

/**
 * Starts every module and files its routes under the listener that serves them: a route's own
 * listener when that port is configured, the main one otherwise. A route registered twice is an error.
 */
export async function buildRouteTables(
  modules: readonly RouteModule[],
  context: GatewayContext,
  ports: Partial<Record<Listener, number>>,
): Promise<Map<Listener, RouteTable>> {
  const servedOn = (route: Route): Listener => (ports[listenerOf(route)] !== undefined ? listenerOf(route) : 'main');
  const tables = new Map<Listener, RouteTable>();
  for (const l of Object.keys(ports) as Listener[]) tables.set(l, { routes: new Map(), paths: new Set() });
  for (const mod of modules) {
    for (const route of await mod.init(context)) {
      const key = `${route.method} ${route.path}`;
      const t = tables.get(servedOn(route))!;
      if ([...tables.values()].some((x) => x.routes.has(key))) throw new Error(`route ${key} is registered twice (module ${mod.name})`);
      t.routes.set(key, route);
      t.paths.add(route.path);
    }
  }
  return tables;
}
