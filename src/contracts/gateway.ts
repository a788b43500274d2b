/**
 * The gateway's outside surface: the paths it serves, the environment it reads, its default port.
 * The gateway (src/gateway), the manifests that run it (src/k8s/mlops) and its clients (drift
 * analysis, the Alertmanager receiver) import these names instead of re-typing them.
 */

/** Every HTTP path the gateway serves. */
export const gatewayPaths = {
  /** Alertmanager webhook (bearer), served on `ALERTMANAGER_PORT` when set. */
  alertmanagerWebhook: '/webhooks/alertmanager',
  /** KServe payload-logger CloudEvents (no token: the NetworkPolicy guards it), on `KSERVE_PORT` when set. */
  kserveWebhook: '/webhooks/kserve',
  /** Ground-truth labels (bearer). */
  feedback: '/feedback',
  /** Captures as NDJSON (bearer); see src/contracts/captures.ts. */
  captures: '/v1/captures',
  /** Drift-analysis run reports (bearer); see src/contracts/drift-runs.ts. */
  driftRuns: '/v1/drift-runs',
  /** Prometheus metrics. */
  metrics: '/metrics',
  /** Liveness. */
  healthz: '/healthz',
  /** Readiness (the outbox and the capture store answer). */
  readyz: '/readyz',
} as const;

/** The port the gateway listens on when neither `--port` nor `PORT` is set. */
export const defaultGatewayPort = 8080;

/** Gateway setting → the environment variable it is read from (the CLI offers the same names as flags). */
export const gatewayEnv = {
  port: 'PORT',
  alertmanagerPort: 'ALERTMANAGER_PORT',
  kservePort: 'KSERVE_PORT',
  host: 'HOST',
  token: 'GATEWAY_TOKEN',
  githubToken: 'GITHUB_TOKEN',
  githubRepository: 'GITHUB_REPOSITORY',
  githubApiUrl: 'GITHUB_API_URL',
  stateDir: 'GATEWAY_STATE_DIR',
  maxBodyBytes: 'GATEWAY_MAX_BODY_BYTES',
  dedupeWindowSeconds: 'GATEWAY_DEDUPE_WINDOW_SECONDS',
  maxAttempts: 'GATEWAY_DISPATCH_MAX_ATTEMPTS',
  backoffBaseMs: 'GATEWAY_BACKOFF_BASE_MS',
  backoffMaxMs: 'GATEWAY_BACKOFF_MAX_MS',
  dispatchTimeoutMs: 'GATEWAY_DISPATCH_TIMEOUT_MS',
  outboxRetentionDays: 'GATEWAY_OUTBOX_RETENTION_DAYS',
  outboxMaxRows: 'GATEWAY_OUTBOX_MAX_ROWS',
  testMaxPageCount: 'GATEWAY_TEST_MAX_PAGE_COUNT',
} as const;

/** Capture settings → environment variable. */
export const captureEnv = {
  sampleRate: 'CAPTURE_SAMPLE_RATE',
  retentionDays: 'CAPTURE_RETENTION_DAYS',
  accuracyWindowHours: 'ACCURACY_WINDOW_HOURS',
} as const;
