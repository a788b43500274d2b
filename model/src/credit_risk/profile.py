"""The reference profile of the training features: the drift baseline, logged as `reference_profile.json`.

Schema (version 1):
  {"schemaVersion": 1, "rows": N, "featureOrder": [...],
   "features": {
     "<numeric>": {"kind": "numeric", "count", "nulls", "nullShare", "mean", "std", "min", "max",
                   "validRange": [lo, hi], "outOfRange": n,
                   "quantiles": {"0.01": v, ..., "0.99": v},
                   "histogram": {"edges": [11 values], "counts": [10 values]}},
     "<categorical>": {"kind": "categorical", "count", "nulls", "nullShare", "levels": [...],
                       "frequencies": {"<level>": share of non-null rows}, "counts": {"<level>": n}}},
   "label": {"name": "label", "classBalance": {"0": share, "1": share}, "counts": {"0": n, "1": n}}}
Every number is finite (no NaN: empty statistics are null).
"""
from __future__ import annotations

import math
from typing import Any, Dict, Optional

import numpy as np
import pandas as pd

from .features import FEATURE_NAMES, FEATURES, LABEL

QUANTILES = (0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99)
HISTOGRAM_BINS = 10


def _num(x: Any) -> Optional[float]:
    v = float(x)
    return v if math.isfinite(v) else None


def reference_profile(df: pd.DataFrame) -> Dict[str, Any]:
    """The profile of `df` (feature columns, and `label` when present)."""
    features: Dict[str, Any] = {}
    for f in FEATURES:
        col = df[f.name]
        nulls = int(col.isna().sum())
        count = int(len(col) - nulls)
        share = _num(nulls / len(col)) if len(col) else 0.0
        base = {"kind": f.kind, "count": count, "nulls": nulls, "nullShare": share}
        if f.kind == "numeric":
            v = pd.to_numeric(col, errors="coerce").astype(float).dropna().to_numpy()
            lo, hi = f.valid_range  # type: ignore[misc]
            entry: Dict[str, Any] = {**base, "validRange": [lo, hi],
                                     "outOfRange": int(((v < lo) | (v > hi)).sum())}
            if count:
                counts, edges = np.histogram(v, bins=HISTOGRAM_BINS)
                qs = np.quantile(v, QUANTILES)
                entry.update({
                    "mean": _num(v.mean()), "std": _num(v.std(ddof=1)) if count > 1 else 0.0,
                    "min": _num(v.min()), "max": _num(v.max()),
                    "quantiles": {str(q): _num(x) for q, x in zip(QUANTILES, qs)},
                    "histogram": {"edges": [_num(e) for e in edges], "counts": [int(c) for c in counts]},
                })
            else:
                entry.update({"mean": None, "std": None, "min": None, "max": None, "quantiles": {},
                              "histogram": {"edges": [], "counts": []}})
            features[f.name] = entry
        else:
            vc = col.dropna().astype(str).value_counts()
            levels = list(f.levels) + sorted(x for x in vc.index if x not in f.levels)
            features[f.name] = {**base, "levels": levels,
                                "counts": {lv: int(vc.get(lv, 0)) for lv in levels},
                                "frequencies": {lv: (_num(vc.get(lv, 0) / count) if count else 0.0) for lv in levels}}
    profile: Dict[str, Any] = {"schemaVersion": 1, "rows": int(len(df)), "featureOrder": list(FEATURE_NAMES),
                               "features": features}
    if LABEL in df.columns:
        vc = df[LABEL].astype(int).value_counts()
        total = int(vc.sum())
        profile["label"] = {"name": LABEL,
                            "counts": {str(k): int(vc.get(k, 0)) for k in (0, 1)},
                            "classBalance": {str(k): (_num(vc.get(k, 0) / total) if total else 0.0) for k in (0, 1)}}
    return profile
