import { AlertThresholds, defaultAlertThresholds, RuleContext } from './rules';
import { credentials } from '../../config/credentials';
import type { PlatformConfig } from '../../config/platform';

/**
 * Names, ports and paths the mlops charts share, derived from the platform config in one place so
 * the InferenceService, the gateway, the NetworkPolicies, the rules and the Alertmanager routing
 * cannot disagree.
 */

/**
 * The gateway's three listening ports. NetworkPolicy is L4 (it sees ports, not paths), so each
 * ingress source gets its own container port, and the gateway serves each webhook path only on its
 * port (`ALERTMANAGER_PORT`, `KSERVE_PORT`):
 * - `http` (`PORT`, the configured `gateway.port`): `/healthz`, `/readyz`, `/metrics`, `/feedback`,
 *   `/v1/captures` (bearer token) — Prometheus and the in-cluster runners;
 * - `alertmanager` (`gateway.port + 1`): `/webhooks/alertmanager` — only Alertmanager pods;
 * - `kserve` (`gateway.port + 2`): `/webhooks/kserve` — only the model's predictor pods (the payload
 *   logger cannot send a token, so this policy is the endpoint's only guard).
 */
export interface GatewayPorts {
  readonly http: number;
  readonly alertmanager: number;
  readonly kserve: number;
}

export interface MlopsSettings {
  /** Namespace of the model and the gateway. */
  readonly namespace: string;
  readonly monitoringNamespace: string;
  readonly argocdNamespace: string;
  readonly runnersNamespace: string;
  /** InferenceService name = MLflow model name = the predictor's `model_name` label. */
  readonly modelName: string;
  readonly gatewayName: string;
  readonly gatewayPorts: GatewayPorts;
  /** In-cluster base URL of each gateway port, e.g. `http://mlops-gateway.mlops.svc.cluster.local:8081`. */
  readonly gatewayUrls: { readonly [K in keyof GatewayPorts]: string };
  readonly gatewayStateDir: string;
  readonly gatewayStorage: string;
  readonly storageClass: string;
  readonly githubRepository: string;
  /** `https://github.com/<owner>/<name>/blob/<revision>/docs/runbooks`. */
  readonly runbookBaseUrl: string;
  readonly thresholds: AlertThresholds;
  /** Where Alertmanager reads the gateway bearer token (mounted through `alertmanagerSpec.secrets`). */
  readonly alertmanagerTokenFile: string;
  /** The Secret name listed in kube-prometheus-stack's `alertmanagerSpec.secrets`. */
  readonly alertmanagerTokenSecret: string;
  /** Name of the read-only ServiceAccount the alert-analysis jobs run as (in the runners' namespace). */
  readonly alertReaderName: string;
}

/** `https://github.com/o/n.git`, `git@github.com:o/n.git`, `ssh://git@github.com/o/n` → `https://github.com/o/n`. */
export function repoWebUrl(gitRepoUrl: string): string {
  let url = gitRepoUrl.trim().replace(/\.git$/, '').replace(/\/+$/, '');
  const scp = /^git@([^:]+):(.+)$/.exec(url);
  if (scp) url = `https://${scp[1]}/${scp[2]}`;
  url = url.replace(/^ssh:\/\/(?:[^@/]+@)?/, 'https://');
  return url;
}

/** The mlops settings for a platform config. */
export function mlopsSettings(config: PlatformConfig): MlopsSettings {
  const ns = config.namespaces.mlops;
  const name = config.gateway.name;
  const ports: GatewayPorts = {
    http: config.gateway.port,
    alertmanager: config.gateway.port + 1,
    kserve: config.gateway.port + 2,
  };
  const host = `http://${name}.${ns}.svc.cluster.local`;
  const tokenSecret = credentials.alertmanagerGatewayToken.name;
  return {
    namespace: ns,
    monitoringNamespace: config.namespaces.monitoring,
    argocdNamespace: config.namespaces.argocd,
    runnersNamespace: config.namespaces.arcRunners,
    modelName: config.model.name,
    gatewayName: name,
    gatewayPorts: ports,
    gatewayUrls: {
      http: `${host}:${ports.http}`,
      alertmanager: `${host}:${ports.alertmanager}`,
      kserve: `${host}:${ports.kserve}`,
    },
    gatewayStateDir: config.gateway.stateDir,
    gatewayStorage: config.sizes.gatewayStorage,
    storageClass: config.storageClass,
    githubRepository: config.gateway.githubRepository,
    runbookBaseUrl: `${repoWebUrl(config.gitRepoUrl)}/blob/${config.targetRevision}/docs/runbooks`,
    thresholds: {
      ...defaultAlertThresholds,
      latencyP95Seconds: config.alerts.latencyP95Seconds,
      errorRatio: config.alerts.errorRatio,
      minAccuracy: config.alerts.accuracyMin,
      minLabelledSamples: config.alerts.minLabelledSamples,
      classShareShift: config.alerts.classShareShift,
      confidenceVarianceFactor: config.alerts.confidenceVarianceFactor,
      outboxBacklog: config.alerts.outboxBacklog,
    },
    alertmanagerTokenSecret: tokenSecret,
    alertmanagerTokenFile: `/etc/alertmanager/secrets/${tokenSecret}/${credentials.alertmanagerGatewayToken.keys[0]}`,
    alertReaderName: 'alert-analysis-reader',
  };
}

/** The part of the settings the rules need. */
export function ruleContext(s: MlopsSettings): RuleContext {
  return { namespace: s.namespace, modelName: s.modelName, runbookBaseUrl: s.runbookBaseUrl, thresholds: s.thresholds };
}
