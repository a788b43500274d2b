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
  if (n < RADIX_MIN) return out.sort();
  return decimalSort(out) ?? radixSort(out);
}

const RADIX_MIN = 50_000;
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6];
const INT32_MAX = 2 ** 31 - 1;

/**
 * Sorts values that are all decimals with at most 6 digits after the point (what CSV columns usually hold):
 * each value v is m / 10^k for an integer m = round(v·10^k), checked exactly for every value (the division gives v
 * back, bit for bit, and m fits 32 bits), so ordering the integers orders the values and m / 10^k rebuilds
 * them. Integers in a narrow range are counting-sorted, others radix-sorted in two 16-bit passes; negative
 * zeros are counted and put back before the positive ones (the typed-array sort's order). Returns undefined
 * (the caller sorts the doubles) when any value does not pass. Sorts in place.
 */
// The integer keys are handled with bit operations.
/* eslint-disable no-bitwise */
export function decimalSort(a: Float64Array): Float64Array | undefined {
  const n = a.length;
  if (n === 0) return a;
  // The scale: the fewest decimals that carry the first values exactly (all values are checked below).
  let k = 0;
  const probe = Math.min(n, 64);
  for (; k < POW10.length; k++) {
    const p = POW10[k];
    let ok = true;
    for (let i = 0; i < probe && ok; i++) ok = Math.round(a[i] * p) / p === a[i];
    if (ok) break;
  }
  if (k === POW10.length) return undefined;
  const p = POW10[k];
  const keys = new Int32Array(n);
  let min = INT32_MAX;
  let max = -INT32_MAX;
  let negativeZeros = 0;
  for (let i = 0; i < n; i++) {
    const v = a[i];
    const m = Math.round(v * p);
    if (m / p !== v || m > INT32_MAX || m < -INT32_MAX) return undefined;
    if (m === 0 && Object.is(v, -0)) negativeZeros++;
    keys[i] = m;
    if (m < min) min = m;
    if (m > max) max = m;
  }
  const range = max - min + 1;
  if (range <= 2 * n + 65_536) {
    // Counting sort over [min, max].
    const count = new Int32Array(range);
    for (let i = 0; i < n; i++) count[keys[i] - min]++;
    let j = 0;
    for (let d = 0; d < range; d++) {
      const c = count[d];
      if (c === 0) continue;
      const v = (d + min) / p;
      for (let e = j + c; j < e; j++) a[j] = v;
    }
    return restoreNegativeZeros(a, negativeZeros);
  }
  // LSD radix sort of the keys offset to unsigned, two 16-bit digits.
  let src = new Uint32Array(n);
  let dst = new Uint32Array(n);
  for (let i = 0; i < n; i++) src[i] = keys[i] - min;
  const count = new Uint32Array(65536);
  for (let shift = 0; shift < 32; shift += 16) {
    digitOffsets(count, src, shift);
    for (let i = 0; i < n; i++) dst[count[(src[i] >>> shift) & 0xffff]++] = src[i];
    [src, dst] = [dst, src];
  }
  for (let i = 0; i < n; i++) a[i] = (src[i] + min) / p;
  return restoreNegativeZeros(a, negativeZeros);
}

/**
 * One pass of an LSD radix sort on 16-bit digits: fills `count` with where each digit's run starts
 * (the exclusive prefix sums of the digit counts of `keys` at `shift`).
 */
function digitOffsets(count: Uint32Array, keys: Uint32Array, shift: number): void {
  count.fill(0);
  for (let i = 0; i < keys.length; i++) count[(keys[i] >>> shift) & 0xffff]++;
  let sum = 0;
  for (let d = 0; d < 65536; d++) {
    const c = count[d];
    count[d] = sum;
    sum += c;
  }
}

/** Turns the first `count` zeros of a sorted array into -0. */
function restoreNegativeZeros(a: Float64Array, count: number): Float64Array {
  if (count === 0) return a;
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < 0) lo = mid + 1;
    else hi = mid;
  }
  a.fill(-0, lo, lo + count);
  return a;
}
/* eslint-enable no-bitwise */

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Sorts finite doubles ascending with an LSD radix sort on their IEEE-754 bits (4 passes of 16 bits), about
 * twice as fast as the typed-array sort on a million values (bench/drift.ts). Bits are mapped so that unsigned order is
 * numeric order: negative numbers have every bit flipped, positive ones only the sign bit. Sorts in place.
 */
// Radix sorting works on the bits of the doubles.
/* eslint-disable no-bitwise */
export function radixSort(a: Float64Array): Float64Array {
  const n = a.length;
  const words = new Uint32Array(a.buffer, a.byteOffset, n * 2);
  const lo = littleEndian ? 0 : 1;
  const hi = 1 - lo;
  let kl = new Uint32Array(n);
  let kh = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const h = words[2 * i + hi];
    const l = words[2 * i + lo];
    if (h & 0x80000000) {
      kh[i] = ~h >>> 0;
      kl[i] = ~l >>> 0;
    } else {
      kh[i] = (h | 0x80000000) >>> 0;
      kl[i] = l;
    }
  }
  let tl = new Uint32Array(n);
  let th = new Uint32Array(n);
  const count = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const src = pass < 2 ? kl : kh;
    const shift = (pass & 1) * 16;
    digitOffsets(count, src, shift);
    for (let i = 0; i < n; i++) {
      const at = count[(src[i] >>> shift) & 0xffff]++;
      tl[at] = kl[i];
      th[at] = kh[i];
    }
    [kl, tl] = [tl, kl];
    [kh, th] = [th, kh];
  }
  for (let i = 0; i < n; i++) {
    const h = kh[i];
    const l = kl[i];
    if (h & 0x80000000) {
      words[2 * i + hi] = (h & 0x7fffffff) >>> 0;
      words[2 * i + lo] = l;
    } else {
      words[2 * i + hi] = ~h >>> 0;
      words[2 * i + lo] = ~l >>> 0;
    }
  }
  return a;
}
/* eslint-enable no-bitwise */

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
  // Few categories (the usual case, and the CSV loader interns their texts, so equal values are mostly the same
  // string): a short list searched with ===, cheaper than hashing every value. Past 32 categories, a Map.
  const keys: string[] = [];
  const tally: number[] = [];
  let i = 0;
  for (; i < values.length; i++) {
    const v = values[i];
    if (v === null) continue;
    let k = 0;
    while (k < keys.length && keys[k] !== v) k++;
    if (k === keys.length) {
      if (k === 32) break;
      keys.push(v);
      tally.push(0);
    }
    tally[k]++;
  }
  const counts = new Map<string, number>();
  keys.forEach((key, k) => counts.set(key, tally[k]));
  for (; i < values.length; i++) {
    const v = values[i];
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
