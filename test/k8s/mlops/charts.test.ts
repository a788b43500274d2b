import { App, Chart, Testing } from 'cdk8s';
import { loadPlatformConfig, platformConfig } from '../../../src/config/platform';
import release from '../../../src/config/release.json';
import { addMlopsCharts, alertReaderServiceAccount, mlopsChartNames } from '../../../src/k8s/mlops';
import { GatewayChart, gatewayImage } from '../../../src/k8s/mlops/gateway';
import { ModelServingChart, predictorImage } from '../../../src/k8s/mlops/model-serving';
import { ObservabilityChart } from '../../../src/k8s/mlops/observability';

/* Per-chart snapshots (Testing.synth) plus exact assertions on the fields that matter. */

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [k: string]: any;
}

function synth(make: (app: App) => Chart): Obj[] {
  return Testing.synth(make(Testing.app())) as Obj[];
}

const modelServing = synth((app) => new ModelServingChart(app, 'model-serving', { config: platformConfig }));
const gateway = synth((app) => new GatewayChart(app, 'gateway', { config: platformConfig }));
const observability = synth((app) => new ObservabilityChart(app, 'observability', { config: platformConfig }));

function one(objs: Obj[], kind: string, name: string): Obj {
  const found = objs.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${found.length}: ${objs.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found[0];
}

/** Every pod spec a chart defines (Deployment templates and the InferenceService predictor). */
function podSpecs(objs: Obj[]): [string, any][] {
  const specs: [string, any][] = [];
  for (const o of objs) {
    if (o.kind === 'Deployment') specs.push([`Deployment/${o.metadata.name}`, o.spec.template.spec]);
    if (o.kind === 'InferenceService') specs.push([`InferenceService/${o.metadata.name}`, o.spec.predictor]);
  }
  return specs;
}

describe('snapshots', () => {
  test('model-serving', () => expect(modelServing).toMatchSnapshot());
  test('gateway', () => expect(gateway).toMatchSnapshot());
  test('observability', () => expect(observability).toMatchSnapshot());
});

describe('model-serving', () => {
  const isvc = one(modelServing, 'InferenceService', 'credit-risk');

  test('InferenceService: RawDeployment, predictor image by digest from release.json, payload logger to the gateway capture port', () => {
    expect(isvc.apiVersion).toBe('serving.kserve.io/v1beta1');
    expect(isvc.metadata.namespace).toBe('mlops');
    expect(isvc.metadata.annotations!['serving.kserve.io/deploymentMode']).toBe('RawDeployment');
    const [container] = isvc.spec.predictor.containers;
    expect(container.image).toBe(`${release.image}@${release.digest}`);
    expect(container.image).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(isvc.spec.predictor.logger).toEqual({
      mode: 'all',
      url: 'http://mlops-gateway.mlops.svc.cluster.local:8082/webhooks/kserve',
      metadataHeaders: ['X-Request-Id'],
    });
  });

  test('a release.json digest that is not sha256 fails synthesis naming the file', () => {
    expect(() => predictorImage({ image: 'ghcr.io/x/model', digest: 'latest' })).toThrow('src/config/release.json: digest "latest" must start with "sha256:"');
    expect(() => predictorImage({ image: 'ghcr.io/x/model:1.0', digest: `sha256:${'a'.repeat(64)}` })).toThrow('must not carry a tag');
    expect(() => gatewayImage({ repository: 'ghcr.io/x/mlops', digest: 'sha256:abc' })).toThrow('platformImage: digest "sha256:abc"');
  });

  test('PodMonitor scrapes the predictor pods and keeps only contract series', () => {
    const monitor = one(modelServing, 'PodMonitor', 'credit-risk');
    expect(monitor.spec.selector).toEqual({ matchLabels: { 'serving.kserve.io/inferenceservice': 'credit-risk' } });
    expect(monitor.spec.podMetricsEndpoints[0].port).toBe('http1');
    const keep = monitor.spec.podMetricsEndpoints[0].metricRelabelings[0];
    expect(keep.action).toBe('keep');
    expect(keep.regex).toContain('mlops_inference_requests_total');
    expect(keep.regex).toContain('request_predict_seconds_bucket');
  });

  test('alert-analysis reader: exact least-privilege rules, bound to its own ServiceAccount in the runners namespace', () => {
    const role = one(modelServing, 'Role', 'alert-analysis-reader');
    expect(role.metadata.namespace).toBe('mlops');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['pods', 'pods/log', 'events'], verbs: ['get', 'list'] }]);
    const argo = one(modelServing, 'Role', 'alert-analysis-reader-applications');
    expect(argo.metadata.namespace).toBe('argocd');
    expect(argo.rules).toEqual([{ apiGroups: ['argoproj.io'], resources: ['applications'], verbs: ['get'] }]);
    for (const [binding, ns] of [['alert-analysis-reader', 'mlops'], ['alert-analysis-reader-applications', 'argocd']]) {
      const rb = one(modelServing, 'RoleBinding', binding);
      expect(rb.metadata.namespace).toBe(ns);
      expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: binding });
      expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'alert-analysis-reader', namespace: 'arc-runners' }]);
    }
    const sa = one(modelServing, 'ServiceAccount', 'alert-analysis-reader');
    expect(sa.metadata.namespace).toBe('arc-runners');
    expect(alertReaderServiceAccount(platformConfig)).toEqual({ name: 'alert-analysis-reader', namespace: 'arc-runners' });
    // Nothing cluster-wide, nothing that writes.
    expect(modelServing.filter((o) => o.kind.startsWith('Cluster'))).toEqual([]);
    const verbs = modelServing.filter((o) => o.kind === 'Role').flatMap((r) => r.rules.flatMap((x: any) => x.verbs));
    expect([...new Set(verbs)].sort()).toEqual(['get', 'list']);
  });

  test('default deny for the mlops namespace, and the predictor may only send to the gateway capture port', () => {
    const deny = one(modelServing, 'NetworkPolicy', 'default-deny');
    expect(deny.metadata.namespace).toBe('mlops');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const predictor = one(modelServing, 'NetworkPolicy', 'credit-risk-predictor');
    expect(predictor.spec.egress).toEqual([{
      to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'mlops-gateway' } } }],
      ports: [{ protocol: 'TCP', port: 8082 }],
    }]);
  });
});

