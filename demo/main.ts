import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { ActionsLog } from './actions-log';
import { ProcessGroup, type GroupChild } from './group';
import { writeHtmlReport } from './html';
import { readCsv as readCsvTable } from '../src/drift/csv';
import { gatewayScrapedSeries } from '../src/k8s/mlops/gateway';
import { ruleProfiles } from '../src/k8s/mlops/rules';
import { startGitHubFake, type GitHubFake } from '../test/fakes/github';
import { startGithubDispatchFake, type GithubDispatchFake } from '../test/fakes/github-dispatch';
import { readRole, startKubernetesFake, type KubernetesFake } from '../test/fakes/kubernetes-api';
import { freePort } from '../test/support/net';

/**
 * `npm run demo`: the self-healing loop on one machine (docs/demo.md). Real MLflow, the real
 * model trained and served by KServe's model server, the gateway CLI, real Prometheus with the fast
 * rules and real Alertmanager with dist/monitoring/alertmanager.yaml; loopback fakes for GitHub and
 * the Kubernetes API whose traffic lands in OUT/outbox. Scenarios: latency, drift, pipeline.
 */
const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const mlopsBin = path.join(root, 'bin', 'mlops');
const trainPy = path.join(root, '.venvs', 'train', 'bin', 'python');
const servePy = path.join(root, '.venvs', 'serve', 'bin', 'python');
const bandit = path.join(root, '.venvs', 'tools', 'bin', 'bandit');
const MODEL = 'credit-risk';
/** The demo's own secrets (exported so tests can check they never reach an LLM). */
export const GATEWAY_TOKEN = 'demo-gateway-token-0123456789';
export const GITHUB_TOKEN = 'ghs_fake_dispatch_token';
export const SCENARIOS = ['latency', 'drift', 'pipeline'] as const;
/** The demo gateway's ACCURACY_WINDOW_HOURS (its minimum). */
const DEMO_ACCURACY_WINDOW_HOURS = 1;
export type Scenario = typeof SCENARIOS[number];

/** The features the drift scenario moves (the generator's --covariate-drift). */
export const DRIFTED_FEATURES = ['credit_score', 'debt_to_income', 'credit_utilization', 'num_late_payments', 'savings_balance', 'annual_income',
  'home_ownership', 'employment_type'] as const;

export interface DemoOptions {
  readonly short: boolean;
  readonly out: string;
  readonly synth: boolean;
  readonly scenarios: readonly Scenario[];
  readonly delayMs: number;
}

export interface TimelineEntry { readonly t: number; readonly scenario: string; readonly message: string }
export interface Series { readonly name: string; readonly points: [number, number][] }
export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly ok: boolean;
  readonly alerts: string[];
  readonly reports: { name: string; json: Record<string, unknown>; markdown: string }[];
  readonly series: Series[];
  readonly error?: string;
}

export class DemoError extends Error {}

/**
 * The LLM settings (GEMINI_API_KEY, GEMINI_BASE_URL, GEMINI_MODEL, OPENAI_*): taken out of the demo's
 * environment at start, so the services it spawns (MLflow, predictor, gateway, Prometheus, ...)
 * never see the key; only the analysis commands get them back (see {@link mlops}).
 */
const llmEnv: NodeJS.ProcessEnv = {};
function takeLlmEnv(): void {
  for (const k of Object.keys(process.env)) {
    if (/^(GEMINI|OPENAI)_/.test(k)) {
      llmEnv[k] = process.env[k];
      delete process.env[k];
    }
  }
}

const started = Date.now();
const timeline: TimelineEntry[] = [];
let current = 'setup';

