import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { credentialKeyRef } from '../../config/credentials';
import { PlatformConfig } from '../../config/platform';
import { imageRef, images } from '../../config/versions';
import { PlatformApplication } from '../bootstrap/application';
import {
  AllowPolicy, namespaceSelector, NamespaceNetworkBaseline, NON_ROOT_UID, PlatformChart, resourcesK8s,
  restrictedContainerSecurityJson, restrictedPodSecurityJson, tcp,
} from '../lib';
import { MLFLOW_DB } from './cloudnative-pg';
import { OBJECT_STORE_S3_URL } from './object-store';

export const MLFLOW = 'mlflow';
export const MLFLOW_PORT = 5000;

/** Pod labels of the tracking server (selector and NetworkPolicies). */
export const mlflowPodLabels = { 'app.kubernetes.io/name': MLFLOW, 'app.kubernetes.io/component': 'tracking' };

/**
 * Host headers the tracking server accepts (`--allowed-hosts`). MLflow >= 3.5 answers 403 "Invalid Host
 * header" to any other Host except localhost and private IPs, while /health and /version stay exempt, so
 * probes are green and every in-cluster client by Service name would be refused. The check is an exact,
 * full-header match (fnmatch only for entries with `*`), so each name is listed with and without the port:
 * mlflow/mlflow mlflow/server/security_utils.py `is_allowed_host_header` (v3.17.2; introduced in 3.5.0).
 * Localhost stays allowed for `kubectl port-forward`.
 */
export function mlflowAllowedHosts(config: PlatformConfig): string[] {
  const ns = config.namespaces.mlflow;
  const names = [MLFLOW, `${MLFLOW}.${ns}`, `${MLFLOW}.${ns}.svc`, `${MLFLOW}.${ns}.svc.cluster.local`, 'localhost', '127.0.0.1'];
  return names.flatMap((n) => [n, `${n}:${MLFLOW_PORT}`]);
}

/** The in-cluster tracking URI (MLFLOW_TRACKING_URI of training and drift jobs on the runners). */
export function mlflowTrackingUri(config: PlatformConfig): string {
  return `http://${MLFLOW}.${config.namespaces.mlflow}.svc:${MLFLOW_PORT}`;
}

/**
 * `dist/mlflow/`: the MLflow tracking server (PostgreSQL backend from CloudNativePG's `<db>-app`
 * Secret; artifacts proxied to SeaweedFS, so clients need no S3 keys), and the mlflow namespace's
 * NetworkPolicies (default deny; the namespace's own pods talk to each other; the API server for
 * the operator and instances; MLflow from the runners and the model namespace).
 */
