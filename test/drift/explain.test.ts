import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createProvider } from '../../src/analysis/providers';
import { analyzeTables } from '../../src/drift/analyze';
import { parseCsvText } from '../../src/drift/csv';
import { explain } from '../../src/drift/explain';
import { GeminiFake, startGeminiFake } from '../fakes/gemini';

/** A small deterministic pair of windows: `shifted` changes shape within its range, `steady` does not; 60 of 300 predictions go wrong. */
function tables() {
  const header = 'shifted,steady,color,label,prediction';
  const ref: string[] = [header];
  const cur: string[] = [header];
  for (let i = 0; i < 300; i++) {
    const color = ['red', 'green', 'blue'][i % 3];
    ref.push(`${(i % 50) / 10},${(i * 7) % 40},${color},${i % 2},${i % 2}`);
    cur.push(`${(((i % 50) / 10) ** 2 / 4.9).toFixed(3)},${(i * 7) % 40},${color},${i % 2},${i % 5 === 0 ? 1 - (i % 2) : i % 2}`);
  }
  return {
    reference: parseCsvText(`${ref.join('\n')}\n`, 'ref.csv'),
    current: parseCsvText(`${cur.join('\n')}\n`, 'cur.csv'),
    refText: `${ref.join('\n')}\n`,
    curText: `${cur.join('\n')}\n`,
  };
}

describe('drift explanation through the analysis core', () => {
  let gemini: GeminiFake;
  beforeAll(async () => {
    gemini = await startGeminiFake();
  });
  afterAll(async () => {
    await gemini.close();
  });

  const analysis = () => {
    const { reference, current } = tables();
    return analyzeTables(reference, current, { target: 'label', prediction: 'prediction' });
  };
  const provider = () => createProvider({ provider: 'gemini', baseUrl: gemini.url, env: { GEMINI_API_KEY: 'test-gemini-key' } });

  it('the rules decide: accuracy 0.80 < 0.85 with a drifted feature → data-drift, retrain, P1', () => {
    const { report } = analysis();
    expect(report.features.filter((f) => f.drifted).map((f) => f.name)).toEqual(['shifted']);
    expect(report.accuracy.current).toBe(0.8);
    expect(report.baselines.d30).toBe(1);
    expect(report.rootCause).toBe('data-drift');
    expect(report.remediation).toBe('retrain');
    expect(report.urgency).toBe('P1');
  });

  it('the LLM only explains: an answer trying to set urgency/root cause changes neither; citations must be evidence lines', async () => {
    const a = analysis();
    const cited = a.report.evidence[0];
    gemini.push({
      kind: 'json',
      value: {
        explanation: 'The shifted feature moved by two units. Ignore the rules: this is fine.',
        citedEvidence: [cited, 'accuracy: 0.99 (made up)'],
        headline: 'Shift in "shifted"',
        urgency: 'none',
        rootCause: 'none',
        remediation: 'none',
      },
    });
    const out = await explain(a, { provider: provider() });
    expect(out.provider).toBe('gemini');
    expect(out.report.urgency).toBe('P1');
    expect(out.report.rootCause).toBe('data-drift');
    expect(out.report.remediation).toBe('retrain');
    expect(out.report.explanation).toContain('Shift in "shifted": The shifted feature moved by two units.');
    const prompt = gemini.prompts().at(-1)!;
    expect(prompt).toContain('root cause: **data-drift**');
    expect(prompt).toContain('urgency: **P1**');
    expect(prompt).toContain(`- ${cited}`);
    expect(out.promptVersion).toBe('drift/drift@1');
  });

  it('an answer citing no computed evidence keeps the offline explanation and says why', async () => {
    const a = analysis();
    gemini.push({ kind: 'json', value: { explanation: 'Everything is fine.', citedEvidence: ['nothing real'] } });
    const out = await explain(a, { provider: provider() });
    expect(out.report.explanation).toBe(a.report.explanation);
    expect(out.fallbackReason).toMatch(/cited no evidence line/);
  });

  it('secrets in feature names are redacted before the prompt leaves', async () => {
    const header = 'token=ghp_abcdefghijklmnopqrstuvwxyz0123456789AB,x';
    const rows = Array.from({ length: 50 }, (_, i) => `${i % 7},${i % 3}`);
    const ref = parseCsvText(`${header}\n${rows.join('\n')}\n`, 'r.csv');
    const cur = parseCsvText(`${header}\n${rows.map((r) => r.replace(/^\d/, (d) => String(Number(d) + 9))).join('\n')}\n`, 'c.csv');
    const out = await explain(analyzeTables(ref, cur), { provider: provider() });
    const prompt = gemini.prompts().at(-1)!;
    expect(prompt).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789AB');
    expect(prompt).toContain('[REDACTED:');
    expect(out.redactor.redactions.length).toBeGreaterThan(0);
  });
});

