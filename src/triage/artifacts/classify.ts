import { Classification, classifyLog } from '../classify';
import { readReport, ReportFile, ReportVerdict } from './reports';

/**
 * Structured reports first, the log as the fallback. A report decides when it belongs to the
 * failing step (the step's command or output names its tool or its file), or when it agrees with
 * the log's type, or when the log alone found no specific cause. Reports of steps that passed
 * (e.g. a SARIF with warnings from an earlier step) never override the failing step.
 */
export function classifyJob(text: string, reports: readonly ReportFile[] = [], failedStepName?: string): Classification {
  const c = classifyLog(text, failedStepName);
  const verdicts = reports.map(readReport).filter((v): v is ReportVerdict => Boolean(v));
  if (!verdicts.length) return c;
  const step = `${c.step.command}\n${c.step.lines.join('\n')}`.toLowerCase();
  const names = (v: ReportVerdict) => [v.tool.toLowerCase(), v.file.toLowerCase(), v.file.toLowerCase().replace(/\.[^.]+$/, '')];
  const chosen =
    verdicts.find((v) => names(v).some((n) => n.length > 2 && step.includes(n))) ??
    verdicts.find((v) => v.failureType === c.failureType) ??
    (c.priority <= 30 ? verdicts[0] : undefined);
  if (!chosen) return c;
  const evidence = c.evidence.length ? c.evidence : chosen.findings.slice(0, 5).map((f) => [f.file && `${f.file}${f.line ? `:${f.line}` : ''}`, f.rule ?? f.id, f.message].filter(Boolean).join(' '));
  return {
    ...c,
    failureType: chosen.failureType,
    tool: chosen.tool,
    findings: chosen.findings,
    evidence,
    priority: Math.max(c.priority, chosen.priority),
    alsoMatched: [`log:${c.tool}:${c.failureType}`, ...c.alsoMatched],
  };
}
