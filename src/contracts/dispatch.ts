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

/** The retrain workflow's default capture window (its `workflow_dispatch` input default, too). */
export const DEFAULT_RETRAIN_WINDOW = '7d';

/**
 * A capture window as the retrain workflow's validation step reads it (src/ci/retrain.ts): a duration back
 * from now (`7d`, `36h`) or `FROM/TO` in ISO 8601. A string, because `${{ github.event.client_payload.window }}`
 * renders an object as the text `Object`, which that step refuses (exit 2).
 */
export const retrainWindowSchema = z.string().regex(/^([0-9]{1,4}[dh]|[0-9T:.Z+-]+\/[0-9T:.Z+-]+)$/, 'a duration (7d, 36h) or FROM/TO in ISO 8601');

/** The window a drift report analysed, as the retrain window: FROM/TO when both ends are known, else the default. */
export function retrainWindow(window: { from: string | null; to: string | null }): string {
  return window.from && window.to ? `${window.from}/${window.to}` : DEFAULT_RETRAIN_WINDOW;
}

/** `client_payload` of the `retrain` event drift analysis sends on P0. */
export const retrainDispatchPayloadSchema = z.object({
  model: z.string().min(1),
  window: retrainWindowSchema,
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
