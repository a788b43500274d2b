import { Testing } from 'cdk8s';
import { credentials } from '../../../src/config/credentials';
import { loadPlatformConfig, platformConfig } from '../../../src/config/platform';
import { helmCharts } from '../../../src/config/versions';
import { AppsChart } from '../../../src/k8s/bootstrap';
import { alertmanagerConfig } from '../../../src/k8s/mlops';
import {
  ActionsRunnerController, CertManager, CloudnativePg, KubePrometheusStack, Kserve, Mlflow, MlflowChart, Namespaces, NamespacesChart,
  ObjectStore, ObjectStoreChart, PlatformSecrets, PlatformSecretsChart, SealedSecrets,
} from '../../../src/k8s/platform';

type Ctor = new (scope: any, id: string, config: typeof platformConfig) => unknown;

function apps(ctor: Ctor, config = platformConfig): any[] {
  const chart = new AppsChart(Testing.app(), 'apps', config);
  new ctor(chart, 'x', config);
  return Testing.synth(chart);
}
const byName = (objs: any[], name: string) => objs.find((o) => o.metadata.name === name);

describe('Applications of upstream charts (snapshots)', () => {
  const ctors: Record<string, Ctor> = {
    'sealed-secrets': SealedSecrets,
    'cert-manager': CertManager,
    'kube-prometheus-stack': KubePrometheusStack,
    'kserve': Kserve,
    'cloudnative-pg': CloudnativePg,
    'arc': ActionsRunnerController,
    'namespaces': Namespaces,
    'platform-secrets': PlatformSecrets,
    'object-store': ObjectStore,
    'mlflow': Mlflow,
  };
  test.each(Object.keys(ctors))('%s', (name) => expect(apps(ctors[name])).toMatchSnapshot());
});

describe('kube-prometheus-stack', () => {
  const app = apps(KubePrometheusStack)[0];
  const v = app.spec.source.helm.valuesObject;

  test('opens every selector so our rules and monitors are not silently ignored', () => {
    const p = v.prometheus.prometheusSpec;
    const keys = ['ruleSelectorNilUsesHelmValues', 'serviceMonitorSelectorNilUsesHelmValues', 'podMonitorSelectorNilUsesHelmValues', 'probeSelectorNilUsesHelmValues'];
    expect(keys.map((k) => p[k])).toEqual([false, false, false, false]);
  });

  test('retention and storage come from config', () => {
    const c = loadPlatformConfig({ sizes: { prometheusRetention: '30d', prometheusStorage: '50Gi' }, storageClass: 'longhorn' });
    const p = apps(KubePrometheusStack, c)[0].spec.source.helm.valuesObject.prometheus.prometheusSpec;
    expect(p.retention).toBe('30d');
    expect(p.storageSpec.volumeClaimTemplate.spec).toEqual({ storageClassName: 'longhorn', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } } });
  });

  test("Alertmanager's config is B's routing; its token Secret is mounted; Grafana's dashboard sidecar is on", () => {
    expect(v.alertmanager.config).toEqual(alertmanagerConfig(platformConfig));
    expect(v.alertmanager.alertmanagerSpec.secrets).toEqual([credentials.alertmanagerGatewayToken.name, credentials.alertmanagerPlatformSlack.name]);
    expect(v.grafana.sidecar.dashboards).toEqual({ enabled: true, label: 'grafana_dashboard', labelValue: '1', searchNamespace: 'ALL' });
    expect(v.grafana.admin.existingSecret).toBe('grafana-admin');
  });

  test('pinned chart, ServerSideApply (its CRDs exceed the annotation limit)', () => {
    expect(app.spec.source.targetRevision).toBe(helmCharts.kubePrometheusStack.version);
    expect(app.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
  });
});

