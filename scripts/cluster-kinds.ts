/**
 * Derives the AppProject's clusterResourceWhitelist: the cluster-scoped kinds the platform can apply, found by
 * scanning the vendored charts (vendor/charts/<chart>/<version>/: templates/, crds/, files/ (kserve-resources renders
 * from there), and the CRD files listed in CRDS.txt) and our own synthesized objects. Writes src/k8s/bootstrap/cluster-kinds.json, which the
 * AppProject reads at synth time; test/k8s/bootstrap/cluster-kinds.test.ts re-derives it and compares.
 *
 * Run after bumping a chart (and refreshing vendor/charts): `npx projen cluster-kinds`.
 * Every kind found must be classified below (cluster-scoped with its API group, or namespaced): an unknown kind
 * fails with its chart and file, so a chart bump that adds a cluster-scoped kind cannot slip through.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Cluster-scoped kinds and their API group (Kubernetes 1.30 and the CRDs the pinned charts install). */
export const CLUSTER_SCOPED: Readonly<Record<string, string>> = {
  Namespace: '',
  PersistentVolume: '',
  ClusterRole: 'rbac.authorization.k8s.io',
  ClusterRoleBinding: 'rbac.authorization.k8s.io',
  CustomResourceDefinition: 'apiextensions.k8s.io',
  ValidatingWebhookConfiguration: 'admissionregistration.k8s.io',
  MutatingWebhookConfiguration: 'admissionregistration.k8s.io',
  ValidatingAdmissionPolicy: 'admissionregistration.k8s.io',
  ValidatingAdmissionPolicyBinding: 'admissionregistration.k8s.io',
  PriorityClass: 'scheduling.k8s.io',
  StorageClass: 'storage.k8s.io',
  CSIDriver: 'storage.k8s.io',
  IngressClass: 'networking.k8s.io',
  APIService: 'apiregistration.k8s.io',
  RuntimeClass: 'node.k8s.io',
  ClusterIssuer: 'cert-manager.io',
  ClusterServingRuntime: 'serving.kserve.io',
  ClusterStorageContainer: 'serving.kserve.io',
  ClusterImageCatalog: 'postgresql.cnpg.io',
  CiliumClusterwideNetworkPolicy: 'cilium.io',
  PodSecurityPolicy: 'policy',
};

/** Cluster-scoped kinds found in templates that can never be applied here, with why (left out of the whitelist). */
export const NEVER_APPLIED: Readonly<Record<string, string>> = {
  PodSecurityPolicy: 'policy/v1beta1 was removed in Kubernetes 1.25; the charts render it only on clusters that still serve it (Capabilities check), and K3s 1.30 does not',
};

/** Namespaced kinds the templates contain (known, so a new kind is noticed). */
export const NAMESPACED = new Set([
  'Alertmanager', 'AutoscalingRunnerSet', 'BackendConfig', 'BackendTLSPolicy', 'Certificate', 'CiliumNetworkPolicy', 'Cluster', 'ConfigMap',
  'DaemonSet', 'Deployment', 'Endpoints', 'FrontendConfig', 'GRPCRoute', 'GrafanaDashboard', 'HTTPRoute', 'HorizontalPodAutoscaler',
  'ImageCatalog', 'Ingress', 'Issuer', 'Job', 'ManagedCertificate', 'NetworkPolicy', 'PersistentVolumeClaim', 'Pod', 'PodDisruptionBudget',
  'PodMonitor', 'Pooler', 'Prometheus', 'PrometheusAgent', 'PrometheusRule', 'Role', 'RoleBinding', 'Route', 'ScheduledBackup', 'ScrapeConfig',
  'Secret', 'SecretProviderClass', 'Service', 'ServiceAccount', 'ServiceMonitor', 'StatefulSet', 'ThanosRuler', 'VerticalPodAutoscaler',
  'Application', 'AppProject', 'InferenceService', 'SealedSecret', 'CronJob', 'ReplicaSet', 'Gateway',
]);

