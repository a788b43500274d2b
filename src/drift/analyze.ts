import { CsvTable, readCsv, requireColumn, requireSameColumns } from './csv';
import { driftDedupeKey } from './episodes';
import type { Baselines, DriftReport, FeatureReport } from './report';
import { RuleConfig, RuleOutcome, decide, defaultRuleConfig } from './rules';
import { Column, ColumnKind } from './stats/column';
import { DriftThresholds, FeatureDrift, datasetDrift, defaultThresholds, featureDrift } from './stats/feature';

/**
 * The drift analysis: per-feature statistics, dataset drift, accuracy against its baselines, and the
 * decision table's root cause and urgency. Everything here is computed by code; the explanation is
 * added afterwards (src/drift/explain.ts).
 */

export interface AnalysisOptions {
  /** Label column (excluded from the features). */
  readonly target?: string;
  /** Prediction column (excluded from the features). */
  readonly prediction?: string;
  /** Columns excluded from the analysis (ids, timestamps). */
  readonly ignore?: readonly string[];
  /** Kind overrides. */
  readonly kinds?: ReadonlyMap<string, ColumnKind>;
  /** Share of drifted features at which the dataset drifts. @default 0.5 */
  readonly driftShare?: number;
  readonly thresholds?: DriftThresholds;
  readonly rules?: RuleConfig;
  /** Model name for the dedupe key and the texts. @default credit-risk */
  readonly model?: string;
  /** Feature importances (name → importance). */
  readonly importances?: ReadonlyMap<string, number>;
  readonly modelChanged?: boolean;
  readonly retrainedThisEpisode?: boolean;
}

export interface DriftAnalysis {
  readonly report: DriftReport;
  readonly outcome: RuleOutcome;
}

function accuracyOf(table: CsvTable, target: string, prediction: string): { accuracy: number | null; labelled: number } {
  const t = table.columns.get(target)!;
  const p = table.columns.get(prediction)!;
  let right = 0;
  let labelled = 0;
  for (let i = 0; i < table.rows; i++) {
    const tv = valueAt(t, i);
    const pv = valueAt(p, i);
    if (tv === null || pv === null) continue;
    labelled++;
    if (tv === pv) right++;
  }
  return { accuracy: labelled > 0 ? right / labelled : null, labelled };
}

function valueAt(col: Column, i: number): string | null {
  if (col.kind === 'categorical') return col.values[i];
  const v = col.values[i];
  return Number.isNaN(v) ? null : String(v);
}

/** Analyses two parsed tables. Column kinds are reconciled: a column categorical in either file is categorical in both. */
export function analyzeTables(reference: CsvTable, current: CsvTable, opts: AnalysisOptions = {}): DriftAnalysis {
  if (reference.rows === 0) throw new Error(`${reference.file}: the reference has no data rows`);
  if (current.rows === 0) throw new Error(`${current.file}: the current data has no data rows`);
  const excluded = new Set<string>(opts.ignore ?? []);
  if (opts.target) excluded.add(opts.target);
  if (opts.prediction) excluded.add(opts.prediction);
  // Every column a flag names exists (a typo is an error with a suggestion, never silently dropped).
  if (opts.target) requireColumn(current, '--target', opts.target);
  if (opts.prediction) requireColumn(current, '--prediction', opts.prediction);
  const named: [string, string][] = [
    ...(opts.ignore ?? []).map((c): [string, string] => ['--ignore', c]),
    ...[...(opts.kinds ?? new Map<string, ColumnKind>())].map(([c, kind]): [string, string] => [`--${kind}`, c]),
  ];
  for (const [flag, name] of named) requireColumn(reference.columns.has(name) ? reference : current, flag, name);
  requireSameColumns(reference, current, excluded);
  const rules = opts.rules ?? defaultRuleConfig;
  const thresholds = opts.thresholds ?? defaultThresholds;
  const features: FeatureDrift[] = [];
  for (const name of reference.header) {
    if (excluded.has(name)) continue;
    let ref = reference.columns.get(name)!;
    let cur = current.columns.get(name)!;
    if (ref.kind !== cur.kind) {
      // One file has text in this column: treat both as categorical text (re-read, so "01" stays "01").
      ref = ref.kind === 'categorical' ? ref : readCsv(reference.file, new Map([[name, 'categorical']]), { delimiter: reference.delimiter }).columns.get(name)!;
      cur = cur.kind === 'categorical' ? cur : readCsv(current.file, new Map([[name, 'categorical']]), { delimiter: current.delimiter }).columns.get(name)!;
    }
    features.push(
      featureDrift(
        { name, reference: ref, current: cur, integerDtype: reference.integerColumns.has(name) && current.integerColumns.has(name) },
        thresholds,
      ),
    );
  }
  const dataset = datasetDrift(features, opts.driftShare ?? 0.5);

  let currentAcc: { accuracy: number | null; labelled: number } = { accuracy: null, labelled: 0 };
  let referenceAcc: number | null = null;
  if (opts.target && opts.prediction) {
    currentAcc = accuracyOf(current, opts.target, opts.prediction);
    if (reference.columns.has(opts.target) && reference.columns.has(opts.prediction)) {
      referenceAcc = accuracyOf(reference, opts.target, opts.prediction).accuracy;
    }
  }
  const baselines: Baselines = { d7: null, d14: null, d30: referenceAcc, source: referenceAcc === null ? 'none' : 'reference-data' };
  return buildAnalysis({
    model: opts.model ?? 'credit-risk',
    window: { from: null, to: null, referenceRows: reference.rows, currentRows: current.rows },
    features,
    shareDrifted: dataset.shareDrifted,
    datasetDrift: dataset.datasetDrift,
    accuracy: currentAcc.accuracy,
    labelledSamples: currentAcc.labelled,
    baselines,
    rules,
    importances: opts.importances,
    modelChanged: opts.modelChanged,
    retrainedThisEpisode: opts.retrainedThisEpisode,
    predictionDrift: opts.prediction ? predictionShift(reference, current, opts.prediction, thresholds) : null,
  });
}