function progress(message: string): void {
  const t = (Date.now() - started) / 1000;
  timeline.push({ t, scenario: current, message });
  process.stdout.write(`[${t.toFixed(1).padStart(6)}s] ${current.padEnd(8)} ${message}\n`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new DemoError(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(intervalMs);
  }
}

async function httpOk(url: string, init?: RequestInit): Promise<boolean> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

async function ready(child: GroupChild, url: string, what: string, timeoutMs = 90_000): Promise<void> {
  await until(what, timeoutMs, async () => {
    if (child.child.exitCode !== null) throw new DemoError(`${what} exited with code ${child.child.exitCode}:\n${child.output().slice(-3000)}`);
    return (await httpOk(url)) ? true : undefined;
  });
}

/** The missing prerequisites, one phrase each (empty: all there). */
export function missingPrerequisites(): string[] {
  const missing: string[] = [];
  for (const [file, what] of [[trainPy, '.venvs/train'], [servePy, '.venvs/serve'], [bandit, '.venvs/tools (bandit)']] as const) {
    if (!fs.existsSync(file)) missing.push(`${what} (run scripts/setup.sh)`);
  }
  for (const [names, pkg] of [[['prometheus'], 'prometheus'], [['alertmanager', 'prometheus-alertmanager'], 'prometheus-alertmanager']] as const) {
    if (!names.some((n) => which(n))) missing.push(`${names[0]} (apt-get install ${pkg})`);
  }
  if (!fs.existsSync(path.join(dist, 'monitoring', 'alertmanager.yaml'))) missing.push('dist/monitoring (npx projen synth)');
  return missing;
}

function which(name: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

interface Stack {
  group: ProcessGroup;
  tmp: string;
  out: string;
  outbox: string;
  mlflowUrl: string;
  modelDir: string;
  repoDir: string;
  predictorPort: number;
  predictor?: GroupChild;
  predictorLog: string;
  github: GithubDispatchFake;
  /** The GitHub REST fake the analysis commands act against (issues, comments, dispatches). */
  githubApi: GitHubFake;
  kube: KubernetesFake;
  gatewayUrl: string;
  promUrl: string;
  amUrl: string;
  dataset: Record<string, unknown>[];
  csvDir: string;
  pyEnv: NodeJS.ProcessEnv;
  load?: Load;
  writtenDispatches: number;
}

/** A CSV as the model's v1 instances (one object per row, missing → null); the `label` column goes to `labels`. */
function readCsv(file: string, labels?: number[]): Record<string, unknown>[] {
  const table = readCsvTable(file);
  const rows = Array.from({ length: table.rows }, () => ({}) as Record<string, unknown>);
  for (const name of table.header) {
    const column = table.columns.get(name)!;
    for (let i = 0; i < table.rows; i++) {
      const v = column.kind === 'numerical' ? (Number.isNaN(column.values[i]) ? null : column.values[i]) : column.values[i];
      if (name === 'label') labels?.push(Number(v));
      else rows[i][name] = v;
    }
  }
  return rows;
}

async function startPredictor(s: Stack, delayMs: number): Promise<void> {
  if (s.predictor) {
    s.predictorLog += s.predictor.output();
    await s.predictor.stop();
  }
  const env = { ...process.env, PYTHONPATH: path.join(root, 'model', 'src'), ...(delayMs > 0 ? { MODEL_FAULT_DELAY_MS: String(delayMs) } : {}) };
  delete (env as Record<string, string | undefined>).MODEL_FAULT_DELAY_MS;
  if (delayMs > 0) env.MODEL_FAULT_DELAY_MS = String(delayMs);
  s.predictor = s.group.spawn('predictor', servePy, ['-m', 'credit_risk.serve', '--model-dir', s.modelDir, '--http-port', String(s.predictorPort),
    '--host', '127.0.0.1', '--model-name', MODEL], { env, cwd: s.tmp });
  await ready(s.predictor, `http://127.0.0.1:${s.predictorPort}/v1/models/${MODEL}`, 'the KServe predictor');
}

/** The load generator: one instance per request, cycling through `instances` (switchable while it runs). */
interface Load {
  sent: number;
  failed: number;
  /** When it started (ms). */
  readonly startedAt: number;
  /** The rows it sends; the drift scenario switches them to drifted rows. */
  instances: Record<string, unknown>[];
  stop(): Promise<void>;
}

function startLoad(s: Stack, concurrency: number): Load {
  let running = true;
  const state: Load = { sent: 0, failed: 0, startedAt: Date.now(), instances: s.dataset, stop: async () => {} };
  const url = `http://127.0.0.1:${s.predictorPort}/v1/models/${MODEL}:predict`;
  const worker = async (w: number) => {
    let i = w;
    while (running) {
      const instance = state.instances[i % state.instances.length];
      i += concurrency;
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances: [instance] }), signal: AbortSignal.timeout(10_000) });
        await res.arrayBuffer();
        state.sent++;
        if (!res.ok) state.failed++;
      } catch {
        state.failed++;
        await sleep(100); // the predictor is restarting
      }
      await sleep(50);
    }
  };
  const workers = Array.from({ length: concurrency }, (_, w) => worker(w));
  state.stop = async () => {
    running = false;
    await Promise.all(workers);
  };
  return state;
}

async function queryRange(s: Stack, expr: string, fromSec: number, toSec: number): Promise<[number, number][]> {
  const u = new URL('/api/v1/query_range', s.promUrl);
  u.searchParams.set('query', expr);
  u.searchParams.set('start', String(fromSec));
  u.searchParams.set('end', String(toSec));
  u.searchParams.set('step', '2');
  const res = await fetch(u, { signal: AbortSignal.timeout(5_000) });
  const body = await res.json() as { data?: { result?: { values: [number, string][] }[] } };
  const values = body.data?.result?.[0]?.values ?? [];
  return values.map(([t, v]) => [t, Number(v)] as [number, number]).filter(([, v]) => Number.isFinite(v));
}

async function stopLoad(s: Stack): Promise<void> {
  if (!s.load) return;
  progress(`load generator stopped (${s.load.sent} requests, ${s.load.failed} failed)`);
  await s.load.stop();
  s.load = undefined;
}

function flushOutbox(s: Stack): void {
  for (; s.writtenDispatches < s.github.dispatches.length; s.writtenDispatches++) {
    const d = s.github.dispatches[s.writtenDispatches];
    const file = path.join(s.outbox, `github-dispatch-${String(s.writtenDispatches + 1).padStart(3, '0')}.json`);
    fs.writeFileSync(file, `${JSON.stringify({
      request: `POST /repos/${d.owner}/${d.repo}/dispatches`,
      body: { event_type: d.eventType, client_payload: d.clientPayload },
    }, null, 2)}\n`);
  }
}

/** Runs `mlops <args>`; provider: Gemini when GEMINI_API_KEY is set, else offline (the CLI's default). */
async function mlops(s: Stack, name: string, args: string[],
  extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...llmEnv, OPENAI_API_KEY: '', MLOPS_STATE_DIR: path.join(s.tmp, 'analysis-state'), ...extraEnv };
  return s.group.run(name, process.execPath, [mlopsBin, ...args], { env, cwd: root, timeoutMs: 120_000 });
}

