"""The observed record of the 2023 Majilis and approximate Bayesian computation (ABC) on it.

A record states every expulsion of the house's first sessions (when, from which party, for what) and
a list of observations: summaries every run computes over those sessions (or some of them), with the
value the real house showed and a tolerance. ABC draws parameter points from the declared priors and
runs each once, given the record's expulsions (sim.model.given): a point's weight is the likelihood
of those expulsions along its run if the run matches every observation, and 0 otherwise. The weighted
points are the posterior given the record (exactly so for the counts, whose tolerance is 0): the same
posterior as keeping only the runs whose own draws matched the expulsions too, with far less variance,
since such runs are rare. Their runs are trajectories that did what the house did.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sim.analysis.uncertainty import Parameter, bounds
from sim.config import ConfigError
from sim.model.given import TRIGGERS, GivenExpulsion, GivenExpulsions
from sim.outcomes import registry
from sim.outcomes.estimates import none_bound, range_containing, range_text, weighted_quantiles, wilson
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
    sessions: tuple[int, int] | None = None  # the first and last session it covers, from 1; None: all

    @property
    def key(self) -> str:
        return self.name if self.party is None else f"{self.name} ({self.party})"

    def values(self, results: Results, window: slice) -> np.ndarray:
        """(P, R) the outcome over its own sessions, or over the record's `window`."""
        if self.sessions is not None:
            window = slice(self.sessions[0] - 1, self.sessions[1])
        return results.outcome(registry.outcome(self.name), window, self.party)


@dataclass(frozen=True)
class Record:
    sessions: int
    observations: tuple[Observation, ...]
    # Every expulsion of the record's sessions: none in them but these.
    expulsions: GivenExpulsions = GivenExpulsions(1)

    @property
    def window(self) -> slice:
        return slice(0, self.sessions)

    @property
    def outcomes(self) -> tuple[str, ...]:
        """The outcomes the record observes, which an analysis of it must keep."""
        return tuple(dict.fromkeys(o.name for o in self.observations))

    def with_observed(self, values: dict[str, float]) -> Record:
        """The same observations and tolerances with other observed values (simulated data), by key."""
        return replace(self, observations=tuple(replace(o, observed=float(values[o.key])) for o in self.observations))


def load_record(path: Path, party_names: list[str] | None = None) -> Record:
    """An observed record file, checked: declared outcomes, the parties of an outcome by party (one
    observation each: every one must match), non-negative tolerances, at least a session, sessions of
    an observation and of an expulsion inside the record's, at most one expulsion a party and session."""
    raw = yaml.safe_load(path.read_text())
    if not isinstance(raw, dict):
        raise ConfigError(f"invalid observed record:\n  {path.name}: a record is a mapping with sessions, "
                          "expulsions and observations")
    errors = []
    sessions = raw.get("sessions")
    if isinstance(sessions, bool) or not isinstance(sessions, int) or sessions < 1:
        errors.append(f"{path.name}: sessions = {sessions!r}: must be a whole number of sessions, at least 1")
        sessions = 1
    expulsions = _expulsions(path.name, raw.get("expulsions"), sessions, party_names, errors)
    declared = [o.name for o in registry.outcomes(by_party=None)]
    observations = []
    for i, entry in enumerate(raw.get("observations") or []):
        if not isinstance(entry, dict):
            errors.append(f"{path.name}: observations[{i}] = {entry!r:.60}: must be a mapping with name, observed, "
                          "tolerance and source")
            continue
        missing = {"name", "observed", "tolerance", "source"} - set(entry)
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
        window = _sessions(f"{path.name}: observations[{i}].sessions", entry.get("sessions"), sessions, errors)
        for party in parties or [None]:
            if party is not None and party_names is not None and party not in party_names:
                errors.append(f"{path.name}: observations[{i}].parties: {party!r} is not a party; known: {party_names}")
            o = Observation(name, float(entry["observed"]), float(entry["tolerance"]), str(entry["source"]).strip(),
                            party, window)
            if o.tolerance < 0:
                errors.append(f"{path.name}: {o.key}.tolerance = {o.tolerance}: must be >= 0")
            observations.append(o)
    if not observations and not errors:
        errors.append(f"{path.name}: no observations")
    if errors:
        raise ConfigError("invalid observed record:\n  " + "\n  ".join(errors))
    return Record(sessions, tuple(observations), expulsions)


