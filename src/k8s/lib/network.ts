import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';

/**
 * NetworkPolicy helpers. Every namespace this repo owns gets `NamespaceNetworkBaseline`
 * (deny all ingress and egress, then allow DNS); each workload adds the allows it needs with
 * `AllowPolicy`. Plain `networking.k8s.io/v1` objects, so what is allowed reads off the manifest.
 */

type NetworkPolicyPeer = kplus.k8s.NetworkPolicyPeer;
type NetworkPolicyPort = kplus.k8s.NetworkPolicyPort;

/** A selector for a namespace by name (the `kubernetes.io/metadata.name` label every namespace has). */
export function namespaceSelector(namespace: string): kplus.k8s.LabelSelector {
  return { matchLabels: { 'kubernetes.io/metadata.name': namespace } };
}

/** A TCP port for a NetworkPolicy rule. */
export function tcp(port: number): NetworkPolicyPort {
  return { protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(port) };
}

function suffixed(name: string, suffix?: string): string {
  return suffix ? `${name}-${suffix}` : name;
}

export interface NamespaceNetworkBaselineProps {
  readonly namespace: string;
  /**
   * Appended to the policy names (`default-deny-<suffix>`), for charts that hold the baselines of
   * several namespaces (cdk8s writes one file per kind and name, so names must differ within a chart).
   * @default - none: `default-deny` and `allow-dns`
   */
  readonly nameSuffix?: string;
}

/**
 * `default-deny` (no ingress, no egress for any pod of the namespace) plus `allow-dns`
 * (egress to kube-system's CoreDNS on 53/UDP and 53/TCP).
 */
export class NamespaceNetworkBaseline extends Construct {
  constructor(scope: Construct, id: string, props: NamespaceNetworkBaselineProps) {
    super(scope, id);
    new kplus.k8s.KubeNetworkPolicy(this, 'default-deny', {
      metadata: { name: suffixed('default-deny', props.nameSuffix), namespace: props.namespace },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    new kplus.k8s.KubeNetworkPolicy(this, 'allow-dns', {
      metadata: { name: suffixed('allow-dns', props.nameSuffix), namespace: props.namespace },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{
          to: [{ namespaceSelector: namespaceSelector('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [
            { protocol: 'UDP', port: kplus.k8s.IntOrString.fromNumber(53) },
            { protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(53) },
          ],
        }],
      },
    });
  }
}

export interface AllowRule {
  /** Peers (pods/namespaces/CIDRs). Empty means any peer. */
  readonly peers: NetworkPolicyPeer[];
  /** Ports. Empty means every port. */
  readonly ports: NetworkPolicyPort[];
}

export interface AllowPolicyProps {
  readonly name: string;
  readonly namespace: string;
  /** The pods the policy applies to (their labels). */
  readonly podLabels: Record<string, string>;
  /** Allowed inbound connections. @default - none */
  readonly ingress?: AllowRule[];
  /** Allowed outbound connections. @default - none */
  readonly egress?: AllowRule[];
}

/** One allow NetworkPolicy for a set of pods, on top of the namespace's default deny. */
export class AllowPolicy extends Construct {
  public readonly policy: kplus.k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: AllowPolicyProps) {
    super(scope, id);
    const policyTypes: string[] = [];
    if (props.ingress?.length) policyTypes.push('Ingress');
    if (props.egress?.length) policyTypes.push('Egress');
    if (policyTypes.length === 0) throw new Error(`AllowPolicy ${props.namespace}/${props.name}: give at least one ingress or egress rule`);
    this.policy = new kplus.k8s.KubeNetworkPolicy(this, 'policy', {
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        podSelector: { matchLabels: props.podLabels },
        policyTypes,
        ingress: props.ingress?.map((r) => ({ from: r.peers.length ? r.peers : undefined, ports: r.ports.length ? r.ports : undefined })),
        egress: props.egress?.map((r) => ({ to: r.peers.length ? r.peers : undefined, ports: r.ports.length ? r.ports : undefined })),
      },
    });
  }
}
