import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { platformConfig } from '../../../src/config/platform';
import { imagePins } from '../../../src/config/versions';
import { MlflowChart } from '../../../src/k8s/platform';

// A5: MLflow >= 3.5 answers 403 to Host headers it does not list; in-cluster clients use the Service names.
// The match is exact on the whole header (mlflow/mlflow mlflow/server/security_utils.py is_allowed_host_header).
const objs = Testing.synth(new MlflowChart(Testing.app(), 'mlflow', platformConfig));
const container = objs.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0];

describe('MLflow server', () => {
  test('--allowed-hosts lists every in-cluster Service name, with and without :5000', () => {
    const i = container.args.indexOf('--allowed-hosts');
    expect(i).toBeGreaterThan(0);
    const hosts = (container.args[i + 1] as string).split(',');
    const ns = platformConfig.namespaces.mlflow;
    for (const name of ['mlflow', `mlflow.${ns}`, `mlflow.${ns}.svc`, `mlflow.${ns}.svc.cluster.local`]) {
      expect(hosts).toContain(name);
      expect(hosts).toContain(`${name}:5000`);
    }
    expect(hosts.every((h) => !h.includes(' ') && h.length > 0)).toBe(true);
  });

  test('runs the image built here (images/mlflow), by digest', () => {
    expect(container.image).toBe(`${imagePins.built.mlflow.repository}@${imagePins.built.mlflow.digest}`);
  });
});

// The flag against the real server (the training venv's MLflow is the version images/mlflow builds on):
// a Service name from the list → 200, any other Host → 403, /health exempt.
describe('the real mlflow server with the synthesized --allowed-hosts', () => {
  const mlflowBin = join(__dirname, '..', '..', '..', '.venvs', 'train', 'bin', 'mlflow');
  const allowed = container.args[container.args.indexOf('--allowed-hosts') + 1] as string;

  function get(port: number, path: string, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path, headers: { Host: host }, timeout: 5000 }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
    });
  }

  test('Service names get 200, other Host headers 403', async () => {
    expect(existsSync(mlflowBin)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'mlflow-hosts-'));
    const port: number = await new Promise((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const server = spawn(mlflowBin, [
      'server', '--host', '127.0.0.1', '--port', String(port), '--workers', '1',
      '--backend-store-uri', `sqlite:///${join(dir, 'db.sqlite')}`, '--allowed-hosts', allowed,
    ], { cwd: dir, stdio: 'ignore', detached: true });
    try {
      const deadline = Date.now() + 90_000;
      for (;;) {
        try {
          if ((await get(port, '/health', 'localhost')) === 200) break;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error('mlflow server did not become healthy within 90 s');
        await new Promise((r) => setTimeout(r, 500));
      }
      const api = '/api/2.0/mlflow/experiments/search?max_results=1';
      expect(await get(port, api, 'mlflow.mlflow.svc:5000')).toBe(200);
      expect(await get(port, api, 'mlflow.mlflow.svc.cluster.local')).toBe(200);
      expect(await get(port, api, 'attacker.example.com')).toBe(403);
      expect(await get(port, '/health', 'attacker.example.com')).toBe(200);
    } finally {
      // The whole process group: mlflow server starts uvicorn as a child.
      try { process.kill(-server.pid!, 'SIGTERM'); } catch { /* already gone */ }
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
