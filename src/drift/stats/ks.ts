/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, as `scipy.stats.ks_2samp(a, b)` computes it with
 * its default `method='auto'` (what Evidently's `ks_stat_test` calls):
 * - the statistic D is the largest gap between the two empirical CDFs, evaluated at every sample value;
 * - when both samples have at most 10,000 values, the exact p-value: the share of monotone lattice paths
 *   from (0,0) to (n1,n2) that leave the band |x/n1 − y/n2| < D (Hodges 1958; the "1 − p" recursion of
 *   Viehmann 2021, arXiv:2102.08037, which scipy uses), or the closed form for n1 = n2;
 * - otherwise (or when the exact sum is not a probability) the asymptotic p-value, Kolmogorov's
 *   distribution at n = round(n1·n2/(n1+n2)), from @stdlib/stats-kstest (Marsaglia–Tsang–Wang 2003).
 */

// @stdlib/stats-kstest exposes its Kolmogorov distribution only as a module file; it has no typings.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pKolmogorov: (d: number, n: number) => number = require('@stdlib/stats-kstest/lib/marsaglia.js');

const MAX_EXACT_N = 10_000;

export interface KsResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly method: 'exact' | 'asymptotic';
}

/** Count of values in `sorted` that are ≤ x (numpy searchsorted side='right'). */
function upperBound(sorted: Float64Array, x: number, from = 0): number {
  let lo = from;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** D = max |F1(x) − F2(x)| over all sample values x. Both inputs sorted ascending, non-empty. */
export function ksStatistic(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let maxPlus = -Infinity;
  let maxMinus = -Infinity;
  // Walk the merged values; at each distinct value both ECDFs count everything ≤ it.
  while (i < n1 || j < n2) {
    const x = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
    while (i < n1 && a[i] <= x) i++;
    while (j < n2 && b[j] <= x) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxPlus) maxPlus = diff;
    if (-diff > maxMinus) maxMinus = -diff;
  }
  const minS = Math.min(Math.max(maxMinus, 0), 1);
  return minS > maxPlus ? minS : maxPlus;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** numpy's round: half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Share of paths that leave the band |x − y| < h for n1 = n2 = n. */
function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    p = p1 * (1 - p);
  }
  return 2 * p;
}

/** Share of paths from (0,0) to (m,n) that do not stay strictly inside |nx/g − my/g| < h (Viehmann's recursion). */
function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj] * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1];
}

/** Two-sided two-sample KS test. Inputs: finite values sorted ascending, both non-empty. */
export function ks2samp(a: Float64Array, b: Float64Array): KsResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new Error('ks2samp: both samples must be non-empty');
  let d = ksStatistic(a, b);
  if (Math.max(n1, n2) <= MAX_EXACT_N) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    const dExact = h / lcm;
    if (h === 0) return { statistic: dExact, pValue: 1, method: 'exact' };
    const p = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
    if (Number.isFinite(p) && p >= 0 && p <= 1) return { statistic: dExact, pValue: p, method: 'exact' };
    d = dExact;
  }
  const big = Math.max(n1, n2);
  const small = Math.min(n1, n2);
  const en = roundHalfEven((big * small) / (big + small));
  const p = d >= 1 ? 0 : d <= 0 ? 1 : 1 - pKolmogorov(d, en);
  return { statistic: d, pValue: Math.min(Math.max(p, 0), 1), method: 'asymptotic' };
}

export { upperBound };
