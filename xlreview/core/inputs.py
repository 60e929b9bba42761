"""The typed, validated, base-currency frames the core computes on (pandas only)."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .thresholds import THRESHOLDS


@dataclass
class Settings:
    base_currency: str = "USD"
    review_year: int = 2026
    plan_year: int = 2027
    language: str = "zh"
    fixed_overhead: float = 0.0
    strategy_pillars: list[str] = field(default_factory=list)
    next_year_budget: float | None = None     # ads + marketing budget of plan_year (None: from the goals)
    thresholds: dict[str, float] = field(default_factory=lambda: dict(THRESHOLDS))

    def t(self, key: str) -> float:
        """A threshold by its METRICS key (Settings override or default)."""
        return self.thresholds[key]


@dataclass
class Inputs:
    """Every input sheet as a frame with ALL DATA_MODEL columns present.

    Conventions the core relies on (the model layer guarantees them):

    - money columns are float64 in base currency (FX applied); ``currency`` keeps the row's
      original ISO code (upper case, blank -> base currency);
    - date columns are datetime64[ns] at midnight; optional blank dates are NaT;
    - optional numeric blanks are 0, except Products.rating and Goals.baseline/target (NaN);
    - optional text blanks are "" (empty string), text is str;
    - ``_row`` holds the Excel row number of each row (for messages);
    - an absent optional sheet is an empty frame with the columns;
    - ``costs`` (Costs sheet): one row per account-level charge or credit, ``amount`` in base currency
      (positive = cost, negative = credit), ``kind`` one of ``schema.COST_KINDS``;
    - ``unit_costs`` (UnitCosts sheet): one row per (sku, effective_from), ``unit_cost`` in base currency,
      sorted by sku then effective_from.
    """

    orders: pd.DataFrame
    products: pd.DataFrame
    traffic: pd.DataFrame
    ads: pd.DataFrame
    marketing: pd.DataFrame
    content: pd.DataFrame
    channels: pd.DataFrame
    costs: pd.DataFrame
    unit_costs: pd.DataFrame
    fx: pd.DataFrame
    goals: pd.DataFrame
    settings: Settings
    unknown_skus: list[str] = field(default_factory=list)
