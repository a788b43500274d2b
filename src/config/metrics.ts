/**
 * The metrics contract: every metric and label this platform emits or queries, declared once.
 * Rules, dashboards, the gateway, the alert analysis and the Python predictor (through
 * `metricsContractJson()`, written to model/contract/metrics.json) use these names; a test fails
 * when any of them uses a metric or label that is not declared here.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

export interface MetricDecl {
  readonly name: string;
  readonly type: MetricType;
  /** The labels this platform sets or selects on. */
  readonly labels: readonly string[];
  /** Who exports it: our predictor, KServe itself, our gateway, a recording rule, or an upstream exporter. */
  readonly source: 'predictor' | 'kserve' | 'gateway' | 'recording-rule' | 'kube-state-metrics' | 'cadvisor' | 'prometheus' | 'argocd';
  readonly help: string;
}

function metric<const T extends MetricDecl>(m: T): T {
  return m;
}

export const metrics = {
  // --- the predictor (counters only; rates and ratios are derived by recording rules) ---
  inferenceRequests: metric({
    name: 'mlops_inference_requests_total',
    type: 'counter',
    labels: ['model_name', 'code'],
    source: 'predictor',
    help: 'Inference requests served by the predictor, by HTTP status code.',
  }),
  predictions: metric({
    name: 'mlops_predictions_total',
    type: 'counter',
    labels: ['model_name', 'class'],
    source: 'predictor',
    help: 'Predictions made, by predicted class.',
  }),
  predictionConfidenceSum: metric({
    name: 'mlops_prediction_confidence_sum',
    type: 'counter',
    labels: ['model_name'],
    source: 'predictor',
    help: 'Sum of the top-class probability of every prediction.',
  }),
  predictionConfidenceSquaredSum: metric({
    name: 'mlops_prediction_confidence_squared_sum',
    type: 'counter',
    labels: ['model_name'],
    source: 'predictor',
    help: 'Sum of the squared top-class probability of every prediction (for the variance).',
  }),
  // --- KServe's own latency histogram (served by the model server) ---
  requestPredictSeconds: metric({
    name: 'request_predict_seconds',
    type: 'histogram',
    labels: ['model_name'],
    source: 'kserve',
    help: 'KServe model server predict latency in seconds.',
  }),
  // --- the gateway ---
  modelAccuracy: metric({
    name: 'mlops_model_accuracy',
    type: 'gauge',
    labels: ['model_name'],
    source: 'gateway',
    help: 'Share of labelled predictions in the accuracy window that were right.',
  }),
  feedbackLabelled: metric({
    name: 'mlops_feedback_labelled_total',
    type: 'counter',
    labels: ['model_name'],
    source: 'gateway',
    help: 'Predictions that received a ground-truth label through /feedback.',
  }),
  gatewayReceived: metric({
    name: 'mlops_gateway_received_total',
    type: 'counter',
    labels: ['endpoint'],
    source: 'gateway',
    help: 'Requests received by the gateway, by endpoint.',
  }),
  gatewayRejected: metric({
    name: 'mlops_gateway_rejected_total',
    type: 'counter',
    labels: ['endpoint', 'reason'],
    source: 'gateway',
    help: 'Requests rejected by the gateway, by endpoint and reason.',
  }),
  gatewayDeduplicated: metric({
    name: 'mlops_gateway_deduplicated_total',
    type: 'counter',
    labels: [],
    source: 'gateway',
    help: 'Alert groups recorded but not dispatched again (same fingerprints and status within the dedupe window).',
  }),
  gatewayDispatched: metric({
    name: 'mlops_gateway_dispatched_total',
    type: 'counter',
    labels: ['event_type'],
    source: 'gateway',
    help: 'Outbox entries dispatched to GitHub, by repository_dispatch event type.',
  }),
  gatewayDispatchFailed: metric({
    name: 'mlops_gateway_dispatch_failed_total',
    type: 'counter',
    labels: ['event_type'],
    source: 'gateway',
    help: 'Failed dispatch attempts (each attempt counts).',
  }),
  gatewayDispatchAttempts: metric({
    name: 'mlops_gateway_dispatch_attempts_total',
    type: 'counter',
    labels: ['outcome'],
    source: 'gateway',
    help: 'Every repository_dispatch request sent to GitHub, by outcome (dispatched, retry, rate-limited, permanent), counted before the outcome is written.',
  }),
  gatewayStateWriteErrors: metric({
    name: 'mlops_gateway_state_write_errors_total',
    type: 'counter',
    labels: ['store'],
    source: 'gateway',
    help: 'Failed writes to the gateway\'s state (SQLite), by store; 0 from start (SQLite\'s result code, e.g. SQLITE_FULL, is in the log).',
  }),
  gatewayStateWriterHealthy: metric({
    name: 'mlops_gateway_state_writer_healthy',
    type: 'gauge',
    labels: ['store'],
    source: 'gateway',
    help: '1 when the store\'s last write committed and no write is stuck, else 0 (then /readyz fails).',
  }),
  gatewayOutboxDepth: metric({
    name: 'mlops_gateway_outbox_depth',
    type: 'gauge',
    labels: [],
    source: 'gateway',
    help: 'Accepted entries not yet dispatched.',
  }),
  gatewayProcessingSeconds: metric({
    name: 'mlops_gateway_processing_seconds',
    type: 'histogram',
    labels: ['endpoint'],
    source: 'gateway',
    help: 'Time from request received to durable accept, in seconds.',
  }),
  capturesStored: metric({
    name: 'mlops_captures_stored_total',
    type: 'counter',
    labels: ['model_name'],
    source: 'gateway',
    help: 'Payload-logger events stored by the gateway (request and response halves).',
  }),
  captureLastTimestamp: metric({
    name: 'mlops_capture_last_timestamp_seconds',
    type: 'gauge',
    labels: ['model_name'],
    source: 'gateway',
    help: 'Unix time of the newest stored capture; drift inputs go stale when it stops moving.',
  }),
  driftAnalysisLastSuccess: metric({
    name: 'mlops_drift_analysis_last_success_timestamp_seconds',
    type: 'gauge',
    labels: ['model_name'],
    source: 'gateway',
    help: 'Unix time of the last drift analysis that completed, reported back to the gateway.',
  }),
  // --- recording rules (derived series) ---
  classShare: metric({
    name: 'mlops:prediction_class_share:ratio_rate',
    type: 'gauge',
    labels: ['model_name', 'class'],
    source: 'recording-rule',
    help: 'Share of each predicted class over the rate window.',
  }),
  confidenceVariance: metric({
    name: 'mlops:prediction_confidence:variance_rate',
    type: 'gauge',
    labels: ['model_name'],
    source: 'recording-rule',
    help: 'Variance of the top-class probability over the rate window.',
  }),
  errorRatio: metric({
    name: 'mlops:inference_5xx:ratio_rate',
    type: 'gauge',
    labels: ['model_name'],
    source: 'recording-rule',
    help: 'Share of inference requests answered with a 5xx over the rate window.',
  }),
  latencyP95: metric({
    name: 'mlops:request_predict_seconds:p95',
    type: 'gauge',
    labels: ['model_name'],
    source: 'recording-rule',
    help: 'p95 predict latency over the rate window.',
  }),
  // --- upstream series the alerts and the alert analysis query ---
  containerRestarts: metric({
    name: 'kube_pod_container_status_restarts_total',
    type: 'counter',
    labels: ['namespace', 'pod', 'container'],
    source: 'kube-state-metrics',
    help: 'Container restarts.',
  }),
  containerWaitingReason: metric({
    name: 'kube_pod_container_status_waiting_reason',
    type: 'gauge',
    labels: ['namespace', 'pod', 'container', 'reason'],
    source: 'kube-state-metrics',
    help: 'Why a container is waiting (CrashLoopBackOff …).',
  }),
  containerLastTerminatedReason: metric({
    name: 'kube_pod_container_status_last_terminated_reason',
    type: 'gauge',
    labels: ['namespace', 'pod', 'container', 'reason'],
    source: 'kube-state-metrics',
    help: 'Why a container last terminated (OOMKilled …).',
  }),
  containerMemoryLimit: metric({
    name: 'kube_pod_container_resource_limits',
    type: 'gauge',
    labels: ['namespace', 'pod', 'container', 'resource'],
    source: 'kube-state-metrics',
    help: 'Container resource limits.',
  }),
  containerCpuSeconds: metric({
    name: 'container_cpu_usage_seconds_total',
    type: 'counter',
    labels: ['namespace', 'pod', 'container'],
    source: 'cadvisor',
    help: 'CPU used.',
  }),
  containerCpuThrottledPeriods: metric({
    name: 'container_cpu_cfs_throttled_periods_total',
    type: 'counter',
    labels: ['namespace', 'pod', 'container'],
    source: 'cadvisor',
    help: 'CFS periods in which the container was throttled.',
  }),
  containerCpuPeriods: metric({
    name: 'container_cpu_cfs_periods_total',
    type: 'counter',
    labels: ['namespace', 'pod', 'container'],
    source: 'cadvisor',
    help: 'CFS periods elapsed.',
  }),
  containerMemoryWorkingSet: metric({
    name: 'container_memory_working_set_bytes',
    type: 'gauge',
    labels: ['namespace', 'pod', 'container'],
    source: 'cadvisor',
    help: 'Container memory working set.',
  }),
  argocdAppInfo: metric({
    // argoproj/argo-cd docs/operator-manual/metrics.md @ v3.2.0 (the argo-cd chart 9.1.0's appVersion):
    // gauge, value 1, labels name, namespace (the Application's), project, sync_status, health_status.
    name: 'argocd_app_info',
    type: 'gauge',
    labels: ['namespace', 'name', 'project', 'sync_status', 'health_status'],
    source: 'argocd',
    help: 'One series per ArgoCD Application with its sync and health status.',
  }),
  up: metric({
    name: 'up',
    type: 'gauge',
    labels: ['job', 'namespace', 'pod'],
    source: 'prometheus',
    help: 'Scrape target health.',
  }),
} as const;

