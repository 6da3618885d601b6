"""What the studies share: run a named experiment through run.py and keep its results."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "experiments" / "results"
FIGURES = ROOT / "docs" / "figures"
sys.path.insert(0, str(ROOT))


def run_named(name: str, replicates: int) -> pd.DataFrame:
    """`python run.py experiment=NAME` into experiments/results/NAME (skipped when already complete)."""
    out = RESULTS / name
    subprocess.run([sys.executable, "run.py", f"experiment={name}", f"run.replicates={replicates}",
                    f"hydra.run.dir={out}"], cwd=ROOT, check=True)
    return pd.read_parquet(out / "runs.parquet")


# The declared uncertainty and the observed record the analyses read (configs/analysis/).
ANALYSIS = ROOT / "configs" / "analysis"
UNCERTAINTY = ANALYSIS / "uncertainty.yaml"
RECORD = ANALYSIS / "observed_2023.yaml"
