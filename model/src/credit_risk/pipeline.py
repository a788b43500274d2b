"""The scikit-learn pipeline: one-hot categoricals, gradient-boosted trees (which handle missing numerics)."""
from __future__ import annotations

from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from .features import CATEGORICAL, NUMERIC

MISSING_LEVEL = "__missing__"


def build_pipeline(seed: int, max_iter: int = 150, learning_rate: float = 0.1) -> Pipeline:
    categorical = Pipeline([
        ("impute", SimpleImputer(strategy="constant", fill_value=MISSING_LEVEL)),
        ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
    ])
    pre = ColumnTransformer([
        ("numeric", "passthrough", list(NUMERIC)),
        ("categorical", categorical, list(CATEGORICAL)),
    ])
    clf = HistGradientBoostingClassifier(max_iter=max_iter, learning_rate=learning_rate, random_state=seed)
    return Pipeline([("features", pre), ("classifier", clf)])
