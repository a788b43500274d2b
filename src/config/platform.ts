import { z } from 'zod';
import release from './release.json';
import { githubUrl, llmEndpointOf, site, Site } from './site';
import { teamIds } from './teams';

/**
 * The typed platform configuration: one zod-validated object with defaults for a 3-node K3s
 * homelab. Every chart reads its settings from here; unknown keys are rejected (a misspelled key
 * would otherwise be silently ignored), and an invalid value fails synth with the field's path.
 *
 * What differs per installation (repository, domain, node network, …) comes from the site file
 * (`site.yaml`, schema in `./site`) through `platformOverridesFromSite`; the values below are the
 * defaults of everything else. Teams come from `./teams` (the one teams map); credentials from
 * `./credentials`.
 */

/** A DNS-1123 label: lowercase alphanumerics and '-', at most 63 characters. */
const dnsLabel = z
  .string()
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label (lowercase letters, digits, "-")');

/** A Kubernetes quantity such as `20Gi` or `500m`. */
const quantity = z.string().regex(/^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/, 'must be a Kubernetes quantity such as 20Gi');

/** A Prometheus duration such as `15d` or `5m`. */
const promDuration = z.string().regex(/^[0-9]+(ms|s|m|h|d|w|y)$/, 'must be a Prometheus duration such as 15d');

const fraction = z.number().min(0).max(1);

