import * as fs from 'fs';
import { loadManifests } from './support/dist';
import { formatPath, mutationTargets, validateManifest } from './support/schema';
import { kubernetesMinor } from '../../src/config/versions';

/**
 * Every object in dist/ (ours and B's) validates against the schema of its kind: core kinds against
 * Kubernetes 1.30's API models, custom kinds against their CRD's openAPIV3Schema from the vendored
 * upstream CRDs in vendor/crds/. For every kind, a copy with a required field removed and a copy with a
 * misspelled field are rejected with the JSON path named.
 */
const manifests = loadManifests();
const byKind = new Map<string, any>();
for (const m of manifests) if (!byKind.has(`${m.obj.apiVersion} ${m.obj.kind}`)) byKind.set(`${m.obj.apiVersion} ${m.obj.kind}`, m.obj);

function clone<T>(x: T): T { return JSON.parse(JSON.stringify(x)); }
function at(obj: any, p: string[]): any { return p.slice(0, -1).reduce((o, k) => o[k], obj); }

test('the validator targets the pinned Kubernetes minor', () => expect(kubernetesMinor).toBe('1.30'));

test.each(manifests.map((m) => [m.file, m.obj]))('%s is valid', (_file, obj) => {
  const v = validateManifest(obj);
  expect(v.against).not.toBe('none');
  expect(v.errors).toEqual([]);
});

describe.each([...byKind.entries()])('%s', (_kind, obj) => {
  const targets = mutationTargets(obj);

  test('a copy with a required field removed is rejected, naming its path', () => {
    // Prefer a required field inside spec (the kind's own schema), else metadata.name.
    const p = targets.required.find((x) => x.length > 1 && x[0] !== 'metadata') ?? ['metadata', 'name'];
    const copy = clone(obj);
    delete at(copy, p)[p[p.length - 1]];
    const errors = validateManifest(copy).errors;
    expect(errors.map((e) => e.path)).toContain(formatPath(p));
  });

  test('a copy with a misspelled field is rejected, naming its path', () => {
    // The deepest strict field (most specific schema), excluding metadata where a spec exists.
    const fields = targets.strict.filter((x) => !(x.length === 1 && ['apiVersion', 'kind'].includes(x[0])));
    const candidates = fields.filter((x) => x[0] !== 'metadata');
    const p = (candidates.length ? candidates : fields).reduce((a, b) => (b.length > a.length ? b : a));
    const key = p[p.length - 1];
    const misspelled = key.length > 1 ? key.slice(0, -2) + key.slice(-1) + key.slice(-2, -1) : key + 'x';
    const copy = clone(obj);
    const parent = at(copy, p);
    parent[misspelled === key ? key + 'x' : misspelled] = parent[key];
    delete parent[key];
    const errors = validateManifest(copy).errors;
    expect(errors.map((e) => e.path)).toContain(formatPath([...p.slice(0, -1), misspelled === key ? key + 'x' : misspelled]));
  });
});

test('schema conversion: preserve-unknown-fields admits unknown keys, others reject them', () => {
  const app = clone(byKind.get('argoproj.io/v1alpha1 Application'));
  app.spec.source.helm.valuesObject = { anything: { goes: true } };
  expect(validateManifest(app).errors).toEqual([]);
  app.spec.source.helm.valuesObjectt = {};
  expect(validateManifest(app).errors.map((e) => e.path)).toEqual(['spec.source.helm.valuesObjectt']);
});

test('type errors are reported with the path', () => {
  const ns = clone(byKind.get('v1 Namespace'));
  ns.metadata.labels = { a: 1 };
  expect(validateManifest(ns).errors).toEqual([{ path: 'metadata.labels.a', message: 'must be a string' }]);
});

test('a SealedSecret (emitted once a credential is sealed) validates against its CRD; a misspelling is rejected', () => {
  const ss = {
    apiVersion: 'bitnami.com/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: 'mlops-gateway-token', namespace: 'mlops' },
    spec: { encryptedData: { token: 'AgB=' }, template: { metadata: { name: 'mlops-gateway-token', namespace: 'mlops' }, type: 'Opaque' } },
  };
  expect(validateManifest(ss)).toEqual({ against: 'CRD sealed-secrets/bitnami.com_sealedsecrets.yaml', errors: [] });
  const bad = clone(ss) as any;
  bad.spec.encryptedDatta = bad.spec.encryptedData;
  delete bad.spec.encryptedData;
  expect(validateManifest(bad).errors.map((e) => e.path)).toEqual(expect.arrayContaining(['spec.encryptedDatta', 'spec.encryptedData']));
});

test('core validation uses the Kubernetes 1.30 models (@kubernetes/client-node 0.22)', () => {
  const pkg = JSON.parse(fs.readFileSync(require.resolve('@kubernetes/client-node/package.json'), 'utf8'));
  expect(pkg.version).toMatch(/^0\.22\./);
});
