import { z } from 'zod';
import { providerNames, SCHEMA_VERSION } from '../analysis';
import { failureTypes } from './types';
import { teamIds } from '../config/teams';

/** What the LLM may answer: explanation only. Unknown keys (e.g. a `failureType`) are dropped. */
export const explanationSchema = z.object({
  summary: z.string().min(1).max(2_000),
  rootCause: z.string().min(1).max(4_000),
  remediation: z.string().min(1).max(4_000),
  evidence: z.array(z.string().max(500)).max(5).optional(),
});

const finding = z.strictObject({
  tool: z.string().max(100),
  message: z.string().max(4_000),
  file: z.string().max(500).optional(),
  line: z.number().int().nonnegative().optional(),
  rule: z.string().max(200).optional(),
  id: z.string().max(300).optional(),
  severity: z.string().max(50).optional(),
});

/**
 * A triage report.json as the analysis job wrote it. The posting job re-validates it: the
 * analysis job ran on untrusted logs, so its output is input here.
 */
export const triageEnvelopeSchema = z.strictObject({
  failureType: z.enum(failureTypes),
  team: z.enum(teamIds as [string, ...string[]]),
  summary: z.string().min(1).max(4_000),
  findings: z.array(finding).max(200),
  rootCause: z.string().max(4_000),
  remediation: z.string().max(4_000),
  evidence: z.array(z.string().max(2_000)).max(50),
  dedupeKey: z.string().min(1).max(500),
  repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/).optional(),
  workflow: z.string().max(300).optional(),
  job: z.string().max(300).optional(),
  step: z.string().max(1_000).optional(),
  runId: z.number().int().positive().optional(),
  runUrl: z.string().url().max(500).optional(),
  branch: z.string().max(300).optional(),
  commitSha: z.string().regex(/^[0-9a-f]{40}$/).optional(),
  forkRun: z.boolean().optional(),
  logNotes: z.array(z.string().max(500)).max(20).optional(),
  schemaVersion: z.literal(SCHEMA_VERSION),
  kind: z.literal('triage'),
  provider: z.enum(providerNames as unknown as [string, ...string[]]),
  promptVersion: z.string().max(100),
  promptTokens: z.number().int().nonnegative(),
  redactions: z.array(z.strictObject({ kind: z.string().max(50), placeholder: z.string().max(100) })).max(500),
  fallbackReason: z.string().max(1_000).optional(),
});
