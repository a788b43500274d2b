import { z } from 'zod';

/**
 * The capture API between the gateway (which stores KServe payload-logger events and labels) and
 * everything that reads captures (drift analysis, retraining): `GET /v1/captures` answers NDJSON,
 * one {@link CaptureLine} per instance, oldest first; `POST /feedback` takes ground-truth labels.
 */

/** Query parameters of `GET /v1/captures` (all optional; times RFC 3339 or Unix seconds). */
export const capturesQueryParams = ['model', 'from', 'to', 'labelled'] as const;

/** One NDJSON line of `GET /v1/captures`: one instance of a captured request. */
export const captureLineSchema = z.object({
  requestId: z.string(),
  ceId: z.string(),
  /** Position of the instance in the request. */
  index: z.number().int().nonnegative(),
  model: z.string(),
  namespace: z.string(),
  /** RFC 3339 time of the request. */
  time: z.string(),
  /** The instance as the model saw it: v1 objects as they are; arrays keyed "0", "1", …; scalars as {"value": x}. */
  features: z.record(z.string(), z.unknown()),
  prediction: z.unknown(),
  probabilities: z.unknown(),
  /** Ground truth from /feedback, or null. */
  label: z.unknown(),
});
export type CaptureLine = Readonly<z.infer<typeof captureLineSchema>>;

const labelValue = z.union([z.string(), z.number(), z.boolean()]);
const feedbackItem = z.strictObject({
  requestId: z.string().min(1),
  /** One label per instance of the request, or a single label for a one-instance request. */
  label: labelValue.optional(),
  labels: z.array(labelValue).min(1).optional(),
}).refine((v) => (v.label === undefined) !== (v.labels === undefined), { message: 'give exactly one of "label" or "labels"' });

/** Body of `POST /feedback`: one item, or `{items: [...]}` (at most 10,000). */
export const feedbackBodySchema = z.union([feedbackItem, z.strictObject({ items: z.array(feedbackItem).min(1).max(10_000) })]);
export type FeedbackBody = z.infer<typeof feedbackBodySchema>;
