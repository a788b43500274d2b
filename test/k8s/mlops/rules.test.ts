import * as fs from 'node:fs';
import * as path from 'node:path';
import { AlertCheck, promtoolTestFile, PromtoolTestGroup, runTool, tempDir, writeYaml } from './promtool';
import { alertCatalog, AlertName } from '../../../src/config/metrics';
import { platformConfig } from '../../../src/config/platform';
import { teams } from '../../../src/config/teams';
import { prometheusRuleGroups, ruleProfiles } from '../../../src/k8s/mlops';

/*
 * The rules, checked by the real promtool (Debian's `prometheus` package): syntax of both profiles,
 * and for every alert of the catalog a unit test with three cases: just under the threshold (quiet),
 * just over it before `for` has elapsed (quiet), and firing with its exact labels and annotations.
 * The fast profile (for 15s, rate window 30s, offset 2m) keeps the simulated time short; one group
 * also runs InferenceLatencyHigh on the default profile. Expected labels and annotations are written
 * out by hand here, not derived from the code under test.
 */

const MODEL = 'credit-risk';
const NS = 'mlops';
const RUNBOOKS = 'https://github.com/self-healing-mlops/self-healing-mlops/blob/main/docs/runbooks';
const POD = 'credit-risk-predictor-7d9f-abcde';

const dir = tempDir('mlops-rules-');
const fastRules = writeYaml(path.join(dir, 'rules.fast.yaml'), { groups: prometheusRuleGroups('fast', platformConfig) });
const defaultRules = writeYaml(path.join(dir, 'rules.default.yaml'), { groups: prometheusRuleGroups('default', platformConfig) });

/** The fixed labels of an alert, spelled out (and cross-checked against the catalog below). */
const fixed: Record<AlertName, { severity: string; type: string; team: string }> = {
  InferenceLatencyHigh: { severity: 'critical', type: 'latency', team: 'platform' },
  InferenceErrorRateHigh: { severity: 'critical', type: 'errors', team: 'platform' },
  ModelPodCrashLooping: { severity: 'critical', type: 'availability', team: 'platform' },
  ModelAccuracyLow: { severity: 'warning', type: 'drift', team: 'ml' },
  PredictionDistributionShift: { severity: 'warning', type: 'drift', team: 'ml' },
  ConfidenceVarianceRising: { severity: 'warning', type: 'drift', team: 'ml' },
  GatewayDispatchFailing: { severity: 'warning', type: 'platform', team: 'platform' },
  GatewayOutboxBacklog: { severity: 'warning', type: 'platform', team: 'platform' },
  GatewayStateWriteFailing: { severity: 'critical', type: 'platform', team: 'platform' },
  PayloadCaptureStalled: { severity: 'warning', type: 'platform', team: 'platform' },
  DriftInputsStale: { severity: 'warning', type: 'platform', team: 'platform' },
  ArgoCDAppOutOfSync: { severity: 'warning', type: 'platform', team: 'platform' },
  ArgoCDAppUnhealthy: { severity: 'warning', type: 'platform', team: 'platform' },
  PodImagePullFailing: { severity: 'warning', type: 'platform', team: 'platform' },
};

function firing(alert: AlertName, labels: Record<string, string>, summary: string, description: string) {
  return {
    exp_labels: { ...labels, ...fixed[alert] },
    exp_annotations: { summary, description, runbook_url: `${RUNBOOKS}/${alert}.md` },
  };
}

const quiet = (alertname: AlertName, evalTime: string): AlertCheck => ({ alertname, evalTime, expAlerts: [] });

const bucket = (le: string, values: string) => ({ series: `request_predict_seconds_bucket{model_name="${MODEL}", le="${le}"}`, values });
const requests = (code: string, values: string) => ({ series: `mlops_inference_requests_total{model_name="${MODEL}", code="${code}"}`, values });
/** argocd_app_info as the application controller exports it (argo-cd docs/operator-manual/metrics.md @ v3.2.0). */
const argoApp = (name: string, sync: string, health: string, values: string) => ({
  series: `argocd_app_info{namespace="argocd", name="${name}", project="platform", dest_namespace="mlops", sync_status="${sync}", health_status="${health}"}`,
  values,
});
const waiting = (reason: string, values: string) => ({
  series: `kube_pod_container_status_waiting_reason{namespace="${NS}", pod="${POD}", container="kserve-container", reason="${reason}", uid="u-1"}`,
  values,
});
const predictions = (cls: string, values: string) => ({ series: `mlops_predictions_total{model_name="${MODEL}", class="${cls}"}`, values });

