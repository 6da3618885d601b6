"""The agenda of one session: who proposes each bill, its kind, the dimensions it moves, and the noise.

Everything random about a session is drawn at its start in a few vectorised calls, so a roll call
itself draws nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from statistics import NormalDist

import numpy as np

from sim.config import AgendaConfig, RulesConfig

GOVERNMENT = -1


@dataclass(frozen=True)
class SessionAgenda:
    """The sessions of a batch of houses, stacked on the first axis (H houses, B bills, n seats)."""

    proposer_seat: np.ndarray  # (H, B) seat of the initiating deputy, GOVERNMENT for a government bill
    kind: np.ndarray  # (H, B) index into the rules' bill kinds
    moves: np.ndarray  # (H, B, dimensions) bool: which dimensions the bill changes
    offset: np.ndarray  # (H, B, dimensions): the bill's distance from its proposer's ideal
    noise: np.ndarray  # (H, B, n): each deputy's idiosyncratic shock on each roll call


@cache
def normal_quantiles() -> np.ndarray:
    """The standard normal's quantiles at the midpoints of 2^16 equal steps of probability. Indexed by
    a uniform 16-bit integer they are a normal draw by inverse transform at a third of the cost of
    rng.standard_normal here; the tails beyond 4.32 sd are cut, and the variance is 1 - 2e-5 (ODD 7.5)."""
    inverse = NormalDist().inv_cdf
    steps = 2**16
    return np.array([inverse((k + 0.5) / steps) for k in range(steps)])


def draw_sessions(
    rngs: Sequence[np.random.Generator],
    agendas: Sequence[AgendaConfig],
    rules: Sequence[RulesConfig],
    dimensions: int,
    agenda_share: np.ndarray,
    seated: np.ndarray,
    noise_sd: np.ndarray,
) -> SessionAgenda:
    """Draw a session's bills in each house h (its generator, agenda and rules; its Government's share of
    the agenda, its seated seats as a row of `seated`, its noise_sd): the Government proposes with
    probability agenda_share[h], otherwise a seated deputy chosen uniformly (so parties initiate in
    proportion to their seats). Three draws from each house's generator: one block of uniforms, one of
    standard normals for the offsets, one of 16-bit integers for the noise; the rest is arithmetic over
    the batch, row by row, so that each house gets what it would have drawn alone."""
    size, n_seats = agendas[0].session_length, seated.shape[1]
    draws = [(rng.random((6, size)), rng.standard_normal((size, dimensions)),
              rng.integers(0, 2**16, size=(size, n_seats), dtype=np.uint16)) for rng in rngs]
    u_gov, u_seat, u_kind, u_first, u_second, u_two = np.stack([u for u, _, _ in draws], axis=1)
    offset = np.array([a.bill_sd for a in agendas])[:, None, None] * np.stack([z for _, z, _ in draws])
    noise = noise_sd[:, None, None] * normal_quantiles().take(np.stack([k for _, _, k in draws]))
    count = seated.sum(axis=1)
    government = (u_gov < agenda_share[:, None]) | (count == 0)[:, None]
    # Each house's seated seats first, in seat order: the k-th seated seat is in column k.
    in_order = np.argsort(~seated, axis=1, kind="stable")
    seat = np.take_along_axis(in_order, (u_seat * count[:, None]).astype(np.int64), axis=1)
    proposer_seat = np.where(government, GOVERNMENT, seat)
    kind = np.where(government, _kinds(u_kind, [[k.government for k in r.kinds] for r in rules]),
                    _kinds(u_kind, [[k.deputies for k in r.kinds] for r in rules]))
    first = (u_first * dimensions).astype(np.int64)
    second = (first + 1 + (u_second * (dimensions - 1)).astype(np.int64)) % dimensions
    two = u_two < np.array([a.two_dimension_prob for a in agendas])[:, None]
    moves = first[:, :, None] == np.arange(dimensions)
    moves |= two[:, :, None] & (second[:, :, None] == np.arange(dimensions))
    return SessionAgenda(proposer_seat, kind, moves, offset, noise)


def _kinds(uniform: np.ndarray, probs: list[list[float]]) -> np.ndarray:
    """Bill kinds from uniforms (a row per house) by inverting each house's cumulative kind
    probabilities: the number of cumulative probabilities at or below the uniform."""
    cumulative = np.cumsum(probs, axis=1)
    return np.minimum((cumulative[:, None, :] <= uniform[:, :, None]).sum(axis=2), len(probs[0]) - 1)
