import { Component, github, Project } from 'projen';
import { checkout, HOMELAB_RUNNER, job, setupNode } from './lib/jobs';
import { DEFAULT_WORKFLOW_LLM, llmEnv, withLlm, WorkflowLlm } from './lib/llm';
import { createWorkflow } from './lib/workflow';
import { dispatchEventTypes } from '../contracts/dispatch';

const { JobPermission } = github.workflows;

/** Job ids of `alert-analysis`. */
export const AlertAnalysisJobs = {
  ANALYZE: 'analyze',
} as const;

export interface AlertAnalysisWorkflowOptions {
  /** Job timeout. @default 15 */
  readonly timeoutMinutes?: number;
  /** The LLM of the site file (`site.yaml` → `llm`). @default Gemini when GEMINI_API_KEY is set, else offline */
  readonly llm?: WorkflowLlm;
}

/**
 * `alert-analysis`: the gateway turns an Alertmanager notification into `repository_dispatch` type
 * `alert`; this runs `mlops analyze-alert` on the homelab scale set, whose runner pods use the
 * read-only ServiceAccount of the GitOps layer (pod logs, events, Prometheus; no writes to the
 * cluster), and posts the root-cause report as a GitHub issue.
 */
export class AlertAnalysisWorkflow extends Component {
  public readonly workflow: github.GithubWorkflow;

  constructor(project: Project, options: AlertAnalysisWorkflowOptions = {}) {
    super(project);
    this.workflow = createWorkflow(project, {
      name: 'alert-analysis',
      triggers: { repositoryDispatch: { types: [dispatchEventTypes.alert] } },
      // One group per gateway outbox entry, never per alert group: GitHub keeps one pending run per
      // group and cancels it when a newer one queues, even with cancel-in-progress false ("Control the
      // concurrency of workflows and jobs", docs.github.com), so a groupKey group lost firing(A+B) or a
      // resolved notification queued behind a running firing(A). Keyed on outboxId, distinct
      // notifications never share a group; only a re-delivery of the same entry (the gateway's
      // at-least-once retry) can replace a pending twin, which carries the same payload. Twin posts for
      // one alert group are made idempotent by the GitHub sink (one open issue per dedupe key, a racing
      // duplicate closed: src/analysis/sinks/github.ts).
      concurrency: {
        group: '${{ github.workflow }}-${{ github.event.client_payload.outboxId || github.run_id }}',
        cancelInProgress: false,
      },
    });
    this.workflow.addJobs({
      [AlertAnalysisJobs.ANALYZE]: job({
        name: 'analyze the alert (in-cluster, read-only ServiceAccount)',
        runsOn: HOMELAB_RUNNER,
        // issues: write posts (or updates, by dedupe key) the report issue; the cluster is only read.
        permissions: { contents: JobPermission.READ, issues: JobPermission.WRITE },
        timeoutMinutes: options.timeoutMinutes ?? 15,
        env: { PROMETHEUS_URL: '${{ vars.PROMETHEUS_URL }}' },
        steps: [
          // Full history: the analysis dates the most recent rollout from the git history of release.json.
          checkout({ fullHistory: true }),
          ...setupNode(),
          {
            name: 'mlops analyze-alert',
            // Tokens only in this step: never in the environment of checkout, setup-node or npm ci's install scripts.
            env: { GITHUB_TOKEN: '${{ github.token }}', ...llmEnv(options.llm ?? DEFAULT_WORKFLOW_LLM) },
            run: withLlm(options.llm ?? DEFAULT_WORKFLOW_LLM, 'npx mlops analyze-alert --alert "$GITHUB_EVENT_PATH" --sink github'),
          },
        ],
      }),
    });
  }
}