async function setup(opts: DemoOptions, group: ProcessGroup): Promise<Stack> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-demo-'));
  fs.rmSync(opts.out, { recursive: true, force: true });
  const outbox = path.join(opts.out, 'outbox');
  fs.mkdirSync(outbox, { recursive: true });
  progress(`process group ${group.pgid}; work dir ${tmp}; output ${opts.out}`);

  if (opts.synth) {
    progress('synthesizing the platform (dist/)');
    const r = await group.run('synth', path.join(root, 'node_modules', '.bin', 'ts-node'), ['--swc', 'src/main.ts'], { cwd: root, timeoutMs: 300_000 });
    if (r.code !== 0) throw new DemoError(`synth failed (exit ${r.code}):\n${r.stderr.slice(-3000)}`);
  }

  const mlflowPort = await freePort();
  const mlflowUrl = `http://127.0.0.1:${mlflowPort}`;
  progress(`starting MLflow (SQLite) on ${mlflowUrl}`);
  const mlflow = group.spawn('mlflow', trainPy, ['-m', 'mlflow', 'server', '--host', '127.0.0.1', '--port', String(mlflowPort),
    '--backend-store-uri', `sqlite:///${path.join(tmp, 'mlflow.db')}`, '--artifacts-destination', path.join(tmp, 'mlartifacts'), '--workers', '1'],
  // MLflow 3 starts a pool of job-runner processes by default; the demo uses no MLflow jobs.
  { cwd: tmp, env: { ...process.env, MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false' } });
  const modelDir = path.join(tmp, 'model');
  const datasetCsv = path.join(tmp, 'traffic.csv');
  const pyEnv = { ...process.env, PYTHONPATH: path.join(root, 'model', 'src'), OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };
  const gen = await group.run('dataset', trainPy, ['-m', 'credit_risk.dataset', '--rows', '400', '--seed', '7', '--out', datasetCsv], { env: pyEnv, cwd: tmp });
  if (gen.code !== 0) throw new DemoError(`the dataset generator failed:\n${gen.stderr}`);
  await ready(mlflow, `${mlflowUrl}/health`, 'the MLflow server', 120_000);
  progress('training and registering the model in MLflow');
  const train = await group.run('train', trainPy, ['-m', 'credit_risk.train', '--rows', opts.short ? '3000' : '10000', '--output-dir', modelDir, '--register-name', MODEL],
    { env: { ...pyEnv, MLFLOW_TRACKING_URI: mlflowUrl, GIT_SHA: 'd3m0000000000000000000000000000000000000' }, cwd: tmp, timeoutMs: 300_000 });
  if (train.code !== 0) throw new DemoError(`training failed (exit ${train.code}):\n${train.stdout}\n${train.stderr.slice(-3000)}`);
  const meta = JSON.parse(fs.readFileSync(path.join(modelDir, 'model-metadata.json'), 'utf8'));
  progress(`${train.stdout.split('\n').find((l) => l.startsWith('model-validation')) ?? 'trained'}; registered ${meta.mlflowModel} version ${meta.mlflowVersion}`);

  // The release that "deployed" it: release.json in a git repo, as the bump-image workflow commits it.
  const repoDir = path.join(tmp, 'repo');
  fs.mkdirSync(path.join(repoDir, 'src', 'config'), { recursive: true });
  const release = JSON.parse(fs.readFileSync(path.join(root, 'src', 'config', 'release.json'), 'utf8'));
  Object.assign(release, { mlflowModel: meta.mlflowModel, mlflowVersion: String(meta.mlflowVersion), runId: meta.runId });
  fs.writeFileSync(path.join(repoDir, 'src', 'config', 'release.json'), `${JSON.stringify(release, null, 2)}\n`);
  const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'demo', GIT_AUTHOR_EMAIL: 'demo@example.invalid', GIT_COMMITTER_NAME: 'demo', GIT_COMMITTER_EMAIL: 'demo@example.invalid' };
  for (const args of [['init', '-q'], ['add', '.'], ['commit', '-q', '-m', `release: ${MODEL} ${meta.mlflowVersion}`]]) {
    execFileSync('git', args, { cwd: repoDir, env: gitEnv, stdio: 'ignore' });
  }

  const github = await startGithubDispatchFake({ token: GITHUB_TOKEN });
  const githubApi = await startGitHubFake({ repository: 'self-healing-mlops/self-healing-mlops' });
  // Both Roles of the alert-analysis reader from dist/: pods, logs and events in mlops; Applications in argocd.
  const kube = await startKubernetesFake(['Role.alert-analysis-reader.k8s.yaml', 'Role.alert-analysis-reader-applications.k8s.yaml']
    .map((file) => readRole(path.join(dist, 'model-serving', file))));
  // ArgoCD synced that release commit a moment after it was made, as it would in the cluster.
  const releaseSha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoDir, encoding: 'utf8' }).trim();
  kube.applications = [{
    namespace: 'argocd',
    name: 'model-serving',
    history: [{ id: 1, revision: releaseSha, deployedAt: new Date().toISOString(), initiatedBy: { automated: true } }],
  }];
  progress(`GitHub fakes on ${github.url} (dispatches) and ${githubApi.url} (REST), Kubernetes API fake on ${kube.url} (posts land in ${path.relative(process.cwd(), outbox) || outbox})`);

  const s: Stack = {
    group,
    tmp,
    out: opts.out,
    outbox,
    mlflowUrl,
    modelDir,
    repoDir,
    predictorPort: await freePort(),
    predictorLog: '',
    github,
    githubApi,
    kube,
    gatewayUrl: '',
    promUrl: '',
    amUrl: '',
    dataset: readCsv(datasetCsv),
    writtenDispatches: 0,
    csvDir: tmp,
    pyEnv,
  };
  progress(`starting the KServe predictor on 127.0.0.1:${s.predictorPort}`);
  await startPredictor(s, 0);

  const [gwPort, gwAmPort] = [await freePort(), await freePort()];
  progress(`starting the gateway (bin/mlops gateway) on 127.0.0.1:${gwPort}, Alertmanager webhook on 127.0.0.1:${gwAmPort}`);
  const gateway = group.spawn('gateway', process.execPath, [mlopsBin, 'gateway'], {
    cwd: root,
    env: {
      ...process.env,
      GATEWAY_TOKEN,
      GITHUB_TOKEN,
      GITHUB_REPOSITORY: 'self-healing-mlops/self-healing-mlops',
      GITHUB_API_URL: github.url,
      PORT: String(gwPort),
      ALERTMANAGER_PORT: String(gwAmPort),
      HOST: '127.0.0.1',
      GATEWAY_STATE_DIR: path.join(tmp, 'gateway-state'),
      GATEWAY_BACKOFF_BASE_MS: '200',
      GATEWAY_BACKOFF_MAX_MS: '2000',
      // mlops_model_accuracy over the last hour: the drifted traffic's labels are its whole window (the
      // reference is backdated by days). The fast profile's accuracyWindow is 2m, but the gateway's
      // ACCURACY_WINDOW_HOURS cannot go below 1.
      ACCURACY_WINDOW_HOURS: String(DEMO_ACCURACY_WINDOW_HOURS),
    },
  });
  s.gatewayUrl = `http://127.0.0.1:${gwPort}`;
  await ready(gateway, `${s.gatewayUrl}/readyz`, 'the gateway');

  const amPort = await freePort();
  const tokenFile = path.join(tmp, 'gateway-token');
  fs.writeFileSync(tokenFile, GATEWAY_TOKEN, { mode: 0o600 });
  const amConfig = parseYaml(fs.readFileSync(path.join(dist, 'monitoring', 'alertmanager.yaml'), 'utf8'));
  const receiver = amConfig.receivers.find((r: { webhook_configs?: unknown[] }) => r.webhook_configs);
  receiver.webhook_configs[0].url = `http://127.0.0.1:${gwAmPort}/webhooks/alertmanager`;
  receiver.webhook_configs[0].http_config.authorization.credentials_file = tokenFile;
  amConfig.route.group_wait = opts.short ? '1s' : '5s';
  const amDir = path.join(tmp, 'alertmanager');
  fs.mkdirSync(amDir);
  fs.writeFileSync(path.join(amDir, 'alertmanager.yml'), stringify(amConfig));
  progress(`starting Alertmanager (dist/monitoring/alertmanager.yaml, webhook → gateway) on 127.0.0.1:${amPort}`);
  const am = group.spawn('alertmanager', which('alertmanager') ?? which('prometheus-alertmanager')!, [
    `--config.file=${path.join(amDir, 'alertmanager.yml')}`, `--storage.path=${path.join(amDir, 'data')}`,
    `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address=',
  ], { cwd: amDir });
  s.amUrl = `http://127.0.0.1:${amPort}`;
  await ready(am, `${s.amUrl}/-/ready`, 'Alertmanager');

  const promPort = await freePort();
  const promDir = path.join(tmp, 'prometheus');
  fs.mkdirSync(promDir);
  fs.writeFileSync(path.join(promDir, 'prometheus.yml'), JSON.stringify({
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: [path.join(dist, 'monitoring', 'mlops-rules.fast.yaml')],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }] },
    scrape_configs: [
      { job_name: 'predictor', static_configs: [{ targets: [`127.0.0.1:${s.predictorPort}`] }] },
      // As the gateway's ServiceMonitor: /metrics, only the contract's gateway series (mlops_model_accuracy,
      // mlops_feedback_labelled_total, ... each with its model_name label, which the drift rules select on).
      {
        job_name: 'gateway',
        metrics_path: '/metrics',
        static_configs: [{ targets: [`127.0.0.1:${gwPort}`] }],
        metric_relabel_configs: [{ action: 'keep', source_labels: ['__name__'], regex: `(${gatewayScrapedSeries().join('|')})` }],
      },
    ],
  }, null, 2));
  progress(`starting Prometheus (fast rules profile) on 127.0.0.1:${promPort}`);
  const prom = group.spawn('prometheus', which('prometheus')!, [`--config.file=${path.join(promDir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${path.join(promDir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--storage.tsdb.retention.time=1h'], { cwd: promDir });
  s.promUrl = `http://127.0.0.1:${promPort}`;
  await ready(prom, `${s.promUrl}/-/ready`, 'Prometheus');
  fs.writeFileSync(path.join(opts.out, 'ports.json'), `${JSON.stringify({
    pgid: group.pgid,
    mlflow: mlflowPort,
    predictor: s.predictorPort,
    gateway: gwPort,
    gatewayAlertmanager: gwAmPort,
    alertmanager: amPort,
    prometheus: promPort,
    githubFake: Number(new URL(github.url).port),
    kubernetesFake: Number(new URL(kube.url).port),
  }, null, 2)}\n`);
  progress('all services up');
  return s;
}

async function latencyScenario(s: Stack, opts: DemoOptions): Promise<ScenarioResult> {
  progress('load generator: 4 workers against the predictor');
  const t0 = Date.now() / 1000;
  s.load ??= startLoad(s, 4);
  await sleep(opts.short ? 4_000 : 20_000);
  progress(`fault injection: restarting the predictor with MODEL_FAULT_DELAY_MS=${opts.delayMs}`);
  await startPredictor(s, opts.delayMs);
  progress('waiting for InferenceLatencyHigh: Prometheus (p95 > 0.5 s for 15 s) → Alertmanager → gateway → GitHub dispatch');
  const dispatch = await until('the InferenceLatencyHigh dispatch', 180_000, () => {
    flushOutbox(s);
    return s.github.dispatches.find((d) => (d.clientPayload.group as { commonLabels?: Record<string, string> })?.commonLabels?.alertname === 'InferenceLatencyHigh');
  }, 500);
  const group = dispatch.clientPayload.group as { alerts: { labels: Record<string, string>; startsAt: string }[] };
  progress(`dispatch received: event_type "${dispatch.eventType}", alert InferenceLatencyHigh (${group.alerts[0].labels.severity}, team ${group.alerts[0].labels.team})`);

  // The Kubernetes API fake serves the predictor's real log, as the pod would.
  s.kube.pods = [{
    name: `${MODEL}-predictor-00001-deployment-6c9b7-x2k4p`,
    namespace: group.alerts[0].labels.namespace,
    labels: { 'serving.kserve.io/inferenceservice': MODEL },
    containers: ['kserve-container'],
    logs: { 'kserve-container': s.predictor!.output() },
    previousLogs: { 'kserve-container': s.predictorLog },
  }];
  const eventFile = path.join(s.tmp, 'latency-event.json');
  fs.writeFileSync(eventFile, JSON.stringify({ action: dispatch.eventType, client_payload: dispatch.clientPayload }));
  const kubeconfig = path.join(s.tmp, 'kubeconfig');
  s.kube.writeKubeconfig(kubeconfig);
  const dir = path.join(s.out, 'latency');
  progress('mlops analyze-alert (Kubernetes API fake with the predictor\'s log, real Prometheus, release history)');
  const r = await mlops(s, 'analyze-alert', ['analyze-alert', '--alert', eventFile, '--prometheus-url', s.promUrl, '--kubeconfig', kubeconfig,
    '--repo-dir', s.repoDir, '--json', '--out', dir]);
  if (r.code !== 0) throw new DemoError(`analyze-alert failed (exit ${r.code}):\n${r.stderr.slice(-3000)}`);
  const json = JSON.parse(r.stdout.trim().split('\n')[0]);
  progress(`report: top cause ${json.topCause} — ${(json.causes?.[0]?.evidence ?? [])[0] ?? ''}`);
  const t1 = Date.now() / 1000;
  const series = [
    { name: 'p95 latency (s)', points: await queryRange(s, `mlops:request_predict_seconds:p95{model_name="${MODEL}"}`, t0, t1) },
    { name: 'requests/s', points: await queryRange(s, `sum(rate(mlops_inference_requests_total{model_name="${MODEL}"}[15s]))`, t0, t1) },
  ];
  fs.writeFileSync(path.join(dir, 'series.json'), `${JSON.stringify(series)}\n`);
  progress('removing the fault: predictor restarted without delay (the load keeps running)');
  await startPredictor(s, 0);
  return { scenario: 'latency', ok: true, alerts: ['InferenceLatencyHigh'], reports: [{ name: 'InferenceLatencyHigh', json, markdown: fs.readFileSync(path.join(dir, 'report.md'), 'utf8') }], series };
}

/** A Prometheus duration of the rules profile (`15s`, `2m`) in ms. */
function durationMs(d: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(d);
  if (!m) throw new DemoError(`unsupported rule duration "${d}"`);
  return Number(m[1]) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

interface DispatchedGroup {
  status?: string;
  commonLabels?: Record<string, string>;
  alerts?: { labels: Record<string, string> }[];
}

/**
 * Drift, through the same chain as a cluster: the load generator's traffic switches from clean to
 * drifted rows (DRIFTED_FEATURES moved by the model's generator); Prometheus scrapes the predictor's
 * class counts and the gateway's accuracy and feedback series; with the fast rules the class share
 * compared with its value `offset` (2m) ago moves past the threshold → `PredictionDistributionShift`
 * (and `ModelAccuracyLow` when the labelled accuracy falls under 0.85) → Alertmanager → gateway →
 * `repository_dispatch` type `drift` (the GitHub fake). The demo then does what the drift-analysis
 * workflow does on that event: `mlops analyze-drift --act` with the event payload (`--alert`), online
 * (capture API windows and baselines, the training run from MLflow), and the urgency's action lands
 * in the outbox.
 *
 * What the analysis reads is what the payload logger captured, with ground truth fed back: 30 days of
 * clean traffic (backdated CloudEvent times) and, when the load switches, the drifted rows (live times).
 * Every prediction comes from the real predictor.
 */
async function driftScenario(s: Stack, opts: DemoOptions): Promise<ScenarioResult> {
  const t0 = Date.now() / 1000;
  const profile = ruleProfiles.fast;
  const rows = opts.short ? 500 : 1000;
  const gen = async (name: string, extra: string[]) => {
    const file = path.join(s.csvDir, `${name}.csv`);
    const r = await s.group.run(`dataset-${name}`, trainPy, ['-m', 'credit_risk.dataset', '--rows', String(rows), '--seed', '21', ...extra, '--out', file],
      { env: s.pyEnv, cwd: s.tmp });
    if (r.code !== 0) throw new DemoError(`the dataset generator failed (${name}):\n${r.stderr}`);
    const labels: number[] = [];
    return { instances: readCsv(file, labels), labels };
  };
  if (!s.load) {
    progress('load generator: 4 workers of clean traffic against the predictor');
    s.load = startLoad(s, 4);
  }
  const load = s.load;
  load.instances = s.dataset;
  const reference = await gen('reference', []);
  const drifted = await gen('drifted', ['--covariate-drift', DRIFTED_FEATURES.join(',')]);
  const accuracyMetric = async () => {
    const text = await (await fetch(`${s.gatewayUrl}/metrics`)).text();
    const m = new RegExp(`^mlops_model_accuracy\\{[^}]*model_name="${MODEL}"[^}]*\\} (\\S+)`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  let seq = 0;
  const send = async (batch: Record<string, unknown>[], labels: number[], time: number) => {
    const requestId = `demo-${++seq}`;
    const res = await fetch(`http://127.0.0.1:${s.predictorPort}/v1/models/${MODEL}:predict`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': requestId }, body: JSON.stringify({ instances: batch }),
    });
    if (!res.ok) throw new DemoError(`the predictor answered ${res.status}: ${await res.text()}`);
    const answer = await res.json();
    for (const [type, body, t] of [['request', { instances: batch }, time], ['response', answer, time + 5]] as const) {
      const ce = await fetch(`${s.gatewayUrl}/webhooks/kserve`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'ce-specversion': '1.0',
          'ce-id': `ce-${requestId}`,
          'ce-source': 'http://localhost:9081/',
          'ce-type': `org.kubeflow.serving.inference.${type}`,
          'ce-time': new Date(t).toISOString(),
          'ce-inferenceservicename': MODEL,
          'ce-namespace': 'mlops',
          'ce-component': 'predictor',
          'ce-endpoint': '',
          'ce-metadata': JSON.stringify({ 'X-Request-Id': [requestId] }),
        },
        body: JSON.stringify(body),
      });
      if (ce.status !== 202) throw new DemoError(`the gateway's capture answered ${ce.status}: ${await ce.text()}`);
    }
    const fb = await fetch(`${s.gatewayUrl}/feedback`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'authorization': `Bearer ${GATEWAY_TOKEN}` }, body: JSON.stringify({ requestId, labels }),
    });
    if (fb.status !== 200) throw new DemoError(`feedback answered ${fb.status}: ${await fb.text()}`);
  };
  const day = 86_400_000;
  const batches = rows / 10;
  progress(`reference: ${rows} clean rows through the predictor, captured with times over the last 30 days, labels fed back`);
  const now = Date.now();
  for (let i = 0; i < batches; i++) {
    await send(reference.instances.slice(i * 10, i * 10 + 10), reference.labels.slice(i * 10, i * 10 + 10),
      now - 2 * day - i * Math.floor(25 * day / batches));
  }

  // A critical alert still firing (the latency scenario's, until its rate window forgets the delay)
  // inhibits the warning-level drift alerts in Alertmanager (dist/monitoring/alertmanager.yaml).
  await until('the critical alerts to resolve', 180_000, async () => {
    const res = await fetch(`${s.promUrl}/api/v1/alerts`, { signal: AbortSignal.timeout(5_000) });
    const body = await res.json() as { data?: { alerts?: { state: string; labels: Record<string, string> }[] } };
    return (body.data?.alerts ?? []).some((a) => a.state === 'firing' && a.labels.severity === 'critical') ? undefined : true;
  }, 1_000);
  const before = await accuracyMetric();
  const driftAt = Date.now();
  load.instances = drifted.instances;
  progress(`the load switches to drifted data: ${DRIFTED_FEATURES.join(', ')} moved`);
  for (let i = 0; i < batches; i++) {
    await send(drifted.instances.slice(i * 10, i * 10 + 10), drifted.labels.slice(i * 10, i * 10 + 10), Date.now());
  }
  const after = await accuracyMetric();
  progress(`captured and labelled: ${rows} drifted rows; gateway mlops_model_accuracy (${DEMO_ACCURACY_WINDOW_HOURS} h window): `
    + `${before?.toFixed(3) ?? 'n/a'} → ${after?.toFixed(3) ?? 'n/a'}`);
  const cleanFor = Math.max(0, durationMs(profile.offset) - (driftAt - load.startedAt));
  progress(`waiting for PredictionDistributionShift: Prometheus (class share vs ${profile.offset} ago; for ${profile.for}${cleanFor > 0
    ? `; the comparison needs clean traffic ${profile.offset} back: ≥ ${Math.ceil(cleanFor / 1000)} s more`
    : ''}) → Alertmanager → gateway → GitHub dispatch "drift"`);
  const driftDispatches = () => s.github.dispatches.filter((d) => d.eventType === 'drift' && d.at >= driftAt
    && (d.clientPayload.group as DispatchedGroup)?.status === 'firing');
  // The alert this drift is made to raise (ConfidenceVarianceRising often fires too, in its own group and
  // dispatch; in the cluster each dispatch starts the workflow; the demo analyses once, on this one).
  const alertOf = (d: { clientPayload: Record<string, unknown> }) => (d.clientPayload.group as DispatchedGroup).commonLabels?.alertname ?? '';
  const dispatch = await until('the PredictionDistributionShift dispatch', 240_000, () => {
    flushOutbox(s);
    return driftDispatches().find((d) => alertOf(d) === 'PredictionDistributionShift');
  }, 500);
  const group = dispatch.clientPayload.group as DispatchedGroup;
  const others = [...new Set(driftDispatches().map(alertOf).filter((a) => a !== 'PredictionDistributionShift'))];
  progress(`dispatch received: event_type "${dispatch.eventType}", alert ${alertOf(dispatch)} (${group.commonLabels?.severity}, team ${group.commonLabels?.team}), `
    + `${group.alerts?.length ?? 0} alert(s)${(group.alerts ?? []).some((a) => a.labels.class) ? ` (classes ${(group.alerts ?? []).map((a) => a.labels.class).join(', ')})` : ''}`
    + `${others.length ? `; also dispatched as drift: ${others.join(', ')}` : ''}`);

  // The drift-analysis workflow's trigger: the repository_dispatch event as GitHub hands it to the job.
  const eventFile = path.join(s.tmp, 'drift-event.json');
  fs.writeFileSync(eventFile, JSON.stringify({ action: dispatch.eventType, client_payload: dispatch.clientPayload }));
  const dir = path.join(s.out, 'drift');
  progress(`mlops analyze-drift online --alert <the "${dispatch.eventType}" event> --act (capture API windows and baselines, training run from MLflow)`);
  const r = await mlops(s, 'analyze-drift', ['analyze-drift', '--gateway-url', s.gatewayUrl, '--window-hours', '1', '--mlflow-url', s.mlflowUrl,
    '--release', path.join(s.repoDir, 'src', 'config', 'release.json'), '--alert', eventFile, '--act', '--json', '--out', dir], {
    GATEWAY_TOKEN, GITHUB_TOKEN, GITHUB_REPOSITORY: 'self-healing-mlops/self-healing-mlops', GITHUB_API_URL: s.githubApi.url,
  });
  if (r.code !== 0) throw new DemoError(`analyze-drift failed (exit ${r.code}):\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-2000)}`);
  const json = JSON.parse(r.stdout.trim().split('\n')[0]);
  s.githubApi.issues.forEach((issue) => fs.writeFileSync(path.join(s.outbox, `github-issue-${issue.number}.json`), `${JSON.stringify(issue, null, 2)}\n`));
  s.githubApi.dispatches.forEach((d, i) => fs.writeFileSync(path.join(s.outbox, `github-retrain-dispatch-${i + 1}.json`), `${JSON.stringify(d, null, 2)}\n`));
  const moved = (json.features ?? []).filter((f: { drifted?: boolean }) => f.drifted).map((f: { name: string }) => f.name);
  progress(`report (trigger ${(json.trigger ?? []).join(', ')}): drifted ${moved.join(', ')}; accuracy ${json.accuracy?.current?.toFixed?.(3)}; `
    + `root cause ${json.rootCause}, urgency ${json.urgency}, remediation ${json.remediation}; action ${json.action ? JSON.stringify(json.action).slice(0, 160) : 'none'}`);
  await stopLoad(s);
  flushOutbox(s);
  const t1 = Date.now() / 1000;
  const sel = `model_name="${MODEL}"`;
  const series = [
    { name: 'share of predicted class 1 (default)', points: await queryRange(s, `mlops:prediction_class_share:ratio_rate{${sel},class="1"}`, t0, t1) },
    { name: `accuracy on labelled feedback (${DEMO_ACCURACY_WINDOW_HOURS} h window)`, points: await queryRange(s, `mlops_model_accuracy{${sel}}`, t0, t1) },
    { name: 'labels fed back/s', points: await queryRange(s, `sum(rate(mlops_feedback_labelled_total{${sel}}[${profile.rateWindow}]))`, t0, t1) },
  ];
  fs.writeFileSync(path.join(dir, 'series.json'), `${JSON.stringify(series)}\n`);
  const alerts = [...new Set(driftDispatches().map(alertOf).filter(Boolean))];
  return {
    scenario: 'drift',
    ok: true,
    alerts,
    series,
    reports: [{ name: 'drift', json, markdown: fs.existsSync(path.join(dir, 'report.md')) ? fs.readFileSync(path.join(dir, 'report.md'), 'utf8') : '' }],
  };
}

