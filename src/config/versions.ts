import { ImagePins, IMAGES_FILE, parseImagePins, PLACEHOLDER_DIGEST } from './image-pins';
import imagePinsJson from './images.json';

/**
 * Every pinned version of the platform, in one file. Nothing else hard-codes a version:
 * charts, images (by digest), tools, GitHub Actions (by commit SHA), K3s, the Proxmox provider.
 * Each section is owned by the layer that uses it.
 */

/** Kubernetes minor the manifests are validated against (K3s channel below must match). */
export const kubernetesMinor = '1.30';

// --- Helm charts (ArgoCD Applications) -------------------------------------------------------

/** An upstream Helm chart an ArgoCD Application installs. */
export interface PinnedChart {
  /** Helm repository URL; OCI registries without the `oci://` prefix (ArgoCD's form). */
  readonly repoURL: string;
  readonly chart: string;
  /** Exact chart version (never a range: ArgoCD would float). */
  readonly version: string;
  /** True when `repoURL` is an OCI registry (ArgoCD needs a repository entry with `enableOCI`). */
  readonly oci?: boolean;
}

/**
 * Every upstream chart (src/k8s/platform, src/k8s/bootstrap). To bump: `helm search repo <repo>/<chart> --versions`
 * (OCI: `helm show chart oci://<repoURL>/<chart> --version <v>`), read the chart's changelog, change the
 * version here, refresh `vendor/charts/` (scripts/vendor-charts.sh) and `npx projen cluster-kinds`, run the values lint
 * (test/k8s/platform/values-lint.test.ts), `npx projen synth`, commit `dist/`. The CRD files in `vendor/crds/` (and so
 * `imports/`; tags in `vendoredUpstreams` below) follow the app versions these charts ship: Argo CD v3.5.1, KServe v0.20.0,
 * prometheus-operator v0.93.0, sealed-secrets v0.36.6, cert-manager v1.21.1.
 */
