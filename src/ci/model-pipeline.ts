import { Component, github, Project } from 'projen';
import { ciPythonVersion, gitleaks, snykCliVersion } from '../config/versions';
import { uses } from './lib/actions';
import { DEFAULT_IMAGE, imageJob } from './lib/image';
import {
  appToken,
  checkout,
  gateJob,
  gitCredentials,
  gitIdentity,
  HOMELAB_RUNNER,
  HOSTED_RUNNER,
  job,
  NOT_FROM_FORK,
  READ_ONLY,
  setupNode,
  setupPython,
} from './lib/jobs';
import { readModelMetadata } from './lib/model';
import { createWorkflow } from './lib/workflow';

const { JobPermission } = github.workflows;

/** Job ids of `model-ci-ct-cd` (stable: branch protection and triage refer to them). */
export const ModelPipelineJobs = {
  LINT: 'lint',
  TEST: 'test',
  SAST: 'sast',
  SCA: 'sca',
  SECRETS: 'secrets',
  TRAIN: 'train',
  IMAGE: 'image',
  RELEASE: 'release',
  GATE: 'gate',
} as const;

export interface ModelPipelineWorkflowOptions {
  /** Workflow (and file) name. @default "model-ci-ct-cd" */
  readonly name?: string;
  /** Directory of the model source; pushes and pull requests touching it run the pipeline. @default "model" */
  readonly modelDir?: string;
  /** Image repository on GHCR, without tag. @default "ghcr.io/${{ github.repository }}/credit-risk-model" (lowercased at run time) */
  readonly imageName?: string;
  /** MLflow registered model name. @default "credit-risk" */
  readonly registeredModel?: string;
  /** Accuracy gate threshold passed to training. @default 0.85 */
  readonly accuracyThreshold?: number;
  /** Branch that releases (trains on the homelab, pushes the image, bumps release.json). @default "main" */
  readonly releaseBranch?: string;
}

/**
 * `model-ci-ct-cd`: every change to model/ goes through lint → test → SAST → SCA → secrets →
 * train + gate + log → build (SBOM, provenance) → image scan → push by digest → (main only)
 * `mlops bump-image`, which commits the new digest to release.json and dist/; ArgoCD syncs it.
 */
export class ModelPipelineWorkflow extends Component {
  public readonly workflow: github.GithubWorkflow;
  private readonly modelDir: string;
  private readonly releaseBranch: string;
  private readonly onRelease: string;

  constructor(project: Project, private readonly options: ModelPipelineWorkflowOptions = {}) {
    super(project);
    this.modelDir = options.modelDir ?? 'model';
    this.releaseBranch = options.releaseBranch ?? 'main';
    this.onRelease = `github.event_name == 'push' && github.ref == 'refs/heads/${this.releaseBranch}'`;
    const name = options.name ?? 'model-ci-ct-cd';
    const paths = [`${this.modelDir}/**`, `.github/workflows/${name}.yml`];
    this.workflow = createWorkflow(project, {
      name,
      triggers: {
        push: { branches: [this.releaseBranch], paths },
        pullRequest: { paths },
        workflowDispatch: {},
      },
      // One run per ref. Pull requests cancel superseded runs; the release branch queues them, so a
      // release is never cut off between pushing an image and bumping release.json.
      concurrency: {
        group: '${{ github.workflow }}-${{ github.ref }}',
        cancelInProgress: "${{ github.event_name == 'pull_request' }}",
      },
      env: { PYTHONPATH: `${this.modelDir}/src` },
    });
    const J = ModelPipelineJobs;
    this.workflow.addJobs({
      [J.LINT]: this.lintJob(),
      [J.TEST]: this.testJob(),
      [J.SAST]: this.sastJob(),
      [J.SCA]: this.scaJob(),
      [J.SECRETS]: this.secretsJob(),
      [J.TRAIN]: this.trainJob(),
      [J.IMAGE]: this.imageJob(),
      [J.RELEASE]: this.releaseJob(),
      [J.GATE]: gateJob([J.LINT, J.TEST, J.SAST, J.SCA, J.SECRETS, J.TRAIN, J.IMAGE, J.RELEASE]),
    });
  }

  private lintJob() {
    return job({
      name: 'lint (flake8)',
      runsOn: HOSTED_RUNNER,
      permissions: READ_ONLY,
      timeoutMinutes: 10,
      steps: [
        checkout(),
        ...setupPython(['requirements/tools.txt']),
        {
          name: 'flake8',
          // flake8 looks for its config in the current directory only, and this runs from the repo root:
          // without --config, model/.flake8 (max-line-length 120) is never read. An explicit --config also
          // fails loudly if the file moves, where discovery would silently fall back to the defaults.
          // scripts/test.d/model.sh runs this same command; test/ci/rehearsal runs this step for real.
          run: `flake8 --config ${this.modelDir}/.flake8 ${this.modelDir}`,
        },
      ],
    });
  }

