/**
 * Gateway accept latency and capacity, a benchmark, not a test: prints figures. Starts the real
 * gateway as a child process (`bin/mlops gateway`, dispatching every accepted group to a loopback
 * GitHub fake), then sends distinct alert groups to `POST /webhooks/alertmanager` (each one a new
 * durable outbox row) while 500 KServe payload-logger events/s go to `POST /webhooks/kserve`
 * (the drift issue's capture endpoint). Two phases:
 * - latency: groups offered at a fixed rate (the 1,000 groups/s target) by an open-loop generator,
 *   latency counted from each request's due time (bench/support/paced-load.ts);
 * - capacity: `connections` senders as fast as the gateway answers (autocannon), groups/s.
 * The gateway, the load generators and the GitHub fake (a process of its own, as GitHub is another
 * machine) share the machine's 2 cores.
 * Run: `npx ts-node --transpile-only bench/gateway.ts [seconds] [connections] [rate]` (defaults 10 s, 64, 1000);
 * GATEWAY_PROF=DIR also writes a V8 CPU profile of the gateway into DIR.
 * Targets: ≥ 1,000 accepted groups/s and p99 accept latency < 20 ms on 2 cores.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
// Benchmarks run from a checkout with devDependencies installed, like the tests.
// eslint-disable-next-line import/no-extraneous-dependencies
import autocannon from 'autocannon';
import { startGithubDispatchProcess } from './support/github-dispatch-process';
import { pacedLoad, quantile, type PacedResult } from './support/paced-load';
import { alertGroup } from '../test/gateway/payloads';
import { freePort, waitForHttp } from '../test/support/net';
import { startProcess, stopAll } from '../test/support/process';

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 64);
/** Offered rate of the latency phase: the throughput target. */
const rate = Number(process.argv[4] ?? 1000);
const token = 'bench-gateway-token';
const root = path.resolve(__dirname, '..');

