import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { standardLabels } from './labels';
import { PlatformConfig } from '../../config/platform';

/** Kinds that are cluster-scoped: `PlatformChart` never gives them a namespace. */
export const clusterScopedKinds: ReadonlySet<string> = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'ClusterIssuer',
  'ClusterServingRuntime',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
]);

export interface PlatformChartProps {
  /** The validated platform config. */
  readonly config: PlatformConfig;
  /** `app.kubernetes.io/component` of every object in the chart (e.g. `gateway`, `gitops`). */
  readonly component: string;
  /**
   * `app.kubernetes.io/name` of every object (an object may set its own).
   * @default - the chart id
   */
  readonly name?: string;
  /**
   * Namespace of every namespaced object that does not set one. Cluster-scoped kinds
   * (`clusterScopedKinds`) never get one.
   * @default - none: every object sets its namespace
   */
  readonly namespace?: string;
}

/**
 * The base of every chart in this repo: the standard labels on every object, a default namespace
 * for namespaced kinds only, and resource names without hash suffixes (names are the construct
 * ids or set explicitly, so they stay stable). The chart id is its `dist/<id>/` folder.
 */
export class PlatformChart extends Chart {
  public readonly config: PlatformConfig;

  constructor(scope: Construct, id: string, props: PlatformChartProps) {
    super(scope, id, {
      namespace: props.namespace,
      labels: standardLabels({ name: props.name ?? id, component: props.component }),
      disableResourceNameHashes: true,
    });
    this.config = props.config;
  }

  public toJson(): any[] {
    return super.toJson().map((obj) => {
      if (clusterScopedKinds.has(obj.kind) && obj.metadata?.namespace !== undefined) {
        const { namespace: _ignored, ...metadata } = obj.metadata;
        return { ...obj, metadata };
      }
      return obj;
    });
  }
}
