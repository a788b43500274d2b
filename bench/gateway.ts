/**
 * Gateway accept throughput, a benchmark, not a test: prints figures. Starts the real gateway as a
 * child process (`bin/mlops gateway`, dispatching to a loopback GitHub fake), then drives
 * `POST /webhooks/alertmanager` with autocannon (distinct alert groups, so every request is a new
 * durable outbox row) while a second autocannon sends 500 KServe payload-logger events/s to
 * `POST /webhooks/kserve` (the drift issue's capture endpoint; reported when it is missing).
 * Run: `npx ts-node --transpile-only bench/gateway.ts [seconds] [connections] [rate]` (defaults 10 s, 64, 1000).
 * Two phases, because a closed loop's latency is only its concurrency divided by its throughput:
 * - latency: alert groups offered at a fixed rate (the 1,000 groups/s target), p99 as the client sees it;
 * - capacity: `connections` senders as fast as the gateway answers, groups/s.
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
/** Offered rate of the latency phase: the throughput target. */
const rate = Number(process.argv[4] ?? 1000);
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

interface ProcessingHistogram { count: number; le20ms: number }

/** The accept endpoint's `mlops_gateway_processing_seconds` count and its le="0.02" bucket. */
async function processingHistogram(url: string): Promise<ProcessingHistogram> {
  const lines = (await (await fetch(`${url}/metrics`)).text()).split('\n')
    .filter((l) => l.includes('endpoint="alertmanager"'));
  const value = (prefix: string, extra = '') => Number(lines.find((l) => l.startsWith(prefix) && l.includes(extra))?.split(' ').pop() ?? 0);
  return {
    count: value('mlops_gateway_processing_seconds_count{'),
    le20ms: value('mlops_gateway_processing_seconds_bucket{', 'le="0.02"'),
  };
}

const diffHistogram = (a: ProcessingHistogram, b: ProcessingHistogram): ProcessingHistogram =>
  ({ count: a.count - b.count, le20ms: a.le20ms - b.le20ms });

async function main(): Promise<void> {
  const github = await startGithubDispatchFake({ token: 'ghs_bench' });
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-gateway-'));
  const port = await freePort();
  const gateway = startProcess(process.execPath, [...(process.env.GATEWAY_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), path.join(root, 'bin', 'mlops'), 'gateway', '--port', String(port), '--host', '127.0.0.1'], {
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

    const runPhase = async (phase: { connections: number; rate?: number }) => {
      const histogramBefore = await processingHistogram(url);
      const cpuBefore = cpuMs(gateway.child.pid!);
      const benchCpuBefore = process.cpuUsage();
      const kserve = captureAvailable ? autocannon({
        url: `${url}/webhooks/kserve`,
        connections: 16,
        overallRate: 500,
        duration: seconds,
        method: 'POST',
        requests: [{ setupRequest: (r) => ({ ...r, ...kserveEvent() }) }],
      }) : undefined;
      const alerts = await autocannon({
        url: `${url}/webhooks/alertmanager`,
        connections: phase.connections,
        ...(phase.rate ? { overallRate: phase.rate } : {}),
        duration: seconds,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'authorization': `Bearer ${token}` },
        requests: [{ setupRequest: (r) => ({ ...r, body: body() }) }],
      });
      const k = kserve ? await kserve : undefined;
      const benchCpu = process.cpuUsage(benchCpuBefore);
      const cpuUsed = cpuMs(gateway.child.pid!) - cpuBefore;
      const histogram = diffHistogram(await processingHistogram(url), histogramBefore);
      return { alerts, kserve: k, cpuUsed, benchCpuMs: (benchCpu.user + benchCpu.system) / 1000, histogram };
    };
    const report = (title: string, r: Awaited<ReturnType<typeof runPhase>>) => {
      const accepted = r.alerts['2xx'];
      const under20 = r.histogram.count ? (100 * r.histogram.le20ms / r.histogram.count).toFixed(2) : 'n/a';
      console.log(`  ${title}`);
      console.log(`    accepted alert groups/s : ${(accepted / seconds).toFixed(0)}  (target >= 1000); non-2xx ${r.alerts.non2xx}, errors ${r.alerts.errors}`);
      console.log(`    accept latency (client) : p50 ${r.alerts.latency.p50} ms, p99 ${r.alerts.latency.p99} ms, max ${r.alerts.latency.max} ms  (target p99 < 20 ms)`);
      console.log(`    accept latency (gateway): ${under20} % of ${r.histogram.count} accepts answered within 20 ms (its mlops_gateway_processing_seconds histogram)`);
      console.log(`    CPU                     : gateway ${(r.cpuUsed / 10 / seconds).toFixed(0)} % of one core (${(r.cpuUsed / (accepted + (r.kserve?.['2xx'] ?? 0))).toFixed(3)} ms per request incl. dispatch); `
        + `load generator + GitHub fake ${(r.benchCpuMs / 10 / seconds).toFixed(0)} %; load average ${os.loadavg()[0].toFixed(1)}`);
      if (r.kserve) {
        console.log(`    /webhooks/kserve        : ${(r.kserve.requests.total / seconds).toFixed(0)} events/s sent (target 500), ${r.kserve['2xx']} 2xx, non-2xx ${r.kserve.non2xx}, p99 ${r.kserve.latency.p99} ms`);
      } else {
        console.log(`    /webhooks/kserve        : NOT MEASURED — the capture endpoint is not registered (probe answered ${probe.status})`);
      }
    };

    console.log(`gateway bench: ${seconds} s per phase, 2 cores shared by the gateway, the load generator and the GitHub fake`);
    report(`latency at ${rate} alert groups/s offered (${Math.min(32, connections)} connections) + 500 KServe events/s`,
      await runPhase({ connections: Math.min(32, connections), rate }));
    report(`capacity: ${connections} connections as fast as answered + 500 KServe events/s`, await runPhase({ connections }));
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