def _sessions(key: str, value: object, sessions: int, errors: list[str]) -> tuple[int, int] | None:
    """An observation's [first, last] sessions (from 1), inside the record's; None when not given."""
    if value is None:
        return None
    ends = value if isinstance(value, list) and len(value) == 2 else []
    if len(ends) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in ends) \
            or not 1 <= ends[0] <= ends[1] <= sessions:
        errors.append(f"{key} = {value!r}: must be [first, last], whole sessions with 1 <= first <= last <= {sessions}")
        return None
    return ends[0], ends[1]


def _expulsions(name: str, entries: object, sessions: int, party_names: list[str] | None,
                errors: list[str]) -> GivenExpulsions:
    """The record's `expulsions`: every one of its sessions' (session from 1, party, trigger, source)."""
    if entries is None:
        errors.append(f"{name}: expulsions: missing; list every expulsion of the record's sessions (an empty list "
                      "[] says there was none)")
        return GivenExpulsions(sessions)
    if not isinstance(entries, list):
        errors.append(f"{name}: expulsions = {entries!r:.60}: must be a list of {{session, party, trigger, source}}")
        return GivenExpulsions(sessions)
    events = []
    for i, entry in enumerate(entries):
        key = f"{name}: expulsions[{i}]"
        if not isinstance(entry, dict) or {"session", "party", "trigger", "source"} - set(entry):
            errors.append(f"{key} = {entry!r:.60}: must be a mapping with session, party, trigger and source")
            continue
        session, party, trigger = entry["session"], entry["party"], entry["trigger"]
        if isinstance(session, bool) or not isinstance(session, int) or not 1 <= session <= sessions:
            errors.append(f"{key}.session = {session!r}: must be a whole session from 1 to {sessions}")
        elif party_names is not None and party not in party_names:
            errors.append(f"{key}.party = {party!r}: not a party; known: {party_names}")
        elif trigger not in TRIGGERS:
            errors.append(f"{key}.trigger = {trigger!r}: must be one of {', '.join(TRIGGERS)}")
        else:
            events.append(GivenExpulsion(session - 1, str(party), str(trigger)))
    try:
        return GivenExpulsions(sessions, tuple(events))
    except ValueError as err:
        errors.append(f"{name}: expulsions: {err}")
        return GivenExpulsions(sessions)


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


def weights(record: Record, results: Results) -> np.ndarray:
    """(P,) each point's posterior weight (one run a point, given the record's expulsions), summing to 1:
    its run's likelihood of those expulsions where it matches every observation, else 0. All zero when
    no run matches."""
    log_l = results.log_likelihood()[:, 0]
    ok = matches(record, results)[:, 0] & np.isfinite(log_l)
    if not ok.any():
        return np.zeros(len(ok))
    w = np.where(ok, np.exp(log_l - log_l[ok].max()), 0.0)
    return w / w.sum()


def effective_size(w: np.ndarray) -> float:
    """Kish's effective sample size of weights summing to 1: as many equally weighted points would
    estimate a mean as precisely (0 without weight)."""
    return float(1.0 / np.sum(w * w)) if w.sum() > 0 else 0.0


def resample(w: np.ndarray, n: int, seed: int) -> np.ndarray:
    """n indices drawn with replacement in proportion to `w` (systematic resampling, so that each index
    appears within one of n times its weight): equally weighted points of the weighted posterior."""
    u = (np.random.default_rng(seed).random() + np.arange(n)) / n
    return np.minimum(np.searchsorted(np.cumsum(w), u), len(w) - 1)


def conditional_points(points: np.ndarray, params: list[Parameter],
                       grid: dict[str, list[float]]) -> tuple[np.ndarray, pd.DataFrame]:
    """Every point of `points` at every cell of `grid` (the grid's parameters set to the cell's values,
    the others as the point has them): the (cells x points, D) matrix, cell by cell, and the cells, a
    row each in that order. With `points` drawn from the posterior, a cell's runs answer "what if these
    parameters, which the record leaves at their priors, had these values"."""
    keys = [p.key for p in params]
    unknown = [k for k in grid if k not in keys]
    if unknown:
        raise ConfigError(f"conditions {unknown}: not declared parameters; declared: {keys}")
    mesh = np.meshgrid(*grid.values(), indexing="ij")
    cells = pd.DataFrame({k: m.ravel() for k, m in zip(grid, mesh, strict=True)})
    out = np.repeat(points[None], len(cells), axis=0)
    for key in grid:
        out[:, :, keys.index(key)] = cells[key].to_numpy()[:, None]
    return out.reshape(-1, points.shape[1]), cells


