import * as fs from 'node:fs';
import * as path from 'node:path';
import { MODEL, type DemoOptions, type ScenarioResult, DemoError, progress, sleep, until } from '../common';
import { type Stack, startPredictor, startLoad, queryRange, flushOutbox, mlops } from '../stack';

export async function latencyScenario(s: Stack, opts: DemoOptions): Promise<ScenarioResult> {
  progress('load generator: 4 workers against the predictor');
  const t0 = Date.now() / 1000;
  s.load ??= startLoad(s, 4);
  await sleep(opts.short ? 4_000 : 20_000);
  progress(`fault injection: restarting the predictor with MODEL_FAULT_DELAY_MS=${opts.delayMs}`);
  await startPredictor(s, opts.delayMs);
  progress('waiting for InferenceLatencyHigh: Prometheus (p95 > 0.5 s for 15 s) → Alertmanager → gateway → GitHub dispatch');
  const dispatch = await until('the InferenceLatencyHigh dispatch', 180_000, () => {
    flushOutbox(s);
    return s.github.dispatches.find((d) => (d.clientPayload.group as { commonLabels?: Record<string, string> })?.commonLabels?.alertname === 'InferenceLatencyHigh');
  }, 500);
  const group = dispatch.clientPayload.group as { alerts: { labels: Record<string, string>; startsAt: string }[] };
  progress(`dispatch received: event_type "${dispatch.eventType}", alert InferenceLatencyHigh (${group.alerts[0].labels.severity}, team ${group.alerts[0].labels.team})`);

  // The Kubernetes API fake serves the predictor's real log, as the pod would.
  s.kube.pods = [{
    name: `${MODEL}-predictor-00001-deployment-6c9b7-x2k4p`,
    namespace: group.alerts[0].labels.namespace,
    labels: { 'serving.kserve.io/inferenceservice': MODEL },
    containers: ['kserve-container'],
    logs: { 'kserve-container': s.predictor!.output() },
    previousLogs: { 'kserve-container': s.predictorLog },
  }];
  const eventFile = path.join(s.tmp, 'latency-event.json');
  fs.writeFileSync(eventFile, JSON.stringify({ action: dispatch.eventType, client_payload: dispatch.clientPayload }));
  const kubeconfig = path.join(s.tmp, 'kubeconfig');
  s.kube.writeKubeconfig(kubeconfig);
  const dir = path.join(s.out, 'latency');
  progress('mlops analyze-alert (Kubernetes API fake with the predictor\'s log, real Prometheus, release history)');
  const r = await mlops(s, 'analyze-alert', ['analyze-alert', '--alert', eventFile, '--prometheus-url', s.promUrl, '--kubeconfig', kubeconfig,
    '--repo-dir', s.repoDir, '--json', '--out', dir]);
  if (r.code !== 0) throw new DemoError(`analyze-alert failed (exit ${r.code}):\n${r.stderr.slice(-3000)}`);
  const json = JSON.parse(r.stdout.trim().split('\n')[0]);
  progress(`report: top cause ${json.topCause} — ${(json.causes?.[0]?.evidence ?? [])[0] ?? ''}`);
  const t1 = Date.now() / 1000;
  const series = [
    { name: 'p95 latency (s)', points: await queryRange(s, `mlops:request_predict_seconds:p95{model_name="${MODEL}"}`, t0, t1) },
    { name: 'requests/s', points: await queryRange(s, `sum(rate(mlops_inference_requests_total{model_name="${MODEL}"}[15s]))`, t0, t1) },
  ];
  fs.writeFileSync(path.join(dir, 'series.json'), `${JSON.stringify(series)}\n`);
  progress('removing the fault: predictor restarted without delay (the load keeps running)');
  await startPredictor(s, 0);
  return { scenario: 'latency', ok: true, alerts: ['InferenceLatencyHigh'], reports: [{ name: 'InferenceLatencyHigh', json, markdown: fs.readFileSync(path.join(dir, 'report.md'), 'utf8') }], series };
}
