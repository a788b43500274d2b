"""Expected drift statistics for test/drift/stats.test.ts, computed with scipy/numpy (not by the code under test).

Each case holds its input data (so the TypeScript tests run on exactly the same values) and the values
scipy/numpy give for Evidently's default test selection and PSI:

  z            2 * (1 - scipy.stats.norm.cdf(|z|)), pooled two-proportion z on "value != smallest key"
  chi-square   scipy.stats.chisquare(f_obs=current counts, f_exp=reference counts * n_cur/n_ref)
  ks           scipy.stats.ks_2samp(ref, cur) (method='auto': exact up to 10,000 values, else asymptotic)
  wasserstein  scipy.stats.wasserstein_distance(ref, cur) / max(numpy.std(ref), 0.001)
  jensen-shannon scipy.spatial.distance.jensenshannon(ref shares, cur shares) (natural log)
  psi          sum((r - c) * ln(r / c)) on category shares, or on numpy 'sturges' bins when the reference
               has more than 20 distinct values; empty bins filled as Evidently's get_binned_data does

When evidently is importable, every case is also checked against evidently's own stattests (its version is
recorded). Run:
  python3.11 -m venv /tmp/statsvenv && /tmp/statsvenv/bin/pip install scipy numpy 'pandas<3' [evidently]
  /tmp/statsvenv/bin/python scripts/drift-expected/make_expected.py > test/drift/fixtures/expected-stats.json
"""
import json
import math
import sys

import numpy as np
import pandas as pd
import scipy
from scipy import stats
from scipy.spatial import distance

try:
    import evidently
    from evidently.legacy.calculations.stattests import psi_stat_test
    from evidently.legacy.calculations.stattests.registry import _get_default_stattest
    from evidently.legacy.core import ColumnType
except Exception:  # evidently is optional: scipy alone defines the expected values
    evidently = None

EVIDENTLY_NAMES = {
    "z": "z",
    "chisquare": "chi-square",
    "ks": "ks",
    "wasserstein": "wasserstein",
    "jensenshannon": "jensen-shannon",
}


def select_test(ref, cur, kind):
    n_values = pd.concat([ref, cur]).nunique()
    if len(ref) <= 1000:
        if kind == "numerical" and n_values > 5:
            return "ks"
        return "chi-square" if n_values > 2 else "z"
    if kind == "numerical" and n_values > 5:
        return "wasserstein"
    return "jensen-shannon"


def counts(ref, cur):
    keys = sorted(set(ref.unique()) | set(cur.unique()))
    rc = ref.value_counts()
    cc = cur.value_counts()
    return keys, np.array([rc.get(k, 0) for k in keys], float), np.array([cc.get(k, 0) for k in keys], float)


def fill_zeroes(p):
    nz = p[p != 0]
    fill = nz.min() / 10**6 if nz.min() <= 0.0001 else 0.0001
    p = p.copy()
    p[p == 0] = fill
    return p


def expected_psi(ref, cur, kind):
    if kind == "numerical" and ref.nunique() > 20:
        bins = np.histogram_bin_edges(np.asarray(pd.concat([ref, cur]).values), bins="sturges")
        r = np.histogram(ref, bins)[0] / len(ref)
        c = np.histogram(cur, bins)[0] / len(cur)
    else:
        _, rc, cc = counts(ref, cur)
        r, c = rc / len(ref), cc / len(cur)
    r, c = fill_zeroes(r), fill_zeroes(c)
    return float(np.sum((r - c) * np.log(r / c)))


def expected_test(ref, cur, test):
    if test == "ks":
        res = stats.ks_2samp(ref, cur)
        return float(res.statistic), float(res.pvalue)
    if test == "wasserstein":
        return float(stats.wasserstein_distance(ref, cur) / max(float(np.std(ref)), 0.001)), None
    keys, rc, cc = counts(ref, cur)
    if test == "z":
        if ref.nunique() == 1 and cur.nunique() == 1 and ref.unique()[0] == cur.unique()[0]:
            return 0.0, 1.0
        n1, n2 = len(ref), len(cur)
        p1 = float((ref != keys[0]).sum()) / n1
        p2 = float((cur != keys[0]).sum()) / n2
        pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
        z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        return z, float(2 * (1 - stats.norm.cdf(abs(z))))
    if test == "chi-square":
        f_exp = rc * (len(cur) / len(ref))
        with np.errstate(divide="ignore", invalid="ignore"):
            res = stats.chisquare(cc, f_exp)
        stat = float(res.statistic)
        return (None if math.isinf(stat) else stat), float(res.pvalue)
    if test == "jensen-shannon":
        return float(distance.jensenshannon(rc / len(ref), cc / len(cur))), None
    raise ValueError(test)


