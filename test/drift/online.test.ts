import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EpisodeStore } from '../../src/drift/episodes';
import { driftMarkdown } from '../../src/drift/render';
import { defaultRuleConfig } from '../../src/drift/rules';
import { onlineAnalysis } from '../../src/drift/run-online';
import { createCaptureModule } from '../../src/gateway/capture';
import { loadGatewayConfig } from '../../src/gateway/config';
import { silentLogger } from '../../src/gateway/logger';
import { startGateway, type RunningGateway } from '../../src/gateway/server';
import { seededRandom } from '../support/random';

/**
 * The online mode end to end through the real gateway: payload-logger events and feedback go in over HTTP,
 * the analysis reads them back only through GET /v1/captures.
 */

const NOW = Date.parse('2026-09-01T12:00:00Z');
const DAY = 86_400_000;
const TOKEN = 'gw-online-token-0123456789';
let clock = NOW;
let gw: RunningGateway;
let dir: string;

const rand = seededRandom(42);
const normal = () => Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());

async function send(ceId: string, type: 'request' | 'response', requestId: string, time: number, body: unknown): Promise<void> {
  const res = await fetch(`${gw.url}/webhooks/kserve`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': ceId,
      'ce-source': 'http://localhost:9081/',
      'ce-type': `org.kubeflow.serving.inference.${type}`,
      'ce-time': new Date(time).toISOString(),
      'ce-inferenceservicename': 'credit-risk',
      'ce-namespace': 'ml-serving',
      'ce-component': 'predictor',
      'ce-endpoint': '',
      'ce-metadata': JSON.stringify({ 'X-Request-Id': [requestId] }),
    },
    body: JSON.stringify(body),
  });
  if (res.status !== 202) throw new Error(`capture answered ${res.status}: ${await res.text()}`);
}

/** One request of 10 instances at `time`; `shift` moves feature x; `rightShare` of predictions match the label. */
async function request(time: number, shift: number, rightShare: number): Promise<void> {
  const requestId = randomUUID();
  const ceId = randomUUID();
  const instances = Array.from({ length: 10 }, () => ({ x: normal() + shift, y: normal() * 3, c: ['a', 'b', 'c'][Math.floor(rand() * 3)] }));
  const labels = instances.map(() => (rand() < 0.5 ? 1 : 0));
  const predictions = labels.map((l) => (rand() < rightShare ? l : 1 - l));
  await send(ceId, 'request', requestId, time, { instances });
  await send(ceId, 'response', requestId, time + 5, { predictions, probabilities: predictions.map((p) => [1 - p, p]) });
  const fb = await fetch(`${gw.url}/feedback`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'authorization': `Bearer ${TOKEN}` }, body: JSON.stringify({ requestId, labels }),
  });
  if (fb.status !== 200) throw new Error(`feedback answered ${fb.status}`);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-online-'));
  const config = loadGatewayConfig(
    { port: '0', host: '127.0.0.1', githubRepository: 'acme/model', stateDir: path.join(dir, 'gw') },
    { GATEWAY_TOKEN: TOKEN, GITHUB_TOKEN: 'ghs_unused' },
  );
  gw = await startGateway(config, { logger: silentLogger, modules: [createCaptureModule({ now: () => clock })] });
  // Baseline: 40 requests over days 2–25 before now, 95 % right; current window: 30 requests, x shifted, 70 % right.
  for (let i = 0; i < 40; i++) await request(NOW - 2 * DAY - i * 14 * 3_600_000, 0, 0.95);
  for (let i = 0; i < 30; i++) await request(NOW - 3_600_000 - i * 600_000, 1.5, 0.7);
  fs.writeFileSync(path.join(dir, 'release.json'), JSON.stringify({
    image: 'ghcr.io/acme/credit-risk', digest: `sha256:${'1'.repeat(64)}`, mlflowModel: 'credit-risk', mlflowVersion: '0', runId: 'none',
  }));
  // The repository_dispatch event as GITHUB_EVENT_PATH holds it (src/contracts/dispatch.ts).
  const alert = (alertname: string, fingerprint: string) => ({
    status: 'firing', labels: { alertname, type: 'drift' }, startsAt: '2026-03-01T11:00:00Z', fingerprint,
  });
  fs.writeFileSync(path.join(dir, 'alert.json'), JSON.stringify({
    client_payload: {
      outboxId: 'o-1',
      group: {
        version: '4',
        groupKey: '{}:{alertname="drift"}',
        status: 'firing',
        receiver: 'mlops-gateway',
        groupLabels: {},
        commonLabels: { type: 'drift' },
        commonAnnotations: {},
        externalURL: 'http://alertmanager',
        alerts: [alert('ModelAccuracyLow', 'a1'), alert('PredictionDistributionShift', 'b2')],
      },
    },
  }));
}, 300_000);

