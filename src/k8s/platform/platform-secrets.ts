import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { CredentialId, secretsToSeal } from '../../config/credentials';
import { PlatformConfig } from '../../config/platform';
import { PlatformApplication } from '../bootstrap/application';
import { PlatformChart, SealedSecretReference } from '../lib';

/** Credentials consumed by upstream charts (our own workloads reference theirs in their own charts). */
export const upstreamCredentials: CredentialId[] = [
  'alertmanagerGatewayToken', 'alertmanagerPlatformSlack', 'grafanaAdmin', 'objectStoreAdmin', 'mlflowS3', 'mlflowDbBackupS3', 'arcGithubApp',
];

/**
 * `dist/platform-secrets/`: the SealedSecrets of credentials that upstream charts mount, and a
 * ConfigMap listing every secret to seal (names, keys, consumers; never values) so the cluster
 * itself shows what an operator still has to provide.
 */
export class PlatformSecretsChart extends PlatformChart {
  constructor(scope: Construct, id: string, config: PlatformConfig) {
    super(scope, id, { config, component: 'secrets', name: 'platform-secrets' });
    for (const c of upstreamCredentials) new SealedSecretReference(this, c, { config, credential: c });
    new kplus.k8s.KubeConfigMap(this, 'to-seal', {
      metadata: { name: 'secrets-to-seal', namespace: config.namespaces.sealedSecrets },
      data: { 'secrets-to-seal.json': JSON.stringify(secretsToSeal(config), null, 2) + '\n' },
    });
  }
}

export class PlatformSecrets extends Construct {
  constructor(scope: Construct, id: string, config: PlatformConfig) {
    super(scope, id);
    new PlatformApplication(this, 'app', {
      config, name: 'platform-secrets', namespace: config.namespaces.sealedSecrets, source: { distChart: 'platform-secrets' }, installsCrds: false,
    });
  }
}
