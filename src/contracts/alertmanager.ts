import { z } from 'zod';
import { describeIssues } from './issues';

/**
 * The Alertmanager webhook body: the gateway validates it on `POST /webhooks/alertmanager`, the
 * alert analysis validates it again from the dispatched event. Alertmanager's webhook body, version 4 (see docs/gateway.md and
 * prometheus/alertmanager `notify/webhook/webhook.go` @ v0.34.0). `notification_reason` (0.32+), `routeLabels` (0.34+)
 * and `truncatedAlerts` are optional so 0.25 bodies pass; unknown top-level keys are ignored.
 */
const labelMap = z.record(z.string(), z.string());

export const webhookAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelMap,
  annotations: labelMap.default({}),
  startsAt: z.string().min(1),
  endsAt: z.string().default('0001-01-01T00:00:00Z'),
  generatorURL: z.string().default(''),
  fingerprint: z.string().regex(/^[0-9a-f]{1,64}$/, 'expected a lowercase hex fingerprint'),
});

export const alertmanagerPayloadSchema = z.object({
  version: z.literal('4'),
  groupKey: z.string().min(1),
  truncatedAlerts: z.number().int().nonnegative().default(0),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labelMap,
  commonLabels: labelMap,
  commonAnnotations: labelMap,
  externalURL: z.string(),
  notification_reason: z.string().optional(),
  routeLabels: labelMap.optional(),
  alerts: z.array(webhookAlertSchema).min(1),
});

export type AlertmanagerPayload = z.infer<typeof alertmanagerPayloadSchema>;
export type WebhookAlert = z.infer<typeof webhookAlertSchema>;

/** Parses or throws an Error whose message names the first failing paths. */
export function parseAlertmanagerPayload(json: unknown): AlertmanagerPayload {
  const r = alertmanagerPayloadSchema.safeParse(json);
  if (r.success) return r.data;
  throw new Error(`invalid Alertmanager payload: ${describeIssues(r.error)}`);
}
