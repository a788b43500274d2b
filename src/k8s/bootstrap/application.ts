import { Construct } from 'constructs';
import { ComponentName, syncWaves } from './waves';
import { Application, ApplicationSpecIgnoreDifferences } from '../../../imports/argocd-application-argoproj.io';
import { PlatformConfig } from '../../config/platform';
import { PinnedChart } from '../../config/versions';

/** The in-cluster API server, as ArgoCD names it. */
export const IN_CLUSTER = 'https://kubernetes.default.svc';
/** The AppProject every Application of this repo belongs to. */
export const PROJECT = 'platform';
/** ArgoCD syncs only cdk8s output from a dist/ folder: plain files beside it (values, rule files) are not manifests. */
export const MANIFEST_GLOB = '*.k8s.yaml';

/**
 * Resource-level sync options that keep an object when its line is removed from git: `Prune=false` (never
 * pruned by a sync) and `Delete=false` (kept even when its Application is deleted with cascade). Spelling:
 * argoproj/argo-cd docs/user-guide/sync-options.md @ v3.2.0 ("No Prune Resources", "No Resource Deletion";
 * several options are joined with `,`). Put on namespaces, stateful objects and the Applications of
 * stateful components, so a removed line in git never deletes data.
 */
export const KEEP_ON_REMOVAL = { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' } as const;

/**
 * Components whose Application carries KEEP_ON_REMOVAL, with why: what deleting them would destroy.
 * Stateless components (controllers without CRDs of their own, the model, MLflow's server) are pruned normally.
 */
export const KEEP_ON_REMOVAL_COMPONENTS: Partial<Record<ComponentName, string>> = {
  'argo-cd': 'ArgoCD itself, and the Application/AppProject CRDs (deleting them deletes every Application)',
  'bootstrap': 'the argocd Namespace, the AppProject and the root Application',
  'namespaces': 'every platform namespace, and with it every PVC: PostgreSQL, SeaweedFS, Prometheus, the gateway outbox',
  'sealed-secrets': 'the controller\'s private key Secret and the SealedSecret CRD (deleting it deletes every SealedSecret)',
  'kube-prometheus-stack': 'the Prometheus and Alertmanager PVCs, the prometheus-operator CRDs (every rule and monitor)',
  'kserve-crd': 'the InferenceService CRD (deleting it deletes the served model)',
  'cloudnative-pg': 'the CNPG CRDs: deleting the Cluster CRD deletes the database',
  'mlflow-db': 'the MLflow database (CNPG Cluster and its PVCs)',
  'object-store': 'SeaweedFS: artifacts and the database backups',
  'gateway': 'the gateway\'s outbox and captured payloads (its PVC)',
};

/** Automated sync with prune and self-heal, retried with backoff. Shared by the root and every child. */
export function syncPolicy(syncOptions: string[]) {
  return {
    automated: { prune: true, selfHeal: true },
    syncOptions,
    retry: { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
  };
}

/** A Helm chart source with its typed values. */
export interface ChartSourceProps {
  readonly chart: PinnedChart;
  /** The Helm release name (stable: renaming it recreates every object). */
  readonly releaseName: string;
  /** The chart's values, as a typed object (each construct declares the values type it sets). */
  readonly values: object;
}

/** A dist/<chart> folder of this repo. */
export interface PathSourceProps {
  /** The cdk8s chart id: the source is `dist/<chart>`. */
  readonly distChart: string;
}

export interface PlatformApplicationProps {
  readonly config: PlatformConfig;
  /** The Application name; also the key of its sync wave in `syncWaves`. */
  readonly name: ComponentName;
  /** Where the chart or folder deploys. */
  readonly namespace: string;
  readonly source: ChartSourceProps | PathSourceProps;
  /**
   * Whether it installs CRDs: then `ServerSideApply=true` (large CRDs exceed client-side apply's
   * 256 KiB last-applied annotation; the KServe CRD is 1.9 MB).
   */
  readonly installsCrds: boolean;
  /** Fields another controller owns, which ArgoCD must not fight. @default - none */
  readonly ignoreDifferences?: ApplicationSpecIgnoreDifferences[];
  /**
   * Delete the component's resources when the Application is deleted.
   * @default true (false for ArgoCD itself: removing its Application must not uninstall it)
   */
  readonly cascadeDelete?: boolean;
  /**
   * The component holds data (or CRDs, or namespaces): its Application carries KEEP_ON_REMOVAL, so removing
   * its line from git leaves it (and everything it manages) in the cluster instead of pruning it.
   * @default - whether `name` is in KEEP_ON_REMOVAL_COMPONENTS
   */
  readonly keepOnRemoval?: boolean;
}

/**
 * One child Application of the app-of-apps: a pinned Helm chart with typed values, or a dist/
 * folder of this repo; in project `platform`, with its sync wave (from `syncWaves`), automated
 * sync, retry, and ServerSideApply where it installs CRDs.
 */
export class PlatformApplication extends Construct {
  public readonly application: Application;
  public readonly wave: number;

  constructor(scope: Construct, id: string, props: PlatformApplicationProps) {
    super(scope, id);
    this.wave = syncWaves[props.name];
    const syncOptions = ['CreateNamespace=false', 'PruneLast=true'];
    if (props.installsCrds) syncOptions.push('ServerSideApply=true');
    if (props.ignoreDifferences?.length) syncOptions.push('RespectIgnoreDifferences=true');

    const source = 'chart' in props.source
      ? {
        repoUrl: props.source.chart.repoURL,
        chart: props.source.chart.chart,
        targetRevision: props.source.chart.version,
        helm: { releaseName: props.source.releaseName, valuesObject: props.source.values },
      }
      : {
        repoUrl: props.config.gitRepoUrl,
        targetRevision: props.config.targetRevision,
        path: `dist/${props.source.distChart}`,
        directory: { include: MANIFEST_GLOB },
      };

    this.application = new Application(this, 'app', {
      metadata: {
        name: props.name,
        namespace: props.config.namespaces.argocd,
        labels: { 'app.kubernetes.io/name': props.name },
        annotations: {
          'argocd.argoproj.io/sync-wave': String(this.wave),
          ...((props.keepOnRemoval ?? props.name in KEEP_ON_REMOVAL_COMPONENTS) ? KEEP_ON_REMOVAL : {}),
        },
        finalizers: props.cascadeDelete === false ? undefined : ['resources-finalizer.argocd.argoproj.io'],
      },
      spec: {
        project: PROJECT,
        source,
        destination: { server: IN_CLUSTER, namespace: props.namespace },
        syncPolicy: syncPolicy(syncOptions),
        ignoreDifferences: props.ignoreDifferences,
      },
    });
  }
}
