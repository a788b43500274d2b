"""Seeded synthetic credit-risk data, with optional covariate drift, concept drift and data-quality faults.

CLI (a contract: the drift analysis and the demo call it exactly like this):

    python -m credit_risk.dataset --rows N --seed S [--covariate-drift f1,f2] [--concept-drift]
        [--nulls f1:0.1,f2:0.05] [--out-of-range f1:0.05] --out FILE.csv

The CSV has a header: the feature columns (order of `features.FEATURES`) then `label` (1 = default).

Determinism: the clean features come from one random stream seeded by `seed`; each injection uses its own
stream, so the columns that are not injected are byte-identical to a run without the injection.
Labels are computed from the (possibly drifted) feature values *before* data-quality faults are applied:
faults corrupt what the model sees, not the ground truth.
"""
from __future__ import annotations

import argparse
import sys
from typing import Dict, Iterable, Mapping, Optional, Sequence

import numpy as np
import pandas as pd

from .features import BY_NAME, CATEGORICAL, FEATURE_NAMES, FEATURES, LABEL, feature

# Reference-population probabilities of each categorical level (same order as Feature.levels).
_LEVEL_P = {
    "home_ownership": (0.40, 0.38, 0.17, 0.05),
    "loan_purpose": (0.35, 0.20, 0.15, 0.12, 0.10, 0.08),
    "employment_type": (0.66, 0.14, 0.12, 0.08),
    "region": (0.25, 0.25, 0.25, 0.25),
}
# Covariate drift of a categorical feature: the population moves to these probabilities.
_DRIFTED_LEVEL_P = {
    "home_ownership": (0.62, 0.20, 0.08, 0.10),
    "loan_purpose": (0.15, 0.15, 0.10, 0.10, 0.30, 0.20),
    "employment_type": (0.40, 0.20, 0.20, 0.20),
    "region": (0.10, 0.10, 0.10, 0.70),
}
# Covariate drift of a numeric feature: (kind, amount). "add" shifts by amount, "mul" scales.
# Shifts are about one standard deviation, towards riskier applicants where the feature matters.
_NUMERIC_DRIFT = {
    "age": ("add", -9.0),
    "annual_income": ("mul", 0.6),
    "loan_amount": ("mul", 1.8),
    "loan_term_months": ("add", 12.0),
    "credit_score": ("add", -70.0),
    "debt_to_income": ("add", 0.12),
    "credit_utilization": ("add", 0.2),
    "num_credit_lines": ("add", 4.0),
    "num_late_payments": ("add", 1.5),
    "years_employed": ("mul", 0.5),
    "savings_balance": ("mul", 0.4),
}
# Label sharpness: P(default) = sigmoid(_SHARPNESS * risk). Large = nearly deterministic labels.
_SHARPNESS = 4.0
_TERMS = np.array([12, 24, 36, 48, 60])

# Per-injection random streams (the clean features use stream 0).
_STREAM_FEATURES, _STREAM_COVARIATE, _STREAM_LABEL, _STREAM_NULLS, _STREAM_RANGE = 0, 1, 2, 3, 4


def _rng(seed: int, stream: int, salt: int = 0) -> np.random.Generator:
    return np.random.default_rng([seed, stream, salt])


def _clean_features(rows: int, seed: int) -> pd.DataFrame:
    r = _rng(seed, _STREAM_FEATURES)
    df = pd.DataFrame(index=pd.RangeIndex(rows))
    df["age"] = np.clip(np.round(r.normal(42, 12, rows)), 18, 85)
    df["annual_income"] = np.round(np.clip(r.lognormal(np.log(55_000), 0.5, rows), 8_000, 600_000), 2)
    df["loan_amount"] = np.round(np.clip(r.lognormal(np.log(12_000), 0.6, rows), 500, 150_000), 2)
    df["loan_term_months"] = r.choice(_TERMS, rows, p=[0.15, 0.25, 0.35, 0.15, 0.10]).astype(float)
    df["credit_score"] = np.clip(np.round(r.normal(680, 70, rows)), 300, 850)
    df["debt_to_income"] = np.round(r.beta(2, 5, rows) * 0.9, 4)
    df["credit_utilization"] = np.round(r.beta(2, 3, rows), 4)
    df["num_credit_lines"] = np.clip(r.poisson(6, rows), 0, 60).astype(float)
    df["num_late_payments"] = np.clip(r.poisson(0.8, rows), 0, 40).astype(float)
    df["years_employed"] = np.round(np.clip(r.gamma(2.0, 3.0, rows), 0, 50), 1)
    df["savings_balance"] = np.round(np.clip(r.lognormal(np.log(6_000), 1.0, rows), 0, 2_000_000), 2)
    for name in CATEGORICAL:
        df[name] = r.choice(np.array(BY_NAME[name].levels, dtype=object), rows, p=_LEVEL_P[name])
    return df[list(FEATURE_NAMES)]


