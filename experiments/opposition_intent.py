"""Study: how much opposition intent does a coalition need, and how much does fear raise the bar,
in the 2023 house and in one whose ruling party has lost its majority?

    python experiments/opposition_intent.py [--replicates N]

Runs sweep=opposition_intent (the 2023 house) and sweep=ruling_minority (intent x fear scale each)
with the joblib launcher into experiments/results/<sweep>, copies their figures to docs/figures/ and
prints, for each fear level, the smallest intent at which a coalition forms, blocks and holds a
majority in at least half the runs.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "experiments" / "results"
FIGURES = ROOT / "docs" / "figures"
SWEEPS = ("opposition_intent", "ruling_minority")


def smallest_intent(sweep: pd.DataFrame, outcome: str) -> pd.Series:
    """Per fear level, the smallest swept intent at which `outcome` holds in at least half the runs."""
    share = sweep.groupby(["behavior.fear_scale", "minor.opposition_intent"])[outcome].mean()
    reached = share[share >= 0.5].reset_index()
    return reached.groupby("behavior.fear_scale")["minor.opposition_intent"].min()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=200)
    args = parser.parse_args()
    FIGURES.mkdir(parents=True, exist_ok=True)
    for name in SWEEPS:
        out = RESULTS / name
        subprocess.run([sys.executable, "run.py", "-m", f"sweep={name}", "hydra/launcher=joblib", "run.workers=1",
                        f"run.replicates={args.replicates}", f"hydra.sweep.dir={out}"], cwd=ROOT, check=True)
        sweep = pd.read_parquet(out / "sweep.parquet")
        table = pd.DataFrame({
            "forms": smallest_intent(sweep, "coalition_formed"),
            "blocks": smallest_intent(sweep, "coalition_blocking"),
            "majority": smallest_intent(sweep, "coalition_majority"),
        }, index=sorted(sweep["behavior.fear_scale"].unique()))
        print(f"\n{name}: smallest opposition intent at which a coalition ... in at least half the runs, "
              "by fear scale (NaN: not within the swept range)")
        print(table.to_string())
        for figure in ("sweep_heatmap.png", "sweep_coalition_size.png"):
            shutil.copy(out / figure, FIGURES / f"{name}_{figure.removeprefix('sweep_')}")


if __name__ == "__main__":
    main()
