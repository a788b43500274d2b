import { causeTable, rankCauses, thresholds, type AlertEvidence } from '../../src/alerts/causes';

const startsAt = new Date('2026-08-20T14:03:12Z');
const base: AlertEvidence = {
  alertType: 'latency',
  startsAt,
  logLines: [],
  events: [],
  terminatedReasons: [],
  queries: {
    cpuThrottlingRatio: 'CPUQ', memoryLimitRatio: 'MEMQ', restartsInWindow: 'RSTQ', requestRate: 'RATEQ',
  },
  rollouts: [],
};
const ev = (over: Partial<AlertEvidence>): AlertEvidence => ({ ...base, ...over });
const log = (line: string) => ({ line, source: 'log pod/kserve-container' });

test('nothing matches → insufficient-evidence, listing what was checked', () => {
  const r = rankCauses(ev({ cpuThrottlingRatio: 0.1, memoryLimitRatio: 0.5, requestRate: 1, requestRateBaseline: 1, logLines: [log('INFO ready')] }));
  expect(r).toHaveLength(1);
  expect(r[0].id).toBe('insufficient-evidence');
  expect(r[0].evidence).toContain('log lines read: 1');
});

test('the predictor\'s artificial delay line → fault-injection, quoting the line', () => {
  const r = rankCauses(ev({ logLines: [log('INFO started'), log('WARNING artificial delay 800ms enabled')] }));
  expect(r[0].id).toBe('fault-injection');
  expect(r[0].evidence).toEqual(['log pod/kserve-container: WARNING artificial delay 800ms enabled']);
});

test.each([
  ['cpu-throttling', { cpuThrottlingRatio: thresholds.cpuThrottlingRatio + 0.01 }, /CPUQ: peak 26.0 % of CFS periods throttled/],
  ['memory-pressure', { memoryLimitRatio: 0.95 }, /MEMQ: peak 95.0 % of the limit/],
  ['oom-killed', { terminatedReasons: ['OOMKilled'] }, /OOMKilled/],
  ['container-restarts', { restartsInWindow: 2 }, /RSTQ: 2 restart/],
  ['traffic-surge', { requestRate: 30, requestRateBaseline: 10 }, /30.00 req\/s at the alert vs 10.00 req\/s 1-hour baseline \(3.0×\)/],
  ['model-load-failure', { logLines: [log('ERROR failed to load model from /mnt/models')] }, /failed to load model/],
  ['error-log', { logLines: [log('Traceback (most recent call last):')] }, /Traceback/],
  ['recent-rollout', { rollouts: [{ sha: 'a'.repeat(40), at: new Date(startsAt.getTime() - 10 * 60_000), subject: 'release: credit-risk v7' }] }, /release.json changed 10 min before the alert: aaaaaaaaaaaa "release: credit-risk v7"/],
] as const)('%s matches and cites its evidence', (id, over, evidence) => {
  const r = rankCauses(ev(over as Partial<AlertEvidence>));
  expect(r[0].id).toBe(id);
  expect(r[0].evidence.join('\n')).toMatch(evidence);
});

test.each([
  ['cpu throttling at exactly 25 %', { cpuThrottlingRatio: 0.25 }],
  ['memory at exactly 90 %', { memoryLimitRatio: 0.9 }],
  ['traffic at exactly 2×', { requestRate: 20, requestRateBaseline: 10 }],
  ['a rollout 31 minutes before', { rollouts: [{ sha: 'b'.repeat(40), at: new Date(startsAt.getTime() - 31 * 60_000), subject: 'x' }] }],
  ['a rollout after the alert started', { rollouts: [{ sha: 'c'.repeat(40), at: new Date(startsAt.getTime() + 60_000), subject: 'x' }] }],
])('thresholds are strict: %s does not match', (_name, over) => {
  expect(rankCauses(ev(over as Partial<AlertEvidence>))[0].id).toBe('insufficient-evidence');
});

test('ranking: fault injection beats a recent rollout and throttling for a latency alert; scores descend', () => {
  const r = rankCauses(ev({
    logLines: [log('artificial delay 800ms enabled')],
    cpuThrottlingRatio: 0.6,
    rollouts: [{ sha: 'd'.repeat(40), at: new Date(startsAt.getTime() - 5 * 60_000), subject: 'release' }],
  }));
  expect(r.map((c) => c.id)).toEqual(['fault-injection', 'recent-rollout', 'cpu-throttling']);
  expect(r.map((c) => c.rank)).toEqual([1, 2, 3]);
  for (let i = 1; i < r.length; i++) expect(r[i].score).toBeLessThanOrEqual(r[i - 1].score);
});

test('relevance: for a crash-loop (availability) alert, OOMKilled outranks CPU throttling', () => {
  const r = rankCauses(ev({ alertType: 'availability', cpuThrottlingRatio: 0.9, terminatedReasons: ['OOMKilled'] }));
  expect(r[0].id).toBe('oom-killed');
});

test('the table documents every cause with a remediation', () => {
  for (const c of causeTable) expect(c.remediation.length).toBeGreaterThan(20);
  expect(new Set(causeTable.map((c) => c.id)).size).toBe(causeTable.length);
});
