import * as fs from 'node:fs';
import { UsageError } from '../analysis/errors';
import type { AlertmanagerPayload } from '../contracts/alertmanager';
import { parseDispatchedGroup } from '../contracts/dispatch';

/**
 * Reads the alert group the analysis runs on: a `repository_dispatch` event, the gateway's
 * `client_payload` or an Alertmanager body (see {@link parseDispatchedGroup}).
 * @throws UsageError naming the file and the failing path.
 */
export function readAlertGroup(file: string): { group: AlertmanagerPayload; outboxId?: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--alert ${file}: ${(err as Error).message}`);
  }
  try {
    return parseDispatchedGroup(raw);
  } catch (err) {
    throw new UsageError(`--alert ${file}: ${(err as Error).message}`);
  }
}
