import { Component, github, Project } from 'projen';
import { uses } from './lib/actions';
import { checkout, HOMELAB_RUNNER, job, setupNode } from './lib/jobs';
import { DEFAULT_WORKFLOW_LLM, llmEnv, withLlm, WorkflowLlm } from './lib/llm';
import { createWorkflow } from './lib/workflow';
import { dispatchEventTypes } from '../contracts/dispatch';
import { gatewayPaths } from '../contracts/gateway';

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
  /** Hours of captures analysed as the current window. @default 24 */
  readonly windowHours?: number;
  /** The LLM of the site file (`site.yaml` → `llm`). @default Gemini when GEMINI_API_KEY is set, else offline */
  readonly llm?: WorkflowLlm;
}

/** Where `mlops analyze-drift` keeps its drift episodes between runs (restored and saved by actions/cache). */
const STATE_DIR = '.mlops-state';

/**
 * `drift-analysis`: on `repository_dispatch` type `drift` (from the gateway) and on a schedule, on
 * the homelab scale set (the gateway and MLflow are in the cluster). `mlops analyze-drift` runs in
 * its online mode: the current window and the 7/14/30-day baselines from the gateway's capture API,
 * the production model's training run (reference profile, importances, accuracy) from MLflow, and,
 * when dispatched, the alert group that triggered it. Code computes the statistics, root cause and
 * urgency and `--act` takes the urgency's action: P0 dispatches `retrain` (which ends in a pull
 * request a human merges), P1 opens or updates an issue for the ML team, P2 posts to Slack. The LLM
 * only explains. Drift episodes (the P1 issue's dedupe, one retrain per episode) live in a small
 * state directory carried from run to run by actions/cache; the concurrency group keeps runs in order.
 * A successful analysis ends by reporting itself to the gateway (`POST /v1/drift-runs`), which exports
 * `mlops_drift_analysis_last_success_timestamp_seconds` for the `DriftInputsStale` rule. It is a curl in
 * the same step rather than a feature of `mlops analyze-drift`: the step already holds the gateway token,
 * and "success" is the whole step's (analysis and `--act`), not the analysis command's view of itself.
 */
export class DriftAnalysisWorkflow extends Component {
  public readonly workflow: github.GithubWorkflow;

  constructor(project: Project, private readonly options: DriftAnalysisWorkflowOptions = {}) {
    super(project);
    this.workflow = createWorkflow(project, {
      name: 'drift-analysis',
      triggers: {
        repositoryDispatch: { types: [dispatchEventTypes.drift] },
        schedule: [{ cron: options.schedule ?? '23 */6 * * *' }],
        workflowDispatch: {},
      },
      // One analysis at a time: drift episodes (the P1 issue's dedupe) depend on the order of results.
      // queue: max keeps up to 100 pending runs in FIFO order instead of GitHub's default of one pending
      // run replaced by the next (which lost a dispatched trigger's alert group); GitHub changelog
      // 2026-05-07 "concurrency groups now allow larger queues". Only valid with cancel-in-progress false.
      concurrency: { group: '${{ github.workflow }}', cancelInProgress: false, queue: 'max' },
    });
    this.workflow.addJobs({ [DriftAnalysisJobs.ANALYZE]: this.analyzeJob() });
  }

  private analyzeJob() {
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
        MLOPS_STATE_DIR: STATE_DIR,
      },
      steps: [
        checkout(),
        ...setupNode(),
        {
          name: 'Restore drift episodes',
          uses: uses('cacheRestore'),
          // Each run saves under its own key; the newest earlier save is restored by prefix.
          with: { 'path': STATE_DIR, 'key': 'drift-episodes-${{ github.run_id }}', 'restore-keys': 'drift-episodes-' },
        },
        {
          id: 'analyze',
          name: 'mlops analyze-drift (online) --act',
          // Tokens only in this step: never in the environment of checkout, setup-node or npm ci's install scripts.
          env: {
            GITHUB_TOKEN: '${{ github.token }}',
            ...llmEnv(this.options.llm ?? DEFAULT_WORKFLOW_LLM),
            SLACK_BOT_TOKEN: '${{ secrets.SLACK_BOT_TOKEN }}',
            SLACK_WEBHOOK_URL: '${{ secrets.SLACK_WEBHOOK_URL }}',
            GATEWAY_URL: '${{ vars.GATEWAY_URL }}',
            GATEWAY_TOKEN: '${{ secrets.GATEWAY_TOKEN }}',
            MLFLOW_TRACKING_URI: '${{ vars.MLFLOW_TRACKING_URI }}',
            EVENT_NAME: '${{ github.event_name }}',
          },
          run: withLlm(this.options.llm ?? DEFAULT_WORKFLOW_LLM, [
            'set -euo pipefail',
            'for name in GATEWAY_URL GATEWAY_TOKEN MLFLOW_TRACKING_URI; do',
            '  if [ -z "${!name}" ]; then echo "::error::${name} is not set (docs/secrets.md)"; exit 1; fi',
            'done',
            '# The alert group the gateway dispatched, when this run is its answer.',
            'trigger=(); if [ "$EVENT_NAME" = repository_dispatch ]; then trigger=(--alert "$GITHUB_EVENT_PATH"); fi',
            'npx mlops analyze-drift --gateway-url "$GATEWAY_URL" --mlflow-url "$MLFLOW_TRACKING_URI" --window-hours "$WINDOW_HOURS" \\',
            '  --model-name "$MODEL" "${trigger[@]}" --json --out drift-report --act > drift-report.json',
            'cat drift-report/report.md >> "$GITHUB_STEP_SUMMARY" || true',
            '# Only reached when the analysis succeeded (set -e): report it to the gateway, which exports',
            '# mlops_drift_analysis_last_success_timestamp_seconds (rule DriftInputsStale). The token goes in a',
            '# header file from a process substitution (printf is a builtin): never on a command line or in the log.',
            `curl --fail-with-body -sS --max-time 30 -X POST "\${GATEWAY_URL%/}${gatewayPaths.driftRuns}" \\`,
            '  -H \'content-type: application/json\' -H @<(printf \'Authorization: Bearer %s\\n\' "$GATEWAY_TOKEN") \\',
            '  --data "{\\"model\\":\\"$MODEL\\",\\"status\\":\\"success\\",\\"finishedAt\\":\\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\\"}"',
          ].join('\n')),
        },
        {
          name: 'Save drift episodes',
          if: 'always()',
          uses: uses('cacheSave'),
          with: { path: STATE_DIR, key: 'drift-episodes-${{ github.run_id }}' },
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
