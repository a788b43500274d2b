import * as fs from 'node:fs';
import { UsageError } from '../analysis/errors';
import { parseAlertmanagerPayload, type AlertmanagerPayload } from '../gateway/schema';

/**
 * Reads the alert group the analysis runs on. Accepts, in this order: a GitHub
 * `repository_dispatch` event (`client_payload.group`, as `GITHUB_EVENT_PATH` holds it), the
 * gateway's `client_payload` (`{group, outboxId}`), or an Alertmanager webhook body.
 * @throws UsageError naming the file and the failing path.
 */
export function readAlertGroup(file: string): { group: AlertmanagerPayload; outboxId?: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--alert ${file}: ${(err as Error).message}`);
  }
  const obj = (raw ?? {}) as Record<string, unknown>;
  const payload = (obj.client_payload as Record<string, unknown> | undefined) ?? obj;
  const group = (payload.group as unknown) ?? payload;
  try {
    return { group: parseAlertmanagerPayload(group), outboxId: typeof payload.outboxId === 'string' ? payload.outboxId : undefined };
  } catch (err) {
    throw new UsageError(`--alert ${file}: ${(err as Error).message}`);
  }
}
