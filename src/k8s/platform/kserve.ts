import { Construct } from 'constructs';
import { PlatformConfig } from '../../config/platform';
import { helmCharts } from '../../config/versions';
import { PlatformApplication } from '../bootstrap/application';
import { resourcesJson } from '../lib';

/** @see https://github.com/kserve/kserve/blob/master/charts/kserve-resources/README.md */
export interface KserveValues {
  readonly kserve: {
    readonly controller: {
      /** No Knative/Istio on K3s: InferenceServices become plain Deployments and Services. */
      readonly deploymentMode: 'RawDeployment';
      readonly gateway: { readonly domain: string; readonly disableIngressCreation: boolean };
      readonly resources: object;
    };
  };
}

export function kserveValues(config: PlatformConfig): KserveValues {
  return {
    kserve: {
      controller: {
        deploymentMode: 'RawDeployment',
        // The model is reached inside the cluster (gateway, runners); no Ingress is created for it.
        gateway: { domain: config.domain, disableIngressCreation: true },
        resources: resourcesJson({ cpu: '100m', memory: '300Mi', cpuLimit: '1' }),
      },
    },
  };
}

/** KServe: the CRDs (`kserve-crd`) and the controller (`kserve`) as two Applications, CRDs first. */
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
