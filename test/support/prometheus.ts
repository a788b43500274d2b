import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, waitForHttp } from './net';
import { startProcess, type ManagedProcess } from './process';

/**
 * Real Prometheus and Alertmanager (Debian's binaries) on free loopback ports, each with its own
 * temp directory, for end-to-end tests and the demo. Stop them with `stop()` (or stopAll()).
 */
export interface RunningBinary {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

/** The first of `names` on PATH, or an error naming the Debian package. */
export function findBinary(names: readonly string[], debianPackage: string): string {
  for (const name of names) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {
      // try the next name
    }
  }
  throw new Error(`none of ${names.join(', ')} is on PATH (Debian package ${debianPackage})`);
}

async function started(proc: ManagedProcess, url: string, dir: string, port: number): Promise<RunningBinary> {
  try {
    await waitForHttp(`${url}/-/ready`, 60_000);
  } catch (err) {
    await proc.stop();
    throw new Error(`${(err as Error).message}\n${proc.output()}`);
  }
  return { url, port, dir, process: proc, stop: () => proc.stop() };
}

export interface PrometheusOptions {
  /** Scrape targets `host:port` (job `predictor` unless `jobs` is given). */
  readonly targets?: readonly string[];
  /** Rule files (absolute paths) loaded as they are. */
  readonly ruleFiles?: readonly string[];
  /** Alertmanager `host:port` to send alerts to. */
  readonly alertmanager?: string;
  /** @default 1s */
  readonly interval?: string;
}

export async function startPrometheus(opts: PrometheusOptions = {}): Promise<RunningBinary> {
  const bin = findBinary(['prometheus'], 'prometheus');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-prom-'));
  const port = await freePort();
  const interval = opts.interval ?? '1s';
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    rule_files: opts.ruleFiles ?? [],
    ...(opts.alertmanager ? { alerting: { alertmanagers: [{ static_configs: [{ targets: [opts.alertmanager] }] }] } } : {}),
    scrape_configs: [{ job_name: 'predictor', static_configs: [{ targets: opts.targets ?? [] }] }],
  };
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2)); // JSON is YAML
  const proc = startProcess(bin, [
    `--config.file=${path.join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=1h',
  ], { cwd: dir });
  return started(proc, `http://127.0.0.1:${port}`, dir, port);
}

/** Alertmanager with the given config text (YAML), clustering off. */
export async function startAlertmanager(configYaml: string): Promise<RunningBinary> {
  const bin = findBinary(['alertmanager', 'prometheus-alertmanager'], 'prometheus-alertmanager');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-am-'));
  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'alertmanager.yml'), configYaml);
  const proc = startProcess(bin, [
    `--config.file=${path.join(dir, 'alertmanager.yml')}`,
    `--storage.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
  ], { cwd: dir });
  return started(proc, `http://127.0.0.1:${port}`, dir, port);
}
