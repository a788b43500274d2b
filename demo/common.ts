import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GroupChild } from './group';

/** Paths, names and the progress log shared by the demo's stack and scenarios. */

export const root = path.resolve(__dirname, '..');
export const dist = path.join(root, 'dist');
export const mlopsBin = path.join(root, 'bin', 'mlops');
export const trainPy = path.join(root, '.venvs', 'train', 'bin', 'python');
export const servePy = path.join(root, '.venvs', 'serve', 'bin', 'python');
export const bandit = path.join(root, '.venvs', 'tools', 'bin', 'bandit');
export const MODEL = 'credit-risk';
/** The demo's own secrets (exported so tests can check they never reach an LLM). */
export const GATEWAY_TOKEN = 'demo-gateway-token-0123456789';
export const GITHUB_TOKEN = 'ghs_fake_dispatch_token';
export const SCENARIOS = ['latency', 'drift', 'pipeline'] as const;
/** The demo gateway's ACCURACY_WINDOW_HOURS (its minimum). */
export const DEMO_ACCURACY_WINDOW_HOURS = 1;
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
export const llmEnv: NodeJS.ProcessEnv = {};
export function takeLlmEnv(): void {
  for (const k of Object.keys(process.env)) {
    if (/^(GEMINI|OPENAI)_/.test(k)) {
      llmEnv[k] = process.env[k];
      delete process.env[k];
    }
  }
}

export const started = Date.now();
export const timeline: TimelineEntry[] = [];
let current = 'setup';

/** Names the part of the run the next progress lines belong to. */
export function setScenario(name: string): void {
  current = name;
}

export function progress(message: string): void {
  const t = (Date.now() - started) / 1000;
  timeline.push({ t, scenario: current, message });
  process.stdout.write(`[${t.toFixed(1).padStart(6)}s] ${current.padEnd(8)} ${message}\n`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new DemoError(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export async function httpOk(url: string, init?: RequestInit): Promise<boolean> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

export async function ready(child: GroupChild, url: string, what: string, timeoutMs = 90_000): Promise<void> {
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

export function which(name: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}
