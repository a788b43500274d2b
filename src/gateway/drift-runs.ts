import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Gauge } from 'prom-client';
import { HttpError, type GatewayContext, type Route, type RouteModule } from './http';
import { metrics } from '../config/metrics';
import { driftRunBodySchema } from '../contracts/drift-runs';
import { gatewayPaths } from '../contracts/gateway';

/**
 * `POST /v1/drift-runs` (bearer): the drift-analysis workflow reports a finished `mlops analyze-drift`
 * run; the gateway exports the last success per model as
 * `mlops_drift_analysis_last_success_timestamp_seconds{model_name}` (rule `DriftInputsStale`).
 *
 * Persistence: the last success per model is a small JSON file in the state directory, replaced
 * atomically (write + rename) on each success, read at start. A restart therefore keeps the gauge
 * instead of leaving it absent (absent would hide "drift analysis stopped" until the next run). One
 * row per model a day does not need the capture store's SQLite writer thread.
 *
 * Bounds: model names are DNS-1123 labels (the contract) and at most {@link maxDriftRunModels} distinct
 * ones are kept (the gauge's label cardinality); `finishedAt` may lie at most {@link futureSkewMs} in
 * the future; an older success than the stored one never moves the gauge back.
 */

/** Distinct models the gateway keeps a last success for (label cardinality bound). */
export const maxDriftRunModels = 100;
/** How far in the future a reported `finishedAt` may be (clock skew between runner and gateway). */
export const futureSkewMs = 5 * 60_000;
const stateFile = 'drift-runs.json';

/** Reads the persisted last successes (Unix ms per model); a missing file is an empty map, a corrupt one an error. */
export function readDriftRuns(stateDir: string): Map<string, number> {
  let text: string;
  try {
    text = readFileSync(join(stateDir, stateFile), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
  const parsed: unknown = JSON.parse(text);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${join(stateDir, stateFile)} is not a JSON object`);
  return new Map(Object.entries(parsed).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1])));
}

function writeDriftRuns(stateDir: string, runs: Map<string, number>): void {
  mkdirSync(stateDir, { recursive: true });
  const tmp = join(stateDir, `${stateFile}.tmp`);
  writeFileSync(tmp, JSON.stringify(Object.fromEntries(runs)) + '\n');
  renameSync(tmp, join(stateDir, stateFile));
}

/** Builds the drift-run module; `now` is the clock (tests). */
export function createDriftRunModule(now: () => number = Date.now): RouteModule {
  return {
    name: 'drift-runs',
    init(ctx: GatewayContext): Route[] {
      const runs = readDriftRuns(ctx.stateDir);
      new Gauge({
        name: metrics.driftAnalysisLastSuccess.name,
        help: metrics.driftAnalysisLastSuccess.help,
        labelNames: ['model_name'],
        registers: [ctx.registry],
        collect() {
          for (const [model, t] of runs) this.set({ model_name: model }, t / 1000);
        },
      });
      return [{
        method: 'POST',
        path: gatewayPaths.driftRuns,
        auth: 'bearer',
        endpoint: 'drift-runs',
        maxBodyBytes: 4096,
        handler(req) {
          const parsed = driftRunBodySchema.safeParse(req.json);
          if (!parsed.success) {
            const issue = parsed.error.issues[0];
            throw new HttpError(400, 'schema', `drift run ${issue.path.join('.') || '(root)'}: ${issue.message}`);
          }
          const { model, status, finishedAt } = parsed.data;
          const at = finishedAt === undefined ? now() : Date.parse(finishedAt);
          if (at > now() + futureSkewMs) {
            throw new HttpError(400, 'future-time', `finishedAt ${finishedAt} is more than ${futureSkewMs / 60_000} minutes in the future`);
          }
          if (status !== 'success') return { status: 200, body: { model, recorded: false } };
          if (!runs.has(model) && runs.size >= maxDriftRunModels) {
            throw new HttpError(422, 'too-many-models', `the gateway keeps at most ${maxDriftRunModels} models; "${model}" is not one of them`);
          }
          if ((runs.get(model) ?? -Infinity) < at) {
            runs.set(model, at);
            writeDriftRuns(ctx.stateDir, runs);
          }
          return { status: 200, body: { model, recorded: true, lastSuccess: new Date(runs.get(model)!).toISOString() } };
        },
      }];
    },
  };
}

export const driftRunRoutes = createDriftRunModule();
