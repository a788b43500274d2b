import { Testing } from 'cdk8s';
import { loadPlatformConfig, platformConfig } from '../../../src/config/platform';
import { helmCharts } from '../../../src/config/versions';
import {
  APPLICATION_HEALTH_LUA, AppsChart, ArgoCd, argocdValues, BootstrapChart, BootstrapSelfManagement, ociRepositories, PlatformApplication, syncWaves,
} from '../../../src/k8s/bootstrap';

describe('bootstrap chart', () => {
  const objs = Testing.synth(new BootstrapChart(Testing.app(), 'bootstrap', platformConfig));

  test('snapshot', () => expect(objs).toMatchSnapshot());

  test('holds exactly the argocd Namespace, the AppProject and the root Application', () => {
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Namespace/argocd', 'AppProject/platform', 'Application/root']);
  });

  test('the root app-of-apps syncs dist/apps from the configured repo and revision, automated', () => {
    const root = objs.find((o) => o.kind === 'Application');
    expect(root.spec.source).toEqual({
      repoURL: platformConfig.gitRepoUrl, targetRevision: 'main', path: 'dist/apps', directory: { include: '*.k8s.yaml' },
    });
    expect(root.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
  });

  test('the AppProject limits sources to this repo and the pinned chart repositories, and destinations to platform namespaces', () => {
    const project = objs.find((o) => o.kind === 'AppProject');
    const repos = new Set([platformConfig.gitRepoUrl, ...Object.values(helmCharts).map((c) => c.repoURL)]);
    expect(new Set(project.spec.sourceRepos)).toEqual(repos);
    expect(project.spec.destinations.map((d: any) => d.namespace)).toContain('mlops');
    expect(project.spec.destinations.every((d: any) => d.server === 'https://kubernetes.default.svc')).toBe(true);
  });

  test('follows the config (repo, revision, argocd namespace)', () => {
    const c = loadPlatformConfig({ gitRepoUrl: 'https://git.example.org/lab.git', targetRevision: 'prod', namespaces: { argocd: 'gitops' } });
    const o = Testing.synth(new BootstrapChart(Testing.app(), 'bootstrap', c));
    expect(o.map((x) => x.metadata.namespace ?? x.metadata.name)).toEqual(['gitops', 'gitops', 'gitops']);
    expect(o[2].spec.source.repoURL).toBe('https://git.example.org/lab.git');
    expect(o[2].spec.source.targetRevision).toBe('prod');
  });
});

describe('ArgoCD self-management', () => {
  const chart = new AppsChart(Testing.app(), 'apps', platformConfig);
  new ArgoCd(chart, 'argo-cd', platformConfig);
  new BootstrapSelfManagement(chart, 'bootstrap', platformConfig);
  const [argo, bootstrap] = Testing.synth(chart);

  test('snapshot', () => expect([argo, bootstrap]).toMatchSnapshot());

  test('the argo-cd Application installs the pinned chart as release argocd with the bootstrap values', () => {
    expect(argo.spec.source.chart).toBe('argo-cd');
    expect(argo.spec.source.targetRevision).toBe(helmCharts.argoCd.version);
    expect(argo.spec.source.helm.releaseName).toBe('argocd');
    expect(argo.spec.source.helm.valuesObject).toEqual(argocdValues(platformConfig));
    expect(argo.metadata.finalizers).toBeUndefined();
    expect(argo.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
  });

  test('the Application health check is restored in argocd-cm so waves wait', () => {
    const cm = argocdValues(platformConfig).configs.cm;
    expect(cm['resource.customizations.health.argoproj.io_Application']).toBe(APPLICATION_HEALTH_LUA);
    expect(APPLICATION_HEALTH_LUA).toContain('hs.status = obj.status.health.status');
  });

  test('OCI chart registries get a repository entry with enableOCI', () => {
    const repos = Object.values(ociRepositories());
    expect(repos.map((r) => r.url).sort()).toEqual(['ghcr.io/actions/actions-runner-controller-charts', 'ghcr.io/kserve/charts']);
    expect(repos.every((r) => r.enableOCI === 'true' && r.type === 'helm')).toBe(true);
  });

  test('the bootstrap child keeps dist/bootstrap in sync without cascading deletes', () => {
    expect(bootstrap.spec.source.path).toBe('dist/bootstrap');
    expect(bootstrap.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('0');
  });
});

describe('PlatformApplication', () => {
  test('sets wave, SSA only for CRD installers, finalizer by default, RespectIgnoreDifferences with ignores', () => {
    const chart = new AppsChart(Testing.app(), 'apps', platformConfig);
    new PlatformApplication(chart, 'a', {
      config: platformConfig,
      name: 'kserve',
      namespace: 'kserve',
      source: { chart: helmCharts.kserve, releaseName: 'kserve', values: { a: 1 } },
      installsCrds: false,
      ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }],
    });
    const [app] = Testing.synth(chart);
    expect(app.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe(String(syncWaves.kserve));
    expect(app.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    expect(app.spec.syncPolicy.syncOptions).toEqual(['CreateNamespace=false', 'PruneLast=true', 'RespectIgnoreDifferences=true']);
    expect(app.spec.source.helm.valuesObject).toEqual({ a: 1 });
  });

  test('waves order dependencies: CRDs and controllers before what uses them', () => {
    expect(syncWaves['sealed-secrets']).toBeLessThan(syncWaves['platform-secrets']);
    expect(syncWaves['kserve-crd']).toBeLessThan(syncWaves.kserve);
    expect(syncWaves['cert-manager']).toBeLessThan(syncWaves.kserve);
    expect(syncWaves.kserve).toBeLessThan(syncWaves['model-serving']);
    expect(syncWaves.gateway).toBeLessThan(syncWaves['model-serving']);
    expect(syncWaves['cloudnative-pg']).toBeLessThan(syncWaves['mlflow-db']);
    expect(syncWaves['object-store']).toBeLessThan(syncWaves['mlflow-db']);
    expect(syncWaves['mlflow-db']).toBeLessThan(syncWaves.mlflow);
    expect(syncWaves['kube-prometheus-stack']).toBeLessThan(syncWaves.observability);
    expect(syncWaves['arc-controller']).toBeLessThan(syncWaves['arc-runners']);
  });
});
