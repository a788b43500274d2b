/**
 * Workflow files that run jobs on the `homelab` scale set, which the runner group must select
 * (owner/repo/.github/workflows/<file>@refs/heads/<default branch>). test/doctor/ checks this list
 * against the committed workflows, so a new homelab job cannot be forgotten here.
 */
export const HOMELAB_WORKFLOWS: readonly string[] = ['alert-analysis.yml', 'drift-analysis.yml', 'model-ci-ct-cd.yml', 'retrain.yml'];
