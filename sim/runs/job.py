"""One Hydra job: run a configuration's replicates into a directory, or skip it if already done.

A directory holds one run. A run takes the directory's lock before anything else, so that a second
run there stops rather than deleting the first one's files; and a run that computes (another
configuration, code or libraries than the results there, or none complete) first removes whatever an
earlier run left, so that no table of that run is ever listed or read as this one's.
"""

from __future__ import annotations

import json
import logging
from contextlib import ExitStack
from pathlib import Path

import pandas as pd

from sim.config import Config
from sim.files import atomic_path, parquet_stream, write_csv_copy, write_table
from sim.outcomes.summary import summarize, summary_text
from sim.runs.fingerprint import fingerprint
from sim.runs.lifeline import hold_directory, holds_directory, release_directory
from sim.runs.replicates import run_experiment

log = logging.getLogger(__name__)
DONE = "done.json"
# A failed sweep job's traceback (written by run.py, read when the sweep is gathered).
ERROR = "error.txt"
# The tables run.record_roll_calls writes, one Parquet file each (sim.outcomes.recorded_tables).
RECORDED = ("roll_calls", "voteview", "legislators", "expulsions")
# The tables a job writes as Parquet, and as CSV too with run.export=csv.
TABLES = ("runs", *RECORDED)
# Every file a run leaves in its directory besides its figures (*.png); scaling.csv is written there by
# sim.analysis.scaling from the recorded tables.
OUTPUTS = (*(f"{name}.{suffix}" for name in TABLES for suffix in ("parquet", "csv")), "summary.csv", "scaling.csv",
           ERROR, DONE)


def is_complete(out: Path, expected: str) -> bool:
    """Whether `out` holds finished results with this fingerprint (config, code and libraries).
    A damaged or empty marker means not complete: the job is computed again."""
    marker = out / DONE
    if not (marker.exists() and (out / "runs.parquet").exists()):
        return False
    try:
        return json.loads(marker.read_text()).get("fingerprint") == expected
    except (ValueError, AttributeError):
        return False


def run_job(cfg: Config, out: Path) -> pd.DataFrame:
    """Run (or reuse) the replicates of `cfg` in `out`: runs.parquet, summary.csv, the figures, and
    last of all the done marker, so an interrupted job is never taken for a complete one. Raises
    sim.runs.lifeline.BusyDirectory, before anything is written, when another process runs a job there."""
    held_before = holds_directory(out)
    hold_directory(out)
    try:
        return _run_held(cfg, out)
    finally:
        if not held_before:
            release_directory(out)


def _run_held(cfg: Config, out: Path) -> pd.DataFrame:
    for stale in out.glob(".*.tmp"):  # left by a run that was killed while writing
        stale.unlink()
    expected = fingerprint(cfg)
    runs = _complete_runs(out, expected)
    if runs is not None:
        log.info("%s: complete results for this config found, skipping", out)
    else:
        _remove_earlier_outputs(out)
        runs = _compute(cfg, out)
        with atomic_path(out / DONE) as tmp:
            tmp.write_text(json.dumps({"fingerprint": expected, "replicates": cfg.run.replicates}))
    if cfg.run.export == "csv":
        # Also for a complete job skipped: how its tables are exported is no part of its fingerprint.
        for name in TABLES:
            if (out / f"{name}.parquet").exists():
                write_csv_copy(out / f"{name}.parquet")
    print(summary_text(runs))
    print(f"results in {out}/: {', '.join(sorted(p.name for p in out.iterdir() if not p.name.startswith('.')))}")
    return runs


def _remove_earlier_outputs(out: Path) -> None:
    """Remove every output an earlier run left in `out`, naming them: this run may not write them all
    (no recorded tables without run.record_roll_calls, no figures without run.figures)."""
    earlier = [out / name for name in OUTPUTS if (out / name).exists()]
    if not earlier:
        return  # a fresh directory, or someone else's files without a run's: leave its images alone
    earlier += sorted(out.glob("*.png"))
    for path in earlier:
        path.unlink()
    log.warning("%s: removed the outputs of an earlier run there (another configuration, code or libraries, "
                "an unfinished run or a damaged one): %s", out, ", ".join(p.name for p in earlier))


def _complete_runs(out: Path, expected: str) -> pd.DataFrame | None:
    """The finished runs in `out` for this fingerprint, or None when there are none or they cannot be
    read (a damaged file is computed again, not trusted)."""
    if not is_complete(out, expected):
        return None
    try:
        return pd.read_parquet(out / "runs.parquet")
    except (OSError, ValueError) as err:  # pyarrow's ArrowInvalid is a ValueError
        log.warning("%s: runs.parquet cannot be read (%s); computing again", out, err)
        return None


def _compute(cfg: Config, out: Path) -> pd.DataFrame:
    with ExitStack() as stack:
        streams = {name: stack.enter_context(parquet_stream(out / f"{name}.parquet")) for name in RECORDED
                   } if cfg.run.record_roll_calls else {}
        runs = run_experiment(cfg, on_table=lambda name, table: streams[name](table))
    write_table(runs, out / "runs.parquet")
    columns = [str(c) for c in runs.columns]
    outcomes = columns[columns.index("replicate") + 1:]
    write_table(summarize(runs, outcomes), out / "summary.csv")
    if cfg.run.figures:
        from sim.figures.results import experiment_figures  # matplotlib costs a run without figures 0.2 s

        experiment_figures(runs, out)
    return runs
