/**
 * Standard labels and naming. Every object this repo synthesizes carries the
 * `app.kubernetes.io/*` recommended labels (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/);
 * `PlatformChart` applies them to every object of a chart.
 */

/** `app.kubernetes.io/part-of` of everything this repo defines. */
export const PART_OF = 'self-healing-mlops';
/** `app.kubernetes.io/managed-by` of everything this repo defines. */
export const MANAGED_BY = 'cdk8s';

/** The label keys the whole-app invariant test requires on every object. */
export const requiredLabelKeys = [
  'app.kubernetes.io/name',
  'app.kubernetes.io/component',
  'app.kubernetes.io/part-of',
  'app.kubernetes.io/managed-by',
] as const;

export interface StandardLabelsProps {
  /** `app.kubernetes.io/name`: the application (e.g. `mlops-gateway`, `kube-prometheus-stack`). */
  readonly name: string;
  /** `app.kubernetes.io/component`: its role in the platform (e.g. `gateway`, `monitoring`, `gitops`). */
  readonly component: string;
  /**
   * `app.kubernetes.io/instance`: the instance, when several of one application exist.
   * @default - not set
   */
  readonly instance?: string;
}

/** The standard labels; deterministic (no version label: a release bump must not relabel every object). */
export function standardLabels(props: StandardLabelsProps): Record<string, string> {
  const labels: Record<string, string> = {
    'app.kubernetes.io/name': assertLabelValue(props.name, 'app.kubernetes.io/name'),
    'app.kubernetes.io/component': assertLabelValue(props.component, 'app.kubernetes.io/component'),
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
  if (props.instance) labels['app.kubernetes.io/instance'] = assertLabelValue(props.instance, 'app.kubernetes.io/instance');
  return labels;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function assertLabelValue(value: string, key: string): string {
  if (value.length > 63 || !LABEL_VALUE.test(value)) throw new Error(`label ${key}: "${value}" is not a valid label value`);
  return value;
}

/**
 * A resource name from parts, joined by '-': `resourceName('mlops', 'gateway')` → `mlops-gateway`.
 * Throws, naming the result, when it is not a DNS-1123 label (≤ 63 chars, lowercase, digits, '-'),
 * instead of silently truncating (a truncated name could collide).
 */
export function resourceName(...parts: string[]): string {
  const name = parts.filter((p) => p.length > 0).join('-');
  if (name.length > 63 || !DNS_LABEL.test(name)) {
    throw new Error(`resource name "${name}" is not a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)`);
  }
  return name;
}
