"""Gathering a sweep: every finished job's runs into one table, with the failed jobs named."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import yaml
from omegaconf import ListConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.figures.results import sweep_figures
from sim.files import write_csv_copy, write_table
from sim.outcomes.summary import point_estimates
from sim.runs.job import DONE, ERROR

log = logging.getLogger(__name__)
# Written into the sweep directory by the sweeper: the overrides of every job of the last sweep there.
MANIFEST = "jobs.json"
# Beside sweep.parquet: one row per point, the summary's outcomes with their intervals.
SUMMARY = "sweep_summary.csv"


class DamagedSweep(ValueError):
    """A file of a sweep cannot be read; the message names it and what to do."""


def _redo(job: Path) -> str:
    return (f"run the sweep's command again: it writes job {job.name} anew (sim.runs.job computes a damaged job "
            "again) and keeps the other complete jobs")


def _overrides(job: Path) -> list[str]:
    path = job / ".hydra" / "overrides.yaml"
    try:
        overrides = OmegaConf.load(path)
    except (OSError, ValueError, yaml.YAMLError, OmegaConfBaseException) as err:
        raise DamagedSweep(f"{path}: cannot be read ({' '.join(str(err).split())}); {_redo(job)}") from None
    if not isinstance(overrides, ListConfig):
        raise DamagedSweep(f"{path}: not a list of overrides; {_redo(job)}")
    return [str(o) for o in overrides]


def listed_jobs(sweep_dir: Path) -> list[list[str]]:
    """The overrides of every job of the sweep that last ran in `sweep_dir`, as its manifest lists them
    (none without a manifest). Raises DamagedSweep when the manifest cannot be read."""
    manifest = Path(sweep_dir) / MANIFEST
    if not manifest.exists():
        return []
    try:
        jobs = json.loads(manifest.read_text())
    except (OSError, ValueError) as err:  # a JSONDecodeError, or a UnicodeDecodeError, is a ValueError
        jobs = err
    if not (isinstance(jobs, list) and all(isinstance(job, list) and all(isinstance(o, str) for o in job)
                                           for job in jobs)):
        raise DamagedSweep(f"{manifest}: cannot be read as the sweep's list of jobs"
                           + (f" ({jobs})" if isinstance(jobs, Exception) else "")
                           + "; run the sweep's command again, which writes it anew (complete jobs are kept)")
    return jobs


def job_dirs(sweep_dir: Path) -> list[Path]:
    """The job directories of the sweep that last ran in `sweep_dir`: those whose overrides its
    manifest lists, never leftovers of an earlier sweep there with other settings (none without a
    manifest)."""
    listed = {tuple(job) for job in listed_jobs(sweep_dir)}
    if not listed:
        return []
    found = sorted(p.parent for p in Path(sweep_dir).glob("*/.hydra"))
    return [job for job in found if tuple(_overrides(job)) in listed]


def swept_parameters(jobs: list[Path]) -> list[str]:
    """The override keys whose values differ between jobs, in the order the first job lists them."""
    values: dict[str, set[str]] = {}
    for job in jobs:
        for override in _overrides(job):
            key, _, value = override.partition("=")
            values.setdefault(key.lstrip("+~"), set()).add(value)
    return [key for key, seen in values.items() if len(seen) > 1]


def check_sweep(sweep_dir: Path) -> None:
    """Raise DamagedSweep, naming the file and what to do, when a file the gathering reads cannot be
    read: the manifest, a job's overrides, a complete job's runs table (its footer: a damaged table
    seldom has a sound one)."""
    for job in job_dirs(sweep_dir):
        if (job / DONE).exists():
            try:
                pq.read_metadata(job / "runs.parquet")
            except (OSError, ValueError) as err:  # pyarrow's ArrowInvalid is a ValueError
                raise DamagedSweep(f"{job / 'runs.parquet'}: cannot be read ({' '.join(str(err).split())}); "
                                   f"{_redo(job)}") from None


def gather(jobs: list[Path]) -> tuple[pd.DataFrame, list[Path]]:
    """One table of every complete job's runs (with its job directory), and the jobs not complete.
    Raises DamagedSweep when a complete job's runs table cannot be read."""
    tables, missing = [], []
    for job in jobs:
        if (job / DONE).exists():
            try:
                runs = pd.read_parquet(job / "runs.parquet")
            except (OSError, ValueError) as err:
                raise DamagedSweep(f"{job / 'runs.parquet'}: cannot be read ({' '.join(str(err).split())}); "
                                   f"{_redo(job)}") from None
            runs.insert(0, "job", job.name)
            tables.append(runs)
        else:
            missing.append(job)
    return (pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()), missing


def finish_sweep(sweep_dir: Path, export: str = "parquet") -> list[Path]:
    """Write sweep.parquet (and sweep.csv with export "csv", see run.export), sweep_summary.csv (a row per
    complete job: its swept values and each summary outcome's estimate and interval) and the sweep's
    figures; log every job that did not complete and why, and return those jobs."""
    sweep_dir = Path(sweep_dir)
    jobs = job_dirs(sweep_dir)
    sweep, missing = gather(jobs)
    for job in missing:
        error = job / ERROR
        reason = error.read_text().strip().splitlines()[-1] if error.exists() else "no results (interrupted?)"
        log.error("job %s did not complete: %s", job.name, reason)
    if sweep.empty:
        log.error("no job of %s completed; nothing gathered", sweep_dir)
        return missing
    write_table(sweep, sweep_dir / "sweep.parquet")
    # Once written, the CSV copy is kept in step: a later gathering (python -m sim.runs.report, which
    # knows no run.export) must not leave a stale one beside the new table.
    if export == "csv" or (sweep_dir / "sweep.csv").exists():
        write_csv_copy(sweep_dir / "sweep.parquet")
    params = [p for p in swept_parameters(jobs) if p in sweep.columns and p != "name"]
    estimates = point_estimates(sweep, [*params, "job"])
    write_table(estimates, sweep_dir / SUMMARY)
    sweep_figures(sweep, estimates, params, sweep_dir)
    log.info("gathered %d runs from %d jobs into %s", len(sweep), sweep["job"].nunique(), sweep_dir / "sweep.parquet")
    return missing
