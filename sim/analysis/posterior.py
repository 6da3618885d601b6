"""The observed record of the 2023 Majilis and approximate Bayesian computation (ABC) on it.

An observation is a summary every run computes over the record's first sessions, with the value the
real house showed and a tolerance. Rejection ABC draws parameter points from the declared priors,
runs each once, and keeps the points whose run matches every observation: their parameters are a
sample of the posterior given the record (exactly so for the count summaries, whose tolerance is 0),
and their runs are trajectories that did what the house did.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sim.analysis.uncertainty import Parameter, bounds
from sim.config import ConfigError
from sim.outcomes import registry
from sim.outcomes.estimates import wilson
from sim.outcomes.features import Results


@dataclass(frozen=True)
class Observation:
    """What the house showed of one declared outcome (sim.outcomes.registry) over the record's sessions:
    for an outcome by party, of one party."""

    name: str
    observed: float
    tolerance: float
    source: str
    party: str | None = None

    @property
    def key(self) -> str:
        return self.name if self.party is None else f"{self.name} ({self.party})"

    def values(self, results: Results, window: slice) -> np.ndarray:
        return results.outcome(registry.outcome(self.name), window, self.party)


@dataclass(frozen=True)
class Record:
    sessions: int
    observations: tuple[Observation, ...]

    @property
    def window(self) -> slice:
        return slice(0, self.sessions)

    @property
    def outcomes(self) -> tuple[str, ...]:
        """The outcomes the record observes, which an analysis of it must keep."""
        return tuple(dict.fromkeys(o.name for o in self.observations))

    def with_observed(self, values: dict[str, float]) -> Record:
        """The same observations and tolerances with other observed values (simulated data), by key."""
        return Record(self.sessions, tuple(replace(o, observed=float(values[o.key])) for o in self.observations))


def load_record(path: Path, party_names: list[str] | None = None) -> Record:
    """An observed record file, checked: declared outcomes, the parties of an outcome by party (one
    observation each: every one must match), non-negative tolerances, at least a session."""
    raw = yaml.safe_load(path.read_text())
    errors = []
    sessions = raw.get("sessions")
    if not isinstance(sessions, int) or sessions < 1:
        errors.append(f"{path.name}: sessions = {sessions!r}: must be a whole number of sessions, at least 1")
    declared = [o.name for o in registry.outcomes(by_party=None)]
    observations = []
    for i, entry in enumerate(raw.get("observations") or []):
        missing = {"name", "observed", "tolerance", "source"} - set(entry or {})
        if missing:
            errors.append(f"{path.name}: observations[{i}] lacks {sorted(missing)}")
            continue
        name = str(entry["name"])
        if name not in declared:
            errors.append(f"{path.name}: observations[{i}].name = {name!r}: declared outcomes are {declared}")
            continue
        by_party = registry.outcome(name).by_party
        parties = entry.get("parties")
        if by_party != (parties is not None):
            errors.append(f"{path.name}: observations[{i}] ({name}): 'parties' is "
                          + ("required: the outcome is by party" if by_party else "only for an outcome by party"))
            continue
        for party in parties or [None]:
            if party is not None and party_names is not None and party not in party_names:
                errors.append(f"{path.name}: observations[{i}].parties: {party!r} is not a party; known: {party_names}")
            o = Observation(name, float(entry["observed"]), float(entry["tolerance"]), str(entry["source"]).strip(),
                            party)
            if o.tolerance < 0:
                errors.append(f"{path.name}: {o.key}.tolerance = {o.tolerance}: must be >= 0")
            observations.append(o)
    if not observations and not errors:
        errors.append(f"{path.name}: no observations")
    if errors:
        raise ConfigError("invalid observed record:\n  " + "\n  ".join(errors))
    return Record(sessions, tuple(observations))


def summaries(record: Record, results: Results) -> dict[str, np.ndarray]:
    """Each observation's outcome for every run, over the record's sessions, by key."""
    return {o.key: o.values(results, record.window) for o in record.observations}


def consistent(record: Record, results: Results) -> dict[str, np.ndarray]:
    """Per observation (by key), whether each run shows what the house showed (within the tolerance)."""
    found = summaries(record, results)
    with np.errstate(invalid="ignore"):
        return {o.key: np.abs(found[o.key] - o.observed) <= o.tolerance + 1e-9 for o in record.observations}


def matches(record: Record, results: Results) -> np.ndarray:
    """Whether each run matches every observation."""
    return np.all(np.stack(list(consistent(record, results).values())), axis=0)


def prior_points(params: list[Parameter], n: int, seed: int) -> np.ndarray:
    """n points drawn independently from the declared uniform priors."""
    low, high = bounds(params).T
    return low + (high - low) * np.random.default_rng(seed).random((n, len(params)))


def informed(table: pd.DataFrame) -> pd.Series:
    """Which parameters of a posterior_table the record moved: its 90 % interval under 0.8 of the
    prior's, or its median moved by a tenth of the prior range or more."""
    return (table.width_ratio < 0.8) | (table.median_shift.abs() >= 0.1)


def posterior_table(params: list[Parameter], prior: np.ndarray, posterior: np.ndarray) -> pd.DataFrame:
    """Per parameter: prior and posterior medians and 90 % intervals, how much the record narrows the
    interval (posterior width over prior width: near 1, it does not) and how far it moves the median
    (in shares of the prior range)."""
    rows = []
    for j, p in enumerate(params):
        q_prior = np.quantile(prior[:, j], [0.05, 0.5, 0.95])
        q_post = np.quantile(posterior[:, j], [0.05, 0.5, 0.95]) if len(posterior) else np.full(3, np.nan)
        rows.append({"parameter": p.key, "low": p.low, "high": p.high,
                     "prior_median": q_prior[1], "prior_5": q_prior[0], "prior_95": q_prior[2],
                     "posterior_median": q_post[1], "posterior_5": q_post[0], "posterior_95": q_post[2],
                     "width_ratio": (q_post[2] - q_post[0]) / (q_prior[2] - q_prior[0]),
                     "median_shift": (q_post[1] - q_prior[1]) / (p.high - p.low)})
    return pd.DataFrame(rows)


def predictive_rows(label: str, found: Results, window: slice) -> list[dict]:
    """Per outcome, over the sessions of `window`: the posterior predictive mean over every run; for a
    share, its 95 % Wilson interval taken on posterior points (each point counts once, with the share
    of its runs: parameter uncertainty and run-to-run noise, without treating a point's runs as
    independent draws); the 5th-95th percentiles of the per-point means; for a count, those of runs."""
    rows = []
    for outcome in registry.outcomes(analysed=True):
        values = found.outcome(outcome, window)
        point_means = values.mean(axis=1)
        row = {"house": label, "outcome": outcome.name, "sessions": f"{window.start + 1}-{window.stop}",
               "points": values.shape[0], "runs": values.size, "mean": float(values.mean()),
               "point_low": float(np.quantile(point_means, 0.05)), "point_high": float(np.quantile(point_means, 0.95))}
        if outcome.kind == "binary":
            row["ci_low"], row["ci_high"] = wilson(float(point_means.sum()), len(point_means))
        else:
            row["run_low"], row["run_high"] = float(np.quantile(values, 0.05)), float(np.quantile(values, 0.95))
        rows.append(row)
    return rows
