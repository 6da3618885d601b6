"""Study: how do the named experiments on a fixed house differ from the 2023 baseline?

    python experiments/named_experiments.py [--replicates N]

Runs them through run.py (into experiments/results/), draws them side by side
(docs/figures/named_experiments.png) with the 2021 and 2023 houses (docs/figures/houses.png), and
prints the comparison table.
"""

from __future__ import annotations

import argparse

import matplotlib.pyplot as plt
import pandas as pd
from study import FIGURES, RESULTS, run_named

from sim.figures.results import comparison_figure, draw_hemicycle, house_seats
from sim.runs.report import comparison_table

NAMES = ["baseline", "convocation_2021", "no_registration_threat", "weak_whip", "ruling_minority"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=500)
    args = parser.parse_args()
    runs = {name: run_named(name, args.replicates) for name in NAMES}
    both = pd.concat(runs.values(), ignore_index=True)
    print(comparison_table(both).to_string(index=False))
    FIGURES.mkdir(parents=True, exist_ok=True)
    comparison_figure(both, FIGURES / "named_experiments.png", "Named experiments on a fixed house")
    (FIGURES / "baseline_outcomes.png").write_bytes((RESULTS / "baseline" / "outcomes.png").read_bytes())

    fig, axes = plt.subplots(1, 3, figsize=(16, 4.6))
    free = run_named("free_and_fair", args.replicates)
    for ax, (runs_of, title) in zip(axes, [(runs["convocation_2021"], "2021 (CEC; with the Assembly's 9)"),
                                          (runs["baseline"], "2023 (CEC)"),
                                          (free, "simulated free and fair election (mean seats)")], strict=True):
        draw_hemicycle(ax, house_seats(runs_of), title)
    fig.tight_layout()
    fig.savefig(FIGURES / "houses.png", dpi=120, bbox_inches="tight")


if __name__ == "__main__":
    main()
