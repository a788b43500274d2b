import * as fs from 'node:fs';
import * as path from 'node:path';
import { root, SCENARIOS, type Scenario, type DemoOptions, type ScenarioResult, DemoError, llmEnv, takeLlmEnv, started, timeline, setScenario, progress, missingPrerequisites } from './common';
import { ProcessGroup } from './group';
import { writeHtmlReport } from './html';
import { driftScenario } from './scenarios/drift';
import { latencyScenario } from './scenarios/latency';
import { pipelineScenario } from './scenarios/pipeline';
import { type Stack, flushOutbox, setup } from './stack';

/**
 * `npm run demo`: the self-healing loop on one machine (docs/demo.md). Real MLflow, the real
 * model trained and served by KServe's model server, the gateway CLI, real Prometheus with the fast
 * rules and real Alertmanager with dist/monitoring/alertmanager.yaml; loopback fakes for GitHub and
 * the Kubernetes API whose traffic lands in OUT/outbox. Scenarios: latency, drift, pipeline.
 */

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
    setScenario('stop');
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
      setScenario(sc);
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
    setScenario('report');
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
