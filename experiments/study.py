"""What the studies share: run a named experiment through run.py and keep its results, the options
and input checks of both analyses, and where committed files may be written."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "experiments" / "results"
# The committed figures: written only with --write-docs, from results of the documented size.
FIGURES = ROOT / "docs" / "figures"
# Where a study's figures go without --write-docs.
RESULT_FIGURES = RESULTS / "figures"
sys.path.insert(0, str(ROOT))

from sim.config import MAX_SEED  # noqa: E402  (the package is found through ROOT, inserted above)


def run_named(name: str, replicates: int, *overrides: str, out: Path | None = None) -> pd.DataFrame:
    """`python run.py experiment=NAME [OVERRIDES]` into `out` (experiments/results/NAME by default;
    skipped when already complete); a failed run stops the study with run.py's exit code (its error is
    already on stderr)."""
    out = out or RESULTS / name
    done = subprocess.run([sys.executable, "run.py", f"experiment={name}", f"run.replicates={replicates}",
                           *overrides, f"hydra.run.dir={out}"], cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(done.returncode)
    return pd.read_parquet(out / "runs.parquet")


def study_arguments(description: str, documented: int, argv: list[str] | None) -> tuple[argparse.Namespace, Path]:
    """The flags of a study that runs named experiments and draws committed figures: --replicates (at
    least 1; `documented` by default) and --write-docs, checked before any run; and where its figures go
    (figures_dir)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--replicates", type=int, default=documented, help="runs an experiment")
    parser.add_argument("--write-docs", action="store_true",
                        help=f"write the committed figures ({FIGURES.relative_to(ROOT)}/) rather than "
                             f"{RESULT_FIGURES.relative_to(ROOT)}/; only from runs of the documented size")
    args = parser.parse_args(argv)
    if args.replicates < 1:
        parser.error(f"--replicates = {args.replicates}: must be at least 1")
    return args, figures_dir(parser, args, documented)


def figures_dir(parser: argparse.ArgumentParser, args: argparse.Namespace, documented: int) -> Path:
    """Where a study's figures go: the committed docs/figures/ with --write-docs (refused, before any
    run, for fewer replicates than the documented `documented`), else experiments/results/figures/."""
    if not args.write_docs:
        return RESULT_FIGURES
    if args.replicates < documented:
        parser.error(f"--write-docs with --replicates = {args.replicates}: the committed figures are drawn from "
                     f"{documented} replicates an experiment; run without --write-docs (figures into "
                     f"{RESULT_FIGURES.relative_to(ROOT)}/) or with --replicates {documented} or more")
    return FIGURES


# The declared uncertainty and the observed record the analyses read (configs/analysis/).
ANALYSIS = ROOT / "configs" / "analysis"
UNCERTAINTY = ANALYSIS / "uncertainty.yaml"
RECORD = ANALYSIS / "observed_2023.yaml"
# An analysis gathers every run's session features in memory (a few KB a run) before its statistics:
# ten million runs is about what a large machine holds, and days of computing on a small cluster.
MAX_RUNS = 10_000_000
# What an analysis takes from the overrides is the base house and its parameters; these are its own flags.
FLAGS_FOR = {"run.replicates": "--replicates", "run.seed": "--seed", "run.workers": "--workers"}


def analysis_arguments(parser: argparse.ArgumentParser) -> None:
    """The options both analyses take: the base configuration's overrides, the declared uncertainty,
    the seed, the processes and where results go."""
    parser.add_argument("overrides", nargs="*", help="config overrides, as for run.py (not run.*: see the flags)")
    parser.add_argument("--uncertainty", type=Path, default=UNCERTAINTY, help="the declared parameters")
    parser.add_argument("--seed", type=int, default=20230319, help=f"the root seed, 0 to {MAX_SEED}")
    parser.add_argument("--workers", type=int, default=0, help="processes (0: every core this job has)")


def override_key(override: str) -> str:
    """The key of a command-line override: `behavior.fear_scale` of `+behavior.fear_scale=0.5`."""
    return override.partition("=")[0].lstrip("+~")


def check_counts(parser: argparse.ArgumentParser, args: argparse.Namespace, *names: str) -> None:
    """Stop before any work when a count option is below 1 (or --workers below 0)."""
    for name in names:
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} = {getattr(args, name)}: must be at least 1")
    if args.workers < 0:
        parser.error(f"--workers = {args.workers}: must be 0 (every core) or more")


def check_analysis(parser: argparse.ArgumentParser, args: argparse.Namespace,
                   refused: Mapping[str, str] | None = None) -> None:
    """Stop before any work on what both analyses would otherwise ignore or fail on late: a seed out of
    range, an override of run.* (the analyses size and seed their runs by their own flags), an override
    of a key in `refused` (with the reason given there), and a results directory (--out) that cannot
    be written."""
    if not 0 <= args.seed <= MAX_SEED:
        parser.error(f"--seed = {args.seed}: must be in [0, {MAX_SEED}]")
    for override in args.overrides:
        key = override_key(override)
        if "=" not in override and not override.startswith("~"):
            parser.error(f"{override}: an override is key=value, as for run.py (behavior.fear_scale=0.5)")
        if key == "sweep":
            parser.error(f"{override}: a sweep is run by run.py -m, not by an analysis")
        if refused and key in refused:
            parser.error(f"{override}: {refused[key]}")
    ignored = [o for o in args.overrides if override_key(o) == "run" or override_key(o).startswith("run.")]
    if ignored:
        flags = ", ".join(f"{flag} for {key}" for key, flag in FLAGS_FOR.items())
        parser.error(f"{' '.join(ignored)}: the analyses do not read run.*; use their own flags ({flags})")
    if not args.uncertainty.is_file():
        parser.error(f"--uncertainty = {args.uncertainty}: no such file (the declared parameters, as in "
                     f"{UNCERTAINTY.relative_to(ROOT)})")
    check_output(parser, "--out", args.out)


def check_runs(parser: argparse.ArgumentParser, flags: str, runs: int) -> None:
    """Stop before any work when the flags ask for more runs than an analysis can hold."""
    if runs > MAX_RUNS:
        parser.error(f"{flags}: {runs:,} runs; an analysis holds at most {MAX_RUNS:,} (each run's features are "
                     "kept in memory until its statistics are computed)")


def check_output(parser: argparse.ArgumentParser, flag: str, directory: Path) -> None:
    """Stop before any work when results could not be written to `directory` (made if need be)."""
    existing = directory.absolute()
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        parser.error(f"{flag} = {directory}: cannot write results there: {existing} is not a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        parser.error(f"{flag} = {directory}: cannot write results there: {existing} is not writable")
