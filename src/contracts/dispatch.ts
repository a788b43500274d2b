import { z } from 'zod';
import { alertmanagerPayloadSchema, type AlertmanagerPayload } from './alertmanager';
import { describeIssues } from './issues';

/**
 * Every GitHub `repository_dispatch` this platform sends, and its `client_payload`.
 * Senders build the payload from these types; the workflows trigger on {@link dispatchEventTypes};
 * receivers (the analyses, reading `GITHUB_EVENT_PATH`) parse with these schemas.
 * GitHub's own rules on the payload (at most 10 top-level keys, 64 KiB) are kept by the gateway's compaction.
 */
export const dispatchEventTypes = {
  /** An Alertmanager group relayed by the gateway (alert-analysis workflow). */
  alert: 'alert',
  /** An Alertmanager group of drift alerts relayed by the gateway (drift-analysis workflow). */
  drift: 'drift',
  /** A P0 drift result asking for a retrain (retrain workflow). */
  retrain: 'retrain',
} as const;

/** The event types the gateway relays Alertmanager groups as. */
export type GroupEventType = typeof dispatchEventTypes.alert | typeof dispatchEventTypes.drift;

/** `client_payload` of the gateway's `alert` and `drift` events: the (compacted) group and its outbox id. */
export const groupDispatchPayloadSchema = z.object({
  group: alertmanagerPayloadSchema,
  outboxId: z.string().min(1),
});
export type GroupDispatchPayload = z.infer<typeof groupDispatchPayloadSchema>;

/** `client_payload` of the `retrain` event drift analysis sends on P0. */
export const retrainDispatchPayloadSchema = z.object({
  model: z.string().min(1),
  // The analysed window as the drift report holds it. Note: the retrain workflow's `window` input is
  // a duration string ("7d") or FROM/TO; reconciling the two is the P0-loop work, not this contract's.
  window: z.object({
    from: z.string().nullable(),
    to: z.string().nullable(),
    referenceRows: z.number(),
    currentRows: z.number(),
  }),
  urgency: z.literal('P0'),
  rootCause: z.string().min(1),
  affectedFeatures: z.array(z.string()),
  dedupeKey: z.string().min(1),
});
export type RetrainDispatchPayload = z.infer<typeof retrainDispatchPayloadSchema>;

/**
 * The alert group a run was triggered with. Accepts, in this order: a GitHub `repository_dispatch`
 * event (`client_payload.group`, as `GITHUB_EVENT_PATH` holds it), the gateway's `client_payload`
 * (`{group, outboxId}`), or a bare Alertmanager webhook body.
 * @throws Error naming the failing paths.
 */
export function parseDispatchedGroup(raw: unknown): { group: AlertmanagerPayload; outboxId?: string } {
  const obj = (raw ?? {}) as Record<string, unknown>;
  const payload = (obj.client_payload as Record<string, unknown> | undefined) ?? obj;
  const group = (payload.group as unknown) ?? payload;
  const parsed = alertmanagerPayloadSchema.safeParse(group);
  if (!parsed.success) throw new Error(`invalid Alertmanager payload: ${describeIssues(parsed.error)}`);
  return { group: parsed.data, outboxId: typeof payload.outboxId === 'string' ? payload.outboxId : undefined };
}
