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
from sim.files import atomic_path
from sim.runs.compose import register_schema, run_name, to_config
from sim.runs.job import run_job
from sim.runs.sweep import ERROR

register_schema()


@hydra.main(version_base="1.3", config_path="configs", config_name="config")
def main(dcfg: DictConfig) -> None:
    try:
        cfg = to_config(dcfg)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(2) from None
    hydra_cfg = HydraConfig.get()
    cfg.name = run_name(cfg.name, hydra_cfg.overrides.task)
    out = Path(hydra_cfg.runtime.output_dir)
    if hydra_cfg.mode != RunMode.MULTIRUN:
        run_job(cfg, out)
        return
    try:
        run_job(cfg, out)
    except Exception:  # one failed job must not cost the sweep the others; the gather reports it
        with atomic_path(out / ERROR) as tmp:
            tmp.write_text(traceback.format_exc())
        logging.getLogger("majilis").exception("job failed: %s", out)


def _stop(signum: int, frame: object) -> None:
    # SIGTERM ends the run like Ctrl-C: temporary files are removed and workers stop.
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _stop)
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted; complete jobs are kept, and the same command resumes the rest", file=sys.stderr)
        raise SystemExit(130) from None
