import { alertmanagerRoutes } from './alertmanager';
import { captureRoutes } from './capture';
import { driftRunRoutes } from './drift-runs';
import type { RouteModule } from './http';
import { probeRoutes } from './probes';

/**
 * The gateway's route-registration seam: a module that adds endpoints exports a `RouteModule`
 * (src/gateway/http.ts) and is listed ONCE here (one import + one array entry), like the CLI's
 * command list.
 */
// Each route module adds itself here (the capture module of the drift issue: src/gateway/capture/).
export const routeModules: RouteModule[] = [
  probeRoutes,
  alertmanagerRoutes,
  captureRoutes,
  driftRunRoutes,
];
