import { Component, github, Project } from 'projen';
import { ciContainerImage, ciNodeVersion, imageRef } from '../config/versions';
import { uses } from './lib/actions';
import { checkout, gateJob, HOSTED_RUNNER, job, READ_ONLY } from './lib/jobs';
import { createWorkflow } from './lib/workflow';

/** Job ids of `platform-ci`. */
export const PlatformCiJobs = {
  TEST_ALL: 'test-all',
  GATE: 'gate',
} as const;

export interface PlatformCiWorkflowOptions {
  /** Branch whose pushes run the suite (pull requests always do). @default "main" */
  readonly branch?: string;
  /** Job timeout: the whole suite, set-up included, has a 90-minute budget. @default 90 */
  readonly timeoutMinutes?: number;
}

/**
 * `platform-ci`: the repository's own test suite, exactly the README's command (`npm run test:all`):
 * set-up, the generated-files drift check (dist/, imports/, workflows), tsc, jest, eslint and every
 * extra stage (model pytest, flake8, Bandit, …). Holds no secrets, so fork pull requests run it too.
 *
 * The job runs in a Debian bookworm container (pinned by digest in versions.ts) so that scripts/setup.sh
 * meets the system it is written for, as on a developer's machine: its Debian packages install (on
 * Ubuntu `chromium` is a snap), Python 3.11 is bookworm's `python3` (setup-python's builds target
 * Ubuntu, not arbitrary containers, so it is not used), and it runs as root, so no sudo. Node comes from
 * setup-node at the repository's exact version (official glibc builds, which run on bookworm).
 */
export class PlatformCiWorkflow extends Component {
  public readonly workflow: github.GithubWorkflow;

  constructor(project: Project, options: PlatformCiWorkflowOptions = {}) {
    super(project);
    this.workflow = createWorkflow(project, {
      name: 'platform-ci',
      triggers: {
        push: { branches: [options.branch ?? 'main'] },
        pullRequest: {},
        workflowDispatch: {},
      },
      concurrency: {
        group: '${{ github.workflow }}-${{ github.ref }}',
        cancelInProgress: "${{ github.event_name == 'pull_request' }}",
      },
    });
    this.workflow.addJobs({
      [PlatformCiJobs.TEST_ALL]: this.testAllJob(options.timeoutMinutes ?? 90),
      [PlatformCiJobs.GATE]: gateJob([PlatformCiJobs.TEST_ALL]),
    });
    // Docker's default 64 MB /dev/shm is too small for headless Chromium (the demo report's rendering test).
    // GitHub reads `container.options` as one string; projen types it as a list (rendered as a YAML
    // sequence, which actionlint rejects), hence the override.
    this.workflow.file?.addOverride(`jobs.${PlatformCiJobs.TEST_ALL}.container.options`, '--shm-size=1g');
  }

  private testAllJob(timeoutMinutes: number): github.workflows.Job {
    return {
      ...job({
        name: 'npm run test:all (incl. generated-files drift check)',
        runsOn: HOSTED_RUNNER,
        permissions: READ_ONLY,
        timeoutMinutes,
        steps: [
          // Before checkout: without git in the container, actions/checkout downloads a tarball with no
          // .git, and the drift check (git status) and the tracked-files tests need the repository.
          {
            name: 'Install git (for checkout)',
            run: 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends git ca-certificates',
          },
          checkout(),
          // The workspace is owned by the runner's user, the container runs as root: git refuses it otherwise.
          { name: 'Trust the workspace for git', run: 'git config --global --add safe.directory "$GITHUB_WORKSPACE"' },
          { name: 'Set up Node', uses: uses('setupNode'), with: { 'node-version': ciNodeVersion, 'cache': 'npm' } },
          // .ci/run is the CI entry point: set-up (Debian packages, npm ci, venvs) then the README's test command.
          { name: 'Test suite', run: 'bash .ci/run' },
          // With network (the test suite has none): every upstream image digest must match its tag; says what to run.
          { name: 'Image pins match their tags (mlops pin-images --check)', run: 'bin/mlops pin-images --check' },
          {
            name: 'Test reports',
            if: 'always()',
            uses: uses('uploadArtifact'),
            with: { 'name': 'test-reports', 'path': 'reports/', 'retention-days': 14, 'if-no-files-found': 'ignore' },
          },
        ],
      }),
      container: { image: imageRef(ciContainerImage) },
    };
  }
}