export type MetricKey = keyof typeof metrics;

/** Every declared metric name, including the `_bucket`/`_sum`/`_count` series a histogram exposes. */
export function declaredSeriesNames(): Set<string> {
  const names = new Set<string>();
  for (const m of Object.values(metrics)) {
    names.add(m.name);
    if ((m as MetricDecl).type === 'histogram' || (m as MetricDecl).type === 'summary') {
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(m.name + suffix);
    }
  }
  return names;
}

/** Every label any declared metric carries, plus the ones Prometheus itself adds. */
export function declaredLabelNames(): Set<string> {
  const labels = new Set<string>(['le', 'quantile', 'job', 'instance', '__name__']);
  for (const m of Object.values(metrics)) m.labels.forEach((l) => labels.add(l));
  return labels;
}

/** The contract as plain JSON, for the Python predictor (model/contract/metrics.json). */
export function metricsContractJson(): string {
  return JSON.stringify({ metrics: Object.values(metrics) }, null, 2) + '\n';
}

/**
 * Alert names and their fixed labels (the GitOps issue's table). The rules, Alertmanager routing,
 * the gateway (type `drift` → drift dispatch) and the analyses rely on these names.
 */
export const alertCatalog = {
  InferenceLatencyHigh: { type: 'latency', severity: 'critical', team: 'platform' },
  InferenceErrorRateHigh: { type: 'errors', severity: 'critical', team: 'platform' },
  ModelPodCrashLooping: { type: 'availability', severity: 'critical', team: 'platform' },
  ModelAccuracyLow: { type: 'drift', severity: 'warning', team: 'ml' },
  PredictionDistributionShift: { type: 'drift', severity: 'warning', team: 'ml' },
  ConfidenceVarianceRising: { type: 'drift', severity: 'warning', team: 'ml' },
  GatewayDispatchFailing: { type: 'platform', severity: 'warning', team: 'platform' },
  GatewayOutboxBacklog: { type: 'platform', severity: 'warning', team: 'platform' },
  // The gateway cannot write its state (disk full, a stuck writer): it answers 503 on /readyz (issue 18 item 1).
  GatewayStateWriteFailing: { type: 'platform', severity: 'critical', team: 'platform' },
  PayloadCaptureStalled: { type: 'platform', severity: 'warning', team: 'platform' },
  DriftInputsStale: { type: 'platform', severity: 'warning', team: 'platform' },
  // The platform's own failures (issue 18 item 7): also sent out of band (src/k8s/mlops/alertmanager.ts).
  ArgoCDAppOutOfSync: { type: 'platform', severity: 'warning', team: 'platform' },
  ArgoCDAppUnhealthy: { type: 'platform', severity: 'warning', team: 'platform' },
  PodImagePullFailing: { type: 'platform', severity: 'warning', team: 'platform' },
} as const;

export type AlertName = keyof typeof alertCatalog;
export type AlertType = (typeof alertCatalog)[AlertName]['type'];
