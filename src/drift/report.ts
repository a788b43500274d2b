import type { RootCause, Remediation, Urgency } from './rules';
import type { ColumnKind } from './stats/column';
import type { FeatureDrift } from './stats/feature';

/** The drift report (`--json` prints it inside the shared envelope, kind `drift`) and its parts. */

export interface FeatureReport {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly test: FeatureDrift['test'];
  readonly statistic: number | null;
  readonly pValue: number | null;
  readonly threshold: number;
  readonly psi: number;
  readonly drifted: boolean;
  readonly referenceNullShare: number;
  readonly currentNullShare: number;
  readonly outOfRangeShare: number;
  /** Feature importance from the training run, when known (online mode). */
  readonly importance?: number;
}

export interface AccuracyReport {
  /** Accuracy in the current window (null without target and prediction). */
  readonly current: number | null;
  readonly labelledSamples: number;
  /** Whether it counts (at least minLabelledSamples labels). */
  readonly counts: boolean;
  readonly minLabelledSamples: number;
}

export interface Baselines {
  readonly d7: number | null;
  readonly d14: number | null;
  /** The baseline drops are measured against. Offline: the accuracy on the reference data. */
  readonly d30: number | null;
  /** Where the baselines come from. */
  readonly source: 'reference-data' | 'captures' | 'none';
}

/** The report fields of issue 8 (plus `summary`/`team`/`dedupeKey` of the shared report). */
export interface DriftReport {
  summary: string;
  team: string;
  dedupeKey: string;
  model: string;
  window: { from: string | null; to: string | null; referenceRows: number; currentRows: number };
  features: FeatureReport[];
  shareDrifted: number;
  datasetDrift: boolean;
  accuracy: AccuracyReport;
  baselines: Baselines;
  rootCause: RootCause;
  affectedFeatures: string[];
  remediation: Remediation;
  urgency: Urgency;
  /** The decision-table rows that matched. */
  reasons: string[];
  /** The prediction mix compared across the windows (null without a prediction column in both). */
  predictionDrift: FeatureReport | null;
  explanation: string;
  /** Facts the explanation cites (each a short "name: value" line computed by code). */
  evidence: string[];
  /** Online mode: alert names of the group that triggered the analysis. */
  trigger?: string[];
  /** Online mode: accuracy of the production model's training run (MLflow). */
  trainingAccuracy?: number | null;
  /** Online mode: the released image digest (src/config/release.json). */
  digest?: string;
  /** The action taken for the urgency (filled by src/drift/actions.ts). */
  action?: { kind: 'retrain-dispatch' | 'github-issue' | 'slack' | 'none'; ref?: string; detail?: string };
}
