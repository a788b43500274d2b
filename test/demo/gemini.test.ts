import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { leftovers, startDemo } from './harness';
import { GATEWAY_TOKEN, GITHUB_TOKEN } from '../../demo/common';
import { GeminiFake, startGeminiFake } from '../fakes/gemini';

/**
 * "With GEMINI_API_KEY set, the same demo uses Gemini": the whole demo (short: one alert analysis, one
 * drift analysis whose command holds GATEWAY_TOKEN and GITHUB_TOKEN, three triages) against the
 * loopback Gemini fake, with the real @google/genai client of the analysis commands (GEMINI_BASE_URL).
 * The reports say gemini, the fake received every prompt, and none of the demo's secrets reached it.
 */
/** An evidence line the drift analysis computes for the demo's injected drift (8 of 15 features): the fake cites it. */
const DRIFT_EVIDENCE = 'shareDrifted: 0.533 (8/15 features), datasetDrift: true';
const GEMINI_KEY = 'AIzaDemoTestKey-7f3a9c1e5b2d4f60';
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-demo-gemini-'));
let gemini: GeminiFake;
let stdout = '';
let code: number | null = null;
const read = (rel: string) => JSON.parse(fs.readFileSync(path.join(out, rel), 'utf8'));

beforeAll(async () => {
  gemini = await startGeminiFake({
    apiKey: GEMINI_KEY,
    // Valid for the three answer schemas: the alert analysis' (summary, causes), the triage's (summary,
    // rootCause, remediation) and the drift analysis' (explanation, citedEvidence); each drops the other keys.
    fallback: {
      kind: 'json',
      value: {
        summary: 'Explained by the Gemini fake.',
        rootCause: 'Root cause as worded by the Gemini fake.',
        remediation: 'Remediation as worded by the Gemini fake.',
        causes: [],
        explanation: 'Drift explained by the Gemini fake.',
        citedEvidence: [DRIFT_EVIDENCE],
      },
    },
  });
  const run = startDemo(['--short', '--no-synth', '--out', out], { GEMINI_API_KEY: GEMINI_KEY, GEMINI_BASE_URL: gemini.url });
  ({ code } = await run.exited);
  stdout = run.stdout();
}, 540_000);

afterAll(async () => {
  await gemini?.close();
});

test('the demo exits 0 with the Gemini provider and leaves nothing behind', async () => {
  expect({ code, stdout }).toMatchObject({ code: 0 });
  expect(read('summary.json')).toMatchObject({ provider: 'gemini' });
  expect(await leftovers(stdout)).toEqual({ processes: [], ports: [] });
});

test('every report was explained by Gemini, without falling back', () => {
  const reports = ['latency/report.json', 'drift/report.json', 'pipeline/unit-test/report.json', 'pipeline/sast/report.json', 'pipeline/gate/report.json'].map(read);
  for (const r of reports) {
    expect(r).toMatchObject({ provider: 'gemini' });
    expect(r.fallbackReason).toBeUndefined();
  }
  // Code still decides: the facts are the same as offline.
  expect(reports[0]).toMatchObject({ kind: 'alert', alertname: 'InferenceLatencyHigh', topCause: 'fault-injection' });
  expect(reports[1]).toMatchObject({ kind: 'drift', trigger: ['PredictionDistributionShift'], rootCause: 'data-drift', urgency: 'P1' });
  expect(reports.slice(2).map((r) => r.failureType)).toEqual(['unit-test', 'sast', 'model-validation']);
  // The wording is Gemini's.
  expect(reports[0].summary).toBe('Explained by the Gemini fake.');
  expect(reports[1].explanation).toBe('Drift explained by the Gemini fake.');
});

test('the Gemini fake received each analysis\' prompt, and no secret', () => {
  const prompts = gemini.prompts();
  expect(prompts).toHaveLength(5);
  expect(prompts[0]).toContain('InferenceLatencyHigh');
  expect(prompts[0]).toContain('artificial delay 800ms enabled');
  expect(prompts[1]).toContain(DRIFT_EVIDENCE);
  expect(prompts[1]).toContain('credit_utilization');
  expect(prompts.slice(2).join('\n')).toContain('test_demo_regression.py');
  expect(prompts.slice(2).join('\n')).toContain('B602');
  expect(gemini.requests.every((r) => r.headers['x-goog-api-key'] === GEMINI_KEY)).toBe(true);
  // Everything the fake received except the one header that must carry the key.
  const received = gemini.requests.map((r) => [r.method, r.url.toString(), JSON.stringify({ ...r.headers, 'x-goog-api-key': undefined }), r.body].join('\n')).join('\n');
  for (const secret of [GEMINI_KEY, GATEWAY_TOKEN, GITHUB_TOKEN]) expect(received).not.toContain(secret);
  expect(received.length).toBeGreaterThan(1000);
  // Nor in what the demo wrote: reports, summary, HTML, the outbox of would-be posts.
  const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  const written = files(out).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  expect(written).toContain('Drift explained by the Gemini fake.');
  for (const secret of [GEMINI_KEY, GATEWAY_TOKEN, GITHUB_TOKEN]) expect(written).not.toContain(secret);
});
