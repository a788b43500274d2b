import { Construct } from 'constructs';
import type { PlatformConfig } from '../../config/platform';
import { PlatformChart } from '../lib';
import { DashboardConfigMap, modelServingDashboard, selfHealingDashboard } from './dashboards';
import { MlopsPrometheusRule } from './prometheus-rule';
import { RuleDurations, ruleProfiles } from './rules';
import { mlopsSettings, ruleContext } from './settings';

export interface ObservabilityChartProps {
  readonly config: PlatformConfig;
  /**
   * Rule durations.
   * @default - `ruleProfiles.default` (for 5m, rate window 5m, offset 7d, accuracy window 24h)
   */
  readonly durations?: RuleDurations;
}

/**
 * What watches the model and the loop: the platform's PrometheusRule (next to what it watches, in
 * the mlops namespace; kube-prometheus-stack selects rules in every namespace) and the Grafana
 * dashboards (in the monitoring namespace, where Grafana's sidecar looks).
 */
export class ObservabilityChart extends PlatformChart {
  constructor(scope: Construct, id: string, props: ObservabilityChartProps) {
    const s = mlopsSettings(props.config);
    super(scope, id, { config: props.config, component: 'observability', name: 'mlops-observability', namespace: s.namespace });
    const d = props.durations ?? ruleProfiles.default;
    new MlopsPrometheusRule(this, 'rules', { name: 'mlops', context: ruleContext(s), ...d });
    new DashboardConfigMap(this, 'dashboard-model', { spec: modelServingDashboard(), namespace: s.monitoringNamespace });
    new DashboardConfigMap(this, 'dashboard-loop', { spec: selfHealingDashboard(), namespace: s.monitoringNamespace });
  }
}
