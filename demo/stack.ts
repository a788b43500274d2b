import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { root, dist, mlopsBin, trainPy, servePy, MODEL, GATEWAY_TOKEN, GITHUB_TOKEN, DEMO_ACCURACY_WINDOW_HOURS, type DemoOptions, DemoError, llmEnv, progress, sleep, ready, which } from './common';
import { ProcessGroup, type GroupChild } from './group';
import { readCsv as readCsvTable } from '../src/drift/csv';
import { gatewayScrapedSeries } from '../src/k8s/mlops/gateway';
import { startGitHubFake, type GitHubFake } from '../test/fakes/github';
import { startGithubDispatchFake, type GithubDispatchFake } from '../test/fakes/github-dispatch';
import { readRole, startKubernetesFake, type KubernetesFake } from '../test/fakes/kubernetes-api';
import { freePort } from '../test/support/net';

/** The demo's stack: every real server and loopback fake, started once and shared by the scenarios. */

export interface Stack {
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
export function readCsv(file: string, labels?: number[]): Record<string, unknown>[] {
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

export async function startPredictor(s: Stack, delayMs: number): Promise<void> {
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
export interface Load {
  sent: number;
  failed: number;
  /** When it started (ms). */
  readonly startedAt: number;
  /** The rows it sends; the drift scenario switches them to drifted rows. */
  instances: Record<string, unknown>[];
  stop(): Promise<void>;
}

export function startLoad(s: Stack, concurrency: number): Load {
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

export async function queryRange(s: Stack, expr: string, fromSec: number, toSec: number): Promise<[number, number][]> {
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

export async function stopLoad(s: Stack): Promise<void> {
  if (!s.load) return;
  progress(`load generator stopped (${s.load.sent} requests, ${s.load.failed} failed)`);
  await s.load.stop();
  s.load = undefined;
}

export function flushOutbox(s: Stack): void {
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
export async function mlops(s: Stack, name: string, args: string[],
  extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...llmEnv, OPENAI_API_KEY: '', MLOPS_STATE_DIR: path.join(s.tmp, 'analysis-state'), ...extraEnv };
  return s.group.run(name, process.execPath, [mlopsBin, ...args], { env, cwd: root, timeoutMs: 120_000 });
}

export async function setup(opts: DemoOptions, group: ProcessGroup): Promise<Stack> {
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
