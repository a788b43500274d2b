import { MlopsSettings } from './settings';
import { credentials } from '../../config/credentials';
import { alertCatalog } from '../../config/metrics';
import { gatewayPaths } from '../../contracts/gateway';

/**
 * The Alertmanager configuration: kube-prometheus-stack's `alertmanager.config` value, and
 * verbatim `dist/monitoring/alertmanager.yaml` (which `amtool check-config` and a plain Alertmanager
 * load). Only keys Alertmanager 0.25 accepts (the Debian `prometheus-alertmanager` amtool checks it).
 *
 * Every alert type of the catalog goes to one webhook receiver: the gateway's Alertmanager port.
 * The gateway decides nothing about urgency; it records the group durably and dispatches it to
 * GitHub (`drift` → the drift workflow, everything else → the alert-analysis workflow).
 *
 * The platform's own failures must reach a human even when the gateway (or GitHub) is what failed:
 * alerts of type `platform` (the gateway's own alerts, ArgoCD sync/health, image pulls) are sent out of
 * band to Slack as well, and every other alert (kube-prometheus-stack's defaults: nodes, volumes,
 * the operator, …) goes to Slack only. The Slack incoming-webhook URL is read from a mounted Secret
 * (`slack_configs.api_url_file`, Alertmanager ≥ 0.22, accepted by the Debian amtool 0.25 in the tests).
 */

/** The receiver every platform alert goes to. */
export const gatewayReceiver = 'mlops-gateway';
/** The stack's always-firing Watchdog and info-level alerts end here: accepted, not sent anywhere. */
export const nullReceiver = 'null';
/** Out of band, independent of the gateway: the platform's own alerts and the stack's default alerts. */
export const platformReceiver = 'platform-slack';
/** Where Alertmanager reads the Slack webhook URL (mounted through kube-prometheus-stack's `alertmanagerSpec.secrets`). */
export const platformSlackUrlFile = `/etc/alertmanager/secrets/${credentials.alertmanagerPlatformSlack.name}/${credentials.alertmanagerPlatformSlack.keys[0]}`;

/** The alert types the gateway receives, in catalog order, deduplicated. */
export function routedAlertTypes(): string[] {
  return [...new Set(Object.values(alertCatalog).map((a) => a.type))];
}

export interface AlertmanagerConfig {
  readonly global: { readonly resolve_timeout: string };
  readonly route: Record<string, unknown>;
  readonly receivers: Record<string, unknown>[];
  readonly inhibit_rules: Record<string, unknown>[];
}

export function alertmanagerConfigFor(s: MlopsSettings): AlertmanagerConfig {
  return {
    global: { resolve_timeout: '5m' },
    route: {
      // Anything no route below claims (kube-prometheus-stack's default alerts) reaches a human out of band.
      receiver: platformReceiver,
      // One notification per alert and model; the gateway deduplicates per group key on top.
      group_by: ['alertname', 'namespace', 'model_name'],
      // Wait this long for alerts of the same group to arrive before the first notification.
      group_wait: '30s',
      // A changed group (new or resolved alert) is sent again after this.
      group_interval: '5m',
      // An unchanged, still-firing group is re-sent after this (the gateway records, not re-dispatches, repeats).
      repeat_interval: '4h',
      routes: [
        {
          // Watchdog fires always (a dead man's switch for an external pinger); info/none alerts are
          // context, which the stack's InfoInhibitor pairs with real alerts. Neither pages anyone.
          receiver: nullReceiver,
          matchers: ['alertname=~"Watchdog|InfoInhibitor"'],
        },
        {
          receiver: nullReceiver,
          matchers: ['severity=~"info|none"'],
        },
        {
          // The platform's own alerts: out of band first, then (continue) to the gateway for analysis.
          receiver: platformReceiver,
          matchers: ['type="platform"'],
          continue: true,
        },
        {
          receiver: gatewayReceiver,
          matchers: [`type=~"${routedAlertTypes().join('|')}"`],
        },
      ],
    },
    receivers: [
      { name: nullReceiver },
      {
        name: platformReceiver,
        // Alertmanager's default Slack title and text templates (alertname, status, summaries).
        slack_configs: [{ api_url_file: platformSlackUrlFile, send_resolved: true }],
      },
      {
        name: gatewayReceiver,
        webhook_configs: [
          {
            url: `${s.gatewayUrls.alertmanager}${gatewayPaths.alertmanagerWebhook}`,
            send_resolved: true,
            // 0 = all alerts of the group; the gateway compacts large groups itself.
            max_alerts: 0,
            http_config: {
              authorization: {
                type: 'Bearer',
                // Mounted from the Secret listed in kube-prometheus-stack's alertmanagerSpec.secrets.
                credentials_file: s.alertmanagerTokenFile,
              },
            },
          },
        ],
      },
    ],
    inhibit_rules: [
      {
        // A critical alert about a model (latency, errors, crash loop) silences that model's warnings,
        // which are usually its consequence. Gateway alerts carry no model_name and are never silenced
        // by a model's critical alert (every critical alert has a model_name).
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity="warning"'],
        equal: ['namespace', 'model_name'],
      },
    ],
  };
}