/** Per alert: the promtool test groups (fast profile, 5 s evaluation and sample interval unless said otherwise). */
const cases: Record<Exclude<AlertName, 'DriftInputsStale'>, PromtoolTestGroup[]> = {
  InferenceLatencyHigh: [
    {
      // 96 % of requests in (0.25, 0.5]: p95 = 0.25 + 0.25·0.95/0.96 = 0.497 s, just under 0.5 s.
      name: 'latency just under',
      interval: '5s',
      inputSeries: [bucket('0.25', '0x100'), bucket('0.5', '0+96x100'), bucket('1', '0+100x100'), bucket('+Inf', '0+100x100')],
      alertChecks: [quiet('InferenceLatencyHigh', '1m')],
      exprChecks: [{ expr: 'round(mlops:request_predict_seconds:p95, 0.001)', evalTime: '1m', expSamples: [{ labels: `{model_name="${MODEL}"}`, value: 0.497 }] }],
    },
    {
      // 94 % ≤ 0.5 s, 6 % in (0.5, 1]: p95 = 0.5 + 0.5·(1/6) = 0.583 s. True from 5 s; fires at 20 s.
      name: 'latency just over',
      interval: '5s',
      inputSeries: [bucket('0.25', '0x100'), bucket('0.5', '0+94x100'), bucket('1', '0+100x100'), bucket('+Inf', '0+100x100')],
      alertChecks: [
        quiet('InferenceLatencyHigh', '10s'),
        {
          alertname: 'InferenceLatencyHigh',
          evalTime: '1m',
          expAlerts: [firing('InferenceLatencyHigh', { model_name: MODEL, namespace: NS },
            'p95 inference latency of credit-risk is above 0.5s', 'The p95 of request_predict_seconds over 30s is 0.583s (threshold 0.5s).')],
        },
      ],
    },
  ],
  InferenceErrorRateHigh: [
    {
      name: 'errors just under (4.9 %)',
      interval: '5s',
      inputSeries: [requests('200', '0+951x100'), requests('500', '0+49x100')],
      alertChecks: [quiet('InferenceErrorRateHigh', '1m')],
    },
    {
      // No 5xx series at all: the ratio is 0, not absent.
      name: 'no 5xx series',
      interval: '5s',
      inputSeries: [requests('200', '0+100x100')],
      alertChecks: [quiet('InferenceErrorRateHigh', '1m')],
      exprChecks: [{ expr: 'mlops:inference_5xx:ratio_rate', evalTime: '1m', expSamples: [{ labels: `mlops:inference_5xx:ratio_rate{model_name="${MODEL}"}`, value: 0 }] }],
    },
    {
      name: 'errors just over (5.1 %)',
      interval: '5s',
      inputSeries: [requests('200', '0+949x100'), requests('500', '0+51x100')],
      alertChecks: [
        quiet('InferenceErrorRateHigh', '10s'),
        {
          alertname: 'InferenceErrorRateHigh',
          evalTime: '1m',
          expAlerts: [firing('InferenceErrorRateHigh', { model_name: MODEL, namespace: NS },
            'credit-risk answers too many requests with 5xx', 'The share of 5xx answers over 30s is 0.051 (threshold 0.05).')],
        },
      ],
    },
  ],
  ModelPodCrashLooping: [
    {
      // No restarts of the predictor; another model's predictor restarting is not ours.
      name: 'no predictor restarts',
      interval: '5s',
      inputSeries: [
        { series: `kube_pod_container_status_restarts_total{namespace="${NS}", pod="${POD}", container="kserve-container"}`, values: '3x100' },
        { series: `kube_pod_container_status_restarts_total{namespace="${NS}", pod="other-model-predictor-1-2", container="kserve-container"}`, values: '0+1x100' },
      ],
      alertChecks: [quiet('ModelPodCrashLooping', '1m')],
    },
    {
      name: 'predictor restarting',
      interval: '5s',
      inputSeries: [{ series: `kube_pod_container_status_restarts_total{namespace="${NS}", pod="${POD}", container="kserve-container"}`, values: '0+1x100' }],
      alertChecks: [
        quiet('ModelPodCrashLooping', '10s'),
        {
          alertname: 'ModelPodCrashLooping',
          evalTime: '1m',
          expAlerts: [firing('ModelPodCrashLooping',
            { namespace: NS, pod: POD, container: 'kserve-container', model_name: MODEL },
            `Predictor pod ${POD} is restarting`, `Container kserve-container of ${NS}/${POD} restarted 6 times in 30s.`)],
        },
      ],
    },
  ],
  ModelAccuracyLow: [
    {
      // Accuracy 0.851 with 216 labels in the 2 m accuracy window: above the threshold.
      name: 'accuracy just above threshold',
      interval: '5s',
      inputSeries: [
        { series: `mlops_model_accuracy{model_name="${MODEL}"}`, values: '0.851x100' },
        { series: `mlops_feedback_labelled_total{model_name="${MODEL}"}`, values: '0+9x100' },
      ],
      alertChecks: [quiet('ModelAccuracyLow', '150s')],
    },
    {
      // Accuracy far too low but only 192 labelled predictions in the window: not enough evidence.
      name: 'accuracy low with too few labels',
      interval: '5s',
      inputSeries: [
        { series: `mlops_model_accuracy{model_name="${MODEL}"}`, values: '0.5x100' },
        { series: `mlops_feedback_labelled_total{model_name="${MODEL}"}`, values: '0+8x100' },
      ],
      alertChecks: [quiet('ModelAccuracyLow', '150s'), quiet('ModelAccuracyLow', '400s')],
    },
    {
      // 0.849 with 9 labels per 5 s: ≥ 200 in the window from 115 s, pending at 120 s, firing at 150 s.
      name: 'accuracy just below threshold',
      interval: '5s',
      inputSeries: [
        { series: `mlops_model_accuracy{model_name="${MODEL}"}`, values: '0.849x100' },
        { series: `mlops_feedback_labelled_total{model_name="${MODEL}"}`, values: '0+9x100' },
      ],
      alertChecks: [
        quiet('ModelAccuracyLow', '120s'),
        {
          alertname: 'ModelAccuracyLow',
          evalTime: '150s',
          expAlerts: [firing('ModelAccuracyLow', { model_name: MODEL, namespace: NS },
            'Accuracy of credit-risk is below 0.85',
            'Accuracy on labelled feedback is 0.849 (threshold 0.85, with at least 200 labelled predictions in 2m).')],
        },
      ],
    },
  ],
  PredictionDistributionShift: [
    {
      // Class shares go 0.70/0.30 → 0.51/0.49 at 155 s: a move of 0.19.
      name: 'shift just under',
      interval: '5s',
      inputSeries: [predictions('0', '0+70x30 2151+51x60'), predictions('1', '0+30x30 949+49x60')],
      alertChecks: [quiet('PredictionDistributionShift', '210s'), quiet('PredictionDistributionShift', '250s')],
    },
    {
      // 0.70/0.30 → 0.49/0.51: a move of 0.21 for both classes, true once the whole window is new (180 s).
      name: 'shift just over',
      interval: '5s',
      inputSeries: [predictions('0', '0+70x30 2149+49x60'), predictions('1', '0+30x30 951+51x60')],
      alertChecks: [
        quiet('PredictionDistributionShift', '185s'),
        {
          alertname: 'PredictionDistributionShift',
          evalTime: '210s',
          expAlerts: ['0', '1'].map((cls) => firing('PredictionDistributionShift',
            { model_name: MODEL, class: cls, namespace: NS },
            `Share of class ${cls} predicted by credit-risk moved`, `The share of class ${cls} moved by 0.210 against 2m ago (threshold 0.2).`)),
        },
      ],
    },
  ],
  ConfidenceVarianceRising: [
    {
      // Variance 0.01 (mean 0.8, E[x²] 0.65), then 0.019 from 155 s: under 2× the baseline.
      name: 'variance just under',
      interval: '5s',
      inputSeries: [
        predictions('1', '0+10x100'),
        { series: `mlops_prediction_confidence_sum{model_name="${MODEL}"}`, values: '0+8x100' },
        { series: `mlops_prediction_confidence_squared_sum{model_name="${MODEL}"}`, values: '0+6.5x30 201.59+6.59x60' },
      ],
      alertChecks: [quiet('ConfidenceVarianceRising', '210s')],
    },
    {
      // Variance 0.01, then 0.021 from 155 s: over 2× its average 2 m earlier.
      name: 'variance just over',
      interval: '5s',
      inputSeries: [
        predictions('1', '0+10x100'),
        { series: `mlops_prediction_confidence_sum{model_name="${MODEL}"}`, values: '0+8x100' },
        { series: `mlops_prediction_confidence_squared_sum{model_name="${MODEL}"}`, values: '0+6.5x30 201.61+6.61x60' },
      ],
      alertChecks: [
        quiet('ConfidenceVarianceRising', '185s'),
        {
          alertname: 'ConfidenceVarianceRising',
          evalTime: '210s',
          expAlerts: [firing('ConfidenceVarianceRising', { model_name: MODEL, namespace: NS },
            'Prediction confidence of credit-risk is getting unstable', 'The variance of the top-class probability is 0.021, above 2x its average 2m ago.')],
        },
      ],
    },
  ],
  GatewayDispatchFailing: [
    {
      name: 'no new dispatch failures',
      interval: '5s',
      inputSeries: [{ series: 'mlops_gateway_dispatch_failed_total{event_type="alert"}', values: '4x100' }],
      alertChecks: [quiet('GatewayDispatchFailing', '1m')],
    },
    {
      name: 'dispatch failing',
      interval: '5s',
      inputSeries: [{ series: 'mlops_gateway_dispatch_failed_total{event_type="alert"}', values: '0+1x100' }],
      alertChecks: [
        quiet('GatewayDispatchFailing', '10s'),
        {
          alertname: 'GatewayDispatchFailing',
          evalTime: '1m',
          expAlerts: [firing('GatewayDispatchFailing', { event_type: 'alert', namespace: NS },
            'The gateway fails to dispatch alert events to GitHub', '6 dispatch attempts of type alert failed in 30s; alerts are queued in the outbox, not lost.')],
        },
      ],
    },
  ],
  GatewayOutboxBacklog: [
    {
      name: 'outbox at the threshold',
      interval: '5s',
      inputSeries: [{ series: 'mlops_gateway_outbox_depth', values: '50x100' }],
      alertChecks: [quiet('GatewayOutboxBacklog', '1m')],
    },
    {
      name: 'outbox just over',
      interval: '5s',
      inputSeries: [{ series: 'mlops_gateway_outbox_depth', values: '51x100' }],
      alertChecks: [
        quiet('GatewayOutboxBacklog', '10s'),
        {
          alertname: 'GatewayOutboxBacklog',
          evalTime: '30s',
          expAlerts: [firing('GatewayOutboxBacklog', { namespace: NS },
            'The gateway outbox is backing up', '51 accepted entries are waiting to be dispatched (threshold 50).')],
        },
      ],
    },
  ],
  GatewayStateWriteFailing: [
    {
      name: 'writer healthy, no write errors',
      interval: '5s',
      inputSeries: [
        { series: 'mlops_gateway_state_writer_healthy{store="outbox"}', values: '1x100' },
        { series: 'mlops_gateway_state_write_errors_total{store="outbox"}', values: '3x100' },
      ],
      alertChecks: [quiet('GatewayStateWriteFailing', '1m')],
    },
    {
      // The disk fills at 20 s: writes fail (the counter moves) and the writer is unhealthy.
      name: 'state volume full',
      interval: '5s',
      inputSeries: [
        { series: 'mlops_gateway_state_writer_healthy{store="outbox"}', values: '1x3 0x100' },
        { series: 'mlops_gateway_state_write_errors_total{store="outbox"}', values: '0x3 1+1x100' },
      ],
      alertChecks: [
        quiet('GatewayStateWriteFailing', '15s'),
        {
          alertname: 'GatewayStateWriteFailing',
          evalTime: '1m',
          expAlerts: [firing('GatewayStateWriteFailing', { store: 'outbox', namespace: NS },
            'The gateway cannot write its outbox state',
            'Writes to the gateway\'s outbox database fail or are stuck (disk full?); /readyz answers 503 and dispatch outcomes are held in memory until a write commits.')],
        },
      ],
    },
  ],
  PayloadCaptureStalled: [
    {
      // Captures stop at 100 s, but no requests flow either: nothing to capture.
      name: 'stale captures without traffic',
      interval: '5s',
      inputSeries: [
        { series: `mlops_capture_last_timestamp_seconds{model_name="${MODEL}"}`, values: '0+5x20 100x400' },
        requests('200', '500x400'),
      ],
      alertChecks: [quiet('PayloadCaptureStalled', '1100s')],
    },
    {
      // Captures stop at 100 s while requests flow: 900 s old at 1000 s (not above), true from 1005 s, fires at 1020 s.
      name: 'captures stalled while serving',
      interval: '5s',
      inputSeries: [
        { series: `mlops_capture_last_timestamp_seconds{model_name="${MODEL}"}`, values: '0+5x20 100x400' },
        requests('200', '0+10x400'),
      ],
      alertChecks: [
        quiet('PayloadCaptureStalled', '1000s'),
        quiet('PayloadCaptureStalled', '1010s'),
        {
          alertname: 'PayloadCaptureStalled',
          evalTime: '1030s',
          expAlerts: [firing('PayloadCaptureStalled', { model_name: MODEL, namespace: NS },
            'No payload captures for credit-risk while it serves requests',
            'The newest stored capture is 930s old (threshold 900s) although the predictor serves requests; drift analysis is going blind.')],
        },
      ],
    },
  ],
  ArgoCDAppOutOfSync: [
    {
      name: 'every application synced (healthy or not)',
      interval: '5s',
      inputSeries: [argoApp('mlops', 'Synced', 'Healthy', '1x20'), argoApp('monitoring', 'Synced', 'Degraded', '1x20')],
      alertChecks: [quiet('ArgoCDAppOutOfSync', '1m')],
    },
    {
      // OutOfSync from 0 s: pending at 10 s, firing from 15 s (for 15s).
      name: 'one application out of sync',
      interval: '5s',
      inputSeries: [argoApp('mlops', 'OutOfSync', 'Healthy', '1x20'), argoApp('monitoring', 'Synced', 'Healthy', '1x20')],
      alertChecks: [
        quiet('ArgoCDAppOutOfSync', '10s'),
        {
          alertname: 'ArgoCDAppOutOfSync',
          evalTime: '30s',
          expAlerts: [firing('ArgoCDAppOutOfSync', { namespace: 'argocd', name: 'mlops', project: 'platform', sync_status: 'OutOfSync' },
            'ArgoCD Application mlops is not in sync', 'Application mlops (project platform) is OutOfSync: what is in git is not what runs.')],
        },
      ],
    },
  ],
  ArgoCDAppUnhealthy: [
    {
      // A rollout under way and a deliberately suspended application are not failures.
      name: 'progressing and suspended',
      interval: '5s',
      inputSeries: [argoApp('mlops', 'Synced', 'Progressing', '1x20'), argoApp('monitoring', 'Synced', 'Suspended', '1x20')],
      alertChecks: [quiet('ArgoCDAppUnhealthy', '1m')],
    },
    {
      name: 'degraded',
      interval: '5s',
      inputSeries: [argoApp('mlops', 'Synced', 'Degraded', '1x20'), argoApp('monitoring', 'Synced', 'Healthy', '1x20')],
      alertChecks: [
        quiet('ArgoCDAppUnhealthy', '10s'),
        {
          alertname: 'ArgoCDAppUnhealthy',
          evalTime: '30s',
          expAlerts: [firing('ArgoCDAppUnhealthy', { namespace: 'argocd', name: 'mlops', project: 'platform', health_status: 'Degraded' },
            'ArgoCD Application mlops is Degraded', 'Application mlops (project platform) is Degraded.')],
        },
      ],
    },
  ],
  PodImagePullFailing: [
    {
      // A crash loop is a restart (ModelPodCrashLooping), not a pull failure.
      name: 'crash loop back-off',
      interval: '5s',
      inputSeries: [waiting('CrashLoopBackOff', '1x20')],
      alertChecks: [quiet('PodImagePullFailing', '1m')],
    },
    {
      // The kubelet alternates ErrImagePull and ImagePullBackOff; the reason series hand over at 15 s.
      // Aggregated over the reason the condition never breaks: firing at 15 s (a per-reason alert
      // would restart its `for` at the handover and fire only at 30 s).
      name: 'image never pulls (reason flips)',
      interval: '5s',
      inputSeries: [waiting('ErrImagePull', '1 1 1 stale'), waiting('ImagePullBackOff', '_ _ _ 1x20')],
      alertChecks: [
        quiet('PodImagePullFailing', '10s'),
        {
          alertname: 'PodImagePullFailing',
          evalTime: '20s',
          expAlerts: [firing('PodImagePullFailing', { namespace: NS, pod: POD, container: 'kserve-container' },
            `Container kserve-container of ${NS}/${POD} cannot pull its image`,
            'The container waits on ErrImagePull, ImagePullBackOff or InvalidImageName: '
            + 'a wrong tag or digest, a private registry without pull secret, or no route to the registry.')],
        },
      ],
    },
  ],
};

