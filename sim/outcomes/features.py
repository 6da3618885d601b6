"""What the analyses keep of a run: the analysed outcomes of the registry, session by session, so that
any window of sessions can be read afterwards (the record's first three, the rest of the term)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.model.model import MajilisModel
from sim.outcomes import registry
from sim.outcomes.sessions import sessions_of

BASE = "__base"  # the suffix of a ratio's denominator among the features
# A run given a record's expulsions (sim.model.given): the log-probability its own draws would have made them.
LIKELIHOOD = "__log_likelihood"


def session_features(model: MajilisModel, names: Sequence[str]) -> dict[str, np.ndarray]:
    """Per named outcome, its value in each session of a finished run: (sessions,) or, by party,
    (sessions, party rows); a ratio's base under NAME__base; for a run given expulsions, its
    likelihood of them under LIKELIHOOD."""
    sessions = sessions_of(model)
    features = {} if model.given is None else {LIKELIHOOD: np.array(model.log_likelihood)}
    for o in map(registry.outcome, names):
        features[o.name] = np.asarray(o.per_session(sessions), dtype=float)
        if o.base is not None:
            features[o.name + BASE] = np.asarray(o.base(sessions), dtype=float)
    return features


@dataclass
class Results:
    """Every run's session features, stacked: (points, replicates, sessions) per outcome, with the party
    rows after the sessions for an outcome by party."""

    features: dict[str, np.ndarray]
    party_names: list[str]

    def points(self, mask: np.ndarray) -> Results:
        """The runs of the points where `mask` is true."""
        return Results({name: values[mask] for name, values in self.features.items()}, self.party_names)

    @property
    def points_count(self) -> int:
        return int(next(iter(self.features.values())).shape[0])

    @property
    def replicates(self) -> int:
        return int(next(iter(self.features.values())).shape[1])

    def log_likelihood(self) -> np.ndarray:
        """(P, R) each run's log-likelihood of the expulsions it was given (0 where none were given)."""
        return self.features.get(LIKELIHOOD, np.zeros((self.points_count, self.replicates)))

    def outcome(self, outcome: registry.Outcome, window: slice = slice(None), party: str | None = None) -> np.ndarray:
        """(P, R) the outcome of every run over the sessions of `window` (of one party, for an outcome
        by party)."""
        if outcome.name not in self.features:
            raise KeyError(f"{outcome.name!r} was not kept by this analysis: it keeps {sorted(self.features)}")
        values, base = self.features[outcome.name], self.features.get(outcome.name + BASE)
        if outcome.by_party:
            if party not in self.party_names:
                raise KeyError(f"party {party!r}: the parties here are {self.party_names}")
            row = self.party_names.index(party)
            values = values[..., row]
            base = None if base is None else base[..., row]
        return outcome.reduce(values[..., window], None if base is None else base[..., window])
