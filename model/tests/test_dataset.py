import subprocess  # nosec B404

import numpy as np
import pandas as pd
import pytest

from conftest import PYTHON, child_env
from credit_risk.dataset import generate, main, parse_rates, risk_score
from credit_risk.features import CATEGORICAL, FEATURE_NAMES, FEATURES, LABEL, NUMERIC, feature


def test_columns_kinds_and_label():
    df = generate(500, 1)
    assert list(df.columns) == [*FEATURE_NAMES, LABEL]
    assert 10 <= len(FEATURE_NAMES) <= 20 and NUMERIC and CATEGORICAL
    assert set(df[LABEL].unique()) == {0, 1}
    for f in FEATURES:
        if f.kind == "numeric":
            lo, hi = f.valid_range
            assert df[f.name].between(lo, hi).all(), f.name
        else:
            assert set(df[f.name].unique()) <= set(f.levels), f.name
    assert 0.1 < df[LABEL].mean() < 0.4


def test_same_seed_same_data_other_seed_other_data():
    pd.testing.assert_frame_equal(generate(300, 5), generate(300, 5))
    assert not generate(300, 5).equals(generate(300, 6))


@pytest.mark.parametrize("drifted", [["credit_score"], ["annual_income", "employment_type"], ["region"]])
def test_covariate_drift_changes_only_the_injected_columns(drifted):
    base, drift = generate(4000, 3), generate(4000, 3, covariate_drift=drifted)
    for name in FEATURE_NAMES:
        if name in drifted:
            assert not base[name].equals(drift[name]), name
        else:
            pd.testing.assert_series_equal(base[name], drift[name], check_names=True)
    for name in drifted:
        if feature(name).kind == "numeric":
            shift = abs(drift[name].astype(float).mean() - base[name].astype(float).mean())
            assert shift > 0.5 * base[name].astype(float).std(), name
        else:
            freq_b = base[name].value_counts(normalize=True)
            freq_d = drift[name].value_counts(normalize=True)
            assert (freq_d - freq_b).abs().max() > 0.15, name


def test_concept_drift_keeps_features_and_changes_the_label_relation():
    base, drift = generate(4000, 11), generate(4000, 11, concept_drift=True)
    pd.testing.assert_frame_equal(base[list(FEATURE_NAMES)], drift[list(FEATURE_NAMES)])
    agreement = (base[LABEL] == drift[LABEL]).mean()
    assert agreement < 0.8
    # Under the original relation the labels follow the risk score; after concept drift they do not.
    z = risk_score(base)
    assert ((z > 0).astype(int) == base[LABEL]).mean() > 0.9
    assert ((z > 0).astype(int) == drift[LABEL]).mean() < 0.8


def test_nulls_and_out_of_range_faults():
    df = generate(5000, 2, nulls={"credit_score": 0.1, "home_ownership": 0.05},
                  out_of_range={"debt_to_income": 0.08})
    assert abs(df["credit_score"].isna().mean() - 0.1) < 0.02
    assert abs(df["home_ownership"].isna().mean() - 0.05) < 0.015
    lo, hi = feature("debt_to_income").valid_range
    bad = ~df["debt_to_income"].between(lo, hi)
    assert abs(bad.mean() - 0.08) < 0.02
    assert df[LABEL].notna().all()
    clean = generate(5000, 2)
    pd.testing.assert_series_equal(clean[LABEL], df[LABEL])


def test_invalid_requests_name_the_problem():
    with pytest.raises(ValueError, match="unknown feature 'nope'"):
        generate(10, 1, covariate_drift=["nope"])
    with pytest.raises(ValueError, match="'region' is categorical"):
        generate(10, 1, out_of_range={"region": 0.1})
    with pytest.raises(ValueError, match="between 0 and 1"):
        generate(10, 1, nulls={"age": 1.5})
    with pytest.raises(ValueError, match="expected FEATURE:RATE"):
        parse_rates("age", "--nulls")
    assert main(["--rows", "5", "--seed", "1", "--nulls", "age", "--out", "/dev/null"]) == 2


def test_cli_writes_the_csv_contract(tmp_path):
    out = tmp_path / "d.csv"
    argv = [PYTHON, "-m", "credit_risk.dataset", "--rows", "200", "--seed", "4", "--covariate-drift",
            "credit_score,region", "--concept-drift", "--nulls", "age:0.1,loan_purpose:0.05",
            "--out-of-range", "savings_balance:0.05", "--out", str(out)]
    subprocess.run(argv, check=True, env=child_env(), timeout=120)  # nosec B603
    df = pd.read_csv(out)
    assert list(df.columns) == [*FEATURE_NAMES, LABEL]
    assert len(df) == 200
    assert df["age"].isna().any() and df["loan_purpose"].isna().any()
    expected = generate(200, 4, covariate_drift=["credit_score", "region"], concept_drift=True,
                        nulls={"age": 0.1, "loan_purpose": 0.05}, out_of_range={"savings_balance": 0.05})
    assert np.array_equal(df[LABEL].to_numpy(), expected[LABEL].to_numpy())
    # Whole numbers print as whole numbers.
    assert "." not in out.read_text().splitlines()[1].split(",")[FEATURE_NAMES.index("credit_score")]
