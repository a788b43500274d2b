/**
 * One feature's drift: Evidently's default test selection (`_get_default_stattest`) plus PSI, on the
 * non-missing values, with the data-quality facts (null shares, values outside the reference range)
 * computed beside them.
 *
 * Selection (n = distinct values in reference ∪ current):
 * - reference ≤ 1,000 rows: numerical with n > 5 → `ks` (p ≤ 0.05); otherwise n > 2 → `chi-square`,
 *   n ≤ 2 → `z` (p < 0.05);
 * - reference > 1,000 rows: numerical with n > 5 → `wasserstein` (≥ 0.1); otherwise `jensen-shannon` (≥ 0.1).
 */
import { CategoricalColumn, Column, ColumnKind, Counts, categoryCounts, countsFromRuns, distinctInUnion, distinctSorted, runs, sortedFinite, total } from './column';
import { ks2samp, upperBound } from './ks';
import {
  TestResult, chiSquareTest, jensenShannonTest, lowerBound, psiCategorical, psiNumerical, wassersteinTest, zTest,
} from './tests';

export type StatTestName = 'z' | 'chi-square' | 'ks' | 'wasserstein' | 'jensen-shannon';

/** Thresholds per test (Evidently's defaults) and the PSI threshold. */
export interface DriftThresholds {
  /** p-value threshold of z, chi-square and ks. @default 0.05 */
  readonly pValue: number;
  /** Distance threshold of wasserstein and jensen-shannon. @default 0.1 */
  readonly distance: number;
  /** PSI at or above which the PSI column is flagged (informational; drift follows the selected test). @default 0.1 */
  readonly psi: number;
  /** Reference rows up to which hypothesis tests are used, distances above. @default 1000 */
  readonly smallReferenceRows: number;
  /**
   * A numerical value is out of range when it lies outside the reference [min, max] widened by this share of the
   * reference span on each side (so a distribution shift is drift, not a data-quality fault). @default 0.1
   */
  readonly rangeMargin: number;
}

export const defaultThresholds: DriftThresholds = { pValue: 0.05, distance: 0.1, psi: 0.1, smallReferenceRows: 1000, rangeMargin: 0.1 };

export interface FeatureDrift {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly test: StatTestName;
  /** z, χ², D, or the distance; `null` when infinite (a category the reference never had). */
  readonly statistic: number | null;
  readonly pValue: number | null;
  readonly threshold: number;
  readonly psi: number;
  readonly drifted: boolean;
  /** Distinct non-missing values in reference ∪ current. */
  readonly distinctValues: number;
  readonly referenceRows: number;
  readonly currentRows: number;
  /** Share of missing (empty, NaN, ±Infinity) values. */
  readonly referenceNullShare: number;
  readonly currentNullShare: number;
  /**
   * Numerical: share of current values outside the valid range (`validRange` when given, else the reference
   * [min, max] widened by `rangeMargin`); categorical: share of current values in categories the reference never had.
   */
  readonly outOfRangeShare: number;
}

