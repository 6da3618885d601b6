"""The bridge from Hydra to the model: the schema registration, the conversion to a Config, and the
one error style of a Hydra entry point."""

from __future__ import annotations

import copy
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from hydra import compose, initialize_config_dir
from hydra.conf import HydraConf
from hydra.core.config_store import ConfigStore
from hydra.core.global_hydra import GlobalHydra
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf, open_dict, read_write
from omegaconf.errors import OmegaConfBaseException

from sim.config import Config, ConfigError, apply_minor, unknown_keys, validate

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
# A parliament option that seats nobody: a config composed with it holds only what the files after the
# parliament group (an experiment, a sweep) and the command line say of the house.
NO_HOUSE = "_no_house_"
# What makes a house: given by a file or the command line, they replace the parliament group's.
SEATS = ("list_seats", "district_seats")
# The groups whose files are merged after the parliament group and may give a house of their own.
LATER_GROUPS = ("experiment", "sweep")


def load_config(*overrides: str) -> Config:
    """The validated Config that `python run.py OVERRIDES...` runs, composed the same way (without
    run.py's naming of the run): `load_config("experiment=weak_whip", "run.replicates=50")`."""
    register_schema()
    with initialize_config_dir(config_dir=str(CONFIGS), version_base="1.3"):
        # With Hydra's own node, which tells to_config where each part of the house came from.
        return to_config(compose(config_name="config", overrides=list(overrides), return_hydra_config=True))


def register_schema() -> None:
    """Make `config_schema` (the Config dataclass) available to config.yaml's defaults list, and the
    empty house that to_config composes a house of its own on."""
    store = ConfigStore.instance()
    store.store(name="config_schema", node=Config)
    store.store(group="parliament", name=NO_HOUSE, node={})


def to_config(dcfg: DictConfig, hydra_node: DictConfig | HydraConf | None = None) -> Config:
    """The composed config as checked dataclasses; raises ConfigError before any work starts.
    Hydra's own node, `dcfg.hydra` (a sweep's jobs, load_config) or `hydra_node` (run.py's HydraConfig,
    since a task function's config has none), is not ours, but it says which files gave the house
    (see own_house); without it the house is taken as composed."""
    task = dcfg
    if "hydra" in dcfg:
        hydra_node = dcfg.hydra
        task = copy.deepcopy(dcfg)
        with read_write(task), open_dict(task):
            del task["hydra"]
    if hydra_node is not None:
        twice = given_twice([str(o) for o in hydra_node.overrides.task])
        if twice:
            raise ConfigError("invalid configuration:\n  " + "\n  ".join(twice))
    house = own_house(hydra_node, task.parliament.name) if hydra_node is not None else None
    if house is not None:
        task = copy.deepcopy(task)
        with read_write(task), open_dict(task):
            task.parliament = house
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


def given_twice(overrides: list[str]) -> list[str]:
    """An error for every key that the command line sets more than once: Hydra would silently take the
    last value, which is rarely what a user who typed two meant."""
    values: dict[str, list[str]] = {}
    for override in overrides:
        values.setdefault(override.partition("=")[0].lstrip("+~"), []).append(override)
    return [f"{key}: given {len(given)} times ({', '.join(given)}); give it once"
            for key, given in values.items() if len(given) > 1]


