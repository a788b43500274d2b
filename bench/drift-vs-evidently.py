"""Runs Evidently's data drift preset on the CSVs `mlops analyze-drift` analysed and compares, per feature.

    python bench/drift-vs-evidently.py REFERENCE.csv CURRENT.csv OURS.json OUR_SECONDS

OURS.json is `mlops analyze-drift --offline --json` output for the same files; its column kinds are given to
Evidently as the column mapping, so both pick tests the same way. Prints one line per feature (test names,
verdicts, agree/DIFFER) and the time ratio. Exit 1 when any verdict differs.
"""
import json
import sys
import time

import pandas as pd
from evidently.legacy.metric_preset import DataDriftPreset
from evidently.legacy.pipeline.column_mapping import ColumnMapping
from evidently.legacy.report import Report

NAMES = {"z": "z", "chisquare": "chi-square", "ks": "ks", "wasserstein": "wasserstein", "jensenshannon": "jensen-shannon"}


def main() -> int:
    ref_file, cur_file, ours_file, our_seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    ours = json.load(open(ours_file))
    features = {f["name"]: f for f in ours["features"]}
    start = time.monotonic()
    ref = pd.read_csv(ref_file)
    cur = pd.read_csv(cur_file)
    mapping = ColumnMapping(
        target=None, prediction=None,
        numerical_features=[n for n, f in features.items() if f["kind"] == "numerical"],
        categorical_features=[n for n, f in features.items() if f["kind"] == "categorical"],
    )
    report = Report(metrics=[DataDriftPreset()])
    report.run(reference_data=ref, current_data=cur, column_mapping=mapping)
    theirs = None
    for m in report.as_dict()["metrics"]:
        if "drift_by_columns" in m["result"]:
            theirs = m["result"]["drift_by_columns"]
    seconds = time.monotonic() - start
    if theirs is None:
        print("no per-column drift table in Evidently's report", file=sys.stderr)
        return 2
    differ = 0
    print(f"{'feature':24} {'ours':16} {'evidently':16} verdict")
    for name, f in features.items():
        t = theirs[name]
        their_test = NAMES.get(t["stattest_name"].split(" ")[0].lower(), t["stattest_name"])
        same = bool(t["drift_detected"]) == f["drifted"]
        differ += 0 if same else 1
        print(f"{name:24} {f['test'] + ('*' if f['drifted'] else ''):16} {str(t['stattest_name'])[:14] + ('*' if t['drift_detected'] else ''):16} "
              f"{'agree' if same else 'DIFFER'}  (ours {f['statistic'] if f['pValue'] is None else f['pValue']:.6g}, evidently {t['drift_score']:.6g})")
    print(f"features: {len(features)}, agree: {len(features) - differ}, differ: {differ}   (* = drifted)")
    print(f"time: mlops {our_seconds:.2f} s end to end; evidently {seconds:.2f} s for read CSV + preset alone (imports excluded)")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
