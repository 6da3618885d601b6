"""Compute one shard of an analysis's chunks: the job a cluster runs (configs/chunks.yaml says how).

    python experiments/chunks.py store=STORE [shard=I shards=N] [workers=W]
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import hydra
from omegaconf import DictConfig, OmegaConf

from sim.runs.compose import hydra_entry


def _error(message: str) -> None:
    """One error style with every other entry point: the input, its value, what is allowed; exit 2."""
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)


@hydra.main(version_base="1.3", config_path="../configs", config_name="chunks")
def main(cfg: DictConfig) -> None:
    if OmegaConf.is_missing(cfg, "store"):
        _error("store is required: store=DIR, a directory that an analysis's --plan-only wrote")
    for key in ("shard", "shards", "workers"):
        if not isinstance(cfg[key], int) or isinstance(cfg[key], bool):
            _error(f"{key} = {cfg[key]!r}: must be a whole number")
    if cfg.shards < 1 or not 0 <= cfg.shard < cfg.shards or cfg.workers < 0:
        _error(f"shard = {cfg.shard}, shards = {cfg.shards}, workers = {cfg.workers}: need "
               "shards >= 1, 0 <= shard < shards and workers >= 0")
    # Imported once the arguments are valid: the model and its libraries take seconds to load.
    from sim.runs.evaluation import PLAN, compute, load_plan

    store = Path(str(cfg.store))
    if not (store / PLAN).exists():
        _error(f"store = {store}: holds no plan ({PLAN}); run the analysis with --plan-only first")
    try:
        plan = load_plan(store)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError) as err:
        _error(f"store = {store}: its {PLAN} cannot be read ({type(err).__name__}: {err}); write it again with "
               "the analysis's --plan-only")
    compute(plan, store, cfg.workers, cfg.shard, cfg.shards, desc=f"shard {cfg.shard}/{cfg.shards}")


if __name__ == "__main__":
    hydra_entry(main)