describe('gateway', () => {
  const deployment = one(gateway, 'Deployment', 'mlops-gateway');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];

  test('single replica, Recreate, PVC mounted at GATEWAY_STATE_DIR', () => {
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    const pvc = one(gateway, 'PersistentVolumeClaim', 'mlops-gateway-state');
    expect(pvc.spec.accessModes).toEqual(['ReadWriteOnce']);
    expect(pvc.spec.resources.requests.storage).toBe(platformConfig.sizes.gatewayStorage);
    expect(pod.volumes).toContainEqual({ name: 'state', persistentVolumeClaim: { claimName: 'mlops-gateway-state' } });
    expect(container.volumeMounts).toContainEqual({ name: 'state', mountPath: '/var/lib/gateway' });
    expect(container.env).toContainEqual({ name: 'GATEWAY_STATE_DIR', value: '/var/lib/gateway' });
  });

  test('runs `mlops gateway` with its settings; secrets come from the credentials table by reference', () => {
    expect(container.command).toEqual(['mlops', 'gateway']);
    expect(container.image).toMatch(/^ghcr\.io\/self-healing-mlops\/mlops@sha256:[0-9a-f]{64}$/);
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toEqual({
      PORT: '8080',
      ALERTMANAGER_PORT: '8081',
      KSERVE_PORT: '8082',
      GATEWAY_TOKEN: { secretKeyRef: { name: 'mlops-gateway-token', key: 'token' } },
      GITHUB_TOKEN: { secretKeyRef: { name: 'mlops-gateway-github', key: 'token' } },
      GITHUB_REPOSITORY: 'self-healing-mlops/self-healing-mlops',
      GATEWAY_STATE_DIR: '/var/lib/gateway',
      ACCURACY_WINDOW_HOURS: '24',
      TMPDIR: '/tmp',
    });
    // No Secret with data is ever synthesized.
    expect(gateway.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('NetworkPolicy: Alertmanager only to the alertmanager port, the predictor only to the kserve port', () => {
    const policy = one(gateway, 'NetworkPolicy', 'mlops-gateway');
    const ingress = policy.spec.ingress as { from: any[]; ports: any[] }[];
    const byPort = (port: number) => ingress.filter((r) => r.ports.some((p) => p.port === port));
    expect(byPort(8081)).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'alertmanager' } } }],
      ports: [{ protocol: 'TCP', port: 8081 }],
    }]);
    expect(byPort(8082)).toEqual([{
      from: [{ podSelector: { matchLabels: { 'serving.kserve.io/inferenceservice': 'credit-risk' } } }],
      ports: [{ protocol: 'TCP', port: 8082 }],
    }]);
    // The two webhook ports are each reachable by exactly one rule, and the container really listens on them.
    expect(ingress.flatMap((r) => r.ports.map((p) => p.port)).sort()).toEqual([8080, 8081, 8082]);
    expect(container.ports.map((p: any) => [p.name, p.containerPort])).toEqual([['http', 8080], ['alertmanager', 8081], ['kserve', 8082]]);
    const svc = one(gateway, 'Service', 'mlops-gateway');
    expect(svc.spec.ports.map((p: any) => [p.name, p.port, p.targetPort])).toEqual([['http', 8080, 'http'], ['alertmanager', 8081, 'alertmanager'], ['kserve', 8082, 'kserve']]);
  });

  test('ServiceMonitor scrapes the API port', () => {
    const monitor = one(gateway, 'ServiceMonitor', 'mlops-gateway');
    expect(monitor.spec.endpoints[0]).toMatchObject({ port: 'http', path: '/metrics' });
    expect(monitor.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'mlops-gateway' });
  });
});

