import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Column, categoryCounts, decimalSort, radixSort } from '../../src/drift/stats/column';
import { datasetDrift, featureDrift } from '../../src/drift/stats/feature';
import { ks2samp } from '../../src/drift/stats/ks';
import { chi2Sf, jensenShannonDistance, wassersteinDistance } from '../../src/drift/stats/tests';

/**
 * Expected values come from scripts/drift-expected/make_expected.py (scipy/numpy; also checked against
 * evidently's own stattests when it was generated). The fixture records the versions used.
 */
interface Case {
  name: string;
  note: string;
  kind: 'numerical' | 'categorical';
  integer: boolean;
  reference: (number | string | null)[];
  current: (number | string | null)[];
  expected: { test: string; statistic: number | null; pValue: number | null; drifted: boolean; psi: number };
}

const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'expected-stats.json'), 'utf8')) as {
  scipy: string;
  cases: Case[];
};

function toColumn(kind: Case['kind'], raw: Case['reference']): Column {
  if (kind === 'categorical') return { kind, values: raw.map((v) => (v === null ? null : String(v))) };
  return {
    kind,
    values: Float64Array.from(raw, (v) => (v === null ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v))),
  };
}

/**
 * Relative closeness for statistics and p-values (absolute near 0). `relTol` is 1e-7 except for
 * asymptotic KS p-values (more than 10,000 values): scipy evaluates Kolmogorov's distribution with
 * Pelz–Good/Durbin approximations and @stdlib with Marsaglia–Tsang–Wang, which agree to 1e-6; below
 * p = 1e-3 scipy uses 2·smirnov(n, d) and @stdlib a closed-form tail, which agree to about 1 % (far from 0.05).
 */
function expectClose(actual: number | null, expected: number | null, what: string, relTol = 1e-7): void {
  if (expected === null) {
    expect({ what, actual }).toEqual({ what, actual: null });
    return;
  }
  expect(actual).not.toBeNull();
  const tol = Math.max(Math.abs(expected) * relTol, 1e-12);
  if (Math.abs((actual as number) - expected) > tol) {
    throw new Error(`${what}: expected ${expected}, got ${actual} (tolerance ${tol})`);
  }
}

describe(`drift statistics match scipy ${fixture.scipy}`, () => {
  it('has a case for every test, ties, constants and missing levels', () => {
    const tests = new Set(fixture.cases.map((c) => c.expected.test));
    expect([...tests].sort()).toEqual(['chi-square', 'jensen-shannon', 'ks', 'wasserstein', 'z']);
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = featureDrift({
      name: c.name,
      reference: toColumn(c.kind, c.reference),
      current: toColumn(c.kind, c.current),
      integerDtype: c.integer,
    });
    expect(result.test).toBe(c.expected.test);
    expectClose(result.statistic, c.expected.statistic === null ? null : c.expected.statistic, `${c.name} statistic`);
    const asymptotic = c.expected.test === 'ks' && Math.max(c.current.length, c.reference.length) > 10_000;
    const pTol = !asymptotic ? 1e-7 : (c.expected.pValue ?? 1) < 1e-3 ? 2e-2 : 1e-6;
    expectClose(result.pValue, c.expected.pValue, `${c.name} p-value`, pTol);
    expectClose(result.psi, c.expected.psi, `${c.name} psi`);
    expect(result.drifted).toBe(c.expected.drifted);
    // Never NaN/Infinity in what the report serializes.
    const json = JSON.stringify(result);
    expect(json).not.toMatch(/NaN|Infinity/);
    expect(JSON.parse(json).statistic).toBe(c.expected.statistic === null ? null : result.statistic);
  });
});