export const platformConfigSchema = z.strictObject({
  /** Cluster name; used in labels and the ArgoCD destination name. */
  clusterName: dnsLabel,
  /** Base DNS domain of the homelab; hostnames are `<service>.<domain>`. */
  domain: z.string().regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, 'must be a DNS domain such as homelab.example.com'),
  /** The git repository ArgoCD syncs `dist/` from. */
  gitRepoUrl: z.string().regex(/^(https:\/\/|ssh:\/\/|git@)\S+$/, 'must be an https://, ssh:// or git@ repository URL'),
  /** The branch (or tag) ArgoCD follows. */
  targetRevision: z.string().min(1),
  /** Namespaces, one per component. The model and the gateway live in `mlops`. */
  namespaces: z.strictObject({
    argocd: dnsLabel,
    monitoring: dnsLabel,
    certManager: dnsLabel,
    kserve: dnsLabel,
    sealedSecrets: dnsLabel,
    mlflow: dnsLabel,
    arcSystems: dnsLabel,
    arcRunners: dnsLabel,
    mlops: dnsLabel,
  }),
  /** Cluster networking that NetworkPolicies need (K3s defaults). */
  network: z.strictObject({
    /** The nodes' subnet: the API server (host network on K3s) is reached there after Service DNAT. */
    nodeCidr: z.string().regex(/^([0-9]{1,3}\.){3}[0-9]{1,3}\/[0-9]{1,2}$/, 'must be an IPv4 CIDR such as 192.168.1.0/24'),
    /** The API server port on the nodes. */
    apiServerPort: z.number().int().min(1).max(65535),
    /**
     * The pod network. Calls from the API server (host network) to webhooks on another node arrive
     * from that node's flannel address inside this range, not from the node IP.
     */
    podCidr: z.string().regex(/^([0-9]{1,3}\.){3}[0-9]{1,3}\/[0-9]{1,2}$/, 'must be an IPv4 CIDR such as 10.42.0.0/16'),
  }),
  /** StorageClass of every PersistentVolumeClaim (K3s ships `local-path`). */
  storageClass: dnsLabel,
  /** Storage sizes and retention. */
  sizes: z.strictObject({
    prometheusStorage: quantity,
    prometheusRetention: promDuration,
    /** Prometheus stops writing before its volume fills (`retentionSize`), e.g. `18GB`. */
    prometheusRetentionSize: z.string().regex(/^[0-9]+(B|KB|MB|GB|TB)$/, 'must be a size such as 18GB'),
    alertmanagerStorage: quantity,
    grafanaStorage: quantity,
    postgresStorage: quantity,
    /** CloudNativePG instances (1 primary + replicas). */
    postgresInstances: z.number().int().min(1).max(5),
    objectStoreStorage: quantity,
    gatewayStorage: quantity,
  }),
  /** Backups of the MLflow PostgreSQL database (CloudNativePG ScheduledBackup to the object store). */
  backups: z.strictObject({
    /** Six-field cron (seconds first), as CloudNativePG expects. */
    postgresSchedule: z.string().regex(/^(\S+\s+){5}\S+$/, 'must be a six-field cron expression (seconds first)'),
    /** How long base backups and WAL are kept, e.g. `30d`. */
    retention: z.string().regex(/^[0-9]+[dwm]$/, 'must be a retention such as 30d'),
  }),
  /** The served model. */
  model: z.strictObject({
    /** MLflow registered model name and the InferenceService name. */
    name: dnsLabel,
  }),
  /** The gateway (Alertmanager webhook, payload capture, feedback, outbox). */
  gateway: z.strictObject({
    name: dnsLabel,
    port: z.number().int().min(1024).max(65535),
    /** The directory its durable state (SQLite outbox, captures) lives in; a PVC is mounted here. */
    stateDir: z.string().regex(/^\/[^\s]*$/, 'must be an absolute path'),
    /** GitHub repository (`owner/name`) it sends repository_dispatch events to. */
    githubRepository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be owner/name'),
  }),
  /** Alert thresholds (the rules construct reads them). */
  alerts: z.strictObject({
    /** `InferenceLatencyHigh`: p95 predict latency above this many seconds. */
    latencyP95Seconds: z.number().positive(),
    /** `InferenceErrorRateHigh`: share of 5xx responses above this. */
    errorRatio: fraction,
    /** `ModelAccuracyLow`: accuracy below this. */
    accuracyMin: fraction,
    /** `ModelAccuracyLow` needs at least this many labelled predictions in the window. */
    minLabelledSamples: z.number().int().min(1),
    /** `PredictionDistributionShift`: a class share moved by more than this (absolute). */
    classShareShift: fraction,
    /** `ConfidenceVarianceRising`: variance above this factor of its offset average. */
    confidenceVarianceFactor: z.number().min(1),
    /** `GatewayOutboxBacklog`: outbox depth above this. */
    outboxBacklog: z.number().int().min(1),
    /** The team alerts fall back to when a rule names none. */
    defaultTeam: z.enum(teamIds as [string, ...string[]]),
  }),
  /** Actions Runner Controller: the self-hosted runner scale set in the cluster. */
  runners: z.strictObject({
    /** The scale set name; workflows use `runs-on: <name>`. */
    scaleSetName: dnsLabel,
    /** GitHub URL (repository or organisation) the runners register with. */
    githubConfigUrl: z.string().regex(/^https:\/\/github\.com\/\S+$/, 'must be an https://github.com/ URL'),
    minRunners: z.number().int().min(0),
    maxRunners: z.number().int().min(1),
    /**
     * An on-prem LLM endpoint the analysis workflows on the runners call (site `llm.baseUrl` with
     * provider `openai`): the runners' egress NetworkPolicy allows it. Absent for Gemini, and for an
     * endpoint on public HTTPS (already allowed).
     */
    llmEgress: z
      .union([
        z.strictObject({ cidr: z.string().regex(/^([0-9]{1,3}\.){3}[0-9]{1,3}\/32$/, 'must be an IPv4 /32'), port: z.number().int().min(1).max(65535) }),
        z.strictObject({ namespace: dnsLabel, port: z.number().int().min(1).max(65535) }),
      ])
      .optional(),
  }),
});

export type PlatformConfig = z.infer<typeof platformConfigSchema>;

/** Deep partial: what `loadPlatformConfig` accepts as overrides. */
export type PlatformConfigOverrides = {
  [K in keyof PlatformConfig]?: PlatformConfig[K] extends object ? Partial<PlatformConfig[K]> : PlatformConfig[K];
};

