"""The Majilis coalition simulator: `sim.load_config(*overrides)` gives the validated Config that
`python run.py OVERRIDES...` would run; `sim.model.MajilisModel(cfg)` is the Mesa model."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # Hydra is imported only when a config is composed, not by every module of the package.
    if name == "load_config":
        from sim.runs.compose import load_config

        return load_config
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
