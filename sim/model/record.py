"""What a run keeps: its roll calls, each session's close, and every expulsion, preallocated for the
whole run; sim.outcomes reads it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.rollcall import Sitting


@dataclass(frozen=True)
class Expulsion:
    """One expulsion under the imperative mandate: when (term from 1, session from 0 over the run),
    whom, the deputy's true position, and the record it was judged on (ODD 7.9)."""

    term: int
    session: int
    seat: int
    deputy: int
    party: str
    seat_kind: str  # "list" or "district"
    position: tuple[float, ...]  # on each dimension
    # The record its party judged (ODD 7.9): since it took its seat, the warm-up's sessions included.
    roll_calls_sat: int
    with_executive: int  # votes against the party line with the executive's stance
    against_executive: int  # and against it
    speech_acts: int  # acts of public dissent (ODD 7.9a)
    trigger: str  # what the expulsion was for, drawn from the hazard's shares: "vote" or "speech"
    from_executive: tuple[float, ...]  # position minus the executive's point, on each dimension


@dataclass(frozen=True)
class Term:
    """A term's house as it sat down: seats per party (self-nominated deputies under 'self_nominated')."""

    seats: dict[str, int]


class RollCallRecord:
    """Per roll call: session, proposer (GOVERNMENT or a party row), bill kind, the dimensions the bill
    moves, the executive's stance, the result, the coalition's seats and power, every party line and
    every seat's vote, and the votes by party and code. Per session: who sat in each seat, and at its
    close the votes against party lines, the acts of public dissent, the mean fear of the seated
    deputies, the vacant seats and the seated deputies of each party."""

    def __init__(self, roll_calls: int, sessions: int, party_rows: int, seats: int, dimensions: int) -> None:
        self.session = np.zeros(roll_calls, dtype=np.int64)
        self.proposer = np.zeros(roll_calls, dtype=np.int64)
        self.kind = np.zeros(roll_calls, dtype=np.int64)
        self.moves = np.zeros((roll_calls, dimensions), dtype=bool)
        self.stance = np.zeros(roll_calls, dtype=np.int64)
        self.passed = np.zeros(roll_calls, dtype=bool)
        self.coalition_seats = np.zeros(roll_calls, dtype=np.int64)
        self.coalition_power = np.zeros(roll_calls)
        self.lines = np.zeros((roll_calls, party_rows), dtype=np.int8)
        self.votes = np.zeros((roll_calls, seats), dtype=np.int8)
        self.counts = np.zeros((roll_calls, party_rows, 4), dtype=np.int64)
        # Seats change hands only between sessions: a Mesa unique_id (or None, vacant) per seat.
        self.occupant_ids: list[list[int | None]] = []
        self.margin = np.full(sessions, np.nan)
        self.defections = np.zeros(sessions, dtype=np.int64)
        self.speech_acts = np.zeros(sessions, dtype=np.int64)
        self.mean_fear = np.full(sessions, np.nan)
        self.vacancies = np.zeros(sessions, dtype=np.int64)
        self.seated_by_party = np.zeros((sessions, party_rows), dtype=np.int64)
        self.span = slice(0, 0)

    def open_session(self, span: slice, session: int, proposer: np.ndarray, kind: np.ndarray, moves: np.ndarray,
                     coalition_seats: int, coalition_power: float, margin: float,
                     occupant_ids: list[int | None]) -> None:
        self.span = span
        self.session[span], self.proposer[span], self.kind[span], self.moves[span] = session, proposer, kind, moves
        self.coalition_seats[span], self.coalition_power[span] = coalition_seats, coalition_power
        self.occupant_ids.append(occupant_ids)
        self.margin[session] = margin

    def close_session(self, sitting: Sitting, house: int, session: int) -> None:
        """The session's results, from row `house` of the sitting."""
        span = self.span
        self.defections[session] = sitting.defections[house].sum()
        self.stance[span], self.passed[span] = sitting.stance[house], sitting.passed[house]
        self.lines[span], self.votes[span] = sitting.lines[house], sitting.votes[house]
        self.counts[span] = sitting.counts[house]

    def house_after(self, session: int, fear: np.ndarray, seated: np.ndarray, party_of: np.ndarray,
                    speech: np.ndarray) -> None:
        """The house at a session's close, after its sanctions and expulsions, and the session's acts of
        public dissent."""
        self.speech_acts[session] = speech.sum()
        self.mean_fear[session] = fear[seated].mean() if seated.any() else np.nan
        self.vacancies[session] = (~seated).sum()
        self.seated_by_party[session] = np.bincount(party_of[seated], minlength=self.seated_by_party.shape[1])
