import type { Rehearsal, StepKind } from './runner';
import { formatSkipTable, SkipRule } from './skips';

/** Counts and the printed summary of one or more rehearsals. */

export type Counts = Record<StepKind, number> & { substituted: number };

export function count(rehearsals: readonly Rehearsal[]): Counts {
  const c: Counts = { 'run': 0, 'emulated': 0, 'skipped': 0, 'not-run': 0, 'substituted': 0 };
  for (const s of rehearsals.flatMap((r) => r.steps)) {
    c[s.kind]++;
    if (s.substitutions.length) c.substituted++;
  }
  return c;
}

export function usedSkips(rehearsals: readonly Rehearsal[]): Set<SkipRule> {
  return new Set(rehearsals.flatMap((r) => r.steps).flatMap((s) => (s.skip ? [s.skip] : [])));
}

export function summary(rehearsals: readonly Rehearsal[]): string {
  const c = count(rehearsals);
  const lines = rehearsals.flatMap((r) => [
    `## ${r.workflow} (${r.event}): ${r.jobs.map((j) => `${j.id} ${j.result}`).join(', ')}`,
    ...r.steps.map((s) => `  [${s.kind}] ${s.job} › ${s.label}: ${s.conclusion}${s.reason && s.kind !== 'run' ? ` — ${s.reason.split('\n')[0]}` : ''}${s.substitutions.length ? ` (substituted: ${s.substitutions.join('; ')})` : ''}`),
  ]);
  return [
    ...lines,
    '',
    `steps: ${c.run} run (${c.substituted} of them through a registry substitution), ${c.emulated} emulated actions, ${c.skipped} skipped by the table, ${c['not-run']} not run by their if: or job`,
    '',
    'Skip table (test/ci/rehearsal/skips.ts):',
    formatSkipTable(usedSkips(rehearsals)),
  ].join('\n');
}
