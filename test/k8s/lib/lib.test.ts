import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { platformConfig } from '../../../src/config/platform';
import {
  AllowPolicy, containerResources, NamespaceNetworkBaseline, PlatformChart, requiredLabelKeys, resourceName,
  resourcesJson, restrictedContainerSecurity, restrictedPodSecurity, SealedSecretReference, standardLabels, tcp, namespaceSelector,
} from '../../../src/k8s/lib';

describe('labels and naming', () => {
  test('standard labels carry the app.kubernetes.io keys', () => {
    const labels = standardLabels({ name: 'mlops-gateway', component: 'gateway' });
    expect(Object.keys(labels).sort()).toEqual([...requiredLabelKeys].sort());
    expect(labels['app.kubernetes.io/part-of']).toBe('self-healing-mlops');
  });
  test('invalid label values and names are rejected, naming them', () => {
    expect(() => standardLabels({ name: 'bad name', component: 'x' })).toThrow('label app.kubernetes.io/name: "bad name" is not a valid label value');
    expect(resourceName('mlops', 'gateway')).toBe('mlops-gateway');
    expect(() => resourceName('Mlops', 'x')).toThrow('resource name "Mlops-x" is not a DNS-1123 label');
    expect(() => resourceName('a'.repeat(64))).toThrow('is not a DNS-1123 label');
  });
});

describe('PlatformChart', () => {
  test('labels every object, namespaces only namespaced kinds, no hash suffixes', () => {
    const app = Testing.app();
    const chart = new PlatformChart(app, 'demo', { config: platformConfig, component: 'demo', namespace: 'mlops' });
    new kplus.k8s.KubeNamespace(chart, 'ns', { metadata: { name: 'mlops' } });
    new kplus.k8s.KubeConfigMap(chart, 'cm', { data: { a: 'b' } });
    const [ns, cm] = Testing.synth(chart);
    expect(ns.metadata.namespace).toBeUndefined();
    expect(cm.metadata.namespace).toBe('mlops');
    expect(cm.metadata.name).toBe('demo-cm');
    for (const o of [ns, cm]) for (const k of requiredLabelKeys) expect(o.metadata.labels[k]).toBeDefined();
  });
});

