import { createHash } from 'node:crypto';

/**
 * Alertmanager webhook bodies as the real versions send them (field order and shapes from
 * prometheus/alertmanager `notify/webhook/webhook.go`, `template/template.go` @ v0.34.0): 0.25 lacks `notification_reason` and `routeLabels`;
 * 0.34 has both.
 */
export type AmVersion = '0.25' | '0.34';

export interface GroupOptions {
  readonly version?: AmVersion;
  readonly alertname?: string;
  readonly status?: 'firing' | 'resolved';
  readonly alerts?: number;
  readonly type?: string;
  readonly groupSuffix?: string;
  /** Size of a filler annotation that compaction must drop. */
  readonly noiseBytes?: number;
}

export function fingerprintOf(labels: Record<string, string>): string {
  return createHash('sha256').update(JSON.stringify(labels)).digest('hex').slice(0, 16);
}

export function alertGroup(o: GroupOptions = {}): Record<string, unknown> {
  const alertname = o.alertname ?? 'InferenceLatencyHigh';
  const status = o.status ?? 'firing';
  const type = o.type ?? 'latency';
  const common = { alertname, namespace: 'ml-serving', severity: 'critical', team: 'platform', type };
  const alerts = Array.from({ length: o.alerts ?? 1 }, (_, i) => {
    const labels = { ...common, pod: `credit-risk-predictor-00001-deployment-${String(i).padStart(5, '0')}`, model_name: 'credit-risk' };
    return {
      status,
      labels,
      annotations: {
        summary: `p95 latency of credit-risk is above 500 ms (pod ${i})`,
        description: 'request_predict_seconds p95 over 5m is 0.81 s',
        runbook_url: 'https://github.com/self-healing-mlops/self-healing-mlops/blob/main/docs/runbooks/latency.md',
        ...(o.noiseBytes ? { dashboard_dump: 'x'.repeat(o.noiseBytes) } : {}),
      },
      startsAt: '2026-08-20T14:03:12.345Z',
      endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-08-20T14:31:05.002Z',
      generatorURL: 'http://prometheus.monitoring.svc:9090/graph?g0.expr=mlops%3Arequest_predict_seconds%3Ap95+%3E+0.5&g0.tab=1',
      fingerprint: fingerprintOf(labels),
    };
  });
  const body: Record<string, unknown> = {
    receiver: 'mlops-gateway',
    status,
    alerts,
    groupLabels: { alertname, namespace: 'ml-serving' },
    commonLabels: common,
    commonAnnotations: { runbook_url: 'https://github.com/self-healing-mlops/self-healing-mlops/blob/main/docs/runbooks/latency.md' },
    externalURL: 'http://alertmanager.monitoring.svc:9093',
    version: '4',
    groupKey: `{}/{team="platform"}:{alertname="${alertname}", namespace="ml-serving"}${o.groupSuffix ?? ''}`,
    truncatedAlerts: 0,
  };
  if ((o.version ?? '0.34') === '0.34') {
    body.notification_reason = status === 'firing' ? 'first notification' : 'all alerts resolved';
    body.routeLabels = {};
  }
  return body;
}
