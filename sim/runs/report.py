"""Draw or compare from saved results, without re-running: `python -m sim.runs.report PATH [PATH ...]`.

One job directory (with runs.parquet): its experiment figures. One sweep directory: gather it
again and draw its figures. Several job directories: the experiments side by side, as a figure and
a table.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import pandas as pd

from sim.figures.results import comparison_figure, experiment_figures
from sim.outcomes import registry
from sim.outcomes.estimates import share
from sim.runs.sweep import MANIFEST, finish_sweep, job_dirs


def comparison_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Per experiment, the summary's outcomes (sim.outcomes.registry): a binary outcome's share of runs
    with its 95 % interval (on replicates), the mean of any other."""
    rows = []
    for name, group in runs.groupby("name", sort=False):
        row = {"experiment": name, "replicates": group["replicate"].nunique(), "terms": group["term"].nunique()}
        for o in registry.outcomes(summary=True):
            if o.kind == "binary":
                p, low, high = share(group, o.name)
                row[o.name] = f"{p:.3f} [{low:.3f}, {high:.3f}]"
            else:
                row[o.name] = f"{group[o.name].mean():.3g}"
        rows.append(row)
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.runs.report", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="job or sweep directories")
    parser.add_argument("--out", type=Path, default=None, help="where to draw (default: beside the results)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for path in args.paths:
        if not path.is_dir():
            parser.error(f"{path}: not a directory")
    if len(args.paths) == 1 and not (args.paths[0] / "runs.parquet").exists():
        if not (args.paths[0] / MANIFEST).exists():
            parser.error(f"{args.paths[0]}: neither a job directory (runs.parquet) nor a sweep directory "
                         f"({MANIFEST}, written by run.py -m)")
        missing = finish_sweep(args.paths[0])
        return 1 if missing or not job_dirs(args.paths[0]) else 0
    without_runs = [str(p) for p in args.paths if not (p / "runs.parquet").exists()]
    if without_runs:
        parser.error(f"no runs.parquet in: {', '.join(without_runs)}")
    runs = [pd.read_parquet(p / "runs.parquet") for p in args.paths]
    if len(runs) == 1:
        for figure in experiment_figures(runs[0], args.out or args.paths[0]):
            print(figure)
        return 0
    both = pd.concat(runs, ignore_index=True)
    out = args.out or Path.cwd()
    print(comparison_table(both).to_string(index=False))
    print(comparison_figure(both, out / "comparison.png"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
