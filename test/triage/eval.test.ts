import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './support/cli';
import { loadCorpus, PLANTS } from '../../src/triage/eval/corpus';
import { evaluate } from '../../src/triage/eval/score';

const CORPUS = path.join(__dirname, '..', 'fixtures', 'triage', 'corpus');

/**
 * The shipped corpus (test/fixtures/triage/corpus, made by scripts/triage-corpus/make.py running
 * the real tools; expected.json derived from each tool's own report) scored by `mlops eval triage`
 * with the thresholds. `heldout/` holds cases no parser was written against.
 */
describe('mlops eval triage over the shipped corpus', () => {
  test.each(['dev', 'heldout', 'heldout-2'])('%s: type ≥ 95 %%, findings ≥ 90 %%, no leak, no injected mention', async (set) => {
    const r = await runCli(['eval', 'triage', '--corpus', path.join(CORPUS, set), '--min-type', '0.95', '--min-findings', '0.90']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/type accuracy .* finding recall .* leaks 0 · injected mentions 0/);
    expect(r.code).toBe(0);
  });

  test('the corpus has at least 60 cases, most of them from real tool runs', () => {
    const cases = loadCorpus(CORPUS);
    expect(cases.length).toBeGreaterThanOrEqual(60);
    const fromTools = cases.filter((c) => c.expected.derivedFrom && c.expected.derivedFrom !== 'scenario' && !c.expected.source);
    expect(fromTools.length / cases.length).toBeGreaterThan(0.5);
    // Planted secrets and injections exist, so "0 leaks, 0 injected" measures something.
    expect(cases.filter((c) => c.expected.planted?.secrets.length).length).toBeGreaterThanOrEqual(3);
    expect(cases.filter((c) => c.expected.planted?.mentions.length).length).toBeGreaterThanOrEqual(2);
    // Planted values are stored as placeholders (no scanner-flagged string in git) and reach triage real.
    const planted = cases.find((c) => c.name.endsWith('pytest-planted-secret-injection'))!;
    expect(planted.log).toContain(PLANTS['github-token']);
    expect(planted.expected.planted?.secrets).toEqual([PLANTS['github-token']]);
    expect(planted.log).not.toContain('{{plant:');
  });

  test('--json gives per-case results; --logs-only scores the log parsers alone', async () => {
    const r = await runCli(['eval', 'triage', '--corpus', path.join(CORPUS, 'dev'), '--json', '--logs-only', '--min-type', '0', '--min-findings', '0']);
    const s = JSON.parse(r.stdout);
    expect(s.cases).toBeGreaterThanOrEqual(60);
    // Cases whose facts exist only in an artifact (the log says "leaks found: 1") miss them log-only.
    expect(s.results.find((x: { name: string }) => x.name === 'gitleaks-json-artifact').missing).toContain('generic-api-key');
    expect(r.code).toBe(0);
  });
});

describe('eval scoring can fail', () => {
  let dir: string;
  const job = (lines: string[]) =>
    ['##[group]Run pytest -q', '##[endgroup]', ...lines, '##[error]Process completed with exit code 1.'].map((l, i) => `2026-11-30T10:00:0${i % 10}.0000000Z ${l}`).join('\n');
  const writeCase = (name: string, log: string, expected: unknown) => {
    fs.mkdirSync(path.join(dir, name), { recursive: true });
    fs.writeFileSync(path.join(dir, name, 'job.log'), log);
    fs.writeFileSync(path.join(dir, name, 'expected.json'), JSON.stringify(expected));
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eval-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a wrong type, a missing key, a leaked plant and a verbatim mention are each counted; exit 1', async () => {
    // A "secret" no redaction pattern knows, and a mention inside a file path (not neutralised there).
    writeCase('t', job(['FAILED tests/test_a.py::test_x - assert 1 == 2', '1 failed in 0.01s']), {
      type: 'lint',
      findings: ['test_x', 'no-such-key'],
      planted: { secrets: ['assert 1 == 2'], mentions: ['tests/test_a.py'] },
    });
    const s = await evaluate(loadCorpus(dir));
    expect(s.typeAccuracy).toBe(0);
    expect(s.findingRecall).toBe(0.5);
    expect(s.leaks).toBe(1);
    expect(s.injected).toBe(1);
    const r = await runCli(['eval', 'triage', '--corpus', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/t: type unit-test \(expected lint\); missing "no-such-key"; LEAKED 1 planted secret\(s\); INJECTED tests\/test_a.py/);
  });

  test('bad input exits 2 and names the problem', async () => {
    expect((await runCli(['eval', 'triage', '--corpus', path.join(dir, 'nope')])).stderr).toMatch(/nope is not a directory/);
    expect((await runCli(['eval', 'triage', '--corpus', dir])).code).toBe(2);
    writeCase('bad', job([]), { type: 'flaky', findings: [] });
    const r = await runCli(['eval', 'triage', '--corpus', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\/expected.json: type: /);
    expect((await runCli(['eval', 'triage', '--corpus', CORPUS, '--min-type', '1.5'])).stderr).toMatch(/--min-type must be a ratio/);
  });
});
