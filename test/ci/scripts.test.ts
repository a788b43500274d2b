import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readModelMetadata } from '../../src/ci/lib/model';
import { retrainDispatchPayloadSchema, retrainWindow } from '../../src/contracts/dispatch';

/**
 * The shell/Python glue inside the committed workflows, executed for real with bash and python in
 * a temporary directory (as a runner would), with GITHUB_OUTPUT pointing at a file.
 */
const workflowsDir = join(__dirname, '../../.github/workflows');
type Step = { id?: string; name?: string; run?: string };
function step(workflow: string, jobId: string, id: string): string {
  const wf = parse(readFileSync(join(workflowsDir, `${workflow}.yml`), 'utf8'));
  const found = (wf.jobs[jobId].steps as Step[]).find((s) => s.id === id);
  if (!found?.run) throw new Error(`${workflow}.yml: job ${jobId} has no step ${id} with a run script`);
  return found.run;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  dir: string;
}

function run(script: string, env: Record<string, string>, files: Record<string, string> = {}): Ran {
  const dir = mkdtempSync(join(tmpdir(), 'ci-step-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const outputFile = join(dir, 'github-output');
  writeFileSync(outputFile, '');
  const summary = join(dir, 'step-summary');
  // GitHub runs `run:` with `bash -e {0}`.
  const r = spawnSync('bash', ['-e', '-c', script], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summary, ...env },
  });
  const outputs: Record<string, string> = {};
  for (const line of readFileSync(outputFile, 'utf8').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) outputs[line.slice(0, i)] = line.slice(i + 1);
  }
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, outputs, dir };
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

describe('retrain: request validation (model, window)', () => {
  const script = step('retrain', 'train', 'window');

  test('a duration back from now', () => {
    const r = run(script, { MODEL: 'credit-risk', WINDOW: '7d' });
    expect(r.code).toBe(0);
    expect(r.outputs.model).toBe('credit-risk');
    expect(r.outputs.from).toMatch(ISO);
    expect(r.outputs.to).toMatch(ISO);
    const days = (Date.parse(r.outputs.to) - Date.parse(r.outputs.from)) / 86_400_000;
    expect(days).toBeCloseTo(7, 1);
    expect((Date.parse(r.outputs.to) - Date.parse(run(script, { MODEL: 'm', WINDOW: '36h' }).outputs.from)) / 3_600_000).toBeCloseTo(36, 0);
  });

  test('an explicit FROM/TO interval', () => {
    const r = run(script, { MODEL: 'credit-risk', WINDOW: '2026-11-01T00:00:00Z/2026-11-08T12:00:00Z' });
    expect(r.code).toBe(0);
    expect([r.outputs.from, r.outputs.to]).toEqual(['2026-11-01T00:00:00Z', '2026-11-08T12:00:00Z']);
  });

  // What drift analysis sends on P0 (src/drift/actions.ts builds client_payload.window with retrainWindow) is
  // exactly what this step reads: an object would reach it as the text "Object" and exit 2.
  test.each([
    ['a window with both ends', { from: '2026-11-30T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' }, ['2026-11-30T00:00:00Z', '2026-12-01T00:00:00Z']],
    ['a window without timestamps (CSV files)', { from: null, to: null }, undefined],
  ])('the P0 dispatch payload\'s window: %s', (_name, window, expected) => {
    const payload = retrainDispatchPayloadSchema.parse({
      model: 'credit-risk', window: retrainWindow(window), urgency: 'P0', rootCause: 'concept-drift', affectedFeatures: [], dedupeKey: 'k',
    });
    const r = run(script, { MODEL: payload.model, WINDOW: payload.window });
    expect(r.code).toBe(0);
    if (expected) expect([r.outputs.from, r.outputs.to]).toEqual(expected);
    else expect((Date.parse(r.outputs.to) - Date.parse(r.outputs.from)) / 86_400_000).toBeCloseTo(7, 1);
    expect(run(script, { MODEL: 'credit-risk', WINDOW: String({ from: 'x' }) }).code).toBe(2);
  });

  test.each([
    ['credit-risk; curl evil', '7d', 'is not a registered model name'],
    ['Credit-Risk', '7d', 'is not a registered model name'],
    ['credit-risk', 'last week', 'is neither a duration'],
    ['credit-risk', '7d; rm -rf /', 'is neither a duration'],
  ])('rejects model "%s" window "%s" with exit 2', (model, window, message) => {
    const r = run(script, { MODEL: model, WINDOW: window });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(message);
    expect(r.outputs).toEqual({});
  });
});

