import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MlflowClient } from '../../src/drift/mlflow';
import { freePort, waitForHttp } from '../support/net';
import { ManagedProcess, startProcess, stopAll } from '../support/process';

/**
 * A real `mlflow server` (SQLite backend, proxied local artifacts) on a loopback port, populated by the
 * model's own training code (`python -m credit_risk.train`), read back through the drift REST client.
 */

const repo = path.resolve(__dirname, '..', '..');
const python = path.join(repo, '.venvs', 'train', 'bin', 'python');
let root: string;
let url: string;
let server: ManagedProcess;

beforeAll(async () => {
  if (!fs.existsSync(python)) throw new Error(`${python} is missing: run scripts/setup.sh (it builds .venvs/train)`);
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-mlflow-'));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  server = startProcess(python, [
    '-m', 'mlflow', 'server', '--host', '127.0.0.1', '--port', String(port),
    '--backend-store-uri', `sqlite:///${path.join(root, 'mlflow.db')}`,
    '--artifacts-destination', path.join(root, 'artifacts'), '--workers', '1',
  // MLflow 3 starts a pool of job-runner processes by default; this test uses no MLflow jobs.
  ], { cwd: root, env: { ...process.env, MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false' } });
  try {
    await waitForHttp(`${url}/health`, 240_000);
  } catch (err) {
    throw new Error(`mlflow server did not come up: ${(err as Error).message}\n${server.output()}`);
  }
  const train = spawnSync(python, ['-m', 'credit_risk.train', '--rows', '3000', '--seed', '5', '--register-name', 'credit-risk'], {
    cwd: root,
    env: { ...process.env, PYTHONPATH: path.join(repo, 'model', 'src'), MLFLOW_TRACKING_URI: url, GIT_DIR: path.join(repo, '.git') },
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (train.status !== 0) throw new Error(`training failed (${train.status}): ${train.stderr.slice(-3000)}`);
}, 900_000);

afterAll(async () => {
  await server?.stop();
  await stopAll();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('MLflow REST client against a real mlflow server', () => {
  it('reads model version → run → metric history → reference profile and feature importances', async () => {
    const client = new MlflowClient(url);
    const run = await client.trainingRun('credit-risk', '1');
    expect(run.runId).toMatch(/^[0-9a-f]{32}$/);
    for (const key of ['accuracy', 'precision', 'recall', 'f1']) {
      expect(run.metrics[key]).toBeGreaterThan(0);
      expect(run.metrics[key]).toBeLessThanOrEqual(1);
      expect(run.history[key]).toHaveLength(1);
      expect(run.history[key][0].value).toBe(run.metrics[key]);
    }
    expect(run.metrics.accuracy).toBeGreaterThanOrEqual(0.85);
    expect(run.referenceProfile).toMatchObject({ schemaVersion: 1 });
    expect(run.referenceProfile!.features.age).toMatchObject({ kind: 'numeric', validRange: [18, 100] });
    expect(Object.keys(run.featureImportances!).sort()).toEqual([...run.referenceProfile!.featureOrder].sort());
  });

  it('names the endpoint and MLflow\'s message for an unknown model version', async () => {
    await expect(new MlflowClient(url).trainingRun('credit-risk', '99')).rejects.toThrow(/MLflow \/api\/2\.0\/mlflow\/model-versions\/get answered (404|400)/);
  });
});
