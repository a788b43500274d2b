"""The feature contract of the credit-risk model: names, kinds and valid ranges, declared once.

The dataset generator, the training code, the reference profile and the predictor all read it.
`model/contract/v1.schema.json` is checked against it by a test.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Optional, Tuple

LABEL = "label"


@dataclass(frozen=True)
class Feature:
    name: str
    kind: Literal["numeric", "categorical"]
    description: str
    #: Numeric features: whether values are whole numbers.
    integer: bool = False
    #: Numeric features: the values a correct record can hold (inclusive). Outside is a data-quality fault.
    valid_range: Optional[Tuple[float, float]] = None
    #: Categorical features: the levels and their probabilities in the reference population.
    levels: Tuple[str, ...] = field(default_factory=tuple)


FEATURES: Tuple[Feature, ...] = (
    Feature("age", "numeric", "Applicant age in years.", integer=True, valid_range=(18, 100)),
    Feature("annual_income", "numeric", "Gross annual income.", valid_range=(0, 2_000_000)),
    Feature("loan_amount", "numeric", "Requested principal.", valid_range=(0, 500_000)),
    Feature("loan_term_months", "numeric", "Loan term (12, 24, 36, 48 or 60 months).", integer=True,
            valid_range=(6, 120)),
    Feature("credit_score", "numeric", "Bureau credit score.", integer=True, valid_range=(300, 850)),
    Feature("debt_to_income", "numeric", "Monthly debt payments / monthly income.", valid_range=(0, 1.5)),
    Feature("credit_utilization", "numeric", "Revolving balance / revolving limit.", valid_range=(0, 1)),
    Feature("num_credit_lines", "numeric", "Open credit lines.", integer=True, valid_range=(0, 100)),
    Feature("num_late_payments", "numeric", "Payments 30+ days late in the last 2 years.", integer=True,
            valid_range=(0, 100)),
    Feature("years_employed", "numeric", "Years with the current employer.", valid_range=(0, 70)),
    Feature("savings_balance", "numeric", "Savings and deposits.", valid_range=(0, 10_000_000)),
    Feature("home_ownership", "categorical", "Housing situation.",
            levels=("rent", "mortgage", "own", "other")),
    Feature("loan_purpose", "categorical", "Declared purpose of the loan.",
            levels=("debt_consolidation", "credit_card", "home_improvement", "car", "business", "medical")),
    Feature("employment_type", "categorical", "Employment situation.",
            levels=("salaried", "self_employed", "part_time", "unemployed")),
    Feature("region", "categorical", "Sales region (carries no signal).", levels=("north", "south", "east", "west")),
)

FEATURE_NAMES: Tuple[str, ...] = tuple(f.name for f in FEATURES)
NUMERIC: Tuple[str, ...] = tuple(f.name for f in FEATURES if f.kind == "numeric")
CATEGORICAL: Tuple[str, ...] = tuple(f.name for f in FEATURES if f.kind == "categorical")
BY_NAME = {f.name: f for f in FEATURES}


def feature(name: str) -> Feature:
    """The declared feature `name`; a ValueError naming the known features otherwise."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown feature '{name}' (known: {', '.join(FEATURE_NAMES)})") from None
