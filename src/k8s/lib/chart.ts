import { ApiObject, Chart, JsonPatch } from 'cdk8s';
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
  private clusterScopedPatched = false;

  constructor(scope: Construct, id: string, props: PlatformChartProps) {
    super(scope, id, {
      namespace: props.namespace,
      labels: standardLabels({ name: props.name ?? id, component: props.component }),
      disableResourceNameHashes: true,
    });
    this.config = props.config;
    // Runs before every synth: cluster-scoped kinds lose the chart's default namespace, and two
    // objects that would be written to the same dist/<chart>/<Kind>.<name>.k8s.yaml are an error
    // (cdk8s names files by kind and name only; the second would silently overwrite the first).
    this.node.addValidation({ validate: () => this.checkObjects() });
  }

  private checkObjects(): string[] {
    const objects = this.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === this);
    if (!this.clusterScopedPatched) {
      for (const o of objects) {
        if (clusterScopedKinds.has(o.kind) && o.metadata.namespace !== undefined) o.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      }
      this.clusterScopedPatched = true;
    }
    const seen = new Map<string, string>();
    const errors: string[] = [];
    for (const o of objects) {
      const file = `${o.kind}.${o.name}.k8s.yaml`;
      const other = seen.get(file);
      if (other) errors.push(`chart ${this.node.id}: ${other} and ${o.node.path} would both be written to ${file}; give them distinct names`);
      seen.set(file, o.node.path);
    }
    return errors;
  }
}
