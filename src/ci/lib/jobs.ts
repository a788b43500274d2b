import { github } from 'projen';
import { uses } from './actions';
import { ciNodeVersion, ciPythonVersion } from '../../config/versions';

type Job = github.workflows.Job;
type JobStep = github.workflows.JobStep;
type JobPermissions = github.workflows.JobPermissions;
const { JobPermission } = github.workflows;

/** GitHub-hosted runner for jobs that need nothing from the homelab. Pinned image, not `-latest`. */
export const HOSTED_RUNNER = 'ubuntu-24.04';

/**
 * The Actions Runner Controller scale set in the cluster (GitOps issue). Jobs that must reach the
 * cluster's API server, Prometheus, MLflow or the gateway run here; GitHub-hosted runners cannot.
 */
export const HOMELAB_RUNNER = 'homelab';

/** Least privilege: read the repository, nothing else. Every job starts here. */
export const READ_ONLY: JobPermissions = { contents: JobPermission.READ };

/** True when the triggering event is not a pull request from a fork (forks must never see secrets). */
export const NOT_FROM_FORK =
  "github.event_name != 'pull_request' || github.event.pull_request.head.repo.full_name == github.repository";

/** A job definition where permissions and a timeout are mandatory (not optional as in projen's type). */
export interface JobSpec {
  readonly name: string;
  readonly runsOn: string;
  /** Least-privilege token scopes for this job; write scopes need a comment at the call site saying why. */
  readonly permissions: JobPermissions;
  readonly timeoutMinutes: number;
  readonly steps: JobStep[];
  readonly needs?: string[];
  readonly if?: string;
  readonly env?: Record<string, string>;
  readonly outputs?: Record<string, { stepId: string; outputName: string }>;
  /** `queue: 'max'` keeps up to 100 pending runs in FIFO order instead of one replaced by the next. */
  readonly concurrency?: { group: string; cancelInProgress: boolean; queue?: 'max' };
}

/** Builds a projen job from a JobSpec. */
export function job(spec: JobSpec): Job {
  return {
    name: spec.name,
    runsOn: [spec.runsOn],
    permissions: spec.permissions,
    timeoutMinutes: spec.timeoutMinutes,
    needs: spec.needs,
    if: spec.if,
    env: spec.env,
    outputs: spec.outputs,
    concurrency: spec.concurrency
      ? { 'group': spec.concurrency.group, 'cancel-in-progress': spec.concurrency.cancelInProgress, ...(spec.concurrency.queue ? { queue: spec.concurrency.queue } : {}) }
      : undefined,
    steps: spec.steps,
  };
}

/**
 * The final gate: one required status check for branch protection, failing when any needed job
 * failed or was cancelled (skipped jobs, e.g. main-only ones on a pull request, are fine).
 */
export function gateJob(needs: string[]): Job {
  return job({
    name: 'gate',
    runsOn: HOSTED_RUNNER,
    permissions: {},
    timeoutMinutes: 5,
    needs,
    if: 'always()',
    steps: [
      {
        name: 'Fail when a needed job failed or was cancelled',
        if: "contains(needs.*.result, 'failure') || contains(needs.*.result, 'cancelled')",
        run: 'echo "::error::a required job failed or was cancelled" && exit 1',
      },
      { name: 'All needed jobs passed or were skipped', run: 'echo "gate passed"' },
    ],
  });
}

export interface CheckoutOptions {
  /** Whole history (Gitleaks, bump-image's rollback). @default false */
  readonly fullHistory?: boolean;
  /** Keep the token in .git/config for later `git push`. @default false */
  readonly persistCredentials?: boolean;
  /** Token to check out with (a GitHub App token for pushes to protected main). */
  readonly token?: string;
  /** Ref to check out. */
  readonly ref?: string;
}

export function checkout(options: CheckoutOptions = {}): JobStep {
  return {
    name: 'Checkout',
    uses: uses('checkout'),
    with: {
      'persist-credentials': options.persistCredentials ?? false,
      ...(options.fullHistory ? { 'fetch-depth': 0 } : {}),
      ...(options.token ? { token: options.token } : {}),
      ...(options.ref ? { ref: options.ref } : {}),
    },
  };
}

/** Node (the repo's version) plus `npm ci`, for jobs that run `npx mlops …`. */
export function setupNode(): JobStep[] {
  return [
    { name: 'Set up Node', uses: uses('setupNode'), with: { 'node-version': ciNodeVersion, 'cache': 'npm' } },
    { name: 'Install npm dependencies (lockfile)', run: 'npm ci --no-audit --no-fund' },
  ];
}

/** Python 3.11 and a hash-pinned requirement set installed with --require-hashes. */
export function setupPython(requirements: string[]): JobStep[] {
  return [
    { name: 'Set up Python', uses: uses('setupPython'), with: { 'python-version': ciPythonVersion } },
    {
      name: `Install ${requirements.join(', ')} (hash-pinned)`,
      run: requirements
        .map((r) => `python -m pip install --disable-pip-version-check --require-hashes --no-deps -r ${r}`)
        .join('\n'),
    },
  ];
}

/**
 * A GitHub App installation token (actions/create-github-app-token). Used where GITHUB_TOKEN is not
 * enough: pushing to a protected main, and opening pull requests whose checks must run (events
 * created with GITHUB_TOKEN do not trigger workflows). See docs/github-app.md.
 */
export function appToken(permissions: Record<string, 'read' | 'write'>, id = 'app-token'): JobStep {
  return {
    id,
    name: 'GitHub App token',
    uses: uses('createGithubAppToken'),
    with: {
      'app-id': '${{ vars.MLOPS_APP_ID }}',
      'private-key': '${{ secrets.MLOPS_APP_PRIVATE_KEY }}',
      // Only what the job needs, not every permission of the installation (permission-<name> inputs).
      ...Object.fromEntries(Object.entries(permissions).map(([k, v]) => [`permission-${k}`, v])),
    },
  };
}

/**
 * Hands the App token to git for the pushes that follow. Placed after `npm ci`, so install scripts
 * never find it in .git/config (checkout persists no credentials in these jobs).
 */
export function gitCredentials(tokenExpr = '${{ steps.app-token.outputs.token }}'): JobStep {
  return {
    name: 'Git credentials (the App token, after npm ci)',
    env: { APP_TOKEN: tokenExpr },
    run: [
      'set -euo pipefail',
      'header=$(printf "x-access-token:%s" "$APP_TOKEN" | base64 -w0)',
      'echo "::add-mask::${header}"',
      'git config --local "http.${GITHUB_SERVER_URL}/.extraheader" "AUTHORIZATION: basic ${header}"',
    ].join('\n'),
  };
}

/** Git identity of the GitHub App's bot user, for the commits bump-image makes. */
export function gitIdentity(appSlugExpr = '${{ steps.app-token.outputs.app-slug }}'): JobStep {
  return {
    name: 'Git identity (the App bot)',
    env: { APP_SLUG: appSlugExpr },
    run: [
      'git config user.name "${APP_SLUG}[bot]"',
      'git config user.email "${APP_SLUG}[bot]@users.noreply.github.com"',
    ].join('\n'),
  };
}
