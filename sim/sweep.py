"""Gathering a sweep: every finished job's runs into one table, with the failed jobs named."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
from omegaconf import OmegaConf

from .job import DONE
from .plots import sweep_figures
from .results import write_table

log = logging.getLogger(__name__)
ERROR = "error.txt"


def job_dirs(sweep_dir: Path) -> list[Path]:
    """The job directories Hydra made under a sweep directory (each has a .hydra folder)."""
    return sorted(p.parent for p in Path(sweep_dir).glob("*/.hydra"))


def swept_parameters(jobs: list[Path]) -> list[str]:
    """The override keys whose values differ between jobs, in the order the first job lists them."""
    values: dict[str, set[str]] = {}
    for job in jobs:
        for override in OmegaConf.load(job / ".hydra" / "overrides.yaml"):
            key, _, value = str(override).partition("=")
            values.setdefault(key.lstrip("+~"), set()).add(value)
    return [key for key, seen in values.items() if len(seen) > 1]


def gather(sweep_dir: Path) -> tuple[pd.DataFrame, list[Path]]:
    """One table of every complete job's runs (with its job directory), and the jobs not complete."""
    tables, missing = [], []
    for job in job_dirs(sweep_dir):
        if (job / DONE).exists():
            runs = pd.read_parquet(job / "runs.parquet")
            runs.insert(0, "job", job.name)
            tables.append(runs)
        else:
            missing.append(job)
    return (pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()), missing


def finish_sweep(sweep_dir: Path) -> list[Path]:
    """Write sweep.parquet and the sweep's figures; log every job that did not complete and why,
    and return those jobs."""
    sweep_dir = Path(sweep_dir)
    sweep, missing = gather(sweep_dir)
    for job in missing:
        error = job / ERROR
        reason = error.read_text().strip().splitlines()[-1] if error.exists() else "no results (interrupted?)"
        log.error("job %s did not complete: %s", job.name, reason)
    if sweep.empty:
        log.error("no job of %s completed; nothing gathered", sweep_dir)
        return missing
    write_table(sweep, sweep_dir / "sweep.parquet")
    params = [p for p in swept_parameters(job_dirs(sweep_dir)) if p in sweep.columns and p != "name"]
    sweep_figures(sweep, params, sweep_dir)
    log.info("gathered %d runs from %d jobs into %s", len(sweep), sweep["job"].nunique(), sweep_dir / "sweep.parquet")
    return missing