  private testJob() {
    const venv = (set: string) => [
      `python -m venv "$RUNNER_TEMP/venv-${set}"`,
      `"$RUNNER_TEMP/venv-${set}/bin/pip" install -q --disable-pip-version-check --require-hashes --no-deps -r ${this.modelDir}/requirements/${set}.txt`,
    ];
    return job({
      name: 'test (pytest)',
      runsOn: HOSTED_RUNNER,
      permissions: READ_ONLY,
      timeoutMinutes: 20,
      needs: [ModelPipelineJobs.LINT],
      steps: [
        checkout(),
        { name: 'Set up Python', uses: uses('setupPython'), with: { 'python-version': ciPythonVersion } },
        {
          name: 'pytest in the train set (units, training, the gate, a real mlflow server)',
          // pytest exits 5 when it collects nothing: that fails the step, as it should.
          run: [...venv('train'), `"$RUNNER_TEMP/venv-train/bin/python" -m pytest ${this.modelDir}/tests -m "not serve" -q --junitxml=reports/model-train.xml`].join('\n'),
        },
        {
          name: 'pytest in the serve set (the predictor over HTTP; MLflow is not in this set)',
          run: [...venv('serve'), `"$RUNNER_TEMP/venv-serve/bin/python" -m pytest ${this.modelDir}/tests -m serve -q --junitxml=reports/model-serve.xml`].join('\n'),
        },
        reportUpload('reports-test', 'reports/'),
      ],
    });
  }

  private sastJob() {
    return job({
      name: 'SAST (Bandit)',
      runsOn: HOSTED_RUNNER,
      // security-events: write uploads the SARIF to code scanning; nothing else is written.
      permissions: { contents: JobPermission.READ, securityEvents: JobPermission.WRITE },
      timeoutMinutes: 10,
      needs: [ModelPipelineJobs.LINT],
      steps: [
        checkout(),
        ...setupPython(['requirements/tools.txt']),
        {
          id: 'bandit',
          name: 'Bandit',
          run: [
            `bandit -r ${this.modelDir}/src -c ${this.modelDir}/pyproject.toml -f sarif -o bandit.sarif || status=$?`,
            // Print the findings in the log too (triage reads the log), then fail on any finding.
            `bandit -r ${this.modelDir}/src -c ${this.modelDir}/pyproject.toml -f txt || true`,
            'exit "${status:-0}"',
          ].join('\n'),
        },
        {
          name: 'Upload Bandit SARIF',
          if: `always() && hashFiles('bandit.sarif') != '' && (${NOT_FROM_FORK})`,
          uses: uses('uploadSarif'),
          with: { sarif_file: 'bandit.sarif', category: 'bandit' },
        },
        reportUpload('reports-sast', 'bandit.sarif'),
      ],
    });
  }

  private scaJob() {
    return job({
      name: 'SCA (Snyk)',
      runsOn: HOSTED_RUNNER,
      permissions: READ_ONLY,
      timeoutMinutes: 15,
      needs: [ModelPipelineJobs.LINT],
      steps: [
        checkout(),
        { name: 'Set up Python', uses: uses('setupPython'), with: { 'python-version': ciPythonVersion } },
        {
          name: 'Snyk test of each requirement set (fails on high)',
          // Fork pull requests get no secrets: the step is skipped there and says so below.
          if: NOT_FROM_FORK,
          env: { SNYK_TOKEN: '${{ secrets.SNYK_TOKEN }}' },
          run: [
            'if [ -z "${SNYK_TOKEN}" ]; then',
            '  echo "::warning title=SCA skipped::SNYK_TOKEN is not set; dependency scan NOT run (set the secret to enable it)"',
            '  echo "### SCA skipped: SNYK_TOKEN is not set, dependencies were NOT scanned" >> "$GITHUB_STEP_SUMMARY"',
            '  exit 0',
            'fi',
            // Snyk resolves pip dependencies from an environment where they are installed: one venv per set.
            'status=0',
            // --json-file-output keeps the human output in the log and writes the JSON for triage
            // (snyk/cli help/cli-commands/test.md, `snyk test` options).
            'mkdir -p reports',
            'for set in train serve; do',
            `  req=${this.modelDir}/requirements/$set.txt`,
            '  python -m venv "$RUNNER_TEMP/venv-$set"',
            '  "$RUNNER_TEMP/venv-$set/bin/pip" install -q --disable-pip-version-check --require-hashes --no-deps -r "$req"',
            `  npx --yes snyk@${snykCliVersion} test --file="$req" --package-manager=pip --command="$RUNNER_TEMP/venv-$set/bin/python" --severity-threshold=high --json-file-output="reports/snyk-$set.json" || status=$?`,
            'done',
            'exit "$status"',
          ].join('\n'),
        },
        reportUpload('reports-sca', 'reports/'),
        {
          name: 'SCA skipped on fork pull requests',
          if: `!(${NOT_FROM_FORK})`,
          run: [
            'echo "::warning title=SCA skipped::fork pull request: no secrets, dependency scan NOT run"',
            'echo "### SCA skipped: fork pull request, dependencies were NOT scanned" >> "$GITHUB_STEP_SUMMARY"',
          ].join('\n'),
        },
      ],
    });
  }

