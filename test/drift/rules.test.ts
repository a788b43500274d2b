import { decide, maxUrgency, RuleInput } from '../../src/drift/rules';

/** One row of the decision table per case; inputs are facts, as the analysis computes them. */
const feature = (name: string, drifted = false, extra: Partial<RuleInput['features'][number]> = {}) => ({
  name, drifted, referenceNullShare: 0, currentNullShare: 0, outOfRangeShare: 0, ...extra,
});
const stable = [feature('a'), feature('b'), feature('c'), feature('d')];
const oneDrift = [feature('a', true), feature('b'), feature('c'), feature('d')];
const halfDrift = [feature('a', true), feature('b', true), feature('c'), feature('d')];

function input(over: Partial<RuleInput>): RuleInput {
  return {
    features: stable, datasetDrift: false, accuracy: 0.93, labelledSamples: 1000, baselines: { d30: 0.93 }, ...over,
  };
}

describe('drift decision table', () => {
  it.each([
    ['nulls → data-quality (row 1) even with drift', input({ features: [feature('a', true, { currentNullShare: 0.1 })] }), 'data-quality', 'investigate', 'P2'],
    ['out of range → data-quality (row 1)', input({ features: [feature('a', false, { outOfRangeShare: 0.05 })] }), 'data-quality', 'investigate', 'P2'],
    ['small null increase is not a fault', input({ features: [feature('a', false, { referenceNullShare: 0.05, currentNullShare: 0.06 })] }), 'none', 'none', 'none'],
    ['drop with drifted features → data-drift, retrain (row 3)', input({ features: oneDrift, accuracy: 0.88 }), 'data-drift', 'retrain', 'P2'],
    ['drop with stable features → concept-drift (row 4)', input({ accuracy: 0.86 }), 'concept-drift', 'retrain', 'P2'],
    ['decline with 7/14/30-day trend → model-decay (row 5)', input({ accuracy: 0.905, baselines: { d7: 0.91, d14: 0.915, d30: 0.925 } }), 'model-decay', 'retrain', 'P2'],
    ['decline without the shorter baselines is not decay', input({ accuracy: 0.905, baselines: { d30: 0.925 } }), 'none', 'none', 'none'],
    ['decline contradicted by the 7-day baseline is not decay', input({ accuracy: 0.905, baselines: { d7: 0.93, d14: 0.915, d30: 0.925 } }), 'none', 'none', 'none'],
    ['drift without a drop → data-drift, investigate (row 6)', input({ features: oneDrift }), 'data-drift', 'investigate', 'P2'],
    ['nothing → none (row 7)', input({}), 'none', 'none', 'none'],
    ['accuracy < 0.80 → P0', input({ accuracy: 0.79, baselines: { d30: 0.93 } }), 'concept-drift', 'retrain', 'P0'],
    ['accuracy < 0.85 with dataset drift → P0', input({ features: halfDrift, datasetDrift: true, accuracy: 0.84 }), 'data-drift', 'retrain', 'P0'],
    ['accuracy < 0.85 without dataset drift → P1', input({ features: oneDrift, accuracy: 0.84 }), 'data-drift', 'retrain', 'P1'],
    ['dataset drift, accuracy fine → P1', input({ features: halfDrift, datasetDrift: true }), 'data-drift', 'investigate', 'P1'],
    ['too few labels: accuracy does not count', input({ accuracy: 0.5, labelledSamples: 199 }), 'none', 'none', 'none'],
    ['no labels: drift alone, capped at P1', input({ accuracy: null, labelledSamples: 0, features: halfDrift, datasetDrift: true }), 'data-drift', 'investigate', 'P1'],
    ['accuracy drop after a new digest → rollback (row 2)', input({ accuracy: 0.7, modelChanged: true }), 'concept-drift', 'rollback', 'P0'],
    ['concept drift again after a retrain this episode → feature-engineering', input({ accuracy: 0.86, retrainedThisEpisode: true }), 'concept-drift', 'feature-engineering', 'P2'],
  ] as const)('%s', (_name, facts, rootCause, remediation, urgency) => {
    const o = decide(facts);
    expect({ rootCause: o.rootCause, remediation: o.remediation, urgency: o.urgency }).toEqual({ rootCause, remediation, urgency });
    expect(o.reasons.length).toBeGreaterThan(0);
  });

  it('affected features: the faulty ones for data-quality, the drifted ones for data-drift', () => {
    expect(decide(input({ features: [feature('a', true), feature('b', false, { currentNullShare: 0.5 })] })).affectedFeatures).toEqual(['b']);
    expect(decide(input({ features: halfDrift, datasetDrift: true })).affectedFeatures).toEqual(['a', 'b']);
  });

  it('maxUrgency never lowers', () => {
    expect(maxUrgency('P1', 'none')).toBe('P1');
    expect(maxUrgency('P2', 'P0')).toBe('P0');
  });
});
