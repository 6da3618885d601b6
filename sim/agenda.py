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


def _kinds(uniform: np.ndarray, probs: list[float]) -> np.ndarray:
    """Bill kinds from uniforms by inverting the cumulative kind probabilities."""
    return np.minimum(np.searchsorted(np.cumsum(probs), uniform, side="right"), len(probs) - 1)


def draw_session(
    rng: np.random.Generator,
    agenda: AgendaConfig,
    agenda_share: float,
    seated_seats: np.ndarray,
    n_seats: int,
    noise_sd: float,
) -> SessionAgenda:
    """Draw a session's bills: the Government proposes with probability `agenda_share`, otherwise a
    seated deputy chosen uniformly (so parties initiate in proportion to their seats). Two draws from
    the generator: one block of uniforms, one of standard normals."""
    size = agenda.session_length
    n_dim = len(DIMENSIONS)
    u_gov, u_seat, u_kind, u_first, u_second, u_two = rng.random((6, size))
    normal = rng.standard_normal((size, n_dim + n_seats))
    government = (u_gov < agenda_share) | (len(seated_seats) == 0)
    seat = seated_seats[(u_seat * len(seated_seats)).astype(np.int64)] if len(seated_seats) else 0
    proposer_seat = np.where(government, GOVERNMENT, seat)
    kind = np.where(government, _kinds(u_kind, agenda.government_kinds), _kinds(u_kind, agenda.deputy_kinds))
    first = (u_first * n_dim).astype(np.int64)
    second = (first + 1 + (u_second * (n_dim - 1)).astype(np.int64)) % n_dim
    two = u_two < agenda.two_dimension_prob
    moves = np.zeros((size, n_dim), dtype=bool)
    moves[np.arange(size), first] = True
    moves[np.flatnonzero(two), second[two]] = True
    offset = agenda.bill_sd * normal[:, :n_dim]
    noise = noise_sd * normal[:, n_dim:]
    return SessionAgenda(proposer_seat, kind, moves, offset, noise)
