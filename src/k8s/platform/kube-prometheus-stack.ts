import { Construct } from 'constructs';
import { credentials } from '../../config/credentials';
import { PlatformConfig } from '../../config/platform';
import { helmCharts } from '../../config/versions';
import { PlatformApplication } from '../bootstrap/application';
import { resourcesJson } from '../lib';
import { alertmanagerConfig } from '../mlops';
import { DASHBOARD_SIDECAR_LABEL } from '../mlops/dashboards';

/** Prometheus's web port (kube-prometheus-stack values.yaml @ 75.11.0 line 3540, `prometheus.service.port`). */
const PROMETHEUS_PORT = 9090;
/** Alertmanager's web port (values.yaml @ 75.11.0 line 733, `alertmanager.service.port`). */
const ALERTMANAGER_PORT = 9093;

const inNamespace = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } });

/**
 * NetworkPolicies of the monitoring namespace, all through the chart's own values (vendor/charts/
 * kube-prometheus-stack/75.11.0/values.yaml and its subcharts'). Ingress is limited; egress is open where the
 * component must reach the API server or scrape the whole cluster (Prometheus, the operator, kube-state-metrics),
 * and never restricted for Alertmanager (it posts to the gateway in mlops). node-exporter runs with hostNetwork,
 * which NetworkPolicies do not govern, so it gets none.
 */
export function monitoringNetworkPolicies(config: PlatformConfig) {
  const ns = config.namespaces;
  return {
    // values.yaml line 3394 (`prometheus.networkPolicy`), templates/prometheus/networkpolicy.yaml: policyTypes
    // Egress and Ingress, rules verbatim.
    prometheus: {
      enabled: true,
      flavor: 'kubernetes',
      // Scrapes every namespace and talks to the API server and Alertmanager.
      egress: [{}],
      ingress: [
        // Grafana, Alertmanager and Prometheus's own config-reloader metrics.
        { from: [inNamespace(ns.monitoring)] },
        // Alert analysis and drift jobs on the homelab runners query the HTTP API.
        { from: [inNamespace(ns.arcRunners)], ports: [{ port: PROMETHEUS_PORT, protocol: 'TCP' }] },
      ],
    },
    // values.yaml line 415 (`alertmanager.networkPolicy`): Ingress only; Prometheus, the config-reloader and
    // cluster peers by the chart's own rules (`monitoringRules`, `enableClusterRules`), Grafana's datasource here.
    alertmanager: {
      enabled: true,
      policyTypes: ['Ingress'],
      additionalIngress: [{
        from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'grafana' } } }],
        ports: [{ port: ALERTMANAGER_PORT, protocol: 'TCP' }],
      }],
    },
    // values.yaml line 3003 (`prometheusOperator.networkPolicy`): ingress to the webhook/metrics port only, egress open.
    prometheusOperator: { enabled: true, flavor: 'kubernetes' },
    // grafana 9.2.10 values.yaml line 1551: Ingress only, to Grafana's port, from anywhere (port-forward, a proxy).
    grafana: { enabled: true, ingress: true, allowExternal: true },
    // kube-state-metrics 6.1.0 values.yaml line 284: policyTypes Ingress and Egress; without `egress` it denies all
    // egress and cannot list objects, so egress stays open (the API server). Ingress: its metrics ports (default).
    kubeStateMetrics: { enabled: true, flavor: 'kubernetes', egress: [{}] },
  };
}

function pvc(storageClassName: string, storage: string) {
  return { volumeClaimTemplate: { spec: { storageClassName, accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } } } };
}

