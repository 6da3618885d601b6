"""A run's record cut into its closed sessions: what every outcome of the registry is computed from."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.agenda import GOVERNMENT
from sim.model.model import MajilisModel


@dataclass(frozen=True)
class Sessions:
    """Arrays over the S closed sessions of a run, (S, B) for its B roll calls a session, (S, parties)
    per party row."""

    government: np.ndarray  # (S, B) a Government bill
    passed: np.ndarray  # (S, B)
    lines: np.ndarray  # (S, B, party rows) each party's line: +1 yes, 0 abstain or free, -1 no
    ruling: int  # the ruling party's row
    coalition_seats: np.ndarray  # (S,) seats of the coalition formed at the session's start (0: none)
    coalition_power: np.ndarray  # (S,) its voting power
    margin: np.ndarray  # (S,) the best bloc's margin at the session's start
    blocking: int  # the blocking minority of the house
    majority: int  # the ordinary majority
    defections: np.ndarray  # (S,) votes against party lines
    expulsions: np.ndarray  # (S, party rows) expulsions at the session's close
    expulsions_for_speech: np.ndarray  # (S, party rows) those of them for public dissent (ODD 7.9a)
    speech_acts: np.ndarray  # (S,) acts of public dissent
    mean_fear: np.ndarray  # (S,) mean fear of the seated deputies at the session's close
    vacancies: np.ndarray  # (S,) vacant seats at the session's close
    ruling_seated: np.ndarray  # (S,) the ruling party's seated deputies at the session's close
    ruling_elected: np.ndarray  # (S,) the seats it won at the election of the session's term

    @property
    def count(self) -> int:
        return len(self.coalition_seats)


def sessions_of(model: MajilisModel) -> Sessions:
    """The closed sessions of `model` (all of them once it has run)."""
    r, n = model.record, model.session_length
    s = model.session
    done = s * n
    rows = {name: i for i, name in enumerate(model.parties.names)}
    ruling = model.parties.names[model.parties.ruling]
    per_term = model.cfg.agenda.sessions_per_term
    elected = np.array([model.terms[k // per_term].seats.get(ruling, 0) for k in range(s)], dtype=np.int64)
    expulsions = np.zeros((s, len(rows)), dtype=np.int64)
    for_speech = np.zeros((s, len(rows)), dtype=np.int64)
    for expulsion in model.expelled:
        expulsions[expulsion.session, rows[expulsion.party]] += 1
        for_speech[expulsion.session, rows[expulsion.party]] += expulsion.trigger == "speech"
    return Sessions(
        government=(r.proposer[:done] == GOVERNMENT).reshape(s, n),
        passed=r.passed[:done].reshape(s, n),
        lines=r.lines[:done].reshape(s, n, -1),
        ruling=model.parties.ruling,
        coalition_seats=r.coalition_seats[:done:n],
        coalition_power=r.coalition_power[:done:n],
        margin=r.margin[:s],
        blocking=model.blocking,
        majority=model.majority,
        defections=r.defections[:s],
        expulsions=expulsions,
        expulsions_for_speech=for_speech,
        speech_acts=r.speech_acts[:s],
        mean_fear=r.mean_fear[:s],
        vacancies=r.vacancies[:s],
        ruling_seated=r.seated_by_party[:s, model.parties.ruling],
        ruling_elected=elected,
    )
