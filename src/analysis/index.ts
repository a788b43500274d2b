/**
 * The shared analysis core, used by triage, alert analysis and drift analysis.
 * Depends on none of them. Public surface:
 *
 * - report shapes: {@link Report}, {@link ReportEnvelope}, {@link envelope}
 * - providers: {@link LlmProvider}, {@link createProvider}, {@link analyze} (redaction, budget,
 *   cache, retries, zod validation, one re-ask, deterministic fallback)
 * - prompts: {@link loadPrompt}, {@link fenceData}
 * - redaction: {@link redact}, {@link Redactor}
 * - log reduction: {@link reduceLog}
 * - output hygiene: {@link sanitizeReport}, {@link sanitizeText}
 * - sinks: {@link Sink}, {@link createSink}, {@link dedupeLabel}
 * - the run-and-publish spine: {@link runAnalysis}, {@link AnalysisSession}
 */
export * from './report';
export * from './errors';
export * from './redact';
export * from './prompts';
export * from './tokens';
export * from './hygiene';
export * from './retry';
export * from './store';
export * from './analyze';
export * from './reduce';
export * from './providers';
export * from './sinks';
export * from './run';