def drifted(test, statistic, p_value):
    if test == "ks":
        return p_value <= 0.05
    if test in ("z", "chi-square"):
        return p_value < 0.05
    return statistic >= 0.1


def check_with_evidently(ref, cur, kind, test, statistic, p_value, psi):
    column_type = ColumnType.Numerical if kind == "numerical" else ColumnType.Categorical
    st = _get_default_stattest(ref, cur, column_type)
    assert EVIDENTLY_NAMES[st.name] == test, (st.name, test)
    res = st(ref, cur, column_type, None)
    score = p_value if p_value is not None else statistic
    assert math.isclose(res.drift_score, score, rel_tol=1e-9, abs_tol=1e-12), (test, res.drift_score, score)
    epsi = psi_stat_test(ref, cur, column_type, None).drift_score
    assert math.isclose(epsi, psi, rel_tol=1e-9, abs_tol=1e-12), ("psi", epsi, psi)


def case(name, ref, cur, kind, note):
    raw_ref, raw_cur = list(ref), list(cur)
    # Like Evidently's data drift: missing and infinite values are dropped before any test.
    sref = pd.Series(raw_ref).replace([np.inf, -np.inf], np.nan).dropna()
    scur = pd.Series(raw_cur).replace([np.inf, -np.inf], np.nan).dropna()
    if kind == "numerical":
        integer = all(isinstance(v, (int, np.integer)) for v in raw_ref + raw_cur)
        if integer:
            sref, scur = sref.astype(np.int64), scur.astype(np.int64)
        else:
            sref, scur = sref.astype(float), scur.astype(float)
    else:
        integer = False
    test = select_test(sref, scur, kind)
    statistic, p_value = expected_test(sref, scur, test)
    psi = expected_psi(sref, scur, kind)
    if evidently is not None:
        check_with_evidently(sref, scur, kind, test, statistic, p_value, psi)

    def enc(v):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return None
        if isinstance(v, float) and math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return v.item() if isinstance(v, np.generic) else v

    return {
        "name": name,
        "note": note,
        "kind": kind,
        "integer": integer,
        "reference": [enc(v) for v in raw_ref],
        "current": [enc(v) for v in raw_cur],
        "expected": {
            "test": test,
            "statistic": statistic,
            "pValue": p_value,
            "drifted": bool(drifted(test, statistic if statistic is not None else math.inf, p_value)),
            "psi": psi,
        },
    }


def r2(a):
    return [round(float(v), 2) for v in a]


