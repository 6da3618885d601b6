"""Study: whom do parties expel, and for what? The baseline's expulsions by trigger and by side.

    python experiments/discipline.py [--replicates 200] [--write-docs]

Runs the baseline through run.py with its roll calls recorded (into experiments/results/discipline/),
and reads expulsions.parquet: per trigger (vote or speech, ODD 7.9) and per side of the executive's
stance on Russia (the deputy's ideal point above it: the pro-Russian side; below: the anti-Russian
side), how many were expelled, from which parties, in which sessions, and their mean signed distance
from the executive on each dimension against that of every deputy who sat for the same parties.
Writes discipline.csv beside the run and draws discipline.png into experiments/results/figures/, or
with --write-docs into the committed docs/figures/ (only at the documented 200 replicates).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from study import RESULTS, run_named, study_arguments

from sim.figures.results import expulsions_figure
from sim.files import write_table
from sim.runs.compose import load_config

# The documented study (README): the baseline's replicates.
REPLICATES = 200
OUT = RESULTS / "discipline"


def main(argv: list[str] | None = None) -> None:
    args, figures = study_arguments(__doc__.splitlines()[0], REPLICATES, argv)
    run_named("baseline", args.replicates, "run.record_roll_calls=true", out=OUT)
    cfg = load_config()
    expelled = pd.read_parquet(OUT / "expulsions.parquet")
    sat = pd.read_parquet(OUT / "legislators.parquet")
    table = side_table(expelled, sat, list(cfg.dimensions), np.array(cfg.executive.ideal), args.replicates)
    write_table(table, OUT / "discipline.csv")
    print(table.to_string(index=False))
    figures.mkdir(parents=True, exist_ok=True)
    expulsions_figure(expelled, list(cfg.dimensions), args.replicates, figures / "discipline.png")
    print(f"results in {OUT}/, figure in {figures}/")


def side_table(expelled: pd.DataFrame, sat: pd.DataFrame, dims: list[str], executive: np.ndarray,
               replicates: int) -> pd.DataFrame:
    """A row per trigger and side of the executive's stance on Russia (and one for all): expulsions, a
    term, the parties, the share in the term's first session, and the mean signed distance from the
    executive on each dimension; last, every deputy who sat for the parties that expelled anyone."""
    side = np.where(expelled["russia_from_executive"] > 0, "pro-Russian side", "anti-Russian side")
    rows = []
    for (trigger, where), group in [*expelled.groupby(["trigger", side]), (("any", "both sides"), expelled)]:
        rows.append({"who": f"expelled for {trigger}" if trigger != "any" else "every expelled deputy",
                     "side": where, "expulsions": len(group), "per_term": len(group) / replicates,
                     "in_first_session": float((group["session"] == 0).mean()) if len(group) else np.nan,
                     "parties": ", ".join(f"{p} {n}" for p, n in group["party"].value_counts().items()),
                     **{f"{d}_from_executive": float(group[f"{d}_from_executive"].mean()) for d in dims}})
    parties = sat[sat["party"].isin(expelled["party"].unique())]
    away = parties[dims].to_numpy() - executive
    rows.append({"who": "every deputy who sat for those parties", "side": "both sides", "expulsions": np.nan,
                 "per_term": np.nan, "in_first_session": np.nan, "parties": "",
                 **{f"{d}_from_executive": float(away[:, j].mean()) for j, d in enumerate(dims)}})
    return pd.DataFrame(rows)


if __name__ == "__main__":
    main()