  private secretsJob() {
    const archive = `gitleaks_${gitleaks.version}_linux_x64.tar.gz`;
    return job({
      name: 'secrets (Gitleaks)',
      runsOn: HOSTED_RUNNER,
      permissions: READ_ONLY,
      timeoutMinutes: 10,
      needs: [ModelPipelineJobs.LINT],
      steps: [
        checkout({ fullHistory: true }),
        {
          name: `Install Gitleaks ${gitleaks.version} (checksum-verified)`,
          run: [
            'set -euo pipefail',
            `curl -fsSL -o "${archive}" "https://github.com/gitleaks/gitleaks/releases/download/v${gitleaks.version}/${archive}"`,
            `echo "${gitleaks.linuxX64Sha256}  ${archive}" | sha256sum -c -`,
            `tar -xzf "${archive}" gitleaks`,
          ].join('\n'),
        },
        {
          id: 'gitleaks',
          name: 'Gitleaks over the pushed history',
          env: { BASE_SHA: '${{ github.event.pull_request.base.sha || github.event.before }}' },
          run: [
            'set -euo pipefail',
            // A pull request or push scans the commits it brings; a first push or a dispatch scans everything.
            'if [ -n "${BASE_SHA}" ] && [ "${BASE_SHA}" != "0000000000000000000000000000000000000000" ] && git cat-file -e "${BASE_SHA}^{commit}" 2>/dev/null; then',
            '  range="${BASE_SHA}..HEAD"',
            'else',
            '  range="HEAD"',
            'fi',
            // SARIF for triage (-f/--report-format json,csv,junit,sarif and -r/--report-path are gitleaks' global flags, README
            // "Usage" @ v8.28.0; --redact applies to the report too); the log keeps the human-readable findings.
            './gitleaks git --redact --verbose --exit-code 1 --report-format sarif --report-path gitleaks.sarif --log-opts="${range}" .',
          ].join('\n'),
        },
        reportUpload('reports-secrets', 'gitleaks.sarif'),
      ],
    });
  }

