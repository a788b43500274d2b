import * as path from 'node:path';
import { defaultGatewayPort, gatewayEnv } from '../contracts/gateway';

/** The gateway's settings, from flags (win) and environment. See docs/gateway.md. */
export interface GatewayConfig {
  /** Listen port. @default 8080 (`--port` / `PORT`) */
  readonly port: number;
  /**
   * Dedicated port for `POST /webhooks/alertmanager` (so a NetworkPolicy can admit only Alertmanager
   * to it). Unset: served on `port`. (`--alertmanager-port` / `ALERTMANAGER_PORT`)
   */
  readonly alertmanagerPort?: number;
  /** Dedicated port for `POST /webhooks/kserve` (the payload logger). Unset: served on `port`. (`--kserve-port` / `KSERVE_PORT`) */
  readonly kservePort?: number;
  /** Listen address. @default 0.0.0.0 (`--host` / `HOST`) */
  readonly host: string;
  /** Bearer token every authenticated endpoint requires (`GATEWAY_TOKEN`, required). */
  readonly token: string;
  /** Token for GitHub's `repository_dispatch` (`GITHUB_TOKEN`, required). */
  readonly githubToken: string;
  /** Repository dispatches go to (`GITHUB_REPOSITORY`, `owner/name`, required). */
  readonly githubOwner: string;
  readonly githubRepo: string;
  /** GitHub REST base URL. @default https://api.github.com (`GITHUB_API_URL`) */
  readonly githubApiUrl: string;
  /** Durable state (SQLite). @default ./.gateway-state (`GATEWAY_STATE_DIR`) */
  readonly stateDir: string;
  /** Request body limit in bytes. @default 1 MiB (`GATEWAY_MAX_BODY_BYTES`) */
  readonly maxBodyBytes: number;
  /** A group with the same key, fingerprints and status within this window is recorded, not dispatched. @default 3600 s */
  readonly dedupeWindowSeconds: number;
  /** Dispatch attempts before an entry is marked failed. @default 8 */
  readonly maxAttempts: number;
  /** First retry delay; doubles per attempt, with full jitter. @default 1000 ms */
  readonly backoffBaseMs: number;
  /** Upper bound of one retry delay (rate-limit waits follow GitHub's headers instead). @default 300000 ms */
  readonly backoffMaxMs: number;
  /** Per-request timeout of a dispatch call. @default 10000 ms */
  readonly dispatchTimeoutMs: number;
}

/** Raw settings as strings (flags and env have the same shape). */
export interface GatewaySettingsInput {
  port?: string;
  alertmanagerPort?: string;
  kservePort?: string;
  host?: string;
  token?: string;
  githubToken?: string;
  githubRepository?: string;
  githubApiUrl?: string;
  stateDir?: string;
  maxBodyBytes?: string;
  dedupeWindowSeconds?: string;
  maxAttempts?: string;
  backoffBaseMs?: string;
  backoffMaxMs?: string;
  dispatchTimeoutMs?: string;
}

/** Setting → environment variable (and the flag the CLI offers); declared in src/contracts/gateway.ts. */
export { gatewayEnv };

export class GatewayConfigError extends Error {}

function int(name: string, raw: string | undefined, dflt: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return dflt;
  if (!/^\d+$/.test(raw.trim())) throw new GatewayConfigError(`${name} must be an integer, got "${raw}"`);
  const n = Number(raw.trim());
  if (n < min || n > max) throw new GatewayConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/**
 * Merges flags over the environment and validates. A missing required setting throws a
 * GatewayConfigError naming every missing variable; secrets are never echoed.
 */
export function loadGatewayConfig(flags: GatewaySettingsInput, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const get = (k: keyof GatewaySettingsInput): string | undefined => {
    const v = flags[k] ?? env[gatewayEnv[k]];
    return v === undefined || v === '' ? undefined : v;
  };
  const missing = (['token', 'githubToken', 'githubRepository'] as const).filter((k) => get(k) === undefined);
  if (missing.length > 0) {
    throw new GatewayConfigError(
      `missing required setting${missing.length > 1 ? 's' : ''}: ${missing.map((k) => gatewayEnv[k]).join(', ')}`,
    );
  }
  const repository = get('githubRepository')!;
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(repository);
  if (!m) throw new GatewayConfigError(`GITHUB_REPOSITORY must be "owner/name", got "${repository}"`);
  const apiUrl = get('githubApiUrl') ?? 'https://api.github.com';
  try {
    new URL(apiUrl);
  } catch {
    throw new GatewayConfigError(`GITHUB_API_URL is not a URL: "${apiUrl}"`);
  }
  const backoffBaseMs = int('GATEWAY_BACKOFF_BASE_MS', get('backoffBaseMs'), 1_000, 1, 3_600_000);
  return {
    port: int('PORT', get('port'), defaultGatewayPort, 0, 65535),
    ...(get('alertmanagerPort') !== undefined ? { alertmanagerPort: int('ALERTMANAGER_PORT', get('alertmanagerPort'), 0, 0, 65535) } : {}),
    ...(get('kservePort') !== undefined ? { kservePort: int('KSERVE_PORT', get('kservePort'), 0, 0, 65535) } : {}),
    host: get('host') ?? '0.0.0.0',
    token: get('token')!,
    githubToken: get('githubToken')!,
    githubOwner: m[1],
    githubRepo: m[2],
    githubApiUrl: apiUrl.replace(/\/+$/, ''),
    stateDir: path.resolve(get('stateDir') ?? './.gateway-state'),
    maxBodyBytes: int('GATEWAY_MAX_BODY_BYTES', get('maxBodyBytes'), 1024 * 1024, 1024, 64 * 1024 * 1024),
    dedupeWindowSeconds: int('GATEWAY_DEDUPE_WINDOW_SECONDS', get('dedupeWindowSeconds'), 3600, 0, 30 * 86400),
    maxAttempts: int('GATEWAY_DISPATCH_MAX_ATTEMPTS', get('maxAttempts'), 8, 1, 100),
    backoffBaseMs,
    backoffMaxMs: int('GATEWAY_BACKOFF_MAX_MS', get('backoffMaxMs'), 300_000, backoffBaseMs, 86_400_000),
    dispatchTimeoutMs: int('GATEWAY_DISPATCH_TIMEOUT_MS', get('dispatchTimeoutMs'), 10_000, 100, 600_000),
  };
}
