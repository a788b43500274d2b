/**
 * Sync waves of the child Applications. ArgoCD syncs the root app-of-apps wave by wave and, with
 * the Application health check restored in argocd-cm (see `argocd.ts`), waits for every child
 * Application of a wave to be Healthy before the next wave starts. Lower runs first.
 *
 * Every entry says why it sits where it does. Adding a component: give it the lowest wave after
 * everything it needs (CRDs, webhooks, Secrets, backing services).
 */
export const syncWaves = {
  /** ArgoCD manages itself first: its config (the Application health check) must be live before later waves can wait on health. */
  'argo-cd': 0,
  /** The AppProject and the root Application, so changes to them are synced like everything else. */
  'bootstrap': 0,
  /** Namespaces (with Pod Security labels) and their default-deny NetworkPolicies exist before any workload lands in them. */
  'namespaces': 0,
  /** The SealedSecret CRD and controller: every credential after this is a SealedSecret. */
  'sealed-secrets': 1,
  /** cert-manager's CRDs and webhook: KServe's webhook certificate is a cert-manager Certificate. */
  'cert-manager': 1,
  /** SealedSecrets decrypt into the Secrets that the upstream charts of wave 3+ mount (Grafana admin, Alertmanager token, S3 keys, runner app). */
  'platform-secrets': 2,
  /** prometheus-operator CRDs (PrometheusRule, ServiceMonitor, PodMonitor) and the monitoring stack, before anything that ships monitors or rules. */
  'kube-prometheus-stack': 3,
  /** The InferenceService CRD, split from the controller: far over client-side apply's annotation limit, applied server-side before the controller. */
  'kserve-crd': 3,
  /** The CloudNativePG operator and its CRDs, before the database Cluster (operator and instance are separate units). */
  'cloudnative-pg': 3,
  /** The ARC controller and its CRDs, before the runner scale set. */
  'arc-controller': 3,
  /** KServe controller: needs its CRDs (wave 3) and cert-manager (wave 1). */
  'kserve': 4,
  /** The S3 store: the database backups and MLflow artifacts go there. */
  'object-store': 4,
  /** The runner scale set: needs the ARC CRDs (wave 3) and the GitHub App Secret (wave 2). */
  'arc-runners': 4,
  /** Our PrometheusRules and dashboards: need the prometheus-operator CRDs and Grafana's sidecar (wave 3). */
  'observability': 4,
  /** The MLflow database Cluster: needs the operator (wave 3) and the backup store (wave 4). */
  'mlflow-db': 5,
  /** The gateway: needs its SealedSecrets' controller (wave 1), ServiceMonitor CRD (wave 3); the model's logger sends to it. */
  'gateway': 5,
  /** MLflow: needs its database (wave 5) and artifact store (wave 4). */
  'mlflow': 6,
  /** The model: needs the KServe controller (wave 4) and the gateway its payload logger posts to (wave 5). */
  'model-serving': 6,
} as const;

export type ComponentName = keyof typeof syncWaves;
