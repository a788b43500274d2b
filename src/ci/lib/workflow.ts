import { github, Project } from 'projen';
import { renderWithPinComments } from './actions';

export interface WorkflowSpec {
  /** File name under .github/workflows/ without extension; also the workflow's name. */
  readonly name: string;
  readonly triggers: github.workflows.Triggers;
  /** Workflow-level concurrency group. */
  readonly concurrency?: {
    group: string;
    cancelInProgress: boolean | string;
    /** `max`: up to 100 pending runs wait in FIFO order instead of one replaced by the next (needs cancelInProgress false). */
    queue?: 'max';
  };
  readonly env?: Record<string, string>;
}

/**
 * Creates a workflow with the repo's defaults: workflow-level `permissions: contents: read` (each
 * job narrows or widens it explicitly), pinned actions annotated with their release tag.
 */
export function createWorkflow(project: Project, spec: WorkflowSpec): github.GithubWorkflow {
  const gh = github.GitHub.of(project);
  if (!gh) throw new Error(`workflow ${spec.name}: the project has GitHub support disabled (github: false)`);
  const workflow = new github.GithubWorkflow(gh, spec.name, {
    fileName: `${spec.name}.yml`,
    env: spec.env,
    limitConcurrency: spec.concurrency !== undefined,
    concurrencyOptions: spec.concurrency
      ? {
        group: spec.concurrency.group,
        // An expression string (e.g. cancel only on pull requests) is valid in GitHub's schema.
        cancelInProgress: spec.concurrency.cancelInProgress as boolean,
      }
      : undefined,
  });
  workflow.on(spec.triggers);
  if (spec.concurrency?.queue) workflow.file?.addOverride('concurrency.queue', spec.concurrency.queue);
  workflow.file?.addOverride('permissions', { contents: 'read' });
  renderWithPinComments(workflow);
  return workflow;
}
