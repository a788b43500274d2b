import { z } from 'zod';

/**
 * The drift-run report between the drift-analysis workflow (src/ci/drift-analysis.ts) and the gateway:
 * `POST /v1/drift-runs` (bearer) after `mlops analyze-drift` finished. The gateway keeps the last
 * success per model and exports it as `mlops_drift_analysis_last_success_timestamp_seconds{model_name}`
 * (the `DriftInputsStale` rule and the drift dashboard read it).
 */

/** A model name as a Kubernetes resource name (DNS-1123 label): it becomes a metric label, so it is bounded. */
export const driftRunModelPattern = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Body of `POST /v1/drift-runs`. */
export const driftRunBodySchema = z.strictObject({
  /** The analysed model (the InferenceService / registered model name, e.g. `credit-risk`). */
  model: z.string().regex(driftRunModelPattern, 'model must be a DNS-1123 label (lower case, digits, "-", at most 63)'),
  /** Outcome of the run; only `success` moves the gauge (a failure is recorded in the response only). */
  status: z.enum(['success', 'failure']),
  /** When the run finished (RFC 3339 with offset); the gateway's receive time when absent. */
  finishedAt: z.iso.datetime({ offset: true }).optional(),
});
export type DriftRunBody = z.infer<typeof driftRunBodySchema>;
