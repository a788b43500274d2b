import type { Step } from './workflow';
import { actionName, stepLabel } from './workflow';

/**
 * The ONE table of steps the rehearsal does not run, each with its reason. Everything not listed
 * here runs for real (`run:`) or through an emulated action (actions.ts). The rehearsal test prints
 * this table and fails when an entry matches no step (a stale entry hides nothing, but lies).
 *
 * Allowed reasons: a registry (image push, a download from outside the reachable registries), an
 * image build (no Docker engine here), an LLM with real keys, the cluster (in-cluster services and
 * ServiceAccounts), and one more named plainly: platform-ci's `.ci/run` is the suite this test is in.
 */
export type SkipCategory = 'registry' | 'image-build' | 'llm-real-keys' | 'cluster' | 'the-suite-itself';

export interface SkipRule {
  /** Matches the step name (run steps) or the action (uses steps, without @sha). */
  readonly match: { readonly name?: RegExp; readonly uses?: RegExp };
  readonly category: SkipCategory;
  readonly reason: string;
  /**
   * Outputs the skipped step would have set, so the jobs after it run. Only for values whose
   * shape is all that later steps use (a digest); each is named in the printed table.
   */
  readonly standInOutputs?: Record<string, string>;
}

export const SKIPS: readonly SkipRule[] = [
  { match: { uses: /^docker\/setup-buildx-action$/ }, category: 'image-build', reason: 'no Docker engine here (Buildx builder)' },
  { match: { uses: /^docker\/build-push-action$/ }, category: 'image-build', reason: 'no Docker engine here; model/Dockerfile is linted by hadolint in scripts/test.d/model.sh' },
  { match: { uses: /^aquasecurity\/trivy-action$/ }, category: 'image-build', reason: 'scans the image the skipped build produces' },
  { match: { uses: /^docker\/login-action$/ }, category: 'registry', reason: 'GHCR login' },
  {
    match: { name: /^Push the scanned image by digest$/ },
    category: 'registry',
    reason: 'skopeo push to GHCR',
    // Not the all-zero placeholder of src/config/images.json: the image workflow's pin job records it.
    standInOutputs: { digest: `sha256:${'0123456789abcdef'.repeat(4)}` },
  },
  { match: { name: /^Install Gitleaks / }, category: 'registry', reason: 'downloads a release from github.com (not reachable here; no registry ships Gitleaks)' },
  { match: { name: /^Gitleaks over the pushed history$/ }, category: 'registry', reason: 'runs the binary the skipped download fetches' },
  { match: { name: /^mlops analyze-alert$/ }, category: 'cluster', reason: "reads pod logs and events with the runner's in-cluster ServiceAccount, and the cluster's Prometheus" },
  { match: { name: /^mlops analyze-drift \(online\)/ }, category: 'cluster', reason: 'reads captures from the in-cluster gateway and the model from the in-cluster MLflow' },
  {
    match: { name: /^bump-image on a branch, pull request for review$/ },
    category: 'registry',
    reason: 'commits the digest of the image the skipped push would have made (a stand-in here) and opens the pull request with `gh pr create` (GraphQL; the GitHub fake serves REST only); its env is still evaluated',
  },
  {
    match: { name: /^Image pins match their tags \(mlops pin-images --check\)$/ },
    category: 'registry',
    reason: 'resolves every upstream tag on Docker Hub and GHCR (not reachable here). It also needs node_modules, which on GitHub the Test suite step before it installs (scripts/setup.sh: npm ci); with that step skipped here, bin/mlops found no ts-node (MODULE_NOT_FOUND)',
  },
  { match: { name: /^uv for the pip-compile manager/ }, category: 'registry', reason: 'pip installs uv from PyPI (requirements/renovate.txt); no venv of scripts/setup.sh is built from that file' },
  { match: { name: /^Validate renovate\.json/ }, category: 'registry', reason: 'npx downloads renovate from npm, which wants Node 24 (this machine has Node 20)' },
  { match: { name: /^Renovate$/ }, category: 'registry', reason: 'npx downloads renovate from npm (Node 24), then works on the repository through api.github.com with the App token' },
  { match: { name: /^Test suite$/ }, category: 'the-suite-itself', reason: '`bash .ci/run` is scripts/setup.sh + npm run test:all, which runs this rehearsal' },
];

export function skipFor(step: Step): SkipRule | undefined {
  const name = stepLabel(step);
  return SKIPS.find((r) => (r.match.name && r.match.name.test(name)) || (r.match.uses && step.uses && r.match.uses.test(actionName(step.uses))));
}

/** The table as text, for the test log. */
export function formatSkipTable(used: ReadonlySet<SkipRule>): string {
  const rows = SKIPS.map((r) => {
    const pattern = r.match.name ? `step ${r.match.name.source}` : `uses ${r.match.uses!.source}`;
    const stand = r.standInOutputs ? ` (stand-in outputs: ${Object.entries(r.standInOutputs).map(([k, v]) => `${k}=${v.slice(0, 16)}…`).join(', ')})` : '';
    return `| ${pattern} | ${r.category} | ${r.reason}${stand} | ${used.has(r) ? 'matched' : 'UNUSED'} |`;
  });
  return ['| step pattern | category | reason | in this run |', '|---|---|---|---|', ...rows].join('\n');
}
