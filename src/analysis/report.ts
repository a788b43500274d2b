/**
 * The report shapes every analysis (triage, alert, drift) shares.
 *
 * A report is built by code from parsed facts; the LLM may only fill in explanatory text.
 * `--json` prints one {@link ReportEnvelope}: the report's own fields at top level plus the
 * bookkeeping fields below, so consumers read `report.failureType` and `report.provider` alike.
 */

/** Bumped when a field of the envelope or of a report changes meaning. */
export const SCHEMA_VERSION = 1;

/** The analyses that produce reports. */
export type ReportKind = 'triage' | 'alert' | 'drift';

/** Which provider produced the explanatory text (`offline` when code alone wrote it). */
export type ProviderName = 'offline' | 'gemini' | 'openai';

export const providerNames: readonly ProviderName[] = ['offline', 'gemini', 'openai'];

/** One redaction applied to text that left the process (prompt or posted body). */
export interface Redaction {
  /** What was found, e.g. `github-token`, `aws-access-key`, `password`. */
  readonly kind: string;
  /** The stable placeholder that replaced it, e.g. `[REDACTED:github-token#1]`. */
  readonly placeholder: string;
}

/**
 * Fields every report has. Analyses extend it with their own fields (triage: failureType,
 * findings…; drift: features, urgency…).
 */
export interface Report {
  /** One or two sentences a human reads first. */
  summary: string;
  /** The team that owns the outcome (an id of `teams` in src/config/teams.ts). */
  team?: string;
  /**
   * Idempotency key for sinks: the same key updates/comments instead of posting a twin.
   * @see dedupeLabel
   */
  dedupeKey?: string;
}

/** The object `--json` prints and `report.json` holds. */
export type ReportEnvelope<R extends Report = Report> = R & {
  readonly schemaVersion: number;
  readonly kind: ReportKind;
  readonly provider: ProviderName;
  /** `<prompt name>@<version>`, e.g. `triage/lint@1`; empty when no prompt was rendered. */
  readonly promptVersion: string;
  /** Estimated tokens of the prompt that was (or would have been) sent. */
  readonly promptTokens: number;
  /** Redactions applied to the prompt and the report text. */
  readonly redactions: Redaction[];
  /** Why the LLM answer was not used, when a non-offline provider was asked for. */
  readonly fallbackReason?: string;
};

/** Builds the envelope: the report's fields first, then the bookkeeping fields. */
export function envelope<R extends Report>(
  kind: ReportKind,
  report: R,
  meta: {
    provider: ProviderName;
    promptVersion?: string;
    promptTokens?: number;
    redactions?: Redaction[];
    fallbackReason?: string;
  },
): ReportEnvelope<R> {
  const env = {
    ...report,
    schemaVersion: SCHEMA_VERSION,
    kind,
    provider: meta.provider,
    promptVersion: meta.promptVersion ?? '',
    promptTokens: meta.promptTokens ?? 0,
    redactions: meta.redactions ?? [],
  } as ReportEnvelope<R>;
  if (meta.fallbackReason) (env as { fallbackReason?: string }).fallbackReason = meta.fallbackReason;
  return env;
}
