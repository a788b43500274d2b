import { platformConfig, PlatformConfig } from './platform';

/**
 * The credentials table: every secret the cluster's workloads consume, declared once. The
 * SealedSecret references in the manifests (`sealedSecretRef` in `src/k8s/lib`) and the list of
 * secrets an operator must seal (`secretsToSeal`, printed in docs/bootstrap.md) are generated from it.
 *
 * No value ever lives in git: an operator seals each entry with `kubeseal` against the cluster's
 * sealed-secrets key and commits the ciphertext under `secrets/sealed/<namespace>/<name>.yaml`.
 */
export interface Credential {
  /** The Secret's name in its namespace. */
  readonly name: string;
  /** Why it exists, one line. */
  readonly purpose: string;
  /** Which namespace (key of `PlatformConfig.namespaces`) the consuming workload runs in. */
  readonly namespace: keyof PlatformConfig['namespaces'];
  /** The workload that reads it. */
  readonly consumer: string;
  /** The keys the Secret must carry. */
  readonly keys: readonly string[];
  /** Where an operator gets the value. */
  readonly source: string;
}

function credential<const T extends Credential>(c: T): T {
  return c;
}

export const credentials = {
  gatewayToken: credential({
    name: 'mlops-gateway-token',
    purpose: 'Bearer token Alertmanager and the feedback/capture clients present to the gateway',
    namespace: 'mlops',
    consumer: 'Deployment/mlops-gateway (env GATEWAY_TOKEN)',
    keys: ['token'],
    source: 'generate: openssl rand -hex 32 (the same value goes into alertmanager-gateway-token)',
  }),
  gatewayGithub: credential({
    name: 'mlops-gateway-github',
    purpose: 'GitHub token the gateway uses for repository_dispatch',
    namespace: 'mlops',
    consumer: 'Deployment/mlops-gateway (env GITHUB_TOKEN)',
    keys: ['token'],
    source: 'GitHub fine-grained token, repository contents: read & write (dispatch) on this repository only',
  }),
  alertmanagerGatewayToken: credential({
    name: 'alertmanager-gateway-token',
    purpose: "Alertmanager's copy of the gateway bearer token (http_config.authorization.credentials_file)",
    namespace: 'monitoring',
    consumer: 'Alertmanager (alertmanagerSpec.secrets → /etc/alertmanager/secrets/alertmanager-gateway-token/token)',
    keys: ['token'],
    source: 'the same value as mlops-gateway-token',
  }),
  alertmanagerPlatformSlack: credential({
    name: 'alertmanager-platform-slack',
    purpose: "Slack incoming-webhook URL for the platform's own alerts (out of band: does not depend on the gateway)",
    namespace: 'monitoring',
    consumer: 'Alertmanager (alertmanagerSpec.secrets → /etc/alertmanager/secrets/alertmanager-platform-slack/webhook-url, slack_configs.api_url_file)',
    keys: ['webhook-url'],
    source: 'Slack: an app with Incoming Webhooks, one webhook for the platform channel (https://hooks.slack.com/services/…)',
  }),
  grafanaAdmin: credential({
    name: 'grafana-admin',
    purpose: 'Grafana admin login',
    namespace: 'monitoring',
    consumer: 'Deployment/kube-prometheus-stack-grafana (admin.existingSecret)',
    keys: ['admin-user', 'admin-password'],
    source: 'generate: openssl rand -base64 24',
  }),
  objectStoreAdmin: credential({
    name: 'seaweedfs-s3-config',
    purpose: 'SeaweedFS S3 identities (admin, MLflow artifacts, PostgreSQL backups)',
    namespace: 'mlflow',
    consumer: 'StatefulSet/seaweedfs (mounted at /etc/seaweedfs, weed -s3.config)',
    keys: ['seaweedfs_s3_config'],
    source: 'JSON identities file for SeaweedFS S3 holding the keys of mlflow-s3 and mlflow-db-backup-s3',
  }),
  mlflowS3: credential({
    name: 'mlflow-s3',
    purpose: 'S3 access key MLflow uses for the artifact bucket',
    namespace: 'mlflow',
    consumer: 'Deployment/mlflow (env AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)',
    keys: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'],
    source: 'an identity declared in seaweedfs-s3-config',
  }),
  mlflowDbBackupS3: credential({
    name: 'mlflow-db-backup-s3',
    purpose: 'S3 access key CloudNativePG uses for base backups and WAL archiving',
    namespace: 'mlflow',
    consumer: 'Cluster/mlflow-db (backup.barmanObjectStore.s3Credentials)',
    keys: ['ACCESS_KEY_ID', 'ACCESS_SECRET_KEY'],
    source: 'an identity declared in seaweedfs-s3-config',
  }),
  arcGithubApp: credential({
    name: 'arc-github-app',
    purpose: 'GitHub App the runner scale set registers runners with',
    namespace: 'arcRunners',
    consumer: 'AutoscalingRunnerSet/homelab (githubConfigSecret)',
    keys: ['github_app_id', 'github_app_installation_id', 'github_app_private_key'],
    source: 'a GitHub App installed on this repository (Administration: read & write for self-hosted runners)',
  }),
} as const;

export type CredentialId = keyof typeof credentials;

/** One row of the list of secrets an operator must seal. */
export interface SecretToSeal {
  readonly namespace: string;
  readonly name: string;
  readonly keys: readonly string[];
  readonly purpose: string;
  readonly consumer: string;
  readonly source: string;
  /** The committed SealedSecret file path. */
  readonly sealedFile: string;
}

/** The path (relative to the repo root) an operator commits a credential's SealedSecret to. */
export function sealedFilePath(namespace: string, name: string): string {
  return `secrets/sealed/${namespace}/${name}.yaml`;
}

/** Every secret to seal, sorted by namespace then name (deterministic). */
export function secretsToSeal(config: PlatformConfig = platformConfig): SecretToSeal[] {
  return Object.values(credentials)
    .map((c) => {
      const namespace = config.namespaces[c.namespace];
      return {
        namespace,
        name: c.name,
        keys: c.keys,
        purpose: c.purpose,
        consumer: c.consumer,
        source: c.source,
        sealedFile: sealedFilePath(namespace, c.name),
      };
    })
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

/** The credential with this id, or an error naming the unknown id and the known ones. */
export function credentialById(id: string): Credential {
  if (!(id in credentials)) {
    throw new Error(`unknown credential "${id}" (known credentials: ${Object.keys(credentials).join(', ')})`);
  }
  return credentials[id as CredentialId];
}

/**
 * A reference to one key of a credential's Secret, checked against the table: an unknown key is an
 * error naming the credential and its keys.
 */
export function credentialKeyRef(id: CredentialId, key: string): { name: string; key: string } {
  const c = credentialById(id);
  if (!c.keys.includes(key)) {
    throw new Error(`credential "${id}" (Secret ${c.name}) has no key "${key}" (keys: ${c.keys.join(', ')})`);
  }
  return { name: c.name, key };
}
