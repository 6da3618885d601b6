"""The observed record of the 2023 Majilis and approximate Bayesian computation (ABC) on it.

An observation is a summary every run computes over the record's first sessions, with the value the
real house showed and a tolerance. Rejection ABC draws parameter points from the declared priors,
runs each once, and keeps the points whose run matches every observation: their parameters are a
sample of the posterior given the record (exactly so for the count summaries, whose tolerance is 0),
and their runs are trajectories that did what the house did.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sim.analysis.uncertainty import Parameter, bounds
from sim.config import ConfigError
from sim.outcomes.features import Results
from sim.outcomes.registry import ANALYSED, wilson


def _sessions_with(feature: str) -> Callable[[Results, slice], np.ndarray]:
    return lambda r, w: (r.feature(feature)[..., w] > 0).sum(axis=-1)


def _total(feature: str) -> Callable[[Results, slice], np.ndarray]:
    return lambda r, w: r.feature(feature)[..., w].sum(axis=-1)


def _deputy_share(r: Results, w: slice) -> np.ndarray:
    laws = r.feature("laws_passed")[..., w].sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(laws > 0, r.feature("deputy_laws")[..., w].sum(axis=-1) / laws, np.nan)


def _abstained(*parties: str) -> Callable[[Results, slice], np.ndarray]:
    def summary(r: Results, w: slice) -> np.ndarray:
        took = [r.party_feature("gov_line_abstain", p)[..., w].sum(axis=-1) > 0 for p in parties]
        return np.logical_and.reduce(took).astype(int)
    return summary


# Every summary an observation may name: per run, over the sessions of a window.
SUMMARIES: dict[str, Callable[[Results, slice], np.ndarray]] = {
    "gov_defeats": _total("gov_defeats"),
    "coalition_formed": _sessions_with("coalition_seats"),
    "expulsions": _total("expulsions"),
    "qhp_expulsions": lambda r, w: r.party_feature("expulsions", "qhp")[..., w].sum(axis=-1),
    "deputy_share_of_laws": _deputy_share,
    "qhp_osdp_abstained": _abstained("qhp", "osdp"),
}


@dataclass(frozen=True)
class Observation:
    name: str
    observed: float
    tolerance: float
    source: str


@dataclass(frozen=True)
class Record:
    sessions: int
    observations: tuple[Observation, ...]

    @property
    def window(self) -> slice:
        return slice(0, self.sessions)

    def with_observed(self, values: dict[str, float]) -> Record:
        """The same summaries and tolerances with other observed values (simulated data)."""
        return Record(self.sessions, tuple(Observation(o.name, float(values[o.name]), o.tolerance, o.source)
                                           for o in self.observations))


def load_record(path: Path) -> Record:
    """An observed record file, checked: known summaries, non-negative tolerances, at least a session."""
    raw = yaml.safe_load(path.read_text())
    errors = []
    sessions = raw.get("sessions")
    if not isinstance(sessions, int) or sessions < 1:
        errors.append(f"{path.name}: sessions = {sessions!r}: must be a whole number of sessions, at least 1")
    observations = []
    for i, entry in enumerate(raw.get("observations") or []):
        missing = {"name", "observed", "tolerance", "source"} - set(entry or {})
        if missing:
            errors.append(f"{path.name}: observations[{i}] lacks {sorted(missing)}")
            continue
        o = Observation(str(entry["name"]), float(entry["observed"]), float(entry["tolerance"]),
                        str(entry["source"]).strip())
        if o.name not in SUMMARIES:
            errors.append(f"{path.name}: observations[{i}].name = {o.name!r}: known summaries are {sorted(SUMMARIES)}")
        if o.tolerance < 0:
            errors.append(f"{path.name}: {o.name}.tolerance = {o.tolerance}: must be >= 0")
        observations.append(o)
    if not observations and not errors:
        errors.append(f"{path.name}: no observations")
    if errors:
        raise ConfigError("invalid observed record:\n  " + "\n  ".join(errors))
    return Record(sessions, tuple(observations))


def summaries(record: Record, results: Results) -> dict[str, np.ndarray]:
    """Each observation's summary for every run, over the record's sessions."""
    return {o.name: SUMMARIES[o.name](results, record.window) for o in record.observations}


def consistent(record: Record, results: Results) -> dict[str, np.ndarray]:
    """Per observation, whether each run shows what the house showed (within the tolerance)."""
    found = summaries(record, results)
    with np.errstate(invalid="ignore"):
        return {o.name: np.abs(found[o.name] - o.observed) <= o.tolerance + 1e-9 for o in record.observations}


def matches(record: Record, results: Results) -> np.ndarray:
    """Whether each run matches every observation."""
    return np.logical_and.reduce(list(consistent(record, results).values()))


def prior_points(params: list[Parameter], n: int, seed: int) -> np.ndarray:
    """n points drawn independently from the declared uniform priors."""
    low, high = bounds(params).T
    return low + (high - low) * np.random.default_rng(seed).random((n, len(params)))


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
    for outcome in ANALYSED:
        values = found.outcome(outcome, window)
        point_means = values.mean(axis=1)
        row = {"house": label, "outcome": outcome.column, "sessions": f"{window.start + 1}-{window.stop}",
               "points": values.shape[0], "runs": values.size, "mean": float(values.mean()),
               "point_low": float(np.quantile(point_means, 0.05)), "point_high": float(np.quantile(point_means, 0.95))}
        if outcome.reduce == "any":
            row["ci_low"], row["ci_high"] = wilson(float(point_means.sum()), len(point_means))
        else:
            row["run_low"], row["run_high"] = float(np.quantile(values, 0.05)), float(np.quantile(values, 0.95))
        rows.append(row)
    return rows
