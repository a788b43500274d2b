import { MlopsSettings } from './settings';
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
 */

/** The receiver every platform alert goes to. */
export const gatewayReceiver = 'mlops-gateway';
/** Alerts of no type we route (e.g. the stack's own Watchdog) end here: accepted, not sent anywhere. */
export const nullReceiver = 'null';

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
      receiver: nullReceiver,
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
          receiver: gatewayReceiver,
          matchers: [`type=~"${routedAlertTypes().join('|')}"`],
        },
      ],
    },
    receivers: [
      { name: nullReceiver },
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
