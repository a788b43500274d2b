import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { AlertReader } from './alert-reader';
import { mlopsSettings } from './settings';
import * as isvc from '../../../imports/kserve-serving.kserve.io';
import * as pm from '../../../imports/podmonitor-monitoring.coreos.com';
import { metrics } from '../../config/metrics';
import type { PlatformConfig } from '../../config/platform';
import release from '../../config/release.json';
import { gatewayPaths } from '../../contracts/gateway';
import { digestProblem, imageProblem, RELEASE_FILE } from '../../contracts/release';
import {
  AllowPolicy, namespaceSelector, NamespaceNetworkBaseline, NON_ROOT_UID, PlatformChart,
  restrictedContainerSecurityJson, restrictedPodSecurityJson, tcp,
} from '../lib';

/** The model server's HTTP port (KServe's ModelServer default; serves `/v1/models/...` and `/metrics`). */
export const PREDICTOR_PORT = 8080;
/** The port of KServe's agent sidecar, injected when `logger` is set; it proxies to the model server. */
export const KSERVE_AGENT_PORT = 9081;
/** Label KServe puts on every pod of an InferenceService. */
export const ISVC_POD_LABEL = 'serving.kserve.io/inferenceservice';

/** The predictor image by digest, from `src/config/release.json` (the only file the release bump edits). */
export function predictorImage(r: { image: string; digest: string } = release): string {
  const problem = digestProblem(r.digest) ?? imageProblem(r.image);
  if (problem) throw new Error(`${RELEASE_FILE}: ${problem}`);
  return `${r.image}@${r.digest}`;
}

/** Series the predictor's scrape keeps (metricRelabelings `keep`): the contract's predictor and KServe metrics. */
export function predictorScrapedSeries(): string[] {
  const names: string[] = [];
  for (const m of Object.values(metrics)) {
    if (m.source === 'predictor') names.push(m.name);
    if (m.source === 'kserve') names.push(...['_bucket', '_sum', '_count'].map((s) => m.name + s));
  }
  return names;
}

export interface ModelServingChartProps {
  readonly config: PlatformConfig;
  /**
   * Predictor image by digest.
   * @default - from src/config/release.json
   */
  readonly image?: string;
}

/**
 * The model: its KServe InferenceService (RawDeployment: no Knative/Istio on K3s), the PodMonitor
 * for its metrics, its NetworkPolicies, and the read-only RBAC of the alert analysis (which reads
 * this namespace's pods, logs and events).
 */
export class ModelServingChart extends PlatformChart {
  constructor(scope: Construct, id: string, props: ModelServingChartProps) {
    const s = mlopsSettings(props.config);
    super(scope, id, { config: props.config, component: 'model-serving', name: s.modelName, namespace: s.namespace });

    // Default deny (ingress and egress) for the whole namespace, plus DNS; every workload below and
    // in the gateway chart opens exactly what it needs.
    new NamespaceNetworkBaseline(this, 'baseline', { namespace: s.namespace });
    const predictorSa = `${s.modelName}-predictor`;

    new k8s.KubeServiceAccount(this, 'predictor-sa', {
      metadata: { name: predictorSa },
      // The model server never calls the Kubernetes API.
      automountServiceAccountToken: false,
    });

    const q = (v: string) => isvc.InferenceServiceSpecPredictorContainersResourcesLimits.fromString(v);
    new isvc.InferenceService(this, 'isvc', {
      metadata: {
        name: s.modelName,
        annotations: {
          // K3s runs no Knative/Istio: KServe creates a plain Deployment, Service and HPA.
          'serving.kserve.io/deploymentMode': 'RawDeployment',
          'serving.kserve.io/autoscalerClass': 'hpa',
        },
      },
      spec: {
        predictor: {
          serviceAccountName: predictorSa,
          automountServiceAccountToken: false,
          minReplicas: 1,
          maxReplicas: 2,
          scaleMetric: isvc.InferenceServiceSpecPredictorScaleMetric.CPU,
          scaleTarget: 80,
          securityContext: {
            ...restrictedPodSecurityJson(NON_ROOT_UID),
          },
          // Every request and response goes to the gateway's capture port (fire-and-forget, no retries;
          // the gateway pairs them by Ce-Id). X-Request-Id travels in Ce-Metadata for feedback joins.
          logger: {
            mode: isvc.InferenceServiceSpecPredictorLoggerMode.ALL,
            url: `${s.gatewayUrls.kserve}${gatewayPaths.kserveWebhook}`,
            metadataHeaders: ['X-Request-Id'],
          },
          containers: [
            {
              name: 'kserve-container',
              image: props.image ?? predictorImage(),
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http1', containerPort: PREDICTOR_PORT, protocol: 'TCP' }],
              env: [
                { name: 'MODEL_NAME', value: s.modelName },
                // The image's model server writes nothing but temp files.
                { name: 'TMPDIR', value: '/tmp' },
              ],
              resources: {
                requests: { cpu: q('250m'), memory: q('512Mi') },
                limits: { cpu: q('1000m'), memory: q('512Mi') },
              },
              readinessProbe: {
                httpGet: { path: `/v1/models/${s.modelName}`, port: isvc.InferenceServiceSpecPredictorContainersReadinessProbeHttpGetPort.fromNumber(PREDICTOR_PORT) },
                periodSeconds: 10,
              },
              livenessProbe: {
                httpGet: { path: '/', port: isvc.InferenceServiceSpecPredictorContainersLivenessProbeHttpGetPort.fromNumber(PREDICTOR_PORT) },
                periodSeconds: 20,
                failureThreshold: 3,
              },
              securityContext: restrictedContainerSecurityJson(NON_ROOT_UID),
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: q('256Mi') } }],
        },
      },
    });

    new pm.PodMonitor(this, 'podmonitor', {
      metadata: { name: s.modelName },
      spec: {
        selector: { matchLabels: { [ISVC_POD_LABEL]: s.modelName } },
        namespaceSelector: { matchNames: [s.namespace] },
        podMetricsEndpoints: [
          {
            port: 'http1',
            path: '/metrics',
            interval: '15s',
            // Keep only the contract's series: a metric the predictor adds without declaring it in
            // src/config/metrics.ts is not stored (the contract test reads this list).
            metricRelabelings: [
              {
                action: pm.PodMonitorSpecPodMetricsEndpointsMetricRelabelingsAction.KEEP,
                sourceLabels: ['__name__'],
                regex: `(${predictorScrapedSeries().join('|')})`,
              },
            ],
          },
        ],
      },
    });

    // Ingress to the predictor: its clients in this namespace and the ingress controller reach the
    // agent (which proxies to the model server); Prometheus scrapes the model server's /metrics.
    new AllowPolicy(this, 'predictor-netpol', {
      name: `${s.modelName}-predictor`,
      namespace: s.namespace,
      podLabels: { [ISVC_POD_LABEL]: s.modelName },
      ingress: [
        { peers: [{ podSelector: {} }, { namespaceSelector: namespaceSelector('kube-system') }], ports: [tcp(KSERVE_AGENT_PORT), tcp(PREDICTOR_PORT)] },
        { peers: [{ namespaceSelector: namespaceSelector(s.monitoringNamespace) }], ports: [tcp(PREDICTOR_PORT)] },
      ],
      // The payload logger (agent sidecar) posts to the gateway's capture port, and nowhere else.
      egress: [{ peers: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': s.gatewayName } } }], ports: [tcp(s.gatewayPorts.kserve)] }],
    });

    new AlertReader(this, 'alert-reader', { settings: s });
  }
}
