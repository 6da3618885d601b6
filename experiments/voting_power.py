"""Study: how much can the ruling party decide alone, at each threshold, in the 2021 and 2023 houses,
an elected one and one it no longer rules?

    python experiments/voting_power.py [--replicates N]

Runs (or reuses) convocation_2021, baseline, free_and_fair and ruling_minority through run.py, draws
docs/figures/voting_power.png from their runs tables and prints the ruling party's indices.
"""

from __future__ import annotations

import argparse

import pandas as pd
from study import FIGURES, run_named

from sim.figures.results import power_figure

HOUSES = {"2021 (CEC; 107 with the Assembly's 9)": "convocation_2021", "2023 (CEC)": "baseline",
          "simulated free and fair election": "free_and_fair", "ruling party without a majority": "ruling_minority"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=500)
    args = parser.parse_args()
    houses = {label: run_named(name, args.replicates) for label, name in HOUSES.items()}
    columns = [c for c in houses["2023 (CEC)"].columns if c.startswith(("ruling_banzhaf", "ruling_shapley"))]
    print(pd.DataFrame({label: runs[columns].mean() for label, runs in houses.items()}).round(3).to_string())
    FIGURES.mkdir(parents=True, exist_ok=True)
    print(power_figure(houses, FIGURES / "voting_power.png"))


if __name__ == "__main__":
    main()
