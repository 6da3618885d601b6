"""Study: how do the named experiments on a fixed house differ from the 2023 baseline?

    python experiments/named_experiments.py [--replicates N] [--write-docs]

Runs them through run.py (into experiments/results/), draws them side by side (named_experiments.png)
with the 2021 and 2023 houses (houses.png) into experiments/results/figures/, or with --write-docs
into the committed docs/figures/ (only at the documented 500 replicates), and prints the comparison table.
"""

from __future__ import annotations

import shutil

import matplotlib.pyplot as plt
import pandas as pd
from study import RESULTS, run_named, study_arguments

from sim.figures.results import comparison_figure, draw_hemicycle, house_seats
from sim.files import atomic_path
from sim.runs.report import comparison_table

NAMES = ["baseline", "convocation_2021", "no_registration_threat", "weak_whip", "ruling_minority"]
# The documented study (README, docs/figures/): replicates an experiment.
REPLICATES = 500


def main(argv: list[str] | None = None) -> None:
    args, figures = study_arguments(__doc__.splitlines()[0], REPLICATES, argv)
    runs = {name: run_named(name, args.replicates) for name in NAMES}
    both = pd.concat(runs.values(), ignore_index=True)
    print(comparison_table(both).to_string(index=False))
    figures.mkdir(parents=True, exist_ok=True)
    comparison_figure(both, figures / "named_experiments.png", "Named experiments on a fixed house")
    with atomic_path(figures / "baseline_outcomes.png") as tmp:
        shutil.copyfile(RESULTS / "baseline" / "outcomes.png", tmp)

    fig, axes = plt.subplots(1, 3, figsize=(16, 4.6))
    free = run_named("free_and_fair", args.replicates)
    for ax, (runs_of, title) in zip(axes, [(runs["convocation_2021"], "2021 (CEC; with the Assembly's 9)"),
                                          (runs["baseline"], "2023 (CEC)"),
                                          (free, "simulated free and fair election (mean seats)")], strict=True):
        draw_hemicycle(ax, house_seats(runs_of), title)
    fig.tight_layout()
    with atomic_path(figures / "houses.png") as tmp:
        fig.savefig(tmp, dpi=120, bbox_inches="tight", format="png")
    print(f"figures in {figures}/")


if __name__ == "__main__":
    main()