describe('PlatformChart checks', () => {
  test('two objects that would share a dist/ file fail synth, naming both', () => {
    const app = Testing.app();
    const chart = new PlatformChart(app, 'dup', { config: platformConfig, component: 'demo' });
    new NamespaceNetworkBaseline(chart, 'a', { namespace: 'mlops' });
    new NamespaceNetworkBaseline(chart, 'b', { namespace: 'mlflow' });
    expect(() => app.synth()).toThrow('chart dup: dup/a/default-deny and dup/b/default-deny would both be written to NetworkPolicy.default-deny.k8s.yaml');
  });

  test('in a real synth, cluster-scoped objects of a namespaced chart have no namespace', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-'));
    try {
      const app = new App({ outdir, yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
      const chart = new PlatformChart(app, 'c', { config: platformConfig, component: 'demo', namespace: 'mlops' });
      new kplus.k8s.KubeClusterRole(chart, 'cr', { metadata: { name: 'reader' }, rules: [] });
      app.synth();
      expect(fs.readFileSync(path.join(outdir, 'c', 'ClusterRole.reader.k8s.yaml'), 'utf8')).not.toContain('namespace');
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('security defaults', () => {
  test('a cdk8s-plus deployment with the defaults meets the restricted profile', () => {
    const chart = new PlatformChart(Testing.app(), 'sec', { config: platformConfig, component: 'demo', namespace: 'mlops' });
    const d = new kplus.Deployment(chart, 'web', { securityContext: restrictedPodSecurity() });
    d.addContainer({
      image: 'example.org/web@sha256:' + 'a'.repeat(64),
      portNumber: 8080,
      securityContext: restrictedContainerSecurity(),
      resources: containerResources({ cpu: '100m', memory: '128Mi' }),
    });
    const dep = Testing.synth(chart).find((o) => o.kind === 'Deployment');
    const pod = dep.spec.template.spec;
    const c = pod.containers[0];
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.resources).toEqual({ limits: { cpu: '400m', memory: '128Mi' }, requests: { cpu: '100m', memory: '128Mi' } });
  });
  test('resources reject unparseable sizes, naming them', () => {
    expect(resourcesJson({ cpu: '1', memory: '1Gi', cpuLimit: '2' })).toEqual({ requests: { cpu: '1000m', memory: '1Gi' }, limits: { cpu: '2000m', memory: '1Gi' } });
    expect(() => resourcesJson({ cpu: '0.5', memory: '1Gi' })).toThrow('cpu "0.5" must be whole cores');
    expect(() => resourcesJson({ cpu: '1', memory: '1G' })).toThrow('memory "1G" must be in Mi or Gi');
  });
});

describe('network policies', () => {
  test('baseline denies everything but DNS; allow policies select pods and peers', () => {
    const chart = new PlatformChart(Testing.app(), 'net', { config: platformConfig, component: 'demo' });
    new NamespaceNetworkBaseline(chart, 'base', { namespace: 'mlops' });
    new AllowPolicy(chart, 'allow', {
      name: 'allow-am',
      namespace: 'mlops',
      podLabels: { app: 'gw' },
      ingress: [{ peers: [{ namespaceSelector: namespaceSelector('monitoring') }], ports: [tcp(8080)] }],
    });
    const [deny, dns, allow] = Testing.synth(chart);
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(dns.spec.egress[0].ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
    expect(allow.spec.policyTypes).toEqual(['Ingress']);
    expect(allow.spec.ingress[0].from[0].namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'monitoring' });
    expect(() => new AllowPolicy(chart, 'empty', { name: 'x', namespace: 'mlops', podLabels: {} })).toThrow('AllowPolicy mlops/x: give at least one');
  });
});

describe('SealedSecretReference', () => {
  test('references the table; emits no Secret and no SealedSecret until one is sealed', () => {
    const chart = new PlatformChart(new App({ outdir: '/tmp/unused' }), 'ss', { config: platformConfig, component: 'demo' });
    const ref = new SealedSecretReference(chart, 'gw', { config: platformConfig, credential: 'gatewayToken' });
    expect(ref.secretName).toBe('mlops-gateway-token');
    expect(ref.namespace).toBe('mlops');
    expect(ref.keyRef('token')).toEqual({ name: 'mlops-gateway-token', key: 'token' });
    expect(() => ref.keyRef('nope')).toThrow('has no key "nope"');
    expect(Testing.synth(chart).filter((o) => o.kind === 'Secret' || o.kind === 'SealedSecret')).toEqual([]);
  });
});

describe('SealedSecretReference with a sealed file', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'sealed-'));
    fs.mkdirSync(path.join(root, 'secrets/sealed/mlops'), { recursive: true });
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
  const write = (doc: string) => fs.writeFileSync(path.join(root, 'secrets/sealed/mlops/mlops-gateway-token.yaml'), doc);
  const synth = () => {
    const chart = new PlatformChart(Testing.app(), 'ss', { config: platformConfig, component: 'demo' });
    new SealedSecretReference(chart, 'gw', { config: platformConfig, credential: 'gatewayToken', root });
    return Testing.synth(chart);
  };

  test('emits the SealedSecret with the committed ciphertext', () => {
    write('apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: mlops-gateway-token, namespace: mlops}\nspec:\n  encryptedData: {token: AgBy3i4OJSWK+PiTySYZZA==}\n');
    const [ss] = synth();
    expect(ss.kind).toBe('SealedSecret');
    expect(ss.metadata).toMatchObject({ name: 'mlops-gateway-token', namespace: 'mlops' });
    expect(ss.spec.encryptedData).toEqual({ token: 'AgBy3i4OJSWK+PiTySYZZA==' });
  });

  test('a sealed file that disagrees with the table fails synth, naming the file', () => {
    write('apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: mlops-gateway-token, namespace: mlops}\nspec:\n  encryptedData: {password: AgB=}\n');
    expect(synth).toThrow('secrets/sealed/mlops/mlops-gateway-token.yaml: encryptedData keys [password] differ from the credentials table [token]');
    write('apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: other, namespace: mlops}\nspec:\n  encryptedData: {token: AgB=}\n');
    expect(synth).toThrow('secrets/sealed/mlops/mlops-gateway-token.yaml: metadata must be mlops/mlops-gateway-token (the credentials table), got mlops/other');
  });
});
