"""Run an experiment or a sweep: `python run.py [experiment=NAME] [key=value ...]`, `python run.py -m ...`."""

from __future__ import annotations

import logging
import signal
import sys
import traceback
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from sim.config import ConfigError
from sim.runs.compose import hydra_entry, register_schema, run_name, to_config
from sim.runs.lifeline import BusyDirectory

register_schema()


@hydra.main(version_base="1.3", config_path="configs", config_name="config")
def main(dcfg: DictConfig) -> None:
    try:
        cfg = to_config(dcfg, HydraConfig.get())
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(2) from None
    # Imported once the configuration is valid: the model and its tables' libraries take seconds to
    # load, which a bad input should not wait for. The workers' server loads them meanwhile.
    from sim.runs.workers import chunks, start_early

    start_early(cfg.run.workers, len(chunks(cfg.run.replicates)))
    from sim.files import atomic_path
    from sim.runs.job import ERROR, run_job

    hydra_cfg = HydraConfig.get()
    cfg.name = run_name(cfg.name, hydra_cfg.overrides.task)
    out = Path(hydra_cfg.runtime.output_dir)
    try:
        run_job(cfg, out)
    except BusyDirectory as err:  # not this run's directory: nothing may be written there, not even an error
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(2) from None
    except Exception:
        if hydra_cfg.mode != RunMode.MULTIRUN:
            raise
        # One failed job must not cost the sweep the others; the gather reports it.
        with atomic_path(out / ERROR) as tmp:
            tmp.write_text(traceback.format_exc())
        logging.getLogger("majilis").exception("job failed: %s", out)


def _stop(signum: int, frame: object) -> None:
    # SIGTERM ends the run like Ctrl-C: temporary files are removed and workers stop.
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _stop)
    try:
        hydra_entry(main)
    except KeyboardInterrupt:
        print("interrupted; complete jobs are kept, and the same command resumes the rest", file=sys.stderr)
        raise SystemExit(130) from None