describe('retrain: training set = original data + labelled captures', () => {
  const script = step('retrain', 'train', 'training-set');
  const original = 'age,income,region,label\n30,1000,north,0\n45,2000,south,1\n';

  test('appends labelled captures only, in the original columns', () => {
    const captures = [
      { features: { age: 51, income: 3000, region: 'east' }, prediction: 1, label: 1 },
      { features: { age: 22, income: 500, region: 'west' }, prediction: 0, label: null },
      { features: { age: 33, income: 800, region: 'north', extra: 'ignored' }, prediction: 1, label: 0 },
    ].map((c) => JSON.stringify(c)).join('\n') + '\n\n';
    const r = run(script, {}, { 'original.csv': original, 'captures.ndjson': captures });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('training set: 2 original + 2 labelled captured rows');
    expect(readFileSync(join(r.dir, 'training.csv'), 'utf8').trim().split(/\r?\n/)).toEqual([
      'age,income,region,label', '30,1000,north,0', '45,2000,south,1', '51,3000,east,1', '33,800,north,0',
    ]);
  });

  test('a capture without a feature the model needs fails, naming the line', () => {
    const r = run(script, {}, { 'original.csv': original, 'captures.ndjson': `${JSON.stringify({ features: { age: 1 }, label: 1 })}\n` });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("captures.ndjson line 1: features missing ['income', 'region']");
  });
});