export class MlflowChart extends PlatformChart {
  constructor(scope: Construct, id: string, config: PlatformConfig) {
    const ns = config.namespaces.mlflow;
    super(scope, id, { config, component: 'tracking', name: MLFLOW, namespace: ns });

    new k8s.KubeServiceAccount(this, 'sa', { metadata: { name: MLFLOW }, automountServiceAccountToken: false });
    new k8s.KubeService(this, 'svc', {
      metadata: { name: MLFLOW },
      spec: { selector: mlflowPodLabels, ports: [{ name: 'http', port: MLFLOW_PORT, targetPort: k8s.IntOrString.fromNumber(MLFLOW_PORT) }] },
    });
    const s3Key = (key: string) => ({ secretKeyRef: credentialKeyRef('mlflowS3', key) });
    new k8s.KubeDeployment(this, 'deploy', {
      metadata: { name: MLFLOW },
      spec: {
        replicas: 1,
        selector: { matchLabels: mlflowPodLabels },
        template: {
          metadata: { labels: mlflowPodLabels },
          spec: {
            serviceAccountName: MLFLOW,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityJson(NON_ROOT_UID),
            containers: [{
              name: MLFLOW,
              image: imageRef(images.mlflow),
              command: ['mlflow'],
              args: [
                'server', '--host', '0.0.0.0', '--port', String(MLFLOW_PORT),
                '--backend-store-uri', '$(MLFLOW_BACKEND_STORE_URI)',
                '--serve-artifacts', '--artifacts-destination', 's3://mlflow-artifacts',
                '--allowed-hosts', mlflowAllowedHosts(config).join(','),
              ],
              env: [
                // postgresql://… from the Secret CloudNativePG generates for the database owner.
                { name: 'MLFLOW_BACKEND_STORE_URI', valueFrom: { secretKeyRef: { name: `${MLFLOW_DB}-app`, key: 'uri' } } },
                { name: 'MLFLOW_S3_ENDPOINT_URL', value: OBJECT_STORE_S3_URL(config) },
                { name: 'AWS_ACCESS_KEY_ID', valueFrom: s3Key('AWS_ACCESS_KEY_ID') },
                { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: s3Key('AWS_SECRET_ACCESS_KEY') },
                { name: 'HOME', value: '/tmp' },
              ],
              ports: [{ name: 'http', containerPort: MLFLOW_PORT }],
              readinessProbe: { httpGet: { path: '/health', port: k8s.IntOrString.fromNumber(MLFLOW_PORT) }, periodSeconds: 10 },
              livenessProbe: { httpGet: { path: '/health', port: k8s.IntOrString.fromNumber(MLFLOW_PORT) }, periodSeconds: 20, failureThreshold: 6 },
              resources: resourcesK8s({ cpu: '100m', memory: '768Mi', cpuLimit: '1' }),
              securityContext: restrictedContainerSecurityJson(NON_ROOT_UID),
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } }],
          },
        },
      },
    });

    new NamespaceNetworkBaseline(this, 'baseline', { namespace: ns });
    new AllowPolicy(this, 'same-namespace', {
      name: 'allow-same-namespace',
      namespace: ns,
      podLabels: {},
      ingress: [{ peers: [{ podSelector: {} }], ports: [] }],
      egress: [{ peers: [{ podSelector: {} }], ports: [] }],
    });
    // The CloudNativePG operator and its instance managers use the API server; the operator's webhook is called by it.
    new AllowPolicy(this, 'api-server', {
      name: 'allow-api-server',
      namespace: ns,
      podLabels: {},
      egress: [{ peers: [{ ipBlock: { cidr: config.network.nodeCidr } }], ports: [tcp(config.network.apiServerPort)] }],
    });
    new AllowPolicy(this, 'webhook', {
      name: 'allow-cnpg-webhook',
      namespace: ns,
      podLabels: { 'app.kubernetes.io/name': 'cloudnative-pg' },
      ingress: [{ peers: [{ ipBlock: { cidr: config.network.nodeCidr } }, { ipBlock: { cidr: config.network.podCidr } }], ports: [tcp(9443)] }],
    });
    new AllowPolicy(this, 'clients', {
      name: 'allow-mlflow-clients',
      namespace: ns,
      podLabels: mlflowPodLabels,
      ingress: [{
        peers: [
          { namespaceSelector: namespaceSelector(config.namespaces.arcRunners) },
          { namespaceSelector: namespaceSelector(config.namespaces.mlops) },
        ],
        ports: [tcp(MLFLOW_PORT)],
      }],
    });
    new AllowPolicy(this, 'metrics', {
      name: 'allow-prometheus',
      namespace: ns,
      podLabels: {},
      ingress: [{
        peers: [{ namespaceSelector: namespaceSelector(config.namespaces.monitoring), podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
        // CloudNativePG instance and operator metrics.
        ports: [tcp(9187), tcp(8080)],
      }],
    });
  }
}

export class Mlflow extends Construct {
  constructor(scope: Construct, id: string, config: PlatformConfig) {
    super(scope, id);
    new PlatformApplication(this, 'app', {
      config, name: 'mlflow', namespace: config.namespaces.mlflow, source: { distChart: 'mlflow' }, installsCrds: false,
    });
  }
}
