import type { GatheredContext } from './gather';
import { type AlertReport, llmAnswerSchema, type LlmAnswer } from './report';
import { analyze, type AnalyzeResult } from '../analysis/analyze';
import { sanitizeText } from '../analysis/hygiene';
import { loadPrompt } from '../analysis/prompts';
import type { LlmProvider } from '../analysis/providers/types';
import type { Redactor } from '../analysis/redact';
import type { AnalysisStore } from '../analysis/store';
import { teams } from '../config/teams';
import type { WebhookAlert } from '../contracts/alertmanager';

/**
 * Merges the model's explanation into the code's report: order, ids, scores and evidence stay
 * the code's; a cause id the code did not find is ignored; evidence lines the model quotes are
 * kept only when they occur verbatim in what it was given; all text is sanitised.
 */
export function mergeExplanation(report: AlertReport, answer: LlmAnswer, givenText: string): AlertReport {
  const byId = new Map(answer.causes.map((c) => [c.id, c]));
  return {
    ...report,
    summary: sanitizeText(answer.summary),
    causes: report.causes.map((c) => {
      const a = byId.get(c.id);
      if (!a) return c;
      const quoted = a.evidence.filter((e) => e.trim().length > 0 && givenText.includes(e.trim()) && !c.evidence.includes(e));
      return {
        ...c,
        evidence: [...c.evidence, ...quoted.map((e) => sanitizeText(e))].slice(0, 8),
        explanation: sanitizeText(a.explanation),
        remediation: sanitizeText(a.remediation),
      };
    }),
  };
}

export interface ExplainOptions {
  readonly provider: LlmProvider;
  readonly redactor: Redactor;
  readonly store?: AnalysisStore;
  readonly dailyBudget?: number;
  readonly maxPromptTokens?: number;
}

/** Runs the LLM path (through the analysis core) or returns the offline report as is. */
export async function explain(
  alert: WebhookAlert,
  ctx: GatheredContext,
  report: AlertReport,
  opts: ExplainOptions,
): Promise<{ report: AlertReport; result: AnalyzeResult<LlmAnswer> }> {
  const logs = (ctx.kube?.logLines ?? []).slice(-150).map((l) => `${l.source}: ${l.line}`).join('\n') || '(none read)';
  const events = (ctx.kube?.events ?? []).join('\n') || '(none read)';
  const metrics = Object.entries(ctx.prom?.queries ?? {}).map(([k, q]) => `${k}: ${q} → ${ctx.prom?.peaks[k] ?? 'no data'}`).join('\n') || '(none read)';
  const top3 = report.causes.slice(0, 3).map(({ rank, id, title, evidence }) => ({ rank, id, title, evidence }));
  const prompt = loadPrompt('alert/sre', {
    alertname: report.alertname,
    alertType: report.alertType,
    severity: report.severity,
    team: teams[report.team].githubTeam,
    ranking: JSON.stringify(top3, null, 2),
    allowedCauses: top3.map((c) => c.id).join(', '),
    alert: JSON.stringify({ labels: alert.labels, annotations: alert.annotations, startsAt: alert.startsAt, status: alert.status }, null, 2),
    logs,
    events,
    metrics,
  });
  const fallback = (): LlmAnswer => ({
    summary: report.summary,
    causes: report.causes.slice(0, 3).filter((c) => c.id !== 'insufficient-evidence' || report.causes.length === 1)
      .map((c) => ({ id: c.id, explanation: c.title, evidence: c.evidence.slice(0, 5), remediation: c.remediation })),
  });
  const result = await analyze({
    provider: opts.provider,
    prompt,
    schema: llmAnswerSchema,
    schemaName: 'alert_explanation',
    fallback,
    redactor: opts.redactor,
    store: opts.store,
    dailyBudget: opts.dailyBudget,
    maxPromptTokens: opts.maxPromptTokens,
  });
  if (result.provider === 'offline') return { report, result };
  const given = [logs, events, metrics, JSON.stringify(top3)].join('\n');
  return { report: mergeExplanation(report, result.answer, opts.redactor.redact(given)), result };
}
