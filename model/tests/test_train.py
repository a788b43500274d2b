import json
import math
import subprocess  # nosec B404

import pandas as pd
import pytest

from conftest import PYTHON, child_env
from credit_risk.dataset import generate
from credit_risk.features import FEATURE_NAMES, LABEL
from credit_risk.profile import reference_profile
from credit_risk.train import GateFailed, gate, main, train


@pytest.fixture(autouse=True)
def no_mlflow(monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)


def test_gate_rules():
    assert gate(0.9, 0.85) is None
    assert gate(0.8123, 0.85) == "model-validation failed: accuracy 0.8123 below threshold 0.8500"
    assert gate(0.85, 0.85) is None
    assert gate(0.91, 0.85, production_accuracy=0.90, min_improvement=0.005) is None
    assert gate(0.902, 0.85, production_accuracy=0.90, min_improvement=0.005) == (
        "model-validation failed: accuracy 0.9020 below production 0.9000 + min-improvement 0.0050 = 0.9050")
    # Threshold is checked first.
    failed = gate(0.80, 0.85, production_accuracy=0.70)
    assert failed == "model-validation failed: accuracy 0.8000 below threshold 0.8500"


def test_small_training_passes_the_default_gate_with_margin(tmp_path):
    r = train(generate(3000, 1), seed=1, threshold=0.85, min_improvement=0.0, register_name="credit-risk",
              output_dir=tmp_path)
    assert r.metrics["accuracy"] >= 0.88
    assert set(r.metrics) == {"accuracy", "precision", "recall", "f1", "roc_auc"}
    assert all(0.0 <= v <= 1.0 for v in r.metrics.values())
    meta = json.loads((tmp_path / "model-metadata.json").read_text())
    assert meta["mlflowModel"] == "credit-risk" and meta["runId"] == "none"
    assert meta["features"] == list(FEATURE_NAMES)
    assert (tmp_path / "model.joblib").is_file()
    imp = json.loads((tmp_path / "feature_importances.json").read_text())
    assert set(imp) == set(FEATURE_NAMES)
    # The signal features matter more than the one that carries none.
    assert imp["credit_score"] > imp["region"]


def test_gate_fails_below_threshold_and_writes_no_model(tmp_path):
    with pytest.raises(GateFailed, match=r"^model-validation failed: accuracy 0\.\d{4} below threshold 0\.9990$"):
        train(generate(1000, 2), seed=2, threshold=0.999, min_improvement=0.0, register_name="credit-risk",
              output_dir=tmp_path)
    assert not (tmp_path / "model.joblib").exists()
    summary = json.loads((tmp_path / "metrics.json").read_text())
    assert summary["gate"]["passed"] is False


def test_gate_against_a_production_model_both_ways(tmp_path):
    data = generate(2000, 3)
    prod = tmp_path / "prod"
    train(data, seed=3, threshold=0.85, min_improvement=0.0, register_name="credit-risk", output_dir=prod)
    # The same data and seed reproduce the production model: equal accuracy passes with no required improvement…
    r = train(data, seed=3, threshold=0.85, min_improvement=0.0, register_name="credit-risk", output_dir=None,
              production_model_file=str(prod / "model.joblib"))
    assert r.production_accuracy == pytest.approx(r.metrics["accuracy"])
    # …and fails when an improvement is required.
    with pytest.raises(GateFailed, match=r"below production 0\.\d{4} \+ min-improvement 0\.0100"):
        train(data, seed=3, threshold=0.85, min_improvement=0.01, register_name="credit-risk", output_dir=None,
              production_model_file=str(prod / "model.joblib"))


def test_cli_exit_codes_and_the_one_failure_line(tmp_path):
    base = [PYTHON, "-m", "credit_risk.train", "--rows", "1000", "--seed", "5"]
    ok = subprocess.run([*base, "--output-dir", str(tmp_path / "ok")], capture_output=True, text=True,  # nosec
                        env=child_env(), timeout=300)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("model-validation passed: accuracy ")
    bad = subprocess.run([*base, "--threshold", "0.999"], capture_output=True, text=True,  # nosec B603
                         env=child_env(), timeout=300)
    assert bad.returncode == 1
    lines = bad.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("model-validation failed: accuracy ")
    assert lines[0].endswith("below threshold 0.9990")
    csv = tmp_path / "broken.csv"
    generate(100, 1).drop(columns=["credit_score"]).to_csv(csv, index=False)
    usage = subprocess.run([*base, "--data", str(csv)], capture_output=True, text=True,  # nosec B603
                           env=child_env(), timeout=300)
    assert usage.returncode == 2
    assert "lacks column(s): credit_score" in usage.stderr


def _finite(obj):
    if isinstance(obj, dict):
        return all(_finite(v) for v in obj.values())
    if isinstance(obj, list):
        return all(_finite(v) for v in obj)
    return not isinstance(obj, float) or math.isfinite(obj)


def test_reference_profile_covers_every_feature_and_is_finite():
    df = generate(2000, 9, nulls={"age": 0.1, "region": 0.1}, out_of_range={"credit_score": 0.05})
    p = reference_profile(df)
    json.dumps(p, allow_nan=False)
    assert _finite(p)
    assert p["featureOrder"] == list(FEATURE_NAMES) and set(p["features"]) == set(FEATURE_NAMES)
    age = p["features"]["age"]
    assert age["kind"] == "numeric" and age["nulls"] > 0 and sum(age["histogram"]["counts"]) == age["count"]
    assert len(age["histogram"]["edges"]) == 11 and age["quantiles"]["0.5"] == pytest.approx(df["age"].median())
    assert p["features"]["credit_score"]["outOfRange"] > 0
    region = p["features"]["region"]
    assert region["kind"] == "categorical" and sum(region["frequencies"].values()) == pytest.approx(1.0)
    assert p["label"]["classBalance"]["1"] == pytest.approx(df[LABEL].mean())
    # An all-null numeric column gives nulls, not NaN.
    empty = reference_profile(pd.concat([df.iloc[:5].assign(age=None)]))
    assert empty["features"]["age"]["mean"] is None
    json.dumps(empty, allow_nan=False)


def test_training_from_a_csv_and_rejecting_unusable_ones(tmp_path, capsys):
    csv = tmp_path / "data.csv"
    generate(1500, 12, nulls={"age": 0.05}).to_csv(csv, index=False)
    assert main(["--data", str(csv), "--output-dir", str(tmp_path / "out")]) == 0
    assert capsys.readouterr().out.startswith("model-validation passed")
    assert (tmp_path / "out" / "model.joblib").is_file()
    one_class = tmp_path / "one-class.csv"
    generate(100, 1).assign(label=0).to_csv(one_class, index=False)
    assert main(["--data", str(one_class)]) == 2
    assert "5 of each class (got 100 rows: 100 of class 0, 0 of class 1)" in capsys.readouterr().err
    garbage = tmp_path / "labels.csv"
    generate(100, 1).assign(label=3).to_csv(garbage, index=False)
    assert main(["--data", str(garbage)]) == 2
    assert "column 'label' must hold only 0 and 1" in capsys.readouterr().err
