import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { CLUSTER_KINDS_FILE, CLUSTER_SCOPED, deriveClusterKinds, renderClusterKinds, templateKinds } from '../../../scripts/cluster-kinds';
import { platformConfig } from '../../../src/config/platform';
import { BootstrapChart, clusterResourceWhitelist } from '../../../src/k8s/bootstrap';
import { buildApp } from '../../../src/main';
import { VENDOR_CHARTS } from '../support/values-lint';

const ours = buildApp(platformConfig).charts.flatMap((c) => Testing.synth(c));

describe('AppProject clusterResourceWhitelist', () => {
  test('the committed cluster-kinds.json is what the vendored templates and our objects give (npx projen cluster-kinds)', () => {
    const derived = renderClusterKinds(deriveClusterKinds(VENDOR_CHARTS, ours));
    expect(fs.readFileSync(CLUSTER_KINDS_FILE, 'utf8')).toBe(derived);
  });

  test('the AppProject lists exactly those kinds, never a wildcard', () => {
    const project = Testing.synth(new BootstrapChart(Testing.app(), 'b', platformConfig)).find((o) => o.kind === 'AppProject');
    const wl = project.spec.clusterResourceWhitelist;
    expect(wl).toEqual(clusterResourceWhitelist);
    expect(wl.some((e: any) => e.group === '*' || e.kind === '*')).toBe(false);
    expect(wl.map((e: any) => `${e.group}/${e.kind}`)).toEqual(expect.arrayContaining([
      '/Namespace', 'apiextensions.k8s.io/CustomResourceDefinition', 'rbac.authorization.k8s.io/ClusterRole',
      'rbac.authorization.k8s.io/ClusterRoleBinding', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
      'admissionregistration.k8s.io/MutatingWebhookConfiguration',
      // kserve-resources v0.20.0 renders it from files/common/storagecontainer.yaml
      'serving.kserve.io/ClusterStorageContainer',
    ]));
  });

  test('every cluster-scoped object we synthesize is whitelisted', () => {
    const allowed = new Set(clusterResourceWhitelist.map((e) => `${e.group}/${e.kind}`));
    const mine = ours.filter((x) => x.kind in CLUSTER_SCOPED).map((o) => `${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}/${o.kind}`);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.filter((k) => !allowed.has(k))).toEqual([]);
  });

  test('a chart that adds a cluster-scoped kind changes the derivation, and an unknown kind is refused by name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charts-'));
    fs.mkdirSync(path.join(dir, 'x', '1.0.0', 'templates'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'x', '1.0.0', 'templates', 'pc.yaml'), 'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\n');
    expect(deriveClusterKinds(dir, [])).toEqual([{ group: 'scheduling.k8s.io', kind: 'PriorityClass', foundIn: ['x/1.0.0/templates/pc.yaml'] }]);
    fs.writeFileSync(path.join(dir, 'x', '1.0.0', 'templates', 'w.yaml'), 'kind: Widget\n');
    expect(() => deriveClusterKinds(dir, [])).toThrow('x/1.0.0/templates/w.yaml: kind Widget is neither in CLUSTER_SCOPED nor NAMESPACED');
  });

  test('template kinds: literal, defaulted and dynamic', () => {
    expect(templateKinds('kind: ClusterRole\n---\nkind: {{ $r.kind | default "HTTPRoute" }}\n  kind: Nested\nkind: List\n')).toEqual(['ClusterRole', 'HTTPRoute']);
    expect(() => templateKinds('kind: {{ .Values.kind }}\n')).toThrow(/cannot be read statically/);
  });
});
