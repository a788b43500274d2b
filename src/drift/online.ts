import { DriftAnalysis, buildAnalysis } from './analyze';
import type { TrainingRun } from './mlflow';
import type { Baselines } from './report';
import { defaultRuleConfig, RuleConfig } from './rules';
import { captureLineSchema, type CaptureLine } from '../contracts/captures';
import { gatewayPaths } from '../contracts/gateway';
import { describeIssues } from '../contracts/issues';
import { Column } from './stats/column';
import { DriftThresholds, FeatureDrift, datasetDrift, defaultThresholds, featureDrift } from './stats/feature';

/**
 * Online analysis: the windows come from the gateway's capture API (`GET /v1/captures`, NDJSON, the only way
 * other components read captures):
 * - current window: captures in [now − window, now);
 * - reference: captures in [now − 30 days, now − window) (the drift baseline the model has been serving);
 * - accuracy baselines: labelled captures in the 7-, 14- and 30-day spans before the current window;
 * - from MLflow (optional): the training run's feature importances, the feature contract's valid ranges in
 *   its reference profile, and its accuracy (reported as `trainingAccuracy`).
 */

/** One line of the capture API (one instance of a request). */
export type Capture = CaptureLine;

export interface CaptureApi {
  readonly url: string;
  readonly token: string;
  readonly timeoutMs?: number;
}

