import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { metrics, type MetricDecl } from '../../src/config/metrics';
import { platformConfig } from '../../src/config/platform';
import { gatewayPaths } from '../../src/contracts/gateway';
import type { RunningGateway } from '../../src/gateway/server';
import { addMlopsCharts } from '../../src/k8s/mlops';
import { namesUsed } from '../../src/k8s/mlops/contract';
import { startGithubDispatchFake, type GithubDispatchFake } from '../fakes/github-dispatch';
import { gatewayToken, post, startTestGateway, until } from '../gateway/harness';
import { alertGroup } from '../gateway/payloads';
import { freePort, waitForHttp } from '../support/net';
import { startProcess, stopAll } from '../support/process';

/**
 * The metrics contract checked against its emitters (issue 14 item 5): every metric a rule or a
 * dashboard uses must be emitted by the component the contract names as its source. This file checks
 * the gateway's share against the REAL gateway's /metrics after one alert, one capture, one feedback
 * and one drift-run report (with one failed dispatch attempt and one refused request, so the failure
 * counters have samples).
 * The predictor's share (sources `predictor` and `kserve`: the KServe ModelServer serves both on one
 * /metrics) is checked against the REAL predictor (model/src/credit_risk/serve.py in the serve venv, a
 * model trained like model/tests/conftest.py's `trained_model_dir`) after one prediction.
 * Recording-rule series must be recorded by a rule. A metric of an external exporter must appear by
 * name in that exporter's own metric list, vendored under vendor/metrics/ at the version we run (see
 * its README); `up` is Prometheus' own per-target series (prometheus/prometheus
 * docs/concepts/jobs_instances.md: "Automatically generated labels and time series").
 */

type Obj = { kind: string; metadata: { name: string }; [k: string]: any };

function synthAll(): Obj[] {
  const app = Testing.app();
  addMlopsCharts(app, platformConfig);
  return app.charts.flatMap((c) => Testing.synth(c)) as Obj[];
}

/** Series name → its declaration (a histogram's `_bucket`/`_sum`/`_count` map to the histogram). */
function declarationOf(contract: Record<string, MetricDecl>, series: string): MetricDecl | undefined {
  for (const m of Object.values(contract)) {
    if (m.name === series) return m;
    if ((m.type === 'histogram' || m.type === 'summary') && ['_bucket', '_sum', '_count'].some((s) => m.name + s === series)) return m;
  }
  return undefined;
}

/** Names of series with at least one sample in a Prometheus text exposition. */
function sampledSeries(exposition: string): Set<string> {
  return new Set(exposition.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(l)![0]));
}

interface EmitterGap {
  readonly name: string;
  readonly problem: string;
}

/**
 * Used metric names that no checked emitter accounts for: undeclared ones, gateway-sourced ones the
 * gateway's scrape has no sample of, recording-rule ones no rule records.
 */
/** External source → the vendored upstream file that lists its metric names. */
const exporterDocs: Record<string, string> = {
  'kube-state-metrics': 'vendor/metrics/kube-state-metrics/v2.16.0/pod-metrics.md',
  'argocd': 'vendor/metrics/argo-cd/v3.2.0/metrics.md',
  'cadvisor': 'vendor/metrics/cadvisor/v0.49.0/prometheus.md',
};
/** Series Prometheus itself writes for every scrape target. */
const prometheusOwn = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added']);

function namedInDoc(file: string, name: string): boolean {
  const text = readFileSync(join(__dirname, '..', '..', file), 'utf8');
  return new RegExp(`(^|[^a-zA-Z0-9_:])${name}([^a-zA-Z0-9_:]|$)`, 'm').test(text);
}

function emitterGaps(used: Iterable<string>, contract: Record<string, MetricDecl>, gatewayScrape: Set<string>, recorded: Set<string>,
  predictorScrape: Set<string>): EmitterGap[] {
  const gaps: EmitterGap[] = [];
  for (const name of [...new Set(used)].sort()) {
    const problem = emitterProblem(name, declarationOf(contract, name), gatewayScrape, recorded, predictorScrape);
    if (problem !== undefined) gaps.push({ name, problem });
  }
  return gaps;
}

function emitterProblem(name: string, decl: MetricDecl | undefined, gatewayScrape: Set<string>, recorded: Set<string>,
  predictorScrape: Set<string>): string | undefined {
  if (!decl) return 'not declared in src/config/metrics.ts, so no emitter is known';
  switch (decl.source) {
    case 'gateway':
      return gatewayScrape.has(name) ? undefined : 'source gateway, but the gateway\'s /metrics has no sample';
    case 'recording-rule':
      return recorded.has(name) ? undefined : 'source recording-rule, but no rule records it';
    case 'predictor':
    case 'kserve':
      return predictorScrape.has(name) ? undefined : `source ${decl.source}, but the predictor's /metrics has no sample`;
    case 'prometheus':
      return prometheusOwn.has(name) ? undefined : 'source prometheus, but Prometheus does not write it';
    default: {
      const doc = exporterDocs[decl.source];
      if (doc === undefined) return `source ${decl.source} has no vendored metric list (vendor/metrics/)`;
      return namedInDoc(doc, name) ? undefined : `source ${decl.source}, but ${doc} does not name it`;
    }
  }
}

