import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { ACTIONLINT, actionlint } from './support/actionlint';
import { githubActions } from '../../src/config/versions';

/**
 * Hygiene of the COMMITTED workflow files (CI's drift check ties them to a fresh synth):
 * actionlint, SHA pins with version comments, permissions and timeouts on every job, and no
 * secrets on fork pull requests.
 */
const ROOT = resolve(__dirname, '../..');
const dir = join(ROOT, '.github/workflows');
const files = readdirSync(dir).filter((f) => f.endsWith('.yml')).sort();
const text = (f: string) => readFileSync(join(dir, f), 'utf8');

describe('committed workflows', () => {
  test('there are workflow files to check', () => {
    expect(files).toEqual(['alert-analysis.yml', 'dist-diff-comment.yml', 'dist-diff.yml', 'drift-analysis.yml', 'images.yml', 'model-ci-ct-cd.yml', 'platform-ci.yml', 'renovate.yml', 'retrain.yml', 'triage.yml']);
  });

  test('actionlint is 1.7 or newer (it knows `vars` and current runner labels)', () => {
    const out = spawnSync(ACTIONLINT, ['-version'], { encoding: 'utf8' }).stdout;
    const [major, minor] = (/^\S*?(\d+)\.(\d+)\.\d+/m.exec(out) ?? []).slice(1).map(Number);
    expect(major > 1 || (major === 1 && minor >= 7)).toBe(true);
  });

  test('actionlint with shellcheck and pyflakes: zero findings in every workflow, nothing filtered', () => {
    expect(actionlint(ROOT, files.map((f) => `.github/workflows/${f}`))).toEqual([]);
  });

  test('actionlint is live: it reads our config and reports shellcheck, label and expression problems', () => {
    const project = mkdtempSync(join(tmpdir(), 'actionlint-'));
    try {
      mkdirSync(join(project, '.github/workflows'), { recursive: true });
      cpSync(join(ROOT, '.github/actionlint.yaml'), join(project, '.github/actionlint.yaml'));
      writeFileSync(join(project, '.github/workflows/planted.yml'), [
        'on: push',
        'permissions: {}',
        'jobs:',
        '  ours:',
        '    runs-on: homelab',
        '    steps:',
        '      - run: echo "${{ vars.MODEL_NAME }}"',
        '  theirs:',
        '    runs-on: gpu-farm',
        '    steps:',
        '      - run: cp $SRC ${{ github.nope.nope }}',
        '',
      ].join('\n'));
      const found = actionlint(project, ['.github/workflows/planted.yml']);
      // `homelab` (declared) and `vars` (1.6.23+) pass; the unknown label, the SC2086 and the bad expression do not.
      expect(found.map((p) => /^\S+:(\d+):\d+ \[([\w-]+)\]/.exec(p)!.slice(1).join(' ')).sort()).toEqual(['11 expression', '11 shellcheck', '9 runner-label']);
      expect(found.join('\n')).toMatch(/label "gpu-farm" is unknown/);
      expect(found.join('\n')).toMatch(/SC2086/);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  test.each(files)('%s: every uses: is pinned to a 40-hex SHA from versions.ts with its # version comment', (f) => {
    expect(pinProblems(text(f))).toEqual([]);
  });

  test.each(files)('%s: every job declares permissions and timeout-minutes; the workflow defaults to contents: read', (f) => {
    const wf = parse(text(f));
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(jobProblems(wf)).toEqual([]);
  });

  test('the checkers catch what they are for', () => {
    const bad = [
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      `      - uses: actions/checkout@${githubActions.checkout.sha}`,
      `      - uses: actions/setup-node@${githubActions.checkout.sha} # ${githubActions.checkout.version}`,
      `      - uses: actions/checkout@${githubActions.checkout.sha} # ${githubActions.checkout.version}`,
      '  b:',
      '    runs-on: ubuntu-latest',
      '    permissions:',
      '      contents: admin',
      '    timeout-minutes: 5',
      '    steps: []',
    ].join('\n');
    expect(pinProblems(bad)).toEqual([
      'not pinned to a SHA with a version comment: "      - uses: actions/checkout@v4"',
      `not pinned to a SHA with a version comment: "      - uses: actions/checkout@${githubActions.checkout.sha}"`,
      `SHA ${githubActions.checkout.sha} is pinned in versions.ts as actions/checkout ${githubActions.checkout.version}, not actions/setup-node ${githubActions.checkout.version}`,
    ]);
    expect(jobProblems(parse(bad))).toEqual(['job a has no permissions', 'job a has no timeout-minutes', 'job b: permission contents: admin']);
  });

  test.each(files)('%s: has a concurrency group (workflow or per job)', (f) => {
    const wf = parse(text(f));
    const jobGroups = Object.values<Record<string, unknown>>(wf.jobs).filter((j) => j.concurrency !== undefined);
    expect(wf.concurrency !== undefined || jobGroups.length > 0).toBe(true);
  });

  test.each(files)('%s: steps that read secrets never run for fork pull requests', (f) => {
    const wf = parse(text(f));
    const triggers = Object.keys(wf.on);
    for (const [id, job] of Object.entries<Record<string, unknown>>(wf.jobs)) {
      for (const step of (job.steps as Array<Record<string, unknown>>) ?? []) {
        const usesSecrets = JSON.stringify({ ...step, jobEnv: job.env }).includes('secrets.') && !JSON.stringify(step).includes('secrets.GITHUB_TOKEN');
        if (!usesSecrets) continue;
        if (triggers.includes('pull_request')) {
          // pull_request workflows: the step (or its job) is guarded by the same-repository condition.
          const guard = `${String(job.if ?? '')} ${String(step.if ?? '')}`;
          expect({ id, step: step.name, guarded: /github\.event\.pull_request\.head\.repo\.full_name == github\.repository|refs\/heads\/main/.test(guard) }).toEqual({ id, step: step.name, guarded: true });
        }
        if (triggers.includes('workflow_run')) {
          const guard = `${String(job.if ?? '')} ${String(step.if ?? '')}`;
          expect({ id, step: step.name, guarded: guard.includes('head_repository.full_name == github.repository') }).toEqual({ id, step: step.name, guarded: true });
        }
      }
    }
  });
});

/** Lines whose `uses:` is not `owner/repo@<sha from versions.ts> # <its version>`. */
function pinProblems(workflowText: string): string[] {
  // Sub-actions of one repository (actions/cache/restore and …/save) share a SHA: a SHA maps to its pins.
  const known = new Map<string, Array<{ action: string; version: string }>>();
  for (const a of Object.values(githubActions)) known.set(a.sha, [...(known.get(a.sha) ?? []), a]);
  const problems: string[] = [];
  for (const line of workflowText.split('\n').filter((l) => /^\s*(-\s+)?uses:/.test(l))) {
    const m = /uses:\s+([^@\s]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)$/.exec(line);
    if (!m) {
      problems.push(`not pinned to a SHA with a version comment: "${line}"`);
      continue;
    }
    const pins = known.get(m[2]) ?? [];
    if (!pins.some((pin) => pin.action === m[1] && pin.version === m[3])) {
      problems.push(pins.length
        ? `SHA ${m[2]} is pinned in versions.ts as ${pins.map((p) => `${p.action} ${p.version}`).join(', ')}, not ${m[1]} ${m[3]}`
        : `SHA ${m[2]} of ${m[1]} is not in versions.ts`);
    }
  }
  return problems;
}

/** Jobs without permissions or timeout-minutes, or with a permission level GitHub does not know. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function jobProblems(wf: any): string[] {
  const problems: string[] = [];
  for (const [id, job] of Object.entries<Record<string, unknown>>(wf.jobs)) {
    if (typeof job.permissions !== 'object' || job.permissions === null) problems.push(`job ${id} has no permissions`);
    if (typeof job['timeout-minutes'] !== 'number') problems.push(`job ${id} has no timeout-minutes`);
    for (const [scope, level] of Object.entries((job.permissions ?? {}) as Record<string, string>)) {
      if (!['read', 'write', 'none'].includes(level)) problems.push(`job ${id}: permission ${scope}: ${level}`);
    }
  }
  return problems;
}
