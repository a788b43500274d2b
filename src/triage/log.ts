import { normalizeLog } from '../analysis';

/**
 * GitHub Actions job logs: split into steps and find the step that failed the job.
 *
 * A step starts at `##[group]Run <command>`; its command echo and env block end at the first
 * `##[endgroup]`. A failed step ends with `##[error]…` (usually `Process completed with exit
 * code N.`). Steps marked `continue-on-error` fail the same way but the job goes on, so the step
 * that decides is the LAST failed step before post-job cleanup; earlier failed steps are kept
 * only as context. Logs without any step marker are one step.
 */
export interface LogStep {
  /** `Run …` header text without `Run `, or `(log)` for unstructured input. */
  readonly name: string;
  /** The script the step ran (every echoed line), or the header for `uses:` steps. */
  readonly command: string;
  /** Output lines after the header group, timestamps and ANSI stripped. */
  readonly lines: string[];
  /** The step ended with `##[error]`. */
  readonly failed: boolean;
  /** `##[error]` lines of the step, without the prefix. */
  readonly errors: string[];
}

const STEP = /^##\[group\]Run (.*)$/;
const POST = /^(Post job cleanup\.|Cleaning up orphan processes|##\[group\]Run (?:post|Post) )/;

export function splitSteps(raw: string): LogStep[] {
  const lines = normalizeLog(raw);
  const starts: number[] = [];
  lines.forEach((l, i) => {
    if (STEP.test(l)) starts.push(i);
  });
  if (!starts.length) {
    const errors = lines.filter((l) => l.startsWith('##[error]')).map((l) => l.slice(9));
    return [{ name: '(log)', command: '', lines, failed: true, errors }];
  }
  const steps: LogStep[] = [];
  for (let s = 0; s < starts.length; s++) {
    const start = starts[s];
    const end = s + 1 < starts.length ? starts[s + 1] : lines.length;
    const name = STEP.exec(lines[start])![1].trim();
    let i = start + 1;
    let command = name;
    const endGroup = lines.slice(start + 1, end).findIndex((l) => l === '##[endgroup]');
    if (endGroup >= 0) {
      // The header shows a script's first line only; the group echoes the whole script before
      // its `shell:`/`env:`/`with:` block.
      const group = lines.slice(start + 1, start + 1 + endGroup);
      const stop = group.findIndex((l) => /^(shell|env|with):/.test(l));
      const script = (stop >= 0 ? group.slice(0, stop) : group).map((l) => l.trim()).filter(Boolean);
      if (script.length) command = script.join('\n');
      i = start + 1 + endGroup + 1;
    }
    let body = lines.slice(i, end);
    const post = body.findIndex((l) => POST.test(l));
    if (post >= 0) body = body.slice(0, post);
    const errors = body.filter((l) => l.startsWith('##[error]')).map((l) => l.slice(9));
    steps.push({ name, command, lines: body, failed: errors.length > 0, errors });
  }
  return steps;
}

/**
 * The step that failed the job: the last failed step (continue-on-error failures come earlier
 * and are followed by steps that ran). With the jobs API's step list, `failedStepName` (a step
 * whose conclusion is `failure`) is preferred when it matches a header.
 */
export function failingStep(steps: LogStep[], failedStepName?: string): LogStep | undefined {
  if (failedStepName) {
    const wanted = failedStepName.replace(/^Run /, '');
    const byName = [...steps].reverse().find((s) => s.failed && (s.name === wanted || s.command === wanted));
    if (byName) return byName;
  }
  return [...steps].reverse().find((s) => s.failed) ?? steps[steps.length - 1];
}
