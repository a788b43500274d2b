import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Histogram, Registry } from 'prom-client';
import { parse as parseYaml, stringify } from 'yaml';
import type { RunningGateway } from '../../src/gateway/server';
import { startGithubDispatchFake, type GithubDispatchFake, type ReceivedDispatch } from '../fakes/github-dispatch';
import { readRole, startKubernetesFake, type KubernetesFake } from '../fakes/kubernetes-api';
import { gatewayToken, startTestGateway, until } from '../gateway/harness';
import { stopAll } from '../support/process';
import { startAlertmanager, startPrometheus, type RunningBinary } from '../support/prometheus';

/**
 * End to end with the real binaries: a scrape target whose request_predict_seconds latency the
 * test raises → Prometheus with the `fast` rules from dist/ → InferenceLatencyHigh fires → a real
 * Alertmanager with dist/monitoring/alertmanager.yaml (webhook URL, credentials file and
 * group_wait rewritten in a temp copy) → the gateway → the GitHub dispatch fake → `mlops
 * analyze-alert` against the Kubernetes API fake (dist/ Role enforced) and the real Prometheus.
 */
const root = path.join(__dirname, '..', '..');
const dist = path.join(root, 'dist');
const mlops = path.join(root, 'bin', 'mlops');
const model = 'credit-risk';

let github: GithubDispatchFake;
let gw: RunningGateway;
let prom: RunningBinary;
let am: RunningBinary;
let kube: KubernetesFake;
let target: http.Server;
let ticker: NodeJS.Timeout;
let latency = 0.05;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-e2e-'));

