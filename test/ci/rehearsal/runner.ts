import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { emulate, RunStores } from './actions';
import { buildEvent, EventContext, Scenario } from './events';
import { condition, ExpressionError, Functions, interpolate, STRICT, StrictObject, toText } from './expressions';
import { emptyFile, execute, killGroup, readFileCommands, shellCommand } from './shell';
import { skipFor, SkipRule } from './skips';
import { prepareToolchain, Toolchain } from './toolchain';
import { actionName, Job, jobOrder, needsOf, readWorkflow, stepLabel, Workflow } from './workflow';
import { Origin, publishHead } from './workspace';

/**
 * Runs a workflow as a GitHub runner would, job by job in `needs:` order, each job in a fresh
 * workspace with its own checkout: `if:` conditions, `env:` at three levels, GITHUB_ENV/OUTPUT/PATH,
 * step outputs, job outputs and `needs` between jobs, artifacts and caches between jobs. Reads of
 * outputs that were never set fail the step that reads them (GitHub would pass '' and carry on).
 */

export type StepKind = 'run' | 'emulated' | 'skipped' | 'not-run';

export interface StepRecord {
  readonly job: string;
  readonly label: string;
  readonly kind: StepKind;
  readonly conclusion: 'success' | 'failure' | 'skipped';
  /** Why: the failure, the skip reason, or the `if:` that was false. */
  readonly reason?: string;
  /** Registry substitutions the step went through (npm ci, pip install). */
  readonly substitutions: string[];
  /** The last lines of the step's output. */
  readonly log: string;
  readonly skip?: SkipRule;
  /** Wall time of the step, ms. */
  readonly ms: number;
}

export interface JobRecord {
  readonly id: string;
  readonly result: 'success' | 'failure' | 'skipped';
  readonly reason?: string;
}

export interface Rehearsal {
  readonly workflow: string;
  /** github.run_id of this rehearsal (a later workflow_run rehearsal downloads its artifacts by it). */
  readonly runId: string;
  /** Artifacts this run uploaded. */
  readonly artifacts: RunStores['artifacts'];
  readonly event: string;
  readonly jobs: JobRecord[];
  readonly steps: StepRecord[];
  /** One line per failed step or job: what failed and why. */
  readonly failures: string[];
}

export interface RehearsalOptions {
  /** The workflow file to rehearse (may be outside the repository: a broken copy). */
  readonly workflowFile: string;
  readonly scenario: Scenario;
  /** Repository whose committed HEAD is checked out. */
  readonly source: string;
  /** Worktree whose node_modules and .venvs (scripts/setup.sh) stand in for the installs. */
  readonly toolsRoot: string;
  /** Empty directory for the origin, workspaces, stores and runner temp. */
  readonly tmp: string;
  /** @default 10 minutes */
  readonly stepTimeoutMs?: number;
  /** Earlier rehearsals whose artifacts `download-artifact` with `run-id:` may fetch (workflow_run chains). */
  readonly previous?: readonly Rehearsal[];
  /** Progress lines (one per step). */
  readonly log?: (line: string) => void;
}

type Ctx = Record<string, unknown>;

function strictObject(values: Record<string, unknown>, why: (key: string) => string | undefined): StrictObject {
  const o = { ...values } as StrictObject;
  Object.defineProperty(o, STRICT, { value: why, enumerable: false });
  return o;
}

