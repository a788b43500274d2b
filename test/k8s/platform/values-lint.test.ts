import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { parse, stringify } from 'yaml';
import { platformConfig } from '../../../src/config/platform';
import { helmCharts } from '../../../src/config/versions';
import { buildApp } from '../../../src/main';
import { FREE_FORM, helmApplications, lintValues, loadVendoredChart, PASS_THROUGH, VENDOR_CHARTS } from '../support/values-lint';

/**
 * Every valuesObject of every Application is checked against the vendored upstream chart at the pinned
 * version (vendor/charts/): each key exists in the chart's defaults, schema or templates, and the merged
 * values pass its values.schema.json. See test/k8s/support/values-lint.ts for the rules.
 */

const objs = (() => {
  const app = buildApp(platformConfig);
  return app.charts.flatMap((c) => Testing.synth(c));
})();
const apps = helmApplications(objs);

describe('values lint: every Application of an upstream chart', () => {
  test('covers every pinned chart', () => {
    expect(apps.map((a) => a.chart).sort()).toEqual(Object.values(helmCharts).map((c) => c.chart).sort());
  });

  test.each(apps.map((a) => [a.name, a] as const))('%s: every key exists upstream, values pass the schema', (_name, a) => {
    const chart = loadVendoredChart(a.chart, a.version);
    expect(lintValues(chart, a.values)).toEqual([]);
  });

  test('kube-prometheus-stack reads the grafana subchart at the locked version', () => {
    const chart = loadVendoredChart('kube-prometheus-stack', helmCharts.kubePrometheusStack.version);
    expect(Object.keys(chart.subcharts).sort()).toEqual(['grafana', 'kube-state-metrics', 'prometheus-node-exporter']);
    expect(chart.subcharts.grafana.version).toBe('9.2.10');
  });
});

describe('the free-form and pass-through lists', () => {
  test('every entry names a vendored chart, is never top-level, and is used', () => {
    const vendored = new Set(fs.readdirSync(VENDOR_CHARTS));
    const setPaths = new Set<string>();
    const collect = (chart: string, v: unknown, p: string[]) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return;
      for (const [k, x] of Object.entries(v)) { setPaths.add(`${chart}:${[...p, k].join('.')}`); collect(chart, x, [...p, k]); }
    };
    for (const a of apps) collect(a.chart, a.values, []);
    for (const e of [...FREE_FORM, ...PASS_THROUGH]) {
      expect(vendored.has(e.chart)).toBe(true);
      if ('reason' in e) expect(e.path.split('.').length).toBeGreaterThan(1);
      const re = new RegExp(`^${e.chart}:${e.path.replace(/\./g, '\\.').replace(/\*/g, '[^.]+')}$`);
      expect([e.chart, e.path, [...setPaths].some((s) => re.test(s))]).toEqual([e.chart, e.path, true]);
    }
  });
});