function startTarget(): Promise<number> {
  const registry = new Registry();
  const h = new Histogram({
    name: 'request_predict_seconds',
    help: 'KServe model server predict latency in seconds.',
    labelNames: ['model_name'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  // ~20 requests/s at the current latency.
  ticker = setInterval(() => h.observe({ model_name: model }, latency), 50);
  target = http.createServer(async (_req, res) => {
    res.writeHead(200, { 'content-type': registry.contentType });
    res.end(await registry.metrics());
  });
  return new Promise((resolve) => target.listen(0, '127.0.0.1', () => resolve((target.address() as AddressInfo).port)));
}

/** A git repo whose release.json history shows a release 5 minutes ago. */
function releaseRepo(): string {
  const dir = path.join(tmp, 'repo');
  fs.mkdirSync(path.join(dir, 'src', 'config'), { recursive: true });
  fs.copyFileSync(path.join(root, 'src', 'config', 'release.json'), path.join(dir, 'src', 'config', 'release.json'));
  const when = new Date(Date.now() - 5 * 60_000).toISOString();
  const env = { ...process.env, GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid' };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, stdio: 'ignore' });
  git('init', '-q');
  git('add', '.');
  git('commit', '-q', '-m', 'release: credit-risk 7 (sha256:abc)');
  return dir;
}

function analyzeAlert(eventFile: string, kubeconfig: string, repoDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [mlops, 'analyze-alert', '--alert', eventFile, '--prometheus-url', prom.url, '--kubeconfig', kubeconfig,
      '--repo-dir', repoDir, '--offline', '--json'], { env: { ...process.env, GEMINI_API_KEY: '', OPENAI_API_KEY: '' }, timeout: 60_000 },
    (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

beforeAll(async () => {
  github = await startGithubDispatchFake();
  // As deployed: the webhook on its own listener (ALERTMANAGER_PORT).
  gw = await startTestGateway(github, { alertmanagerPort: '0' });
  const tokenFile = path.join(tmp, 'gateway-token');
  fs.writeFileSync(tokenFile, gatewayToken, { mode: 0o600 });
  const amConfig = parseYaml(fs.readFileSync(path.join(dist, 'monitoring', 'alertmanager.yaml'), 'utf8'));
  const receiver = amConfig.receivers.find((r: { webhook_configs?: unknown[] }) => r.webhook_configs);
  receiver.webhook_configs[0].url = `${gw.urls.alertmanager}/webhooks/alertmanager`;
  receiver.webhook_configs[0].http_config.authorization.credentials_file = tokenFile;
  amConfig.route.group_wait = '1s'; // the only timing change: the test should not wait 30 s
  am = await startAlertmanager(stringify(amConfig));
  const port = await startTarget();
  prom = await startPrometheus({
    targets: [`127.0.0.1:${port}`],
    ruleFiles: [path.join(dist, 'monitoring', 'mlops-rules.fast.yaml')],
    alertmanager: `127.0.0.1:${am.port}`,
  });
  // Both Roles of the alert-analysis reader: pods/logs/events in mlops, Applications in argocd.
  kube = await startKubernetesFake(['Role.alert-analysis-reader.k8s.yaml', 'Role.alert-analysis-reader-applications.k8s.yaml']
    .map((file) => readRole(path.join(dist, 'model-serving', file))));
  // The last sync was hours ago: no rollout explains this alert.
  kube.applications = [{
    namespace: 'argocd',
    name: 'model-serving',
    history: [{ id: 3, revision: 'c'.repeat(40), deployedAt: new Date(Date.now() - 3 * 3_600_000).toISOString(), initiatedBy: { automated: true } }],
  }];
});

afterAll(async () => {
  clearInterval(ticker);
  await stopAll();
  await gw?.close();
  await github?.close();
  await kube?.close();
  await new Promise((r) => (target ? target.close(r) : r(undefined)));
});

test('latency raised → InferenceLatencyHigh → Alertmanager → gateway → dispatch → analyze-alert quotes the artificial delay line; the control ranks another cause first', async () => {
  const repoDir = releaseRepo();
  // Some normal traffic first, then the fault.
  await new Promise((r) => setTimeout(r, 3_000));
  latency = 0.8;
  let dispatch: ReceivedDispatch | undefined;
  await until(() => {
    dispatch = github.dispatches.find((d) => (d.clientPayload.group as any)?.commonLabels?.alertname === 'InferenceLatencyHigh');
    return dispatch !== undefined;
  }, 100_000, 'the InferenceLatencyHigh dispatch');
  expect(dispatch!.eventType).toBe('alert');
  const group = dispatch!.clientPayload.group as any;
  expect(group.status).toBe('firing');
  expect(group.alerts[0].labels).toMatchObject({ alertname: 'InferenceLatencyHigh', model_name: model, team: 'platform', type: 'latency' });
  expect(group.alerts[0].generatorURL).toBeUndefined();

  const namespace = group.alerts[0].labels.namespace;
  const podName = 'credit-risk-predictor-00001-deployment-6c9b7-x2k4p';
  const pod = (log: string) => ({
    name: podName,
    namespace,
    labels: { 'serving.kserve.io/inferenceservice': model },
    containers: ['kserve-container'],
    logs: { 'kserve-container': log },
  });
  const eventFile = path.join(tmp, 'event.json');
  fs.writeFileSync(eventFile, JSON.stringify({ action: 'alert', client_payload: dispatch!.clientPayload }));
  const kubeconfig = path.join(tmp, 'kubeconfig');
  kube.writeKubeconfig(kubeconfig);

  kube.pods = [pod([
    'INFO:root:Loading model from /mnt/models',
    'WARNING:root:artificial delay 800ms enabled',
    'INFO:     10.42.0.7:51234 - "POST /v1/models/credit-risk:predict HTTP/1.1" 200 OK',
  ].join('\n'))];
  const faulty = await analyzeAlert(eventFile, kubeconfig, repoDir);
  expect(faulty.stderr).toBe('');
  expect(faulty.code).toBe(0);
  const report = JSON.parse(faulty.stdout);
  expect(report).toMatchObject({ kind: 'alert', provider: 'offline', alertname: 'InferenceLatencyHigh', team: 'platform', topCause: 'fault-injection' });
  expect(report.causes[0].evidence.join('\n')).toContain('artificial delay 800ms enabled');
  expect(report.causes.map((c: { id: string }) => c.id)).toContain('recent-rollout');
  expect(report.sources.peaks.latencyP95).toBeGreaterThan(0.5); // read from the real Prometheus
  expect(report.sources.problems).toEqual([]);
  expect(kube.requests.length).toBeGreaterThan(0);
  expect(kube.requests.every((r) => r.status === 200)).toBe(true); // everything it read, the dist/ Role allows

  kube.pods = [pod('INFO:root:Loading model from /mnt/models\nINFO:     10.42.0.7:51234 - "POST /v1/models/credit-risk:predict HTTP/1.1" 200 OK')];
  const control = await analyzeAlert(eventFile, kubeconfig, repoDir);
  expect(control.code).toBe(0);
  const controlReport = JSON.parse(control.stdout);
  expect(controlReport.topCause).not.toBe('fault-injection');
  expect(controlReport.topCause).toBe('recent-rollout');
  expect(JSON.stringify(controlReport)).not.toContain('artificial delay');
});
