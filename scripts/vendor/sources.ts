import { createHash } from 'node:crypto';
import { vendoredUpstreams } from '../../src/config/versions';

/**
 * What vendor/ holds: each file is a verbatim copy of an upstream file at the tag pinned in
 * `vendoredUpstreams` (src/config/versions.ts). Build, synth and test read only these copies; nothing
 * reads outside the repository. `npx projen vendor:refresh` (scripts/vendor/refresh.ts) re-downloads them.
 */
export type UpstreamId = keyof typeof vendoredUpstreams;

export interface VendoredSet {
  /** Folder under vendor/ (the upstream's LICENSE, and NOTICE where it has one, sit in it). */
  readonly dir: string;
  readonly upstream: UpstreamId;
  /** Upstream files at the repository root copied beside the data: always LICENSE. */
  readonly legal: readonly string[];
  /** Local file name (under `dir`) → path in the upstream repository at the tag. */
  readonly files: Readonly<Record<string, string>>;
  /** What reads the set. */
  readonly usedBy: string;
}

const crdsOf = (prefix: string, names: string[]) => Object.fromEntries(names.map((n) => [n, `${prefix}/${n}`]));

export const vendoredSets: readonly VendoredSet[] = [
  {
    dir: 'crds/argo-cd',
    upstream: 'argoCd',
    legal: ['LICENSE'],
    files: crdsOf('manifests/crds', ['application-crd.yaml', 'appproject-crd.yaml']),
    usedBy: 'cdk8s.yaml (imports/), test/k8s/support/schema.ts',
  },
  {
    dir: 'crds/kserve',
    upstream: 'kserve',
    legal: ['LICENSE'],
    // config/crd/full keeps the schemas (config/crd/minimal strips them).
    files: crdsOf('config/crd/full', ['serving.kserve.io_inferenceservices.yaml']),
    usedBy: 'cdk8s.yaml (imports/), test/k8s/support/schema.ts',
  },
  {
    dir: 'crds/prometheus-operator',
    upstream: 'prometheusOperator',
    legal: ['LICENSE', 'NOTICE'],
    files: crdsOf('example/prometheus-operator-crd', [
      'monitoring.coreos.com_prometheusrules.yaml',
      'monitoring.coreos.com_servicemonitors.yaml',
      'monitoring.coreos.com_podmonitors.yaml',
    ]),
    usedBy: 'cdk8s.yaml (imports/), test/k8s/support/schema.ts',
  },
  {
    dir: 'crds/sealed-secrets',
    upstream: 'sealedSecrets',
    legal: ['LICENSE'],
    files: crdsOf('helm/sealed-secrets/crds', ['bitnami.com_sealedsecrets.yaml']),
    usedBy: 'cdk8s.yaml (imports/), test/k8s/support/schema.ts',
  },
  {
    dir: 'crds/cert-manager',
    upstream: 'certManager',
    legal: ['LICENSE'],
    files: crdsOf('deploy/crds', ['cert-manager.io_certificates.yaml', 'cert-manager.io_clusterissuers.yaml']),
    usedBy: 'cdk8s.yaml (imports/), test/k8s/support/schema.ts',
  },
  {
    dir: 'proxmox-provider',
    upstream: 'proxmoxProvider',
    legal: ['LICENSE'],
    files: {
      'index.md': 'docs/index.md',
      'resources/virtual_environment_vm.md': 'docs/resources/virtual_environment_vm.md',
      'resources/virtual_environment_file.md': 'docs/resources/virtual_environment_file.md',
      'resources/download_file.md': 'docs/resources/download_file.md',
    },
    usedBy: 'test/infra/proxmox-docs.ts',
  },
];

/** One vendored file: where it lives under vendor/ and where it comes from. */
export interface VendoredFile {
  /** Path relative to vendor/. */
  readonly local: string;
  readonly repo: string;
  readonly tag: string;
  /** Path in the upstream repository. */
  readonly path: string;
}

/** Every vendored file, legal files included, with its upstream repository and tag. */
export function vendoredFiles(sets: readonly VendoredSet[] = vendoredSets): VendoredFile[] {
  return sets.flatMap((set) => {
    const { repo, tag } = vendoredUpstreams[set.upstream];
    const entries: Array<[string, string]> = [...set.legal.map((l): [string, string] => [l, l]), ...Object.entries(set.files)];
    return entries.map(([local, path]) => ({ local: `${set.dir}/${local}`, repo, tag, path }));
  });
}

/** Where raw files are served: `<base>/<owner>/<repo>/<tag>/<path>`. */
export const GITHUB_RAW_BASE = 'https://raw.githubusercontent.com';

/** The raw-file URL of an upstream file at its tag. */
export function rawUrl(f: Pick<VendoredFile, 'repo' | 'tag' | 'path'>, base: string = GITHUB_RAW_BASE): string {
  return `${base}/${f.repo}/${f.tag}/${f.path}`;
}

/** Git's blob id of some content (`git hash-object`): compare with `git ls-tree <tag> <path>` upstream. */
export function gitBlobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** vendor/vendor.lock.json: what refresh last wrote, file by file. */
export interface VendorLock {
  readonly files: Record<string, { repo: string; tag: string; path: string; blob: string }>;
}