describe('every workload', () => {
  test.each([...podSpecs(modelServing), ...podSpecs(gateway)])('%s: restricted security, requests and limits, dedicated ServiceAccount', (_name, spec) => {
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.serviceAccountName).toBeDefined();
    expect(spec.serviceAccountName).not.toBe('default');
    expect(spec.automountServiceAccountToken).toBe(false);
    for (const c of spec.containers) {
      expect(c.securityContext).toEqual({
        runAsNonRoot: true,
        runAsUser: 65532,
        runAsGroup: 65532,
        privileged: false,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(Object.keys(c.resources.requests).sort()).toEqual(['cpu', 'memory']);
      expect(Object.keys(c.resources.limits).sort()).toEqual(['cpu', 'memory']);
      // Read-only root: every writable path is an explicit volume.
      expect(c.volumeMounts.map((m: any) => m.mountPath)).toContain('/tmp');
    }
  });

  test('objects carry the standard labels', () => {
    for (const o of [...modelServing, ...gateway, ...observability]) {
      expect(Object.keys(o.metadata.labels ?? {})).toEqual(expect.arrayContaining([
        'app.kubernetes.io/name', 'app.kubernetes.io/component', 'app.kubernetes.io/part-of', 'app.kubernetes.io/managed-by',
      ]));
      expect(o.metadata.namespace).toBeDefined();
    }
  });
});

describe('observability', () => {
  test('one PrometheusRule with every alert, and dashboards for the Grafana sidecar in the monitoring namespace', () => {
    const rule = one(observability, 'PrometheusRule', 'mlops');
    const alerts = rule.spec.groups.flatMap((g: any) => g.rules).filter((r: any) => r.alert).map((r: any) => r.alert);
    expect(alerts).toHaveLength(14);
    expect(rule.spec.groups.flatMap((g: any) => g.rules).find((r: any) => r.alert === 'InferenceLatencyHigh').for).toBe('5m');
    for (const name of ['dashboard-mlops-model-serving', 'dashboard-mlops-self-healing']) {
      const cm = one(observability, 'ConfigMap', name);
      expect(cm.metadata.namespace).toBe('monitoring');
      expect(cm.metadata.labels!.grafana_dashboard).toBe('1');
      const [json] = Object.values(cm.data as Record<string, string>);
      const dashboard = JSON.parse(json);
      expect(dashboard.panels.length).toBeGreaterThanOrEqual(7);
    }
  });
});

describe('addMlopsCharts', () => {
  test('adds exactly the charts model-serving, gateway and observability', () => {
    const app = Testing.app();
    addMlopsCharts(app, platformConfig);
    expect(app.charts.map((c) => c.node.id)).toEqual([...mlopsChartNames]);
  });

  test('follows the config: another namespace and model name reach every object and URL', () => {
    const config = loadPlatformConfig({ namespaces: { mlops: 'ml-prod' }, model: { name: 'churn' } });
    const objs = synth((app) => new ModelServingChart(app, 'model-serving', { config }));
    const isvc = one(objs, 'InferenceService', 'churn');
    expect(isvc.metadata.namespace).toBe('ml-prod');
    expect(isvc.spec.predictor.logger.url).toBe('http://mlops-gateway.ml-prod.svc.cluster.local:8082/webhooks/kserve');
    expect(one(objs, 'Role', 'alert-analysis-reader').metadata.namespace).toBe('ml-prod');
  });
});
