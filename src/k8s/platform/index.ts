import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { ActionsRunnerController } from './arc';
import { CertManager } from './cert-manager';
import { CloudnativePg } from './cloudnative-pg';
import { Kserve } from './kserve';
import { KubePrometheusStack } from './kube-prometheus-stack';
import { Mlflow, MlflowChart } from './mlflow';
import { Namespaces, NamespacesChart } from './namespaces';
import { ObjectStore, ObjectStoreChart } from './object-store';
import { PlatformSecrets, PlatformSecretsChart } from './platform-secrets';
import { SealedSecrets } from './sealed-secrets';
import { PlatformConfig } from '../../config/platform';

export * from './arc';
export * from './cert-manager';
export * from './cloudnative-pg';
export * from './kube-prometheus-stack';
export * from './kserve';
export * from './mlflow';
export * from './namespaces';
export * from './object-store';
export * from './platform-secrets';
export * from './sealed-secrets';

/** The dist/ charts of the platform layer (each synced by a path Application). */
export const platformChartNames = ['namespaces', 'platform-secrets', 'object-store', 'mlflow'] as const;

/**
 * The platform layer: its own charts on the app, and one child Application per component in
 * `apps` (the app-of-apps folder).
 */
export function addPlatform(app: App, apps: Construct, config: PlatformConfig): void {
  new NamespacesChart(app, 'namespaces', config);
  new PlatformSecretsChart(app, 'platform-secrets', config);
  new ObjectStoreChart(app, 'object-store', config);
  new MlflowChart(app, 'mlflow', config);

  new Namespaces(apps, 'namespaces', config);
  new SealedSecrets(apps, 'sealed-secrets', config);
  new CertManager(apps, 'cert-manager', config);
  new PlatformSecrets(apps, 'platform-secrets', config);
  new KubePrometheusStack(apps, 'kube-prometheus-stack', config);
  new Kserve(apps, 'kserve', config);
  new CloudnativePg(apps, 'cloudnative-pg', config);
  new ActionsRunnerController(apps, 'arc', config);
  new ObjectStore(apps, 'object-store', config);
  new Mlflow(apps, 'mlflow', config);
}
