"""Study: how do the named experiments differ from the 2023 baseline?

    python experiments/named_experiments.py [--replicates N]

Runs every experiment under configs/experiment/ through run.py (into experiments/results/), then
draws them side by side (docs/figures/named_experiments.png) and prints the comparison table.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.plots import comparison_figure  # noqa: E402
from sim.report import comparison_table  # noqa: E402

RESULTS = ROOT / "experiments" / "results"
FIGURES = ROOT / "docs" / "figures"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=500)
    args = parser.parse_args()
    names = sorted(p.stem for p in (ROOT / "configs" / "experiment").glob("*.yaml"))
    names.insert(0, names.pop(names.index("baseline")))
    runs = []
    for name in names:
        out = RESULTS / name
        subprocess.run([sys.executable, "run.py", f"experiment={name}", f"run.replicates={args.replicates}",
                        f"hydra.run.dir={out}"], cwd=ROOT, check=True)
        runs.append(pd.read_parquet(out / "runs.parquet"))
    both = pd.concat(runs, ignore_index=True)
    print(comparison_table(both).to_string(index=False))
    figure = comparison_figure(both, RESULTS / "comparison.png")
    FIGURES.mkdir(parents=True, exist_ok=True)
    shutil.copy(figure, FIGURES / "named_experiments.png")
    shutil.copy(RESULTS / "baseline" / "outcomes.png", FIGURES / "baseline_outcomes.png")


if __name__ == "__main__":
    main()
