"""Draw or compare from saved results, without re-running: `python -m sim.runs.report PATH [PATH ...]`.

One job directory (with runs.parquet): its experiment figures. One sweep directory: gather it
again and draw its figures. Several job directories: the experiments side by side, as a figure and
a table, one row per job directory (jobs of the same experiment are told apart by their directory).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import pandas as pd

from sim.figures.results import comparison_figure, experiment_figures
from sim.outcomes import registry
from sim.outcomes.estimates import share
from sim.runs.lifeline import BusyDirectory, hold_directory, holds_directory, release_directory
from sim.runs.sweep import MANIFEST, DamagedSweep, check_sweep, finish_sweep, job_dirs

# What the figures and the table read from a job's runs table besides the outcomes.
NEEDED = ("name", "replicate", "term")


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


def labelled(jobs: dict[Path, pd.DataFrame]) -> pd.DataFrame:
    """The jobs' runs in one table whose `name` tells each job apart: its experiment's name, followed by
    its directory when another job has the same name. A table and figure group runs by name, and two
    jobs under one name would be read as one experiment (replicate r of each counted as the same run)."""
    names = {path: ", ".join(dict.fromkeys(runs["name"].astype(str))) for path, runs in jobs.items()}
    shared = {name for name in names.values() if list(names.values()).count(name) > 1}
    return pd.concat([runs.assign(name=f"{names[path]} ({path})" if names[path] in shared else names[path])
                      for path, runs in jobs.items()], ignore_index=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.runs.report", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="job or sweep directories")
    parser.add_argument("--out", type=Path, default=None, help="where to draw (default: beside the results)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    seen: dict[Path, Path] = {}
    for path in args.paths:
        if not path.is_dir():
            parser.error(f"{path}: not a directory")
        if path.resolve() in seen:
            parser.error(f"{path}: the same directory as {seen[path.resolve()]}; give each job once")
        seen[path.resolve()] = path
    if len(args.paths) == 1 and not (args.paths[0] / "runs.parquet").exists():
        if not (args.paths[0] / MANIFEST).exists():
            parser.error(f"{args.paths[0]}: neither a job directory (runs.parquet) nor a sweep directory "
                         f"({MANIFEST}, written by run.py -m)")
        if args.out is not None:
            parser.error(f"--out = {args.out}: a sweep is gathered into its own directory (sweep.parquet and "
                         "its figures); --out is for job directories")
        _check_writable(parser, args.paths[0], None)
        with _holding(parser, args.paths[0]):
            try:
                check_sweep(args.paths[0])
                missing = finish_sweep(args.paths[0])
            except DamagedSweep as err:
                parser.error(str(err))
        return 1 if missing or not job_dirs(args.paths[0]) else 0
    without_runs = [str(p) for p in args.paths if not (p / "runs.parquet").exists()]
    if without_runs:
        parser.error(f"no runs.parquet in: {', '.join(without_runs)}")
    out = args.out or (args.paths[0] if len(args.paths) == 1 else Path.cwd())
    _check_writable(parser, out, "--out" if args.out else None)
    with _holding(parser, out) if out.resolve() in seen else nullcontext():
        jobs = {path: _read_runs(parser, path) for path in args.paths}
        if len(jobs) == 1:
            for figure in experiment_figures(jobs[args.paths[0]], out):
                print(figure)
            return 0
        runs = labelled(jobs)
        print(comparison_table(runs).to_string(index=False))
        print(comparison_figure(runs, out / "comparison.png"))
    return 0


def _read_runs(parser: argparse.ArgumentParser, job: Path) -> pd.DataFrame:
    """A job's runs table, or an error naming the file when it cannot be read or is not one."""
    path = job / "runs.parquet"
    try:
        runs = pd.read_parquet(path)
    except (OSError, ValueError) as err:  # pyarrow's ArrowInvalid is a ValueError
        parser.error(f"{path}: cannot be read as a runs table ({err}); run the job again")
    missing = [column for column in NEEDED if column not in runs.columns]
    if missing or runs.empty:
        parser.error(f"{path}: not a runs table written by run.py ({'no runs' if runs.empty else f'no {missing}'})")
    return runs


@contextmanager
def _holding(parser: argparse.ArgumentParser, directory: Path) -> Iterator[None]:
    """Hold a job's or sweep's directory while drawing into it, as a run does (sim.runs.lifeline): a run
    still writing there would have its files overwritten, or ours."""
    if holds_directory(directory):
        yield
        return
    try:
        hold_directory(directory)
    except BusyDirectory as err:
        parser.error(str(err))
    try:
        yield
    finally:
        release_directory(directory)


def _check_writable(parser: argparse.ArgumentParser, directory: Path, flag: str | None) -> None:
    """Stop before drawing anything when the figures could not be written to `directory`."""
    existing = directory.absolute()
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        where = f"{flag} = {directory}" if flag else f"{directory}"
        parser.error(f"{where}: cannot write the figures there ({existing} is not a writable directory); "
                     "choose a writable directory with --out")


if __name__ == "__main__":
    sys.exit(main())