/** @see https://github.com/prometheus-community/helm-charts/blob/main/charts/kube-prometheus-stack/values.yaml */
export interface KubePrometheusStackValues {
  readonly 'crds': { readonly enabled: boolean };
  readonly 'prometheus': {
    /** @see monitoringNetworkPolicies */
    readonly networkPolicy: object;
    readonly prometheusSpec: {
      readonly retention: string;
      readonly retentionSize: string;
      /** `false`: select every PrometheusRule/ServiceMonitor/PodMonitor/Probe, not only the chart's own (ours would be silently ignored). */
      readonly ruleSelectorNilUsesHelmValues: false;
      readonly serviceMonitorSelectorNilUsesHelmValues: false;
      readonly podMonitorSelectorNilUsesHelmValues: false;
      readonly probeSelectorNilUsesHelmValues: false;
      readonly storageSpec: object;
      readonly resources: object;
    };
  };
  readonly 'alertmanager': {
    /** The Alertmanager configuration (routing to the gateway), from src/k8s/mlops. */
    readonly config: object;
    /** @see monitoringNetworkPolicies */
    readonly networkPolicy: object;
    readonly alertmanagerSpec: {
      /** Secrets mounted at /etc/alertmanager/secrets/<name>/ (the gateway bearer token's credentials_file). */
      readonly secrets: string[];
      readonly storage: object;
      readonly resources: object;
    };
  };
  readonly 'prometheusOperator': { readonly networkPolicy: object };
  readonly 'kube-state-metrics': { readonly networkPolicy: object };
  readonly 'grafana': {
    /** @see monitoringNetworkPolicies */
    readonly networkPolicy: object;
    readonly admin: { readonly existingSecret: string; readonly userKey: string; readonly passwordKey: string };
    readonly persistence: { readonly enabled: boolean; readonly storageClassName: string; readonly size: string };
    readonly sidecar: {
      readonly dashboards: { readonly enabled: boolean; readonly label: string; readonly labelValue: string; readonly searchNamespace: string };
    };
    readonly resources: object;
  };
  /** K3s runs these inside the k3s binary; their endpoints are not scrapeable separately. */
  readonly 'kubeControllerManager': { readonly enabled: false };
  readonly 'kubeScheduler': { readonly enabled: false };
  readonly 'kubeProxy': { readonly enabled: false };
  readonly 'kubeEtcd': { readonly enabled: false };
}

export function kubePrometheusStackValues(config: PlatformConfig): KubePrometheusStackValues {
  const [dashLabel, dashValue] = Object.entries(DASHBOARD_SIDECAR_LABEL)[0];
  const grafanaAdmin = credentials.grafanaAdmin;
  const netpol = monitoringNetworkPolicies(config);
  return {
    'crds': { enabled: true },
    'prometheus': {
      networkPolicy: netpol.prometheus,
      prometheusSpec: {
        retention: config.sizes.prometheusRetention,
        retentionSize: config.sizes.prometheusRetentionSize,
        ruleSelectorNilUsesHelmValues: false,
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        probeSelectorNilUsesHelmValues: false,
        storageSpec: pvc(config.storageClass, config.sizes.prometheusStorage),
        resources: resourcesJson({ cpu: '250m', memory: '2Gi', cpuLimit: '2' }),
      },
    },
    'alertmanager': {
      config: alertmanagerConfig(config),
      networkPolicy: netpol.alertmanager,
      alertmanagerSpec: {
        secrets: [credentials.alertmanagerGatewayToken.name, credentials.alertmanagerPlatformSlack.name],
        storage: pvc(config.storageClass, config.sizes.alertmanagerStorage),
        resources: resourcesJson({ cpu: '20m', memory: '128Mi', cpuLimit: '200m' }),
      },
    },
    'prometheusOperator': { networkPolicy: netpol.prometheusOperator },
    'kube-state-metrics': { networkPolicy: netpol.kubeStateMetrics },
    'grafana': {
      networkPolicy: netpol.grafana,
      admin: { existingSecret: grafanaAdmin.name, userKey: grafanaAdmin.keys[0], passwordKey: grafanaAdmin.keys[1] },
      persistence: { enabled: true, storageClassName: config.storageClass, size: config.sizes.grafanaStorage },
      sidecar: { dashboards: { enabled: true, label: dashLabel, labelValue: dashValue, searchNamespace: 'ALL' } },
      resources: resourcesJson({ cpu: '50m', memory: '256Mi', cpuLimit: '500m' }),
    },
    'kubeControllerManager': { enabled: false },
    'kubeScheduler': { enabled: false },
    'kubeProxy': { enabled: false },
    'kubeEtcd': { enabled: false },
  };
}

/** kube-prometheus-stack: Prometheus, Alertmanager, Grafana, node-exporter, kube-state-metrics and the prometheus-operator CRDs. */
export class KubePrometheusStack extends Construct {
  constructor(scope: Construct, id: string, config: PlatformConfig) {
    super(scope, id);
    new PlatformApplication(this, 'app', {
      config,
      name: 'kube-prometheus-stack',
      namespace: config.namespaces.monitoring,
      source: { chart: helmCharts.kubePrometheusStack, releaseName: 'kube-prometheus-stack', values: kubePrometheusStackValues(config) },
      installsCrds: true,
      // The operator's admission webhook patch job rewrites the caBundle.
      ignoreDifferences: [
        { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration', jqPathExpressions: ['.webhooks[].clientConfig.caBundle'] },
        { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', jqPathExpressions: ['.webhooks[].clientConfig.caBundle'] },
      ],
    });
  }
}