export const helmCharts = {
  argoCd: { repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', version: '9.1.0' },
  kubePrometheusStack: { repoURL: 'https://prometheus-community.github.io/helm-charts', chart: 'kube-prometheus-stack', version: '75.11.0' },
  certManager: { repoURL: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.21.1' },
  sealedSecrets: { repoURL: 'https://bitnami-labs.github.io/sealed-secrets', chart: 'sealed-secrets', version: '2.18.5' },
  kserveCrd: { repoURL: 'ghcr.io/kserve/charts', chart: 'kserve-crd', version: 'v0.20.0', oci: true },
  // The controller chart is `kserve-resources` since v0.17 (kserve/kserve: charts/kserve-resources/Chart.yaml @ v0.20.0,
  // `name: kserve-resources`; helm-publish.yml pushes it under that name). `kserve` does not exist at v0.20.0.
  kserve: { repoURL: 'ghcr.io/kserve/charts', chart: 'kserve-resources', version: 'v0.20.0', oci: true },
  cloudnativePg: { repoURL: 'https://cloudnative-pg.github.io/charts', chart: 'cloudnative-pg', version: '0.26.0' },
  cnpgCluster: { repoURL: 'https://cloudnative-pg.github.io/charts', chart: 'cluster', version: '0.3.1' },
  arcController: { repoURL: 'ghcr.io/actions/actions-runner-controller-charts', chart: 'gha-runner-scale-set-controller', version: '0.13.0', oci: true },
  arcRunnerSet: { repoURL: 'ghcr.io/actions/actions-runner-controller-charts', chart: 'gha-runner-scale-set', version: '0.13.0', oci: true },
} as const satisfies Record<string, PinnedChart>;

// --- Container images (pinned by digest; the pins are data: src/config/images.json) ------------

/** A container image pinned by digest; `tag` is documentation (the digest is what is pulled). */
export interface PinnedImage {
  readonly repository: string;
  /** Absent for images this repository builds: they are pushed and pulled by digest only. */
  readonly tag?: string;
  /** `sha256:<64 hex>`. */
  readonly digest: string;
}

/**
 * Every image pin, validated (zod) when this module loads. The file is edited by `mlops pin-images`
 * (upstream tags → digests, through the OCI distribution API), by the image workflow (digests of the
 * images this repo builds) and by Renovate; never by hand. See docs/images.md.
 */
export const imagePins: ImagePins = parseImagePins(JSON.stringify(imagePinsJson), IMAGES_FILE);

/** The "not resolved yet" digest (see src/config/images.ts for when it is allowed). */
export const UNRESOLVED_DIGEST = PLACEHOLDER_DIGEST;

/** Images of the workloads this repo defines itself (upstream charts pin their own images). */
export const images = {
  /** MLflow tracking server: built here (images/mlflow) on the official image, plus psycopg2 and boto3. */
  mlflow: { repository: imagePins.built.mlflow.repository, digest: imagePins.built.mlflow.digest },
  /** SeaweedFS (Apache-2.0, maintained): the S3-compatible artifact and backup store. */
  seaweedfs: imagePins.upstream.seaweedfs,
  /** PostgreSQL operand image for the CloudNativePG Cluster. */
  postgres: imagePins.upstream.postgres,
  /** The GitHub Actions runner of the `homelab` scale set. */
  actionsRunner: imagePins.upstream.actionsRunner,
} as const satisfies Record<string, PinnedImage>;

/** `repository:tag@digest` (`repository@digest` for an untagged image). */
export function imageRef(image: PinnedImage): string {
  return image.tag === undefined ? `${image.repository}@${image.digest}` : `${image.repository}:${image.tag}@${image.digest}`;
}

/**
 * Base of the model's predictor image (model/Dockerfile's `PYTHON_IMAGE` must name this tag and digest;
 * model/tests/test_image.py checks against src/config/images.json).
 */
export const modelBaseImage: PinnedImage = imagePins.upstream.modelBase;

// --- GitHub Actions (pinned by full commit SHA; the comment is the release tag) ----------------

/** A GitHub Action pinned by full commit SHA; `version` is the release tag that commit carries. */
export interface PinnedAction {
  /** `owner/repo` or `owner/repo/path` as written before the `@`. */
  readonly action: string;
  /** Full 40-hex commit SHA. */
  readonly sha: string;
  /** Release tag of that commit (written as the `# vX.Y.Z` comment in the workflow). */
  readonly version: string;
}

/** Every third-party action our workflows use (src/ci/). Bump SHA and version together. */
export const githubActions = {
  checkout: { action: 'actions/checkout', sha: '11bd71901bbe5b1630ceea73d27597364c9af683', version: 'v4.2.2' },
  setupNode: { action: 'actions/setup-node', sha: '49933ea5288caeca8642d1e84afbd3f7d6820020', version: 'v4.4.0' },
  setupPython: { action: 'actions/setup-python', sha: 'a26af69be951a213d495a4c3e4e4022e16d87065', version: 'v5.6.0' },
  uploadArtifact: { action: 'actions/upload-artifact', sha: 'ea165f8d65b6e75b540449e92b4886f43607fa02', version: 'v4.6.2' },
  // actions/cache's restore and save halves (one release, one SHA): drift episodes carried from run to run.
  cacheRestore: { action: 'actions/cache/restore', sha: '5a3ec84eff668545956fd18022155c47e93e2684', version: 'v4.2.3' },
  cacheSave: { action: 'actions/cache/save', sha: '5a3ec84eff668545956fd18022155c47e93e2684', version: 'v4.2.3' },
  downloadArtifact: { action: 'actions/download-artifact', sha: 'd3f86a106a0bac45b974a628896c90dbdf5c8093', version: 'v4.3.0' },
  createGithubAppToken: { action: 'actions/create-github-app-token', sha: 'df432ceedc7162793a195dd1713ff69aefc7379e', version: 'v2.0.6' },
  uploadSarif: { action: 'github/codeql-action/upload-sarif', sha: 'ff0a06e83cb2de871e5a09832bc6a81e7276941f', version: 'v3.28.18' },
  setupBuildx: { action: 'docker/setup-buildx-action', sha: 'e468171a9de216ec08956ac3ada2f0791b6bd435', version: 'v3.11.1' },
  dockerLogin: { action: 'docker/login-action', sha: '74a5d142397b4f367a81961eba4e8cd7edddf772', version: 'v3.4.0' },
  buildPush: { action: 'docker/build-push-action', sha: '263435318d21b8e681c14492fe198d362a7d2c83', version: 'v6.18.0' },
  // 0.36.0: published after the March 2026 tag-poisoning incident; pinned by SHA, never by tag.
  trivy: { action: 'aquasecurity/trivy-action', sha: 'ed142fd0673e97e23eac54620cfb913e5ce36c25', version: 'v0.36.0' },
} as const satisfies Record<string, PinnedAction>;

/**
 * The container platform-ci's suite runs in: Debian 12 (bookworm), the system scripts/setup.sh installs
 * packages for (on ubuntu-24.04 `chromium` is a snap). Multi-arch index digest of docker.io/library/debian:bookworm
 * as pinned in two independent public repositories (a Proton 11 build script and a Dockerfile; public code
 * search, 2026-12-04), since this machine has no registry access. The pin is `upstream.ciDebian` in images.json;
 * `mlops pin-images` re-resolves it.
 */
export const ciContainerImage: PinnedImage = imagePins.upstream.ciDebian;

/** Runtimes the workflows set up (match the repo: Node 20, Python 3.11). */
export const ciNodeVersion = '20.20';
export const ciPythonVersion = '3.11';

/** Gitleaks as a release binary, verified by SHA-256 (from the release's checksums file). */
export const gitleaks = {
  version: '8.28.0',
  linuxX64Sha256: 'a65b5253807a68ac0cafa4414031fd740aeb55f54fb7e55f386acb52e6a840eb',
} as const;

/**
 * Self-hosted Renovate from npm (`npx renovate@<version>` in .github/workflows/renovate.yml). 44.x needs
 * Node 24 (its `engines`), so that job sets up Node 24; not a repository dependency (Node 20 here).
 */
export const renovateVersion = '44.121.2';
export const renovateNodeVersion = '24';

/** Snyk CLI from npm (run with `npx snyk@<version>`; the npm registry verifies its integrity). */
export const snykCliVersion = '1.1307.4';

// --- Cluster (Proxmox / K3s) -------------------------------------------------------------------

/**
 * bpg/proxmox Terraform provider. Matches the docs the bindings in `src/infra/proxmox/` were written
 * from (bpg/terraform-provider-proxmox `docs/` @ v0.111.1, vendored in `vendor/proxmox-provider/`); bump both
 * together and run `npx projen vendor:refresh`.
 */
export const proxmoxProvider = { source: 'bpg/proxmox', version: '0.111.1' } as const;

/** K3s release installed on the VMs; its Kubernetes minor must equal `kubernetesMinor` (a test checks). */
export const k3sVersion = 'v1.30.14+k3s2';

/**
 * Debian 12 (bookworm) generic cloud image, a dated build pinned by SHA-512 (URL and checksum as published
 * in the provider's `proxmox_download_file` docs). cloud-init upgrades packages on first boot.
 * To bump: pick a build under https://cloud.debian.org/images/cloud/bookworm/ and copy its line of SHA512SUMS.
 */
export const clusterImage = {
  url: 'https://cloud.debian.org/images/cloud/bookworm/20231228-1609/debian-12-generic-amd64-20231228-1609.qcow2',
  fileName: 'debian-12-generic-amd64-20231228-1609.qcow2',
  checksumAlgorithm: 'sha512',
  checksum: 'd2fbcf11fb28795842e91364d8c7b69f1870db09ff299eb94e4fbbfa510eb78d141e74c1f4bf6dfa0b7e33d0c3b66e6751886feadb4e9916f778bab1776bdf1b',
} as const;

// --- Tools ---------------------------------------------------------------------------------------

// --- The platform's own images (src/k8s/mlops) ------------------------------------------------

/**
 * The image of this repository (Node 20 + the `mlops` CLI, images/platform/Dockerfile); the gateway
 * Deployment runs its `mlops gateway` command. The image workflow (.github/workflows/images.yml) builds,
 * scans and pushes it, then writes repository and digest into src/config/images.json in one commit with
 * the re-synthesized dist/. Until that first build the digest is the placeholder.
 */
export const platformImage = {
  repository: imagePins.built.platform.repository,
  digest: imagePins.built.platform.digest,
} as const;

// --- Vendored upstream files (vendor/; `npx projen vendor:refresh` re-downloads them) ------------

/** A GitHub repository at a release tag from which vendor/ holds verbatim files. */
export interface VendoredUpstream {
  /** `owner/name` on GitHub. */
  readonly repo: string;
  /** Release tag the files are taken at (bump it with the chart or provider it describes). */
  readonly tag: string;
  /** SPDX id of the repository's licence (its LICENSE, and NOTICE if any, sit beside the files). */
  readonly license: string;
}

/**
 * The upstream releases vendor/ copies from: the CRDs behind imports/ and the schema tests follow the app
 * versions the charts above ship; the Proxmox docs follow `proxmoxProvider`. The file list is in
 * scripts/vendor/sources.ts; vendor/vendor.lock.json records each file's git blob id (a test checks).
 */
export const vendoredUpstreams = {
  argoCd: { repo: 'argoproj/argo-cd', tag: 'v3.5.1', license: 'Apache-2.0' },
  kserve: { repo: 'kserve/kserve', tag: 'v0.20.0', license: 'Apache-2.0' },
  prometheusOperator: { repo: 'prometheus-operator/prometheus-operator', tag: 'v0.93.0', license: 'Apache-2.0' },
  sealedSecrets: { repo: 'bitnami-labs/sealed-secrets', tag: 'v0.36.6', license: 'Apache-2.0' },
  certManager: { repo: 'cert-manager/cert-manager', tag: 'v1.21.1', license: 'Apache-2.0' },
  proxmoxProvider: { repo: 'bpg/terraform-provider-proxmox', tag: `v${proxmoxProvider.version}`, license: 'MPL-2.0' },
} as const satisfies Record<string, VendoredUpstream>;
