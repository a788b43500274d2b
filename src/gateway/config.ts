import * as path from 'node:path';
import { parseGatewaySettings } from './settings';
import { gatewayEnv } from '../contracts/gateway';

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
  /** Finished outbox rows older than this are pruned. @default 14 (`GATEWAY_OUTBOX_RETENTION_DAYS`) */
  readonly outboxRetentionDays: number;
  /** Outbox row budget: the oldest finished rows past it are pruned. @default 10000 (`GATEWAY_OUTBOX_MAX_ROWS`) */
  readonly outboxMaxRows: number;
  /** TEST ONLY: the outbox database's size cap in pages (`GATEWAY_TEST_MAX_PAGE_COUNT`); unset in deployments. */
  readonly testMaxPageCount?: number;
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
  outboxRetentionDays?: string;
  outboxMaxRows?: string;
  testMaxPageCount?: string;
}

export class GatewayConfigError extends Error {}

/**
 * Merges flags over the environment and validates them with the one settings schema (settings.ts).
 * A missing required setting throws a GatewayConfigError naming every missing variable; secrets are
 * never echoed.
 */
export function loadGatewayConfig(flags: GatewaySettingsInput, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const raw: Record<string, string | undefined> = { ...env };
  for (const [k, name] of Object.entries(gatewayEnv)) raw[name] = flags[k as keyof GatewaySettingsInput] ?? env[name];
  const missing = [gatewayEnv.token, gatewayEnv.githubToken, gatewayEnv.githubRepository].filter((name) => !raw[name]);
  if (missing.length > 0) {
    throw new GatewayConfigError(`missing required setting${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  }
  let s;
  try {
    s = parseGatewaySettings(raw);
  } catch (err) {
    throw new GatewayConfigError((err as Error).message);
  }
  const e = gatewayEnv;
  const backoffBaseMs = s[e.backoffBaseMs]!;
  const backoffMaxMs = s[e.backoffMaxMs]!;
  if (backoffMaxMs < backoffBaseMs) throw new GatewayConfigError(`${e.backoffMaxMs} must be between ${backoffBaseMs} and 86400000, got ${backoffMaxMs}`);
  return {
    port: s[e.port]!,
    ...(s[e.alertmanagerPort] !== undefined ? { alertmanagerPort: s[e.alertmanagerPort] } : {}),
    ...(s[e.kservePort] !== undefined ? { kservePort: s[e.kservePort] } : {}),
    host: s[e.host]!,
    token: s[e.token]!,
    githubToken: s[e.githubToken]!,
    githubOwner: s[e.githubRepository]!.owner,
    githubRepo: s[e.githubRepository]!.repo,
    githubApiUrl: s[e.githubApiUrl],
    stateDir: path.resolve(s[e.stateDir]!),
    maxBodyBytes: s[e.maxBodyBytes]!,
    dedupeWindowSeconds: s[e.dedupeWindowSeconds]!,
    maxAttempts: s[e.maxAttempts]!,
    backoffBaseMs,
    backoffMaxMs,
    dispatchTimeoutMs: s[e.dispatchTimeoutMs]!,
    outboxRetentionDays: s[e.outboxRetentionDays]!,
    outboxMaxRows: s[e.outboxMaxRows]!,
    ...(s[e.testMaxPageCount] !== undefined ? { testMaxPageCount: s[e.testMaxPageCount] } : {}),
  };
}
