"""What a run keeps of its roll calls, preallocated for the whole run; sim.outcomes reads it."""

from __future__ import annotations

import numpy as np

from sim.config import DIMENSIONS
from sim.model.rollcall import Sitting


class RollCallRecord:
    """Per roll call: session, proposer (GOVERNMENT or a party row), bill kind, the dimensions the bill
    moves, the executive's stance, the result, the coalition's seats and power, every party line and
    every seat's vote, and the votes by party and code. Per session: who sat in each seat."""

    def __init__(self, roll_calls: int, party_rows: int, seats: int) -> None:
        self.session = np.zeros(roll_calls, dtype=np.int64)
        self.proposer = np.zeros(roll_calls, dtype=np.int64)
        self.kind = np.zeros(roll_calls, dtype=np.int64)
        self.moves = np.zeros((roll_calls, len(DIMENSIONS)), dtype=bool)
        self.stance = np.zeros(roll_calls, dtype=np.int64)
        self.passed = np.zeros(roll_calls, dtype=bool)
        self.coalition_seats = np.zeros(roll_calls, dtype=np.int64)
        self.coalition_power = np.zeros(roll_calls)
        self.lines = np.zeros((roll_calls, party_rows), dtype=np.int8)
        self.votes = np.zeros((roll_calls, seats), dtype=np.int8)
        self.counts = np.zeros((roll_calls, party_rows, 4), dtype=np.int64)
        # Seats change hands only between sessions: a Mesa unique_id (or None, vacant) per seat.
        self.occupant_ids: list[list[int | None]] = []
        self.span = slice(0, 0)

    def open_session(self, span: slice, session: int, proposer: np.ndarray, kind: np.ndarray, moves: np.ndarray,
                     coalition_seats: int, coalition_power: float, occupant_ids: list[int | None]) -> None:
        self.span = span
        self.session[span], self.proposer[span], self.kind[span], self.moves[span] = session, proposer, kind, moves
        self.coalition_seats[span], self.coalition_power[span] = coalition_seats, coalition_power
        self.occupant_ids.append(occupant_ids)

    def close_session(self, sitting: Sitting, house: int) -> None:
        """The session's results, from row `house` of the sitting."""
        span = self.span
        self.stance[span], self.passed[span] = sitting.stance[house], sitting.passed[house]
        self.lines[span], self.votes[span] = sitting.lines[house], sitting.votes[house]
        self.counts[span] = sitting.counts[house]
