/**
 * Column data for the drift statistics. A numerical column is a Float64Array with NaN for a
 * missing value; a categorical column is a string array with `null` for a missing value.
 * Like Evidently, every test runs on the non-missing values only (NaN and ±Infinity dropped);
 * nulls are reported separately as a data-quality fact.
 */
export type ColumnKind = 'numerical' | 'categorical';

export interface NumericalColumn {
  readonly kind: 'numerical';
  readonly values: Float64Array;
}

export interface CategoricalColumn {
  readonly kind: 'categorical';
  readonly values: readonly (string | null)[];
}

export type Column = NumericalColumn | CategoricalColumn;

/** The finite values of a numerical column, sorted ascending (a fresh array). */
export function sortedFinite(values: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) n++;
  const out = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) out[j++] = v;
  }
  return out.sort();
}

/** Distinct values and their counts of a sorted array (run-length encoding). */
export function runs(sorted: Float64Array): { values: number[]; counts: number[] } {
  const values: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i];
    if (values.length > 0 && values[values.length - 1] === v) {counts[counts.length - 1]++;} else {
      values.push(v);
      counts.push(1);
    }
  }
  return { values, counts };
}

/** Number of distinct values of a sorted array. */
export function distinctSorted(sorted: Float64Array): number {
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) n++;
  return n;
}

/** Number of distinct values in the union of two sorted arrays. */
export function distinctInUnion(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let n = 0;
  let last = NaN;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
    if (n === 0 || v !== last) {
      n++;
      last = v;
    }
  }
  return n;
}

/** Counts of each non-missing category. */
export function categoryCounts(values: readonly (string | null)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) {
    if (v === null) continue;
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return counts;
}

/** A value → count table keyed so numbers and strings can share the test code. */
export type Counts = Map<string | number, number>;

export function countsFromRuns(r: { values: number[]; counts: number[] }): Counts {
  const m: Counts = new Map();
  r.values.forEach((v, i) => m.set(v, r.counts[i]));
  return m;
}

/** Union of the keys of two count tables, sorted like Python's `sorted` (numbers numerically, strings by code point). */
export function unionKeys(a: Counts, b: Counts): (string | number)[] {
  const keys = new Set<string | number>([...a.keys(), ...b.keys()]);
  return [...keys].sort((x, y) => {
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    const sx = String(x);
    const sy = String(y);
    return sx < sy ? -1 : sx > sy ? 1 : 0;
  });
}

export function total(c: Counts): number {
  let t = 0;
  for (const v of c.values()) t += v;
  return t;
}
