import { Construct } from 'constructs';
import { PlatformConfig } from '../../config/platform';
import { helmCharts } from '../../config/versions';
import { PlatformApplication } from '../bootstrap/application';
import { resourcesJson } from '../lib';

/** @see https://github.com/cert-manager/cert-manager/blob/master/deploy/charts/cert-manager/values.yaml */
export interface CertManagerValues {
  /** Install the CRDs with the chart, and keep them if the release is removed (deleting them deletes every Certificate). */
  readonly crds: { readonly enabled: boolean; readonly keep: boolean };
  readonly resources: object;
  readonly webhook: { readonly resources: object };
  readonly cainjector: { readonly resources: object };
  readonly prometheus: { readonly enabled: boolean; readonly servicemonitor: { readonly enabled: boolean } };
}

export function certManagerValues(): CertManagerValues {
  return {
    crds: { enabled: true, keep: true },
    resources: resourcesJson({ cpu: '50m', memory: '128Mi', cpuLimit: '500m' }),
    webhook: { resources: resourcesJson({ cpu: '20m', memory: '64Mi', cpuLimit: '200m' }) },
    cainjector: { resources: resourcesJson({ cpu: '20m', memory: '128Mi', cpuLimit: '200m' }) },
    // Metrics endpoint on; the ServiceMonitor CRD arrives later (wave 3), so no ServiceMonitor here.
    prometheus: { enabled: true, servicemonitor: { enabled: false } },
  };
}

/** cert-manager: issues KServe's webhook certificate. */
export class CertManager extends Construct {
  constructor(scope: Construct, id: string, config: PlatformConfig) {
    super(scope, id);
    new PlatformApplication(this, 'app', {
      config,
      name: 'cert-manager',
      namespace: config.namespaces.certManager,
      source: { chart: helmCharts.certManager, releaseName: 'cert-manager', values: certManagerValues() },
      installsCrds: true,
    });
  }
}
