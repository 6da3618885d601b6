"""The bridge from Hydra to the model: the schema registration and the conversion to a Config."""

from __future__ import annotations

import copy
from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig, OmegaConf, open_dict, read_write

from sim.config import Config, ConfigError, apply_minor, unknown_keys, validate

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


def load_config(*overrides: str) -> Config:
    """The validated Config that `python run.py OVERRIDES...` runs, composed the same way (without
    run.py's naming of the run): `load_config("experiment=weak_whip", "run.replicates=50")`."""
    register_schema()
    with initialize_config_dir(config_dir=str(CONFIGS), version_base="1.3"):
        return to_config(compose(config_name="config", overrides=list(overrides)))


def register_schema() -> None:
    """Make `config_schema` (the Config dataclass) available to config.yaml's defaults list."""
    ConfigStore.instance().store(name="config_schema", node=Config)


def to_config(dcfg: DictConfig) -> Config:
    """The composed config as checked dataclasses; raises ConfigError before any work starts.
    A composed config may still carry Hydra's own `hydra` node (a sweep's jobs): it is not ours."""
    task = dcfg
    if "hydra" in dcfg:
        task = copy.deepcopy(dcfg)
        with read_write(task), open_dict(task):
            del task["hydra"]
    unknown = unknown_keys(task, Config)
    if unknown:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(unknown))
    cfg = OmegaConf.to_object(task)
    # Only a config composed on the registered schema (config.yaml's defaults) becomes a Config.
    if not isinstance(cfg, Config):
        raise ConfigError("the composed config is not typed by config_schema: config.yaml's defaults list "
                          "must start with config_schema (registered by register_schema)")
    validate(cfg)
    return apply_minor(cfg)


def run_name(name: str, overrides: list[str]) -> str:
    """The experiment's name followed by the command-line overrides that change the model (not those
    that choose the experiment, the sweep, the run's size or where it goes), so that a changed run is
    never shown as the experiment it started from."""
    changes = []
    for override in overrides:
        key = override.partition("=")[0].lstrip("+~")
        if key not in ("experiment", "sweep", "name") and not key.startswith(("run.", "hydra.", "hydra/")):
            changes.append(override.lstrip("+~"))
    return " ".join([name, *changes])