/** One entry of the whitelist, with where it was found. */
export interface ClusterKind {
  readonly group: string;
  readonly kind: string;
  /** `<chart>/<version>/<file>` (first few) or `ours`. */
  readonly foundIn: string[];
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** The kinds of a template file: literal `kind:` lines at column 0, and `kind: {{ … | default "X" }}`. */
export function templateKinds(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^kind:\s*(.+?)\s*$/gm)) {
    const v = m[1];
    if (/^[A-Za-z]+$/.test(v)) out.push(v);
    else {
      const d = /default\s+"([A-Za-z]+)"/.exec(v);
      if (d) out.push(d[1]);
      else throw new Error(`a template kind that cannot be read statically: ${v}`);
    }
  }
  return out.filter((k) => k !== 'List');
}

/** Derives the whitelist from the vendored charts and our own objects' kinds. */
export function deriveClusterKinds(vendorCharts: string, ours: { kind: string }[]): ClusterKind[] {
  const found = new Map<string, Set<string>>();
  const note = (kind: string, where: string) => {
    if (!(kind in CLUSTER_SCOPED) && !NAMESPACED.has(kind)) {
      throw new Error(`${where}: kind ${kind} is neither in CLUSTER_SCOPED nor NAMESPACED (scripts/cluster-kinds.ts): classify it`);
    }
    if (!(kind in CLUSTER_SCOPED) || kind in NEVER_APPLIED) return;
    if (!found.has(kind)) found.set(kind, new Set());
    found.get(kind)!.add(where);
  };
  for (const chart of fs.readdirSync(vendorCharts).sort()) {
    const chartDir = path.join(vendorCharts, chart);
    if (!fs.statSync(chartDir).isDirectory()) continue;
    for (const version of fs.readdirSync(chartDir).sort()) {
      const root = path.join(chartDir, version);
      // files/: charts that render through .Files.Get (kserve-resources v0.20.0 renders everything from files/).
      for (const file of ['templates', 'crds', 'files'].flatMap((d) => walk(path.join(root, d))).sort()) {
        if (!/\.(ya?ml|tpl)$/.test(file)) continue;
        const rel = `${chart}/${version}/${path.relative(root, file).split(path.sep).join('/')}`;
        let kinds: string[];
        try { kinds = templateKinds(fs.readFileSync(file, 'utf8')); } catch (e) { throw new Error(`${rel}: ${(e as Error).message}`); }
        for (const k of kinds) note(k, rel);
      }
      // CRD-only files are listed, not copied (vendor/charts/README.md).
      if (fs.existsSync(path.join(root, 'CRDS.txt'))) note('CustomResourceDefinition', `${chart}/${version}/CRDS.txt`);
    }
  }
  for (const o of ours) note(o.kind, 'ours');
  return [...found.entries()]
    .map(([kind, where]) => ({ group: CLUSTER_SCOPED[kind], kind, foundIn: [...where].sort() }))
    .sort((a, b) => a.group.localeCompare(b.group) || a.kind.localeCompare(b.kind));
}

/** The committed data file the AppProject reads. */
export const CLUSTER_KINDS_FILE = path.join(__dirname, '..', 'src', 'k8s', 'bootstrap', 'cluster-kinds.json');

/** The file's content for a derivation: group and kind, plus up to three places each was found. */
export function renderClusterKinds(kinds: ClusterKind[]): string {
  const entries = kinds.map((k) => ({ group: k.group, kind: k.kind, foundIn: k.foundIn.slice(0, 3) }));
  return JSON.stringify({
    $comment: 'Generated by scripts/cluster-kinds.ts (npx projen cluster-kinds) from vendor/charts and our own objects; never edit by hand.',
    kinds: entries,
  }, null, 2) + '\n';
}

if (require.main === module) {
  // Our own objects: a fresh synthesis of the app (cluster-scoped ones are Namespaces today).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Testing } = require('cdk8s');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildApp } = require('../src/main');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { platformConfig } = require('../src/config/platform');
  const ours = buildApp(platformConfig).charts.flatMap((c: unknown) => Testing.synth(c));
  const kinds = deriveClusterKinds(path.join(__dirname, '..', 'vendor', 'charts'), ours);
  fs.writeFileSync(CLUSTER_KINDS_FILE, renderClusterKinds(kinds));
  console.log(`wrote ${path.relative(process.cwd(), CLUSTER_KINDS_FILE)}: ${kinds.map((k) => `${k.group || 'core'}/${k.kind}`).join(', ')}`);
}
