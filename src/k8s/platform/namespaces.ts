import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { PlatformConfig } from '../../config/platform';
import { KEEP_ON_REMOVAL, PlatformApplication } from '../bootstrap/application';
import { AllowPolicy, AllowRule, namespaceSelector, NamespaceNetworkBaseline, PlatformChart, tcp } from '../lib';

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
    // Upstream controllers: their charts' defaults do not all set a seccomp profile, which `restricted`
    // requires; enforcing it would reject their pods. Restricted is audited and warned.
    [ns.certManager]: 'baseline',
    [ns.sealedSecrets]: 'baseline',
    [ns.kserve]: 'baseline',
    [ns.arcSystems]: 'baseline',
    // Our MLflow and SeaweedFS, the CloudNativePG operator (values set here) and its instances run restricted.
    [ns.mlflow]: 'restricted',
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
          // Removing a namespace from git must never delete it (and every PVC in it).
          annotations: { ...KEEP_ON_REMOVAL },
          labels: {
            'pod-security.kubernetes.io/enforce': level,
            'pod-security.kubernetes.io/audit': 'restricted',
            'pod-security.kubernetes.io/warn': 'restricted',
          },
        },
      });
    }
    new RunnerNetworkPolicies(this, 'runners', config);
    for (const c of controllerNamespaces(config)) new ControllerNamespacePolicies(this, `controllers-${c.namespace}`, config, c);
  }
}

/** A namespace that runs only upstream controllers, and what its pods need beyond the API server. */
export interface ControllerNamespace {
  readonly namespace: string;
  /** Ports the API server calls (admission/conversion webhooks, the service proxy kubeseal uses). */
  readonly apiServerCallsPorts: number[];
  /** Whether its controllers call out to the internet on 443 (GitHub for ARC's listeners, ACME for cert-manager). */
  readonly publicHttps: boolean;
}

/** The upstream-only namespaces and their needs (ports from each chart's defaults). */
export function controllerNamespaces(config: PlatformConfig): ControllerNamespace[] {
  const ns = config.namespaces;
  return [
    // cert-manager's webhook listens on 10250; ACME issuers reach the internet.
    { namespace: ns.certManager, apiServerCallsPorts: [10250], publicHttps: true },
    // kubeseal fetches the certificate through the API server's service proxy (controller port 8080).
    { namespace: ns.sealedSecrets, apiServerCallsPorts: [8080], publicHttps: false },
    // KServe's admission webhooks (9443).
    { namespace: ns.kserve, apiServerCallsPorts: [9443], publicHttps: false },
    // ARC's controller webhook (9443); the listeners long-poll GitHub.
    { namespace: ns.arcSystems, apiServerCallsPorts: [9443], publicHttps: true },
  ];
}

/**
 * Default deny for a namespace of upstream controllers, then what controllers need: the API server,
 * calls from the API server to their webhook ports, each other, Prometheus scraping, and (where
 * needed) public HTTPS.
 */
export class ControllerNamespacePolicies extends Construct {
  constructor(scope: Construct, id: string, config: PlatformConfig, c: ControllerNamespace) {
    super(scope, id);
    const net = config.network;
    new NamespaceNetworkBaseline(this, 'baseline', { namespace: c.namespace, nameSuffix: c.namespace });
    const egress: AllowRule[] = [
      { peers: [{ ipBlock: { cidr: net.nodeCidr } }], ports: [tcp(net.apiServerPort)] },
      { peers: [{ podSelector: {} }], ports: [] },
    ];
    if (c.publicHttps) egress.push({ peers: [{ ipBlock: { cidr: '0.0.0.0/0', except: PRIVATE_RANGES } }], ports: [tcp(443)] });
    new AllowPolicy(this, 'controllers', {
      name: `allow-controllers-${c.namespace}`,
      namespace: c.namespace,
      podLabels: {},
      ingress: [
        { peers: [{ ipBlock: { cidr: net.nodeCidr } }, { ipBlock: { cidr: net.podCidr } }], ports: c.apiServerCallsPorts.map(tcp) },
        { peers: [{ podSelector: {} }], ports: [] },
        {
          peers: [{ namespaceSelector: namespaceSelector(config.namespaces.monitoring), podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
          ports: [],
        },
      ],
      egress,
    });
  }
}

/** The runners' rule for the site's on-prem LLM endpoint (`runners.llmEgress`), if any. */
function llmEgressRule(config: PlatformConfig): AllowRule[] {
  const e = config.runners.llmEgress;
  if (!e) return [];
  return [{ peers: ['cidr' in e ? { ipBlock: { cidr: e.cidr } } : { namespaceSelector: namespaceSelector(e.namespace) }], ports: [tcp(e.port)] }];
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
    new NamespaceNetworkBaseline(this, 'baseline', { namespace: ns.arcRunners, nameSuffix: ns.arcRunners });
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
        // An on-prem LLM the analyses call (site.yaml llm.baseUrl).
        ...llmEgressRule(config),
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
