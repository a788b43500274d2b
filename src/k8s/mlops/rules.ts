import { alertCatalog, AlertName, metrics } from '../../config/metrics';
import { teamById } from '../../config/teams';

/**
 * The platform's Prometheus rules as plain data: recording rules that derive the class share, the
 * confidence variance, the 5xx ratio and p95 latency, and one alerting rule per entry of
 * `alertCatalog`. Pure functions: the PrometheusRule construct, the committed plain rule files, the
 * promtool tests, the alert e2e test and the local demo all load rules from here.
 *
 * Every metric name comes from the metrics contract (`src/config/metrics.ts`); every alert name,
 * type, severity and team from `alertCatalog` and the teams map.
 */

/** A Prometheus duration such as `30s`, `5m`, `7d`. */
export type PromDuration = `${number}${'ms' | 's' | 'm' | 'h' | 'd' | 'w' | 'y'}`;

/** The durations the two rule profiles differ in. Nothing else may differ between profiles. */
export interface RuleDurations {
  /**
   * How long an alert condition must hold before the alert fires (`for:`).
   * @default '5m'
   */
  readonly for: PromDuration;
  /**
   * The range of every `rate()`/`increase()` in the rules (except the labelled-feedback count).
   * @default '5m'
   */
  readonly rateWindow: PromDuration;
  /**
   * The window the gateway computes `mlops_model_accuracy` over (its `ACCURACY_WINDOW_HOURS`);
   * `ModelAccuracyLow` counts the labelled predictions over the same window, so "accuracy below X
   * with at least N labels" speaks about one set of predictions.
   * @default '24h'
   */
  readonly accuracyWindow: PromDuration;
  /**
   * How far back the drift comparisons look (`offset`): the class share and the confidence
   * variance are compared against their value this long ago.
   * @default '7d'
   */
  readonly offset: PromDuration;
}

/** `default` for the cluster; `fast` for tests and the local demo. */
export type RuleProfile = 'default' | 'fast';

/** The gateway's default accuracy window in hours (`ACCURACY_WINDOW_HOURS`); the Deployment sets it explicitly. */
export const ACCURACY_WINDOW_HOURS = 24;

export const ruleProfiles: Record<RuleProfile, RuleDurations> = {
  default: { for: '5m', rateWindow: '5m', offset: '7d', accuracyWindow: `${ACCURACY_WINDOW_HOURS}h` },
  fast: { for: '15s', rateWindow: '30s', offset: '2m', accuracyWindow: '2m' },
};

/** The thresholds of the alerts (the same in both profiles). */
export interface AlertThresholds {
  /**
   * `InferenceLatencyHigh`: p95 of `request_predict_seconds` above this many seconds.
   * @default 0.5
   */
  readonly latencyP95Seconds: number;
  /**
   * `InferenceErrorRateHigh`: share of 5xx answers above this ratio (0–1).
   * @default 0.05
   */
  readonly errorRatio: number;
  /**
   * `ModelPodCrashLooping`: predictor container restarts in the rate window above this count.
   * @default 0
   */
  readonly restartsInWindow: number;
  /**
   * `ModelAccuracyLow`: accuracy reported by the gateway below this ratio (0–1).
   * @default 0.85
   */
  readonly minAccuracy: number;
  /**
   * `ModelAccuracyLow` only fires with at least this many labelled predictions in the accuracy
   * window, so a handful of labels cannot page anyone.
   * @default 200
   */
  readonly minLabelledSamples: number;
  /**
   * `PredictionDistributionShift`: absolute change of a class share (0–1) against the offset.
   * @default 0.2
   */
  readonly classShareShift: number;
  /**
   * `ConfidenceVarianceRising`: variance above this factor of its average at the offset.
   * @default 2
   */
  readonly confidenceVarianceFactor: number;
  /**
   * `GatewayDispatchFailing`: failed dispatch attempts in the rate window above this count.
   * @default 0
   */
  readonly dispatchFailures: number;
  /**
   * `GatewayOutboxBacklog`: undispatched outbox entries above this count.
   * @default 10
   */
  readonly outboxBacklog: number;
  /**
   * `PayloadCaptureStalled`: seconds without a stored capture while the predictor serves requests.
   * @default 900
   */
  readonly captureStallSeconds: number;
  /**
   * `DriftInputsStale`: seconds since the newest capture or the last completed drift analysis.
   * @default 93600 (26 h: the daily drift analysis plus two hours of slack)
   */
  readonly driftInputsMaxAgeSeconds: number;
}

