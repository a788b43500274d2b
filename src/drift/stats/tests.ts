/**
 * The per-feature drift statistics of Evidently's default selection (evidently 0.7.x,
 * `evidently/legacy/calculations/stattests/*.py`), reimplemented on sorted arrays and count tables.
 * Definitions, thresholds and comparison operators follow Evidently exactly:
 *
 * | test          | statistic                                   | drifted when      |
 * |---------------|---------------------------------------------|-------------------|
 * | `z`           | two-proportion z, p = 2·(1 − Φ(|z|))         | p < threshold     |
 * | `chi-square`  | Pearson χ², expected = reference counts × n_cur/n_ref, df = k − 1 | p < threshold |
 * | `ks`          | two-sample Kolmogorov–Smirnov (see ks.ts)   | p ≤ threshold     |
 * | `wasserstein` | W1(ref, cur) / max(std_ref, 0.001) (population std) | ≥ threshold |
 * | `jensen-shannon` | JS distance (natural log) of the value shares | ≥ threshold     |
 * | PSI           | Σ (r − c)·ln(r/c) over bins, zeros filled   | ≥ 0.1             |
 *
 * Special functions come from @stdlib: the χ² tail is the regularized upper incomplete gamma,
 * Φ is written with erfc. Infinite statistics (a category absent from the reference) are kept
 * as `Infinity` here and serialized as `null` by the report.
 */
import erfc from '@stdlib/math-base-special-erfc';
import gammainc from '@stdlib/math-base-special-gammainc';
import { Counts, total, unionKeys } from './column';
import { upperBound } from './ks';

export interface TestResult {
  readonly statistic: number;
  /** The p-value for hypothesis tests, null for distances. */
  readonly pValue: number | null;
}

/** Standard normal CDF through erfc (exact in the tails, unlike 1 − erf). */
function normCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** χ² survival function: regularized upper incomplete gamma Q(df/2, x/2). */
export function chi2Sf(x: number, df: number): number {
  if (x === Infinity) return 0;
  if (x <= 0) return 1;
  return gammainc(x / 2, df / 2, true, true);
}

/**
 * Evidently's Z-test for a column with at most two distinct values: both constant and equal → p = 1;
 * otherwise the share of values different from the smallest key, compared with a pooled two-proportion z.
 */
export function zTest(ref: Counts, cur: Counts): TestResult {
  if (ref.size === 1 && cur.size === 1 && [...ref.keys()][0] === [...cur.keys()][0]) {
    return { statistic: 0, pValue: 1 };
  }
  const first = unionKeys(ref, cur)[0];
  const n1 = total(ref);
  const n2 = total(cur);
  const p1 = (n1 - (ref.get(first) ?? 0)) / n1;
  const p2 = (n2 - (cur.get(first) ?? 0)) / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return { statistic: z, pValue: 2 * (1 - normCdf(Math.abs(z))) };
}

/** Evidently's chi-squared test: observed current counts against reference counts scaled to the current size. */
export function chiSquareTest(ref: Counts, cur: Counts): TestResult {
  const keys = unionKeys(ref, cur);
  const kNorm = total(cur) / total(ref);
  let stat = 0;
  for (const key of keys) {
    const expected = (ref.get(key) ?? 0) * kNorm;
    const observed = cur.get(key) ?? 0;
    const d = observed - expected;
    stat += expected === 0 ? (d === 0 ? 0 : Infinity) : (d * d) / expected;
  }
  return { statistic: stat, pValue: chi2Sf(stat, keys.length - 1) };
}

/** Value shares over the union of keys (Evidently's `get_binned_data` for categories). */
function sharesOverKeys(ref: Counts, cur: Counts): [Float64Array, Float64Array] {
  const keys = unionKeys(ref, cur);
  const nr = total(ref);
  const nc = total(cur);
  const r = new Float64Array(keys.length);
  const c = new Float64Array(keys.length);
  keys.forEach((k, i) => {
    r[i] = (ref.get(k) ?? 0) / nr;
    c[i] = (cur.get(k) ?? 0) / nc;
  });
  return [r, c];
}

/** `x·ln(x/y)` with scipy's `rel_entr` conventions (0 when x = 0). */
function relEntr(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

/** scipy.spatial.distance.jensenshannon(p, q) with the natural log. */
export function jensenShannonDistance(p: Float64Array, q: Float64Array): number {
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    sp += p[i];
    sq += q[i];
  }
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] / sp;
    const qi = q[i] / sq;
    const m = (pi + qi) / 2;
    js += relEntr(pi, m) + relEntr(qi, m);
  }
  return Math.sqrt(Math.max(js / 2, 0));
}

