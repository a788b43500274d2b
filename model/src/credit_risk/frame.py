"""Turning records into the frame the model pipeline expects (shared by training and serving; no MLflow)."""
from __future__ import annotations

from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from .features import FEATURE_NAMES, NUMERIC


def to_model_frame(data: Any) -> pd.DataFrame:
    """The feature columns of `data` (a DataFrame or an iterable of records) in contract order.

    Numeric columns become float64 (nulls → NaN, which the classifier handles natively);
    categorical columns become object with nulls as None. Missing columns are a ValueError naming them.
    """
    df = data if isinstance(data, pd.DataFrame) else pd.DataFrame.from_records(list(_records(data)))
    missing = [n for n in FEATURE_NAMES if n not in df.columns]
    if missing:
        raise ValueError(f"missing feature column(s): {', '.join(missing)}")
    out = pd.DataFrame(index=df.index)
    for name in FEATURE_NAMES:
        if name in NUMERIC:
            out[name] = pd.to_numeric(df[name], errors="raise").astype("float64")
        else:
            col = df[name].astype(object)
            out[name] = col.where(col.notna(), None)
    return out


def _records(data: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    for r in data:
        yield {k: (np.nan if v is None and k in NUMERIC else v) for k, v in r.items()}
