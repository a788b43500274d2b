"""Scenario data for test/drift/scenarios.test.ts, made with the model's own generator and training code.

One process (to keep the test fast): trains the example model with `credit_risk.train` (no MLflow), then writes
each requested CSV with the dataset CLI's `main(argv)` (the contract) and appends the model's `prediction` column.

    PYTHONPATH=model/src .venvs/train/bin/python test/drift/scenario_data.py WORKDIR SPEC.json

SPEC.json: {"trainRows": N, "trainSeed": S, "files": {"name": ["--rows", "4000", "--seed", "1", ...], ...}}
Writes WORKDIR/<name>.csv for each file and WORKDIR/model/ (model.joblib, feature_importances.json, ...).
"""
import json
import os
import sys
from pathlib import Path

import joblib
import pandas as pd

from credit_risk import dataset, train
from credit_risk.frame import to_model_frame


def main() -> int:
    work = Path(sys.argv[1])
    spec = json.loads(Path(sys.argv[2]).read_text())
    os.environ.pop("MLFLOW_TRACKING_URI", None)
    model_dir = work / "model"
    code = train.main(["--rows", str(spec["trainRows"]), "--seed", str(spec["trainSeed"]), "--output-dir", str(model_dir)])
    if code != 0:
        print(f"training failed with exit code {code}", file=sys.stderr)
        return 1
    model = joblib.load(model_dir / "model.joblib")
    for name, argv in spec["files"].items():
        out = work / f"{name}.csv"
        if dataset.main([*argv, "--out", str(out)]) != 0:
            return 1
        df = pd.read_csv(out)
        df["prediction"] = model.predict(to_model_frame(df)).astype(int)
        df.to_csv(out, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
