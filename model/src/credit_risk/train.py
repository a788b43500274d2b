"""Train the credit-risk model, evaluate it, apply the gate, log and register it in MLflow, write the serving files.

    python -m credit_risk.train [--rows N] [--seed S] [--data CSV] [--threshold 0.85] [--min-improvement 0.0]
        [--register-name credit-risk] [--output-dir DIR] [--production-model-uri URI | --production-model FILE]

MLflow is used when MLFLOW_TRACKING_URI is set (params, metrics, the model with signature and input example,
feature importances, `reference_profile.json`, registration with the git SHA as a tag). Without it, training,
the gate and the output files work the same, and nothing is logged.

The gate: accuracy >= threshold, and when a production model exists, accuracy >= production accuracy +
min-improvement on the same evaluation slice. A failure prints exactly one line on stdout starting with
`model-validation failed:` and exits 1. Bad input exits 2. Success exits 0.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess  # nosec B404
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Optional, Sequence

import joblib
import numpy as np
import pandas as pd
import sklearn
from sklearn.inspection import permutation_importance
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from .dataset import generate
from .features import FEATURE_NAMES, LABEL
from .frame import to_model_frame
from .pipeline import build_pipeline
from .profile import reference_profile

MODEL_FILE = "model.joblib"
METADATA_FILE = "model-metadata.json"
DEFAULT_ROWS = 10_000
# MLflow stores scikit-learn models with skops, which refuses types it has not been told to trust. These are
# the ones our pipeline contains beyond skops' defaults; the file is our own, written by this code.
SKOPS_TRUSTED_TYPES = ["numpy.dtype", "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"]
EVAL_SHARE = 0.2


class GateFailed(Exception):
    """The candidate did not pass the gate; the message is the one line triage parses."""


@dataclass
class Result:
    metrics: Dict[str, float]
    production_accuracy: Optional[float] = None
    run_id: Optional[str] = None
    model_version: Optional[str] = None
    importances: Dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0


def evaluate(model: Any, x: pd.DataFrame, y: np.ndarray) -> Dict[str, float]:
    """Accuracy, precision, recall, F1 and ROC AUC (positive class: default) on (x, y)."""
    pred = model.predict(x)
    proba = model.predict_proba(x)[:, 1]
    auc = roc_auc_score(y, proba) if len(np.unique(y)) > 1 else float("nan")
    return {
        "accuracy": float(accuracy_score(y, pred)),
        "precision": float(precision_score(y, pred, zero_division=0)),
        "recall": float(recall_score(y, pred, zero_division=0)),
        "f1": float(f1_score(y, pred, zero_division=0)),
        "roc_auc": float(auc),
    }


def gate(accuracy: float, threshold: float, production_accuracy: Optional[float] = None,
         min_improvement: float = 0.0) -> Optional[str]:
    """None when the candidate passes; otherwise the one `model-validation failed: …` line."""
    if accuracy < threshold:
        return f"model-validation failed: accuracy {accuracy:.4f} below threshold {threshold:.4f}"
    if production_accuracy is not None:
        required = production_accuracy + min_improvement
        if accuracy < required:
            return (f"model-validation failed: accuracy {accuracy:.4f} below production {production_accuracy:.4f}"
                    f" + min-improvement {min_improvement:.4f} = {required:.4f}")
    return None


def feature_importances(model: Any, x: pd.DataFrame, y: np.ndarray, seed: int) -> Dict[str, float]:
    """Permutation importance (mean accuracy drop) of each raw feature on the evaluation slice."""
    n = min(len(x), 2000)
    r = permutation_importance(model, x.iloc[:n], y[:n], n_repeats=3, random_state=seed, scoring="accuracy")
    return {name: round(float(v), 6) for name, v in zip(FEATURE_NAMES, r.importances_mean)}


def git_sha() -> str:
    """GIT_SHA or GITHUB_SHA when set, else `git rev-parse HEAD`, else "unknown"."""
    for var in ("GIT_SHA", "GITHUB_SHA"):
        if os.environ.get(var):
            return os.environ[var]
    git = shutil.which("git")
    if git:
        try:
            out = subprocess.run([git, "rev-parse", "HEAD"], capture_output=True, text=True,  # nosec B603
                                 timeout=10, check=True, cwd=Path(__file__).resolve().parent)
            return out.stdout.strip()
        except (subprocess.SubprocessError, OSError):
            pass
    return "unknown"


def load_data(path: Optional[str], rows: int, seed: int) -> pd.DataFrame:
    if not path:
        return generate(rows, seed)
    try:
        df = pd.read_csv(path)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as e:
        raise ValueError(f"cannot read --data {path}: {e}") from None
    missing = [c for c in (*FEATURE_NAMES, LABEL) if c not in df.columns]
    if missing:
        raise ValueError(f"--data {path} lacks column(s): {', '.join(missing)}")
    if not set(df[LABEL].dropna().unique()) <= {0, 1} or df[LABEL].isna().any():
        raise ValueError(f"--data {path}: column '{LABEL}' must hold only 0 and 1")
    counts = df[LABEL].astype(int).value_counts()
    if len(df) < 20 or min(counts.get(0, 0), counts.get(1, 0)) < 5:
        raise ValueError(f"--data {path}: need at least 20 rows and 5 of each class "
                         f"(got {len(df)} rows: {counts.get(0, 0)} of class 0, {counts.get(1, 0)} of class 1)")
    return df


def _production_model(uri: Optional[str], file: Optional[str], register_name: str, mlflow_on: bool) -> Any:
    """The production model to beat, or None when there is none."""
    if file:
        return joblib.load(file)
    if not mlflow_on:
        return None
    import mlflow
    from mlflow.exceptions import MlflowException
    if uri:
        return mlflow.sklearn.load_model(uri)
    try:
        mlflow.MlflowClient().get_model_version_by_alias(register_name, "production")
    except MlflowException:
        return None
    return mlflow.sklearn.load_model(f"models:/{register_name}@production")


def train(df: pd.DataFrame, seed: int, threshold: float, min_improvement: float, register_name: str,
          output_dir: Optional[Path], production_model_uri: Optional[str] = None,
          production_model_file: Optional[str] = None, experiment: str = "credit-risk",
          params: Optional[Dict[str, Any]] = None) -> Result:
    """Train, evaluate, gate, log. Raises GateFailed (after logging the run) when the gate says no.

    Runs single-threaded: on a busy 2-core CI machine, OpenMP's spinning worker threads make the
    gradient-boosting fit many times slower, and the data is small enough for one core.
    """
    with threadpool_limits(limits=1):
        return _train(df, seed, threshold, min_improvement, register_name, output_dir, production_model_uri,
                      production_model_file, experiment, params)


def _train(df: pd.DataFrame, seed: int, threshold: float, min_improvement: float, register_name: str,
           output_dir: Optional[Path], production_model_uri: Optional[str], production_model_file: Optional[str],
           experiment: str, params: Optional[Dict[str, Any]]) -> Result:
    start = time.monotonic()
    x_all = to_model_frame(df)
    y_all = df[LABEL].astype(int).to_numpy()
    x_tr, x_ev, y_tr, y_ev, df_tr = _split(df, x_all, y_all, seed)
    model = build_pipeline(seed)
    model.fit(x_tr, y_tr)
    metrics = evaluate(model, x_ev, y_ev)
    mlflow_on = bool(os.environ.get("MLFLOW_TRACKING_URI"))
    production = _production_model(production_model_uri, production_model_file, register_name, mlflow_on)
    prod_acc = evaluate(production, x_ev, y_ev)["accuracy"] if production is not None else None
    failure = gate(metrics["accuracy"], threshold, prod_acc, min_improvement)
    importances = feature_importances(model, x_ev, y_ev, seed)
    profile = reference_profile(df_tr)
    result = Result(metrics=metrics, production_accuracy=prod_acc, importances=importances)
    all_params = {"rows": len(df), "seed": seed, "threshold": threshold, "min_improvement": min_improvement,
                  "eval_share": EVAL_SHARE, "classifier": "HistGradientBoostingClassifier",
                  "scikit_learn": sklearn.__version__, **(params or {})}
    if mlflow_on:
        _log_to_mlflow(result, model, x_ev, all_params, profile, failure, register_name, experiment)
    result.seconds = time.monotonic() - start
    if output_dir is not None:
        _write_outputs(output_dir, result, model, profile, failure, register_name)
    if failure:
        raise GateFailed(failure)
    return result


def _split(df: pd.DataFrame, x: pd.DataFrame, y: np.ndarray, seed: int):
    idx = np.arange(len(df))
    tr, ev = train_test_split(idx, test_size=EVAL_SHARE, random_state=seed, stratify=y)
    return x.iloc[tr], x.iloc[ev], y[tr], y[ev], df.iloc[tr]


def _log_to_mlflow(result: Result, model: Any, x_ev: pd.DataFrame, params: Dict[str, Any], profile: Dict[str, Any],
                   failure: Optional[str], register_name: str, experiment: str) -> None:
    import mlflow
    from mlflow.models import infer_signature

    sha = git_sha()
    mlflow.set_experiment(experiment)
    with mlflow.start_run() as run:
        result.run_id = run.info.run_id
        mlflow.log_params(params)
        mlflow.log_metrics({k: v for k, v in result.metrics.items() if np.isfinite(v)})
        if result.production_accuracy is not None:
            mlflow.log_metric("production_accuracy", result.production_accuracy)
        mlflow.log_dict(profile, "reference_profile.json")
        mlflow.log_dict(result.importances, "feature_importances.json")
        mlflow.set_tags({"git_sha": sha, "mlflow.source.git.commit": sha,
                         "gate": "failed" if failure else "passed"})
        if failure:
            mlflow.set_tag("gate_failure", failure)
            return
        example = x_ev.head(5)
        signature = infer_signature(example, model.predict(example))
        info = mlflow.sklearn.log_model(
            model, name="model", signature=signature, input_example=example,
            registered_model_name=register_name, skops_trusted_types=SKOPS_TRUSTED_TYPES,
            pip_requirements=[f"scikit-learn=={sklearn.__version__}", f"numpy=={np.__version__}",
                              f"pandas=={pd.__version__}"])
        version = str(info.registered_model_version)
        result.model_version = version
        client = mlflow.MlflowClient()
        client.set_model_version_tag(register_name, version, "git_sha", sha)
        client.set_model_version_tag(register_name, version, "accuracy", f"{result.metrics['accuracy']:.4f}")
        mlflow.set_tag("registered_model_version", version)


def _write_outputs(out: Path, result: Result, model: Any, profile: Dict[str, Any], failure: Optional[str],
                   register_name: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    summary = {"metrics": _finite(result.metrics), "productionAccuracy": result.production_accuracy,
               "gate": {"passed": failure is None, "failure": failure}}
    (out / "metrics.json").write_text(json.dumps(summary, indent=2, allow_nan=False) + "\n")
    if failure:
        return
    joblib.dump(model, out / MODEL_FILE)
    (out / "reference_profile.json").write_text(json.dumps(profile, indent=2) + "\n")
    (out / "feature_importances.json").write_text(json.dumps(result.importances, indent=2) + "\n")
    metadata = {
        "mlflowModel": register_name,
        "mlflowVersion": result.model_version or "0",
        "runId": result.run_id or "none",
        "gitSha": git_sha(),
        "scikitLearn": sklearn.__version__,
        "metrics": _finite(result.metrics),
        "features": list(FEATURE_NAMES),
    }
    (out / METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n")


def _finite(metrics: Dict[str, float]) -> Dict[str, Optional[float]]:
    return {k: (v if np.isfinite(v) else None) for k, v in metrics.items()}


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m credit_risk.train", description=__doc__.split("\n")[0])
    p.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="synthetic rows when --data is not given")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--data", help="CSV with the feature columns and `label` (default: synthetic data)")
    p.add_argument("--threshold", type=float, default=0.85, help="minimum accuracy")
    p.add_argument("--min-improvement", type=float, default=0.0,
                   help="accuracy the candidate must add over the production model")
    p.add_argument("--register-name", default="credit-risk", help="MLflow registered model name")
    p.add_argument("--experiment", default="credit-risk", help="MLflow experiment name")
    p.add_argument("--output-dir", type=Path, help="where to write model.joblib and model-metadata.json")
    prod = p.add_mutually_exclusive_group()
    prod.add_argument("--production-model-uri",
                      help="MLflow URI of the production model "
                           "(default: models:/NAME@production when that alias exists)")
    prod.add_argument("--production-model", help="a model.joblib file to use as the production model")
    a = p.parse_args(argv)
    if not 0.0 <= a.threshold <= 1.0:
        p.error(f"--threshold must be between 0 and 1 (got {a.threshold})")
    if a.rows < 50:
        p.error(f"--rows must be at least 50 (got {a.rows})")
    try:
        df = load_data(a.data, a.rows, a.seed)
    except ValueError as e:
        print(f"train: {e}", file=sys.stderr)
        return 2
    try:
        r = train(df, a.seed, a.threshold, a.min_improvement, a.register_name, a.output_dir,
                  a.production_model_uri, a.production_model, a.experiment)
    except GateFailed as e:
        print(str(e))
        return 1
    m = r.metrics
    print(f"model-validation passed: accuracy {m['accuracy']:.4f} (threshold {a.threshold:.4f}"
          + (f", production {r.production_accuracy:.4f}" if r.production_accuracy is not None else "") + ")")
    print("metrics: " + " ".join(f"{k}={v:.4f}" for k, v in m.items()))
    if r.run_id:
        print(f"mlflow: run {r.run_id}, registered {a.register_name} version {r.model_version}")
    print(f"train seconds: {r.seconds:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