afterAll(async () => {
  await gw?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('analyze-drift online mode', () => {
  it('reads the windows and 7/14/30-day baselines from the capture API and decides by the table', async () => {
    const { analysis, model } = await onlineAnalysis({
      gatewayUrl: gw.url,
      token: TOKEN,
      windowHours: 24,
      releaseFile: path.join(dir, 'release.json'),
      alertFile: path.join(dir, 'alert.json'),
      rules: defaultRuleConfig,
      driftShare: 0.5,
      now: new Date(NOW),
    });
    const r = analysis.report;
    expect(model).toBe('credit-risk');
    expect(r.window).toEqual({ from: new Date(NOW - DAY).toISOString(), to: new Date(NOW).toISOString(), referenceRows: 400, currentRows: 300 });
    expect(r.features.map((f) => [f.name, f.kind, f.test])).toEqual([['c', 'categorical', 'chi-square'], ['x', 'numerical', 'ks'], ['y', 'numerical', 'ks']]);
    expect(r.features.filter((f) => f.drifted).map((f) => f.name)).toEqual(['x']);
    expect(r.accuracy.labelledSamples).toBe(300);
    expect(r.accuracy.current!).toBeLessThan(0.8);
    expect(r.baselines.source).toBe('captures');
    for (const b of [r.baselines.d7, r.baselines.d14, r.baselines.d30]) expect(b!).toBeGreaterThan(0.9);
    expect(r.rootCause).toBe('data-drift');
    expect(r.remediation).toBe('retrain');
    expect(r.urgency).toBe('P0');
    expect(r.trigger).toEqual(['ModelAccuracyLow', 'PredictionDistributionShift']);
    expect(driftMarkdown(r)).toContain('**Triggered by:** ModelAccuracyLow, PredictionDistributionShift');
    expect(r.predictionDrift).toMatchObject({ name: 'prediction', kind: 'categorical', test: 'z' });
    expect(r.digest).toBe(`sha256:${'1'.repeat(64)}`);
  });

  it('a new model digest starts a new episode and turns the remediation of an accuracy drop into rollback', async () => {
    const episodes = new EpisodeStore(path.join(dir, 'state'));
    episodes.record('credit-risk', 'P1', `sha256:${'0'.repeat(64)}`);
    const { analysis } = await onlineAnalysis({
      gatewayUrl: gw.url,
      token: TOKEN,
      windowHours: 24,
      releaseFile: path.join(dir, 'release.json'),
      rules: defaultRuleConfig,
      driftShare: 0.5,
      now: new Date(NOW),
      episodes,
    });
    expect(analysis.report.remediation).toBe('rollback');
    expect(analysis.report.reasons.join(' ')).toMatch(/model digest changed/);
  });

  it('names the problem when the window is empty or the token is wrong', async () => {
    await expect(onlineAnalysis({
      gatewayUrl: gw.url,
      token: TOKEN,
      windowHours: 24,
      releaseFile: path.join(dir, 'release.json'),
      rules: defaultRuleConfig,
      driftShare: 0.5,
      now: new Date(NOW + 40 * DAY),
    })).rejects.toThrow(/no capture of model "credit-risk" in the current window/);
    await expect(onlineAnalysis({
      gatewayUrl: gw.url,
      token: 'wrong',
      windowHours: 24,
      releaseFile: path.join(dir, 'release.json'),
      rules: defaultRuleConfig,
      driftShare: 0.5,
      now: new Date(NOW),
    })).rejects.toThrow(/capture API .* answered 401/);
  });
});

describe('episodes', () => {
  it('end after 3 consecutive none results or a new digest', () => {
    const store = new EpisodeStore(fs.mkdtempSync(path.join(os.tmpdir(), 'drift-episodes-')));
    const d1 = `sha256:${'a'.repeat(64)}`;
    expect(store.record('m', 'P2', d1).episode).toBe(1);
    for (let i = 0; i < 3; i++) expect(store.record('m', 'none', d1).episode).toBe(1);
    expect(store.record('m', 'P1', d1).episode).toBe(2);
    expect(store.record('m', 'none', d1).episode).toBe(2);
    expect(store.record('m', 'P1', d1).episode).toBe(2);
    expect(store.record('m', 'P1', `sha256:${'b'.repeat(64)}`).episode).toBe(3);
  });
});
