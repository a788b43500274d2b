import { z } from 'zod';
import { AnalysisStore, LlmProvider, Redactor, analyze, loadPrompt, sanitizeReport } from '../analysis';
import type { DriftAnalysis } from './analyze';
import type { DriftReport } from './report';

/**
 * The LLM path: `prompts/drift/drift.md` through the analysis core (redaction, budget, cache, structured
 * output, offline fallback). The model only explains: its answer has no field for the root cause, the
 * urgency or the remediation, and every sentence must rest on evidence lines computed by code. A
 * citation that is not one of those lines is dropped; an answer citing none keeps the offline text.
 */

export const driftExplanationSchema = z.object({
  explanation: z.string().min(1).max(2000),
  citedEvidence: z.array(z.string()).min(1).max(6),
  headline: z.string().max(80).optional(),
});

export type DriftExplanation = z.infer<typeof driftExplanationSchema>;

export interface ExplainOptions {
  readonly provider: LlmProvider;
  readonly store?: AnalysisStore;
  readonly dailyBudget?: number;
  readonly maxPromptTokens?: number;
  readonly redactor?: Redactor;
  readonly onPrompt?: (text: string) => void;
}

export interface ExplainResult {
  readonly report: DriftReport;
  readonly provider: 'offline' | 'gemini' | 'openai';
  readonly promptVersion: string;
  readonly promptTokens: number;
  readonly redactor: Redactor;
  readonly fallbackReason?: string;
}

export async function explain(analysis: DriftAnalysis, opts: ExplainOptions): Promise<ExplainResult> {
  const { report } = analysis;
  const redactor = opts.redactor ?? new Redactor();
  const featureTable = JSON.stringify(
    report.features.map((f) => ({
      name: f.name,
      kind: f.kind,
      test: f.test,
      statistic: f.statistic,
      pValue: f.pValue,
      psi: f.psi,
      drifted: f.drifted,
      currentNullShare: f.currentNullShare,
      outOfRangeShare: f.outOfRangeShare,
      ...(f.importance !== undefined ? { importance: f.importance } : {}),
    })),
  );
  const prompt = loadPrompt('drift/drift', {
    model: report.model,
    rootCause: report.rootCause,
    urgency: report.urgency,
    remediation: report.remediation,
    affectedFeatures: report.affectedFeatures.length > 0 ? report.affectedFeatures.join(', ') : '(none)',
    evidence: report.evidence.map((e) => `- ${e}`).join('\n'),
    featureTable,
  });
  const offline: DriftExplanation = { explanation: report.explanation, citedEvidence: report.evidence.slice(0, 6) };
  const result = await analyze<DriftExplanation>({
    provider: opts.provider,
    prompt,
    schema: driftExplanationSchema,
    schemaName: 'drift_explanation',
    fallback: () => offline,
    redactor,
    store: opts.store,
    dailyBudget: opts.dailyBudget,
    maxPromptTokens: opts.maxPromptTokens,
    onPrompt: opts.onPrompt,
  });
  let fallbackReason = result.fallbackReason;
  let answer = result.answer;
  if (result.provider !== 'offline') {
    const known = new Set(report.evidence);
    const cited = answer.citedEvidence.map((c) => c.replace(/^-\s*/, '').trim()).filter((c) => known.has(c));
    if (cited.length === 0) {
      fallbackReason = `${result.provider} cited no evidence line computed by code; kept the offline explanation`;
      answer = offline;
    } else {
      answer = { ...answer, citedEvidence: cited };
    }
  }
  const explanation = answer.headline ? `${answer.headline}: ${answer.explanation}` : answer.explanation;
  // The code's fields are authoritative: sanitizeReport puts them back over anything the text touched.
  const merged = sanitizeReport(
    { ...report, explanation, evidence: report.evidence },
    {
      authoritative: {
        rootCause: report.rootCause,
        urgency: report.urgency,
        remediation: report.remediation,
        affectedFeatures: report.affectedFeatures,
        features: report.features,
        datasetDrift: report.datasetDrift,
        shareDrifted: report.shareDrifted,
        accuracy: report.accuracy,
        baselines: report.baselines,
        dedupeKey: report.dedupeKey,
        team: report.team,
      },
    },
  );
  return {
    report: merged,
    provider: result.provider,
    promptVersion: result.promptVersion,
    promptTokens: result.promptTokens,
    redactor,
    ...(fallbackReason ? { fallbackReason } : {}),
  };
}
