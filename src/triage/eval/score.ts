import { OfflineProvider } from '../../analysis';
import { triage } from '../triage';
import type { FailureType } from '../types';
import type { EvalCase } from './corpus';

/** One case's outcome. */
export interface CaseScore {
  readonly name: string;
  readonly expectedType: FailureType;
  readonly gotType: FailureType;
  readonly typeOk: boolean;
  readonly keys: number;
  readonly found: number;
  readonly missing: string[];
  /** Planted secrets that reached the report (JSON or markdown). */
  readonly leaks: string[];
  /** Planted mentions or links that reached the report verbatim (not neutralised). */
  readonly injected: string[];
}

export interface EvalSummary {
  readonly cases: number;
  readonly typeAccuracy: number;
  readonly findingRecall: number;
  readonly leaks: number;
  readonly injected: number;
  readonly results: CaseScore[];
}

export interface EvalOptions {
  /** Ignore the cases' artifacts (score the log parsers alone). */
  readonly logsOnly?: boolean;
}

/**
 * Runs triage offline on every case, exactly as `mlops triage` would (same classification,
 * explanation, hygiene and redaction), and scores what a human reads: a key counts as found when
 * it appears in the report's markdown or its findings.
 */
export async function evaluate(cases: EvalCase[], opts: EvalOptions = {}): Promise<EvalSummary> {
  const provider = new OfflineProvider();
  const results: CaseScore[] = [];
  for (const c of cases) {
    const res = await triage([{ source: c.name, text: c.log, reports: opts.logsOnly ? [] : c.reports }], {}, { provider });
    const r = res.report;
    const visible = [res.markdown, ...r.findings.map((f) => [f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : '', f.rule, f.id, f.message].filter(Boolean).join(' '))].join('\n');
    const everything = `${JSON.stringify(r)}\n${res.markdown}`;
    const missing = c.expected.findings.filter((k) => !visible.includes(k));
    const planted = c.expected.planted ?? { secrets: [], mentions: [] };
    results.push({
      name: c.name,
      expectedType: c.expected.type,
      gotType: r.failureType,
      typeOk: r.failureType === c.expected.type,
      keys: c.expected.findings.length,
      found: c.expected.findings.length - missing.length,
      missing,
      leaks: planted.secrets.filter((s) => everything.includes(s)),
      injected: planted.mentions.filter((m) => everything.includes(m)),
    });
  }
  const keys = results.reduce((n, x) => n + x.keys, 0);
  const found = results.reduce((n, x) => n + x.found, 0);
  return {
    cases: results.length,
    typeAccuracy: results.filter((x) => x.typeOk).length / results.length,
    findingRecall: keys ? found / keys : 1,
    leaks: results.reduce((n, x) => n + x.leaks.length, 0),
    injected: results.reduce((n, x) => n + x.injected.length, 0),
    results,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** The human-readable table: one line per case that missed something, then the totals. */
export function formatSummary(s: EvalSummary, label = 'corpus'): string {
  const lines: string[] = [];
  for (const r of s.results) {
    if (r.typeOk && !r.missing.length && !r.leaks.length && !r.injected.length) continue;
    const what = [
      r.typeOk ? '' : `type ${r.gotType} (expected ${r.expectedType})`,
      r.missing.length ? `missing ${r.missing.map((m) => JSON.stringify(m)).join(', ')}` : '',
      r.leaks.length ? `LEAKED ${r.leaks.length} planted secret(s)` : '',
      r.injected.length ? `INJECTED ${r.injected.join(', ')}` : '',
    ].filter(Boolean);
    lines.push(`  ${r.name}: ${what.join('; ')}`);
  }
  lines.push(`${label}: ${s.cases} cases · type accuracy ${pct(s.typeAccuracy)} · finding recall ${pct(s.findingRecall)} · leaks ${s.leaks} · injected mentions ${s.injected}`);
  return lines.join('\n');
}
