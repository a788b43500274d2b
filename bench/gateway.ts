/**
 * Gateway accept throughput, a benchmark, not a test: prints figures. Starts the real gateway as a
 * child process (`bin/mlops gateway`, dispatching to a loopback GitHub fake), then drives
 * `POST /webhooks/alertmanager` with autocannon (distinct alert groups, so every request is a new
 * durable outbox row) while a second autocannon sends 500 KServe payload-logger events/s to
 * `POST /webhooks/kserve` (the drift issue's capture endpoint; reported when it is missing).
 * Run: `npx ts-node --transpile-only bench/gateway.ts [seconds] [connections]` (defaults 10 s, 64).
 * Accept throughput is bounded by batch size / fsync time (group commit), so it grows with the
 * number of concurrent senders; the CPU figure (ms per request) is the load-independent one.
 * Targets: ≥ 1,000 accepted groups/s and p99 accept latency < 20 ms on 2 cores.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
// Benchmarks run from a checkout with devDependencies installed, like the tests.
// eslint-disable-next-line import/no-extraneous-dependencies
import autocannon from 'autocannon';
import { startGithubDispatchFake } from '../test/fakes/github-dispatch';
import { alertGroup } from '../test/gateway/payloads';
import { freePort, waitForHttp } from '../test/support/net';
import { startProcess, stopAll } from '../test/support/process';

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 64);
const token = 'bench-gateway-token';
const root = path.resolve(__dirname, '..');

function kserveEvent(): { headers: Record<string, string>; body: string } {
  const id = randomUUID();
  return {
    headers: {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': id,
      'ce-source': 'http://localhost:9081/',
      'ce-type': 'org.kubeflow.serving.inference.request',
      'ce-time': new Date().toISOString(),
      'ce-inferenceservicename': 'credit-risk',
      'ce-namespace': 'mlops',
      'ce-component': 'predictor',
      'ce-endpoint': '',
      'ce-metadata': JSON.stringify({ 'X-Request-Id': [id] }),
    },
    body: JSON.stringify({ instances: [{ age: 41, income: 52000, loan_amount: 12000, term_months: 36, employment_years: 7, region: 'north' }] }),
  };
}

/** utime+stime of a process (and its waited-for children) in ms, from /proc (Linux). */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

async function main(): Promise<void> {
  const github = await startGithubDispatchFake({ token: 'ghs_bench' });
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-gateway-'));
  const port = await freePort();
  const gateway = startProcess(process.execPath, [path.join(root, 'bin', 'mlops'), 'gateway', '--port', String(port), '--host', '127.0.0.1'], {
    env: {
      ...process.env,
      GATEWAY_TOKEN: token,
      GITHUB_TOKEN: 'ghs_bench',
      GITHUB_REPOSITORY: 'bench/bench',
      GITHUB_API_URL: github.url,
      GATEWAY_STATE_DIR: stateDir,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/readyz`, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}\ngateway output:\n${gateway.output()}`);
    });
    const probe = await fetch(`${url}/webhooks/kserve`, { method: 'POST', ...kserveEvent() });
    const captureAvailable = probe.status !== 404;

    const template = alertGroup({ alerts: 3 });
    let n = 0;
    const body = () => JSON.stringify({ ...template, groupKey: `{}/{team="platform"}:{alertname="InferenceLatencyHigh", n="${n++}"}` });
    // Warm-up (JIT, SQLite page cache), not measured.
    await autocannon({
      url: `${url}/webhooks/alertmanager`,
      connections: 4,
      duration: 1,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'authorization': `Bearer ${token}` },
      setupClient: (c) => c.setBody(body()),
      requests: [{ setupRequest: (r) => ({ ...r, body: body() }) }],
    });

    const cpuBefore = cpuMs(gateway.child.pid!);
    let kserve: ReturnType<typeof autocannon> | undefined;
    if (captureAvailable) {
      kserve = autocannon({
        url: `${url}/webhooks/kserve`,
        connections: 16,
        overallRate: 500,
        duration: seconds,
        method: 'POST',
        requests: [{ setupRequest: (r) => ({ ...r, ...kserveEvent() }) }],
      });
    }
    const alerts = await autocannon({
      url: `${url}/webhooks/alertmanager`,
      connections,
      duration: seconds,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'authorization': `Bearer ${token}` },
      requests: [{ setupRequest: (r) => ({ ...r, body: body() }) }],
    });
    const k = kserve ? await kserve : undefined;
    const cpuUsed = cpuMs(gateway.child.pid!) - cpuBefore;
    const accepted = alerts['2xx'];
    const rows = `${accepted}`;
    console.log(`gateway bench: ${seconds}s, ${connections} connections, 2 cores shared with whatever else runs`);
    console.log(`  accepted alert groups/s : ${(accepted / seconds).toFixed(0)}  (target >= 1000)`);
    console.log(`  p99 accept latency      : ${alerts.latency.p99} ms  (p50 ${alerts.latency.p50} ms, max ${alerts.latency.max} ms; target p99 < 20 ms)`);
    console.log(`  non-2xx / errors        : ${alerts.non2xx} / ${alerts.errors}; accepted rows: ${rows}`);
    console.log(`  gateway CPU             : ${(cpuUsed / (accepted + (k?.['2xx'] ?? 0))).toFixed(3)} ms per accepted request incl. dispatch (${(cpuUsed / 1000 / seconds * 100).toFixed(0)} % of one core; load average ${os.loadavg()[0].toFixed(1)})`);
    if (k) {
      console.log(`  /webhooks/kserve        : ${(k.requests.total / seconds).toFixed(0)} events/s sent (target 500), ${k['2xx']} 2xx, non-2xx ${k.non2xx}, p99 ${k.latency.p99} ms`);
    } else {
      console.log(`  /webhooks/kserve        : NOT MEASURED — the capture endpoint is not registered in this gateway (probe answered ${probe.status}); accept figures are without the 500 events/s background load`);
    }
  } finally {
    await gateway.stop();
    await stopAll();
    await github.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
