import type { AlertmanagerPayload, WebhookAlert } from '../contracts/alertmanager';

/**
 * GitHub rejects a `repository_dispatch` whose `client_payload` has more than 10 top-level keys or
 * is over 64 KB; we stay under 60 KB (the budget below leaves room for the outbox id).
 */
export const dispatchPayloadLimitBytes = 60_000;
/** Annotations kept on the group and on each alert; everything else (and `generatorURL`) is dropped. */
export const keptAnnotations = ['summary', 'description', 'runbook_url'] as const;
/** Longest label/annotation value kept; longer ones are cut with a marker. */
export const maxValueChars = 2_048;

export interface CompactAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  fingerprint: string;
}

export interface CompactGroup {
  version: '4';
  groupKey: string;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  notification_reason?: string;
  routeLabels?: Record<string, string>;
  truncatedAlerts: number;
  alerts: CompactAlert[];
}

const cut = (v: string) => (v.length > maxValueChars ? `${v.slice(0, maxValueChars)}…[truncated]` : v);

function trimMap(m: Record<string, string>, keep?: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) {
    if (keep && !keep.includes(k)) continue;
    out[k] = cut(v);
  }
  return out;
}

function compactAlert(a: WebhookAlert): CompactAlert {
  return {
    status: a.status,
    labels: trimMap(a.labels),
    annotations: trimMap(a.annotations, keptAnnotations),
    startsAt: a.startsAt,
    endsAt: a.endsAt,
    fingerprint: a.fingerprint,
  };
}

/** UTF-8 size of the `client_payload` this group would be sent in. */
export function clientPayloadBytes(group: CompactGroup, outboxId = '00000000-0000-0000-0000-000000000000'): number {
  return Buffer.byteLength(JSON.stringify({ group, outboxId }), 'utf8');
}

/**
 * Drops what the analysis does not need and truncates `alerts[]` (firing alerts kept first, the
 * rest counted in `truncatedAlerts`) until the client payload is under `limitBytes`.
 */
export function compactGroup(payload: AlertmanagerPayload, limitBytes = dispatchPayloadLimitBytes): CompactGroup {
  const ordered = [...payload.alerts.filter((a) => a.status === 'firing'), ...payload.alerts.filter((a) => a.status !== 'firing')];
  const alerts = ordered.map(compactAlert);
  const base: CompactGroup = {
    version: '4',
    groupKey: cut(payload.groupKey),
    status: payload.status,
    receiver: cut(payload.receiver),
    groupLabels: trimMap(payload.groupLabels),
    commonLabels: trimMap(payload.commonLabels),
    commonAnnotations: trimMap(payload.commonAnnotations, keptAnnotations),
    externalURL: cut(payload.externalURL),
    ...(payload.notification_reason !== undefined ? { notification_reason: cut(payload.notification_reason) } : {}),
    ...(payload.routeLabels !== undefined ? { routeLabels: trimMap(payload.routeLabels) } : {}),
    truncatedAlerts: payload.truncatedAlerts ?? 0,
    alerts: [],
  };
  const withN = (n: number): CompactGroup => ({ ...base, truncatedAlerts: base.truncatedAlerts + (alerts.length - n), alerts: alerts.slice(0, n) });
  if (clientPayloadBytes(withN(alerts.length)) < limitBytes) return withN(alerts.length);
  // Largest n that fits (size grows with n): binary search.
  let lo = 0;
  let hi = alerts.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (clientPayloadBytes(withN(mid)) < limitBytes) lo = mid;
    else hi = mid - 1;
  }
  const result = withN(lo);
  if (clientPayloadBytes(result) >= limitBytes) {
    throw new Error(`alert group ${payload.groupKey.slice(0, 80)} does not fit in ${limitBytes} bytes even without alerts`);
  }
  return result;
}
