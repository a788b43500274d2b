import { Construct } from 'constructs';
import { credentials } from '../../config/credentials';
import { PlatformConfig } from '../../config/platform';
import { helmCharts } from '../../config/versions';
import { PlatformApplication } from '../bootstrap/application';
import { resourcesJson } from '../lib';
import { alertmanagerConfig } from '../mlops';
import { DASHBOARD_SIDECAR_LABEL } from '../mlops/dashboards';

function pvc(storageClassName: string, storage: string) {
  return { volumeClaimTemplate: { spec: { storageClassName, accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } } } };
}

/** @see https://github.com/prometheus-community/helm-charts/blob/main/charts/kube-prometheus-stack/values.yaml */
export interface KubePrometheusStackValues {
  readonly crds: { readonly enabled: boolean };
  readonly prometheus: {
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
  readonly alertmanager: {
    /** The Alertmanager configuration (routing to the gateway), from src/k8s/mlops. */
    readonly config: object;
    readonly alertmanagerSpec: {
      /** Secrets mounted at /etc/alertmanager/secrets/<name>/ (the gateway bearer token's credentials_file). */
      readonly secrets: string[];
      readonly storage: object;
      readonly resources: object;
    };
  };
  readonly grafana: {
    readonly admin: { readonly existingSecret: string; readonly userKey: string; readonly passwordKey: string };
    readonly persistence: { readonly enabled: boolean; readonly storageClassName: string; readonly size: string };
    readonly sidecar: {
      readonly dashboards: { readonly enabled: boolean; readonly label: string; readonly labelValue: string; readonly searchNamespace: string };
    };
    readonly resources: object;
  };
  /** K3s runs these inside the k3s binary; their endpoints are not scrapeable separately. */
  readonly kubeControllerManager: { readonly enabled: false };
  readonly kubeScheduler: { readonly enabled: false };
  readonly kubeProxy: { readonly enabled: false };
  readonly kubeEtcd: { readonly enabled: false };
}

export function kubePrometheusStackValues(config: PlatformConfig): KubePrometheusStackValues {
  const [dashLabel, dashValue] = Object.entries(DASHBOARD_SIDECAR_LABEL)[0];
  const grafanaAdmin = credentials.grafanaAdmin;
  return {
    crds: { enabled: true },
    prometheus: {
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
    alertmanager: {
      config: alertmanagerConfig(config),
      alertmanagerSpec: {
        secrets: [credentials.alertmanagerGatewayToken.name, credentials.alertmanagerPlatformSlack.name],
        storage: pvc(config.storageClass, config.sizes.alertmanagerStorage),
        resources: resourcesJson({ cpu: '20m', memory: '128Mi', cpuLimit: '200m' }),
      },
    },
    grafana: {
      admin: { existingSecret: grafanaAdmin.name, userKey: grafanaAdmin.keys[0], passwordKey: grafanaAdmin.keys[1] },
      persistence: { enabled: true, storageClassName: config.storageClass, size: config.sizes.grafanaStorage },
      sidecar: { dashboards: { enabled: true, label: dashLabel, labelValue: dashValue, searchNamespace: 'ALL' } },
      resources: resourcesJson({ cpu: '50m', memory: '256Mi', cpuLimit: '500m' }),
    },
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeProxy: { enabled: false },
    kubeEtcd: { enabled: false },
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
