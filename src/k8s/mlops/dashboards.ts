import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { metrics as m } from '../../config/metrics';

/**
 * Grafana dashboards as code. Each dashboard is a ConfigMap with the label Grafana's dashboard
 * sidecar watches (`grafana_dashboard: "1"`, kube-prometheus-stack's default), holding the
 * dashboard JSON. Every query uses metric and label names of the contract (a test parses them).
 */

/** The label kube-prometheus-stack's Grafana sidecar loads dashboards from. */
export const DASHBOARD_SIDECAR_LABEL = { grafana_dashboard: '1' };

export interface PanelTarget {
  readonly expr: string;
  /** Grafana legend template, e.g. `{{class}}`. */
  readonly legendFormat: string;
}

export interface PanelSpec {
  readonly title: string;
  readonly description: string;
  /** Grafana unit id (`s`, `percentunit`, `reqps`, `short`, …). */
  readonly unit: string;
  readonly targets: PanelTarget[];
  /** A red threshold line (the alert's threshold), if any. */
  readonly threshold?: number;
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly panels: PanelSpec[];
  /** Whether the dashboard has the `$model` variable (label values of `model_name`). */
  readonly perModel: boolean;
}

const RATE = '$__rate_interval';
const MODEL = 'model_name="$model"';

/** Model serving: latency quantiles, traffic, errors, prediction mix, confidence, accuracy, labelled volume. */
export function modelServingDashboard(): DashboardSpec {
  const q = (p: number) => ({
    expr: `histogram_quantile(${p}, sum by (le) (rate(${m.requestPredictSeconds.name}_bucket{${MODEL}}[${RATE}])))`,
    legendFormat: `p${Math.round(p * 100)}`,
  });
  const predictions = `sum(rate(${m.predictions.name}{${MODEL}}[${RATE}]))`;
  return {
    uid: 'mlops-model-serving',
    title: 'MLOps / Model serving',
    description: 'The served model: latency, traffic, errors, what it predicts, how sure it is, and how right it is.',
    perModel: true,
    panels: [
      { title: 'Predict latency', description: 'p50/p95/p99 of KServe request_predict_seconds.', unit: 's', targets: [q(0.5), q(0.95), q(0.99)], threshold: 0.5 },
      {
        title: 'Request rate by status',
        description: 'Inference requests per second by HTTP status code.',
        unit: 'reqps',
        targets: [{ expr: `sum by (code) (rate(${m.inferenceRequests.name}{${MODEL}}[${RATE}]))`, legendFormat: '{{code}}' }],
      },
      {
        title: '5xx ratio',
        description: 'Share of requests answered with a 5xx (recording rule).',
        unit: 'percentunit',
        threshold: 0.05,
        targets: [{ expr: `${m.errorRatio.name}{${MODEL}}`, legendFormat: '5xx ratio' }],
      },
      {
        title: 'Prediction mix',
        description: 'Share of each predicted class (recording rule).',
        unit: 'percentunit',
        targets: [{ expr: `${m.classShare.name}{${MODEL}}`, legendFormat: '{{class}}' }],
      },
      {
        title: 'Confidence',
        description: 'Mean top-class probability and its variance.',
        unit: 'short',
        targets: [
          { expr: `sum(rate(${m.predictionConfidenceSum.name}{${MODEL}}[${RATE}])) / ${predictions}`, legendFormat: 'mean' },
          { expr: `${m.confidenceVariance.name}{${MODEL}}`, legendFormat: 'variance' },
        ],
      },
      {
        title: 'Accuracy on labelled feedback',
        description: 'Reported by the gateway over its accuracy window.',
        unit: 'percentunit',
        threshold: 0.85,
        targets: [{ expr: `${m.modelAccuracy.name}{${MODEL}}`, legendFormat: 'accuracy' }],
      },
      {
        title: 'Labelled predictions (1h)',
        description: 'Predictions that received a ground-truth label in the last hour.',
        unit: 'short',
        targets: [{ expr: `sum(increase(${m.feedbackLabelled.name}{${MODEL}}[1h]))`, legendFormat: 'labelled' }],
      },
    ],
  };
}

