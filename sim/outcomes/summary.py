"""The short text a user reads after a run."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.outcomes.registry import SHARE_COLUMNS, SHARES, share, share_text, size_text


def summary_text(runs: pd.DataFrame) -> str:
    """Coalition shares, government record and the pattern figures of one experiment's runs (per
    term; shares of a multi-term run with intervals on replicates)."""
    first = runs.iloc[0]
    thresholds = {"coalition_blocking": f" ({int(first['blocking'])})",
                  "coalition_majority": f" ({int(first['majority'])})"}
    rows = [(m.label + thresholds.get(m.column, ""), share_text(runs, m.column)) for m in SHARES[:3]]
    rows += [
        ("largest coalition, seats", f"mean {runs['coalition_max_seats'].mean():.1f}, "
                                     f"95th percentile {runs['coalition_max_seats'].quantile(0.95):.0f}"),
        ("government bill pass rate", f"{100 * runs['gov_pass_rate'].mean():.2f} %"),
        ("government defeats per term", f"mean {runs['gov_defeats'].mean():.3f}, "
                                        f"terms with none {100 * (runs['gov_defeats'] == 0).mean():.1f} %"),
        ("expulsions per term", f"mean {runs['expulsions'].mean():.2f}"),
        ("deputy-initiated share of laws", f"mean {runs['deputy_share_of_laws'].mean():.2f}"),
    ]
    terms = runs["term"].nunique()
    head = (f"{first['name']}: {size_text(runs)} of {first['parliament.name']}, "
            f"{int(first['roll_calls'])} roll calls a term" + (", figures per term" if terms > 1 else ""))
    return "\n".join([head] + [f"  {label:<46}{value}" for label, value in rows])


def summarize(runs: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """Per outcome: mean, std, 5/50/95 % quantiles; for 0/1 outcomes also a 95 % Wilson interval
    (on replicates: sim.outcomes.registry)."""
    rows = []
    for name in outcomes:
        values = runs[name].dropna().astype(float)
        row = {
            "outcome": name, "n": len(values), "mean": values.mean(), "std": values.std(),
            "q05": values.quantile(0.05), "q50": values.median(), "q95": values.quantile(0.95),
            "ci95_low": np.nan, "ci95_high": np.nan,
        }
        if name in SHARE_COLUMNS:
            _, row["ci95_low"], row["ci95_high"] = share(runs, name)
        rows.append(row)
    return pd.DataFrame(rows)
