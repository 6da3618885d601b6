"""Compose configs the way run.py does (sim.load_config), and run small models."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path

import numpy as np

import sim
from sim.config import Config
from sim.model.model import MajilisModel

ROOT = Path(__file__).resolve().parents[1]


@cache
def _composed(overrides: tuple[str, ...]) -> Config:
    return sim.load_config(*overrides)


def load(*overrides: str) -> Config:
    """The composed, validated config for these command-line overrides (a fresh copy to change)."""
    return copy.deepcopy(_composed(overrides))


def run(cfg: Config, seed: int = 0) -> MajilisModel:
    model = MajilisModel(cfg, rng=np.random.default_rng(seed))
    model.run_model()
    return model
