/**
 * Root cause, remediation and urgency of a drift analysis: ONE decision table, computed by code.
 * The LLM (or the offline provider) only explains the outcome; nothing it says changes these fields.
 *
 * Facts (computed before the table):
 * - `accuracyCounts`: labels are present and at least `minLabelledSamples` of them are in the window.
 * - `accuracyDrop`: accuracyCounts and accuracy < 30-day baseline − `accuracyDropDelta` (default 0.03).
 * - `slowDecline`: accuracyCounts, no accuracyDrop, accuracy < 30-day baseline − `decayDelta` (default 0.01),
 *   and the 7- and 14-day baselines are known and show the decline (accuracy ≤ 7-day ≤ 14-day ≤ 30-day).
 *   A single baseline (offline: the reference data) cannot show a trend, so offline never concludes decay.
 * - `dataQuality`: some feature's current null share exceeds its reference null share by more than
 *   `nullShareDelta` (default 0.02), or more than `outOfRangeShare` (default 0.02) of its current values lie
 *   outside the reference range (categorical: in categories the reference never had).
 * - `someDrift`: at least one feature drifted; `datasetDrift`: at least `driftShare` of them did.
 *
 * Root cause, first matching row wins:
 *
 * | # | labels | condition                                  | rootCause       | remediation           |
 * |---|--------|--------------------------------------------|-----------------|-----------------------|
 * | 1 | any    | dataQuality                                | `data-quality`  | `investigate`         |
 * | 2 | yes    | accuracyDrop and the model digest changed in the window | (as rows 3–4) | `rollback` |
 * | 3 | yes    | accuracyDrop and someDrift                 | `data-drift`    | `retrain`             |
 * | 4 | yes    | accuracyDrop and no drift                  | `concept-drift` | `retrain` (`feature-engineering` after a retrain this episode) |
 * | 5 | yes    | slowDecline and no drift                   | `model-decay`   | `retrain`             |
 * | 6 | any    | someDrift (labels show no drop, or no labels) | `data-drift` | `investigate`         |
 * | 7 | any    | otherwise                                  | `none`          | `none`                |
 *
 * Row 2: when the production model digest changed inside the window and accuracy dropped, the new model is
 * the prime suspect: the cause is still classified by rows 3–4, but the remediation is `rollback`.
 *
 * Urgency, first matching row wins (accuracy only when accuracyCounts):
 *
 * | urgency | condition                                                        |
 * |---------|------------------------------------------------------------------|
 * | `P0`    | accuracy < 0.80, or accuracy < 0.85 and datasetDrift             |
 * | `P1`    | accuracy < 0.85, or datasetDrift                                 |
 * | `P2`    | someDrift, or any root cause other than `none`                   |
 * | `none`  | otherwise                                                        |
 *
 * Without labels (accuracy does not count) the urgency is at most `P1`.
 */

export type RootCause = 'data-drift' | 'concept-drift' | 'model-decay' | 'data-quality' | 'none';
export type Remediation = 'retrain' | 'rollback' | 'feature-engineering' | 'investigate' | 'none';
export type Urgency = 'P0' | 'P1' | 'P2' | 'none';

export const urgencies: readonly Urgency[] = ['P0', 'P1', 'P2', 'none'];

export interface RuleConfig {
  /** Accuracy below the 30-day baseline by more than this is a drop. @default 0.03 */
  readonly accuracyDropDelta: number;
  /** Accuracy below the 30-day baseline by more than this (but not a drop) is a slow decline. @default 0.01 */
  readonly decayDelta: number;
  /** Accuracy counts only with at least this many labels in the window. @default 200 */
  readonly minLabelledSamples: number;
  /** P0 under this accuracy. @default 0.80 */
  readonly p0Accuracy: number;
  /** P1 under this accuracy; P0 under it when the dataset drifts. @default 0.85 */
  readonly p1Accuracy: number;
  /** Null share above the reference's by more than this is a data-quality fault. @default 0.02 */
  readonly nullShareDelta: number;
  /** Share of current values outside the reference range above which it is a data-quality fault. @default 0.02 */
  readonly outOfRangeShare: number;
}

export const defaultRuleConfig: RuleConfig = {
  accuracyDropDelta: 0.03,
  decayDelta: 0.01,
  minLabelledSamples: 200,
  p0Accuracy: 0.8,
  p1Accuracy: 0.85,
  nullShareDelta: 0.02,
  outOfRangeShare: 0.02,
};

/** What the rules read: statistics and accuracy, all computed by code. */
export interface RuleInput {
  readonly features: ReadonlyArray<{
    readonly name: string;
    readonly drifted: boolean;
    readonly referenceNullShare: number;
    readonly currentNullShare: number;
    readonly outOfRangeShare: number;
  }>;
  readonly datasetDrift: boolean;
  /** Accuracy in the current window, or null without labels/predictions. */
  readonly accuracy: number | null;
  /** Labelled samples behind `accuracy`. */
  readonly labelledSamples: number;
  /** Accuracy baselines; `d30` is the one drops are measured against (offline: the reference data). */
  readonly baselines: { readonly d7?: number | null; readonly d14?: number | null; readonly d30?: number | null };
  /** The production model digest changed inside the window. */
  readonly modelChanged?: boolean;
  /** A retrain already ran in this drift episode. */
  readonly retrainedThisEpisode?: boolean;
}

export interface RuleFacts {
  readonly accuracyCounts: boolean;
  readonly accuracyDrop: boolean;
  readonly slowDecline: boolean;
  readonly dataQuality: boolean;
  readonly someDrift: boolean;
  readonly datasetDrift: boolean;
  readonly driftedFeatures: string[];
  readonly qualityFeatures: string[];
}

