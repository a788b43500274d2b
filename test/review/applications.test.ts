import { findApplications, globToRegExp, owningApplications, sourceSyncs } from '../../src/review/applications';
import { parseManifestFile } from '../../src/review/manifests';

describe('which Application syncs a file (Argo CD directory sources)', () => {
  // Semantics from argoproj/argo-cd @ v3.5.1: reposerver/repository/repository.go (relative path,
  // top level only without recurse, manifest extensions, exclude then include) and util/glob/glob.go
  // (gobwas/glob without separators: `*` crosses `/`).
  test('globs match like gobwas/glob without separators', () => {
    expect(globToRegExp('*.k8s.yaml').test('Deployment.x.k8s.yaml')).toBe(true);
    expect(globToRegExp('*.k8s.yaml').test('mlops-rules.yaml')).toBe(false);
    expect(globToRegExp('*.yaml').test('sub/dir/x.yaml')).toBe(true);
    expect(globToRegExp('{a,b}/*.json').test('b/x.json')).toBe(true);
    expect(globToRegExp('{a,b}/*.json').test('c/x.json')).toBe(false);
    expect(globToRegExp('file?.yaml').test('file1.yaml')).toBe(true);
    expect(globToRegExp('[!x]*.yaml').test('x1.yaml')).toBe(false);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });

  test('directory source: path, recurse, include, exclude, extensions', () => {
    const src = { path: 'dist/apps', recurse: false, include: '*.k8s.yaml' };
    expect(sourceSyncs(src, 'dist/apps/Application.x.k8s.yaml')).toBe(true);
    expect(sourceSyncs(src, 'dist/apps/nested/Application.x.k8s.yaml')).toBe(false); // no recurse
    expect(sourceSyncs({ ...src, recurse: true }, 'dist/apps/nested/Application.x.k8s.yaml')).toBe(true);
    expect(sourceSyncs(src, 'dist/apps2/Application.x.k8s.yaml')).toBe(false); // a sibling with a common prefix
    expect(sourceSyncs(src, 'dist/apps/values.yaml')).toBe(false); // not included
    expect(sourceSyncs({ path: 'dist/apps', recurse: false }, 'dist/apps/README.md')).toBe(false); // not a manifest extension
    expect(sourceSyncs({ path: 'dist/apps/', recurse: false, exclude: 'skip-*' }, 'dist/apps/skip-me.yaml')).toBe(false);
  });

  test('the Applications of dist/ and their owners, read from the manifests', () => {
    const root = parseManifestFile('dist/bootstrap/Application.root.k8s.yaml', [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata: { name: root, namespace: argocd }',
      'spec:',
      '  source: { path: dist/apps, directory: { include: "*.k8s.yaml" } }',
    ].join('\n'));
    const multi = parseManifestFile('dist/apps/Application.multi.k8s.yaml', [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata: { name: multi, namespace: argocd }',
      'spec:',
      '  sources:',
      '    - { repoURL: https://charts.example, chart: thing, targetRevision: 1.0.0 }',
      '    - { path: ./dist/multi/, directory: { recurse: true } }',
    ].join('\n'));
    const apps = findApplications([...root, ...multi]);
    expect(apps).toEqual([
      { name: 'multi', namespace: 'argocd', file: 'dist/apps/Application.multi.k8s.yaml', sources: [{ path: 'dist/multi', recurse: true }] },
      { name: 'root', namespace: 'argocd', file: 'dist/bootstrap/Application.root.k8s.yaml', sources: [{ path: 'dist/apps', recurse: false, include: '*.k8s.yaml' }] },
    ]);
    expect(owningApplications(apps, 'dist/apps/Application.multi.k8s.yaml', '')).toEqual(['root']);
    expect(owningApplications(apps, 'dist/multi/deep/x.json', '{}')).toEqual(['multi']);
    expect(owningApplications(apps, 'dist/monitoring/rules.yaml', '')).toEqual([]);
    // Argo CD skips a file with the skip-rendering marker.
    expect(owningApplications(apps, 'dist/multi/x.yaml', '# +argocd:skip-file-rendering\n')).toEqual([]);
  });
});

describe('objects in a file', () => {
  test('one unit per Kubernetes object, identified by apiVersion/kind/namespace/name', () => {
    const objs = parseManifestFile('dist/a/two.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: n}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n---\n');
    expect(objs.map((o) => o.key)).toEqual(['v1|ConfigMap|n|a', 'v1|Namespace||n']);
  });

  test('a file that is not (only) Kubernetes objects is one plain-file unit', () => {
    expect(parseManifestFile('dist/m/rules.yaml', 'groups: []\n').map((o) => o.key)).toEqual(['file:dist/m/rules.yaml']);
    expect(parseManifestFile('dist/m/bad.yaml', 'a: [\n').map((o) => o.key)).toEqual(['file:dist/m/bad.yaml']);
    expect(parseManifestFile('dist/m/mixed.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nplain: true\n').map((o) => o.key)).toEqual(['file:dist/m/mixed.yaml']);
  });
});
