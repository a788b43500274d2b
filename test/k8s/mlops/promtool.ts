import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';

/** Runs a Prometheus/Alertmanager CLI (Debian's `promtool`/`amtool` on PATH); returns exit code and output. */
export function runTool(tool: string, args: string[], cwd?: string): { code: number; output: string; stdout: string } {
  const r = spawnSync(tool, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw new Error(`${tool} could not run (${r.error.message}); install Debian's prometheus / prometheus-alertmanager`);
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

/** A fresh temp dir for one test file's generated YAML. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writeYaml(file: string, doc: unknown): string {
  fs.writeFileSync(file, stringify(doc, { lineWidth: 0 }));
  return file;
}

/** One `alert_rule_test` entry: at `evalTime`, exactly these alerts of `alertname` are firing. */
export interface AlertCheck {
  readonly evalTime: string;
  readonly alertname: string;
  readonly expAlerts: { exp_labels: Record<string, string>; exp_annotations?: Record<string, string> }[];
}

/** One test group of a promtool rule test file. */
export interface PromtoolTestGroup {
  readonly name: string;
  /** Spacing of the input series' samples. */
  readonly interval: string;
  readonly inputSeries: { series: string; values: string }[];
  readonly alertChecks?: AlertCheck[];
  readonly exprChecks?: { expr: string; evalTime: string; expSamples: { labels: string; value: number }[] }[];
}

/** A promtool rule-test document (https://prometheus.io/docs/prometheus/latest/configuration/unit_testing_rules/). */
export function promtoolTestFile(ruleFile: string, evaluationInterval: string, groups: PromtoolTestGroup[]): unknown {
  return {
    rule_files: [ruleFile],
    evaluation_interval: evaluationInterval,
    tests: groups.map((g) => ({
      name: g.name,
      interval: g.interval,
      input_series: g.inputSeries,
      alert_rule_test: (g.alertChecks ?? []).map((c) => ({ eval_time: c.evalTime, alertname: c.alertname, exp_alerts: c.expAlerts })),
      promql_expr_test: (g.exprChecks ?? []).map((c) => ({ expr: c.expr, eval_time: c.evalTime, exp_samples: c.expSamples })),
    })),
  };
}
