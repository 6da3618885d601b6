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
    """The share with its 95 % interval; where it never happened, that, with what so many runs bound
    alone (an interval of 0-1.9 % from 0 of 200 says how many runs there were, not what is uncertain)."""
    p, low, high = share(runs, column)
    if p == 0:
        n = runs["replicate"].nunique() if "replicate" in runs else len(runs)
        # Terms of one replicate are not independent draws: the bound is taken on replicates.
        what = f"{len(runs)} runs" if len(runs) == n else f"{len(runs)} terms of {n} replicates"
        return f"  none in {what}  (so few bound it below {100 * none_bound(n):.1f} % at 95 %)"
    return f"{100 * p:5.1f} %  (95 % CI {100 * low:.1f}-{100 * high:.1f})"


def none_bound(n: float) -> float:
    """The largest probability a run that n independent runs without the event leave at 95 %: 1 - 0.05^(1/n)
    (about 3/n, the rule of three)."""
    return 1.0 - 0.05 ** (1.0 / n)


def size_text(runs: pd.DataFrame) -> str:
    """'R replicates' or 'R replicates x T terms'."""
    replicates, terms = runs["replicate"].nunique(), runs["term"].nunique()
    return f"{replicates} replicates" + (f" x {terms} terms" if terms > 1 else "")


def weighted_quantiles(values: np.ndarray, weights: np.ndarray | None, probs: list[float]) -> np.ndarray:
    """The values at which the (weighted) share of values at or below first reaches each of `probs`:
    values the runs took, never interpolated, so a count's quantile is a whole number. NaN values
    and zero weights are left out; NaN where nothing is left."""
    values = np.asarray(values, dtype=float).ravel()
    w = np.ones_like(values) if weights is None else np.asarray(weights, dtype=float).ravel()
    keep = ~np.isnan(values) & (w > 0)
    values, w = values[keep], w[keep]
    if not len(values):
        return np.full(len(probs), np.nan)
    order = np.argsort(values, kind="stable")
    values, below = values[order], np.cumsum(w[order]) / w.sum()
    at = np.searchsorted(below, np.asarray(probs) - 1e-12, side="left")
    return values[np.minimum(at, len(values) - 1)]


# The central ranges tried in turn, by their lower percentile (the upper is 100 minus it).
_CENTRAL = (5.0, 2.5, 1.0, 0.5, 0.0)


def range_containing(values: np.ndarray, weights: np.ndarray | None = None) -> tuple[float, float, float, float]:
    """The narrowest of the central 90, 95, 98, 99 and 100 % ranges of `values` (weighted, when given)
    that holds their mean, as (lower percentile, upper percentile, low, high). A rare count has a mean
    above 0 and a 5-95 % range of 0 to 0; a range that excludes its own estimate misleads, so it widens
    until the mean is inside (at 0-100 % it always is). The ends are values the runs took."""
    values = np.asarray(values, dtype=float).ravel()
    w = np.ones_like(values) if weights is None else np.asarray(weights, dtype=float).ravel()
    keep = ~np.isnan(values) & (w > 0)
    if not keep.any():
        return _CENTRAL[0], 100 - _CENTRAL[0], float("nan"), float("nan")
    centre = float(np.sum(w[keep] * values[keep]) / np.sum(w[keep]))
    for lower in _CENTRAL:
        low, high = weighted_quantiles(values, w, [lower / 100, 1 - lower / 100])
        if lower == 0.0:
            low, high = values[keep].min(), values[keep].max()
        if low - 1e-12 <= centre <= high + 1e-12:
            return lower, 100 - lower, float(low), float(high)
    raise AssertionError("unreachable: the full range holds the mean")


def range_text(lower: float, upper: float) -> str:
    """'5-95 %' or '2.5-97.5 %'."""
    return f"{lower:g}-{upper:g} %"