/** The pipeline's steps on a broken copy of the model; each failing step's log goes to `mlops triage`. */
async function pipelineScenario(s: Stack): Promise<ScenarioResult> {
  await stopLoad(s);
  const copy = path.join(s.tmp, 'broken-model');
  fs.cpSync(path.join(root, 'model'), copy, { recursive: true, filter: (src) => !/__pycache__|\.pytest_cache|artifacts/.test(src) });
  const pyEnv = { ...process.env, PYTHONPATH: path.join(copy, 'src'), OMP_NUM_THREADS: '1', MLFLOW_TRACKING_URI: '' };
  fs.writeFileSync(path.join(copy, 'tests', 'test_demo_regression.py'), [
    '"""Injected by the demo: a regression in the feature declaration."""',
    'from credit_risk.features import NUMERIC',
    '',
    '',
    'def test_numeric_feature_count():',
    '    assert len(NUMERIC) == 12',
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(copy, 'src', 'credit_risk', 'debug_hook.py'), [
    '"""Injected by the demo: a debugging hook that runs a shell command."""',
    'import subprocess',
    '',
    '',
    'def run(cmd):',
    '    return subprocess.call(cmd, shell=True)',
    '',
  ].join('\n'));
  const steps: { id: string; job: string; command: string; bin: string; args: string[]; expect: string }[] = [
    {
      id: 'unit-test',
      job: 'test',
      command: 'python -m pytest -q -p no:cacheprovider tests/test_demo_regression.py',
      bin: trainPy,
      args: ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_demo_regression.py'],
      expect: 'unit-test',
    },
    { id: 'sast', job: 'security', command: 'bandit -q -c pyproject.toml -r src', bin: bandit, args: ['-q', '-c', 'pyproject.toml', '-r', 'src'], expect: 'sast' },
    {
      id: 'gate',
      job: 'train',
      command: 'python -m credit_risk.train --rows 2000 --threshold 0.99',
      bin: trainPy,
      args: ['-m', 'credit_risk.train', '--rows', '2000', '--threshold', '0.99', '--output-dir', path.join(s.tmp, 'gate-out')],
      expect: 'model-validation',
    },
  ];
  const reports: ScenarioResult['reports'] = [];
  for (const step of steps) {
    progress(`pipeline step "${step.job}": ${step.command}`);
    const r = await s.group.run(step.id, step.bin, step.args, { env: pyEnv, cwd: copy, timeoutMs: 180_000 });
    if (r.code === 0) throw new DemoError(`the broken copy passed "${step.command}"; expected a failure`);
    const logFile = path.join(s.tmp, `${step.id}.log`);
    fs.writeFileSync(logFile, new ActionsLog().step(step.command, `${r.stdout}${r.stderr}`, r.code ?? 1).text());
    const dir = path.join(s.out, 'pipeline', step.id);
    const t = await mlops(s, `triage-${step.id}`, ['triage', '--log', logFile, '--workflow', 'model-pipeline', '--job', step.job, '--branch', 'main', '--json', '--out', dir]);
    if (t.code !== 0) throw new DemoError(`triage of ${step.id} failed (exit ${t.code}):\n${t.stderr.slice(-3000)}`);
    const json = JSON.parse(t.stdout.trim().split('\n')[0]);
    progress(`triage: ${json.failureType} → team ${json.team}: ${String(json.summary ?? '').split('\n')[0].slice(0, 140)}`);
    reports.push({ name: step.id, json, markdown: fs.existsSync(path.join(dir, 'report.md')) ? fs.readFileSync(path.join(dir, 'report.md'), 'utf8') : '' });
  }
  return { scenario: 'pipeline', ok: true, alerts: [], reports, series: [] };
}

export function parseArgs(argv: readonly string[]): DemoOptions {
  let short = false;
  let synth = true;
  let out = path.join(root, 'demo-output');
  let scenarios: Scenario[] = [...SCENARIOS];
  let delayMs = 800;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--short') {short = true;} else if (a === '--no-synth') {synth = false;} else if (a === '--out') {out = path.resolve(argv[++i] ?? '');} else if (a === '--delay-ms') {delayMs = Number(argv[++i]);} else if (a === '--scenarios') {
      const list = (argv[++i] ?? '').split(',').filter(Boolean);
      const bad = list.filter((x) => !(SCENARIOS as readonly string[]).includes(x));
      if (bad.length || list.length === 0) throw new DemoError(`--scenarios: unknown "${bad.join(',')}" (choose from ${SCENARIOS.join(', ')})`);
      scenarios = list as Scenario[];
    } else {throw new DemoError(`unknown option ${a} (options: --short, --no-synth, --out DIR, --scenarios ${SCENARIOS.join(',')}, --delay-ms N)`);}
  }
  if (!Number.isInteger(delayMs) || delayMs < 600) throw new DemoError('--delay-ms must be an integer ≥ 600 (the alert threshold is 0.5 s)');
  return { short, synth, out, scenarios, delayMs };
}