  private trainJob() {
    const J = ModelPipelineJobs;
    const threshold = (this.options.accuracyThreshold ?? 0.85).toFixed(2);
    const model = this.options.registeredModel ?? 'credit-risk';
    return job({
      name: 'train + gate + log (MLflow)',
      // On the release branch: the homelab scale set, which reaches the cluster's MLflow. Elsewhere: a
      // hosted runner with a throwaway local MLflow server.
      runsOn: `\${{ (${this.onRelease}) && '${HOMELAB_RUNNER}' || '${HOSTED_RUNNER}' }}`,
      permissions: READ_ONLY,
      timeoutMinutes: 30,
      needs: [J.TEST, J.SAST, J.SCA, J.SECRETS],
      env: {
        GIT_SHA: '${{ github.sha }}',
        LOCAL_MLFLOW: `\${{ (${this.onRelease}) && 'false' || 'true' }}`,
      },
      outputs: {
        'model-version': { stepId: 'train', outputName: 'model-version' },
        'run-id': { stepId: 'train', outputName: 'run-id' },
      },
      steps: [
        checkout(),
        ...setupPython([`${this.modelDir}/requirements/train.txt`]),
        {
          name: 'Throwaway MLflow server (SQLite, loopback)',
          if: "env.LOCAL_MLFLOW == 'true'",
          run: [
            'mkdir -p "$RUNNER_TEMP/mlflow"',
            // A free loopback port rather than a fixed 5000: a self-hosted runner, or the local rehearsal
            // (test/ci/rehearsal) on a shared machine, may already have something there.
            'port=$(python -c \'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])\')',
            // One worker and no job-runner pool (MLFLOW_SERVER_ENABLE_JOB_EXECUTION defaults to true:
            // mlflow/mlflow mlflow/environment_variables.py @ v3.17.2): one training run needs neither, and
            // they made start-up close to the 60 s the health check waits on a busy machine.
            'MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false nohup mlflow server --host 127.0.0.1 --port "$port" --workers 1 --backend-store-uri "sqlite:///$RUNNER_TEMP/mlflow/mlflow.db" --default-artifact-root "$RUNNER_TEMP/mlflow/artifacts" > "$RUNNER_TEMP/mlflow/server.log" 2>&1 &',
            // The server's log is in RUNNER_TEMP, not in the job log: print it when the server never comes up.
            'curl -fsS --retry 30 --retry-delay 2 --retry-connrefused "http://127.0.0.1:$port/health" || { cat "$RUNNER_TEMP/mlflow/server.log"; exit 1; }',
            'echo "MLFLOW_TRACKING_URI=http://127.0.0.1:$port" >> "$GITHUB_ENV"',
          ].join('\n'),
        },
        {
          name: "Cluster MLflow (the homelab's in-cluster service)",
          if: "env.LOCAL_MLFLOW != 'true'",
          env: { CLUSTER_MLFLOW: '${{ vars.MLFLOW_TRACKING_URI }}' },
          run: [
            'if [ -z "${CLUSTER_MLFLOW}" ]; then echo "::error::repository variable MLFLOW_TRACKING_URI is not set"; exit 1; fi',
            'echo "MLFLOW_TRACKING_URI=${CLUSTER_MLFLOW}" >> "$GITHUB_ENV"',
          ].join('\n'),
        },
        {
          id: 'train',
          name: 'Train, gate, log and register',
          run: [
            'set -euo pipefail',
            `python -m credit_risk.train --threshold ${threshold} --register-name ${model} --output-dir ${this.modelDir}/artifacts`,
            ...readModelMetadata(`${this.modelDir}/artifacts/model-metadata.json`),
          ].join('\n'),
        },
        {
          name: 'Keep the trained model for the image build',
          uses: uses('uploadArtifact'),
          with: { 'name': 'model-artifacts', 'path': `${this.modelDir}/artifacts/`, 'retention-days': 7, 'if-no-files-found': 'error' },
        },
      ],
    });
  }

  private imageJob() {
    return imageJob({
      modelDir: this.modelDir,
      image: this.options.imageName ?? DEFAULT_IMAGE,
      trainJob: ModelPipelineJobs.TRAIN,
      pushIf: this.onRelease,
    });
  }

  private releaseJob() {
    const J = ModelPipelineJobs;
    return job({
      name: 'release: bump-image (commit + push to main)',
      runsOn: HOSTED_RUNNER,
      // The push is made with the GitHub App token (protected main, and the commit must trigger checks);
      // GITHUB_TOKEN itself only reads.
      permissions: READ_ONLY,
      timeoutMinutes: 15,
      needs: [J.TRAIN, J.IMAGE],
      if: this.onRelease,
      steps: [
        // The App token is minted after npm ci and reaches git only then: install scripts never see it.
        checkout({ fullHistory: true, ref: this.releaseBranch }),
        ...setupNode(),
        appToken({ contents: 'write' }),
        gitIdentity(),
        gitCredentials(),
        {
          name: 'mlops bump-image --commit --push',
          env: {
            IMAGE: '${{ needs.image.outputs.image }}',
            DIGEST: '${{ needs.image.outputs.digest }}',
            MODEL_VERSION: '${{ needs.train.outputs.model-version }}',
            RUN_ID: '${{ needs.train.outputs.run-id }}',
          },
          run: 'npx mlops bump-image --image "$IMAGE" --digest "$DIGEST" --model-version "$MODEL_VERSION" --run-id "$RUN_ID" --commit --push',
        },
      ],
    });
  }
}

/**
 * Uploads a step's machine-readable reports (JUnit, SARIF) for `mlops triage`, which reads them
 * before the log. `!cancelled()`: a failing step must still leave its report behind.
 */
function reportUpload(name: string, path: string) {
  return {
    name: `Upload ${name} for triage`,
    if: '${{ !cancelled() }}',
    uses: uses('uploadArtifact'),
    with: { 'name': name, 'path': path, 'retention-days': 7, 'if-no-files-found': 'ignore' },
  };
}
