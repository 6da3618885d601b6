"""Study: how much opposition intent does a coalition need, and how much does fear raise the bar,
in the 2023 house and in one whose ruling party has lost its majority?

    python experiments/opposition_intent.py [--replicates N] [--write-docs]

Runs sweep=opposition_intent (the 2023 house) and sweep=ruling_minority (intent x fear scale each)
with the joblib launcher into experiments/results/<sweep>, copies their figures into
experiments/results/figures/, or with --write-docs into the committed docs/figures/ (only at the
documented 200 replicates), and prints, for each fear level, the smallest intent at which a coalition
forms, blocks and holds a majority in at least half the runs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
from study import RESULTS, ROOT, study_arguments

from sim.files import atomic_path

SWEEPS = ("opposition_intent", "ruling_minority")
# The documented study (README, docs/figures/): replicates a sweep point.
REPLICATES = 200


def smallest_intent(sweep: pd.DataFrame, outcome: str) -> pd.Series:
    """Per fear level, the smallest swept intent at which `outcome` holds in at least half the runs."""
    share = sweep.groupby(["behavior.fear_scale", "minor.opposition_intent"])[outcome].mean()
    reached = share[share >= 0.5].reset_index()
    return reached.groupby("behavior.fear_scale")["minor.opposition_intent"].min()


def run_sweep(name: str, replicates: int) -> Path:
    """`python run.py -m sweep=NAME` with the joblib launcher into experiments/results/NAME (complete
    jobs skipped); a failed sweep stops the study with run.py's exit code (its error is already on stderr)."""
    out = RESULTS / name
    done = subprocess.run([sys.executable, "run.py", "-m", f"sweep={name}", "hydra/launcher=joblib", "run.workers=1",
                           f"run.replicates={replicates}", f"hydra.sweep.dir={out}"], cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(done.returncode)
    return out


def main(argv: list[str] | None = None) -> None:
    args, figures = study_arguments(__doc__.splitlines()[0], REPLICATES, argv)
    for name in SWEEPS:
        out = run_sweep(name, args.replicates)
        sweep = pd.read_parquet(out / "sweep.parquet")
        table = pd.DataFrame({
            "forms": smallest_intent(sweep, "coalition_formed"),
            "blocks": smallest_intent(sweep, "coalition_blocking"),
            "majority": smallest_intent(sweep, "coalition_majority"),
        }, index=sorted(sweep["behavior.fear_scale"].unique()))
        print(f"\n{name}: smallest opposition intent at which a coalition ... in at least half the runs, "
              "by fear scale (NaN: not within the swept range)")
        print(table.to_string())
        figures.mkdir(parents=True, exist_ok=True)
        for figure in ("sweep_heatmap.png", "sweep_coalition_size.png"):
            with atomic_path(figures / f"{name}_{figure.removeprefix('sweep_')}") as tmp:
                shutil.copyfile(out / figure, tmp)
    print(f"figures in {figures}/")


if __name__ == "__main__":
    main()