/** The defaults of everything the site file does not decide (repository, domain and networks come from it). */
export const platformDefaults: PlatformConfigOverrides = {
  namespaces: {
    argocd: 'argocd',
    monitoring: 'monitoring',
    certManager: 'cert-manager',
    kserve: 'kserve',
    sealedSecrets: 'sealed-secrets',
    mlflow: 'mlflow',
    arcSystems: 'arc-systems',
    arcRunners: 'arc-runners',
    mlops: 'mlops',
  },
  network: {
    apiServerPort: 6443,
  },
  storageClass: 'local-path',
  sizes: {
    prometheusStorage: '20Gi',
    prometheusRetention: '15d',
    prometheusRetentionSize: '18GB',
    alertmanagerStorage: '1Gi',
    grafanaStorage: '2Gi',
    postgresStorage: '5Gi',
    postgresInstances: 2,
    objectStoreStorage: '20Gi',
    gatewayStorage: '1Gi',
  },
  backups: {
    postgresSchedule: '0 0 3 * * *',
    retention: '30d',
  },
  model: {
    name: release.mlflowModel,
  },
  gateway: {
    name: 'mlops-gateway',
    port: 8080,
    stateDir: '/var/lib/gateway',
  },
  alerts: {
    latencyP95Seconds: 0.5,
    errorRatio: 0.05,
    accuracyMin: 0.85,
    minLabelledSamples: 200,
    classShareShift: 0.2,
    confidenceVarianceFactor: 2,
    outboxBacklog: 50,
    defaultTeam: 'platform',
  },
  runners: {
    scaleSetName: 'homelab',
    minRunners: 0,
    maxRunners: 3,
  },
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Merges `override` into `base`, recursing into plain objects; unknown keys are kept so validation can reject them. */
function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge(base[k], v);
  return out;
}

/** Formats zod issues as `platform config: <path>: <message>` lines. */
export function formatConfigIssues(error: z.ZodError, what = 'platform config'): string {
  return error.issues
    .map((i) => {
      const path = i.path.map(String).join('.');
      const keys = i.code === 'unrecognized_keys' ? ` (${i.keys.map((k) => (path ? `${path}.${k}` : k)).join(', ')})` : '';
      return `${what}: ${path || '<root>'}: ${i.message}${keys}`;
    })
    .join('\n');
}

/** The platform settings the site file decides (nothing else carries them). */
export function platformOverridesFromSite(s: Site): PlatformConfigOverrides {
  const repoUrl = githubUrl(s);
  return {
    clusterName: s.cluster.name,
    domain: s.cluster.domain,
    gitRepoUrl: `${repoUrl}.git`,
    targetRevision: s.github.branch,
    network: { nodeCidr: s.network.nodeCidr, podCidr: s.network.podCidr },
    gateway: { githubRepository: `${s.github.owner}/${s.github.repo}` },
    runners: { githubConfigUrl: repoUrl, llmEgress: llmEgressOf(s) },
  };
}

/** The runners' egress rule for an on-prem LLM endpoint, if one is needed (see `runners.llmEgress`). */
function llmEgressOf(s: Site): PlatformConfig['runners']['llmEgress'] {
  if (s.llm.provider !== 'openai' || !s.llm.baseUrl) return undefined;
  const e = llmEndpointOf(s.llm.baseUrl);
  if (e.kind === 'ip') return { cidr: `${e.host}/32`, port: e.port };
  if (e.kind === 'service') return { namespace: e.namespace!, port: e.port };
  return undefined; // public HTTPS on 443: the runners may already reach it (the site schema rejects other ports)
}

/**
 * The platform config: the defaults, then the site file's settings, then `overrides`, merged deeply and
 * validated strictly. Throws an Error naming every invalid field path (e.g. `platform config: sizes.prometheusStorage: …`).
 */
export function loadPlatformConfig(overrides: unknown = {}, fromSite: Site = site()): PlatformConfig {
  if (!isPlainObject(overrides)) throw new Error('platform config: <root>: overrides must be an object');
  const base = deepMerge(platformDefaults, platformOverridesFromSite(fromSite));
  const result = platformConfigSchema.safeParse(deepMerge(base, overrides));
  if (!result.success) throw new Error(formatConfigIssues(result.error));
  if (result.data.runners.minRunners > result.data.runners.maxRunners) {
    throw new Error('platform config: runners.minRunners: must not exceed runners.maxRunners');
  }
  return result.data;
}

/** The platform config of this checkout's site file (validated at import, so an invalid site fails synth). */
export const platformConfig: PlatformConfig = loadPlatformConfig();
