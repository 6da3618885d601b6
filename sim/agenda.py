"""The agenda of one session: who proposes each bill, its kind, the dimensions it moves, and the noise.

Everything random about a session is drawn at its start in a few vectorised calls, so a roll call
itself draws nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import AgendaConfig, DIMENSIONS

GOVERNMENT = -1


@dataclass(frozen=True)
class SessionAgenda:
    proposer_seat: np.ndarray  # seat of the initiating deputy, GOVERNMENT for a government bill
    kind: np.ndarray  # index into BILL_KINDS
    moves: np.ndarray  # (bills, dimensions) bool: which dimensions the bill changes
    offset: np.ndarray  # (bills, dimensions): the bill's distance from its proposer's ideal
    noise: np.ndarray  # (bills, seats): each deputy's idiosyncratic shock on each roll call


def _kinds(rng: np.random.Generator, probs: list[float], size: int) -> np.ndarray:
    kind = np.searchsorted(np.cumsum(probs), rng.random(size), side="right")
    return np.minimum(kind, len(probs) - 1)


def draw_session(
    rng: np.random.Generator,
    agenda: AgendaConfig,
    agenda_share: float,
    seated_seats: np.ndarray,
    n_seats: int,
    noise_sd: float,
) -> SessionAgenda:
    """Draw a session's bills: the Government proposes with probability `agenda_share`, otherwise a
    seated deputy chosen uniformly (so parties initiate in proportion to their seats)."""
    size = agenda.session_length
    n_dim = len(DIMENSIONS)
    government = rng.random(size) < agenda_share
    if len(seated_seats) == 0:
        government[:] = True
        seat = np.full(size, GOVERNMENT)
    else:
        seat = seated_seats[rng.integers(len(seated_seats), size=size)]
    proposer_seat = np.where(government, GOVERNMENT, seat)
    kind = np.where(
        government,
        _kinds(rng, agenda.government_kinds, size),
        _kinds(rng, agenda.deputy_kinds, size),
    )
    first = rng.integers(n_dim, size=size)
    second = (first + 1 + rng.integers(n_dim - 1, size=size)) % n_dim
    two = rng.random(size) < agenda.two_dimension_prob
    moves = np.zeros((size, n_dim), dtype=bool)
    moves[np.arange(size), first] = True
    moves[np.flatnonzero(two), second[two]] = True
    offset = rng.normal(0.0, agenda.bill_sd, size=(size, n_dim))
    noise = rng.normal(0.0, noise_sd, size=(size, n_seats))
    return SessionAgenda(proposer_seat, kind, moves, offset, noise)
