"""Estimates across runs: a share of runs or a mean, with its interval, computed on replicates.

A multi-term run has one row per replicate and term. Terms of one replicate are not independent
draws, so an interval is computed on replicates: each replicate contributes the share (or mean) of its
terms, and the interval is taken with n = replicates (for one term, the usual interval).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def wilson(successes: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (good near 0 and 1, where Wald fails)."""
    if n == 0:
        return float("nan"), float("nan")
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def share(runs: pd.DataFrame, column: str) -> tuple[float, float, float]:
    """The share of runs where `column` is 1, and its 95 % interval computed on replicates."""
    per_replicate = runs.groupby("replicate")[column].mean() if "replicate" in runs else runs[column]
    n = len(per_replicate)
    low, high = wilson(float(per_replicate.sum()), n)
    return float(per_replicate.mean()) if n else float("nan"), low, high


def mean(runs: pd.DataFrame, column: str, z: float = 1.96) -> tuple[float, float, float]:
    """The mean of `column` over runs, and its 95 % interval computed on replicates (normal: mean
    +- z standard errors; undefined, NaN, with fewer than two replicates). Missing values (a ratio
    without a base) are left out."""
    values = runs.groupby("replicate")[column].mean() if "replicate" in runs else runs[column]
    values = values.dropna().astype(float)
    if len(values) == 0:
        return float("nan"), float("nan"), float("nan")
    centre = float(values.mean())
    half = z * float(values.std()) / np.sqrt(len(values))  # std is NaN for one value: so is the interval
    return centre, centre - half, centre + half


def share_text(runs: pd.DataFrame, column: str) -> str:
    p, low, high = share(runs, column)
    return f"{100 * p:5.1f} %  (95 % CI {100 * low:.1f}-{100 * high:.1f})"


def size_text(runs: pd.DataFrame) -> str:
    """'R replicates' or 'R replicates x T terms'."""
    replicates, terms = runs["replicate"].nunique(), runs["term"].nunique()
    return f"{replicates} replicates" + (f" x {terms} terms" if terms > 1 else "")
