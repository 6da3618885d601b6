"""Compose configs the way run.py does, and run small models."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path

import numpy as np
from hydra import compose, initialize_config_dir

from sim.config import Config
from sim.hydra_config import register_schema, to_config
from sim.model import MajilisModel

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = str(ROOT / "configs")
register_schema()


@cache
def _composed(overrides: tuple[str, ...]) -> Config:
    with initialize_config_dir(config_dir=CONFIGS, version_base="1.3"):
        return to_config(compose(config_name="config", overrides=list(overrides)))


def load(*overrides: str) -> Config:
    """The composed, validated config for these command-line overrides (a fresh copy to change)."""
    return copy.deepcopy(_composed(overrides))


def run(cfg: Config, seed: int = 0) -> MajilisModel:
    model = MajilisModel(cfg, rng=np.random.default_rng(seed))
    model.run_model()
    return model
