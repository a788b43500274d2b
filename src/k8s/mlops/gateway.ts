import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import * as sm from '../../../imports/servicemonitor-monitoring.coreos.com';
import { metrics } from '../../config/metrics';
import type { PlatformConfig } from '../../config/platform';
import { platformImage } from '../../config/versions';
import { captureEnv, gatewayEnv as env, gatewayPaths } from '../../contracts/gateway';
import { KEEP_ON_REMOVAL } from '../bootstrap/application';
import {
  AllowPolicy, namespaceSelector, NON_ROOT_UID, PlatformChart, resourcesJson,
  restrictedContainerSecurityJson, restrictedPodSecurityJson, SealedSecretReference, tcp,
} from '../lib';
import { ISVC_POD_LABEL } from './model-serving';
import { ACCURACY_WINDOW_HOURS } from './rules';
import { mlopsSettings } from './settings';

/** The gateway image (this repository's image, by digest). */
export function gatewayImage(img: { repository: string; digest: string } = platformImage): string {
  if (!/^sha256:[0-9a-f]{64}$/.test(img.digest)) {
    throw new Error(`src/config/versions.ts platformImage: digest "${img.digest}" is not a sha256 digest`);
  }
  return `${img.repository}@${img.digest}`;
}

/** Series the gateway's scrape keeps: the contract's gateway metrics (histograms with their suffixes). */
export function gatewayScrapedSeries(): string[] {
  const names: string[] = [];
  for (const m of Object.values(metrics)) {
    if (m.source !== 'gateway') continue;
    if (m.type === 'histogram') names.push(...['_bucket', '_sum', '_count'].map((s) => m.name + s));
    else names.push(m.name);
  }
  return names;
}

/** Labels that select Alertmanager's and Prometheus' pods (kube-prometheus-stack sets them on its StatefulSets). */
export const alertmanagerPodLabels = { 'app.kubernetes.io/name': 'alertmanager' };
export const prometheusPodLabels = { 'app.kubernetes.io/name': 'prometheus' };

export interface GatewayChartProps {
  readonly config: PlatformConfig;
  /**
   * Gateway image by digest.
   * @default - `platformImage` from src/config/versions.ts
   */
  readonly image?: string;
}

/**
 * The gateway (`mlops gateway`): Alertmanager webhook → durable outbox → GitHub dispatch, plus the
 * payload capture and feedback endpoints of the drift loop.
 *
 * - One replica with `strategy: Recreate`: the outbox and captures are a SQLite database on a
 *   ReadWriteOnce volume; two pods would fight over it, and a rolling update would start the new pod
 *   while the old one still holds it.
 * - Three container ports, because NetworkPolicy is L4 (ports, not paths): the gateway serves
 *   `/webhooks/alertmanager` only on `ALERTMANAGER_PORT` and `/webhooks/kserve` only on
 *   `KSERVE_PORT`, and the policy below admits only Alertmanager's pods to the first and only the
 *   model's predictor pods to the second. Everything else (probes, `/metrics`, `/feedback`,
 *   `/v1/captures`) is on `PORT`, open to Prometheus, the runners and this namespace.
 */
export class GatewayChart extends PlatformChart {
  constructor(scope: Construct, id: string, props: GatewayChartProps) {
    const s = mlopsSettings(props.config);
    super(scope, id, { config: props.config, component: 'gateway', name: s.gatewayName, namespace: s.namespace });
    const name = s.gatewayName;
    const podLabels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'gateway' };
    const stateClaim = `${name}-state`;

    new k8s.KubeServiceAccount(this, 'sa', {
      metadata: { name },
      // The gateway calls GitHub, never the Kubernetes API.
      automountServiceAccountToken: false,
    });

