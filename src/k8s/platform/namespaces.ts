import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { PlatformConfig } from '../../config/platform';
import { PlatformApplication } from '../bootstrap/application';
import { AllowPolicy, namespaceSelector, NamespaceNetworkBaseline, PlatformChart, tcp } from '../lib';

/** Pod Security Standard level enforced on a namespace (audit and warn are always `restricted`). */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** Private IPv4 ranges: runner egress to "the internet" (GitHub, package indexes) excludes them. */
export const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16'];

/** The Pod Security level of each namespace, with why. argocd's Namespace is in dist/bootstrap. */
export function namespaceSecurity(config: PlatformConfig): Record<string, PodSecurityLevel> {
  const ns = config.namespaces;
  return {
    // node-exporter needs hostNetwork, hostPID and hostPath.
    [ns.monitoring]: 'privileged',
    [ns.certManager]: 'restricted',
    [ns.sealedSecrets]: 'restricted',
    [ns.kserve]: 'restricted',
    // Our MLflow, SeaweedFS, the CloudNativePG operator and its instances all run restricted.
    [ns.mlflow]: 'restricted',
    [ns.arcSystems]: 'restricted',
    // Runner pods run arbitrary job steps; baseline forbids host access, restricted is warned.
    [ns.arcRunners]: 'baseline',
    // KServe injects its agent (payload logger) sidecar, whose security context the chart owns.
    [ns.mlops]: 'baseline',
  };
}

/**
 * `dist/namespaces/`: every platform namespace except argocd, with Pod Security labels, plus the
 * NetworkPolicies of namespaces whose pods come from upstream charts we do not template
 * (the runners). mlops's baseline sits with the model (src/k8s/mlops), mlflow's with MLflow.
 */
export class NamespacesChart extends PlatformChart {
  constructor(scope: Construct, id: string, config: PlatformConfig) {
    super(scope, id, { config, component: 'namespaces', name: 'namespaces' });
    for (const [name, level] of Object.entries(namespaceSecurity(config)).sort(([a], [b]) => a.localeCompare(b))) {
      new kplus.k8s.KubeNamespace(this, `ns-${name}`, {
        metadata: {
          name,
          labels: {
            'pod-security.kubernetes.io/enforce': level,
            'pod-security.kubernetes.io/audit': 'restricted',
            'pod-security.kubernetes.io/warn': 'restricted',
          },
        },
      });
    }
    new RunnerNetworkPolicies(this, 'runners', config);
  }
}

/**
 * The runner scale set's egress: what the workflows on `homelab` reach (training, retrain, alert
 * and drift analysis): GitHub and package indexes (public 443 only), the API server, Prometheus,
 * MLflow, and the model namespace (gateway and predictor). No ingress at all.
 */
export class RunnerNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, config: PlatformConfig) {
    super(scope, id);
    const ns = config.namespaces;
    new NamespaceNetworkBaseline(this, 'baseline', { namespace: ns.arcRunners });
    new AllowPolicy(this, 'egress', {
      name: 'runner-egress',
      namespace: ns.arcRunners,
      podLabels: {},
      egress: [
        { peers: [{ ipBlock: { cidr: '0.0.0.0/0', except: PRIVATE_RANGES } }], ports: [tcp(443)] },
        { peers: [{ ipBlock: { cidr: config.network.nodeCidr } }], ports: [tcp(config.network.apiServerPort)] },
        {
          peers: [{ namespaceSelector: namespaceSelector(ns.monitoring), podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
          ports: [tcp(9090)],
        },
        { peers: [{ namespaceSelector: namespaceSelector(ns.mlflow), podSelector: { matchLabels: { 'app.kubernetes.io/name': 'mlflow' } } }], ports: [tcp(5000)] },
        // The gateway's and the predictor's own ingress policies decide which ports answer.
        { peers: [{ namespaceSelector: namespaceSelector(ns.mlops) }], ports: [] },
      ],
    });
  }
}

/** The Application that syncs dist/namespaces. */
export class Namespaces extends Construct {
  constructor(scope: Construct, id: string, config: PlatformConfig) {
    super(scope, id);
    new PlatformApplication(this, 'app', {
      config,
      name: 'namespaces',
      namespace: config.namespaces.argocd,
      source: { distChart: 'namespaces' },
      installsCrds: false,
      // Deleting the Application must never delete namespaces (and everything in them).
      cascadeDelete: false,
    });
  }
}
