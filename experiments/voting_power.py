"""Study: what can the players outside the ruling party do by arithmetic alone, and how much does the
ruling party decide alone, at each threshold, in the 2021 and 2023 houses, an elected one and one it
no longer rules?

    python experiments/voting_power.py [--replicates N] [--write-docs]

Runs (or reuses) convocation_2021, baseline, free_and_fair and ruling_minority through run.py. Writes
experiments/results/voting_power/feasibility.csv (per house as elected and bill kind: the sets of
non-ruling players that can block or pass it, and the fewest parties and self-nominated deputies a
blocking set needs; sim/analysis/feasibility.py) and prints it in words; draws the ruling party's Banzhaf and
Shapley-Shubik indices into experiments/results/figures/voting_power.png, or with --write-docs (from
500 replicates or more) docs/figures/voting_power.png.
"""

from __future__ import annotations

import pandas as pd
from study import RESULTS, run_named, study_arguments

from sim.analysis.feasibility import feasibility, feasibility_text
from sim.figures.results import power_figure
from sim.files import write_table

HOUSES = {"2021 (CEC; 107 with the Assembly's 9)": "convocation_2021", "2023 (CEC)": "baseline",
          "simulated free and fair election": "free_and_fair", "hung house (ruling party 46 of 98)": "ruling_minority"}
OUT = RESULTS / "voting_power"
# The documented study (README, docs/figures/voting_power.png): replicates a house.
REPLICATES = 500


def house_feasibility(label: str, runs: pd.DataFrame) -> pd.DataFrame:
    """feasibility() of every distinct house a job's first terms sat, with how many replicates sat it
    (one for a fixed house; an elected house differs between replicates)."""
    first = runs[runs["term"] == 1]
    ruling = next(c.split(".")[1] for c in runs.columns if c.startswith("parties.") and c.endswith(".ruling")
                  and first[c].iloc[0])
    seat_columns = [c for c in first.columns if c.startswith("seats_")]
    kinds = [c.removeprefix("threshold_") for c in first.columns if c.startswith("threshold_")]
    tables = []
    for values, group in first.groupby(seat_columns + [f"threshold_{k}" for k in kinds], sort=False):
        seats = {c.removeprefix("seats_"): int(v) for c, v in zip(seat_columns, values, strict=False)}
        thresholds = {k: int(group[f"threshold_{k}"].iloc[0]) for k in kinds}
        table = feasibility(seats, ruling, thresholds)
        table.insert(0, "replicates", len(group))
        table.insert(0, "house", label)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def main(argv: list[str] | None = None) -> None:
    args, figures = study_arguments(__doc__.splitlines()[0], REPLICATES, argv)
    houses = {label: run_named(name, args.replicates) for label, name in HOUSES.items()}
    table = pd.concat([house_feasibility(label, runs) for label, runs in houses.items()], ignore_index=True)
    write_table(table, OUT / "feasibility.csv")
    for label in houses:
        rows = table[table["house"] == label].sort_values("replicates", ascending=False, kind="stable")
        common = rows.groupby("kind", sort=False).head(1)  # an elected house: its most frequent composition
        print(f"{label}:" + "".join(f"\n  {feasibility_text(row)}" for _, row in common.iterrows()))
    columns = [c for c in houses["2023 (CEC)"].columns if c.startswith(("ruling_banzhaf", "ruling_shapley"))]
    print(pd.DataFrame({label: runs[columns].mean() for label, runs in houses.items()}).round(3).to_string())
    print(OUT / "feasibility.csv")
    print(power_figure(houses, figures / "voting_power.png"))


if __name__ == "__main__":
    main()