describe('drift statistics: building blocks and edge cases', () => {
  it('KS on identical samples gives D = 0 and p = 1', () => {
    const a = Float64Array.from([1, 2, 3, 4, 5]);
    expect(ks2samp(a, a)).toEqual({ statistic: 0, pValue: 1, method: 'exact' });
  });

  it('KS on fully separated small samples: p = 2/C(n1+n2, n1)', () => {
    // scipy.stats.ks_2samp([1,2,3],[4,5,6,7]).pvalue == 2/35
    const r = ks2samp(Float64Array.from([1, 2, 3]), Float64Array.from([4, 5, 6, 7]));
    expect(r.statistic).toBe(1);
    expect(r.pValue).toBeCloseTo(2 / 35, 12);
  });

  it('KS rejects an empty sample', () => {
    expect(() => ks2samp(new Float64Array(0), Float64Array.from([1]))).toThrow(/non-empty/);
  });

  it('chi-squared tail: chi2.sf(10, 3) and an infinite statistic', () => {
    expect(chi2Sf(10, 3)).toBeCloseTo(0.01856613546304325, 14);
    expect(chi2Sf(Infinity, 3)).toBe(0);
  });

  it('Jensen-Shannon distance of disjoint distributions is sqrt(ln 2)', () => {
    expect(jensenShannonDistance(Float64Array.from([1, 0]), Float64Array.from([0, 1]))).toBeCloseTo(Math.sqrt(Math.LN2), 14);
  });

  it('Wasserstein distance of point masses is their gap', () => {
    expect(wassersteinDistance(Float64Array.from([0, 0]), Float64Array.from([3]))).toBe(3);
  });

  it('a column with only missing values is a clear error naming it', () => {
    expect(() =>
      featureDrift({
        name: 'income',
        reference: { kind: 'numerical', values: Float64Array.from([1, 2, 3]) },
        current: { kind: 'numerical', values: Float64Array.from([NaN, NaN]) },
      }),
    ).toThrow('feature "income": the current data has no non-missing value');
  });

  it('single-row inputs give a defined result', () => {
    const r = featureDrift({
      name: 'x',
      reference: { kind: 'numerical', values: Float64Array.from([1]) },
      current: { kind: 'numerical', values: Float64Array.from([1]) },
    });
    expect(r).toMatchObject({ test: 'z', pValue: 1, drifted: false, psi: 0 });
  });

  it('reports null shares and out-of-range shares', () => {
    const r = featureDrift({
      name: 'x',
      reference: { kind: 'numerical', values: Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) },
      current: { kind: 'numerical', values: Float64Array.from([NaN, NaN, 1, 2, 3, 4, 5, 6, 7, 100]) },
    });
    expect(r.currentNullShare).toBe(0.2);
    expect(r.referenceNullShare).toBe(0);
    // 100 is beyond max 9 + 10 % of the span 9; 7 is inside.
    expect(r.outOfRangeShare).toBe(1 / 8);
    const shifted = featureDrift({
      name: 'x',
      reference: { kind: 'numerical', values: Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) },
      current: { kind: 'numerical', values: Float64Array.from([9.5, -0.5, 9.9, 5]) },
    });
    expect(shifted.outOfRangeShare).toBe(0);
    const valid = featureDrift({
      name: 'x',
      reference: { kind: 'numerical', values: Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) },
      current: { kind: 'numerical', values: Float64Array.from([9.5, -0.5, 9.9, 5]) },
      validRange: [0, 9],
    });
    expect(valid.outOfRangeShare).toBe(3 / 4);
  });

  it('dataset drift at half the features (configurable), and none without features', () => {
    const f = (drifted: boolean) => ({ drifted }) as never;
    expect(datasetDrift([f(true), f(false)]).datasetDrift).toBe(true);
    expect(datasetDrift([f(true), f(false), f(false)]).datasetDrift).toBe(false);
    expect(datasetDrift([f(true), f(false), f(false)], 0.3).datasetDrift).toBe(true);
    expect(() => datasetDrift([])).toThrow(/no feature/);
  });
});


