import { Component, github, Project } from 'projen';
import { uses } from './lib/actions';
import { checkout, HOMELAB_RUNNER, HOSTED_RUNNER, job, setupNode } from './lib/jobs';
import { DEFAULT_WORKFLOW_LLM, llmEnv, withLlm, WorkflowLlm } from './lib/llm';
import { createWorkflow } from './lib/workflow';

const { JobPermission } = github.workflows;

/** Job ids of `triage`. */
export const TriageJobs = {
  ANALYZE: 'analyze',
  POST: 'post',
} as const;

export interface TriageWorkflowOptions {
  /** Names of the pipeline workflows whose failures are triaged. @default ["model-ci-ct-cd", "retrain", "platform-ci"] */
  readonly workflows?: string[];
  /** The LLM of the site file (`site.yaml` → `llm`). @default Gemini when GEMINI_API_KEY is set, else offline */
  readonly llm?: WorkflowLlm;
}

/** The failed run's repository is this repository (not a fork): only then may secrets and writes be used. */
const SAME_REPO = 'github.event.workflow_run.head_repository.full_name == github.repository';

/**
 * `triage`: when a pipeline workflow fails, explain it. Two jobs so the analysis, which reads
 * untrusted logs, never holds a write token: `analyze` (actions: read) writes a validated report;
 * `post` (issues/contents: write) posts only that report, idempotently by its dedupe key.
 * `workflow_run` runs with the base repository's secrets even for fork pull requests, so runs
 * from forks are triaged with the offline provider and end at the job summary.
 */
export class TriageWorkflow extends Component {
  public readonly workflow: github.GithubWorkflow;

  private readonly llm: WorkflowLlm;

  constructor(project: Project, options: TriageWorkflowOptions = {}) {
    super(project);
    this.llm = options.llm ?? DEFAULT_WORKFLOW_LLM;
    this.workflow = createWorkflow(project, {
      name: 'triage',
      triggers: {
        workflowRun: { workflows: options.workflows ?? ['model-ci-ct-cd', 'retrain', 'platform-ci'], types: ['completed'] },
      },
    });
    this.workflow.addJobs({
      [TriageJobs.ANALYZE]: this.analyzeJob(),
      [TriageJobs.POST]: this.postJob(),
    });
  }

  private analyzeJob() {
    return job({
      name: 'analyze the failed run (read-only)',
      // An OpenAI-compatible endpoint is on-prem: only the cluster's runners reach it.
      runsOn: this.llm.provider === 'openai' ? HOMELAB_RUNNER : HOSTED_RUNNER,
      // actions: read fetches the failed jobs and their logs; nothing is written with this token.
      permissions: { contents: JobPermission.READ, actions: JobPermission.READ },
      timeoutMinutes: 10,
      if: "github.event.workflow_run.conclusion == 'failure'",
      // The token is given to the steps that call GitHub, never to checkout, setup-node or npm ci.
      env: { RUN_ID: '${{ github.event.workflow_run.id }}' },
      outputs: {
        'dedupe-key': { stepId: 'report', outputName: 'dedupe-key' },
      },
      steps: [
        // The default branch's code (this repository's), never the failed run's head.
        checkout(),
        ...setupNode(),
        {
          name: 'Triage (provider from configured keys; offline without)',
          if: SAME_REPO,
          env: { GITHUB_TOKEN: '${{ github.token }}', ...llmEnv(this.llm) },
          run: withLlm(this.llm, 'npx mlops triage --repo "$GITHUB_REPOSITORY" --run-id "$RUN_ID" --json --out triage-report'),
        },
        {
          name: 'Triage a fork run (offline provider, no secrets)',
          if: `!(${SAME_REPO})`,
          env: { GITHUB_TOKEN: '${{ github.token }}' },
          run: 'npx mlops triage --repo "$GITHUB_REPOSITORY" --run-id "$RUN_ID" --offline --json --out triage-report',
        },
        {
          id: 'report',
          name: 'Job summary and dedupe key',
          run: [
            'set -euo pipefail',
            'cat triage-report/report.md >> "$GITHUB_STEP_SUMMARY"',
            // The key decides the posting job's concurrency group; restricted to a safe character set.
            'key=$(node -e \'const r=require("./triage-report/report.json");process.stdout.write(String(r.dedupeKey||""))\' | tr -c "A-Za-z0-9._:-" "_" | cut -c1-100)',
            'echo "dedupe-key=${key:-run-${RUN_ID}}" >> "$GITHUB_OUTPUT"',
          ].join('\n'),
        },
        {
          name: 'Keep the report for the posting job',
          uses: uses('uploadArtifact'),
          with: { 'name': 'triage-report', 'path': 'triage-report/', 'retention-days': 14, 'if-no-files-found': 'error' },
        },
      ],
    });
  }

  private postJob() {
    return job({
      name: 'post the validated report',
      runsOn: HOSTED_RUNNER,
      // issues: write opens or updates the failure issue; contents: write posts the commit comment.
      permissions: { contents: JobPermission.WRITE, issues: JobPermission.WRITE },
      timeoutMinutes: 10,
      needs: [TriageJobs.ANALYZE],
      if: SAME_REPO,
      // Two failures with one key post one issue: the second waits for the first, then finds and updates it.
      // queue: max, so a third failure queued meanwhile does not replace (cancel) the second's post.
      concurrency: { group: 'triage-post-${{ needs.analyze.outputs.dedupe-key }}', cancelInProgress: false, queue: 'max' },
      steps: [
        checkout(),
        ...setupNode(),
        { name: 'Report from the analysis job', uses: uses('downloadArtifact'), with: { name: 'triage-report', path: 'triage-report' } },
        // The write token only in this step, never during npm ci.
        { name: 'Post to GitHub', env: { GITHUB_TOKEN: '${{ github.token }}' }, run: 'npx mlops triage --from-report triage-report/report.json --sink github' },
        {
          name: 'Post to Slack',
          env: { SLACK_BOT_TOKEN: '${{ secrets.SLACK_BOT_TOKEN }}', SLACK_WEBHOOK_URL: '${{ secrets.SLACK_WEBHOOK_URL }}' },
          run: [
            'if [ -z "${SLACK_BOT_TOKEN}${SLACK_WEBHOOK_URL}" ]; then',
            '  echo "::notice title=Slack skipped::neither SLACK_BOT_TOKEN nor SLACK_WEBHOOK_URL is set"',
            '  exit 0',
            'fi',
            'npx mlops triage --from-report triage-report/report.json --sink slack',
          ].join('\n'),
        },
      ],
    });
  }
}