/** Reads captures for a model and time range from the gateway (NDJSON, one capture per line). */
export async function fetchCaptures(api: CaptureApi, model: string, from: Date, to: Date): Promise<Capture[]> {
  const q = new URLSearchParams({ model, from: from.toISOString(), to: to.toISOString() });
  const res = await fetch(`${api.url.replace(/\/+$/, '')}${gatewayPaths.captures}?${q}`, {
    headers: { authorization: `Bearer ${api.token}` },
    signal: AbortSignal.timeout(api.timeoutMs ?? 120_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`capture API ${api.url}${gatewayPaths.captures} answered ${res.status}: ${text.slice(0, 300)}`);
  return text.split('\n').filter((l) => l.trim() !== '').map((l, i) => {
    let json: unknown;
    try {
      json = JSON.parse(l);
    } catch {
      throw new Error(`capture API line ${i + 1} is not JSON`);
    }
    const line = captureLineSchema.safeParse(json);
    if (!line.success) throw new Error(`capture API line ${i + 1}: ${describeIssues(line.error)}`);
    return line.data;
  });
}

interface Flat {
  readonly time: number;
  readonly features: Record<string, unknown>;
  readonly prediction: unknown;
  readonly label: unknown;
}

function flatten(captures: readonly Capture[]): Flat[] {
  return captures
    .filter((c) => c.features && typeof c.features === 'object')
    .map((c) => ({ time: Date.parse(c.time), features: c.features!, prediction: c.prediction ?? null, label: c.label ?? null }));
}

function columnsOf(rows: readonly Flat[], names: readonly string[], kinds: Map<string, 'numerical' | 'categorical'>): Map<string, Column> {
  const out = new Map<string, Column>();
  for (const name of names) {
    if (kinds.get(name) === 'numerical') {
      out.set(name, { kind: 'numerical', values: Float64Array.from(rows, (r) => (typeof r.features[name] === 'number' ? (r.features[name] as number) : NaN)) });
    } else {
      out.set(name, { kind: 'categorical', values: rows.map((r) => (r.features[name] === null || r.features[name] === undefined ? null : String(r.features[name]))) });
    }
  }
  return out;
}

function accuracy(rows: readonly Flat[]): { accuracy: number | null; labelled: number } {
  let right = 0;
  let labelled = 0;
  for (const r of rows) {
    if (r.label === null || r.prediction === null) continue;
    labelled++;
    if (String(r.label) === String(r.prediction)) right++;
  }
  return { accuracy: labelled > 0 ? right / labelled : null, labelled };
}

export interface OnlineOptions {
  readonly model: string;
  readonly now: Date;
  /** Current window length. @default 24 h */
  readonly windowMs?: number;
  readonly training?: TrainingRun | null;
  readonly rules?: RuleConfig;
  readonly thresholds?: DriftThresholds;
  readonly driftShare?: number;
  readonly modelChanged?: boolean;
  readonly retrainedThisEpisode?: boolean;
  readonly episode?: number;
}

const DAY = 86_400_000;

/** Analyses captures (the last 30 days plus the current window). */
export function analyzeCaptures(captures: readonly Capture[], opts: OnlineOptions): DriftAnalysis & { trainingAccuracy: number | null } {
  const windowMs = opts.windowMs ?? DAY;
  const now = opts.now.getTime();
  const start = now - windowMs;
  const rows = flatten(captures.filter((c) => c.model === opts.model));
  const current = rows.filter((r) => r.time >= start && r.time < now);
  const reference = rows.filter((r) => r.time >= now - 30 * DAY && r.time < start);
  if (current.length === 0) throw new Error(`no capture of model "${opts.model}" in the current window (${new Date(start).toISOString()} … ${opts.now.toISOString()})`);
  if (reference.length === 0) throw new Error(`no capture of model "${opts.model}" in the 30 days before the current window: no reference to compare with`);
  const names = opts.training?.referenceProfile?.featureOrder ?? [...new Set(rows.flatMap((r) => Object.keys(r.features)))].sort();
  const kinds = new Map<string, 'numerical' | 'categorical'>();
  for (const name of names) {
    const declared = opts.training?.referenceProfile?.features[name]?.kind;
    const numeric = declared ? declared === 'numeric' : rows.every((r) => r.features[name] === null || r.features[name] === undefined || typeof r.features[name] === 'number');
    kinds.set(name, numeric ? 'numerical' : 'categorical');
  }
  const refCols = columnsOf(reference, names, kinds);
  const curCols = columnsOf(current, names, kinds);
  const thresholds = opts.thresholds ?? defaultThresholds;
  const features: FeatureDrift[] = names.map((name) => featureDrift({
    name,
    reference: refCols.get(name)!,
    current: curCols.get(name)!,
    validRange: opts.training?.referenceProfile?.features[name]?.validRange,
  }, thresholds));
  const dataset = datasetDrift(features, opts.driftShare ?? 0.5);
  const acc = accuracy(current);
  const predictions = (rs: readonly Flat[]): Column => ({ kind: 'categorical', values: rs.map((r) => (r.prediction === null ? null : String(r.prediction))) });
  let predictionDrift: FeatureDrift | null = null;
  try {
    predictionDrift = featureDrift({ name: 'prediction', reference: predictions(reference), current: predictions(current) }, thresholds);
  } catch {
    predictionDrift = null; // no predictions on one side
  }
  const span = (days: number) => accuracy(rows.filter((r) => r.time >= start - days * DAY && r.time < start)).accuracy;
  const baselines: Baselines = { d7: span(7), d14: span(14), d30: span(30), source: 'captures' };
  const importances = opts.training?.featureImportances ? new Map(Object.entries(opts.training.featureImportances)) : undefined;
  const analysis = buildAnalysis({
    model: opts.model,
    window: { from: new Date(start).toISOString(), to: opts.now.toISOString(), referenceRows: reference.length, currentRows: current.length },
    features,
    shareDrifted: dataset.shareDrifted,
    datasetDrift: dataset.datasetDrift,
    accuracy: acc.accuracy,
    labelledSamples: acc.labelled,
    baselines,
    rules: opts.rules ?? defaultRuleConfig,
    importances,
    modelChanged: opts.modelChanged,
    retrainedThisEpisode: opts.retrainedThisEpisode,
    episode: opts.episode,
    predictionDrift,
  });
  return { ...analysis, trainingAccuracy: opts.training?.metrics.accuracy ?? null };
}
