"""Hydra callbacks: output checks before any work, a run's hold on its directory, workers that end
with the run, and the gathering of a multirun."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

from hydra.core.utils import JobReturn
from hydra.experimental.callback import Callback
from hydra.types import RunMode
from omegaconf import DictConfig

from sim.runs.lifeline import BusyDirectory, exit_with, hold_directory, start_loky_workers_watching

log = logging.getLogger(__name__)
# Set by the process that starts a run; a job that finds another pid runs in a launcher's worker.
MAIN_PID = "MAJILIS_MAIN_PID"


def check_writable(directory: Path) -> None:
    """Stop with a clear error, before any work, when results could not be written to `directory`."""
    existing = Path(directory).absolute()
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        reason = "is not a directory" if not existing.is_dir() else "is not writable"
        print(f"error: cannot write results to {directory}: {existing} {reason}. "
              "Choose another directory with hydra.run.dir=... (or hydra.sweep.dir=... for -m).", file=sys.stderr)
        raise SystemExit(2)


def hold_or_exit(directory: Path) -> None:
    """Hold `directory` for this run (sim.runs.lifeline), or stop with exit code 2 when another run is
    writing there: before Hydra writes its config and log into it."""
    try:
        hold_directory(directory)
    except BusyDirectory as err:
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(2) from None


class RunHooks(Callback):
    """Before a run: check where it writes, and hold a single run's directory. In a job: end with the
    run. After a multirun: gather every job of the sweep into sweep.parquet and draw the sweep's figures."""

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        os.environ[MAIN_PID] = str(os.getpid())
        check_writable(Path(config.hydra.run.dir))
        hold_or_exit(Path(config.hydra.run.dir))

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        os.environ[MAIN_PID] = str(os.getpid())
        if "joblib" in str(config.hydra.launcher.get("_target_", "")):
            # Its workers start watching the run before they wait for a job (on_job_start is too late
            # for a worker still starting up when the run is killed).
            start_loky_workers_watching(os.getpid())
        check_writable(Path(config.hydra.sweep.dir))  # held by the sweeper, once every point is valid

    def on_job_start(self, config: DictConfig, **kwargs: Any) -> None:
        # A launcher's worker (joblib's loky, submitit's local processes) would outlive a killed run.
        if MAIN_PID in os.environ:
            exit_with(int(os.environ[MAIN_PID]))

    def on_job_end(self, config: DictConfig, job_return: JobReturn, **kwargs: Any) -> None:
        if config.hydra.mode == RunMode.MULTIRUN:
            log.info("job %s finished (%s): %s", config.hydra.job.num, job_return.status.name,
                     " ".join(job_return.overrides or ()))

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        # Imported here: this module is loaded before a run's configuration is checked, and the
        # gathering's plotting libraries would make every bad input take seconds to report.
        from sim.runs.sweep import DamagedSweep, finish_sweep

        try:
            missing = finish_sweep(Path(config.hydra.sweep.dir), config.run.export)
        except DamagedSweep as err:
            raise SystemExit(f"error: the sweep's jobs ran, but gathering them failed: {err}") from None
        if missing:
            raise SystemExit(f"{len(missing)} job(s) of the sweep did not complete; see the log above. "
                             "Run the same command again to finish only those.")
