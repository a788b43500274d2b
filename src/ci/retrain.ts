import { Component, github, Project } from 'projen';
import { uses } from './lib/actions';
import { DEFAULT_IMAGE, imageJob } from './lib/image';
import { appToken, checkout, gateJob, gitCredentials, gitIdentity, HOMELAB_RUNNER, HOSTED_RUNNER, job, READ_ONLY, setupNode, setupPython } from './lib/jobs';
import { readModelMetadata } from './lib/model';
import { createWorkflow } from './lib/workflow';
import { DEFAULT_RETRAIN_WINDOW, dispatchEventTypes } from '../contracts/dispatch';

/** Job ids of `retrain`. */
export const RetrainJobs = {
  TRAIN: 'train',
  IMAGE: 'image',
  PULL_REQUEST: 'pull-request',
  GATE: 'gate',
} as const;

export interface RetrainWorkflowOptions {
  /** Directory of the model source. @default "model" */
  readonly modelDir?: string;
  /** Image repository on GHCR, without tag. @default "ghcr.io/${{ github.repository }}/credit-risk-model" */
  readonly imageName?: string;
  /** Rows of the original (seeded, synthetic) training data. @default 10000 */
  readonly originalRows?: number;
  /** Seed of the original training data. @default 42 */
  readonly originalSeed?: number;
  /** Accuracy gate threshold. @default 0.85 */
  readonly accuracyThreshold?: number;
  /** How much better than the production model the candidate must be. @default 0.0 */
  readonly minImprovement?: number;
  /** Base branch of the bump pull request. @default "main" */
  readonly baseBranch?: string;
}

/** The model to retrain and the capture window, from either trigger; only ever read through env (never interpolated into scripts). */
const MODEL = '${{ inputs.model || github.event.client_payload.model }}';
const WINDOW = '${{ inputs.window || github.event.client_payload.window }}';

/**
 * `retrain`: started by drift analysis (P0 → `repository_dispatch` type `retrain`) or by hand.
 * Trains on the original data plus the labelled captures of the window (the gateway's capture
 * API), gates against the production model, builds, scans and pushes the image, and opens a pull
 * request with the release bump for a human to merge. It never deploys by itself.
 */
export class RetrainWorkflow extends Component {
  public readonly workflow: github.GithubWorkflow;
  private readonly modelDir: string;

  constructor(project: Project, private readonly options: RetrainWorkflowOptions = {}) {
    super(project);
    this.modelDir = options.modelDir ?? 'model';
    this.workflow = createWorkflow(project, {
      name: 'retrain',
      triggers: {
        repositoryDispatch: { types: [dispatchEventTypes.retrain] },
        workflowDispatch: {
          inputs: {
            model: { description: 'Registered model to retrain', required: true, type: 'string', default: 'credit-risk' },
            window: {
              description: 'Capture window: a duration back from now (e.g. 7d, 36h) or FROM/TO in ISO 8601',
              required: true,
              type: 'string',
              default: DEFAULT_RETRAIN_WINDOW,
            },
          },
        },
      },
      // One retrain per model at a time; a second request waits instead of racing the first.
      concurrency: { group: `retrain-${MODEL}`, cancelInProgress: false },
      env: { PYTHONPATH: `${this.modelDir}/src` },
    });
    const J = RetrainJobs;
    this.workflow.addJobs({
      [J.TRAIN]: this.trainJob(),
      [J.IMAGE]: imageJob({
        modelDir: this.modelDir,
        image: options.imageName ?? DEFAULT_IMAGE,
        trainJob: J.TRAIN,
        pushIf: 'success()',
      }),
      [J.PULL_REQUEST]: this.pullRequestJob(),
      [J.GATE]: gateJob([J.TRAIN, J.IMAGE, J.PULL_REQUEST]),
    });
  }