def conditional_table(cells: pd.DataFrame, found: Results, outcome: str, window: slice) -> pd.DataFrame:
    """Per cell of conditional_points: the probability of the binary `outcome` over `window` among its
    runs, with its 95 % Wilson interval on points (each point counts once, with the share of its runs),
    and how many runs showed it."""
    values = found.outcome(registry.outcome(outcome), window).reshape(len(cells), -1, found.replicates)
    rows = []
    for cell, runs in zip(cells.to_dict("records"), values, strict=True):
        point_means = runs.mean(axis=1)
        low, high = wilson(float(point_means.sum()), len(point_means))
        rows.append({**cell, "outcome": outcome, "probability": float(point_means.mean()), "ci_low": low,
                     "ci_high": high, "points": len(point_means), "runs": runs.size,
                     "runs_with": int((runs > 0).sum())})
    return pd.DataFrame(rows)


def prior_points(params: list[Parameter], n: int, seed: int) -> np.ndarray:
    """n points drawn independently from the declared uniform priors."""
    low, high = bounds(params).T
    return low + (high - low) * np.random.default_rng(seed).random((n, len(params)))


def informed(table: pd.DataFrame) -> pd.Series:
    """Which parameters of a posterior_table the record moved: its 90 % interval under 0.8 of the
    prior's, or its median moved by a tenth of the prior range or more."""
    return (table.width_ratio < 0.8) | (table.median_shift.abs() >= 0.1)


def posterior_table(params: list[Parameter], prior: np.ndarray, posterior: np.ndarray,
                    w: np.ndarray | None = None) -> pd.DataFrame:
    """Per parameter: prior and posterior medians and 90 % intervals (the posterior's points weighted by
    `w`, when given), how much the record narrows the interval (posterior width over prior width: near
    1, it does not) and how far it moves the median (in shares of the prior range)."""
    rows = []
    for j, p in enumerate(params):
        q_prior = np.quantile(prior[:, j], [0.05, 0.5, 0.95])
        q_post = weighted_quantiles(posterior[:, j], w, [0.05, 0.5, 0.95])
        rows.append({"parameter": p.key, "low": p.low, "high": p.high,
                     "prior_median": q_prior[1], "prior_5": q_prior[0], "prior_95": q_prior[2],
                     "posterior_median": q_post[1], "posterior_5": q_post[0], "posterior_95": q_post[2],
                     "width_ratio": (q_post[2] - q_post[0]) / (q_prior[2] - q_prior[0]),
                     "median_shift": (q_post[1] - q_prior[1]) / (p.high - p.low)})
    return pd.DataFrame(rows)


def predictive_rows(label: str, found: Results, window: slice, w: np.ndarray | None = None) -> list[dict]:
    """Per outcome, over the sessions of `window`, at posterior points weighted by `w` (equally, when
    not given): the posterior predictive mean; for a probability, the runs and points where it happened
    and its 95 % Wilson interval taken on points, with n their effective number (each point counts
    once, with the share of its runs: parameter uncertainty and run-to-run noise together, without
    treating a point's runs as independent draws), and, where it never happened, the Monte Carlo bound
    alone (the largest probability per run that N runs without it leave at 95 %: 1 - 0.05^(1/N), N
    the effective number of runs); the central range of the per-point means that holds the mean
    (sim.outcomes.estimates.range_containing); for a count, that of runs."""
    rows = []
    w = np.full(found.points_count, 1 / found.points_count) if w is None else w / w.sum()
    n_eff = effective_size(w)
    for outcome in registry.outcomes(analysed=True):
        values = found.outcome(outcome, window)
        point_means = values.mean(axis=1)
        lower, upper, low, high = range_containing(point_means, w)
        row = {"house": label, "outcome": outcome.name, "sessions": f"{window.start + 1}-{window.stop}",
               "points": int((w > 0).sum()), "effective_points": n_eff, "runs": int((w > 0).sum()) * values.shape[1],
               "mean": float(np.sum(w * point_means)), "point_range": range_text(lower, upper),
               "point_low": low, "point_high": high}
        if outcome.kind == "binary":
            happened = (values > 0) & (w > 0)[:, None]
            row["runs_with"], row["points_with"] = int(happened.sum()), int(happened.any(axis=1).sum())
            row["ci_low"], row["ci_high"] = wilson(n_eff * row["mean"], max(round(n_eff), 1))
            row["mc_bound"] = none_bound(n_eff * values.shape[1]) if row["runs_with"] == 0 else float("nan")
        else:
            lower, upper, low, high = range_containing(values, np.repeat(w[:, None], values.shape[1], axis=1))
            row["run_range"], row["run_low"], row["run_high"] = range_text(lower, upper), low, high
        rows.append(row)
    return rows
