"""Hydra callbacks: a log line per finished job, and the gathering of a multirun."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from hydra.core.utils import JobReturn
from hydra.experimental.callback import Callback
from hydra.types import RunMode
from omegaconf import DictConfig

from .sweep import finish_sweep

log = logging.getLogger(__name__)


class GatherSweep(Callback):
    """After a multirun, gather every job into sweep.parquet and draw the sweep's figures."""

    def on_job_end(self, config: DictConfig, job_return: JobReturn, **kwargs: Any) -> None:
        if config.hydra.mode == RunMode.MULTIRUN:
            log.info("job %s finished (%s): %s", config.hydra.job.num, job_return.status.name,
                     " ".join(job_return.overrides))

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        missing = finish_sweep(Path(config.hydra.sweep.dir))
        if missing:
            raise SystemExit(f"{len(missing)} job(s) of the sweep did not complete; see the log above. "
                             "Run the same command again to finish only those.")