function kserveEvent(): { path: string; headers: Record<string, string>; body: string } {
  const id = randomUUID();
  return {
    path: '/webhooks/kserve',
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

const count2xx = (r: PacedResult) => [...r.statuses].filter(([status]) => status >= 200 && status < 300).reduce((sum, [, k]) => sum + k, 0);

async function main(): Promise<void> {
  const github = await startGithubDispatchProcess('ghs_bench');
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-gateway-'));
  const port = await freePort();
  const gateway = startProcess(process.execPath, [
    ...(process.env.GATEWAY_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.GATEWAY_PROF}`] : []),
    path.join(root, 'bin', 'mlops'), 'gateway', '--port', String(port), '--host', '127.0.0.1',
  ], {
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
    const probeEvent = kserveEvent();
    const probe = await fetch(`${url}/webhooks/kserve`, { method: 'POST', headers: probeEvent.headers, body: probeEvent.body });
    if (probe.status === 404) throw new Error('the gateway has no /webhooks/kserve: the bench needs the capture endpoint');

    const template = alertGroup({ alerts: 3 });
    let n = 0;
    const alertHeaders = { 'content-type': 'application/json', 'authorization': `Bearer ${token}` };
    const alertRequest = () => ({
      path: '/webhooks/alertmanager',
      headers: alertHeaders,
      body: JSON.stringify({ ...template, groupKey: `{}/{team="platform"}:{alertname="InferenceLatencyHigh", n="${n++}"}` }),
    });
    const kserveLoad = () => pacedLoad({ baseUrl: url, rate: 500, seconds, next: kserveEvent });
    // Warm-up (JIT, SQLite page cache), not measured.
    await pacedLoad({ baseUrl: url, rate: 200, seconds: 2, next: alertRequest });

    const measure = async <T>(load: () => Promise<T>) => {
      const histogramBefore = await processingHistogram(url);
      const gatewayCpuBefore = cpuMs(gateway.child.pid!);
      const benchCpuBefore = process.cpuUsage();
      const githubCpuBefore = cpuMs(github.pid);
      const [alerts, kserve] = await Promise.all([load(), kserveLoad()]);
      const benchCpu = process.cpuUsage(benchCpuBefore);
      return {
        alerts,
        kserve,
        gatewayCpuMs: cpuMs(gateway.child.pid!) - gatewayCpuBefore,
        benchCpuMs: (benchCpu.user + benchCpu.system) / 1000,
        githubCpuMs: cpuMs(github.pid) - githubCpuBefore,
        histogram: diffHistogram(await processingHistogram(url), histogramBefore),
      };
    };
    const describeCpu = (r: { gatewayCpuMs: number; benchCpuMs: number; githubCpuMs: number }, requests: number) =>
      `gateway ${(r.gatewayCpuMs / 10 / seconds).toFixed(0)} % of one core (${(r.gatewayCpuMs / requests).toFixed(3)} ms per request incl. dispatch); `
      + `load generators ${(r.benchCpuMs / 10 / seconds).toFixed(0)} %, GitHub fake ${(r.githubCpuMs / 10 / seconds).toFixed(0)} %; `
      + `load average ${os.loadavg()[0].toFixed(1)}`;
    const describeKserve = (k: PacedResult) =>
      `${(k.sent / seconds).toFixed(0)} events/s offered, ${count2xx(k)} 2xx, other ${k.sent - count2xx(k)}; p99 ${quantile(k.latenciesMs, 0.99).toFixed(1)} ms`;
    const describeHistogram = (h: ProcessingHistogram) =>
      `${h.count ? (100 * h.le20ms / h.count).toFixed(2) : 'n/a'} % of ${h.count} accepts within 20 ms of arrival (its mlops_gateway_processing_seconds)`;

    console.log(`gateway bench: ${seconds} s per phase; cores ${os.cpus().length}, shared by the gateway, the load generators and the GitHub fake`);

    const latencyPhase = async (title: string) => {
      const dispatchedBefore = await github.dispatched();
      const r = await measure(() => pacedLoad({ baseUrl: url, rate, seconds, next: alertRequest }));
      const lat = r.alerts.latenciesMs;
      console.log(`  ${title}`);
      console.log(`    accepted                : ${count2xx(r.alerts)} of ${r.alerts.sent} (${(count2xx(r.alerts) / seconds).toFixed(0)} groups/s), errors ${r.alerts.errors}; `
        + `dispatched meanwhile ${(await github.dispatched()) - dispatchedBefore}`);
      console.log(`    accept latency          : p50 ${quantile(lat, 0.5).toFixed(1)} ms, p99 ${quantile(lat, 0.99).toFixed(1)} ms, `
        + `p99.9 ${quantile(lat, 0.999).toFixed(1)} ms, max ${lat[lat.length - 1]?.toFixed(1)} ms  (target p99 < 20 ms)`);
      console.log(`    gateway's own view      : ${describeHistogram(r.histogram)}`);
      console.log(`    /webhooks/kserve        : ${describeKserve(r.kserve)}`);
      console.log(`    CPU                     : ${describeCpu(r, r.alerts.sent + r.kserve.sent)}`);
    };

    // Capacity and the stress run first: GitHub's limit, once hit, pauses dispatching for a minute.
    const capacity = await measure(() => autocannon({
      url: `${url}/webhooks/alertmanager`,
      connections,
      duration: seconds,
      method: 'POST',
      headers: alertHeaders,
      requests: [{ setupRequest: (r) => ({ ...r, body: alertRequest().body }) }],
    }));
    const c = capacity.alerts;
    console.log(`  capacity: ${connections} connections sending as fast as answered, + 500 KServe events/s`);
    console.log(`    accepted alert groups/s : ${(c['2xx'] / seconds).toFixed(0)}  (target >= 1000); non-2xx ${c.non2xx}, errors ${c.errors}`);
    console.log(`    latency (closed loop)   : p50 ${c.latency.p50} ms, p99 ${c.latency.p99} ms (${connections} waiting senders / throughput; not the target's figure)`);
    console.log(`    /webhooks/kserve        : ${describeKserve(capacity.kserve)}`);
    console.log(`    CPU                     : ${describeCpu(capacity, c['2xx'] + capacity.kserve.sent)}`);

    await latencyPhase(`latency, stress: ${rate} alert groups/s offered (open loop) + 500 KServe events/s, each group dispatched as it arrives `
      + '(a GitHub without limits; the real one allows 80 dispatches a minute)');

    github.setLimit(80);
    await latencyPhase(`latency: ${rate} alert groups/s offered (open loop) + 500 KServe events/s, GitHub answering as documented `
      + '(80 content-creating requests a minute, then 403 with retry-after, which the dispatcher honours)');
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