/** The prediction mix: the prediction column of both windows through the same tests, as a category. */
function predictionShift(reference: CsvTable, current: CsvTable, column: string, thresholds: DriftThresholds): FeatureDrift | null {
  const ref = reference.columns.get(column);
  const cur = current.columns.get(column);
  if (!ref || !cur) return null;
  const asText = (c: Column): Column => (c.kind === 'categorical' ? c : { kind: 'categorical', values: Array.from(c.values, (v) => (Number.isNaN(v) ? null : String(v))) });
  try {
    return featureDrift({ name: column, reference: asText(ref), current: asText(cur) }, thresholds);
  } catch {
    return null; // a window without predictions: nothing to compare
  }
}

export interface BuildInput {
  readonly model: string;
  readonly window: DriftReport['window'];
  readonly features: FeatureDrift[];
  readonly shareDrifted: number;
  readonly datasetDrift: boolean;
  readonly accuracy: number | null;
  readonly labelledSamples: number;
  readonly baselines: Baselines;
  readonly rules: RuleConfig;
  readonly importances?: ReadonlyMap<string, number>;
  readonly modelChanged?: boolean;
  readonly retrainedThisEpisode?: boolean;
  /** Episode number for the dedupe key. @default 1 */
  readonly episode?: number;
  /** The prediction column compared across the windows (informational: not a feature, not in the table). */
  readonly predictionDrift?: FeatureDrift | null;
}

