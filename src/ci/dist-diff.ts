import { Component, github, Project } from 'projen';
import { uses } from './lib/actions';
import { checkout, HOSTED_RUNNER, job, READ_ONLY, setupNode } from './lib/jobs';
import { createWorkflow } from './lib/workflow';

const { JobPermission } = github.workflows;

/** Workflow names (file names without .yml) of the two halves. */
export const DistDiffWorkflows = {
  DIFF: 'dist-diff',
  COMMENT: 'dist-diff-comment',
} as const;

/** Job ids. */
export const DistDiffJobs = {
  DIFF: 'diff',
  POST: 'post',
} as const;

/** Artifact that carries diff.json from the pull_request run to the posting run. */
export const DIST_DIFF_ARTIFACT = 'dist-diff';

/**
 * The `dist/` change of every pull request, per ArgoCD Application, as ONE pull request comment
 * (`mlops diff-dist`, src/review/). Two workflows, because a fork's pull_request run gets a
 * read-only token and runs the fork's code:
 * - `dist-diff` (pull_request, contents: read): diffs the merge commit against its first parent
 *   (the base the pull request would merge into) and uploads diff.json; no write token, no secrets.
 * - `dist-diff-comment` (workflow_run of `dist-diff`): runs the default branch's code, downloads
 *   diff.json from the triggering run, re-validates it (strict schema, sizes, the pull request whose
 *   head commit is the run's head_sha) and creates or updates the comment. It never checks out or
 *   runs the pull request's code, so the write token never meets it.
 */
export class DistDiffWorkflow extends Component {
  public readonly diffWorkflow: github.GithubWorkflow;
  public readonly commentWorkflow: github.GithubWorkflow;

  constructor(project: Project) {
    super(project);
    this.diffWorkflow = createWorkflow(project, {
      name: DistDiffWorkflows.DIFF,
      triggers: { pullRequest: {} },
      // A newer push to the pull request supersedes the diff of the older one.
      concurrency: { group: 'dist-diff-${{ github.event.pull_request.number }}', cancelInProgress: true },
    });
    this.diffWorkflow.addJobs({ [DistDiffJobs.DIFF]: this.diffJob() });

    this.commentWorkflow = createWorkflow(project, {
      name: DistDiffWorkflows.COMMENT,
      triggers: { workflowRun: { workflows: [DistDiffWorkflows.DIFF], types: ['completed'] } },
    });
    this.commentWorkflow.addJobs({ [DistDiffJobs.POST]: this.postJob() });
  }

  private diffJob() {
    return job({
      name: 'diff dist/ per ArgoCD Application (read-only)',
      runsOn: HOSTED_RUNNER,
      permissions: READ_ONLY,
      timeoutMinutes: 10,
      steps: [
        // The merge commit and its parents: HEAD^1 is the base the pull request merges into.
        { ...checkout(), with: { ...checkout().with, 'fetch-depth': 2 } },
        ...setupNode(),
        {
          name: 'Diff dist/ (merge commit against its base)',
          env: { PR_NUMBER: '${{ github.event.pull_request.number }}', PR_HEAD_SHA: '${{ github.event.pull_request.head.sha }}' },
          run: [
            'set -euo pipefail',
            'mkdir -p dist-diff',
            'bin/mlops diff-dist --base HEAD^1 --head HEAD --pr "$PR_NUMBER" --head-sha "$PR_HEAD_SHA" --out dist-diff/diff.json --markdown dist-diff/comment.md',
            'cat dist-diff/comment.md >> "$GITHUB_STEP_SUMMARY"',
          ].join('\n'),
        },
        {
          name: 'Keep the diff for the posting workflow',
          uses: uses('uploadArtifact'),
          with: { 'name': DIST_DIFF_ARTIFACT, 'path': 'dist-diff/diff.json', 'retention-days': 7, 'if-no-files-found': 'error' },
        },
      ],
    });
  }

  private postJob() {
    return job({
      name: 'post the validated dist/ diff',
      runsOn: HOSTED_RUNNER,
      // actions: read downloads the artifact of the triggering run; pull-requests: write creates or
      // updates the one comment (and reads the pull request's head commit to check the report).
      permissions: { contents: JobPermission.READ, actions: JobPermission.READ, pullRequests: JobPermission.WRITE },
      timeoutMinutes: 10,
      if: "github.event.workflow_run.event == 'pull_request' && github.event.workflow_run.conclusion == 'success'",
      // Two runs for one pull request post one comment: the second waits, then finds and updates it.
      concurrency: {
        group: 'dist-diff-comment-${{ github.event.workflow_run.head_repository.full_name }}-${{ github.event.workflow_run.head_branch }}',
        cancelInProgress: false,
      },
      steps: [
        // The default branch's code (this repository's), never the pull request's.
        checkout(),
        ...setupNode(),
        {
          name: 'Diff from the pull_request run',
          uses: uses('downloadArtifact'),
          with: { 'name': DIST_DIFF_ARTIFACT, 'path': 'dist-diff', 'github-token': '${{ github.token }}', 'run-id': '${{ github.event.workflow_run.id }}' },
        },
        {
          name: 'Re-validate and post (create or update the one comment)',
          // The write token only in this step, never during npm ci.
          env: {
            GITHUB_TOKEN: '${{ github.token }}',
            HEAD_SHA: '${{ github.event.workflow_run.head_sha }}',
            HEAD_REPO: '${{ github.event.workflow_run.head_repository.full_name }}',
            // Empty for fork pull requests (GitHub leaves workflow_run.pull_requests empty for them, github/docs#22501);
            // then the report's number is used, checked against the pull request's head commit.
            EVENT_PR: '${{ github.event.workflow_run.pull_requests[0].number }}',
          },
          run: [
            'set -euo pipefail',
            'args=(--post dist-diff/diff.json --repo "$GITHUB_REPOSITORY" --head-sha "$HEAD_SHA" --head-repo "$HEAD_REPO")',
            'if [ -n "${EVENT_PR}" ]; then args+=(--pr "$EVENT_PR"); fi',
            'bin/mlops diff-dist "${args[@]}"',
          ].join('\n'),
        },
      ],
    });
  }
}
