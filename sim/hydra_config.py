"""The bridge from Hydra to the model: the schema registration and the conversion to a Config."""

from __future__ import annotations

from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig, OmegaConf

from .config import Config, apply_minor, validate


def register_schema() -> None:
    """Make `config_schema` (the Config dataclass) available to config.yaml's defaults list."""
    ConfigStore.instance().store(name="config_schema", node=Config)


def to_config(dcfg: DictConfig) -> Config:
    """The composed config as checked dataclasses; raises ConfigError before any work starts."""
    cfg = OmegaConf.to_object(dcfg)
    validate(cfg)
    return apply_minor(cfg)