describe('the lint bites', () => {
  const copyChart = (name: string, version: string, edit: (values: string) => string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-'));
    const src = path.join(VENDOR_CHARTS, name, version);
    for (const f of ['Chart.yaml', 'values.yaml', 'values.schema.json']) {
      if (fs.existsSync(path.join(src, f))) fs.copyFileSync(path.join(src, f), path.join(dir, f));
    }
    fs.writeFileSync(path.join(dir, 'values.yaml'), edit(fs.readFileSync(path.join(src, 'values.yaml'), 'utf8')));
    return dir;
  };
  const appOf = (chart: string) => apps.find((a) => a.chart === chart)!;

  test('a key misspelled in a copy of the chart\'s values makes it fail', () => {
    // argo-cd values.yaml @ argo-cd-9.1.0: `global:` … `networkPolicy:` → misspell the key we set.
    const dir = copyChart('argo-cd', '9.1.0', (v) => v.replace(/^ {2}networkPolicy:/m, '  networkPolicyy:'));
    const problems = lintValues(loadVendoredChart('argo-cd', '9.1.0', dir), appOf('argo-cd').values);
    expect(problems.map((p) => p.path)).toContain('global.networkPolicy');
  });

  test('a misspelled key in our values fails, in a subchart too', () => {
    const kps = appOf('kube-prometheus-stack');
    const chart = loadVendoredChart('kube-prometheus-stack', kps.version);
    const bad = JSON.parse(JSON.stringify(kps.values));
    bad.grafana.persistense = bad.grafana.persistence;
    bad.prometheus.prometheusSpec.retentionSizee = '1GB';
    expect(lintValues(chart, bad).map((p) => p.path).sort()).toEqual(['grafana.persistense', 'prometheus.prometheusSpec.retentionSizee']);
  });

  test('the removed applicationSet.enabled (argo-helm #2688) is caught', () => {
    const argo = appOf('argo-cd');
    const bad = { ...argo.values, applicationSet: { enabled: false } };
    expect(lintValues(loadVendoredChart('argo-cd', argo.version), bad)).toEqual([
      expect.objectContaining({ path: 'applicationSet.enabled' }),
    ]);
  });

  test('a schema violation fails (cert-manager: additionalProperties false)', () => {
    const cm = appOf('cert-manager');
    const chart = loadVendoredChart('cert-manager', cm.version);
    const problems = lintValues(chart, { ...cm.values, crds: { enabled: 'yes' } });
    expect(problems.some((p) => p.message.includes('values.schema.json'))).toBe(true);
  });

  test('a pass-through value is checked against its Kubernetes model', () => {
    const cm = appOf('cert-manager');
    const problems = lintValues(loadVendoredChart('cert-manager', cm.version), { ...cm.values, resources: { request: { cpu: '1' } } });
    expect(problems).toContainEqual(expect.objectContaining({ path: 'resources.request' }));
  });

  test('a NetworkPolicy rule passed through is checked against the Kubernetes model', () => {
    const kps = appOf('kube-prometheus-stack');
    const bad = JSON.parse(JSON.stringify(kps.values));
    bad.prometheus.networkPolicy.ingress[1].ports[0].prot = 9090;
    bad['kube-state-metrics'].networkPolicy.egress = {};
    const problems = lintValues(loadVendoredChart('kube-prometheus-stack', kps.version), bad);
    expect(problems.map((p) => p.path).sort()).toEqual(['kube-state-metrics.networkPolicy.egress', 'prometheus.networkPolicy.ingress[1].ports[0].prot']);
  });

  test('a misspelled key in a list item is caught where the default shows the items', () => {
    const db = appOf('cluster');
    const bad = JSON.parse(JSON.stringify(db.values));
    bad.backups.scheduledBackups[0].shedule = bad.backups.scheduledBackups[0].schedule;
    expect(lintValues(loadVendoredChart('cluster', db.version), bad).map((p) => p.path)).toContain('backups.scheduledBackups[0].shedule');
  });

  test('a key under an empty default needs a declaration', () => {
    const cnpg = appOf('cluster');
    const chart = loadVendoredChart('cluster', cnpg.version);
    const problems = lintValues(chart, cnpg.values, FREE_FORM.filter((e) => e.path !== 'cluster.annotations'));
    expect(problems).toContainEqual(expect.objectContaining({ path: 'cluster.annotations' }));
  });

  test('a chart that is not vendored is named', () => {
    expect(() => loadVendoredChart('kserve', 'v0.20.0')).toThrow(/chart kserve v0.20.0 is not vendored/);
  });

  // keep the yaml helpers honest: the copy really changed the key
  test('the misspelled copy differs from the original only in that key', () => {
    const dir = copyChart('argo-cd', '9.1.0', (v) => v.replace(/^ {2}networkPolicy:/m, '  networkPolicyy:'));
    const copy = parse(fs.readFileSync(path.join(dir, 'values.yaml'), 'utf8'));
    expect(Object.keys(copy.global)).toContain('networkPolicyy');
    expect(stringify(copy).length).toBeGreaterThan(1000);
  });
});