export interface RuleOutcome {
  readonly facts: RuleFacts;
  readonly rootCause: RootCause;
  readonly remediation: Remediation;
  readonly urgency: Urgency;
  /** Features behind the root cause: the faulty ones for data-quality, the drifted ones otherwise. */
  readonly affectedFeatures: string[];
  /** The table rows that matched, e.g. `root-cause row 3`, `urgency P1: datasetDrift`. */
  readonly reasons: string[];
}

const rank: Record<Urgency, number> = { none: 0, P2: 1, P1: 2, P0: 3 };

export function facts(input: RuleInput, cfg: RuleConfig = defaultRuleConfig): RuleFacts {
  const accuracyCounts = input.accuracy !== null && input.labelledSamples >= cfg.minLabelledSamples;
  const b30 = input.baselines.d30 ?? null;
  const accuracyDrop = accuracyCounts && b30 !== null && b30 - input.accuracy! > cfg.accuracyDropDelta;
  const { d7, d14 } = input.baselines;
  const monotone = d7 != null && d14 != null && b30 !== null && input.accuracy !== null && input.accuracy <= d7 && d7 <= d14 && d14 <= b30;
  const slowDecline = accuracyCounts && !accuracyDrop && b30 !== null && b30 - input.accuracy! > cfg.decayDelta && monotone;
  const qualityFeatures = input.features
    .filter((f) => f.currentNullShare - f.referenceNullShare > cfg.nullShareDelta || f.outOfRangeShare > cfg.outOfRangeShare)
    .map((f) => f.name);
  const driftedFeatures = input.features.filter((f) => f.drifted).map((f) => f.name);
  return {
    accuracyCounts,
    accuracyDrop,
    slowDecline,
    dataQuality: qualityFeatures.length > 0,
    someDrift: driftedFeatures.length > 0,
    datasetDrift: input.datasetDrift,
    driftedFeatures,
    qualityFeatures,
  };
}

/** Applies the decision table. Pure: same input, same outcome. */
export function decide(input: RuleInput, cfg: RuleConfig = defaultRuleConfig): RuleOutcome {
  const f = facts(input, cfg);
  const reasons: string[] = [];
  let rootCause: RootCause;
  let remediation: Remediation;
  let affected: string[];
  if (f.dataQuality) {
    rootCause = 'data-quality';
    remediation = 'investigate';
    affected = f.qualityFeatures;
    reasons.push(`root cause row 1: null or out-of-range values in ${f.qualityFeatures.join(', ')}`);
  } else if (f.accuracyDrop && f.someDrift) {
    rootCause = 'data-drift';
    remediation = 'retrain';
    affected = f.driftedFeatures;
    reasons.push('root cause row 3: accuracy dropped and features drifted');
  } else if (f.accuracyDrop) {
    rootCause = 'concept-drift';
    remediation = input.retrainedThisEpisode ? 'feature-engineering' : 'retrain';
    affected = [];
    reasons.push('root cause row 4: accuracy dropped while every feature is stable');
  } else if (f.slowDecline && !f.someDrift) {
    rootCause = 'model-decay';
    remediation = 'retrain';
    affected = [];
    reasons.push('root cause row 5: slow accuracy decline against the 30-day baseline, features stable');
  } else if (f.someDrift) {
    rootCause = 'data-drift';
    remediation = 'investigate';
    affected = f.driftedFeatures;
    reasons.push(f.accuracyCounts ? 'root cause row 6: features drifted, accuracy holds' : 'root cause row 6: features drifted (no labels)');
  } else {
    rootCause = 'none';
    remediation = 'none';
    affected = [];
    reasons.push('root cause row 7: no drift, no accuracy drop, no data-quality fault');
  }
  if (f.accuracyDrop && input.modelChanged) {
    remediation = 'rollback';
    reasons.push('root cause row 2: the model digest changed inside the window: roll back');
  }

  const acc = f.accuracyCounts ? input.accuracy! : null;
  let urgency: Urgency;
  if (acc !== null && (acc < cfg.p0Accuracy || (acc < cfg.p1Accuracy && f.datasetDrift))) {
    urgency = 'P0';
    reasons.push(acc < cfg.p0Accuracy ? `urgency P0: accuracy ${fmt(acc)} < ${cfg.p0Accuracy}` : `urgency P0: accuracy ${fmt(acc)} < ${cfg.p1Accuracy} with dataset drift`);
  } else if ((acc !== null && acc < cfg.p1Accuracy) || f.datasetDrift) {
    urgency = 'P1';
    reasons.push(f.datasetDrift ? 'urgency P1: dataset drift' : `urgency P1: accuracy ${fmt(acc!)} < ${cfg.p1Accuracy}`);
  } else if (f.someDrift || rootCause !== 'none') {
    urgency = 'P2';
    reasons.push(f.someDrift ? `urgency P2: ${f.driftedFeatures.length} feature(s) drifted` : `urgency P2: root cause ${rootCause}`);
  } else {
    urgency = 'none';
  }
  if (!f.accuracyCounts && rank[urgency] > rank.P1) {
    urgency = 'P1';
    reasons.push('urgency capped at P1: no labels');
  }
  return { facts: f, rootCause, remediation, urgency, affectedFeatures: affected, reasons };
}

function fmt(x: number): string {
  return x.toFixed(4);
}

/** The higher of two urgencies (an explanation may never lower what the rules computed). */
export function maxUrgency(a: Urgency, b: Urgency): Urgency {
  return rank[a] >= rank[b] ? a : b;
}
