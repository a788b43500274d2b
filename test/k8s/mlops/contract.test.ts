import { Testing } from 'cdk8s';
import { platformConfig } from '../../../src/config/platform';
import { addMlopsCharts, prometheusRuleGroups } from '../../../src/k8s/mlops';
import { contractViolations, namesUsed, promqlNames } from '../../../src/k8s/mlops/contract';

/* Every metric and label used by the rules, dashboards and scrape relabelings is declared in src/config/metrics.ts. */

type Obj = { kind: string; metadata: { name: string }; [k: string]: any };

function synthAll(): Obj[] {
  const app = Testing.app();
  addMlopsCharts(app, platformConfig);
  return app.charts.flatMap((c) => Testing.synth(c)) as Obj[];
}

const objects = synthAll();
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

describe('promqlNames', () => {
  test('metrics, matchers, grouping labels; functions, keywords, numbers, durations and Grafana variables are not names', () => {
    expect(promqlNames('histogram_quantile(0.95, sum by (model_name, le) (rate(request_predict_seconds_bucket{model_name="$model"}[$__rate_interval])))'))
      .toEqual({ metrics: ['request_predict_seconds_bucket'], labels: ['le', 'model_name'] });
    expect(promqlNames('abs(a:b:c{x="1"} - a:b:c{x="1"} offset 7d) > 0.2 and on (model_name) sum by (model_name) (increase(foo_total[5m])) >= 200'))
      .toEqual({ metrics: ['a:b:c', 'foo_total'], labels: ['model_name', 'x'] });
    expect(promqlNames('x / ignoring (class) group_left sum without (pod) (y) unless time() - z > 1e3'))
      .toEqual({ metrics: ['x', 'y', 'z'], labels: ['class', 'pod'] });
    expect(promqlNames('{__name__="hidden_metric", code=~"5.."}')).toEqual({ metrics: ['hidden_metric'], labels: ['code'] });
    expect(promqlNames('label_values(mlops_predictions_total, model_name)')).toEqual({ metrics: ['mlops_predictions_total'], labels: ['model_name'] });
  });
});

describe('metrics contract', () => {
  test('the scan sees the rules, the dashboards and both monitors', () => {
    const uses = namesUsed(objects);
    const where = (name: string) => uses.filter((u) => u.name === name).map((u) => u.where.split(' ')[0]);
    expect(new Set(where('mlops_predictions_total'))).toEqual(new Set(['PrometheusRule/mlops', 'ConfigMap/dashboard-mlops-model-serving', 'PodMonitor/credit-risk']));
    expect(where('mlops_gateway_outbox_depth')).toEqual(expect.arrayContaining(['PrometheusRule/mlops', 'ConfigMap/dashboard-mlops-self-healing', 'ServiceMonitor/mlops-gateway']));
    expect(where('class')).toEqual(expect.arrayContaining(['PrometheusRule/mlops', 'ConfigMap/dashboard-mlops-model-serving']));
    expect(uses.length).toBeGreaterThan(100);
  });

  test('every metric and label used by the synthesized charts is declared', () => {
    expect(contractViolations(objects)).toEqual([]);
  });

  test('the plain rule files of both profiles keep to the contract', () => {
    for (const profile of ['default', 'fast'] as const) {
      const asRule = { kind: 'PrometheusRule', metadata: { name: profile }, spec: { groups: prometheusRuleGroups(profile, platformConfig) } };
      expect(contractViolations([asRule])).toEqual([]);
    }
  });

  test('a planted undeclared metric or label in a rule is reported with where it is', () => {
    const planted = clone(objects);
    const rule = planted.find((o) => o.kind === 'PrometheusRule')!;
    rule.spec.groups[1].rules[0].expr = 'rate(mlops_not_declared_total{model_name="x", shard="a"}[5m]) > 0';
    expect(contractViolations(planted)).toEqual([
      { where: 'PrometheusRule/mlops InferenceLatencyHigh', kind: 'metric', name: 'mlops_not_declared_total' },
      { where: 'PrometheusRule/mlops InferenceLatencyHigh', kind: 'label', name: 'shard' },
    ]);
  });

  test('a planted undeclared metric in a dashboard, a legend label, and a scrape keep-list are reported', () => {
    const planted = clone(objects);
    const cm = planted.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'dashboard-mlops-self-healing')!;
    const [file] = Object.keys(cm.data);
    const dashboard = JSON.parse(cm.data[file]);
    dashboard.panels[0].targets[0].expr = 'sum(rate(gateway_requests_undeclared[5m]))';
    dashboard.panels[0].targets[0].legendFormat = '{{tenant}}';
    cm.data[file] = JSON.stringify(dashboard);
    const monitor = planted.find((o) => o.kind === 'PodMonitor')!;
    monitor.spec.podMetricsEndpoints[0].metricRelabelings[0].regex = '(mlops_predictions_total|python_gc_objects_collected_total)';
    const names = contractViolations(planted).map((v) => `${v.kind}:${v.name}`).sort();
    expect(names).toEqual(['label:tenant', 'metric:gateway_requests_undeclared', 'metric:python_gc_objects_collected_total']);
  });
});