  private trainJob() {
    const threshold = (this.options.accuracyThreshold ?? 0.85).toFixed(2);
    const minImprovement = (this.options.minImprovement ?? 0).toFixed(3);
    return job({
      name: 'train on original data + labelled captures, gate against production',
      // The homelab scale set reaches the gateway's capture API and the cluster's MLflow.
      runsOn: HOMELAB_RUNNER,
      permissions: READ_ONLY,
      timeoutMinutes: 45,
      env: { MODEL, WINDOW },
      outputs: {
        'model-version': { stepId: 'train', outputName: 'model-version' },
        'run-id': { stepId: 'train', outputName: 'run-id' },
        'model': { stepId: 'window', outputName: 'model' },
        'from': { stepId: 'window', outputName: 'from' },
        'to': { stepId: 'window', outputName: 'to' },
        'captures': { stepId: 'captures', outputName: 'count' },
      },
      steps: [
        checkout(),
        {
          id: 'window',
          name: 'Validate the request (model, window)',
          run: [
            'set -euo pipefail',
            'if ! [[ "${MODEL}" =~ ^[a-z0-9][a-z0-9-]{0,62}$ ]]; then echo "::error::model \\"${MODEL}\\" is not a registered model name ([a-z0-9-])"; exit 2; fi',
            'to=$(date -u +%Y-%m-%dT%H:%M:%SZ)',
            'if [[ "${WINDOW}" =~ ^([0-9]{1,4})([dh])$ ]]; then',
            '  unit=$([ "${BASH_REMATCH[2]}" = d ] && echo days || echo hours)',
            '  from=$(date -u -d "${BASH_REMATCH[1]} ${unit} ago" +%Y-%m-%dT%H:%M:%SZ)',
            'elif [[ "${WINDOW}" =~ ^([0-9T:.Z+-]+)/([0-9T:.Z+-]+)$ ]]; then',
            '  from=$(date -u -d "${BASH_REMATCH[1]}" +%Y-%m-%dT%H:%M:%SZ); to=$(date -u -d "${BASH_REMATCH[2]}" +%Y-%m-%dT%H:%M:%SZ)',
            'else',
            '  echo "::error::window \\"${WINDOW}\\" is neither a duration (7d, 36h) nor FROM/TO in ISO 8601"; exit 2',
            'fi',
            '{ echo "model=${MODEL}"; echo "from=${from}"; echo "to=${to}"; } >> "$GITHUB_OUTPUT"',
          ].join('\n'),
        },
        ...setupPython([`${this.modelDir}/requirements/train.txt`]),
        {
          id: 'captures',
          name: 'Labelled captures of the window (gateway capture API)',
          env: {
            GATEWAY_URL: '${{ vars.GATEWAY_URL }}',
            GATEWAY_TOKEN: '${{ secrets.GATEWAY_TOKEN }}',
            FROM: '${{ steps.window.outputs.from }}',
            TO: '${{ steps.window.outputs.to }}',
          },
          run: [
            'set -euo pipefail',
            'if [ -z "${GATEWAY_URL}" ] || [ -z "${GATEWAY_TOKEN}" ]; then echo "::error::variable GATEWAY_URL and secret GATEWAY_TOKEN are required"; exit 1; fi',
            'curl -fsS --retry 3 --get -H "Authorization: Bearer ${GATEWAY_TOKEN}" \\',
            '  --data-urlencode "model=${MODEL}" --data-urlencode "from=${FROM}" --data-urlencode "to=${TO}" --data-urlencode "labelled=true" \\',
            '  "${GATEWAY_URL%/}/v1/captures" -o captures.ndjson',
            'count=$(grep -c . captures.ndjson || true)',
            'echo "count=${count}" >> "$GITHUB_OUTPUT"',
            'echo "labelled captures ${FROM} → ${TO}: ${count}" >> "$GITHUB_STEP_SUMMARY"',
          ].join('\n'),
        },
        {
          name: 'Original training data (seeded generator)',
          run: `python -m credit_risk.dataset --rows ${this.options.originalRows ?? 10000} --seed ${this.options.originalSeed ?? 42} --out original.csv`,
        },
        {
          id: 'training-set',
          name: 'Training set: original data + labelled captures',
          // Each capture line carries the features the model saw and the ground-truth label from /feedback.
          run: [
            'set -euo pipefail',
            "python - <<'PY'",
            'import csv, json',
            'with open("original.csv", newline="") as f:',
            '    reader = csv.DictReader(f)',
            '    columns = reader.fieldnames',
            '    rows = list(reader)',
            'original, added = len(rows), 0',
            'with open("captures.ndjson") as f:',
            '    for n, line in enumerate(f, 1):',
            '        if not line.strip():',
            '            continue',
            '        c = json.loads(line)',
            '        if c.get("label") is None:',
            '            continue',
            '        features = c.get("features") or {}',
            '        missing = [k for k in columns if k != "label" and k not in features]',
            '        if missing:',
            '            raise SystemExit(f"captures.ndjson line {n}: features missing {missing}")',
            '        row = {k: features[k] for k in columns if k != "label"}',
            '        row["label"] = int(c["label"])',
            '        rows.append(row)',
            '        added += 1',
            'with open("training.csv", "w", newline="") as f:',
            '    w = csv.DictWriter(f, fieldnames=columns)',
            '    w.writeheader()',
            '    w.writerows(rows)',
            'print(f"training set: {original} original + {added} labelled captured rows")',
            'PY',
          ].join('\n'),
        },
        {
          id: 'train',
          name: 'Train, gate against production, log and register',
          env: { MLFLOW_TRACKING_URI: '${{ vars.MLFLOW_TRACKING_URI }}', GIT_SHA: '${{ github.sha }}' },
          run: [
            'set -euo pipefail',
            `python -m credit_risk.train --data training.csv --threshold ${threshold} --min-improvement ${minImprovement} --register-name "\${MODEL}" --output-dir ${this.modelDir}/artifacts`,
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

  private pullRequestJob() {
    const J = RetrainJobs;
    const base = this.options.baseBranch ?? 'main';
    return job({
      name: 'open the release pull request (a human merges)',
      runsOn: HOSTED_RUNNER,
      // The branch push and the pull request use the GitHub App token, so the PR's checks run
      // (a PR opened with GITHUB_TOKEN triggers no workflows). GITHUB_TOKEN itself only reads.
      permissions: READ_ONLY,
      timeoutMinutes: 15,
      needs: [J.TRAIN, J.IMAGE],
      steps: [
        // The App token is minted after npm ci and reaches git only then: install scripts never see it.
        checkout({ fullHistory: true, ref: base }),
        ...setupNode(),
        appToken({ 'contents': 'write', 'pull-requests': 'write' }),
        gitIdentity(),
        gitCredentials(),
        {
          name: 'bump-image on a branch, pull request for review',
          env: {
            GH_TOKEN: '${{ steps.app-token.outputs.token }}',
            IMAGE: '${{ needs.image.outputs.image }}',
            DIGEST: '${{ needs.image.outputs.digest }}',
            MODEL: `\${{ needs.${J.TRAIN}.outputs.model }}`,
            MODEL_VERSION: `\${{ needs.${J.TRAIN}.outputs.model-version }}`,
            RUN_ID: `\${{ needs.${J.TRAIN}.outputs.run-id }}`,
            FROM: `\${{ needs.${J.TRAIN}.outputs.from }}`,
            TO: `\${{ needs.${J.TRAIN}.outputs.to }}`,
            CAPTURES: `\${{ needs.${J.TRAIN}.outputs.captures }}`,
            BASE: base,
          },
          run: [
            'set -euo pipefail',
            'branch="retrain/${MODEL}-v${MODEL_VERSION}"',
            'git switch -c "${branch}"',
            'npx mlops bump-image --image "$IMAGE" --digest "$DIGEST" --model-version "$MODEL_VERSION" --run-id "$RUN_ID" --commit',
            'git push --force-with-lease origin "HEAD:refs/heads/${branch}"',
            'body=$(printf "Retrained \\`%s\\` on the original data plus %s labelled captures (%s → %s).\\n\\n- image: \\`%s@%s\\`\\n- MLflow: version %s, run \\`%s\\`\\n- workflow run: %s\\n\\nThe gate passed against the production model. Merging deploys it (ArgoCD syncs dist/); nothing is deployed before a human merges." \\',
            '  "$MODEL" "$CAPTURES" "$FROM" "$TO" "$IMAGE" "$DIGEST" "$MODEL_VERSION" "$RUN_ID" "${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}")',
            'gh pr create --base "$BASE" --head "${branch}" --title "release: retrained ${MODEL} v${MODEL_VERSION}" --body "$body"',
          ].join('\n'),
        },
      ],
    });
  }
}