/** DriftInputsStale needs > 26 h of simulated time: its own file, 1 m evaluation and sample interval. */
function driftStaleGroups(): PromtoolTestGroup[] {
  const capture = `mlops_capture_last_timestamp_seconds{model_name="${MODEL}"}`;
  const analysis = `mlops_drift_analysis_last_success_timestamp_seconds{model_name="${MODEL}"}`;
  const fresh = '0+60x1800';
  // Stops moving at 6000 s: 93600 s old (the threshold, not above) at 99600 s = 1660 m, above from 1661 m.
  const stuck = '0+60x100 6000x1700';
  const checks = (): AlertCheck[] => [
    quiet('DriftInputsStale', '1660m'),
    quiet('DriftInputsStale', '1661m'),
    {
      alertname: 'DriftInputsStale',
      evalTime: '1662m',
      expAlerts: [firing('DriftInputsStale', { model_name: MODEL, namespace: NS },
        'Drift inputs of credit-risk are stale', 'The newest capture or the last completed drift analysis is 93720s old (threshold 93600s).')],
    },
  ];
  return [
    { name: 'both fresh', interval: '1m', inputSeries: [{ series: capture, values: fresh }, { series: analysis, values: fresh }], alertChecks: [quiet('DriftInputsStale', '1662m')] },
    { name: 'captures stale', interval: '1m', inputSeries: [{ series: capture, values: stuck }, { series: analysis, values: fresh }], alertChecks: checks() },
    { name: 'drift analysis stale', interval: '1m', inputSeries: [{ series: capture, values: fresh }, { series: analysis, values: stuck }], alertChecks: checks() },
  ];
}