describe('drift-analysis: the online analysis step', () => {
  const script = step('drift-analysis', 'analyze', 'analyze');
  // A stand-in `npx` on PATH records the command line the step builds and writes a report.
  const withFakeNpx = (env: Record<string, string>) => {
    const bin = mkdtempSync(join(tmpdir(), 'ci-bin-'));
    dirs.push(bin);
    writeFileSync(join(bin, 'npx'), '#!/bin/sh\nprintf "%s\\n" "$@" > npx-args\nmkdir -p drift-report && echo "# report" > drift-report/report.md\necho "{}"\n', { mode: 0o755 });
    // A stand-in `curl` records its arguments and the header files it is given (`-H @file`: the token's way in).
    writeFileSync(join(bin, 'curl'), '#!/bin/bash\nprintf "%s\\n" "$@" > curl-args\nprev=\nfor a in "$@"; do if [ "$prev" = -H ] && [ "${a#@}" != "$a" ]; then cat "${a#@}" >> curl-headers; fi; prev=$a; done\necho \'{"recorded":true}\'\n', { mode: 0o755 });
    return run(script, {
      PATH: `${bin}:${process.env.PATH}`,
      GATEWAY_URL: 'http://gateway.mlops:8080',
      GATEWAY_TOKEN: 'x',
      MLFLOW_TRACKING_URI: 'http://mlflow:5000',
      MODEL: 'credit-risk',
      WINDOW_HOURS: '24',
      GITHUB_EVENT_PATH: '/github/workflow/event.json',
      ...env,
    });
  };

  test('dispatched by the gateway: online mode with the triggering alert group, --act', () => {
    const r = withFakeNpx({ EVENT_NAME: 'repository_dispatch' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(join(r.dir, 'npx-args'), 'utf8').trim().split('\n')).toEqual([
      'mlops', 'analyze-drift', '--gateway-url', 'http://gateway.mlops:8080', '--mlflow-url', 'http://mlflow:5000', '--window-hours', '24',
      '--model-name', 'credit-risk', '--alert', '/github/workflow/event.json', '--json', '--out', 'drift-report', '--act',
    ]);
    expect(readFileSync(join(r.dir, 'step-summary'), 'utf8')).toContain('# report');
  });

  test('a successful analysis reports itself to the gateway: POST /v1/drift-runs, the token only in a header file', () => {
    const r = withFakeNpx({ EVENT_NAME: 'schedule', GATEWAY_TOKEN: 'gw-secret-token-123' });
    expect(r.code).toBe(0);
    const args = readFileSync(join(r.dir, 'curl-args'), 'utf8').trim().split('\n');
    expect(args).toEqual(expect.arrayContaining(['--fail-with-body', '-X', 'POST', 'http://gateway.mlops:8080/v1/drift-runs']));
    expect(JSON.parse(args[args.indexOf('--data') + 1])).toEqual({ model: 'credit-risk', status: 'success', finishedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) });
    expect(readFileSync(join(r.dir, 'curl-headers'), 'utf8')).toBe('Authorization: Bearer gw-secret-token-123\n');
    expect(args.join(' ')).not.toContain('gw-secret-token-123');
    expect(r.stdout + r.stderr).not.toContain('gw-secret-token-123');
  });

  test('on the schedule: no --alert', () => {
    const r = withFakeNpx({ EVENT_NAME: 'schedule' });
    expect(r.code).toBe(0);
    expect(readFileSync(join(r.dir, 'npx-args'), 'utf8')).not.toContain('--alert');
  });

  test('a missing setting fails the step, naming it', () => {
    const r = withFakeNpx({ EVENT_NAME: 'schedule', MLFLOW_TRACKING_URI: '' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('::error::MLFLOW_TRACKING_URI is not set');
  });
});

describe('training result → job outputs', () => {
  const script = readModelMetadata('artifacts/model-metadata.json').join('\n');
  const write = (meta: object) => ({ 'model-metadata.json': JSON.stringify(meta) });

  test('mlflowVersion and runId become model-version and run-id', () => {
    const r = run(`mkdir -p artifacts && mv model-metadata.json artifacts/\n${script}`, {}, write({ mlflowModel: 'credit-risk', mlflowVersion: '7', runId: 'abc123' }));
    expect(r.code).toBe(0);
    expect(r.outputs).toEqual({ 'model-version': '7', 'run-id': 'abc123' });
  });

  test('a model that was not registered in MLflow fails the job instead of releasing version 0', () => {
    const r = run(`mkdir -p artifacts && mv model-metadata.json artifacts/\n${script}`, {}, write({ mlflowVersion: '0', runId: 'none' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('artifacts/model-metadata.json: no MLflow registration (mlflowVersion, runId)');
    expect(r.outputs).toEqual({});
  });
});

describe('model-ci-ct-cd: Gitleaks scans the commits the event brings', () => {
  const script = step('model-ci-ct-cd', 'secrets', 'gitleaks');
  // A stand-in for the verified binary that records its arguments (the real one needs the network).
  const fakeGitleaks = '#!/bin/sh\necho "$@" > gitleaks-args\n';

  function repoWithTwoCommits(): { dir: string; first: string } {
    const r = run('git init -q . && git -c user.name=t -c user.email=t@t commit -q --allow-empty -m one && git -c user.name=t -c user.email=t@t commit -q --allow-empty -m two && git rev-parse HEAD~1', {}, { gitleaks: fakeGitleaks });
    expect(r.code).toBe(0);
    return { dir: r.dir, first: r.stdout.trim() };
  }

  function scan(dir: string, base: string): string {
    const r = spawnSync('bash', ['-e', '-c', `chmod +x gitleaks\n${script}`], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', BASE_SHA: base } });
    expect(r.status).toBe(0);
    return readFileSync(join(dir, 'gitleaks-args'), 'utf8').trim();
  }

  test('a pull request or push with a known base scans base..HEAD', () => {
    const { dir, first } = repoWithTwoCommits();
    expect(scan(dir, first)).toBe(`git --redact --verbose --exit-code 1 --report-format sarif --report-path gitleaks.sarif --log-opts=${first}..HEAD .`);
  });

  test('a first push (zero SHA), a base missing from the clone or a manual run scans all history', () => {
    const { dir } = repoWithTwoCommits();
    for (const base of ['0000000000000000000000000000000000000000', 'f'.repeat(40), '']) {
      expect(scan(dir, base)).toBe('git --redact --verbose --exit-code 1 --report-format sarif --report-path gitleaks.sarif --log-opts=HEAD .');
    }
  });
});

describe('triage: the posting job\'s concurrency key', () => {
  const script = step('triage', 'analyze', 'report');
  const files = (report: object) => ({ 'report.json': JSON.stringify(report), 'report.md': '# report\n' });
  const prep = 'mkdir -p triage-report && mv report.json report.md triage-report/\n';

  test('is the report\'s dedupeKey, restricted to a safe character set', () => {
    const r = run(prep + script, { RUN_ID: '42' }, files({ dedupeKey: 'model-ci-ct-cd/test/pytest-failure:abc$(x) "y"' }));
    expect(r.code).toBe(0);
    expect(r.outputs['dedupe-key']).toBe('model-ci-ct-cd_test_pytest-failure:abc__x___y_');
  });

  test('falls back to the run id when the report has none', () => {
    const r = run(prep + script, { RUN_ID: '42' }, files({}));
    expect(r.outputs['dedupe-key']).toBe('run-42');
  });
});