function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function hashFiles(workspace: string, patterns: string[]): string {
  // The workflows pass plain file names; globs beyond that are not needed here.
  const files = patterns.flatMap((p) => {
    if (/[*?[]/.test(p)) throw new ExpressionError(`hashFiles: glob "${p}" is not supported by the rehearsal`);
    const f = resolve(workspace, p);
    return existsSync(f) && statSync(f).isFile() ? [f] : [];
  });
  if (files.length === 0) return '';
  const h = createHash('sha256');
  for (const f of files) h.update(createHash('sha256').update(readFileSync(f)).digest());
  return h.digest('hex');
}

/** github.token (and secrets.GITHUB_TOKEN) in every rehearsal: fakes map it to a login. */
export const FAKE_GITHUB_TOKEN = 'ghs_rehearsalGithubToken000000000000000';

/** Run ids, distinct within a test process (a workflow_run payload names the run it follows). */
let runCounter = 7000;

export async function rehearse(opts: RehearsalOptions): Promise<Rehearsal> {
  const wf = readWorkflow(opts.workflowFile);
  const log = opts.log ?? (() => undefined);
  mkdirSync(opts.tmp, { recursive: true });
  const origin = publishHead(opts.source, opts.tmp);
  const toolchain = prepareToolchain(opts.toolsRoot, join(opts.tmp, 'shims'));
  const event = buildEvent(wf, opts.scenario, origin.sha);
  const eventFile = join(opts.tmp, 'event.json');
  writeFileSync(eventFile, JSON.stringify(event.payload, null, 2));
  const stores: RunStores = { artifacts: new Map(), caches: new Map(), dir: join(opts.tmp, 'stores') };
  const runId = String(++runCounter);
  const result: Rehearsal = { workflow: wf.file, runId, artifacts: stores.artifacts, event: event.name, jobs: [], steps: [], failures: [] };
  const needsCtx: Record<string, { result: string; outputs: StrictObject }> = {};

  for (const id of jobOrder(wf)) {
    const job = wf.jobs[id];
    const record = await runJob({ wf, id, job, opts, origin, toolchain, event, eventFile, stores, needsCtx, result, log });
    result.jobs.push(record.job);
    needsCtx[id] = { result: record.job.result, outputs: record.outputs };
  }
  return result;
}

interface JobRun {
  wf: Workflow;
  id: string;
  job: Job;
  opts: RehearsalOptions;
  origin: Origin;
  toolchain: Toolchain;
  event: EventContext;
  eventFile: string;
  stores: RunStores;
  needsCtx: Record<string, { result: string; outputs: StrictObject }>;
  result: Rehearsal;
  log: (line: string) => void;
}

async function runJob(r: JobRun): Promise<{ job: JobRecord; outputs: StrictObject }> {
  const { wf, id, job, opts, origin, event } = r;
  const repository = opts.scenario.repository ?? 'acme/model';
  const jobDir = join(opts.tmp, 'jobs', id);
  const workspace = join(jobDir, 'work', repository.split('/')[1]);
  const runnerTemp = join(jobDir, 'temp');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(runnerTemp, { recursive: true });
  const home = join(jobDir, 'home');
  mkdirSync(home, { recursive: true });

  const needs = Object.fromEntries(needsOf(job).map((n) => [n, r.needsCtx[n]]));
  const needsStatus = (): 'success' | 'failure' | 'skipped' => {
    const results = Object.values(needs).map((n) => n.result);
    if (results.includes('failure')) return 'failure';
    // A skipped need makes success() false without making failure() true.
    return results.every((x) => x === 'success') ? 'success' : 'skipped';
  };
  const github = {
    event_name: event.name,
    event: event.payload,
    sha: origin.sha,
    ref: event.ref,
    ref_name: event.ref.replace(/^refs\/(heads|tags)\//, ''),
    repository,
    repository_owner: repository.split('/')[0],
    run_id: r.result.runId,
    run_number: '1',
    run_attempt: '1',
    actor: 'rehearsal-bot',
    workflow: wf.name,
    job: id,
    server_url: 'https://github.com',
    api_url: opts.scenario.env?.GITHUB_API_URL ?? 'https://api.github.com',
    token: FAKE_GITHUB_TOKEN,
    workspace,
    head_ref: event.name === 'pull_request' ? 'feature' : '',
    base_ref: event.name === 'pull_request' ? 'main' : '',
  };
  const secrets = { GITHUB_TOKEN: github.token, ...(opts.scenario.secrets ?? {}) };
  const runner = { os: 'Linux', arch: 'X64', name: 'rehearsal', temp: runnerTemp, tool_cache: join(jobDir, 'toolcache') };
  const base: Ctx = {
    github,
    vars: opts.scenario.vars ?? {},
    secrets,
    inputs: event.inputs,
    matrix: {},
    strategy: {},
    runner,
    needs,
    job: { status: 'success' },
    steps: {},
    env: {},
  };
  const jobFns = (status: () => ReturnType<Functions['status']>): Functions => ({ status, hashFiles: (p) => hashFiles(workspace, p) });
  const skippedOutputs = (why: string) => strictObject({}, () => why);

  // Job-level if (status functions see the needed jobs).
  let runIt: boolean;
  try {
    runIt = condition(job.if, { ...base, env: {} }, jobFns(needsStatus));
  } catch (err) {
    return failJob(r, `job ${id}: if: ${(err as Error).message}`);
  }
  if (!runIt) {
    const reason = job.if !== undefined ? `if: ${String(job.if)}` : `a needed job did not succeed (${Object.entries(needs).map(([n, v]) => `${n}: ${v.result}`).join(', ')})`;
    r.log(`[job] ${id}: skipped (${reason})`);
    for (const s of job.steps ?? []) r.result.steps.push({ job: id, label: stepLabel(s), kind: 'not-run', conclusion: 'skipped', reason: `job skipped: ${reason}`, substitutions: [], log: '', ms: 0 });
    return { job: { id, result: 'skipped', reason }, outputs: skippedOutputs(`job ${id} was skipped (${reason})`) };
  }
  if (job.uses) return failJob(r, `job ${id}: reusable workflows (uses:) are not rehearsed`);
  // Not silently ignored: a matrix or service containers would change what the steps see.
  if (job.strategy !== undefined || job.services !== undefined) return failJob(r, `job ${id}: strategy/services are not rehearsed (teach runner.ts first)`);
  if (job.container !== undefined) {
    // No Docker engine here: the steps run on this machine, which is Debian bookworm like platform-ci's container.
    const image = typeof job.container === 'string' ? job.container : job.container.image;
    r.log(`[job] ${id}: container ${image ?? '?'}: steps run on this machine instead`);
  }

  const pgids: number[] = [];
  let failed = false;
  const envFromFiles: Record<string, string> = {};
  const pathAdds: string[] = [];
  const stepsCtx: Record<string, { outputs: StrictObject; outcome: string; conclusion: string }> = {};
  // The same object as stepsCtx (filled as steps finish), made strict.
  Object.defineProperty(stepsCtx, STRICT, { value: (key: string) => `no step with id "${key}" ran before this point in job ${id}`, enumerable: false });
  const steps = stepsCtx;
  const status = () => (failed ? 'failure' : 'success') as 'success' | 'failure';
  let wfEnv: Record<string, string> = {};
  let jobEnv: Record<string, string> = {};
  try {
    wfEnv = evalMap(wf.env, { ...base, env: {} }, jobFns(status));
    jobEnv = evalMap(job.env, { ...base, env: wfEnv }, jobFns(status));
    // Evaluated by GitHub before the job starts: a needs output read here must exist too.
    const group = typeof job.concurrency === 'string' ? job.concurrency : job.concurrency?.group;
    if (group) interpolate(group, { ...base, env: {} }, jobFns(status));
  } catch (err) {
    return failJob(r, `job ${id}: ${(err as Error).message}`);
  }

  try {
    for (const [n, step] of (job.steps ?? []).entries()) {
      const label = stepLabel(step);
      const started = Date.now();
      const ctx: Ctx = { ...base, steps, job: { status: status() }, env: { ...wfEnv, ...jobEnv, ...envFromFiles } };
      const fns = jobFns(status);
      const record = (rec: Omit<StepRecord, 'job' | 'label' | 'substitutions' | 'log' | 'ms'> & Partial<StepRecord>) => {
        const full: StepRecord = { job: id, label, substitutions: [], log: '', ms: Date.now() - started, ...rec };
        r.result.steps.push(full);
        if (full.conclusion === 'failure') {
          failed = true;
          r.result.failures.push(`${wf.file} › ${id} › ${label}: ${full.reason ?? 'failed'}${full.log ? `\n${tail(full.log, 15)}` : ''}`);
        }
        const sub = full.substitutions.length ? ` [${full.substitutions.length} substitution(s)]` : '';
        r.log(`[${full.kind}] ${id} › ${label}: ${full.conclusion} in ${(full.ms / 1000).toFixed(1)} s${full.reason && full.conclusion !== 'success' ? ` (${full.reason.split('\n')[0]})` : ''}${sub}`);
        return full;
      };
      const setOutputs = (values: Record<string, string>, conclusion: string, why: (k: string) => string) => {
        if (step.id) stepsCtx[step.id] = { outputs: strictObject(values, why), outcome: conclusion, conclusion };
      };

      let go: boolean;
      try {
        go = condition(step.if, ctx, fns);
      } catch (err) {
        record({ kind: 'run', conclusion: 'failure', reason: `if: ${(err as Error).message}` });
        setOutputs({}, 'failure', () => `step ${step.id} failed`);
        continue;
      }
      if (!go) {
        const why = step.if !== undefined ? `if: ${String(step.if)}` : 'an earlier step failed';
        record({ kind: 'not-run', conclusion: 'skipped', reason: why });
        setOutputs({}, 'skipped', () => `step ${step.id} did not run (${why})`);
        continue;
      }
      const skip = skipFor(step);
      if (skip) {
        // Not run, but wired: its env, with: and script are evaluated, so a read of an output that is
        // never set fails here too.
        try {
          const env = { ...(ctx.env as Record<string, string>), ...evalMap(step.env, ctx, fns) };
          for (const v of [...Object.values(step.with ?? {}), step.run ?? '']) interpolate(String(v), { ...ctx, env }, fns);
        } catch (err) {
          record({ kind: 'skipped', conclusion: 'failure', reason: (err as Error).message, skip });
          setOutputs({}, 'failure', () => `step ${step.id} failed`);
          continue;
        }
        record({ kind: 'skipped', conclusion: 'skipped', reason: `${skip.category}: ${skip.reason}`, skip });
        setOutputs(skip.standInOutputs ?? {}, 'success', (k) => `step ${step.id} is in the skip table (${skip.category}) and has no stand-in for output "${k}"`);
        continue;
      }

      let stepEnv: Record<string, string>;
      try {
        stepEnv = { ...(ctx.env as Record<string, string>), ...evalMap(step.env, ctx, fns) };
      } catch (err) {
        record({ kind: step.uses ? 'emulated' : 'run', conclusion: 'failure', reason: `env: ${(err as Error).message}` });
        setOutputs({}, 'failure', () => `step ${step.id} failed`);
        continue;
      }

      if (step.uses) {
        let inputs: Record<string, string>;
        try {
          inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(String(v), { ...ctx, env: stepEnv }, fns)]));
        } catch (err) {
          record({ kind: 'emulated', conclusion: 'failure', reason: `with: ${(err as Error).message}` });
          setOutputs({}, 'failure', () => `step ${step.id} failed`);
          continue;
        }
        const otherRuns = new Map((opts.previous ?? []).map((p) => [p.runId, p.artifacts]));
        const res = emulate({ action: actionName(step.uses), inputs, workspace, origin, stores: r.stores, otherRuns, job: id });
        record({ kind: 'emulated', conclusion: res.ok ? 'success' : 'failure', reason: res.ok ? undefined : res.log, log: res.log });
        setOutputs(res.outputs, res.ok ? 'success' : 'failure', (k) => `${actionName(step.uses!)} (step ${step.id}) sets no output "${k}"`);
        continue;
      }

      if (step.run === undefined) {
        record({ kind: 'run', conclusion: 'failure', reason: 'a step with neither run: nor uses:' });
        continue;
      }
      let script: string;
      try {
        script = interpolate(step.run, { ...ctx, env: stepEnv }, fns);
      } catch (err) {
        record({ kind: 'run', conclusion: 'failure', reason: (err as Error).message });
        setOutputs({}, 'failure', () => `step ${step.id} failed`);
        continue;
      }
      const wd = step['working-directory'] ?? job.defaults?.run?.['working-directory'] ?? wf.defaults?.run?.['working-directory'];
      const cwd = wd ? resolve(workspace, wd) : workspace;
      if (!existsSync(cwd)) {
        record({ kind: 'run', conclusion: 'failure', reason: `working-directory ${wd} does not exist in the checkout (${relative(workspace, cwd)})` });
        setOutputs({}, 'failure', () => `step ${step.id} failed`);
        continue;
      }
      const files = {
        GITHUB_OUTPUT: emptyFile(join(runnerTemp, `_output_${n}`)),
        GITHUB_ENV: emptyFile(join(runnerTemp, `_env_${n}`)),
        GITHUB_PATH: emptyFile(join(runnerTemp, `_path_${n}`)),
        GITHUB_STEP_SUMMARY: emptyFile(join(runnerTemp, `_summary_${n}`)),
        REHEARSAL_SUBSTITUTIONS: emptyFile(join(runnerTemp, `_substitutions_${n}`)),
      };
      const scriptFile = join(runnerTemp, `step_${n}.sh`);
      writeFileSync(scriptFile, script);
      const env: Record<string, string> = {
        PATH: [...pathAdds, r.toolchain.shimDir, process.env.PATH ?? '/usr/bin:/bin'].join(':'),
        // A home of the job's own, as a fresh runner VM has: nothing a job (or an earlier rehearsal) left
        // in ~/.cache (the analysis store's dedupe records) reaches the next one.
        HOME: home,
        LANG: 'C.UTF-8',
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        ...stepEnv,
        ...(opts.scenario.env ?? {}),
        GITHUB_WORKSPACE: workspace,
        GITHUB_EVENT_PATH: r.eventFile,
        GITHUB_EVENT_NAME: event.name,
        GITHUB_REPOSITORY: repository,
        GITHUB_REPOSITORY_OWNER: github.repository_owner,
        GITHUB_SHA: origin.sha,
        GITHUB_REF: event.ref,
        GITHUB_REF_NAME: github.ref_name,
        GITHUB_RUN_ID: github.run_id,
        GITHUB_RUN_NUMBER: github.run_number,
        GITHUB_JOB: id,
        GITHUB_WORKFLOW: wf.name,
        GITHUB_ACTOR: github.actor,
        GITHUB_SERVER_URL: github.server_url,
        GITHUB_API_URL: github.api_url,
        RUNNER_TEMP: runnerTemp,
        RUNNER_OS: 'Linux',
        ...files,
      };
      const shell = step.shell ?? job.defaults?.run?.shell ?? wf.defaults?.run?.shell;
      const exec = await execute(shellCommand(shell, scriptFile), cwd, env, opts.stepTimeoutMs ?? 600_000);
      if (exec.pgid) pgids.push(exec.pgid);
      const substitutions = readFileSync(files.REHEARSAL_SUBSTITUTIONS, 'utf8').split('\n').filter(Boolean);
      let outputs: Record<string, string> = {};
      let reason = exec.code === 0 ? undefined : `exit code ${exec.code}`;
      try {
        outputs = readFileCommands(files.GITHUB_OUTPUT);
        Object.assign(envFromFiles, readFileCommands(files.GITHUB_ENV));
        for (const p of readFileSync(files.GITHUB_PATH, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean)) pathAdds.unshift(p);
      } catch (err) {
        reason = (err as Error).message;
      }
      record({ kind: 'run', conclusion: reason ? 'failure' : 'success', reason, log: exec.output, substitutions });
      setOutputs(outputs, reason ? 'failure' : 'success', (k) => `step ${step.id} did not write "${k}" to GITHUB_OUTPUT`);
    }
  } finally {
    // The runner's VM ends with the job: whatever a step left running (an mlflow server) is stopped.
    pgids.forEach((g) => killGroup(g, true));
  }

  // Job outputs: evaluated at the end of the job; an unset one is remembered with its reason.
  const values: Record<string, string> = {};
  const unset: Record<string, string> = {};
  for (const [name, expr] of Object.entries(job.outputs ?? {})) {
    try {
      values[name] = interpolate(expr, { ...base, steps, env: {} }, jobFns(status));
    } catch (err) {
      unset[name] = `job ${id}'s output ${name} = ${expr}, and ${(err as Error).message.replace(/^\$\{\{ [^}]+ \}\} is never set: /, '')}`;
    }
  }
  const outputs = strictObject(values, (k) => unset[k] ?? `job ${id} declares no output "${k}" (outputs: ${Object.keys(job.outputs ?? {}).join(', ') || 'none'})`);
  const jobRecord: JobRecord = { id, result: failed ? 'failure' : 'success' };
  r.log(`[job] ${id}: ${jobRecord.result}`);
  return { job: jobRecord, outputs };
}

function failJob(r: JobRun, reason: string): { job: JobRecord; outputs: StrictObject } {
  r.result.failures.push(`${r.wf.file} › ${reason}`);
  r.log(`[job] ${r.id}: failure (${reason})`);
  return { job: { id: r.id, result: 'failure', reason }, outputs: strictObject({}, () => `job ${r.id} failed before its steps (${reason})`) };
}

function evalMap(map: Record<string, string> | undefined, ctx: Ctx, fns: Functions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map ?? {})) out[k] = typeof v === 'string' ? interpolate(v, ctx, fns) : toText(v as never);
  return out;
}

/** Files under a directory, relative (for assertions on what a job produced). */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]));
}
