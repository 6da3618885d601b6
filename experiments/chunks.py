"""Compute one shard of an analysis's chunks: the job a cluster runs (configs/chunks.yaml says how).

    python experiments/chunks.py store=STORE [shard=I shards=N] [workers=W]
"""

from __future__ import annotations

from pathlib import Path

import hydra
from omegaconf import DictConfig, OmegaConf

from sim.runs.evaluation import PLAN, compute, load_plan


@hydra.main(version_base="1.3", config_path="../configs", config_name="chunks")
def main(cfg: DictConfig) -> None:
    if OmegaConf.is_missing(cfg, "store"):
        raise SystemExit("error: store is required: store=DIR, a directory that an analysis's --plan-only wrote")
    for key in ("shard", "shards", "workers"):
        if not isinstance(cfg[key], int) or isinstance(cfg[key], bool):
            raise SystemExit(f"error: {key} = {cfg[key]!r}: must be a whole number")
    if cfg.shards < 1 or not 0 <= cfg.shard < cfg.shards or cfg.workers < 0:
        raise SystemExit(f"error: shard = {cfg.shard}, shards = {cfg.shards}, workers = {cfg.workers}: need "
                         "shards >= 1, 0 <= shard < shards and workers >= 0")
    store = Path(cfg.store)
    if not (store / PLAN).exists():
        raise SystemExit(f"error: store = {store}: holds no plan; run the analysis with --plan-only first")
    compute(load_plan(store), store, cfg.workers, cfg.shard, cfg.shards, desc=f"shard {cfg.shard}/{cfg.shards}")


if __name__ == "__main__":
    main()
