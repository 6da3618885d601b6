"""Run an experiment: `python run.py [experiment=NAME] [key=value ...]` (see README)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.config import ConfigError, house_size
from sim.hydra_config import register_schema, to_config
from sim.results import parquet_stream, summarize, write_table
from sim.rules import blocking_minority, thresholds
from sim.runner import run_experiment
from sim.summary import summary_text

log = logging.getLogger("majilis")
register_schema()


@hydra.main(version_base="1.3", config_path="configs", config_name="config")
def main(dcfg: DictConfig) -> None:
    try:
        cfg = to_config(dcfg)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(2) from None
    out = Path(HydraConfig.get().runtime.output_dir)
    if cfg.run.record_roll_calls:
        with parquet_stream(out / "roll_calls.parquet") as append:
            runs = run_experiment(cfg, on_roll_calls=append)
    else:
        runs = run_experiment(cfg)
    write_table(runs, out / "runs.parquet")
    outcomes = list(runs.columns[runs.columns.get_loc("replicate") + 1:])
    write_table(summarize(runs, outcomes), out / "summary.csv")
    members = house_size(cfg.parliament)
    print(summary_text(runs, blocking_minority(cfg.rules, members), thresholds(cfg.rules, members)["ordinary"]))
    log.info("results in %s", out)


if __name__ == "__main__":
    main()
