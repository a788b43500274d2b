import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'yaml';

/**
 * A generated workflow file, read as GitHub reads it: the parts a rehearsal needs (triggers, env,
 * defaults, jobs with needs/if/outputs/steps), and the order GitHub runs its jobs in.
 */

export interface Step {
  readonly 'id'?: string;
  readonly 'name'?: string;
  readonly 'uses'?: string;
  readonly 'run'?: string;
  readonly 'shell'?: string;
  readonly 'if'?: string | boolean;
  readonly 'env'?: Record<string, string>;
  readonly 'with'?: Record<string, string | number | boolean>;
  readonly 'working-directory'?: string;
  readonly 'continue-on-error'?: boolean;
}

export interface Job {
  readonly name?: string;
  readonly needs?: string | string[];
  readonly if?: string | boolean;
  readonly env?: Record<string, string>;
  readonly outputs?: Record<string, string>;
  readonly defaults?: { run?: { 'shell'?: string; 'working-directory'?: string } };
  readonly concurrency?: { group?: string } | string;
  readonly steps?: Step[];
  readonly uses?: string;
  readonly container?: string | { image?: string };
  readonly strategy?: unknown;
  readonly services?: unknown;
}

export interface Workflow {
  readonly file: string;
  readonly name: string;
  readonly on: Record<string, unknown>;
  readonly env?: Record<string, string>;
  readonly defaults?: { run?: { 'shell'?: string; 'working-directory'?: string } };
  readonly jobs: Record<string, Job>;
}

export function readWorkflow(path: string): Workflow {
  const doc = parse(readFileSync(path, 'utf8')) as Partial<Workflow> & { on?: unknown };
  if (!doc || typeof doc !== 'object' || !doc.jobs) throw new Error(`${path}: not a workflow (no jobs)`);
  let on: Record<string, unknown>;
  if (typeof doc.on === 'string') on = { [doc.on]: {} };
  else if (Array.isArray(doc.on)) on = Object.fromEntries(doc.on.map((e: string) => [e, {}]));
  else on = (doc.on ?? {}) as Record<string, unknown>;
  return { ...doc, file: basename(path), name: doc.name ?? basename(path), on, jobs: doc.jobs } as Workflow;
}

export function needsOf(job: Job): string[] {
  if (job.needs === undefined) return [];
  return Array.isArray(job.needs) ? job.needs : [job.needs];
}

/** Job ids in an order that respects `needs:` (file order among jobs that are ready together). */
export function jobOrder(wf: Workflow): string[] {
  const ids = Object.keys(wf.jobs);
  for (const id of ids) {
    for (const n of needsOf(wf.jobs[id])) {
      if (!wf.jobs[n]) throw new Error(`${wf.file}: job ${id} needs "${n}", which is not a job of this workflow`);
    }
  }
  const done: string[] = [];
  while (done.length < ids.length) {
    const ready = ids.find((id) => !done.includes(id) && needsOf(wf.jobs[id]).every((n) => done.includes(n)));
    if (!ready) throw new Error(`${wf.file}: needs: form a cycle among ${ids.filter((i) => !done.includes(i)).join(', ')}`);
    done.push(ready);
  }
  return done;
}

/** How a step is named in reports: its name, else its run line or action. */
export function stepLabel(step: Step): string {
  return step.name ?? (step.run ? step.run.split('\n')[0] : step.uses ?? '(step)');
}

/** `owner/name` of a `uses:` reference without its pinned SHA (`actions/cache/restore`). */
export function actionName(uses: string): string {
  return uses.split('@')[0];
}