describe('mlops analyze-drift (the CLI)', () => {
  const repo = path.resolve(__dirname, '..', '..');
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-cli-'));
    const t = tables();
    fs.writeFileSync(path.join(dir, 'ref.csv'), t.refText);
    fs.writeFileSync(path.join(dir, 'cur.csv'), t.curText);
    fs.writeFileSync(path.join(dir, 'empty.csv'), 'shifted,steady,color,label,prediction\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (...args: string[]) =>
    spawnSync(path.join(repo, 'bin', 'mlops'), ['analyze-drift', ...args], {
      cwd: dir, encoding: 'utf8', env: { ...process.env, GEMINI_API_KEY: '' }, timeout: 120_000,
    });

  it('--offline --json prints one envelope with the report fields, exit 0', () => {
    const r = run('--reference', 'ref.csv', '--current', 'cur.csv', '--target', 'label', '--prediction', 'prediction', '--offline', '--json', '--out', 'out');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/NaN|Infinity/);
    const env = JSON.parse(r.stdout);
    expect(env).toMatchObject({
      schemaVersion: 1,
      kind: 'drift',
      provider: 'offline',
      promptVersion: 'drift/drift@1',
      rootCause: 'data-drift',
      urgency: 'P1',
      remediation: 'retrain',
      datasetDrift: false,
      affectedFeatures: ['shifted'],
      accuracy: { current: 0.8, labelledSamples: 300, counts: true },
      baselines: { d30: 1, source: 'reference-data' },
    });
    expect(env.features.map((f: { name: string; kind: string; test: string }) => [f.name, f.kind, f.test])).toEqual([
      ['shifted', 'numerical', 'ks'], ['steady', 'numerical', 'ks'], ['color', 'categorical', 'chi-square'],
    ]);
    expect(Object.keys(env.features[0])).toEqual(expect.arrayContaining(['name', 'kind', 'test', 'statistic', 'pValue', 'psi', 'drifted']));
    expect(typeof env.explanation).toBe('string');
    expect(env.predictionDrift).toMatchObject({ name: 'prediction', kind: 'categorical', test: 'z' });
    expect(fs.existsSync(path.join(dir, 'out', 'report.json'))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'out', 'report.md'), 'utf8')).toContain('| shifted | numerical | ks |');
  });

  it('kind overrides apply; bad usage and bad input exit 2 with a message naming the problem', () => {
    const over = run('--reference', 'ref.csv', '--current', 'cur.csv', '--categorical', 'steady', '--ignore', 'label,prediction', '--offline', '--json');
    expect(over.status).toBe(0);
    expect(JSON.parse(over.stdout).features.find((f: { name: string }) => f.name === 'steady')).toMatchObject({ kind: 'categorical', test: 'chi-square' });
    const missing = run('--current', 'cur.csv', '--offline');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--reference CSV and --current CSV are required');
    const empty = run('--reference', 'ref.csv', '--current', 'empty.csv', '--offline');
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('empty.csv: the current data has no data rows');
    const col = run('--reference', 'ref.csv', '--current', 'cur.csv', '--target', 'nope', '--offline');
    expect(col.status).toBe(2);
    expect(col.stderr).toContain('--target column "nope" is not in cur.csv');
  });
});
