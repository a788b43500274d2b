import { Construct } from 'constructs';
import { PromRuleGroup, RuleContext, RuleDurations, ruleGroups, ruleProfiles } from './rules';
import * as pr from '../../../imports/prometheusrule-monitoring.coreos.com';

export interface MlopsPrometheusRuleProps {
  /** Resource name of the PrometheusRule. */
  readonly name: string;
  /** The model, namespace, runbook base URL and thresholds the rules are built for. */
  readonly context: RuleContext;
  /**
   * How long a condition must hold before an alert fires (`for:`).
   * @default '5m' (`ruleProfiles.default.for`)
   */
  readonly for?: RuleDurations['for'];
  /**
   * Range of every `rate()`/`increase()` in the recording and alerting rules.
   * @default '5m' (`ruleProfiles.default.rateWindow`)
   */
  readonly rateWindow?: RuleDurations['rateWindow'];
  /**
   * How far back the drift comparisons look (`offset`).
   * @default '7d' (`ruleProfiles.default.offset`)
   */
  readonly offset?: RuleDurations['offset'];
  /**
   * Window of the labelled-feedback count of `ModelAccuracyLow` (the gateway's accuracy window).
   * @default '24h' (`ruleProfiles.default.accuracyWindow`)
   */
  readonly accuracyWindow?: RuleDurations['accuracyWindow'];
}

/**
 * The platform's one PrometheusRule: the recording rules (class share, confidence variance, 5xx
 * ratio, p95 latency) and every alert of `alertCatalog`. Durations are typed props; the `fast`
 * profile (`ruleProfiles.fast`) only shortens them. The same groups are available as plain data
 * from `ruleGroups()` for promtool, the local Prometheus and the tests.
 */
export class MlopsPrometheusRule extends Construct {
  /** The rule groups as emitted (plain Prometheus rule-file shape). */
  public readonly groups: PromRuleGroup[];

  constructor(scope: Construct, id: string, props: MlopsPrometheusRuleProps) {
    super(scope, id);
    const d = ruleProfiles.default;
    this.groups = ruleGroups(props.context, {
      for: props.for ?? d.for,
      rateWindow: props.rateWindow ?? d.rateWindow,
      offset: props.offset ?? d.offset,
      accuracyWindow: props.accuracyWindow ?? d.accuracyWindow,
    });
    new pr.PrometheusRule(this, 'rule', {
      metadata: { name: props.name },
      spec: {
        groups: this.groups.map((g) => ({
          name: g.name,
          rules: g.rules.map((r) => ({
            record: r.record,
            alert: r.alert,
            expr: pr.PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr),
            for: r.for,
            labels: r.labels,
            annotations: r.annotations,
          })),
        })),
      },
    });
  }
}
