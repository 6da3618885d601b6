"""The agenda of one session: who proposes each bill, its kind, the dimensions it moves, and the noise.

Everything random about a session is drawn at its start in a few vectorised calls, so a roll call
itself draws nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from statistics import NormalDist

import numpy as np

from sim.config import AgendaConfig, RulesConfig

GOVERNMENT = -1


@dataclass(frozen=True)
class SessionAgenda:
    proposer_seat: np.ndarray  # seat of the initiating deputy, GOVERNMENT for a government bill
    kind: np.ndarray  # index into the rules' bill kinds
    moves: np.ndarray  # (bills, dimensions) bool: which dimensions the bill changes
    offset: np.ndarray  # (bills, dimensions): the bill's distance from its proposer's ideal
    noise: np.ndarray  # (bills, seats): each deputy's idiosyncratic shock on each roll call


@cache
def normal_quantiles() -> np.ndarray:
    """The standard normal's quantiles at the midpoints of 2^16 equal steps of probability. Indexed by
    a uniform 16-bit integer they are a normal draw by inverse transform at a third of the cost of
    rng.standard_normal here; the tails beyond 4.32 sd are cut, and the variance is 1 - 2e-5 (ODD 7.5)."""
    inverse = NormalDist().inv_cdf
    steps = 2**16
    return np.array([inverse((k + 0.5) / steps) for k in range(steps)])


def _kinds(uniform: np.ndarray, probs: list[float]) -> np.ndarray:
    """Bill kinds from uniforms by inverting the cumulative kind probabilities."""
    return np.minimum(np.searchsorted(np.cumsum(probs), uniform, side="right"), len(probs) - 1)


def draw_session(
    rng: np.random.Generator,
    agenda: AgendaConfig,
    rules: RulesConfig,
    dimensions: int,
    agenda_share: float,
    seated_seats: np.ndarray,
    n_seats: int,
    noise_sd: float,
) -> SessionAgenda:
    """Draw a session's bills: the Government proposes with probability `agenda_share`, otherwise a
    seated deputy chosen uniformly (so parties initiate in proportion to their seats). Three draws from
    the generator: one block of uniforms, one of standard normals for the offsets, one of 16-bit
    integers for the noise."""
    size = agenda.session_length
    n_dim = dimensions
    u_gov, u_seat, u_kind, u_first, u_second, u_two = rng.random((6, size))
    offset = agenda.bill_sd * rng.standard_normal((size, n_dim))
    noise = noise_sd * normal_quantiles()[rng.integers(0, 2**16, size=(size, n_seats), dtype=np.uint16)]
    government = (u_gov < agenda_share) | (len(seated_seats) == 0)
    seat = seated_seats[(u_seat * len(seated_seats)).astype(np.int64)] if len(seated_seats) else 0
    proposer_seat = np.where(government, GOVERNMENT, seat)
    kind = np.where(government, _kinds(u_kind, [k.government for k in rules.kinds]),
                    _kinds(u_kind, [k.deputies for k in rules.kinds]))
    first = (u_first * n_dim).astype(np.int64)
    second = (first + 1 + (u_second * (n_dim - 1)).astype(np.int64)) % n_dim
    two = u_two < agenda.two_dimension_prob
    moves = np.zeros((size, n_dim), dtype=bool)
    moves[np.arange(size), first] = True
    moves[np.flatnonzero(two), second[two]] = True
    return SessionAgenda(proposer_seat, kind, moves, offset, noise)
