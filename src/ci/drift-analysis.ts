import { Component, github, Project } from 'projen';
import { uses } from './lib/actions';
import { checkout, HOMELAB_RUNNER, HOSTED_RUNNER, job, READ_ONLY, setupNode } from './lib/jobs';
import { createWorkflow } from './lib/workflow';

const { JobPermission } = github.workflows;

/** Job ids of `drift-analysis`. */
export const DriftAnalysisJobs = {
  ANALYZE: 'analyze',
  RETRAIN: 'retrain',
  ISSUE: 'issue',
  SLACK: 'slack',
} as const;

export interface DriftAnalysisWorkflowOptions {
  /** Cron of the scheduled analysis (UTC). @default every 6 hours at minute 23 */
  readonly schedule?: string;
  /** Registered model analysed on schedule. @default "credit-risk" */
  readonly model?: string;
  /** Capture window a P0 retrain uses. @default "7d" */
  readonly retrainWindow?: string;
}

/**
 * `drift-analysis`: on `repository_dispatch` type `drift` (from the gateway) and on a schedule.
 * The analysis runs read-only on the homelab scale set (capture API, MLflow); code decides the
 * urgency, and one job per urgency acts: P0 dispatches `retrain` (which ends in a pull request a
 * human merges), P1 opens or updates an issue for the ML team, P2 posts to Slack.
 */
export class DriftAnalysisWorkflow extends Component {
  public readonly workflow: github.GithubWorkflow;

  constructor(project: Project, private readonly options: DriftAnalysisWorkflowOptions = {}) {
    super(project);
    this.workflow = createWorkflow(project, {
      name: 'drift-analysis',
      triggers: {
        repositoryDispatch: { types: ['drift'] },
        schedule: [{ cron: options.schedule ?? '23 */6 * * *' }],
        workflowDispatch: {},
      },
      // One analysis at a time: episodes (dedupe of P1 issues) depend on the order of results.
      concurrency: { group: '${{ github.workflow }}', cancelInProgress: false },
    });
    const J = DriftAnalysisJobs;
    this.workflow.addJobs({
      [J.ANALYZE]: this.analyzeJob(),
      [J.RETRAIN]: this.retrainJob(),
      [J.ISSUE]: this.postJob('P1', 'github', { contents: JobPermission.READ, issues: JobPermission.WRITE }),
      [J.SLACK]: this.postJob('P2', 'slack', READ_ONLY),
    });
  }

  private analyzeJob() {
    const model = this.options.model ?? 'credit-risk';
    return job({
      name: 'analyze drift (in-cluster, read-only)',
      runsOn: HOMELAB_RUNNER,
      permissions: READ_ONLY,
      timeoutMinutes: 20,
      env: {
        GATEWAY_URL: '${{ vars.GATEWAY_URL }}',
        GATEWAY_TOKEN: '${{ secrets.GATEWAY_TOKEN }}',
        MLFLOW_TRACKING_URI: '${{ vars.MLFLOW_TRACKING_URI }}',
        GEMINI_API_KEY: '${{ secrets.GEMINI_API_KEY }}',
        MODEL: model,
      },
      outputs: {
        urgency: { stepId: 'urgency', outputName: 'urgency' },
        model: { stepId: 'urgency', outputName: 'model' },
      },
      steps: [
        checkout(),
        ...setupNode(),
        {
          name: 'mlops analyze-drift',
          run: [
            'set -euo pipefail',
            // A dispatched run carries the alert group that triggered it; a scheduled run has none.
            'if [ "$GITHUB_EVENT_NAME" = repository_dispatch ]; then alert=(--alert "$GITHUB_EVENT_PATH"); else alert=(); fi',
            'npx mlops analyze-drift "${alert[@]}" --json --out drift-report > drift-report.json',
          ].join('\n'),
        },
        {
          id: 'urgency',
          name: 'Urgency (decided by the rules, not the LLM)',
          run: [
            'set -euo pipefail',
            'cat drift-report/report.md >> "$GITHUB_STEP_SUMMARY" || true',
            'urgency=$(node -e \'const r=require("./drift-report.json");const u=String(r.urgency);process.stdout.write(["P0","P1","P2","none"].includes(u)?u:"invalid")\')',
            'if [ "$urgency" = invalid ]; then echo "::error::drift report has no valid urgency"; exit 1; fi',
            '{ echo "urgency=${urgency}"; echo "model=${MODEL}"; } >> "$GITHUB_OUTPUT"',
          ].join('\n'),
        },
        {
          name: 'Keep the report for the action jobs',
          uses: uses('uploadArtifact'),
          with: { 'name': 'drift-report', 'path': 'drift-report/', 'retention-days': 30, 'if-no-files-found': 'error' },
        },
      ],
    });
  }

  private retrainJob() {
    return job({
      name: 'P0: dispatch retrain',
      runsOn: HOSTED_RUNNER,
      // contents: write is what the repository_dispatch endpoint requires; retrain itself only opens a PR.
      permissions: { contents: JobPermission.WRITE },
      timeoutMinutes: 5,
      needs: [DriftAnalysisJobs.ANALYZE],
      if: 'needs.analyze.outputs.urgency == \'P0\'',
      env: {
        GH_TOKEN: '${{ github.token }}',
        MODEL: '${{ needs.analyze.outputs.model }}',
        WINDOW: this.options.retrainWindow ?? '7d',
      },
      steps: [
        {
          name: 'repository_dispatch retrain',
          run: [
            'gh api --method POST "repos/${GITHUB_REPOSITORY}/dispatches" -f event_type=retrain \\',
            '  -f "client_payload[model]=${MODEL}" -f "client_payload[window]=${WINDOW}"',
            'echo "P0: retrain dispatched for ${MODEL} (window ${WINDOW}); it ends in a pull request for a human" >> "$GITHUB_STEP_SUMMARY"',
          ].join('\n'),
        },
      ],
    });
  }

  private postJob(urgency: string, sink: 'github' | 'slack', permissions: github.workflows.JobPermissions) {
    const env: Record<string, string> =
      sink === 'github'
        ? { GITHUB_TOKEN: '${{ github.token }}' }
        : { SLACK_BOT_TOKEN: '${{ secrets.SLACK_BOT_TOKEN }}', SLACK_WEBHOOK_URL: '${{ secrets.SLACK_WEBHOOK_URL }}' };
    return job({
      name: `${urgency}: post the report (${sink})`,
      runsOn: HOSTED_RUNNER,
      permissions,
      timeoutMinutes: 10,
      needs: [DriftAnalysisJobs.ANALYZE],
      if: `needs.analyze.outputs.urgency == '${urgency}'`,
      env,
      steps: [
        checkout(),
        ...setupNode(),
        { name: 'Report from the analysis job', uses: uses('downloadArtifact'), with: { name: 'drift-report', path: 'drift-report' } },
        { name: `Post to ${sink}`, run: `npx mlops analyze-drift --from-report drift-report/report.json --sink ${sink}` },
      ],
    });
  }
}
