import { Component, github, Project } from 'projen';
import { uses } from './lib/actions';
import { checkout, HOMELAB_RUNNER, job, setupNode, setupPython } from './lib/jobs';
import { createWorkflow } from './lib/workflow';

const { JobPermission } = github.workflows;

/** Job ids of `drift-analysis`. */
export const DriftAnalysisJobs = {
  ANALYZE: 'analyze',
} as const;

export interface DriftAnalysisWorkflowOptions {
  /** Cron of the scheduled analysis (UTC). @default every 6 hours at minute 23 */
  readonly schedule?: string;
  /** Registered model analysed. @default "credit-risk" */
  readonly model?: string;
  /** Directory of the model source (its seeded generator reproduces the training data, the reference). @default "model" */
  readonly modelDir?: string;
  /** Rows and seed of the original training data (as the model pipeline trains it). @default 10000 rows, seed 42 */
  readonly referenceRows?: number;
  readonly referenceSeed?: number;
  /** Hours of captures analysed as the current window. @default 24 */
  readonly windowHours?: number;
}

/**
 * `drift-analysis`: on `repository_dispatch` type `drift` (from the gateway) and on a schedule, on
 * the homelab scale set (the capture API is in the cluster). The current window comes from the
 * gateway's capture API, the reference is the training data; `mlops analyze-drift --act` computes
 * the statistics, root cause and urgency by code and takes the urgency's action: P0 dispatches
 * `retrain` (which ends in a pull request a human merges), P1 opens or updates an issue for the
 * ML team, P2 posts to Slack. The LLM only explains.
 */
export class DriftAnalysisWorkflow extends Component {
  public readonly workflow: github.GithubWorkflow;

  constructor(project: Project, private readonly options: DriftAnalysisWorkflowOptions = {}) {
    super(project);
    const modelDir = options.modelDir ?? 'model';
    this.workflow = createWorkflow(project, {
      name: 'drift-analysis',
      triggers: {
        repositoryDispatch: { types: ['drift'] },
        schedule: [{ cron: options.schedule ?? '23 */6 * * *' }],
        workflowDispatch: {},
      },
      // One analysis at a time: drift episodes (the P1 issue's dedupe) depend on the order of results.
      concurrency: { group: '${{ github.workflow }}', cancelInProgress: false },
      env: { PYTHONPATH: `${modelDir}/src` },
    });
    this.workflow.addJobs({ [DriftAnalysisJobs.ANALYZE]: this.analyzeJob(modelDir) });
  }

  private analyzeJob(modelDir: string) {
    const model = this.options.model ?? 'credit-risk';
    return job({
      name: 'analyze drift and act by urgency',
      runsOn: HOMELAB_RUNNER,
      // contents: write is what the repository_dispatch endpoint requires (P0 → retrain, which only
      // opens a pull request); issues: write opens or updates the P1 issue. Nothing else is written.
      permissions: { contents: JobPermission.WRITE, issues: JobPermission.WRITE },
      timeoutMinutes: 20,
      env: {
        MODEL: model,
        WINDOW_HOURS: String(this.options.windowHours ?? 24),
        GITHUB_TOKEN: '${{ github.token }}',
        GEMINI_API_KEY: '${{ secrets.GEMINI_API_KEY }}',
        SLACK_BOT_TOKEN: '${{ secrets.SLACK_BOT_TOKEN }}',
        SLACK_WEBHOOK_URL: '${{ secrets.SLACK_WEBHOOK_URL }}',
      },
      steps: [
        checkout(),
        ...setupNode(),
        ...setupPython([`${modelDir}/requirements/train.txt`]),
        {
          name: 'Current window from the capture API',
          env: { GATEWAY_URL: '${{ vars.GATEWAY_URL }}', GATEWAY_TOKEN: '${{ secrets.GATEWAY_TOKEN }}' },
          run: [
            'set -euo pipefail',
            'if [ -z "${GATEWAY_URL}" ] || [ -z "${GATEWAY_TOKEN}" ]; then echo "::error::variable GATEWAY_URL and secret GATEWAY_TOKEN are required"; exit 1; fi',
            'to=$(date -u +%Y-%m-%dT%H:%M:%SZ); from=$(date -u -d "${WINDOW_HOURS} hours ago" +%Y-%m-%dT%H:%M:%SZ)',
            'curl -fsS --retry 3 --get -H "Authorization: Bearer ${GATEWAY_TOKEN}" \\',
            '  --data-urlencode "model=${MODEL}" --data-urlencode "from=${from}" --data-urlencode "to=${to}" \\',
            '  "${GATEWAY_URL%/}/v1/captures" -o captures.ndjson',
            'echo "captures ${from} → ${to}: $(grep -c . captures.ndjson || true)" >> "$GITHUB_STEP_SUMMARY"',
          ].join('\n'),
        },
        {
          name: 'Reference: the training data (seeded generator)',
          run: `python -m credit_risk.dataset --rows ${this.options.referenceRows ?? 10000} --seed ${this.options.referenceSeed ?? 42} --out reference.csv`,
        },
        {
          id: 'current',
          name: 'Current window as CSV',
          // Each capture line: the features the model saw, its prediction, and the feedback label when known.
          run: [
            'set -euo pipefail',
            "python - <<'PY'",
            'import csv, json, os',
            'with open("reference.csv", newline="") as f:',
            '    columns = [c for c in next(csv.reader(f)) if c != "label"]',
            'rows = 0',
            'with open("captures.ndjson") as f, open("current.csv", "w", newline="") as out:',
            '    w = csv.DictWriter(out, fieldnames=columns + ["prediction", "label"])',
            '    w.writeheader()',
            '    for line in f:',
            '        if line.strip():',
            '            c = json.loads(line)',
            '            features = c.get("features") or {}',
            '            row = {k: features.get(k, "") for k in columns}',
            '            row["prediction"] = c.get("prediction", "")',
            '            row["label"] = "" if c.get("label") is None else c["label"]',
            '            w.writerow(row)',
            '            rows += 1',
            'print(f"current window: {rows} captured rows")',
            'open(os.environ["GITHUB_OUTPUT"], "a").write(f"rows={rows}\\n")',
            'PY',
          ].join('\n'),
        },
        {
          name: 'No captures in the window',
          if: "steps.current.outputs.rows == '0'",
          run: 'echo "::warning title=No drift analysis::no captures in the last ${WINDOW_HOURS} h (is the payload logger reaching the gateway? see PayloadCaptureStalled)"',
        },
        {
          name: 'mlops analyze-drift --act',
          if: "steps.current.outputs.rows != '0'",
          run: [
            'set -euo pipefail',
            'digest=$(node -p \'require("./src/config/release.json").digest\')',
            'npx mlops analyze-drift --reference reference.csv --current current.csv --prediction prediction --target label \\',
            '  --model-name "$MODEL" --digest "$digest" --json --out drift-report --act > drift-report.json',
            'cat drift-report/report.md >> "$GITHUB_STEP_SUMMARY" || true',
          ].join('\n'),
        },
        {
          name: 'Keep the report',
          if: 'always()',
          uses: uses('uploadArtifact'),
          with: { 'name': 'drift-report', 'path': 'drift-report/', 'retention-days': 30, 'if-no-files-found': 'warn' },
        },
      ],
    });
  }
}