/** The self-healing loop: what the gateway received, dispatched and failed, its outbox, captures and drift inputs. */
export function selfHealingDashboard(): DashboardSpec {
  return {
    uid: 'mlops-self-healing',
    title: 'MLOps / Self-healing loop',
    description: 'The gateway between Alertmanager, the model and GitHub: is the loop itself healthy?',
    perModel: false,
    panels: [
      {
        title: 'Received by endpoint',
        description: 'Requests the gateway received.',
        unit: 'reqps',
        targets: [{ expr: `sum by (endpoint) (rate(${m.gatewayReceived.name}[${RATE}]))`, legendFormat: '{{endpoint}}' }],
      },
      {
        title: 'Rejected by reason',
        description: 'Requests answered with a 4xx, by endpoint and reason.',
        unit: 'reqps',
        targets: [{ expr: `sum by (endpoint, reason) (rate(${m.gatewayRejected.name}[${RATE}]))`, legendFormat: '{{endpoint}} {{reason}}' }],
      },
      {
        title: 'Dispatched and failed',
        description: 'repository_dispatch calls by event type; failures count every attempt.',
        unit: 'short',
        targets: [
          { expr: `sum by (event_type) (increase(${m.gatewayDispatched.name}[${RATE}]))`, legendFormat: 'dispatched {{event_type}}' },
          { expr: `sum by (event_type) (increase(${m.gatewayDispatchFailed.name}[${RATE}]))`, legendFormat: 'failed {{event_type}}' },
          { expr: `sum(increase(${m.gatewayDeduplicated.name}[${RATE}]))`, legendFormat: 'deduplicated' },
        ],
      },
      {
        title: 'Outbox depth',
        description: 'Accepted entries not yet dispatched.',
        unit: 'short',
        targets: [{ expr: `max(${m.gatewayOutboxDepth.name})`, legendFormat: 'outbox' }],
      },
      {
        title: 'Accept latency p95',
        description: 'Request received → durably accepted.',
        unit: 's',
        targets: [{
          expr: `histogram_quantile(0.95, sum by (endpoint, le) (rate(${m.gatewayProcessingSeconds.name}_bucket[${RATE}])))`,
          legendFormat: '{{endpoint}}',
        }],
      },
      {
        title: 'Captures stored',
        description: 'Payload-logger events stored per second, by model.',
        unit: 'reqps',
        targets: [{ expr: `sum by (model_name) (rate(${m.capturesStored.name}[${RATE}]))`, legendFormat: '{{model_name}}' }],
      },
      {
        title: 'Drift input age',
        description: 'Age of the newest capture and of the last completed drift analysis.',
        unit: 's',
        targets: [
          { expr: `time() - max by (model_name) (${m.captureLastTimestamp.name})`, legendFormat: 'capture {{model_name}}' },
          { expr: `time() - max by (model_name) (${m.driftAnalysisLastSuccess.name})`, legendFormat: 'drift analysis {{model_name}}' },
        ],
      },
    ],
  };
}

/** Grafana's dashboard JSON model for a spec (schemaVersion 39; a `$datasource` variable). */
export function dashboardJson(spec: DashboardSpec): Record<string, unknown> {
  const ds = { type: 'prometheus', uid: '${datasource}' };
  const templating: Record<string, unknown>[] = [
    { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: {}, hide: 0 },
  ];
  if (spec.perModel) {
    templating.push({
      name: 'model',
      label: 'Model',
      type: 'query',
      datasource: ds,
      query: { query: `label_values(${m.predictions.name}, model_name)`, refId: 'model' },
      definition: `label_values(${m.predictions.name}, model_name)`,
      refresh: 2,
      includeAll: false,
      multi: false,
      current: {},
      hide: 0,
      sort: 1,
    });
  }
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['mlops', 'self-healing-mlops'],
    editable: false,
    timezone: 'utc',
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: { list: templating },
    panels: spec.panels.map((p, i) => ({
      id: i + 1,
      type: 'timeseries',
      title: p.title,
      description: p.description,
      datasource: ds,
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      fieldConfig: {
        defaults: {
          unit: p.unit,
          thresholds: {
            mode: 'absolute',
            steps: [{ color: 'green', value: null }, ...(p.threshold === undefined ? [] : [{ color: 'red', value: p.threshold }])],
          },
          custom: { thresholdsStyle: { mode: p.threshold === undefined ? 'off' : 'line' } },
        },
        overrides: [],
      },
      options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi' } },
      targets: p.targets.map((t, j) => ({ refId: String.fromCharCode(65 + j), datasource: ds, expr: t.expr, legendFormat: t.legendFormat })),
    })),
  };
}

export interface DashboardConfigMapProps {
  readonly spec: DashboardSpec;
  /** Namespace Grafana's sidecar searches (kube-prometheus-stack: Grafana's own). */
  readonly namespace: string;
}

/** One dashboard as a ConfigMap the Grafana sidecar loads. */
export class DashboardConfigMap extends Construct {
  constructor(scope: Construct, id: string, props: DashboardConfigMapProps) {
    super(scope, id);
    new k8s.KubeConfigMap(this, 'cm', {
      metadata: { name: `dashboard-${props.spec.uid}`, namespace: props.namespace, labels: DASHBOARD_SIDECAR_LABEL },
      data: { [`${props.spec.uid}.json`]: JSON.stringify(dashboardJson(props.spec), null, 2) + '\n' },
    });
  }
}
