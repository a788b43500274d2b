import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { DIST, listFiles, loadManifests, PLAIN_FILES, REPO_ROOT } from './support/dist';
import { credentials } from '../../src/config/credentials';
import { platformConfig } from '../../src/config/platform';
import { helmCharts } from '../../src/config/versions';
import { syncWaves } from '../../src/k8s/bootstrap';
import { argocdValues } from '../../src/k8s/bootstrap/argocd';
import { clusterScopedKinds, requiredLabelKeys } from '../../src/k8s/lib';
import { buildApp } from '../../src/main';

/**
 * Whole-app invariants over the committed dist/ (what ArgoCD syncs), plus synthesis determinism.
 * CI regenerates dist/ first (scripts/check-generated.sh), so these hold for a fresh synth too.
 */
const manifests = loadManifests();
const applications = manifests.filter((m) => m.obj.kind === 'Application');
const chartApps = applications.filter((m) => m.obj.spec.source.chart);

describe('dist/ invariants', () => {
  test('dist/ holds manifests and only the known plain files', () => {
    expect(manifests.length).toBeGreaterThan(50);
    const plain = listFiles(DIST).filter((f) => !f.endsWith('.k8s.yaml'));
    expect(plain.filter((f) => !PLAIN_FILES.has(f))).toEqual([]);
  });

  test('every namespaced object has a namespace; cluster-scoped ones have none', () => {
    const bad = manifests.filter((m) => clusterScopedKinds.has(m.obj.kind) === Boolean(m.obj.metadata.namespace));
    expect(bad.map((m) => m.file)).toEqual([]);
  });

  test('every object carries the standard labels', () => {
    const missing = manifests.flatMap((m) => requiredLabelKeys.filter((k) => !m.obj.metadata.labels?.[k]).map((k) => `${m.file}: ${k}`));
    expect(missing).toEqual([]);
  });

  test('no Secret (with or without data) is committed; credentials arrive as SealedSecrets', () => {
    expect(manifests.filter((m) => m.obj.kind === 'Secret').map((m) => m.file)).toEqual([]);
    for (const m of manifests.filter((x) => x.obj.kind === 'SealedSecret')) {
      expect(Object.keys(m.obj.spec.encryptedData).length).toBeGreaterThan(0);
    }
  });

  test('every Application has the project, a numeric sync wave, automated sync and retry', () => {
    expect(applications.length).toBe(Object.keys(syncWaves).length + 1 /* root */);
    for (const m of applications) {
      expect(m.obj.spec.project).toBe('platform');
      expect(m.obj.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      expect(m.obj.spec.syncPolicy.retry.limit).toBeGreaterThan(0);
      if (m.obj.metadata.name === 'root') continue;
      const wave = m.obj.metadata.annotations?.['argocd.argoproj.io/sync-wave'];
      expect(wave).toBe(String(syncWaves[m.obj.metadata.name as keyof typeof syncWaves]));
    }
  });

  test('every chart Application pins an exact version from versions.ts', () => {
    const pinned = new Map(Object.values(helmCharts).map((c) => [`${c.repoURL}|${c.chart}`, c.version]));
    expect(chartApps.length).toBe(10);
    for (const m of chartApps) {
      const s = m.obj.spec.source;
      expect(s.targetRevision).toBe(pinned.get(`${s.repoURL}|${s.chart}`));
      expect(s.targetRevision).toMatch(/^v?\d+\.\d+\.\d+$/);
    }
  });

  test('path Applications point at an existing dist/ folder and sync only *.k8s.yaml', () => {
    for (const m of applications.filter((x) => x.obj.spec.source.path)) {
      expect(fs.existsSync(path.join(REPO_ROOT, m.obj.spec.source.path))).toBe(true);
      expect(m.obj.spec.source.directory).toEqual({ include: '*.k8s.yaml' });
    }
  });

  test('ServerSideApply=true on exactly the Applications that install CRDs', () => {
    const crdInstallers = ['argo-cd', 'sealed-secrets', 'cert-manager', 'kube-prometheus-stack', 'kserve-crd', 'cloudnative-pg', 'arc-controller'];
    const withSsa = applications.filter((m) => m.obj.spec.syncPolicy.syncOptions.includes('ServerSideApply=true')).map((m) => m.obj.metadata.name).sort();
    expect(withSsa).toEqual([...crdInstallers].sort());
  });

  test('dist/bootstrap holds only the argocd Namespace, argocd-values.yaml, the AppProject and the root Application', () => {
    expect(listFiles(path.join(DIST, 'bootstrap'))).toEqual([
      'AppProject.platform.k8s.yaml', 'Application.root.k8s.yaml', 'Namespace.argocd.k8s.yaml', 'argocd-values.yaml',
    ]);
    const values = parse(fs.readFileSync(path.join(DIST, 'bootstrap', 'argocd-values.yaml'), 'utf8'));
    const self = applications.find((m) => m.obj.metadata.name === 'argo-cd')!.obj.spec.source;
    expect(values).toEqual(argocdValues(platformConfig));
    expect(self.helm.valuesObject).toEqual(values);
    expect(self.helm.releaseName).toBe('argocd');
  });

  test('the gateway is single-replica, Recreate, with its state on a PVC', () => {
    const gw = manifests.find((m) => m.obj.kind === 'Deployment' && m.obj.metadata.name === platformConfig.gateway.name)!.obj;
    expect(gw.spec.replicas).toBe(1);
    expect(gw.spec.strategy).toEqual({ type: 'Recreate' });
    const claims = gw.spec.template.spec.volumes.filter((v: any) => v.persistentVolumeClaim).map((v: any) => v.persistentVolumeClaim.claimName);
    expect(claims).toHaveLength(1);
    expect(manifests.some((m) => m.obj.kind === 'PersistentVolumeClaim' && m.obj.metadata.name === claims[0])).toBe(true);
    const mount = gw.spec.template.spec.containers[0].volumeMounts.find((v: any) => v.mountPath === platformConfig.gateway.stateDir);
    expect(mount).toBeDefined();
  });

  test('every workload this repo defines runs restricted, with resources and its own ServiceAccount', () => {
    const workloads = manifests.filter((m) => ['Deployment', 'StatefulSet', 'Job', 'DaemonSet'].includes(m.obj.kind));
    expect(workloads.length).toBeGreaterThanOrEqual(4);
    for (const w of workloads) {
      const pod = w.obj.spec.template.spec;
      expect([w.file, pod.serviceAccountName ?? 'default']).not.toEqual([w.file, 'default']);
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        const sc = { ...pod.securityContext, ...c.securityContext };
        const got = [sc.runAsNonRoot, sc.allowPrivilegeEscalation, sc.readOnlyRootFilesystem, sc.capabilities?.drop, sc.seccompProfile?.type];
        expect([w.file, c.name, ...got])
          .toEqual([w.file, c.name, true, false, true, ['ALL'], 'RuntimeDefault']);
        expect([w.file, c.resources?.requests?.memory && c.resources?.limits?.memory ? 'set' : 'missing']).toEqual([w.file, 'set']);
        expect(c.image).toMatch(/@sha256:[0-9a-f]{64}$/);
      }
    }
  });

  test('no two objects of a chart share a file (cdk8s names files by kind and name)', () => {
    // Every object the app defines is in dist/: count objects in a fresh in-memory synth per chart.
    const app = buildApp(platformConfig, '/nonexistent');
    const count = app.charts.reduce((n: number, c: any) => n + c.toJson().length, 0);
    expect(manifests.length).toBe(count);
  });

  test('every Application deploys into a namespace the AppProject allows and the platform creates', () => {
    const project = manifests.find((m) => m.obj.kind === 'AppProject')!.obj;
    const allowed = new Set(project.spec.destinations.map((d: any) => d.namespace));
    const created = new Set(manifests.filter((m) => m.obj.kind === 'Namespace').map((m) => m.obj.metadata.name));
    for (const m of applications) {
      expect([m.obj.metadata.name, allowed.has(m.obj.spec.destination.namespace), created.has(m.obj.spec.destination.namespace)])
        .toEqual([m.obj.metadata.name, true, true]);
    }
    const namespaced = manifests.filter((m) => m.obj.metadata.namespace).map((m) => m.obj.metadata.namespace);
    expect([...new Set(namespaced)].filter((n) => !allowed.has(n))).toEqual([]);
  });

  test('every Secret a workload or chart value references is in the credentials table (or generated by an operator)', () => {
    const generated = new Set(['mlflow-db-app']); // CloudNativePG creates <cluster>-app for the database owner
    const known = new Set([...Object.values(credentials).map((c) => c.name), ...generated]);
    const refs = new Set<string>();
    const walk = (o: any): void => {
      if (Array.isArray(o)) return o.forEach(walk);
      if (!o || typeof o !== 'object') return;
      if (o.secretKeyRef?.name) refs.add(o.secretKeyRef.name);
      if (o.secretRef?.name) refs.add(o.secretRef.name);
      if (o.secret?.secretName) refs.add(o.secret.secretName);
      Object.values(o).forEach(walk);
    };
    manifests.filter((m) => m.obj.kind !== 'Application').forEach((m) => walk(m.obj.spec ?? {}));
    const values = (name: string) => applications.find((m) => m.obj.metadata.name === name)!.obj.spec.source.helm.valuesObject;
    values('kube-prometheus-stack').alertmanager.alertmanagerSpec.secrets.forEach((n: string) => refs.add(n));
    refs.add(values('kube-prometheus-stack').grafana.admin.existingSecret);
    refs.add(values('arc-runners').githubConfigSecret);
    refs.add(values('mlflow-db').backups.secret.name);
    expect(refs.size).toBeGreaterThanOrEqual(8);
    expect([...refs].filter((r) => !known.has(r))).toEqual([]);
  });

  test('namespaces this repo runs workloads in start from default-deny', () => {
    const denyAll = JSON.stringify({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const isDenyAll = (o: any) => o.kind === 'NetworkPolicy' && JSON.stringify(o.spec) === denyAll;
    const denied = new Set(manifests.filter((m) => isDenyAll(m.obj)).map((m) => m.obj.metadata.namespace));
    const ns = platformConfig.namespaces;
    const expected = [ns.mlops, ns.mlflow, ns.arcRunners, ns.certManager, ns.sealedSecrets, ns.kserve, ns.arcSystems];
    expect(expected.filter((n) => !denied.has(n))).toEqual([]);
  });
});

describe('synthesis', () => {
  const outs: string[] = [];
  afterAll(() => outs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  function synthTo(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-'));
    outs.push(dir);
    execFileSync(process.execPath, ['-e', `require('ts-node').register({swc:true});require('./src/main').synthAll(require('./src/config/platform').platformConfig, ${JSON.stringify(path.join(dir, 'dist'))})`], { cwd: REPO_ROOT, stdio: 'pipe' });
    return path.join(dir, 'dist');
  }

  test('is deterministic (byte-identical twice), with no absolute path and no timestamp', () => {
    const a = synthTo();
    const b = synthTo();
    const files = listFiles(a);
    expect(listFiles(b)).toEqual(files);
    for (const f of files) {
      const text = fs.readFileSync(path.join(a, f), 'utf8');
      expect([f, text]).toEqual([f, fs.readFileSync(path.join(b, f), 'utf8')]);
      expect([f, text.includes(REPO_ROOT) || outs.some((d) => text.includes(d))]).toEqual([f, false]);
      expect([f, /20\d\d-\d\d-\d\dT\d\d:\d\d/.test(text)]).toEqual([f, false]);
    }
  });
});
