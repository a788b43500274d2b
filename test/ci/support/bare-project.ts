import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { javascript, Testing, typescript } from 'projen';

/**
 * Synthesizes workflow components on a bare projen project (projen's own workflows, jest and eslint
 * off), the way .projenrc.ts adds them, and returns the generated `.github/workflows/*` files by path.
 */
export function synthWorkflowFiles(add: (project: typescript.TypeScriptAppProject) => void): Record<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), 'ci-components-'));
  try {
    const project = new typescript.TypeScriptAppProject({
      name: 'ci-components-test',
      defaultReleaseBranch: 'main',
      outdir,
      packageManager: javascript.NodePackageManager.NPM,
      github: true,
      buildWorkflow: false,
      release: false,
      depsUpgrade: false,
      pullRequestTemplate: false,
      githubOptions: { mergify: false, pullRequestLint: false },
      jest: false,
      eslint: false,
      sampleCode: false,
    });
    add(project);
    const files = Testing.synth(project, { parseJson: false });
    return Object.fromEntries(Object.entries(files).filter(([p]) => p.startsWith('.github/workflows/')).map(([p, c]) => [p, c as string]));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
