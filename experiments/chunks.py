"""Compute one shard of an analysis's chunks: the job a cluster runs (configs/chunks.yaml says how).

    python experiments/chunks.py store=STORE [shard=I shards=N] [workers=W]
"""

from __future__ import annotations

from pathlib import Path

import hydra
from omegaconf import DictConfig

from sim.evaluation import compute, load_plan


@hydra.main(version_base="1.3", config_path="../configs", config_name="chunks")
def main(cfg: DictConfig) -> None:
    if not 0 <= cfg.shard < cfg.shards:
        raise SystemExit(f"error: shard = {cfg.shard}: must be in [0, shards = {cfg.shards})")
    store = Path(cfg.store)
    compute(load_plan(store), store, cfg.workers, cfg.shard, cfg.shards, desc=f"shard {cfg.shard}/{cfg.shards}")


if __name__ == "__main__":
    main()