export interface FeatureInput {
  readonly name: string;
  readonly reference: Column;
  readonly current: Column;
  /** Numerical columns that held integers only and no missing value in both files (pandas int64). */
  readonly integerDtype?: boolean;
  /** The feature contract's valid [min, max] (inclusive), when known. */
  readonly validRange?: readonly [number, number];
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

export function featureDrift(input: FeatureInput, thresholds: DriftThresholds = defaultThresholds): FeatureDrift {
  const { name, reference, current } = input;
  if (reference.kind !== current.kind) {
    throw new Error(`feature "${name}": reference is ${reference.kind} but current is ${current.kind}`);
  }
  const referenceRows = reference.values.length;
  const currentRows = current.values.length;
  let refCounts: Counts | undefined;
  let curCounts: Counts | undefined;
  let refSorted: Float64Array | undefined;
  let curSorted: Float64Array | undefined;
  let nRef: number;
  let nCur: number;
  let distinct: number;
  let outOfRange = 0;
  let refDistinct: number;

  if (reference.kind === 'numerical') {
    refSorted = sortedFinite(reference.values);
    curSorted = sortedFinite((current as typeof reference).values);
    nRef = refSorted.length;
    nCur = curSorted.length;
    if (nRef > 0 && nCur > 0) {
      distinct = distinctInUnion(refSorted, curSorted);
      const margin = (refSorted[nRef - 1] - refSorted[0]) * thresholds.rangeMargin;
      const [lo, hi] = input.validRange ?? [refSorted[0] - margin, refSorted[nRef - 1] + margin];
      outOfRange = lowerBound(curSorted, lo) + (nCur - upperBound(curSorted, hi)); // below lo + above hi
      refDistinct = distinctSorted(refSorted);
      if (distinct <= 20 || refDistinct <= 20) {
        refCounts = countsFromRuns(runs(refSorted));
        curCounts = countsFromRuns(runs(curSorted));
      }
    } else {
      distinct = 0;
      refDistinct = 0;
    }
  } else {
    refCounts = categoryCounts(reference.values);
    curCounts = categoryCounts((current as CategoricalColumn).values);
    nRef = total(refCounts);
    nCur = total(curCounts);
    distinct = new Set([...refCounts.keys(), ...curCounts.keys()]).size;
    refDistinct = refCounts.size;
    for (const [k, c] of curCounts) if (!refCounts.has(k)) outOfRange += c;
  }
  if (nRef === 0) throw new Error(`feature "${name}": the reference has no non-missing value`);
  if (nCur === 0) throw new Error(`feature "${name}": the current data has no non-missing value`);

  const small = referenceRows <= thresholds.smallReferenceRows;
  const numerical = reference.kind === 'numerical';
  let test: StatTestName;
  if (small) test = numerical && distinct > 5 ? 'ks' : distinct > 2 ? 'chi-square' : 'z';
  else test = numerical && distinct > 5 ? 'wasserstein' : 'jensen-shannon';

  let result: TestResult;
  let drifted: boolean;
  let threshold: number;
  switch (test) {
    case 'ks': {
      const r = ks2samp(refSorted!, curSorted!);
      result = { statistic: r.statistic, pValue: r.pValue };
      threshold = thresholds.pValue;
      drifted = r.pValue <= threshold;
      break;
    }
    case 'wasserstein':
      result = wassersteinTest(refSorted!, curSorted!);
      threshold = thresholds.distance;
      drifted = result.statistic >= threshold;
      break;
    case 'z':
      result = zTest(refCounts!, curCounts!);
      threshold = thresholds.pValue;
      drifted = result.pValue! < threshold;
      break;
    case 'chi-square':
      result = chiSquareTest(refCounts!, curCounts!);
      threshold = thresholds.pValue;
      drifted = result.pValue! < threshold;
      break;
    case 'jensen-shannon':
      result = jensenShannonTest(refCounts!, curCounts!);
      threshold = thresholds.distance;
      drifted = result.statistic >= threshold;
      break;
  }

  const psi = numerical && refDistinct > 20
    ? psiNumerical(refSorted!, curSorted!, input.integerDtype ?? false)
    : psiCategorical(refCounts!, curCounts!);

  return {
    name,
    kind: reference.kind,
    test,
    statistic: finite(result.statistic),
    pValue: result.pValue === null ? null : result.pValue,
    threshold,
    psi: finite(psi) ?? Number.MAX_VALUE,
    drifted,
    distinctValues: distinct,
    referenceRows,
    currentRows,
    referenceNullShare: (referenceRows - nRef) / referenceRows,
    currentNullShare: (currentRows - nCur) / currentRows,
    outOfRangeShare: outOfRange / nCur,
  };
}

export interface DatasetDrift {
  readonly features: FeatureDrift[];
  readonly shareDrifted: number;
  readonly datasetDrift: boolean;
}

/** The dataset drifts when at least `driftShare` of the features drift (Evidently: `share >= drift_share`, default 0.5). */
export function datasetDrift(features: FeatureDrift[], driftShare = 0.5): DatasetDrift {
  if (features.length === 0) throw new Error('no feature to analyse: the data has no feature column');
  const drifted = features.filter((f) => f.drifted).length;
  const shareDrifted = drifted / features.length;
  return { features, shareDrifted, datasetDrift: shareDrifted >= driftShare };
}
