import * as fs from 'node:fs';
import * as path from 'node:path';
import { ruleProfiles } from '../../src/k8s/mlops/rules';
import { trainPy, MODEL, GATEWAY_TOKEN, GITHUB_TOKEN, DEMO_ACCURACY_WINDOW_HOURS, DRIFTED_FEATURES, type DemoOptions, type ScenarioResult, DemoError, progress, until } from '../common';
import { type Stack, readCsv, startLoad, queryRange, stopLoad, flushOutbox, mlops } from '../stack';

/** A Prometheus duration of the rules profile (`15s`, `2m`) in ms. */
export function durationMs(d: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(d);
  if (!m) throw new DemoError(`unsupported rule duration "${d}"`);
  return Number(m[1]) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

export interface DispatchedGroup {
  status?: string;
  commonLabels?: Record<string, string>;
  alerts?: { labels: Record<string, string> }[];
}

/**
 * Drift, through the same chain as a cluster: the load generator's traffic switches from clean to
 * drifted rows (DRIFTED_FEATURES moved by the model's generator); Prometheus scrapes the predictor's
 * class counts and the gateway's accuracy and feedback series; with the fast rules the class share
 * compared with its value `offset` (2m) ago moves past the threshold → `PredictionDistributionShift`
 * (and `ModelAccuracyLow` when the labelled accuracy falls under 0.85) → Alertmanager → gateway →
 * `repository_dispatch` type `drift` (the GitHub fake). The demo then does what the drift-analysis
 * workflow does on that event: `mlops analyze-drift --act` with the event payload (`--alert`), online
 * (capture API windows and baselines, the training run from MLflow), and the urgency's action lands
 * in the outbox.
 *
 * What the analysis reads is what the payload logger captured, with ground truth fed back: 30 days of
 * clean traffic (backdated CloudEvent times) and, when the load switches, the drifted rows (live times).
 * Every prediction comes from the real predictor.
 */
export async function driftScenario(s: Stack, opts: DemoOptions): Promise<ScenarioResult> {
  const t0 = Date.now() / 1000;
  const profile = ruleProfiles.fast;
  const rows = opts.short ? 500 : 1000;
  const gen = async (name: string, extra: string[]) => {
    const file = path.join(s.csvDir, `${name}.csv`);
    const r = await s.group.run(`dataset-${name}`, trainPy, ['-m', 'credit_risk.dataset', '--rows', String(rows), '--seed', '21', ...extra, '--out', file],
      { env: s.pyEnv, cwd: s.tmp });
    if (r.code !== 0) throw new DemoError(`the dataset generator failed (${name}):\n${r.stderr}`);
    const labels: number[] = [];
    return { instances: readCsv(file, labels), labels };
  };
  if (!s.load) {
    progress('load generator: 4 workers of clean traffic against the predictor');
    s.load = startLoad(s, 4);
  }
  const load = s.load;
  load.instances = s.dataset;
  const reference = await gen('reference', []);
  const drifted = await gen('drifted', ['--covariate-drift', DRIFTED_FEATURES.join(',')]);
  const accuracyMetric = async () => {
    const text = await (await fetch(`${s.gatewayUrl}/metrics`)).text();
    const m = new RegExp(`^mlops_model_accuracy\\{[^}]*model_name="${MODEL}"[^}]*\\} (\\S+)`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  let seq = 0;
  const send = async (batch: Record<string, unknown>[], labels: number[], time: number) => {
    const requestId = `demo-${++seq}`;
    const res = await fetch(`http://127.0.0.1:${s.predictorPort}/v1/models/${MODEL}:predict`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': requestId }, body: JSON.stringify({ instances: batch }),
    });
    if (!res.ok) throw new DemoError(`the predictor answered ${res.status}: ${await res.text()}`);
    const answer = await res.json();
    for (const [type, body, t] of [['request', { instances: batch }, time], ['response', answer, time + 5]] as const) {
      const ce = await fetch(`${s.gatewayUrl}/webhooks/kserve`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'ce-specversion': '1.0',
          'ce-id': `ce-${requestId}`,
          'ce-source': 'http://localhost:9081/',
          'ce-type': `org.kubeflow.serving.inference.${type}`,
          'ce-time': new Date(t).toISOString(),
          'ce-inferenceservicename': MODEL,
          'ce-namespace': 'mlops',
          'ce-component': 'predictor',
          'ce-endpoint': '',
          'ce-metadata': JSON.stringify({ 'X-Request-Id': [requestId] }),
        },
        body: JSON.stringify(body),
      });
      if (ce.status !== 202) throw new DemoError(`the gateway's capture answered ${ce.status}: ${await ce.text()}`);
    }
    const fb = await fetch(`${s.gatewayUrl}/feedback`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'authorization': `Bearer ${GATEWAY_TOKEN}` }, body: JSON.stringify({ requestId, labels }),
    });
    if (fb.status !== 200) throw new DemoError(`feedback answered ${fb.status}: ${await fb.text()}`);
  };
  const day = 86_400_000;
  const batches = rows / 10;
  progress(`reference: ${rows} clean rows through the predictor, captured with times over the last 30 days, labels fed back`);
  const now = Date.now();
  for (let i = 0; i < batches; i++) {
    await send(reference.instances.slice(i * 10, i * 10 + 10), reference.labels.slice(i * 10, i * 10 + 10),
      now - 2 * day - i * Math.floor(25 * day / batches));
  }

  // A critical alert still firing (the latency scenario's, until its rate window forgets the delay)
  // inhibits the warning-level drift alerts in Alertmanager (dist/monitoring/alertmanager.yaml).
  await until('the critical alerts to resolve', 180_000, async () => {
    const res = await fetch(`${s.promUrl}/api/v1/alerts`, { signal: AbortSignal.timeout(5_000) });
    const body = await res.json() as { data?: { alerts?: { state: string; labels: Record<string, string> }[] } };
    return (body.data?.alerts ?? []).some((a) => a.state === 'firing' && a.labels.severity === 'critical') ? undefined : true;
  }, 1_000);
  const before = await accuracyMetric();
  const driftAt = Date.now();
  load.instances = drifted.instances;
  progress(`the load switches to drifted data: ${DRIFTED_FEATURES.join(', ')} moved`);
  for (let i = 0; i < batches; i++) {
    await send(drifted.instances.slice(i * 10, i * 10 + 10), drifted.labels.slice(i * 10, i * 10 + 10), Date.now());
  }
  const after = await accuracyMetric();
  progress(`captured and labelled: ${rows} drifted rows; gateway mlops_model_accuracy (${DEMO_ACCURACY_WINDOW_HOURS} h window): `
    + `${before?.toFixed(3) ?? 'n/a'} → ${after?.toFixed(3) ?? 'n/a'}`);
  const cleanFor = Math.max(0, durationMs(profile.offset) - (driftAt - load.startedAt));
  progress(`waiting for PredictionDistributionShift: Prometheus (class share vs ${profile.offset} ago; for ${profile.for}${cleanFor > 0
    ? `; the comparison needs clean traffic ${profile.offset} back: ≥ ${Math.ceil(cleanFor / 1000)} s more`
    : ''}) → Alertmanager → gateway → GitHub dispatch "drift"`);
  const driftDispatches = () => s.github.dispatches.filter((d) => d.eventType === 'drift' && d.at >= driftAt
    && (d.clientPayload.group as DispatchedGroup)?.status === 'firing');
  // The alert this drift is made to raise (ConfidenceVarianceRising often fires too, in its own group and
  // dispatch; in the cluster each dispatch starts the workflow; the demo analyses once, on this one).
  const alertOf = (d: { clientPayload: Record<string, unknown> }) => (d.clientPayload.group as DispatchedGroup).commonLabels?.alertname ?? '';
  const dispatch = await until('the PredictionDistributionShift dispatch', 240_000, () => {
    flushOutbox(s);
    return driftDispatches().find((d) => alertOf(d) === 'PredictionDistributionShift');
  }, 500);
  const group = dispatch.clientPayload.group as DispatchedGroup;
  const others = [...new Set(driftDispatches().map(alertOf).filter((a) => a !== 'PredictionDistributionShift'))];
  progress(`dispatch received: event_type "${dispatch.eventType}", alert ${alertOf(dispatch)} (${group.commonLabels?.severity}, team ${group.commonLabels?.team}), `
    + `${group.alerts?.length ?? 0} alert(s)${(group.alerts ?? []).some((a) => a.labels.class) ? ` (classes ${(group.alerts ?? []).map((a) => a.labels.class).join(', ')})` : ''}`
    + `${others.length ? `; also dispatched as drift: ${others.join(', ')}` : ''}`);

  // The drift-analysis workflow's trigger: the repository_dispatch event as GitHub hands it to the job.
  const eventFile = path.join(s.tmp, 'drift-event.json');
  fs.writeFileSync(eventFile, JSON.stringify({ action: dispatch.eventType, client_payload: dispatch.clientPayload }));
  const dir = path.join(s.out, 'drift');
  progress(`mlops analyze-drift online --alert <the "${dispatch.eventType}" event> --act (capture API windows and baselines, training run from MLflow)`);
  const r = await mlops(s, 'analyze-drift', ['analyze-drift', '--gateway-url', s.gatewayUrl, '--window-hours', '1', '--mlflow-url', s.mlflowUrl,
    '--release', path.join(s.repoDir, 'src', 'config', 'release.json'), '--alert', eventFile, '--act', '--json', '--out', dir], {
    GATEWAY_TOKEN, GITHUB_TOKEN, GITHUB_REPOSITORY: 'self-healing-mlops/self-healing-mlops', GITHUB_API_URL: s.githubApi.url,
  });
  if (r.code !== 0) throw new DemoError(`analyze-drift failed (exit ${r.code}):\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-2000)}`);
  const json = JSON.parse(r.stdout.trim().split('\n')[0]);
  s.githubApi.issues.forEach((issue) => fs.writeFileSync(path.join(s.outbox, `github-issue-${issue.number}.json`), `${JSON.stringify(issue, null, 2)}\n`));
  s.githubApi.dispatches.forEach((d, i) => fs.writeFileSync(path.join(s.outbox, `github-retrain-dispatch-${i + 1}.json`), `${JSON.stringify(d, null, 2)}\n`));
  const moved = (json.features ?? []).filter((f: { drifted?: boolean }) => f.drifted).map((f: { name: string }) => f.name);
  progress(`report (trigger ${(json.trigger ?? []).join(', ')}): drifted ${moved.join(', ')}; accuracy ${json.accuracy?.current?.toFixed?.(3)}; `
    + `root cause ${json.rootCause}, urgency ${json.urgency}, remediation ${json.remediation}; action ${json.action ? JSON.stringify(json.action).slice(0, 160) : 'none'}`);
  await stopLoad(s);
  flushOutbox(s);
  const t1 = Date.now() / 1000;
  const sel = `model_name="${MODEL}"`;
  const series = [
    { name: 'share of predicted class 1 (default)', points: await queryRange(s, `mlops:prediction_class_share:ratio_rate{${sel},class="1"}`, t0, t1) },
    { name: `accuracy on labelled feedback (${DEMO_ACCURACY_WINDOW_HOURS} h window)`, points: await queryRange(s, `mlops_model_accuracy{${sel}}`, t0, t1) },
    { name: 'labels fed back/s', points: await queryRange(s, `sum(rate(mlops_feedback_labelled_total{${sel}}[${profile.rateWindow}]))`, t0, t1) },
  ];
  fs.writeFileSync(path.join(dir, 'series.json'), `${JSON.stringify(series)}\n`);
  const alerts = [...new Set(driftDispatches().map(alertOf).filter(Boolean))];
  return {
    scenario: 'drift',
    ok: true,
    alerts,
    series,
    reports: [{ name: 'drift', json, markdown: fs.existsSync(path.join(dir, 'report.md')) ? fs.readFileSync(path.join(dir, 'report.md'), 'utf8') : '' }],
  };
}