const objects = synthAll();
const uses = namesUsed(objects);
const usedMetrics = uses.filter((u) => u.kind === 'metric' && (u.where.startsWith('PrometheusRule/') || u.where.startsWith('ConfigMap/'))).map((u) => u.name);
const recorded = new Set(objects.filter((o) => o.kind === 'PrometheusRule').flatMap((o) => o.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.record).filter(Boolean))));

let fake: GithubDispatchFake;
let gw: RunningGateway;
let scrape: Set<string>;
let predictorScrape: Set<string>;
const repo = join(__dirname, '..', '..');
const servePy = join(repo, '.venvs', 'serve', 'bin', 'python');

/** Trains a small model (no MLflow), starts the real predictor, sends one prediction, scrapes /metrics. */
async function scrapePredictor(): Promise<Set<string>> {
  const dir = mkdtempSync(join(tmpdir(), 'mlops-emitters-'));
  // No MLflow: training writes the model directory only (as model/tests/conftest.py's trained_model_dir).
  const { MLFLOW_TRACKING_URI: _unused, ...parentEnv } = process.env;
  const env = { ...parentEnv, PYTHONPATH: join(repo, 'model', 'src') };
  const instance = execFileSync(servePy, ['-c', [
    'import json, sys, pathlib',
    'from credit_risk.dataset import generate',
    'from credit_risk.features import FEATURE_NAMES',
    'from credit_risk.train import train',
    `train(generate(3000, 7), seed=7, threshold=0.85, min_improvement=0.0, register_name="credit-risk", output_dir=pathlib.Path(${JSON.stringify(dir)}))`,
    'row = generate(1, 21)[list(FEATURE_NAMES)].astype(object).iloc[0].to_dict()',
    'print(json.dumps({k: (None if v != v else (int(v) if hasattr(v, "__int__") and not isinstance(v, (str, float)) else v)) for k, v in row.items()}))',
  ].join('\n')], { env, encoding: 'utf8', timeout: 240_000 }).trim().split('\n').pop()!;
  const port = await freePort();
  const child = startProcess(servePy, ['-m', 'credit_risk.serve', '--model-dir', dir, '--http-port', String(port), '--host', '127.0.0.1'], { env });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/v1/models/credit-risk`, 120_000).catch((err) => {
    throw new Error(`${err.message}\n${child.output()}`);
  });
  const res = await fetch(`${url}/v1/models/credit-risk:predict`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances: [JSON.parse(instance)] }),
  });
  expect([res.status, await res.text()]).toEqual([200, expect.stringContaining('predictions')]);
  return sampledSeries(await (await fetch(`${url}/metrics`)).text());
}

async function call(method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'authorization': `Bearer ${gatewayToken}`, ...headers },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

beforeAll(async () => {
  fake = await startGithubDispatchFake();
  fake.script.push({ status: 502, body: { message: 'Server Error' } }); // one failed attempt, then the retry succeeds
  gw = await startTestGateway(fake);
  // One alert group: received, outbox, dispatched (after one failed attempt), processing latency.
  expect((await post(gw, alertGroup())).status).toBe(202);
  await until(() => fake.dispatches.length === 1, 15_000, 'the dispatch');
  // One capture (KServe payload-logger CloudEvents, request and response halves), then its label.
  const ceId = randomUUID();
  const requestId = randomUUID();
  const ce = (type: string) => ({
    'Ce-Specversion': '1.0',
    'Ce-Id': ceId,
    'Ce-Source': 'http://localhost:9081/',
    'Ce-Type': `org.kubeflow.serving.inference.${type}`,
    'Ce-Time': new Date().toISOString(),
    'Ce-Inferenceservicename': 'credit-risk',
    'Ce-Namespace': 'ml-serving',
    'Ce-Component': 'predictor',
    'Ce-Metadata': JSON.stringify({ 'X-Request-Id': [requestId] }),
    'authorization': '',
  });
  expect(await call('POST', gatewayPaths.kserveWebhook, { instances: [{ age: 40 }] }, ce('request'))).toBe(202);
  expect(await call('POST', gatewayPaths.kserveWebhook, { predictions: [1], probabilities: [[0.2, 0.8]] }, ce('response'))).toBe(202);
  expect(await call('POST', gatewayPaths.feedback, { requestId, label: 1 })).toBe(200);
  // One drift-run report.
  expect(await call('POST', gatewayPaths.driftRuns, { model: 'credit-risk', status: 'success' })).toBe(200);
  // One rejection (a wrong token): mlops_gateway_rejected_total only has a sample once something was refused.
  expect(await call('POST', gatewayPaths.driftRuns, { model: 'credit-risk', status: 'success' }, { authorization: 'Bearer wrong' })).toBe(401);
  scrape = sampledSeries(await (await fetch(`${gw.url}${gatewayPaths.metrics}`)).text());
  predictorScrape = await scrapePredictor();
}, 400_000);

afterAll(async () => {
  await stopAll();
  await gw?.close();
  await fake?.close();
});

test('the scan sees gateway, predictor, recorded and external metrics among the used ones', () => {
  expect(usedMetrics).toEqual(expect.arrayContaining([
    metrics.predictions.name, 'kube_pod_container_status_restarts_total', 'kube_pod_container_status_waiting_reason', 'argocd_app_info',
    metrics.driftAnalysisLastSuccess.name, metrics.gatewayOutboxDepth.name, metrics.captureLastTimestamp.name, metrics.modelAccuracy.name,
  ]));
  expect(recorded.size).toBeGreaterThan(0);
});

test('every used gateway/predictor metric has a sample in the real gateway\'s/predictor\'s /metrics; recording-rule series are recorded', () => {
  expect(emitterGaps(usedMetrics, metrics as unknown as Record<string, MetricDecl>, scrape, recorded, predictorScrape)).toEqual([]);
  // Every declared metric of an external exporter (used or not yet) is named by that exporter.
  const external = Object.values(metrics as unknown as Record<string, MetricDecl>).filter((m) => exporterDocs[m.source] !== undefined || m.source === 'prometheus');
  expect(external.map((m) => m.source).sort()).toEqual(expect.arrayContaining(['argocd', 'cadvisor', 'kube-state-metrics', 'prometheus']));
  expect(emitterGaps(external.map((m) => m.name), metrics as unknown as Record<string, MetricDecl>, scrape, recorded, predictorScrape)).toEqual([]);
  // The drift-run report is what feeds DriftInputsStale.
  expect(scrape.has(metrics.driftAnalysisLastSuccess.name)).toBe(true);
  expect(predictorScrape.has(metrics.predictions.name)).toBe(true);
});

test('a planted unknown metric, or a gateway metric the gateway does not emit, is reported', () => {
  const contract = { ...(metrics as unknown as Record<string, MetricDecl>) };
  contract.planted = { ...contract.driftAnalysisLastSuccess, name: 'mlops_planted_gateway_seconds' };
  expect(emitterGaps([...usedMetrics, 'mlops_not_declared_total', 'mlops_planted_gateway_seconds'], contract, scrape, recorded, predictorScrape)).toEqual([
    { name: 'mlops_not_declared_total', problem: expect.stringContaining('not declared') },
    { name: 'mlops_planted_gateway_seconds', problem: expect.stringContaining('no sample') },
  ]);
  const withoutDrift = new Set([...scrape].filter((n) => n !== metrics.driftAnalysisLastSuccess.name));
  expect(emitterGaps(usedMetrics, metrics as unknown as Record<string, MetricDecl>, withoutDrift, recorded, predictorScrape))
    .toEqual([{ name: metrics.driftAnalysisLastSuccess.name, problem: expect.stringContaining('no sample') }]);
  // An external exporter's metric that its vendored metric list does not name.
  const renamed = { ...(metrics as unknown as Record<string, MetricDecl>) };
  renamed.ksmPlanted = { ...renamed.driftAnalysisLastSuccess, name: 'kube_pod_container_status_not_a_metric', source: 'kube-state-metrics' } as MetricDecl;
  renamed.argoPlanted = { ...renamed.driftAnalysisLastSuccess, name: 'argocd_app_not_a_metric', source: 'argocd' } as MetricDecl;
  expect(emitterGaps([...usedMetrics, 'kube_pod_container_status_not_a_metric', 'argocd_app_not_a_metric'], renamed, scrape, recorded, predictorScrape)).toEqual([
    { name: 'argocd_app_not_a_metric', problem: expect.stringContaining('vendor/metrics/argo-cd/v3.2.0/metrics.md does not name it') },
    { name: 'kube_pod_container_status_not_a_metric', problem: expect.stringContaining('pod-metrics.md does not name it') },
  ]);
  const withoutPredictions = new Set([...predictorScrape].filter((n) => n !== metrics.predictions.name));
  expect(emitterGaps(usedMetrics, metrics as unknown as Record<string, MetricDecl>, scrape, recorded, withoutPredictions))
    .toEqual([{ name: metrics.predictions.name, problem: expect.stringContaining('predictor\'s /metrics has no sample') }]);
});
