import { list } from './flags';
import { UsageError } from '../analysis/errors';
import { parseDelimiter } from '../drift/csv';
import type { DriftSource } from '../drift/run';
import type { ColumnKind } from '../drift/stats/column';

/** `--delimiter` (one ASCII character, or `tab`); undefined: sniffed per file. @throws UsageError */
function delimiterOf(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  try {
    return parseDelimiter(String(v));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/**
 * `analyze-drift`'s input flags → where the two windows come from: `--reference`/`--current` CSV files
 * (with column flags), or the gateway's capture API (`--gateway-url`, token from GATEWAY_TOKEN).
 * @throws UsageError naming the flag
 */
export function driftSourceOf(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): DriftSource {
  const [reference, current] = [raw.reference as string | undefined, raw.current as string | undefined];
  const gatewayUrl = (raw.gatewayUrl as string | undefined) ?? env.GATEWAY_URL;
  if ((!reference || !current) && !gatewayUrl) throw new UsageError('--reference CSV and --current CSV are required (or --gateway-url for the online mode)');
  const kinds = new Map<string, ColumnKind>(list(raw.categorical).map((c) => [c, 'categorical']));
  for (const c of list(raw.numerical)) {
    if (kinds.has(c)) throw new UsageError(`column "${c}" is given both --categorical and --numerical`);
    kinds.set(c, 'numerical');
  }
  if (raw.prediction && !raw.target) throw new UsageError('--prediction needs --target (accuracy compares them)');
  if (reference && current) {
    const delimiter = delimiterOf(raw.delimiter);
    return {
      kind: 'tables',
      reference,
      current,
      delimiter,
      table: { target: raw.target as string | undefined, prediction: raw.prediction as string | undefined, ignore: list(raw.ignore), kinds },
    };
  }
  if (!env.GATEWAY_TOKEN) throw new UsageError('the online mode needs GATEWAY_TOKEN in the environment (the capture API\'s bearer token)');
  const windowHours = raw.windowHours === undefined ? 24 : Number(raw.windowHours);
  if (!Number.isFinite(windowHours) || windowHours <= 0) throw new UsageError(`--window-hours must be a positive number, got "${String(raw.windowHours)}"`);
  return {
    kind: 'online',
    gatewayUrl: gatewayUrl!,
    token: env.GATEWAY_TOKEN,
    windowHours,
    modelName: raw.modelName as string | undefined,
    mlflowUrl: (raw.mlflowUrl as string | undefined) ?? env.MLFLOW_TRACKING_URI,
    releaseFile: raw.release as string | undefined,
    alertFile: raw.alert as string | undefined,
  };
}
