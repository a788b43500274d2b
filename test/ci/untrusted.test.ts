/**
 * Workflows for untrusted code (issue 18, item 5), checked on the committed `.github/workflows/*.yml`
 * (what GitHub runs; test-all's drift check keeps them equal to src/ci/).
 *
 * What these tests cannot check: a fork's pull request runs its OWN copy of the workflow files, so it
 * can write `runs-on: homelab` whatever ours say. That is stopped by repository and runner-group
 * settings, which `mlops doctor` reads (test/doctor/).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { HOMELAB_RUNNER } from '../../src/ci/lib/jobs';

const dir = join(__dirname, '..', '..', '.github', 'workflows');

interface Step { name?: string; run?: string; uses?: string; with?: Record<string, unknown>; env?: Record<string, unknown> }
interface Job { 'runs-on': unknown; 'env'?: Record<string, unknown>; 'steps'?: Step[]; 'concurrency'?: unknown }
interface Workflow { on: Record<string, unknown>; env?: Record<string, unknown>; concurrency?: unknown; jobs: Record<string, Job> }

const workflows: [string, Workflow][] = readdirSync(dir)
  .filter((f) => f.endsWith('.yml'))
  .map((f) => [f, parse(readFileSync(join(dir, f), 'utf8')) as Workflow]);

const PR_EVENTS = ['pull_request', 'pull_request_target'];
/** A value that carries a credential: any `secrets.*` or the workflow token. */
const SECRET = /\$\{\{[^}]*\b(secrets\.|github\.token\b)/i;

/**
 * Evaluates the small subset of GitHub expressions our `runs-on` values use: string literals,
 * `github.event_name` / `github.ref`, `==`, `!=`, `&&`, `||`, `!` and parentheses, with GitHub's
 * semantics (`a && b` is b when a is truthy, else a; `a || b` is a when truthy, else b). Anything else
 * throws, so a new construct fails the test instead of being misread.
 */
export function evaluate(expression: string, context: Record<string, string>): string | boolean {
  const tokens = expression.match(/'(?:[^']|'')*'|==|!=|&&|\|\||[()!]|[A-Za-z_][\w.-]*/g) ?? [];
  if (tokens.join('').replace(/\s/g, '') !== expression.replace(/\s/g, '')) throw new Error(`unsupported expression: ${expression}`);
  let i = 0;
  const truthy = (v: string | boolean) => v !== '' && v !== false;
  const primary = (): string | boolean => {
    const t = tokens[i++];
    if (t === '(') { const v = or(); if (tokens[i++] !== ')') throw new Error(`missing ) in ${expression}`); return v; }
    if (t === '!') return !truthy(primary());
    if (t?.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (t !== undefined && t in context) return context[t];
    throw new Error(`unsupported token ${t} in ${expression}`);
  };
  const comparison = (): string | boolean => {
    let left = primary();
    while (tokens[i] === '==' || tokens[i] === '!=') {
      const op = tokens[i++]; const right = primary();
      left = op === '==' ? String(left).toLowerCase() === String(right).toLowerCase() : String(left).toLowerCase() !== String(right).toLowerCase();
    }
    return left;
  };
  const and = (): string | boolean => { let l = comparison(); while (tokens[i] === '&&') { i++; const r = comparison(); l = truthy(l) ? r : l; } return l; };
  const or = (): string | boolean => { let l = and(); while (tokens[i] === '||') { i++; const r = and(); l = truthy(l) ? l : r; } return l; };
  const value = or();
  if (i !== tokens.length) throw new Error(`trailing tokens in ${expression}`);
  return value;
}

/** The runner labels a job gets for one event, with `${{ }}` evaluated. */
function labelsFor(runsOn: unknown, event: string): string[] {
  const values = Array.isArray(runsOn) ? runsOn : [runsOn];
  return values.map((v) => {
    const m = /^\$\{\{(.*)\}\}$/s.exec(String(v).trim());
    if (!m) return String(v);
    // A pull request's ref is refs/pull/N/merge: never the default branch.
    return String(evaluate(m[1], { 'github.event_name': event, 'github.ref': 'refs/pull/1/merge' }));
  });
}

describe('the expression subset used by runs-on', () => {
  const expr = "(github.event_name == 'push' && github.ref == 'refs/heads/main') && 'homelab' || 'ubuntu-24.04'";
  it('picks homelab only for a push to main', () => {
    expect(evaluate(expr, { 'github.event_name': 'push', 'github.ref': 'refs/heads/main' })).toBe('homelab');
    expect(evaluate(expr, { 'github.event_name': 'pull_request', 'github.ref': 'refs/heads/main' })).toBe('ubuntu-24.04');
    expect(evaluate("github.event_name != 'push' && 'homelab' || 'x'", { 'github.event_name': 'pull_request' })).toBe('homelab');
  });
  it('refuses what it cannot evaluate', () => {
    expect(() => evaluate("contains(github.event_name, 'pull')", { 'github.event_name': 'push' })).toThrow(/unsupported/);
  });
});

describe('our own pull-request jobs never run on the homelab runners', () => {
  const prWorkflows = workflows.filter(([, w]) => PR_EVENTS.some((e) => e in w.on));
  it('covers the pull-request-triggered workflows', () => {
    expect(prWorkflows.map(([f]) => f).sort()).toEqual(expect.arrayContaining(['dist-diff.yml', 'model-ci-ct-cd.yml', 'platform-ci.yml']));
  });
  for (const [file, w] of prWorkflows) {
    for (const event of PR_EVENTS.filter((e) => e in w.on)) {
      it(`${file} on ${event}`, () => {
        for (const [id, j] of Object.entries(w.jobs)) {
          expect({ job: id, labels: labelsFor(j['runs-on'], event) }).toEqual({ job: id, labels: expect.not.arrayContaining([HOMELAB_RUNNER]) });
        }
      });
    }
  }
  it('the homelab runners are still used by trusted events (the check is not vacuous)', () => {
    const model = workflows.find(([f]) => f === 'model-ci-ct-cd.yml')![1];
    expect(labelsFor(model.jobs.train['runs-on'], 'push').length).toBe(1);
    expect(evaluate(String(model.jobs.train['runs-on']).replace(/^\$\{\{|\}\}$/g, ''), { 'github.event_name': 'push', 'github.ref': 'refs/heads/main' })).toBe(HOMELAB_RUNNER);
  });
});

describe('secrets live at step level only', () => {
  it.each(workflows)('%s: no secret in workflow- or job-level env', (_file, w) => {
    const leaks = [
      ...Object.entries(w.env ?? {}).filter(([, v]) => SECRET.test(String(v))).map(([k]) => `workflow env ${k}`),
      ...Object.entries(w.jobs).flatMap(([id, j]) =>
        Object.entries(j.env ?? {}).filter(([, v]) => SECRET.test(String(v))).map(([k]) => `job ${id} env ${k}`)),
    ];
    expect(leaks).toEqual([]);
  });

  it.each(workflows)('%s: no step that installs npm packages holds a secret', (_file, w) => {
    const leaks = Object.entries(w.jobs).flatMap(([id, j]) => (j.steps ?? [])
      .filter((s) => /\bnpm\s+(ci|install|i)\b/.test(s.run ?? ''))
      .filter((s) => Object.values(s.env ?? {}).some((v) => SECRET.test(String(v))))
      .map((s) => `${id}: ${s.name}`));
    expect(leaks).toEqual([]);
  });

  it.each(workflows)('%s: no checkout persists credentials in .git/config (npm ci would run with them)', (_file, w) => {
    const persisting = Object.entries(w.jobs).flatMap(([id, j]) => (j.steps ?? [])
      .filter((s) => s.uses?.startsWith('actions/checkout@') && s.with?.['persist-credentials'] !== false)
      .map(() => id));
    expect(persisting).toEqual([]);
  });

  it.each(workflows)('%s: the GitHub App token is minted after npm ci, with explicit permissions only', (_file, w) => {
    for (const [id, j] of Object.entries(w.jobs)) {
      const steps = j.steps ?? [];
      const mint = steps.findIndex((s) => s.uses?.startsWith('actions/create-github-app-token@'));
      if (mint < 0) continue;
      const install = steps.findIndex((s) => /\bnpm\s+(ci|install)\b/.test(s.run ?? ''));
      expect({ job: id, mintedAfterInstall: install < 0 || mint > install }).toEqual({ job: id, mintedAfterInstall: true });
      expect(Object.keys(steps[mint].with ?? {}).filter((k) => k.startsWith('permission-')).length).toBeGreaterThan(0);
    }
  });

  it('the detector sees the forms we use', () => {
    expect(SECRET.test('${{ secrets.GEMINI_API_KEY }}')).toBe(true);
    expect(SECRET.test('${{ github.token }}')).toBe(true);
    expect(SECRET.test('${{ vars.PROMETHEUS_URL }}')).toBe(false);
  });
});

describe('analyses are queued, never cancelled by a later run', () => {
  const analyses = workflows.filter(([f]) => ['alert-analysis.yml', 'drift-analysis.yml', 'triage.yml'].includes(f));
  it('finds the three analysis workflows', () => expect(analyses).toHaveLength(3));

  /**
   * A concurrency block loses runs unless it is absent, queues (queue: max) without cancel-in-progress,
   * or is keyed on the gateway's outbox entry (distinct notifications never share a group).
   */
  function losesRuns(c: unknown): boolean {
    if (c === undefined) return false;
    if (typeof c === 'object' && /^\$\{\{ github\.workflow \}\}-\$\{\{ github\.event\.client_payload\.outboxId \|\| github\.run_id \}\}$/.test(String((c as Record<string, unknown>).group))
      && (c as Record<string, unknown>)['cancel-in-progress'] === false) return false;
    if (typeof c === 'string') return true; // shorthand: one pending run, replaced by the next
    const block = c as Record<string, unknown>;
    return block['cancel-in-progress'] !== false || block.queue !== 'max';
  }

  it.each(analyses)('%s', (_file, w) => {
    const losing = [
      ...(losesRuns(w.concurrency) ? ['workflow'] : []),
      ...Object.entries(w.jobs).filter(([, j]) => losesRuns(j.concurrency)).map(([id]) => id),
    ];
    expect(losing).toEqual([]);
  });

  it('alert-analysis groups per outbox entry, not per alert group: every notification runs', () => {
    const group = String((workflows.find(([f]) => f === 'alert-analysis.yml')![1].concurrency as Record<string, unknown>).group);
    expect(group).toContain('client_payload.outboxId');
    expect(group).not.toContain('groupKey');
  });

  it('the check rejects the shapes that lose runs', () => {
    expect(losesRuns({ 'group': 'g', 'cancel-in-progress': false })).toBe(true);
    expect(losesRuns({ 'group': 'g', 'cancel-in-progress': true })).toBe(true);
    expect(losesRuns('g')).toBe(true);
    expect(losesRuns({ 'group': 'g', 'cancel-in-progress': false, 'queue': 'max' })).toBe(false);
    expect(losesRuns({ 'group': '${{ github.workflow }}-${{ github.event.client_payload.group.groupKey || github.run_id }}', 'cancel-in-progress': false })).toBe(true);
  });
});
