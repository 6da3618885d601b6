"""Hydra callbacks: output checks before any work, a run's hold on its directory, workers that end
with the run, a sweep's progress over its jobs, and the gathering of a multirun."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from hydra.core.utils import JobReturn
from hydra.experimental.callback import Callback
from hydra.types import RunMode
from omegaconf import DictConfig

from sim.runs.lifeline import BusyDirectory, exit_with, hold_directory, start_loky_workers_watching

if TYPE_CHECKING:
    from tqdm import tqdm

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
    run; in a sweep whose jobs run in this process, count them on a progress bar. After a multirun:
    gather every job of the sweep into sweep.parquet and draw the sweep's figures."""

    def __init__(self) -> None:
        # The sweep's bar over its jobs, from the first job this process runs to the end of the multirun.
        self._jobs: tqdm[NoReturn] | None = None

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
        # Only where the jobs run in the run's own process (Hydra's basic launcher, joblib with n_jobs=1):
        # a launcher's worker holds a copy of these hooks, and its count would be of its own jobs alone.
        if (config.hydra.mode == RunMode.MULTIRUN and self._jobs is None
                and os.environ.get(MAIN_PID) == str(os.getpid())):
            self._jobs = _job_bar(Path(config.hydra.sweep.dir), config.run.progress)

    def on_job_end(self, config: DictConfig, job_return: JobReturn, **kwargs: Any) -> None:
        if config.hydra.mode == RunMode.MULTIRUN:
            log.info("job %s finished (%s): %s", config.hydra.job.num, job_return.status.name,
                     " ".join(job_return.overrides or ()))
        if self._jobs is not None:
            self._jobs.update(1)
            _end_line(self._jobs)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        # Imported here: this module is loaded before a run's configuration is checked, and the
        # gathering's plotting libraries would make every bad input take seconds to report.
        from sim.runs.sweep import DamagedSweep, finish_sweep

        if self._jobs is not None:
            self._jobs.close()
            self._jobs = None
        try:
            missing = finish_sweep(Path(config.hydra.sweep.dir), config.run.export)
        except DamagedSweep as err:
            raise SystemExit(f"error: the sweep's jobs ran, but gathering them failed: {err}") from None
        if missing:
            raise SystemExit(f"{len(missing)} job(s) of the sweep did not complete; see the log above. "
                             "Run the same command again to finish only those.")


def _job_bar(sweep_dir: Path, show: bool) -> tqdm[NoReturn]:
    """A progress bar with an ETA over the jobs the sweep's manifest lists, shown as run.progress shows a
    job's replicates: only when asked for and stderr is a terminal."""
    # Imported here, as the gathering below: only a sweep's first job needs them.
    from tqdm import tqdm

    from sim.runs.sweep import listed_jobs

    bar = tqdm(total=len(listed_jobs(sweep_dir)) or None, desc="sweep", unit="job", mininterval=0, leave=False,
               disable=None if show else True)
    _end_line(bar)
    return bar


def _end_line(bar: tqdm[NoReturn]) -> None:
    """End the bar's line once drawn: every job prints its summary and Hydra logs the next job, which
    would otherwise run on after the bar. The bar is a line between jobs, its ETA updated each time."""
    if not bar.disable:
        bar.fp.write("\n")