export const defaultAlertThresholds: AlertThresholds = {
  latencyP95Seconds: 0.5,
  errorRatio: 0.05,
  restartsInWindow: 0,
  minAccuracy: 0.85,
  minLabelledSamples: 200,
  classShareShift: 0.2,
  confidenceVarianceFactor: 2,
  dispatchFailures: 0,
  outboxBacklog: 10,
  captureStallSeconds: 900,
  driftInputsMaxAgeSeconds: 93_600,
};

/** What the rules need to know about the platform. */
export interface RuleContext {
  /** Namespace of the predictor and the gateway. */
  readonly namespace: string;
  /** The InferenceService name (the predictor's `model_name` label). */
  readonly modelName: string;
  /** Prefix of each alert's `runbook_url`; the runbook is `<base>/<AlertName>.md`. */
  readonly runbookBaseUrl: string;
  readonly thresholds: AlertThresholds;
}

/** One recording or alerting rule, in Prometheus' rule-file shape. */
export interface PromRule {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

export interface PromRuleGroup {
  readonly name: string;
  readonly rules: PromRule[];
}

const m = metrics;

interface AlertDef {
  readonly expr: string;
  /** Labels beyond severity/type/team (which come from `alertCatalog`). */
  readonly labels?: Record<string, string>;
  readonly summary: string;
  readonly description: string;
}

/** Formats `$value` the same way in every annotation. */
const value3 = '{{ printf "%.3f" $value }}';
const value0 = '{{ printf "%.0f" $value }}';

function alertDefs(ctx: RuleContext, d: RuleDurations): Record<AlertName, AlertDef> {
  const t = ctx.thresholds;
  const w = d.rateWindow;
  const model = `model_name="${ctx.modelName}"`;
  const predictorPods = `namespace="${ctx.namespace}", pod=~"${ctx.modelName}-predictor-.*"`;
  return {
    InferenceLatencyHigh: {
      expr: `${m.latencyP95.name}{${model}} > ${t.latencyP95Seconds}`,
      labels: { namespace: ctx.namespace },
      summary: 'p95 inference latency of {{ $labels.model_name }} is above ' + `${t.latencyP95Seconds}s`,
      description: `The p95 of request_predict_seconds over ${w} is ${value3}s (threshold ${t.latencyP95Seconds}s).`,
    },
    InferenceErrorRateHigh: {
      expr: `${m.errorRatio.name}{${model}} > ${t.errorRatio}`,
      labels: { namespace: ctx.namespace },
      summary: '{{ $labels.model_name }} answers too many requests with 5xx',
      description: `The share of 5xx answers over ${w} is ${value3} (threshold ${t.errorRatio}).`,
    },
    ModelPodCrashLooping: {
      expr: `sum by (namespace, pod, container) (increase(${m.containerRestarts.name}{${predictorPods}}[${w}])) > ${t.restartsInWindow}`,
      labels: { model_name: ctx.modelName },
      summary: 'Predictor pod {{ $labels.pod }} is restarting',
      description: `Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} restarted ${value0} times in ${w}.`,
    },
    ModelAccuracyLow: {
      expr: `(min by (model_name) (${m.modelAccuracy.name}{${model}}) < ${t.minAccuracy})`
        + ` and on (model_name) (sum by (model_name) (increase(${m.feedbackLabelled.name}{${model}}[${d.accuracyWindow}])) >= ${t.minLabelledSamples})`,
      labels: { namespace: ctx.namespace },
      summary: 'Accuracy of {{ $labels.model_name }} is below ' + `${t.minAccuracy}`,
      description: `Accuracy on labelled feedback is ${value3} (threshold ${t.minAccuracy}, with at least ${t.minLabelledSamples} labelled predictions in ${d.accuracyWindow}).`,
    },
    PredictionDistributionShift: {
      expr: `abs(${m.classShare.name}{${model}} - ${m.classShare.name}{${model}} offset ${d.offset}) > ${t.classShareShift}`,
      labels: { namespace: ctx.namespace },
      summary: 'Share of class {{ $labels.class }} predicted by {{ $labels.model_name }} moved',
      description: `The share of class {{ $labels.class }} moved by ${value3} against ${d.offset} ago (threshold ${t.classShareShift}).`,
    },
    ConfidenceVarianceRising: {
      expr: `${m.confidenceVariance.name}{${model}}`
        + ` > ${t.confidenceVarianceFactor} * avg_over_time(${m.confidenceVariance.name}{${model}}[${w}] offset ${d.offset})`,
      labels: { namespace: ctx.namespace },
      summary: 'Prediction confidence of {{ $labels.model_name }} is getting unstable',
      description: `The variance of the top-class probability is ${value3}, above ${t.confidenceVarianceFactor}x its average ${d.offset} ago.`,
    },
    GatewayDispatchFailing: {
      expr: `sum by (event_type) (increase(${m.gatewayDispatchFailed.name}[${w}])) > ${t.dispatchFailures}`,
      labels: { namespace: ctx.namespace },
      summary: 'The gateway fails to dispatch {{ $labels.event_type }} events to GitHub',
      description: `${value0} dispatch attempts of type {{ $labels.event_type }} failed in ${w}; alerts are queued in the outbox, not lost.`,
    },
    GatewayOutboxBacklog: {
      expr: `max(${m.gatewayOutboxDepth.name}) > ${t.outboxBacklog}`,
      labels: { namespace: ctx.namespace },
      summary: 'The gateway outbox is backing up',
      description: `${value0} accepted entries are waiting to be dispatched (threshold ${t.outboxBacklog}).`,
    },
    GatewayStateWriteFailing: {
      // The gauge is 0 while the last write failed or a write is stuck; the counter catches a failure
      // that cleared between two scrapes.
      expr: `(min by (store) (${m.gatewayStateWriterHealthy.name}) < 1)`
        + ` or (sum by (store) (increase(${m.gatewayStateWriteErrors.name}[${w}])) > 0)`,
      labels: { namespace: ctx.namespace },
      summary: 'The gateway cannot write its {{ $labels.store }} state',
      description: 'Writes to the gateway\'s {{ $labels.store }} database fail or are stuck (disk full?); /readyz answers 503 and dispatch outcomes are held in memory until a write commits.',
    },
    PayloadCaptureStalled: {
      expr: `(time() - max by (model_name) (${m.captureLastTimestamp.name}{${model}}) > ${t.captureStallSeconds})`
        + ` and on (model_name) (sum by (model_name) (rate(${m.inferenceRequests.name}{${model}}[${w}])) > 0)`,
      labels: { namespace: ctx.namespace },
      summary: 'No payload captures for {{ $labels.model_name }} while it serves requests',
      description: `The newest stored capture is ${value0}s old (threshold ${t.captureStallSeconds}s) although the predictor serves requests; drift analysis is going blind.`,
    },
    DriftInputsStale: {
      expr: `(time() - max by (model_name) (${m.captureLastTimestamp.name}{${model}}) > ${t.driftInputsMaxAgeSeconds})`
        + ` or (time() - max by (model_name) (${m.driftAnalysisLastSuccess.name}{${model}}) > ${t.driftInputsMaxAgeSeconds})`,
      labels: { namespace: ctx.namespace },
      summary: 'Drift inputs of {{ $labels.model_name }} are stale',
      description: `The newest capture or the last completed drift analysis is ${value0}s old (threshold ${t.driftInputsMaxAgeSeconds}s).`,
    },
    // The platform's own failures. argocd_app_info: argoproj/argo-cd docs/operator-manual/metrics.md @ v3.2.0
    // (scraped through the argo-cd chart's controller ServiceMonitor, src/k8s/bootstrap/argocd.ts).
    ArgoCDAppOutOfSync: {
      expr: `max by (namespace, name, project, sync_status) (${m.argocdAppInfo.name}{sync_status!="Synced"}) > 0`,
      summary: 'ArgoCD Application {{ $labels.name }} is not in sync',
      description: 'Application {{ $labels.name }} (project {{ $labels.project }}) is {{ $labels.sync_status }}: what is in git is not what runs.',
    },
    ArgoCDAppUnhealthy: {
      // Progressing (a rollout under way) and Suspended (on purpose) are not failures; a rollout that
      // never finishes turns Degraded at its progress deadline.
      expr: `max by (namespace, name, project, health_status) (${m.argocdAppInfo.name}{health_status=~"Degraded|Missing|Unknown"}) > 0`,
      summary: 'ArgoCD Application {{ $labels.name }} is {{ $labels.health_status }}',
      description: 'Application {{ $labels.name }} (project {{ $labels.project }}) is {{ $labels.health_status }}.',
    },
    PodImagePullFailing: {
      // Not a restart: a container whose image never pulls waits forever and ModelPodCrashLooping stays
      // quiet. The reason flips between ErrImagePull and ImagePullBackOff, so it is aggregated away
      // (else `for` restarts at each flip). kube-state-metrics docs/metrics/workload/pod-metrics.md.
      expr: `max by (namespace, pod, container) (${m.containerWaitingReason.name}{reason=~"ErrImagePull|ImagePullBackOff|InvalidImageName"}) > 0`,
      summary: 'Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} cannot pull its image',
      description: 'The container waits on ErrImagePull, ImagePullBackOff or InvalidImageName: a wrong tag or digest, a private registry without pull secret, or no route to the registry.',
    },
  };
}

/** The recording rules, by the rate window. Every series is aggregated `by (model_name)`. */
function recordingRules(d: RuleDurations): PromRule[] {
  const w = d.rateWindow;
  const requests = `sum by (model_name) (rate(${m.inferenceRequests.name}[${w}]))`;
  const predictions = `sum by (model_name) (rate(${m.predictions.name}[${w}]))`;
  return [
    {
      record: m.latencyP95.name,
      expr: `histogram_quantile(0.95, sum by (model_name, le) (rate(${m.requestPredictSeconds.name}_bucket[${w}])))`,
    },
    {
      // With no 5xx series at all the numerator is empty; `or … * 0` keeps the ratio at 0 instead of absent.
      record: m.errorRatio.name,
      expr: `(sum by (model_name) (rate(${m.inferenceRequests.name}{code=~"5.."}[${w}])) or ${requests} * 0) / ${requests}`,
    },
    {
      record: m.classShare.name,
      expr: `sum by (model_name, class) (rate(${m.predictions.name}[${w}])) / ignoring (class) group_left ${predictions}`,
    },
    {
      // Var(X) = E[X²] − E[X]², with X the top-class probability of each prediction.
      record: m.confidenceVariance.name,
      expr: `sum by (model_name) (rate(${m.predictionConfidenceSquaredSum.name}[${w}])) / ${predictions}`
        + ` - (sum by (model_name) (rate(${m.predictionConfidenceSum.name}[${w}])) / ${predictions}) ^ 2`,
    },
  ];
}

/** The alerting rules, in `alertCatalog` order, with labels from the catalog and the teams map. */
export function alertingRules(ctx: RuleContext, d: RuleDurations): PromRule[] {
  const defs = alertDefs(ctx, d);
  return (Object.keys(alertCatalog) as AlertName[]).map((name) => {
    const entry = alertCatalog[name];
    const def = defs[name];
    // Fails synthesis if the catalog names a team the teams map does not know.
    const team = teamById(entry.team).id;
    return {
      alert: name,
      expr: def.expr,
      for: d.for,
      labels: { ...def.labels, severity: entry.severity, type: entry.type, team },
      annotations: {
        summary: def.summary,
        description: def.description,
        runbook_url: runbookUrl(ctx.runbookBaseUrl, name),
      },
    };
  });
}

/** Where an alert's runbook lives: `docs/runbooks/<AlertName>.md` in this repository. */
export function runbookUrl(base: string, alert: AlertName): string {
  return `${base.replace(/\/+$/, '')}/${alert}.md`;
}

/** The plain rule groups (Prometheus rule-file `groups:`), for a profile's durations. */
export function ruleGroups(ctx: RuleContext, d: RuleDurations): PromRuleGroup[] {
  return [
    { name: 'mlops.recording', rules: recordingRules(d) },
    { name: 'mlops.alerts', rules: alertingRules(ctx, d) },
  ];
}
