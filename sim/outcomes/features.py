"""What a finished run produced: a row of scalar outcomes per term, and per-roll-call tables."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.agenda import GOVERNMENT
from sim.model.model import MajilisModel
from sim.outcomes.registry import WindowOutcome

# Per session of a run (sim.evaluation keeps these, and the analyses sum them over any window of sessions).
SESSION_FEATURES = ("coalition_seats", "coalition_blocking", "gov_defeats", "expulsions", "laws_passed",
                    "deputy_laws")
# Per session and party row: expulsions, and the Government bills on which the party's line was to abstain.
PARTY_FEATURES = ("expulsions", "gov_line_abstain")


def session_features(model: MajilisModel) -> tuple[np.ndarray, np.ndarray]:
    """What each session of a finished run did, as integer arrays: (sessions, SESSION_FEATURES) and
    (sessions, party rows, PARTY_FEATURES)."""
    r, n = model.record, model.session_length
    sessions = model.held // n
    done = sessions * n
    gov = (r.proposer[:done] == GOVERNMENT).reshape(sessions, n)
    passed = r.passed[:done].reshape(sessions, n)
    seats = r.coalition_seats[:done:n]
    features = np.stack([seats, seats >= model.blocking, (gov & ~passed).sum(axis=1), np.zeros(sessions),
                         passed.sum(axis=1), (passed & ~gov).sum(axis=1)], axis=1).astype(np.int32)
    lines = r.lines[:done].reshape(sessions, n, -1)
    party = np.zeros((sessions, lines.shape[2], len(PARTY_FEATURES)), dtype=np.int32)
    party[:, :, 1] = ((lines == 0) & gov[:, :, None]).sum(axis=1)
    rows = {name: i for i, name in enumerate(model.parties.names)}
    for expulsion in model.expelled:
        session = expulsion["session"]
        features[session, SESSION_FEATURES.index("expulsions")] += 1
        party[session, rows[expulsion["party"]], 0] += 1
    return features, party


@dataclass
class Results:
    """Per run (points, replicates, sessions, ...): the features of sim.outcomes.session_features."""

    features: np.ndarray  # (P, R, S, len(SESSION_FEATURES))
    party: np.ndarray  # (P, R, S, party rows, len(PARTY_FEATURES))
    party_names: list[str]

    def feature(self, name: str) -> np.ndarray:
        return self.features[..., SESSION_FEATURES.index(name)]

    def party_feature(self, name: str, party: str) -> np.ndarray:
        return self.party[..., self.party_names.index(party), PARTY_FEATURES.index(name)]

    def points(self, mask: np.ndarray) -> Results:
        """The runs of the points where `mask` is true."""
        return Results(self.features[mask], self.party[mask], self.party_names)

    def outcome(self, outcome: WindowOutcome, window: slice = slice(None)) -> np.ndarray:
        """(P, R) the outcome of every run over the sessions of `window`."""
        values = self.feature(outcome.feature)[..., window]
        return ((values > 0).any(axis=-1) if outcome.reduce == "any" else values.sum(axis=-1)).astype(float)
