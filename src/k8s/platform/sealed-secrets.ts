import { Construct } from 'constructs';
import { PlatformConfig } from '../../config/platform';
import { helmCharts } from '../../config/versions';
import { PlatformApplication } from '../bootstrap/application';
import { resourcesJson } from '../lib';

/** The controller's name: `kubeseal --controller-name sealed-secrets-controller --controller-namespace <ns>`. */
export const SEALED_SECRETS_CONTROLLER = 'sealed-secrets-controller';

/** @see https://github.com/bitnami-labs/sealed-secrets/blob/main/helm/sealed-secrets/values.yaml */
export interface SealedSecretsValues {
  readonly fullnameOverride: string;
  readonly resources: object;
  readonly metrics: { readonly serviceMonitor: { readonly enabled: boolean } };
}

export function sealedSecretsValues(): SealedSecretsValues {
  return {
    fullnameOverride: SEALED_SECRETS_CONTROLLER,
    resources: resourcesJson({ cpu: '50m', memory: '128Mi', cpuLimit: '500m' }),
    // The ServiceMonitor CRD arrives in a later wave (kube-prometheus-stack).
    metrics: { serviceMonitor: { enabled: false } },
  };
}

/** sealed-secrets: controller + SealedSecret CRD. Its key must be restored before first sync on a rebuilt cluster (docs/bootstrap.md). */
export class SealedSecrets extends Construct {
  constructor(scope: Construct, id: string, config: PlatformConfig) {
    super(scope, id);
    new PlatformApplication(this, 'app', {
      config,
      name: 'sealed-secrets',
      namespace: config.namespaces.sealedSecrets,
      source: { chart: helmCharts.sealedSecrets, releaseName: 'sealed-secrets', values: sealedSecretsValues() },
      installsCrds: true,
    });
  }
}
