"""What the studies share: run a named experiment through run.py and keep its results."""

from __future__ import annotations

import argparse
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


def analysis_arguments(parser: argparse.ArgumentParser) -> None:
    """The options both analyses take: the base configuration's overrides, the declared uncertainty,
    the seed, the processes and where results go."""
    parser.add_argument("overrides", nargs="*", help="config overrides, as for run.py")
    parser.add_argument("--uncertainty", type=Path, default=UNCERTAINTY, help="the declared parameters")
    parser.add_argument("--seed", type=int, default=20230319)
    parser.add_argument("--workers", type=int, default=0, help="processes (0: every core this job has)")


def check_counts(parser: argparse.ArgumentParser, args: argparse.Namespace, *names: str) -> None:
    """Stop before any work when a count option is below 1 (or --workers below 0)."""
    for name in names:
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} = {getattr(args, name)}: must be at least 1")
    if args.workers < 0:
        parser.error(f"--workers = {args.workers}: must be 0 (every core) or more")
