import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { parse, parseAllDocuments } from 'yaml';
import { platformConfig } from '../../../src/config/platform';
import { helmCharts, imageRef, images } from '../../../src/config/versions';
import { KEEP_ON_REMOVAL, KEEP_ON_REMOVAL_COMPONENTS } from '../../../src/k8s/bootstrap';
import { buildApp } from '../../../src/main';
import { DIST } from '../support/dist';
import { VENDOR_CHARTS } from '../support/values-lint';

/**
 * The "would break" fixes of the upstream contracts (issue 14, infra review A2, A6, A7, B1, B8), each checked
 * against the vendored upstream file or the committed dist/, so reverting the fix fails here.
 */

const objs = buildApp(platformConfig).charts.flatMap((c) => Testing.synth(c));
const app = (name: string) => objs.find((o) => o.kind === 'Application' && o.metadata.name === name);
const values = (name: string) => app(name).spec.source.helm.valuesObject;
const vendored = (chart: string, version: string, file: string) => fs.readFileSync(path.join(VENDOR_CHARTS, chart, version, file), 'utf8');

describe('chart names and versions are the upstream ones', () => {
  test.each(Object.entries(helmCharts))('%s: vendor/charts/<chart>/<version>/Chart.yaml names the chart', (_key, c) => {
    const chartYaml = parse(vendored(c.chart, c.version, 'Chart.yaml'));
    expect(chartYaml.name).toBe(c.chart);
    // cert-manager's Chart.yaml carries v0.0.0 placeholders its release tool stamps (vendor/charts/README.md).
    if (c.chart !== 'cert-manager') expect(String(chartYaml.version).replace(/^v?/, 'v')).toBe(c.version.replace(/^v?/, 'v'));
  });

  test('KServe\'s controller is the kserve-resources chart (A2), in dist/ too', () => {
    expect(helmCharts.kserve.chart).toBe('kserve-resources');
    const committed = parse(fs.readFileSync(path.join(DIST, 'apps', 'Application.kserve.k8s.yaml'), 'utf8'));
    expect(committed.spec.source.chart).toBe('kserve-resources');
  });
});

describe('ARC runners (A6, A7)', () => {
  const runner = () => values('arc-runners').template.spec.containers[0];

  test('the runner runs as the image\'s numeric user and group 1001, non-root', () => {
    expect(runner().securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1001, runAsGroup: 1001 });
    const committed = parse(fs.readFileSync(path.join(DIST, 'apps', 'Application.arc-runners.k8s.yaml'), 'utf8'));
    expect(committed.spec.source.helm.valuesObject.template.spec.containers[0].securityContext.runAsUser).toBe(1001);
  });

  test('the runner image is the pinned one (Renovate moves the pin; docs/runner-scale-set.md)', () => {
    expect(runner().image).toBe(imageRef(images.actionsRunner));
    expect(runner().image).toMatch(/^ghcr\.io\/actions\/actions-runner:\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$/);
  });
});

describe('NetworkPolicies in argocd and monitoring, through the charts\' values', () => {
  test('argo-cd: the chart\'s policies and default-deny ingress are on', () => {
    expect(values('argo-cd').global.networkPolicy).toEqual({ create: true, defaultDenyIngress: true });
  });

  test('argo-cd: every policy the chart can render is Ingress-only, so git (egress) is never cut off', () => {
    const dir = path.join(VENDOR_CHARTS, 'argo-cd', helmCharts.argoCd.version, 'templates');
    const files = fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => /networkpolicy.*\.yaml$/i.test(f));
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const f of files) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      expect([f, /policyTypes:\s*\n\s*- Ingress\s*\n(?!\s*- Egress)/.test(text), /Egress/.test(text)]).toEqual([f, true, false]);
    }
    // and nothing of ours selects argocd pods for egress
    const ours = objs.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === platformConfig.namespaces.argocd);
    expect(ours.filter((o) => (o.spec.policyTypes ?? []).includes('Egress'))).toEqual([]);
  });

  test('monitoring: each component\'s policy is on, with egress open where the component must reach the API or scrape', () => {
    const v = values('kube-prometheus-stack');
    expect(v.prometheus.networkPolicy).toMatchObject({ enabled: true, flavor: 'kubernetes', egress: [{}] });
    expect(v.alertmanager.networkPolicy).toMatchObject({ enabled: true, policyTypes: ['Ingress'] });
    expect(v.prometheusOperator.networkPolicy).toMatchObject({ enabled: true });
    expect(v.grafana.networkPolicy).toMatchObject({ enabled: true, ingress: true });
    // kube-state-metrics 6.1.0 templates/networkpolicy.yaml: policyTypes always include Egress, rules only from
    // `networkPolicy.egress`: without it every egress (the API server) is denied.
    const ksm = vendored('kube-state-metrics', '6.1.0', 'templates/networkpolicy.yaml');
    expect(ksm).toMatch(/policyTypes:\s*\n\s*- Ingress\s*\n\s*- Egress/);
    expect(v['kube-state-metrics'].networkPolicy).toMatchObject({ enabled: true, egress: [{}] });
  });

  test('Prometheus accepts the runners\' queries', () => {
    const ingress = values('kube-prometheus-stack').prometheus.networkPolicy.ingress;
    expect(ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': platformConfig.namespaces.arcRunners } } }],
      ports: [{ port: 9090, protocol: 'TCP' }],
    });
  });
});

describe('a removed line in git never deletes data (Prune=false, Delete=false)', () => {
  test('the annotation is ArgoCD\'s spelling', () => {
    expect(KEEP_ON_REMOVAL).toEqual({ 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' });
  });

  test('every Namespace in dist/ carries it', () => {
    const namespaces: any[] = [];
    for (const dir of ['bootstrap', 'namespaces']) {
      for (const f of fs.readdirSync(path.join(DIST, dir)).filter((x) => x.startsWith('Namespace.'))) {
        namespaces.push(...parseAllDocuments(fs.readFileSync(path.join(DIST, dir, f), 'utf8')).map((d) => d.toJS()));
      }
    }
    expect(namespaces.length).toBeGreaterThanOrEqual(Object.keys(platformConfig.namespaces).length);
    for (const ns of namespaces) expect([ns.metadata.name, ns.metadata.annotations?.['argocd.argoproj.io/sync-options']]).toEqual([ns.metadata.name, 'Prune=false,Delete=false']);
  });

  test('stateful components\' Applications, the database, the gateway PVC and the AppProject carry it', () => {
    for (const name of ['namespaces', 'mlflow-db', 'object-store', 'gateway', 'kube-prometheus-stack', 'sealed-secrets', 'cloudnative-pg', 'kserve-crd', 'argo-cd', 'bootstrap']) {
      expect(Object.keys(KEEP_ON_REMOVAL_COMPONENTS)).toContain(name);
      expect([name, app(name).metadata.annotations['argocd.argoproj.io/sync-options']]).toEqual([name, 'Prune=false,Delete=false']);
    }
    // stateless ones are pruned normally
    expect(app('kserve').metadata.annotations['argocd.argoproj.io/sync-options']).toBeUndefined();
    expect(values('mlflow-db').cluster.annotations).toEqual(KEEP_ON_REMOVAL);
    const pvc = objs.find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'mlops-gateway-state');
    expect(pvc.metadata.annotations).toEqual(KEEP_ON_REMOVAL);
    expect(objs.find((o) => o.kind === 'AppProject').metadata.annotations).toEqual(KEEP_ON_REMOVAL);
  });
});
