"""The short text a user reads after a run."""

from __future__ import annotations

import pandas as pd

from .results import wilson


def _share(runs: pd.DataFrame, column: str) -> str:
    k, n = int(runs[column].sum()), len(runs)
    low, high = wilson(k, n)
    return f"{100 * k / n:5.1f} %  (95 % CI {100 * low:.1f}-{100 * high:.1f})"


def summary_text(runs: pd.DataFrame) -> str:
    """Coalition shares, government record and the pattern figures of one experiment's runs."""
    first = runs.iloc[0]
    blocking, majority = int(first["blocking"]), int(first["majority"])
    rows = [
        ("coalition formed against the ruling party", _share(runs, "coalition_formed")),
        (f"coalition reached the blocking minority ({blocking})", _share(runs, "coalition_blocking")),
        (f"coalition reached a majority ({majority})", _share(runs, "coalition_majority")),
        ("largest coalition, seats", f"mean {runs['coalition_max_seats'].mean():.1f}, "
                                     f"95th percentile {runs['coalition_max_seats'].quantile(0.95):.0f}"),
        ("government bill pass rate", f"{100 * runs['gov_pass_rate'].mean():.2f} %"),
        ("government defeats per term", f"mean {runs['gov_defeats'].mean():.3f}, "
                                        f"terms with none {100 * (runs['gov_defeats'] == 0).mean():.1f} %"),
        ("expulsions per term", f"mean {runs['expulsions'].mean():.2f}"),
        ("deputy-initiated share of laws", f"mean {runs['deputy_share_of_laws'].mean():.2f}"),
    ]
    terms = runs["term"].nunique()
    head = (f"{first['name']}: {runs['replicate'].nunique()} replicates of {first['parliament.name']}, "
            f"{terms} term{'s' if terms > 1 else ''} of {int(first['roll_calls'])} roll calls"
            + (" (figures per term, pooled over terms)" if terms > 1 else ""))
    return "\n".join([head] + [f"  {label:<46}{value}" for label, value in rows])
