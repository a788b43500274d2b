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
        annotations: { 'argocd.argoproj.io/sync-wave': String(this.wave) },
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
