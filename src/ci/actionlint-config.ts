import { Component, Project, TextFile } from 'projen';
import { stringify } from 'yaml';
import { HOMELAB_RUNNER } from './lib/jobs';

/** Where actionlint looks for its configuration (the repository's `.github/`). */
export const ACTIONLINT_CONFIG_PATH = '.github/actionlint.yaml';

/**
 * `.github/actionlint.yaml`: declares the self-hosted runner labels our workflows use. actionlint knows
 * GitHub's hosted labels only; without this file every `runs-on: homelab` job is reported as an unknown
 * label (rhysd/actionlint docs/config.md, `self-hosted-runner.labels`). Generated so that the label here
 * and `HOMELAB_RUNNER` in the jobs cannot drift apart.
 */
export class ActionlintConfig extends Component {
  public readonly file: TextFile;

  constructor(project: Project) {
    super(project);
    this.file = new TextFile(project, ACTIONLINT_CONFIG_PATH, { readonly: true });
    const config = { 'self-hosted-runner': { labels: [HOMELAB_RUNNER] } };
    for (const line of [
      `# ${this.file.marker}`,
      '# Read by actionlint (test/ci/hygiene.test.ts runs it on every workflow). actionlint only knows',
      `# GitHub-hosted runner labels; "${HOMELAB_RUNNER}" is our Actions Runner Controller scale set in the cluster.`,
      ...stringify(config).split('\n'),
    ]) this.file.addLine(line);
  }
}
