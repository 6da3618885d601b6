"""Hydra's basic sweeper, made to check the whole sweep before its first job and to say which jobs
belong to it."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException
from omegaconf.errors import OmegaConfBaseException

from sim.config import ConfigError
from sim.runs.callbacks import hold_or_exit
from sim.runs.compose import given_twice, to_config


class ValidatingSweeper(BasicSweeper):
    """Every point of the grid is composed and validated before any job starts; a bad point is named
    and nothing runs. The sweep's jobs are listed in MANIFEST, so gathering takes exactly them."""

    def __init__(self, max_batch_size: int | None, params: dict[str, str] | None = None) -> None:
        super().__init__(max_batch_size, params)
        self._checked: set[tuple[str, ...]] = set()

    def sweep(self, arguments: list[str]) -> Any:
        # A key the command line gives twice (the sweep file's may be narrowed there: that is not twice).
        twice = given_twice(list(arguments))
        if twice:
            print("error: invalid sweep; nothing was run.\n  " + "\n  ".join(twice), file=sys.stderr)
            raise SystemExit(2)
        parser = OverridesParser.create(config_loader=self.hydra_context.config_loader)
        overrides = parser.parse_overrides(self._parse_config() + list(arguments))
        jobs = [job for batch in self.split_arguments(overrides, None) for job in batch]
        errors = [f"  sweep point {' '.join(job)}:\n    " + message.replace("\n", "\n    ")
                  for job in jobs if (message := self._problem(job))]
        if errors:
            print(f"error: {len(errors)} of {len(jobs)} sweep points are invalid; nothing was run.\n"
                  + "\n".join(errors), file=sys.stderr)
            raise SystemExit(2)
        # Imported only now: Hydra imports every plugin module whenever run.py starts, and the gathering
        # (with the model and its tables' libraries) would make every bad input take seconds to report.
        from sim.files import atomic_path
        from sim.runs.sweep import MANIFEST

        self._checked = {tuple(job) for job in jobs}
        sweep_dir = Path(self.config.hydra.sweep.dir)
        hold_or_exit(sweep_dir)  # another sweep writing there would mix its jobs and manifest with this one's
        with atomic_path(sweep_dir / MANIFEST) as tmp:
            tmp.write_text(json.dumps(jobs, indent=1))
        return super().sweep(arguments)

    def validate_batch_is_legal(self, batch: Sequence[Sequence[str]]) -> None:
        """Already done for the whole sweep in sweep(); Hydra's own check would compose again."""
        unchecked = [job for job in batch if tuple(job) not in self._checked]
        super().validate_batch_is_legal(unchecked)

    def _problem(self, job: Sequence[str]) -> str | None:
        """What is wrong with this point's config, or None."""
        try:
            to_config(self.hydra_context.config_loader.load_sweep_config(self.config, list(job)))
        except ConfigError as err:
            return str(err).removeprefix("invalid configuration:\n  ")
        except (HydraException, OmegaConfBaseException, AssertionError) as err:
            # an unknown key or a wrong type; Hydra asserts on a key added under an unset node
            return " ".join(str(err.__cause__ or err).split()) or f"cannot compose: {type(err).__name__}"
        return None