def _apply_covariate_drift(df: pd.DataFrame, names: Sequence[str], seed: int) -> None:
    for i, name in enumerate(names):
        f = feature(name)
        if f.kind == "categorical":
            r = _rng(seed, _STREAM_COVARIATE, i)
            df[name] = r.choice(np.array(f.levels, dtype=object), len(df), p=_DRIFTED_LEVEL_P[name])
            continue
        how, amount = _NUMERIC_DRIFT[name]
        values = df[name] + amount if how == "add" else df[name] * amount
        lo, hi = f.valid_range  # type: ignore[misc]
        values = np.clip(values, lo, hi)
        df[name] = np.round(values) if f.integer else np.round(values, 4)


def risk_score(df: pd.DataFrame, concept_drift: bool = False) -> np.ndarray:
    """The latent default risk (log-odds before sharpening) of each row; positive means likely default.

    With `concept_drift`, the relation between features and default changes: the credit score and
    late payments lose most of their weight, and the loan term and employment become what drives risk.
    """
    cs = (650.0 - df["credit_score"].astype(float)) / 70.0
    dti = (df["debt_to_income"].astype(float) - 0.26) / 0.15
    util = (df["credit_utilization"].astype(float) - 0.4) / 0.2
    late = np.minimum(df["num_late_payments"].astype(float), 6.0)
    burden = np.log(df["loan_amount"].astype(float) / df["annual_income"].astype(float).clip(lower=1.0)) + 1.5
    tenure = np.minimum(df["years_employed"].astype(float), 20.0) / 6.0
    savings = np.log1p(df["savings_balance"].astype(float)) - np.log(6_000)
    term = (df["loan_term_months"].astype(float) - 36.0) / 12.0
    employment = df["employment_type"].map(
        {"salaried": 0.0, "self_employed": 0.3, "part_time": 0.6, "unemployed": 1.4}).astype(float)
    purpose = df["loan_purpose"].map(
        {"debt_consolidation": 0.2, "credit_card": 0.1, "home_improvement": -0.2, "car": -0.1,
         "business": 0.5, "medical": 0.4}).astype(float)
    home = df["home_ownership"].map({"rent": 0.2, "mortgage": -0.1, "own": -0.4, "other": 0.3}).astype(float)
    if not concept_drift:
        z = (1.3 * cs + 1.1 * dti + 0.7 * util + 0.6 * late + 0.8 * burden - 0.4 * tenure - 0.3 * savings
             + employment + purpose + home - 1.6)
    else:
        z = (0.2 * cs - 0.6 * dti + 0.7 * util + 0.1 * late + 0.8 * burden + 1.4 * term - 0.4 * tenure
             + 1.5 * employment - purpose + home - 0.6)
    return np.asarray(z, dtype=float)


def _labels(df: pd.DataFrame, seed: int, concept_drift: bool) -> np.ndarray:
    p = 1.0 / (1.0 + np.exp(-_SHARPNESS * risk_score(df, concept_drift)))
    return (_rng(seed, _STREAM_LABEL).random(len(df)) < p).astype(int)


def _apply_nulls(df: pd.DataFrame, rates: Mapping[str, float], seed: int) -> None:
    for i, (name, rate) in enumerate(rates.items()):
        mask = _rng(seed, _STREAM_NULLS, i).random(len(df)) < rate
        df[name] = df[name].astype(object) if feature(name).kind == "categorical" else df[name].astype(float)
        df.loc[mask, name] = None if feature(name).kind == "categorical" else np.nan