def own_house(hydra_node: DictConfig | HydraConf, composed_name: str) -> DictConfig | None:
    """The house an experiment, a sweep or the command line gives whole (it sets parliament.list_seats or
    parliament.district_seats), composed without the parliament group's; None when the house is the
    group's. Hydra merges a mapping into the one before it, so an experiment's seats would otherwise be
    added to the 2023 house's and run under its name. Raises ConfigError for a house without a name of
    its own: a parliament file without `name`, or a house given whole without parliament.name."""
    runtime = hydra_node.runtime
    roots = [Path(source.path) for source in runtime.config_sources if source.schema == "file"]
    givers: list[tuple[str, dict]] = []  # (where, what it says of parliament), in the order Hydra merges them
    for group in LATER_GROUPS:
        found = _group_file(roots, group, runtime.choices.get(group))
        if found is not None:
            path, raw, package = found
            node = raw.get("parliament") if package == "_global_" else None
            if isinstance(node, dict):
                givers.append((str(path), node))
    command_line = {}
    for override in hydra_node.overrides.task:
        key = str(override).partition("=")[0].lstrip("+~")
        if key.startswith("parliament."):
            command_line[key.removeprefix("parliament.")] = True
    if command_line:
        givers.append(("the command line", command_line))
    whole = [(where, key) for where, node in givers for key in SEATS if key in node]
    if not whole:
        _check_house_file(roots, runtime.choices.get("parliament"))
        return None
    if not any("name" in node for _, node in givers):
        where, key = whole[0]
        raise ConfigError(f"invalid configuration:\n  parliament.name: {where} gives a house of its own "
                          f"(parliament.{key}) but no parliament.name; name the house (parliament.name: ...), "
                          f"or it would be reported as '{composed_name}', the house it replaces")
    overrides = []
    for override in map(str, (*hydra_node.overrides.hydra, *hydra_node.overrides.task)):
        key = override.partition("=")[0].lstrip("+~")
        if key.startswith("parliament.") and not override.startswith("~"):
            # Set whether or not the house composed without the group's has the key (Hydra's plain form
            # needs it there, its `+` form needs it absent, and the group's house decided which was typed).
            overrides.append("++" + override.lstrip("+"))
        elif key != "parliament":  # a house chosen by name is the one replaced
            overrides.append(override)
    try:
        if GlobalHydra.instance().is_initialized():  # within run.py, a sweep or load_config
            alone = compose(config_name=hydra_node.job.config_name, overrides=[*overrides, f"parliament={NO_HOUSE}"])
        else:
            with initialize_config_dir(config_dir=str(CONFIGS), version_base="1.3"):
                alone = compose(config_name=hydra_node.job.config_name,
                                overrides=[*overrides, f"parliament={NO_HOUSE}"])
    except (HydraException, OmegaConfBaseException) as err:
        cause = f" ({err.__cause__})" if err.__cause__ else ""
        raise ConfigError(f"invalid configuration:\n  parliament: {whole[0][0]} gives a house of its own "
                          f"(parliament.{whole[0][1]}), which replaces the parliament group's, and "
                          f"then: {err}{cause}") from None
    return alone.parliament


def _group_file(roots: list[Path], group: str, choice: str | None) -> tuple[Path, dict, str] | None:
    """The YAML file Hydra took for `group=choice` (the first on its search path), its content and its
    package; None for a config that is not a file (the schema's, NO_HOUSE)."""
    if not choice:
        return None
    for root in roots:
        path = root / group / f"{choice}.yaml"
        if path.is_file():
            text = path.read_text()
            raw = yaml.safe_load(text)
            return path, raw if isinstance(raw, dict) else {}, _package(text) or group
    return None


def _package(text: str) -> str | None:
    """A config file's `# @package` header (Hydra reads it from the header's first lines)."""
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if not line.startswith("#") or "@" not in line:
            return None
        words = line.lstrip("#").split()
        if len(words) == 2 and words[0] == "@package":
            return words[1]
    return None


def _check_house_file(roots: list[Path], choice: str | None) -> None:
    found = _group_file(roots, "parliament", choice)
    if found is None:
        return
    path, raw, package = found
    node = raw.get("parliament") if package == "_global_" else raw
    if isinstance(node, dict) and "name" not in node:
        raise ConfigError(f"invalid configuration:\n  parliament.name: missing in {path}; a house needs a name "
                          f"of its own (name: {choice}), or it would be reported as the schema's "
                          f"'{Config().parliament.name}'")


def hydra_entry(main: Callable[[], Any]) -> None:
    """Call a @hydra.main function so that a configuration Hydra cannot compose (a value of the wrong
    type, a key it cannot override, a malformed or duplicated key in a file) ends as every other bad
    input does: one error naming it and exit code 2, not Hydra's exit code 1 or a YAML traceback.
    HYDRA_FULL_ERROR, when the user sets it, keeps Hydra's full report."""
    if os.environ.get("HYDRA_FULL_ERROR") == "1":
        main()
        return
    os.environ["HYDRA_FULL_ERROR"] = "1"  # Hydra then raises what it would report, and we report it
    try:
        main()
    except (HydraException, OmegaConfBaseException, yaml.YAMLError) as err:
        cause = err.__cause__
        detail = f"\n{cause}" if isinstance(cause, (OmegaConfBaseException, yaml.YAMLError)) else ""
        print(f"error: {err}{detail}", file=sys.stderr)
        raise SystemExit(2) from None


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
