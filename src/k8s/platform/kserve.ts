import { Construct } from 'constructs';
import { PlatformConfig } from '../../config/platform';
import { helmCharts } from '../../config/versions';
import { PlatformApplication } from '../bootstrap/application';
import { resourcesJson } from '../lib';

/** @see vendor/charts/kserve-resources/v0.20.0/values.yaml (kserve/kserve: charts/kserve-resources @ v0.20.0) */
export interface KserveValues {
  readonly kserve: {
    readonly controller: {
      /**
       * No Knative/Istio on K3s: InferenceServices become plain Deployments and Services. `Standard` is that mode's
       * name since v0.19; `RawDeployment` is a deprecated alias (kserve/kserve: pkg/constants/constants.go @ v0.20.0,
       * `LegacyRawDeployment = "RawDeployment" // deprecated: use Standard`). The chart writes it to
       * inferenceservice-config's `defaultDeploymentMode` (files/common/configmap-patch.yaml @ v0.20.0).
       */
      readonly deploymentMode: 'Standard';
      readonly gateway: { readonly domain: string; readonly disableIngressCreation: boolean };
      readonly resources: object;
    };
  };
}

export function kserveValues(config: PlatformConfig): KserveValues {
  return {
    kserve: {
      controller: {
        deploymentMode: 'Standard',
        // The model is reached inside the cluster (gateway, runners); no Ingress is created for it.
        gateway: { domain: config.domain, disableIngressCreation: true },
        resources: resourcesJson({ cpu: '100m', memory: '300Mi', cpuLimit: '1' }),
      },
    },
  };
}

/** KServe: the CRDs (`kserve-crd`) and the controller (Application `kserve`, chart `kserve-resources`) as two Applications, CRDs first. */
export class Kserve extends Construct {
  constructor(scope: Construct, id: string, config: PlatformConfig) {
    super(scope, id);
    new PlatformApplication(this, 'crd', {
      config,
      name: 'kserve-crd',
      namespace: config.namespaces.kserve,
      source: { chart: helmCharts.kserveCrd, releaseName: 'kserve-crd', values: {} },
      installsCrds: true,
      // Removing the Application must not delete the CRDs (that deletes every InferenceService).
      cascadeDelete: false,
    });
    new PlatformApplication(this, 'controller', {
      config,
      name: 'kserve',
      namespace: config.namespaces.kserve,
      source: { chart: helmCharts.kserve, releaseName: 'kserve', values: kserveValues(config) },
      installsCrds: false,
      // cert-manager's cainjector writes the webhook CA bundle.
      ignoreDifferences: [
        { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration', jqPathExpressions: ['.webhooks[].clientConfig.caBundle'] },
        { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', jqPathExpressions: ['.webhooks[].clientConfig.caBundle'] },
      ],
    });
  }
}