/** Applies the rules and assembles the report (explanation: the deterministic one, until explain() runs). */
export function buildAnalysis(input: BuildInput): DriftAnalysis {
  const outcome = decide(
    {
      features: input.features,
      datasetDrift: input.datasetDrift,
      accuracy: input.accuracy,
      labelledSamples: input.labelledSamples,
      baselines: input.baselines,
      modelChanged: input.modelChanged,
      retrainedThisEpisode: input.retrainedThisEpisode,
    },
    input.rules,
  );
  const toFeatureReport = (f: FeatureDrift): FeatureReport => ({
    name: f.name,
    kind: f.kind,
    test: f.test,
    statistic: f.statistic,
    pValue: f.pValue,
    threshold: f.threshold,
    psi: f.psi,
    drifted: f.drifted,
    referenceNullShare: f.referenceNullShare,
    currentNullShare: f.currentNullShare,
    outOfRangeShare: f.outOfRangeShare,
  });
  const features: FeatureReport[] = input.features.map((f) => ({
    ...toFeatureReport(f),
    ...(input.importances?.has(f.name) ? { importance: input.importances.get(f.name)! } : {}),
  }));
  const evidence = evidenceLines(input, features, outcome);
  const report: DriftReport = {
    summary: summaryLine(input.model, outcome, input.accuracy),
    team: 'ml',
    dedupeKey: driftDedupeKey(input.model, input.episode ?? 1),
    model: input.model,
    window: input.window,
    features,
    shareDrifted: input.shareDrifted,
    datasetDrift: input.datasetDrift,
    accuracy: {
      current: input.accuracy,
      labelledSamples: input.labelledSamples,
      counts: outcome.facts.accuracyCounts,
      minLabelledSamples: input.rules.minLabelledSamples,
    },
    baselines: input.baselines,
    rootCause: outcome.rootCause,
    affectedFeatures: outcome.affectedFeatures,
    remediation: outcome.remediation,
    urgency: outcome.urgency,
    reasons: outcome.reasons,
    predictionDrift: input.predictionDrift ? toFeatureReport(input.predictionDrift) : null,
    explanation: offlineExplanation(input, outcome),
    evidence,
  };
  return { report, outcome };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function num(x: number | null): string {
  return x === null ? 'n/a' : Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(4) : x.toExponential(2);
}

function summaryLine(model: string, o: RuleOutcome, accuracy: number | null): string {
  const acc = o.facts.accuracyCounts && accuracy !== null ? `, accuracy ${pct(accuracy)}` : '';
  if (o.rootCause === 'none') return `${model}: no drift detected${acc} (urgency ${o.urgency}).`;
  const which = o.affectedFeatures.length > 0 ? ` in ${o.affectedFeatures.slice(0, 5).join(', ')}${o.affectedFeatures.length > 5 ? ', …' : ''}` : '';
  return `${model}: ${o.rootCause}${which}${acc}; urgency ${o.urgency}, remediation ${o.remediation}.`;
}

function evidenceLines(input: BuildInput, features: FeatureReport[], o: RuleOutcome): string[] {
  const lines: string[] = [];
  lines.push(`shareDrifted: ${input.shareDrifted.toFixed(3)} (${features.filter((f) => f.drifted).length}/${features.length} features), datasetDrift: ${input.datasetDrift}`);
  if (input.accuracy !== null) {
    lines.push(`accuracy: ${num(input.accuracy)} on ${input.labelledSamples} labelled samples (counts: ${o.facts.accuracyCounts})`);
  } else {lines.push('accuracy: n/a (no labels or predictions)');}
  if (input.baselines.d30 !== null) lines.push(`baseline accuracy (${input.baselines.source}): ${num(input.baselines.d30)}`);
  if (input.predictionDrift) {
    const p = input.predictionDrift;
    lines.push(`prediction mix: ${p.test} ${p.pValue !== null ? `p=${num(p.pValue)}` : `${p.test}=${num(p.statistic)}`}, psi=${num(p.psi)}, shifted=${p.drifted}`);
  }
  for (const f of features) {
    if (!f.drifted && !o.facts.qualityFeatures.includes(f.name)) continue;
    const stat = f.pValue !== null ? `p=${num(f.pValue)}` : `${f.test}=${num(f.statistic)}`;
    const quality = o.facts.qualityFeatures.includes(f.name)
      ? `, nulls ${pct(f.currentNullShare)} (reference ${pct(f.referenceNullShare)}), out of range ${pct(f.outOfRangeShare)}`
      : '';
    lines.push(`feature ${f.name}: ${f.test} ${stat}, psi=${num(f.psi)}, drifted=${f.drifted}${quality}`);
  }
  return lines;
}

/** The offline provider's explanation: built from the facts alone. */
function offlineExplanation(input: BuildInput, o: RuleOutcome): string {
  const parts: string[] = [];
  switch (o.rootCause) {
    case 'data-quality':
      parts.push(`The current data has missing or out-of-range values in ${o.affectedFeatures.join(', ')}; fix the producing pipeline before reading any drift figure.`);
      break;
    case 'data-drift':
      parts.push(`The input distribution moved in ${o.affectedFeatures.join(', ')} (${pct(input.shareDrifted)} of the features).`);
      if (o.facts.accuracyDrop) parts.push('Accuracy fell with it: retrain on recent data.');
      else if (o.facts.accuracyCounts) parts.push('Accuracy holds so far: watch it.');
      else parts.push('There are no labels yet to tell whether accuracy suffers.');
      break;
    case 'concept-drift':
      parts.push('Accuracy fell while every feature kept its distribution: the relation between features and label changed. Retrain on recent labelled data.');
      break;
    case 'model-decay':
      parts.push('Accuracy is slowly declining against the 30-day baseline with stable features: schedule a retrain.');
      break;
    case 'none':
      parts.push('No feature drifted and accuracy holds.');
      break;
  }
  if (o.remediation === 'rollback') parts.push('The model changed inside the window: roll back to the previous release first.');
  parts.push(`Decision: ${o.reasons.join('; ')}.`);
  return parts.join(' ');
}