function promtoolTest(name: string, ruleFile: string, evaluationInterval: string, groups: PromtoolTestGroup[]) {
  const file = writeYaml(path.join(dir, `${name}.test.yaml`), promtoolTestFile(ruleFile, evaluationInterval, groups));
  return runTool('promtool', ['test', 'rules', file]);
}

describe('Prometheus rules (promtool)', () => {
  test('promtool check rules accepts both profiles', () => {
    for (const file of [fastRules, defaultRules]) {
      const r = runTool('promtool', ['check', 'rules', file]);
      expect(r.output).toContain('SUCCESS: 18 rules found');
      expect(r.code).toBe(0);
    }
  });

  test('every catalog alert has promtool cases, and the hand-written labels match the catalog and teams map', () => {
    expect([...Object.keys(cases), 'DriftInputsStale'].sort()).toEqual(Object.keys(alertCatalog).sort());
    for (const [name, entry] of Object.entries(alertCatalog)) {
      expect(fixed[name as AlertName]).toEqual({ severity: entry.severity, type: entry.type, team: entry.team });
      expect(teams).toHaveProperty(entry.team);
    }
  });

  test.each(Object.keys(cases) as (keyof typeof cases)[])('%s: quiet just under, quiet before `for`, firing with exact labels and annotations', (alert) => {
    const r = promtoolTest(alert, fastRules, '5s', cases[alert]);
    if (r.code !== 0) throw new Error(`promtool test rules failed for ${alert}:\n${r.output}`);
    expect(r.output).toContain('SUCCESS');
  });

  test('DriftInputsStale: quiet at the threshold, quiet before `for`, firing for stale captures and for a stale drift analysis', () => {
    const r = promtoolTest('DriftInputsStale', fastRules, '1m', driftStaleGroups());
    if (r.code !== 0) throw new Error(`promtool test rules failed for DriftInputsStale:\n${r.output}`);
    expect(r.output).toContain('SUCCESS');
  });

  test('default profile: InferenceLatencyHigh waits its 5m `for` over a 5m rate window', () => {
    const over = [bucket('0.25', '0x100'), bucket('0.5', '0+94x100'), bucket('1', '0+100x100'), bucket('+Inf', '0+100x100')];
    const r = promtoolTest('default-latency', defaultRules, '30s', [{
      name: 'latency over on the default profile',
      interval: '30s',
      inputSeries: over,
      alertChecks: [
        quiet('InferenceLatencyHigh', '4m'),
        {
          alertname: 'InferenceLatencyHigh',
          evalTime: '6m',
          expAlerts: [firing('InferenceLatencyHigh', { model_name: MODEL, namespace: NS },
            'p95 inference latency of credit-risk is above 0.5s', 'The p95 of request_predict_seconds over 5m is 0.583s (threshold 0.5s).')],
        },
      ],
    }]);
    if (r.code !== 0) throw new Error(`promtool test rules failed on the default profile:\n${r.output}`);
  });

  test('the harness catches a wrong expectation (a firing alert expected quiet fails promtool)', () => {
    const group = cases.GatewayOutboxBacklog[1];
    const r = promtoolTest('control', fastRules, '5s', [{ ...group, alertChecks: [quiet('GatewayOutboxBacklog', '30s')] }]);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('GatewayOutboxBacklog');
    // …and so does a firing alert whose annotation differs by one character.
    const [, firingCheck] = group.alertChecks!;
    const wrong = firingCheck.expAlerts.map((a) => ({ ...a, exp_annotations: { ...a.exp_annotations, description: a.exp_annotations!.description.replace('51', '52') } }));
    const r2 = promtoolTest('control2', fastRules, '5s', [{ ...group, alertChecks: [{ ...firingCheck, expAlerts: wrong }] }]);
    expect(r2.code).not.toBe(0);
    expect(r2.output).toContain('52 accepted entries');
  });
});