describe('KServe', () => {
  const [crd, controller] = apps(Kserve);
  test('CRDs are their own Application, server-side applied, never cascade-deleted; the controller runs Standard (formerly RawDeployment)', () => {
    expect(crd.spec.source.chart).toBe('kserve-crd');
    expect(crd.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
    expect(crd.metadata.finalizers).toBeUndefined();
    expect(controller.spec.source.chart).toBe('kserve-resources');
    expect(controller.spec.source.helm.valuesObject.kserve.controller.deploymentMode).toBe('Standard');
    expect(Number(crd.metadata.annotations['argocd.argoproj.io/sync-wave'])).toBeLessThan(Number(controller.metadata.annotations['argocd.argoproj.io/sync-wave']));
  });
});

describe('CloudNativePG', () => {
  const objs = apps(CloudnativePg);
  test('operator and Cluster are separate Applications; backups are scheduled to the object store with sealed credentials', () => {
    const op = byName(objs, 'cloudnative-pg');
    const db = byName(objs, 'mlflow-db');
    expect(op.spec.source.chart).toBe('cloudnative-pg');
    expect(db.spec.source.chart).toBe('cluster');
    const b = db.spec.source.helm.valuesObject.backups;
    expect(b.enabled).toBe(true);
    expect(b.secret).toEqual({ create: false, name: credentials.mlflowDbBackupS3.name });
    expect(b.scheduledBackups[0].schedule).toBe(platformConfig.backups.postgresSchedule);
    expect(b.endpointURL).toBe('http://seaweedfs.mlflow.svc:8333');
    expect(db.spec.source.helm.valuesObject.cluster.storage).toEqual({ size: '5Gi', storageClass: 'local-path' });
    expect(db.spec.source.helm.valuesObject.cluster.imageName).toMatch(/@sha256:[0-9a-f]{64}$/);
  });
});

describe('Actions Runner Controller', () => {
  test('the scale set is homelab, authenticates with the sealed GitHub App Secret, image by digest', () => {
    const set = byName(apps(ActionsRunnerController), 'arc-runners').spec.source.helm.valuesObject;
    expect(set.runnerScaleSetName).toBe('homelab');
    expect(set.githubConfigSecret).toBe('arc-github-app');
    expect(set.controllerServiceAccount).toEqual({ namespace: 'arc-systems', name: 'arc-gha-rs-controller' });
    expect(set.template.spec.containers[0].image).toMatch(/@sha256:[0-9a-f]{64}$/);
  });
});

describe('own charts', () => {
  test('namespaces: Pod Security labels and the runners egress policy (snapshot)', () => {
    const objs = Testing.synth(new NamespacesChart(Testing.app(), 'namespaces', platformConfig));
    expect(objs).toMatchSnapshot();
    expect(byName(objs, 'monitoring').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(byName(objs, 'mlflow').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const egress = byName(objs, 'runner-egress').spec.egress;
    expect(egress[0]).toEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 443 }] });
    expect(egress[1]).toEqual({ to: [{ ipBlock: { cidr: '192.168.1.0/24' } }], ports: [{ protocol: 'TCP', port: 6443 }] });
    expect(byName(objs, 'runner-egress').spec.ingress).toBeUndefined();
  });

  test('platform-secrets: no SealedSecret until one is sealed; the to-seal list names every credential, no values', () => {
    const objs = Testing.synth(new PlatformSecretsChart(Testing.app(), 'platform-secrets', platformConfig));
    expect(objs).toMatchSnapshot();
    expect(objs.map((o) => o.kind)).toEqual(['ConfigMap']);
    const list = JSON.parse(objs[0].data['secrets-to-seal.json']);
    expect(list.map((s: any) => s.name).sort()).toEqual(Object.values(credentials).map((c) => c.name).sort());
  });

  test('object store: SeaweedFS StatefulSet on a PVC from config, S3 config from the sealed Secret (snapshot)', () => {
    const objs = Testing.synth(new ObjectStoreChart(Testing.app(), 'object-store', platformConfig));
    expect(objs).toMatchSnapshot();
    const sts = objs.find((o) => o.kind === 'StatefulSet');
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({ storageClassName: 'local-path', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } });
    expect(sts.spec.template.spec.volumes[0]).toEqual({ name: 's3-config', secret: { secretName: 'seaweedfs-s3-config' } });
    expect(sts.spec.template.spec.containers[0].image).toMatch(/^docker\.io\/chrislusf\/seaweedfs:[^@]+@sha256:[0-9a-f]{64}$/);
  });

  test('mlflow: PostgreSQL URI from the CloudNativePG app Secret, proxied artifacts, default-deny namespace (snapshot)', () => {
    const objs = Testing.synth(new MlflowChart(Testing.app(), 'mlflow', platformConfig));
    expect(objs).toMatchSnapshot();
    const c = objs.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0];
    expect(c.env[0]).toEqual({ name: 'MLFLOW_BACKEND_STORE_URI', valueFrom: { secretKeyRef: { name: 'mlflow-db-app', key: 'uri' } } });
    expect(c.args).toEqual(expect.arrayContaining(['--serve-artifacts', '--artifacts-destination', 's3://mlflow-artifacts']));
    expect(objs.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name)).toEqual(expect.arrayContaining(['default-deny', 'allow-dns', 'allow-mlflow-clients']));
  });
});