export async function main(argv: readonly string[]): Promise<number> {
  takeLlmEnv();
  let opts: DemoOptions;
  try {
    opts = parseArgs(argv);
  } catch (err) {
    process.stderr.write(`demo: ${(err as Error).message}\n`);
    return 2;
  }
  const missing = missingPrerequisites();
  if (missing.length) {
    process.stderr.write(`demo: missing prerequisites: ${missing.join('; ')}\n`);
    return 2;
  }
  const group = await ProcessGroup.create();
  let shuttingDown: Promise<void> | undefined;
  let stack: Stack | undefined;
  // The first caller's exit code wins (a signal's 130/143 over a scenario failing because of it).
  const shutdown = (code: number): Promise<void> => (shuttingDown ??= (async () => {
    current = 'stop';
    progress('stopping every child process');
    await stack?.load?.stop().catch(() => {});
    await group.close();
    await stack?.github.close().catch(() => {});
    await stack?.githubApi.close().catch(() => {});
    await stack?.kube.close().catch(() => {});
    process.exit(code);
  })());
  process.once('SIGINT', () => void shutdown(130));
  process.once('SIGTERM', () => void shutdown(143));
  const results: ScenarioResult[] = [];
  let code = 0;
  try {
    stack = await setup(opts, group);
    for (const sc of opts.scenarios) {
      current = sc;
      try {
        results.push(sc === 'latency' ? await latencyScenario(stack, opts) : sc === 'drift' ? await driftScenario(stack, opts) : await pipelineScenario(stack));
      } catch (err) {
        if (shuttingDown) await shuttingDown;
        progress(`FAILED: ${(err as Error).message}`);
        results.push({ scenario: sc, ok: false, alerts: [], reports: [], series: [], error: (err as Error).message });
        code = 1;
      }
      flushOutbox(stack);
    }
    current = 'report';
    const summary = { startedAt: new Date(started).toISOString(), seconds: (Date.now() - started) / 1000, provider: llmEnv.GEMINI_API_KEY ? 'gemini' : 'offline', results, timeline };
    fs.writeFileSync(path.join(opts.out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    writeHtmlReport(path.join(opts.out, 'report.html'), summary);
    progress(`done: reports in ${opts.out} (report.html, summary.json, <scenario>/report.md|json, outbox/)`);
  } catch (err) {
    if (shuttingDown) await shuttingDown;
    progress(`FAILED: ${(err as Error).message}`);
    code = 1;
  }
  await shutdown(code);
  return code;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
