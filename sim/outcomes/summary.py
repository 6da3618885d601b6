"""What a user reads of a run: the short text printed after it, the per-outcome statistics of
summary.csv, and the summary's outcomes with their intervals for each point of a sweep."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.outcomes import registry
from sim.outcomes.estimates import mean, range_containing, range_text, share, share_text, size_text


def summary_text(runs: pd.DataFrame) -> str:
    """The outcomes declared for the summary (sim.outcomes.registry), per term: a binary outcome as the
    share of runs with its 95 % interval (on replicates), a share as its mean, a count or a continuous
    outcome as its mean with the central range of runs that holds it (5-95 %, or wider for a rare count)."""
    first = runs.iloc[0]
    terms = runs["term"].nunique()
    head = (f"{first['name']}: {size_text(runs)} of {first['parliament.name']}, "
            f"{int(first['roll_calls'])} roll calls a term, blocking minority {int(first['blocking'])}, "
            f"majority {int(first['majority'])}" + (", figures per term" if terms > 1 else ""))
    rows = [(o.label, _value_text(runs, o)) for o in registry.outcomes(summary=True)]
    return "\n".join([head] + [f"  {label:<46}{value}" for label, value in rows])


def _value_text(runs: pd.DataFrame, o: registry.Outcome) -> str:
    if o.kind == "binary":
        return share_text(runs, o.name)
    values = runs[o.name].dropna()
    if o.kind == "share":
        return f"{100 * values.mean():.2f} %  (mean over runs)"
    # The range's ends are values runs took, so a count's range holds whole numbers.
    lower, upper, low, high = range_containing(values.to_numpy())
    return f"mean {values.mean():.3g} {o.unit}  ({range_text(lower, upper)} of runs: {low:.3g} to {high:.3g})"


def summarize(runs: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """Per outcome: mean, std, 5/50/95 % quantiles; for 0/1 outcomes also a 95 % Wilson interval
    (on replicates: sim.outcomes.registry)."""
    binary = registry.outcomes(kind="binary", by_party=None)
    rows = []
    for name in outcomes:
        values = runs[name].dropna().astype(float)
        row = {
            "outcome": name, "n": len(values), "mean": values.mean(), "std": values.std(),
            "q05": values.quantile(0.05), "q50": values.median(), "q95": values.quantile(0.95),
            "ci95_low": np.nan, "ci95_high": np.nan,
        }
        if any(name == o.name or (o.by_party and name.startswith(f"{o.name}_")) for o in binary):
            _, row["ci95_low"], row["ci95_high"] = share(runs, name)
        rows.append(row)
    return pd.DataFrame(rows)


def estimate(runs: pd.DataFrame, o: registry.Outcome) -> tuple[float, float, float]:
    """An outcome's estimate over runs with its 95 % interval on replicates: a binary outcome's share of
    runs (Wilson), any other's mean (normal), cut at the bounds its kind cannot pass (a count or a share
    is never below 0, a share never above 1), where the normal interval's tails can reach past them."""
    if o.kind == "binary":
        return share(runs, o.name)
    centre, low, high = mean(runs, o.name)
    if o.kind in ("count", "share"):
        low = max(low, 0.0) if np.isfinite(low) else low
    if o.kind == "share":
        high = min(high, 1.0) if np.isfinite(high) else high
    return centre, low, high


def point_estimates(runs: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per group of runs with the same `keys` (a sweep's point): the keys, its replicates and
    runs, and for each outcome of the summary its estimate and 95 % interval (`NAME`, `NAME_low`,
    `NAME_high`; see estimate)."""
    rows = []
    for values, group in runs.groupby(keys, sort=True, dropna=False):
        row = dict(zip(keys, values, strict=True))
        row.update(replicates=group["replicate"].nunique(), runs=len(group))
        for o in registry.outcomes(summary=True):
            row[o.name], row[f"{o.name}_low"], row[f"{o.name}_high"] = estimate(group, o)
        rows.append(row)
    return pd.DataFrame(rows)
