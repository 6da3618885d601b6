"""Study: how much opposition intent does a coalition need, and how much does fear raise the bar?

    python experiments/opposition_intent.py [--replicates N]

Runs sweep=opposition_intent (intent x fear scale) with the joblib launcher into
experiments/results/opposition_intent, copies its figures to docs/figures/ and prints, for each
fear level, the smallest intent at which a coalition forms and blocks in at least half the runs.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "experiments" / "results" / "opposition_intent"
FIGURES = ROOT / "docs" / "figures"


def smallest_intent(sweep: pd.DataFrame, outcome: str) -> pd.Series:
    """Per fear level, the smallest swept intent at which `outcome` holds in at least half the runs."""
    share = sweep.groupby(["behavior.fear_scale", "minor.opposition_intent"])[outcome].mean()
    reached = share[share >= 0.5].reset_index()
    return reached.groupby("behavior.fear_scale")["minor.opposition_intent"].min()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=200)
    args = parser.parse_args()
    subprocess.run([sys.executable, "run.py", "-m", "sweep=opposition_intent", "hydra/launcher=joblib", "run.workers=1",
                    f"run.replicates={args.replicates}", f"hydra.sweep.dir={OUT}"], cwd=ROOT, check=True)
    sweep = pd.read_parquet(OUT / "sweep.parquet")
    table = pd.DataFrame({
        "forms (>= 50 % of runs)": smallest_intent(sweep, "coalition_formed"),
        "blocks (>= 50 % of runs)": smallest_intent(sweep, "coalition_blocking"),
    })
    print("smallest opposition intent, by fear scale (NaN: not within the swept range)")
    print(table.to_string())
    FIGURES.mkdir(parents=True, exist_ok=True)
    for name in ("sweep_heatmap.png", "sweep_coalition_size.png"):
        shutil.copy(OUT / name, FIGURES / f"opposition_intent_{name.removeprefix('sweep_')}")


if __name__ == "__main__":
    main()
