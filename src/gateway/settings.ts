import { z } from 'zod';
import { captureEnv, defaultGatewayPort, gatewayEnv } from '../contracts/gateway';

/**
 * Every gateway setting, once: its environment variable (src/contracts/gateway.ts, which the
 * manifests use too), its default and its bounds. The CLI's flags arrive under the same names.
 * Errors name the variable and the value, never a secret (tokens are only checked for presence).
 */

/** A whole number in [min, max], or `dflt` when unset or empty. */
function integer(name: string, dflt: number | undefined, min: number, max: number) {
  return z.string().optional().transform((raw, ctx) => {
    if (raw === undefined || raw === '') return dflt;
    if (!/^\d+$/.test(raw.trim())) {
      ctx.addIssue({ code: 'custom', message: `${name} must be an integer, got "${raw}"` });
      return z.NEVER;
    }
    const n = Number(raw.trim());
    if (n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `${name} must be between ${min} and ${max}, got ${n}` });
      return z.NEVER;
    }
    return n;
  });
}

/** A number in [min, max], or `dflt` when unset or empty. */
function decimal(name: string, dflt: number, min: number, max: number) {
  return z.string().optional().transform((raw, ctx) => {
    if (raw === undefined || raw === '') return dflt;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `${name} must be a number between ${min} and ${max}, got "${raw}"` });
      return z.NEVER;
    }
    return n;
  });
}

const text = (dflt?: string) => z.string().optional().transform((v) => (v === undefined || v === '' ? dflt : v));

const e = gatewayEnv;
const c = captureEnv;

/** The gateway's settings by environment variable name. */
export const gatewaySettingsSchema = z.object({
  [e.port]: integer(e.port, defaultGatewayPort, 0, 65535),
  [e.alertmanagerPort]: integer(e.alertmanagerPort, undefined, 0, 65535),
  [e.kservePort]: integer(e.kservePort, undefined, 0, 65535),
  [e.host]: text('0.0.0.0'),
  [e.token]: text(),
  [e.githubToken]: text(),
  [e.githubRepository]: z.string().optional().transform((raw, ctx) => {
    if (raw === undefined || raw === '') return undefined;
    const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(raw);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: `${e.githubRepository} must be "owner/name", got "${raw}"` });
      return z.NEVER;
    }
    return { owner: m[1], repo: m[2] };
  }),
  [e.githubApiUrl]: text('https://api.github.com').transform((url, ctx) => {
    if (!URL.canParse(url!)) {
      ctx.addIssue({ code: 'custom', message: `${e.githubApiUrl} is not a URL: "${url}"` });
      return z.NEVER;
    }
    return url!.replace(/\/+$/, '');
  }),
  [e.stateDir]: text('./.gateway-state'),
  [e.maxBodyBytes]: integer(e.maxBodyBytes, 1024 * 1024, 1024, 64 * 1024 * 1024),
  [e.dedupeWindowSeconds]: integer(e.dedupeWindowSeconds, 3600, 0, 30 * 86400),
  [e.maxAttempts]: integer(e.maxAttempts, 8, 1, 100),
  [e.backoffBaseMs]: integer(e.backoffBaseMs, 1_000, 1, 3_600_000),
  [e.backoffMaxMs]: integer(e.backoffMaxMs, 300_000, 1, 86_400_000),
  [e.dispatchTimeoutMs]: integer(e.dispatchTimeoutMs, 10_000, 100, 600_000),
  // Finished outbox rows (dispatched, deduplicated, failed) older than this are deleted (never
  // within the dedupe window); pending rows are never deleted.
  [e.outboxRetentionDays]: integer(e.outboxRetentionDays, 14, 1, 3650),
  // Row budget: past it, the oldest finished rows are deleted (pending rows never). 10,000 rows of at
  // most 64 KB (GitHub's client_payload limit) stay under 640 MiB, within the 1 GiB state volume.
  [e.outboxMaxRows]: integer(e.outboxMaxRows, 10_000, 100, 10_000_000),
  // TEST ONLY: caps the outbox database's size in SQLite pages (a real SQLITE_FULL without a full
  // disk; test/gateway/disk-full.test.ts). Unset in every deployment.
  [e.testMaxPageCount]: integer(e.testMaxPageCount, undefined, 1, 2 ** 31 - 1),
  [c.sampleRate]: decimal(c.sampleRate, 1, 0, 1),
  [c.retentionDays]: decimal(c.retentionDays, 35, 1, 3650),
  [c.accuracyWindowHours]: decimal(c.accuracyWindowHours, 24, 1, 24 * 90),
});
export type GatewaySettings = z.output<typeof gatewaySettingsSchema>;

/** Parses the settings; the error message names the first wrong setting. */
export function parseGatewaySettings(raw: Record<string, string | undefined>): GatewaySettings {
  const r = gatewaySettingsSchema.safeParse(raw);
  if (!r.success) throw new Error(r.error.issues[0].message);
  return r.data;
}

/** The capture module's part of the settings (it reads them when the module starts). */
export function parseCaptureSettings(env: Record<string, string | undefined>) {
  const r = gatewaySettingsSchema.pick({ [c.sampleRate]: true, [c.retentionDays]: true, [c.accuracyWindowHours]: true } as const).safeParse(env);
  if (!r.success) throw new Error(r.error.issues[0].message);
  return r.data;
}