describe('radix sort of doubles', () => {
  it('orders like a numeric sort, including negatives, zeros, subnormals and ties', () => {
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const a = Float64Array.from({ length: 70_000 }, (_, i) =>
      i % 7 === 0 ? 0 : i % 11 === 0 ? -0 : i % 13 === 0 ? 5e-324 : i % 17 === 0 ? -1e300 : (next() - 0.5) * 10 ** Math.floor(next() * 12 - 6));
    const expected = Float64Array.from(a).sort();
    const got = radixSort(Float64Array.from(a));
    expect(got.length).toBe(expected.length);
    for (let i = 0; i < got.length; i++) {
      if (got[i] !== expected[i]) throw new Error(`index ${i}: ${got[i]} !== ${expected[i]}`);
    }
  });
});

describe('decimal sort (integer keys for values with few decimals)', () => {
  let seed = 11;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  /** Sorts a copy both ways; `Object.is` so a -0 turned into 0 would show. */
  const check = (a: Float64Array): boolean => {
    const expected = Float64Array.from(a).sort();
    const got = decimalSort(Float64Array.from(a));
    if (got === undefined) return false;
    expect(got.length).toBe(expected.length);
    for (let i = 0; i < got.length; i++) {
      if (!Object.is(got[i], expected[i])) throw new Error(`index ${i}: ${got[i]} vs ${expected[i]}`);
    }
    return true;
  };
  const parsed = (s: string) => Number(s);

  it('orders values with up to 6 decimals exactly like the numeric sort (counting and radix branches)', () => {
    // Narrow range (counting sort): 3 decimals, ties, negatives.
    expect(check(Float64Array.from({ length: 60_000 }, () => parsed(((next() - 0.5) * 20).toFixed(3))))).toBe(true);
    // Wide range (radix on the keys): 2 decimals up to ±2e7.
    expect(check(Float64Array.from({ length: 60_000 }, () => parsed(((next() - 0.5) * 4e7).toFixed(2))))).toBe(true);
    // Integers, and 6 decimals.
    expect(check(Float64Array.from({ length: 60_000 }, () => Math.floor((next() - 0.5) * 1e9)))).toBe(true);
    expect(check(Float64Array.from({ length: 60_000 }, () => parsed(next().toFixed(6))))).toBe(true);
  });

  it('keeps negative zeros before positive ones, in both branches', () => {
    const withZeros = (scale: number) =>
      Float64Array.from({ length: 60_000 }, (_, i) => (i % 50 === 0 ? -0 : i % 70 === 0 ? 0 : parsed(((next() - 0.5) * scale).toFixed(3))));
    expect(check(withZeros(20))).toBe(true);
    expect(check(withZeros(4e6))).toBe(true);
  });

  it('declines what integer keys cannot carry: more decimals, keys beyond 32 bits', () => {
    expect(check(Float64Array.from({ length: 1000 }, () => next()))).toBe(false);
    expect(check(Float64Array.from([1.5, 2, ...Array.from({ length: 100 }, (_, i) => i / 4), 1 / 3]))).toBe(false);
    expect(check(Float64Array.from([1, 2, 3e9]))).toBe(false);
    expect(check(Float64Array.from([0.5, 2 ** 31]))).toBe(false);
  });
});

describe('category counts', () => {
  /** The plain Map count, in order of first appearance. */
  const naive = (values: (string | null)[]) => {
    const m = new Map<string, number>();
    for (const v of values) if (v !== null) m.set(v, (m.get(v) ?? 0) + 1);
    return [...m];
  };
  it('counts like a Map, keys in order of first appearance, below and past 32 categories', () => {
    let seed = 5;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (const distinct of [1, 4, 32, 33, 100]) {
      // Built strings (not literals): equal values are different string objects, as without interning.
      const values = Array.from({ length: 5000 }, () => (next() < 0.1 ? null : ['c', String(Math.floor(next() * distinct))].join('')));
      expect([...categoryCounts(values)]).toEqual(naive(values));
    }
    expect(categoryCounts([null, null]).size).toBe(0);
  });
});