/** Evidently's Jensen–Shannon test on category shares (no zero filling). */
export function jensenShannonTest(ref: Counts, cur: Counts): TestResult {
  const [r, c] = sharesOverKeys(ref, cur);
  return { statistic: jensenShannonDistance(r, c), pValue: null };
}

/** Population standard deviation (numpy's default ddof=0). */
function populationStd(x: Float64Array): number {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i];
  mean /= x.length;
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += (x[i] - mean) ** 2;
  return Math.sqrt(ss / x.length);
}

/** scipy.stats.wasserstein_distance(u, v): ∫ |U(x) − V(x)| dx over the merged sorted values. */
export function wassersteinDistance(u: Float64Array, v: Float64Array): number {
  const nu = u.length;
  const nv = v.length;
  let i = 0;
  let j = 0;
  let dist = 0;
  let prev = Math.min(u[0], v[0]);
  // At each merged value x the CDFs count everything ≤ x; the area to the next value is |U − V|·Δx.
  while (i < nu || j < nv) {
    const x = j >= nv || (i < nu && u[i] <= v[j]) ? u[i] : v[j];
    if (i + j > 0) dist += Math.abs(i / nu - j / nv) * (x - prev);
    while (i < nu && u[i] === x) i++;
    while (j < nv && v[j] === x) j++;
    prev = x;
  }
  return dist;
}

/** Evidently's normed Wasserstein distance: W1 divided by max(std of the reference, 0.001). */
export function wassersteinTest(ref: Float64Array, cur: Float64Array): TestResult {
  const norm = Math.max(populationStd(ref), 0.001);
  return { statistic: wassersteinDistance(ref, cur) / norm, pValue: null };
}

/**
 * numpy.histogram_bin_edges(combined, bins='sturges'): equal-width bins, their number
 * ceil(range / (range / (log2(n) + 1))); a zero range becomes [min − 0.5, max + 0.5] with one bin.
 */
export function sturgesEdges(min: number, max: number, n: number, integerDtype = false): Float64Array {
  let first = min;
  let last = max;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const ptp = max - min;
  let width = ptp / (Math.log2(n) + 1);
  // numpy widens bins of an integer array to at least 1.
  if (integerDtype && width && width < 1) width = 1;
  const bins = width ? Math.ceil((last - first) / width) : 1;
  const edges = new Float64Array(bins + 1);
  const step = (last - first) / bins;
  for (let k = 0; k < bins; k++) edges[k] = k * step + first;
  edges[bins] = last;
  return edges;
}

/** numpy.histogram(sorted, edges) counts: [e_k, e_k+1) except the last bin, which is closed. */
export function histogram(sorted: Float64Array, edges: Float64Array): Float64Array {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  let prev = lowerBound(sorted, edges[0]);
  for (let k = 0; k < bins; k++) {
    const next = k === bins - 1 ? upperBound(sorted, edges[bins], prev) : lowerBound(sorted, edges[k + 1], prev);
    counts[k] = next - prev;
    prev = next;
  }
  return counts;
}

/** Count of values in `sorted` that are < x (numpy searchsorted side='left'). */
export function lowerBound(sorted: Float64Array, x: number, from = 0): number {
  let lo = from;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Evidently's `feel_zeroes`: an empty bin gets min(non-zero share)/1e6 if that is ≤ 1e-4, else 1e-4. */
function fillZeroes(p: Float64Array): void {
  let min = Infinity;
  for (const v of p) if (v !== 0 && v < min) min = v;
  const fill = min <= 0.0001 ? min / 1e6 : 0.0001;
  for (let i = 0; i < p.length; i++) if (p[i] === 0) p[i] = fill;
}

function psiOf(r: Float64Array, c: Float64Array): number {
  fillZeroes(r);
  fillZeroes(c);
  let psi = 0;
  for (let i = 0; i < r.length; i++) psi += (r[i] - c[i]) * Math.log(r[i] / c[i]);
  return psi;
}

/** PSI on category shares (categorical columns, or numerical with at most 20 distinct reference values). */
export function psiCategorical(ref: Counts, cur: Counts): number {
  const [r, c] = sharesOverKeys(ref, cur);
  return psiOf(r, c);
}

/**
 * PSI on Sturges bins over the combined range (numerical columns with more than 20 distinct reference values).
 * `integerDtype`: both columns held only integers with no missing value (pandas would read them as int64).
 */
export function psiNumerical(ref: Float64Array, cur: Float64Array, integerDtype = false): number {
  const edges = sturgesEdges(
    Math.min(ref[0], cur[0]), Math.max(ref[ref.length - 1], cur[cur.length - 1]), ref.length + cur.length, integerDtype,
  );
  const hr = histogram(ref, edges);
  const hc = histogram(cur, edges);
  for (let k = 0; k < hr.length; k++) {
    hr[k] /= ref.length;
    hc[k] /= cur.length;
  }
  return psiOf(hr, hc);
}
