"""The outcomes of a run, each declared once: its name, what it is in words, its unit and kind, how it
is computed for one session, and how sessions add up to a term or an analysis window.

Everything that reports an outcome reads it from here: the runs table (sim.outcomes.terms), the
summary and the per-outcome statistics (sim.outcomes.summary), the report (sim.runs.report), the
figures, the per-session features the analyses keep (sim.outcomes.features), the observed record
(sim.analysis.posterior), Mesa's DataCollector (sim.outcomes.collect) and the browser view. Adding
an outcome is one `declare(Outcome(...))`, at import of this module or from a user's own script
before the runs start (in a worker process too, when the run uses several).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.outcomes.sessions import Sessions

Kind = Literal["binary", "count", "share", "continuous"]
# How session values make a term's (or an analysis window's) value: any session positive, their sum,
# their largest, their mean, the last session's, the longest run of consecutive positive sessions, or
# the sum of the values over the sum of the bases.
Reduce = Literal["any", "sum", "max", "mean", "last", "longest", "ratio"]


@dataclass(frozen=True)
class Outcome:
    name: str  # the column in the runs table
    label: str  # in words, for sentences, tables and figure titles
    unit: str  # what one is counted or measured in, for axes
    kind: Kind  # binary: 0/1 per run, read as a share of runs with its interval
    per_session: Callable[[Sessions], np.ndarray]  # (S,) a value per session; (S, parties) by party
    over_sessions: Reduce
    base: Callable[[Sessions], np.ndarray] | None = None  # a ratio's denominator per session
    by_party: bool = False  # one value per party row: columns NAME_PARTY
    summary: bool = False  # in the short text printed after a run
    analysed: bool = False  # kept per session by the analyses (sensitivity, calibration)

    def __post_init__(self) -> None:
        if (self.over_sessions == "ratio") != (self.base is not None):
            raise ValueError(f"outcome {self.name}: a base is given exactly when over_sessions is 'ratio'")
        if self.kind == "binary" and self.over_sessions not in ("any", "last"):
            raise ValueError(f"outcome {self.name}: a binary outcome reduces by 'any' or 'last'")

    @property
    def axis(self) -> str:
        """The label an axis carries: the share of runs for a binary outcome, else the label and unit."""
        return f"P({self.label})" if self.kind == "binary" else f"{self.label} ({self.unit})"

    def reduce(self, values: np.ndarray, base: np.ndarray | None = None) -> np.ndarray:
        """Session values (sessions on axis 0 for one run's term, or the last axis for many runs: pass
        `values` with sessions last) reduced to one value a run."""
        how = self.over_sessions
        if how == "any":
            return (values > 0).any(axis=-1).astype(float)
        if how == "sum":
            return values.sum(axis=-1).astype(float)
        if how == "max":
            return values.max(axis=-1).astype(float)
        if how == "mean":
            return values.mean(axis=-1)
        if how == "last":
            return values[..., -1].astype(float)
        if how == "longest":
            run = longest = np.zeros(values.shape[:-1])
            for session in np.moveaxis(values > 0, -1, 0):
                run = (run + 1) * session
                longest = np.maximum(longest, run)
            return longest
        assert base is not None
        total = base.sum(axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(total > 0, values.sum(axis=-1) / np.where(total > 0, total, 1), np.nan)


_DECLARED: list[Outcome] = []


def declare(outcome: Outcome) -> Outcome:
    """Add an outcome to every table, summary and figure that reads the registry."""
    if any(o.name == outcome.name for o in _DECLARED):
        raise ValueError(f"outcome {outcome.name!r} is declared already")
    _DECLARED.append(outcome)
    return outcome


def outcomes(kind: Kind | None = None, summary: bool | None = None, analysed: bool | None = None,
             by_party: bool | None = False) -> list[Outcome]:
    """The declared outcomes, in declaration order, those with the given properties (None: any)."""
    return [o for o in _DECLARED if (kind is None or o.kind == kind) and (summary is None or o.summary == summary)
            and (analysed is None or o.analysed == analysed) and (by_party is None or o.by_party == by_party)]


def outcome(name: str) -> Outcome:
    for o in _DECLARED:
        if o.name == name:
            return o
    raise KeyError(f"{name!r} is not a declared outcome; declared: {', '.join(o.name for o in _DECLARED)}")


def _gov(s: Sessions) -> np.ndarray:
    return s.government.sum(axis=1)


def _gov_passed(s: Sessions) -> np.ndarray:
    return (s.government & s.passed).sum(axis=1)


def _gov_defeats(s: Sessions) -> np.ndarray:
    return (s.government & ~s.passed).sum(axis=1)


def _laws(s: Sessions) -> np.ndarray:
    return s.passed.sum(axis=1)


def _deputy_laws(s: Sessions) -> np.ndarray:
    return (s.passed & ~s.government).sum(axis=1)


def _ruling_defeated(s: Sessions) -> np.ndarray:
    line = s.lines[:, :, s.ruling]
    return ((line > 0) & ~s.passed | (line < 0) & s.passed).sum(axis=1)


def _collapsed(s: Sessions) -> np.ndarray:
    """The ruling party below what it won, and below the majority if it won one: its own expulsions
    (a district deputy leaving it, or a list it has run out of) have cost it the house it was elected to."""
    return s.ruling_seated < np.minimum(s.ruling_elected, s.majority)


def _roll_calls(s: Sessions) -> np.ndarray:
    return np.full(s.count, s.passed.shape[1])


for _outcome in (
    Outcome("coalition_formed", "a coalition forms against the ruling party", "share of runs", "binary",
            lambda s: s.coalition_seats, "any", summary=True, analysed=True),
    Outcome("coalition_blocking", "the coalition reaches the blocking minority", "share of runs", "binary",
            lambda s: s.coalition_seats >= s.blocking, "any", summary=True, analysed=True),
    Outcome("coalition_majority", "the coalition reaches a majority", "share of runs", "binary",
            lambda s: s.coalition_seats >= s.majority, "any", summary=True),
    Outcome("coalition_margin", "best bloc's margin (least willing member)", "value", "continuous",
            lambda s: s.margin, "max", summary=True, analysed=True),
    Outcome("coalition_share_of_sessions", "sessions with a coalition", "share of sessions", "share",
            lambda s: s.coalition_seats > 0, "mean", summary=True, analysed=True),
    Outcome("coalition_longest_spell", "longest spell of a coalition", "sessions", "count",
            lambda s: s.coalition_seats, "longest", summary=True),
    Outcome("coalition_max_seats", "largest coalition", "seats", "count", lambda s: s.coalition_seats, "max",
            summary=True),
    Outcome("coalition_mean_seats", "coalition seats, mean over sessions", "seats", "continuous",
            lambda s: s.coalition_seats, "mean"),
    Outcome("coalition_power", "coalition's voting power, mean over sessions", "share of decisions", "continuous",
            lambda s: s.coalition_power, "mean"),
    Outcome("coalition_power_max", "coalition's largest voting power", "share of decisions", "continuous",
            lambda s: s.coalition_power, "max"),
    Outcome("roll_calls", "roll calls", "roll calls", "count", _roll_calls, "sum"),
    Outcome("gov_bills", "Government bills", "bills", "count", _gov, "sum"),
    Outcome("gov_pass_rate", "Government bill pass rate", "share of its bills", "share", _gov_passed, "ratio",
            base=_gov, summary=True),
    Outcome("gov_defeats", "Government defeats", "bills", "count", _gov_defeats, "sum", summary=True, analysed=True),
    Outcome("ruling_party_defeated", "ruling party defeated at least once", "share of runs", "binary",
            _ruling_defeated, "any"),
    Outcome("ruling_collapse", "ruling party collapsed by its own expulsions", "share of runs", "binary",
            _collapsed, "any", summary=True),
    Outcome("laws_passed", "laws passed", "laws", "count", _laws, "sum"),
    Outcome("deputy_bills_passed", "deputy-initiated laws", "laws", "count", _deputy_laws, "sum"),
    Outcome("deputy_share_of_laws", "deputy-initiated share of laws", "share of laws", "share", _deputy_laws,
            "ratio", base=_laws, summary=True),
    Outcome("defections", "votes against party lines", "votes", "count", lambda s: s.defections, "sum"),
    Outcome("expulsions", "expulsions", "deputies", "count", lambda s: s.expulsions.sum(axis=1), "sum",
            summary=True, analysed=True),
    Outcome("expulsions_for_speech", "expulsions for public dissent", "deputies", "count",
            lambda s: s.expulsions_for_speech.sum(axis=1), "sum", summary=True),
    Outcome("speech_acts", "acts of public dissent", "acts", "count", lambda s: s.speech_acts, "sum"),
    Outcome("vacancies", "vacant seats at the end", "seats", "count", lambda s: s.vacancies, "last"),
    Outcome("mean_fear", "mean fear at the end", "0 to 1", "continuous", lambda s: s.mean_fear, "last"),
    # By party: what the observed record names (an expulsion in QHP; QHP and OSDP abstaining).
    Outcome("expulsions_of", "expulsions", "deputies", "count", lambda s: s.expulsions, "sum", by_party=True),
    Outcome("expulsions_for_speech_of", "expulsions for public dissent", "deputies", "count",
            lambda s: s.expulsions_for_speech, "sum", by_party=True),
    Outcome("abstained_on_government", "the party's line was to abstain on a Government bill", "share of runs",
            "binary", lambda s: ((s.lines == 0) & s.government[:, :, None]).sum(axis=1), "any", by_party=True),
):
    declare(_outcome)