describe('rule profiles', () => {
  test('fast and default differ only in their durations (for, rate window, offset, accuracy window)', () => {
    const [def, fast] = [ruleProfiles.default, ruleProfiles.fast];
    expect(def).toEqual({ for: '5m', rateWindow: '5m', offset: '7d', accuracyWindow: '24h' });
    expect(fast).toEqual({ for: '15s', rateWindow: '30s', offset: '2m', accuracyWindow: '2m' });
    // Replace each profile's durations by placeholders: what remains must be identical.
    const normalize = (groups: unknown, d: typeof def) =>
      JSON.stringify(groups)
        .replace(/"for":"[^"]+"/g, '"for":"<for>"')
        .split(`[${d.accuracyWindow}]`).join('[<accuracy>]')
        .split(`predictions in ${d.accuracyWindow})`).join('predictions in <accuracy>)')
        .split(`[${d.rateWindow}]`).join('[<window>]')
        .split(`offset ${d.offset}`).join('offset <offset>')
        .split(`over ${d.rateWindow} `).join('over <window> ')
        .split(`in ${d.rateWindow}.`).join('in <window>.')
        .split(`in ${d.rateWindow})`).join('in <window>)')
        .split(`in ${d.rateWindow};`).join('in <window>;')
        .split(`${d.offset} ago`).join('<offset> ago');
    const a = normalize(prometheusRuleGroups('default', platformConfig), def);
    const b = normalize(prometheusRuleGroups('fast', platformConfig), fast);
    expect(b).toEqual(a);
    // …and the durations really are in the rules (the placeholders replaced something).
    expect(a).toContain('<for>');
    expect(a).toContain('[<window>]');
    expect(a).toContain('offset <offset>');
    expect(a).toContain('[<accuracy>]');
    expect(JSON.stringify(prometheusRuleGroups('default', platformConfig))).not.toEqual(JSON.stringify(prometheusRuleGroups('fast', platformConfig)));
  });

  test('every alert carries severity, type, team and summary/description/runbook_url; runbooks exist in the repo', () => {
    const alerts = prometheusRuleGroups('default', platformConfig).flatMap((g) => g.rules).filter((r) => r.alert);
    expect(alerts.map((a) => a.alert)).toEqual(Object.keys(alertCatalog));
    for (const a of alerts) {
      const entry = alertCatalog[a.alert as AlertName];
      expect(a.labels).toMatchObject({ severity: entry.severity, type: entry.type, team: entry.team });
      expect(Object.keys(a.annotations ?? {}).sort()).toEqual(['description', 'runbook_url', 'summary']);
      expect(a.annotations!.runbook_url).toBe(`${RUNBOOKS}/${a.alert}.md`);
      const local = path.join(__dirname, '..', '..', '..', 'docs', 'runbooks', `${a.alert}.md`);
      expect(fs.existsSync(local)).toBe(true);
    }
  });

  test('an unknown profile is an error naming the profiles', () => {
    expect(() => prometheusRuleGroups('slow' as never, platformConfig)).toThrow('unknown rule profile "slow" (profiles: default, fast)');
  });
});
