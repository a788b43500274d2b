import { z } from 'zod';
import { causeIds, type CauseId, type RankedCause } from './causes';
import type { Report } from '../analysis/report';
import { alertCatalog, type AlertType } from '../config/metrics';
import { teamById, teams, type TeamId } from '../config/teams';

/** The alert analysis report (`--json` prints it inside the shared envelope, kind `alert`). */
export interface AlertReport extends Report {
  summary: string;
  team: TeamId;
  dedupeKey: string;
  alertname: string;
  alertType: AlertType | 'unknown';
  severity: string;
  status: 'firing' | 'resolved';
  fingerprint: string;
  startsAt: string;
  endsAt?: string;
  namespace?: string;
  pod?: string;
  model?: string;
  /** Code's ranking (all matched causes); the LLM may add explanation and remediation text only. */
  causes: Array<RankedCause & { explanation?: string }>;
  topCause: CauseId;
  /** What was read, and what could not be. */
  sources: {
    logLines: number;
    events: number;
    rollouts: number;
    queries: Record<string, string>;
    peaks: Partial<Record<string, number>>;
    problems: string[];
  };
}

export const alertDedupeKey = (fingerprint: string) => `alert:${fingerprint}`;

export function alertTypeOf(labels: Record<string, string>): AlertType | 'unknown' {
  const fromCatalog = (alertCatalog as Record<string, { type: AlertType }>)[labels.alertname]?.type;
  return (labels.type as AlertType | undefined) && Object.values(alertCatalog).some((a) => a.type === labels.type)
    ? (labels.type as AlertType)
    : fromCatalog ?? 'unknown';
}

/** The owning team from the alert's `team` label, else the catalog's, else platform. */
export function teamOf(labels: Record<string, string>): TeamId {
  const id = labels.team ?? (alertCatalog as Record<string, { team: string }>)[labels.alertname]?.team ?? 'platform';
  return id in teams ? teamById(id).id : 'platform';
}

/** What the LLM may answer: explanation text for the code's causes, by id. */
export const llmAnswerSchema = z.object({
  summary: z.string().min(1).max(1000),
  causes: z.array(z.object({
    id: z.enum(causeIds as [CauseId, ...CauseId[]]),
    explanation: z.string().max(2000),
    evidence: z.array(z.string().max(500)).max(5),
    remediation: z.string().max(2000),
  })).max(3),
});
export type LlmAnswer = z.infer<typeof llmAnswerSchema>;