def main():
    rng = np.random.default_rng(20261125)
    cases = []
    # --- reference <= 1,000 rows: hypothesis tests ---------------------------------------------------
    cases.append(case("ks-shift-ties", r2(rng.normal(0, 1, 300)), r2(rng.normal(0.3, 1, 400)), "numerical",
                      "KS, unequal sizes (exact inside method), values rounded to 2 decimals so ties occur"))
    cases.append(case("ks-equal-sizes", r2(rng.normal(0, 1, 200)), r2(rng.normal(0, 1.3, 200)), "numerical",
                      "KS with n1 = n2 (exact closed form)"))
    cases.append(case("ks-no-drift", r2(rng.normal(5, 2, 500)), r2(rng.normal(5, 2, 700)), "numerical",
                      "KS, same distribution"))
    cases.append(case("ks-asymptotic", r2(rng.normal(0, 1, 800)), r2(rng.normal(0.08, 1, 12000)), "numerical",
                      "KS with more than 10,000 current values (asymptotic Kolmogorov p-value)"))
    cases.append(case("ks-asymptotic-near-threshold", r2(rng.normal(0, 1, 1000)), r2(rng.normal(0.04, 1, 11000)), "numerical",
                      "asymptotic KS with a p-value near the 0.05 threshold"))
    cases.append(case("ks-integers-heavy-ties", [int(v) for v in rng.integers(0, 10, 1000)],
                      [int(v) for v in rng.integers(1, 10, 700)], "numerical",
                      "KS on integers 0..9 (10 distinct values, many ties)"))
    ref = [float(v) for v in rng.normal(0, 1, 600)]
    cur = [float(v) for v in rng.normal(0.5, 1, 500)]
    ref[::50] = [float("nan")] * len(ref[::50])
    cur[::7] = [None] * len(cur[::7])
    cur[3] = float("inf")
    cases.append(case("ks-with-missing", ref, cur, "numerical", "missing and infinite values are dropped before the test"))
    cases.append(case("chi-numeric-4-values", [int(v) for v in rng.choice([1, 2, 3, 4], 500, p=[.4, .3, .2, .1])],
                      [int(v) for v in rng.choice([1, 2, 3, 4], 600, p=[.25, .25, .25, .25])], "numerical",
                      "numerical with 4 distinct values: chi-squared"))
    cases.append(case("chi-category-missing-in-reference", list(rng.choice(["a", "b", "c"], 400)),
                      list(rng.choice(["a", "b", "c", "d"], 300)), "categorical",
                      "a category the reference never had: infinite statistic, p = 0"))
    cases.append(case("chi-category-missing-in-current", list(rng.choice(["a", "b", "c", "d"], 400, p=[.4, .3, .2, .1])),
                      list(rng.choice(["a", "b", "c"], 350, p=[.4, .35, .25])), "categorical",
                      "a reference category absent from the current data"))
    cases.append(case("chi-no-drift", list(rng.choice(["x", "y", "z"], 900)), list(rng.choice(["x", "y", "z"], 900)),
                      "categorical", "chi-squared, same distribution"))
    cases.append(case("z-binary-shift", [int(v) for v in rng.binomial(1, 0.3, 400)],
                      [int(v) for v in rng.binomial(1, 0.45, 300)], "numerical", "0/1 column: z-test"))
    cases.append(case("z-categorical-no-drift", list(rng.choice(["yes", "no"], 500)), list(rng.choice(["yes", "no"], 500)),
                      "categorical", "two categories, same shares"))
    cases.append(case("z-constant-equal", ["x"] * 50, ["x"] * 80, "categorical", "both constant and equal: p = 1"))
    cases.append(case("z-constant-different", ["x"] * 50, ["y"] * 80, "categorical", "both constant, different values"))
    cases.append(case("z-one-side-constant", list(rng.choice(["a", "b"], 60)), ["a"] * 40, "categorical",
                      "current has one of the two reference categories"))
    cases.append(case("z-numeric-constant-equal", [3.5] * 100, [3.5] * 20, "numerical", "constant numerical column on both sides"))
    # --- reference > 1,000 rows: distances ---------------------------------------------------------
    cases.append(case("wasserstein-shift", r2(rng.normal(10, 3, 2000)), r2(rng.normal(10.5, 3, 1500)), "numerical",
                      "normed Wasserstein, shift of 1/6 std"))
    cases.append(case("wasserstein-no-drift", r2(rng.normal(10, 3, 2000)), r2(rng.normal(10, 3, 1500)), "numerical",
                      "normed Wasserstein, same distribution"))
    cases.append(case("wasserstein-constant-reference", [5.0] * 1500, r2(rng.normal(5, 0.01, 500)), "numerical",
                      "constant reference: std 0 is floored at 0.001"))
    cases.append(case("wasserstein-integers-psi-int-bins", [int(v) for v in rng.integers(0, 40, 1500)],
                      [int(v) for v in rng.integers(0, 45, 1200)], "numerical",
                      "integer column with more than 20 distinct values: PSI on Sturges bins of an int64 array"))
    cases.append(case("js-categorical-new-level", list(rng.choice(["a", "b", "c"], 3000, p=[.5, .3, .2])),
                      list(rng.choice(["a", "b", "c", "d"], 2000, p=[.3, .3, .2, .2])), "categorical",
                      "Jensen-Shannon with a level missing from the reference"))
    cases.append(case("js-categorical-no-drift", list(rng.choice(["a", "b", "c"], 3000, p=[.5, .3, .2])),
                      list(rng.choice(["a", "b", "c"], 2000, p=[.5, .3, .2])), "categorical", "Jensen-Shannon, same shares"))
    cases.append(case("js-numeric-few-values", [int(v) for v in rng.choice([0, 1, 2], 1200, p=[.6, .3, .1])],
                      [int(v) for v in rng.choice([0, 1, 2], 1000, p=[.3, .3, .4])], "numerical",
                      "numerical with 3 distinct values and a large reference: Jensen-Shannon"))
    cases.append(case("js-constant-equal", [1] * 1500, [1] * 900, "numerical", "constant column, large reference: distance 0"))
    json.dump({
        "generator": "scripts/drift-expected/make_expected.py",
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "python": sys.version.split()[0],
        "checkedAgainstEvidently": evidently.__version__ if evidently is not None else None,
        "cases": cases,
    }, sys.stdout, indent=None, allow_nan=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