    new k8s.KubePersistentVolumeClaim(this, 'state', {
      // The outbox and captured payloads: never pruned or deleted by ArgoCD when this line leaves git.
      metadata: { name: stateClaim, annotations: { ...KEEP_ON_REMOVAL } },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: s.storageClass,
        resources: { requests: { storage: k8s.Quantity.fromString(s.gatewayStorage) } },
      },
    });

    const token = new SealedSecretReference(this, 'token', { config: props.config, credential: 'gatewayToken' });
    const github = new SealedSecretReference(this, 'github', { config: props.config, credential: 'gatewayGithub' });

    const res = resourcesJson({ cpu: '100m', memory: '256Mi', cpuLimit: '500m' });
    const quantities = (r: Record<string, string>) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k8s.Quantity.fromString(v)]));
    const port = (n: number) => k8s.IntOrString.fromNumber(n);

    new k8s.KubeDeployment(this, 'deployment', {
      metadata: { name },
      spec: {
        replicas: 1,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: podLabels },
        template: {
          metadata: { labels: podLabels },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityJson(NON_ROOT_UID),
            // SIGTERM → the gateway stops accepting and commits the outbox before exiting.
            terminationGracePeriodSeconds: 30,
            containers: [
              {
                name: 'gateway',
                image: props.image ?? gatewayImage(),
                imagePullPolicy: 'IfNotPresent',
                command: ['mlops', 'gateway'],
                ports: [
                  { name: 'http', containerPort: s.gatewayPorts.http, protocol: 'TCP' },
                  { name: 'alertmanager', containerPort: s.gatewayPorts.alertmanager, protocol: 'TCP' },
                  { name: 'kserve', containerPort: s.gatewayPorts.kserve, protocol: 'TCP' },
                ],
                env: [
                  { name: env.port, value: String(s.gatewayPorts.http) },
                  { name: env.alertmanagerPort, value: String(s.gatewayPorts.alertmanager) },
                  { name: env.kservePort, value: String(s.gatewayPorts.kserve) },
                  { name: env.token, valueFrom: { secretKeyRef: token.keyRef('token') } },
                  { name: env.githubToken, valueFrom: { secretKeyRef: github.keyRef('token') } },
                  { name: env.githubRepository, value: s.githubRepository },
                  { name: env.stateDir, value: s.gatewayStateDir },
                  // The same window ModelAccuracyLow counts labelled predictions over.
                  { name: captureEnv.accuracyWindowHours, value: String(ACCURACY_WINDOW_HOURS) },
                  { name: 'TMPDIR', value: '/tmp' },
                ],
                resources: { requests: quantities(res.requests), limits: quantities(res.limits) },
                readinessProbe: { httpGet: { path: gatewayPaths.readyz, port: port(s.gatewayPorts.http) }, periodSeconds: 5 },
                livenessProbe: { httpGet: { path: gatewayPaths.healthz, port: port(s.gatewayPorts.http) }, periodSeconds: 10, failureThreshold: 6 },
                securityContext: restrictedContainerSecurityJson(NON_ROOT_UID),
                volumeMounts: [
                  { name: 'state', mountPath: s.gatewayStateDir },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'state', persistentVolumeClaim: { claimName: stateClaim } },
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
            ],
          },
        },
      },
    });

    new k8s.KubeService(this, 'service', {
      metadata: { name },
      spec: {
        type: 'ClusterIP',
        selector: podLabels,
        ports: (['http', 'alertmanager', 'kserve'] as const).map((p) => ({
          name: p, port: s.gatewayPorts[p], targetPort: k8s.IntOrString.fromString(p), protocol: 'TCP',
        })),
      },
    });

    new sm.ServiceMonitor(this, 'servicemonitor', {
      metadata: { name },
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/name': name } },
        namespaceSelector: { matchNames: [s.namespace] },
        endpoints: [
          {
            port: 'http',
            path: gatewayPaths.metrics,
            interval: '15s',
            // Only the contract's gateway series are stored (the contract test reads this list).
            metricRelabelings: [
              {
                action: sm.ServiceMonitorSpecEndpointsMetricRelabelingsAction.KEEP,
                sourceLabels: ['__name__'],
                regex: `(${gatewayScrapedSeries().join('|')})`,
              },
            ],
          },
        ],
      },
    });

    new AllowPolicy(this, 'netpol', {
      name,
      namespace: s.namespace,
      podLabels,
      ingress: [
        // Alertmanager pods only, on the Alertmanager webhook port only.
        {
          peers: [{ namespaceSelector: namespaceSelector(s.monitoringNamespace), podSelector: { matchLabels: alertmanagerPodLabels } }],
          ports: [tcp(s.gatewayPorts.alertmanager)],
        },
        // The model's predictor pods (their payload-logger agent) only, on the capture port only.
        {
          peers: [{ podSelector: { matchLabels: { [ISVC_POD_LABEL]: s.modelName } } }],
          ports: [tcp(s.gatewayPorts.kserve)],
        },
        // Prometheus (scrape), the runners (drift analysis reads /v1/captures) and this namespace
        // (feedback clients) on the API port; these endpoints take the bearer token.
        {
          peers: [
            { namespaceSelector: namespaceSelector(s.monitoringNamespace), podSelector: { matchLabels: prometheusPodLabels } },
            { namespaceSelector: namespaceSelector(s.runnersNamespace) },
            { podSelector: {} },
          ],
          ports: [tcp(s.gatewayPorts.http)],
        },
      ],
      egress: [
        // GitHub's API (repository_dispatch) over HTTPS; never the cluster's private ranges.
        {
          peers: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }],
          ports: [tcp(443)],
        },
      ],
    });
  }
}
