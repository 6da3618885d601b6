"""The declared uncertainty: which configuration values the answer may rest on, and their priors.

A parameter point is one value per declared parameter; `at_point` turns a base Config and a point
into the Config a run takes. Every prior's ends are checked against the schema before any run starts.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path

import numpy as np
import yaml

from sim.config import Config, ConfigError, apply_minor, validate


@dataclass(frozen=True)
class Parameter:
    key: str  # a config key as run.py takes it: 'behavior.loyalty_mean', 'minor.opposition_intent'
    low: float
    high: float
    reason: str

    @property
    def name(self) -> str:
        """The key without its group, for tables and axes."""
        return self.key.rpartition(".")[2]


def bounds(params: list[Parameter]) -> np.ndarray:
    """(D, 2) each parameter's prior range, low and high."""
    return np.array([[p.low, p.high] for p in params], dtype=float)


def load_parameters(path: Path) -> list[Parameter]:
    """The `parameters` list of an uncertainty file, with a clear error for a malformed entry."""
    if not path.exists():
        raise ConfigError(f"{path}: no such uncertainty file")
    raw = yaml.safe_load(path.read_text())
    entries = raw.get("parameters") if isinstance(raw, dict) else None
    params, errors = [], []
    for i, entry in enumerate(entries or []):
        if not isinstance(entry, dict):
            errors.append(f"{path.name}: parameters[{i}] = {entry!r}: must be a mapping with key, low, high, reason")
            continue
        missing = {"key", "low", "high", "reason"} - set(entry)
        if missing:
            errors.append(f"{path.name}: parameters[{i}] lacks {sorted(missing)}")
            continue
        try:
            low, high = float(entry["low"]), float(entry["high"])
        except (TypeError, ValueError):
            errors.append(f"{path.name}: {entry['key']}: low = {entry['low']!r}, high = {entry['high']!r}: "
                          "must be numbers")
            continue
        p = Parameter(str(entry["key"]), low, high, str(entry["reason"]).strip())
        if not p.low < p.high:
            errors.append(f"{path.name}: {p.key}: low = {p.low} must be below high = {p.high}")
        params.append(p)
    keys = [p.key for p in params]
    errors += [f"{path.name}: {key} is declared twice" for key in sorted({k for k in keys if keys.count(k) > 1})]
    if not params and not errors:
        errors.append(f"{path.name}: no parameters declared")
    if errors:
        raise ConfigError("invalid uncertainty file:\n  " + "\n  ".join(errors))
    return params


def at_point(base: Config, params: list[Parameter], values: np.ndarray) -> Config:
    """A copy of `base` with each parameter set to its value (minor.* copied onto the parties)."""
    cfg = pickle.loads(pickle.dumps(base, pickle.HIGHEST_PROTOCOL))  # a deep copy, in a quarter of deepcopy's time
    for p, value in zip(params, values, strict=True):
        _set(cfg, p.key, float(value))
    return apply_minor(cfg)


def check_priors(base: Config, params: list[Parameter]) -> None:
    """Raise ConfigError, naming the key, the value and the allowed range, when either end of a prior
    is a value the model does not accept or the key is not a configuration value."""
    errors = []
    for p in params:
        for end in (p.low, p.high):
            try:
                validate(at_point(base, [p], np.array([end])))
            except ConfigError as err:
                errors.append(f"{p.key} prior [{p.low}, {p.high}]: {str(err).splitlines()[-1].strip()}")
                break
    if errors:
        raise ConfigError("invalid uncertainty file:\n  " + "\n  ".join(errors))


def _set(cfg: Config, key: str, value: float) -> None:
    node: object = cfg
    parts = key.split(".")
    for part in parts[:-1]:
        node = node[part] if isinstance(node, dict) and part in node else getattr(node, part, None)
        if node is None:
            raise ConfigError(f"{key}: '{part}' is not a configuration key")
    leaf = parts[-1]
    known = [f.name for f in fields(node)] if is_dataclass(node) else []
    if leaf not in known:
        raise ConfigError(f"{key}: '{leaf}' is not a configuration key here; known: {', '.join(known)}")
    current = getattr(node, leaf)
    if isinstance(current, bool) or (current is not None and not isinstance(current, float)):
        raise ConfigError(f"{key} = {current!r}: not a real-valued setting; a parameter must be one (whole-number "
                          "settings such as sizes would give houses of different shapes, which cannot share a sitting)")
    setattr(node, leaf, value)
