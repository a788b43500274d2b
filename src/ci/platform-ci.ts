import { Component, github, Project } from 'projen';
import { ciNodeVersion, ciPythonVersion } from '../config/versions';
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
  }

  private testAllJob(timeoutMinutes: number) {
    return job({
      name: 'npm run test:all (incl. generated-files drift check)',
      runsOn: HOSTED_RUNNER,
      permissions: READ_ONLY,
      timeoutMinutes,
      steps: [
        checkout(),
        { name: 'Set up Node', uses: uses('setupNode'), with: { 'node-version': ciNodeVersion, 'cache': 'npm' } },
        { name: 'Set up Python', uses: uses('setupPython'), with: { 'python-version': ciPythonVersion } },
        // .ci/run is the CI entry point: set-up (Debian packages, npm ci, venvs) then the README's test command.
        { name: 'Test suite', run: 'bash .ci/run' },
        // With network (the test suite has none): every upstream image digest must match its tag; says what to run.
        { name: 'Image pins match their tags (mlops pin-images --check)', run: 'npx mlops pin-images --check' },
        {
          name: 'Test reports',
          if: 'always()',
          uses: uses('uploadArtifact'),
          with: { 'name': 'test-reports', 'path': 'reports/', 'retention-days': 14, 'if-no-files-found': 'ignore' },
        },
      ],
    });
  }
}