def _apply_out_of_range(df: pd.DataFrame, rates: Mapping[str, float], seed: int) -> None:
    for i, (name, rate) in enumerate(rates.items()):
        f = feature(name)
        if f.kind != "numeric":
            raise ValueError(f"--out-of-range applies to numeric features; '{name}' is categorical")
        lo, hi = f.valid_range  # type: ignore[misc]
        span = hi - lo
        r = _rng(seed, _STREAM_RANGE, i)
        mask = r.random(len(df)) < rate
        above = r.random(len(df)) < 0.5
        bad = np.where(above, hi + span * r.uniform(0.1, 1.0, len(df)), lo - span * r.uniform(0.1, 1.0, len(df)))
        bad = np.round(bad) if f.integer else np.round(bad, 4)
        df[name] = df[name].astype(float).where(~mask, bad)


def generate(rows: int, seed: int, covariate_drift: Iterable[str] = (), concept_drift: bool = False,
             nulls: Optional[Mapping[str, float]] = None,
             out_of_range: Optional[Mapping[str, float]] = None) -> pd.DataFrame:
    """`rows` records: the features (order of `FEATURE_NAMES`) and `label` (1 = default).

    Integer features use pandas' nullable `Int64` dtype, so nulls stay nulls and whole numbers print as such.
    """
    if rows < 1:
        raise ValueError(f"rows must be at least 1 (got {rows})")
    drift = list(dict.fromkeys(covariate_drift))
    for name in drift:
        feature(name)
    for what, rates in (("nulls", nulls or {}), ("out-of-range", out_of_range or {})):
        for name, rate in rates.items():
            feature(name)
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"{what} rate for '{name}' must be between 0 and 1 (got {rate})")
    df = _clean_features(rows, seed)
    _apply_covariate_drift(df, drift, seed)
    df[LABEL] = _labels(df, seed, concept_drift)
    _apply_out_of_range(df, out_of_range or {}, seed)
    _apply_nulls(df, nulls or {}, seed)
    for f in FEATURES:
        if f.kind == "numeric":
            df[f.name] = df[f.name].astype(float)
            if f.integer:
                df[f.name] = df[f.name].round().astype("Int64")
    return df


def parse_rates(text: Optional[str], option: str) -> Dict[str, float]:
    """`f1:0.1,f2:0.05` → {"f1": 0.1, "f2": 0.05}; a ValueError naming the bad item otherwise."""
    rates: Dict[str, float] = {}
    if not text:
        return rates
    for item in text.split(","):
        name, sep, rate = item.strip().partition(":")
        if not sep or not name:
            raise ValueError(f"{option}: expected FEATURE:RATE, got '{item}'")
        try:
            rates[name] = float(rate)
        except ValueError:
            raise ValueError(f"{option}: rate of '{name}' is not a number: '{rate}'") from None
    return rates


def parse_names(text: Optional[str]) -> list:
    return [n.strip() for n in (text or "").split(",") if n.strip()]


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m credit_risk.dataset", description=__doc__.split("\n")[0])
    p.add_argument("--rows", type=int, required=True, help="number of records")
    p.add_argument("--seed", type=int, required=True, help="random seed (same seed, same data)")
    p.add_argument("--covariate-drift", default="", metavar="F1,F2", help="features whose distribution shifts")
    p.add_argument("--concept-drift", action="store_true", help="change how the features relate to the label")
    p.add_argument("--nulls", default="", metavar="F:RATE,...", help="share of values blanked per feature")
    p.add_argument("--out-of-range", default="", metavar="F:RATE,...",
                   help="share of values set outside the valid range per numeric feature")
    p.add_argument("--out", required=True, help="CSV file to write")
    a = p.parse_args(argv)
    try:
        df = generate(a.rows, a.seed, covariate_drift=parse_names(a.covariate_drift), concept_drift=a.concept_drift,
                      nulls=parse_rates(a.nulls, "--nulls"), out_of_range=parse_rates(a.out_of_range, "--out-of-range"))
    except ValueError as e:
        print(f"dataset: {e}", file=sys.stderr)
        return 2
    df.to_csv(a.out, index=False)
    print(f"wrote {len(df)} rows ({df[LABEL].mean():.3f} defaults) to {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
