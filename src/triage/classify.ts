import { failingStep, LogStep, splitSteps } from './log';
import { runParsers } from './parsers';
import type { FailureType, Finding, ParseResult } from './types';

/** The code's verdict on one job log. */
export interface Classification {
  readonly failureType: FailureType;
  readonly tool: string;
  readonly findings: Finding[];
  readonly evidence: string[];
  readonly priority: number;
  /** The step that failed the job. */
  readonly step: LogStep;
  /** Other parsers that matched (lower priority), for the record. */
  readonly alsoMatched: string[];
}

/** Lines that are runner chatter, not evidence of a cause. */
const NOISE = /^(##\[(endgroup|group)\]|shell: |env:|\s+\w+: \/opt\/hostedtoolcache|Post job cleanup|Cleaning up orphan processes|\[exit )/;

/**
 * Classifies a job log. Only the failing step decides (continue-on-error failures are ignored);
 * when nothing recognises a cause, the answer is `unknown` with the step's last lines as
 * evidence, never a guess.
 */
export function classifyLog(raw: string, failedStepName?: string): Classification {
  const steps = splitSteps(raw);
  const step = failingStep(steps, failedStepName) ?? { name: '(log)', command: '', lines: [], failed: false, errors: [] };
  const lines = step.lines.filter((l) => !/^##\[error\]Process completed with exit code \d+\.$/.test(l));
  const matches: ParseResult[] = runParsers(lines, step.command);
  const best = matches[0];
  if (!best) {
    const tail = step.lines.filter((l) => l.trim() && !NOISE.test(l)).slice(-10);
    const exit = step.errors.find((e) => /exit code/.test(e));
    return {
      failureType: 'unknown',
      tool: 'unknown',
      findings: exit ? [{ tool: 'runner', message: exit }] : [],
      evidence: tail,
      priority: 0,
      step,
      alsoMatched: [],
    };
  }
  return {
    failureType: best.failureType,
    tool: best.tool,
    findings: best.findings.map(clean),
    evidence: best.evidence.map((e) => e.trim()).filter(Boolean).slice(0, 8),
    priority: best.priority,
    step,
    alsoMatched: matches.slice(1).map((m) => `${m.tool}:${m.failureType}`),
  };
}

/** Drops undefined/empty fields (fields that do not apply are omitted). */
function clean(f: Finding): Finding {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== '' && !(typeof v === 'number' && Number.isNaN(v)))) as unknown as Finding;
}
