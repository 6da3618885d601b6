"""The coalition game among the non-ruling players (parties and self-nominated deputies).

The game starts from the grand opposition coalition (every player who could gain from some coalition)
and lets the player with the most negative value leave, one at a time, re-admitting outsiders whose
joining value turns positive, until nobody wants to move. Starting from the grand coalition finds the
largest stable coalition rather than none: a lone player's value is always small, so a game started
from nobody would rarely begin.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .config import CoalitionConfig


@dataclass(frozen=True)
class Players:
    seats: np.ndarray  # seated deputies each player brings
    position: np.ndarray  # (players, dimensions): platform, or a deputy's ideal point
    intent: np.ndarray  # opposition intent in [0, 1]
    risk: np.ndarray  # registration (or mandate) risk in [0, 1]: the mean fear of its deputies
    cost: np.ndarray  # coordination cost of committing to a common line
    rivals: np.ndarray  # (players, players) bool

    @cached_property
    def weighted(self) -> np.ndarray:
        return self.seats[:, None] * self.position


def power(seats: float | np.ndarray, blocking: int, majority: int) -> float | np.ndarray:
    """How much a coalition of `seats` can do: half for approaching the blocking minority, half for
    approaching a majority of the house; 1 at a majority."""
    return np.minimum(seats * (0.5 / blocking), 0.5) + np.minimum(seats * (0.5 / majority), 0.5)


def values(
    members: np.ndarray, players: Players, cfg: CoalitionConfig, blocking: int, majority: int
) -> np.ndarray:
    """Each player's value of belonging to the coalition `members` plus itself.

    V_j = intent_j * power(seats) - distance_weight * |pos_j - centre| - rivalry_cost * [rival inside]
          - risk_weight * risk_j - cost_j
    where seats and the seat-weighted centre are of members plus j.
    """
    inside = members.astype(float)
    joining = players.seats * (1.0 - inside)
    seats = joining + inside @ players.seats
    centre = (inside @ players.weighted + joining[:, None] * players.position) / seats[:, None]
    offset = players.position - centre
    distance = np.sqrt((offset * offset).sum(axis=1))
    rival_inside = (players.rivals @ inside) > 0
    return (players.intent * power(seats, blocking, majority) - cfg.distance_weight * distance
            - cfg.rivalry_cost * rival_inside - (cfg.risk_weight * players.risk + players.cost))


def hopeful(players: Players, cfg: CoalitionConfig, blocking: int, majority: int) -> np.ndarray:
    """Players who could gain from some coalition of hopeful players. A player's value is at most
    intent * power(all hopeful seats) - risk_weight * risk - cost (distance and rivals only
    subtract), so one whose bound is negative would leave any coalition and never join one."""
    alive = np.ones(len(players.seats), dtype=bool)
    fixed = cfg.risk_weight * players.risk + players.cost
    while alive.any():
        bound = players.intent * power(players.seats[alive].sum(), blocking, majority) - fixed
        drop = alive & (bound < 0)
        if not drop.any():
            break
        alive &= ~drop
    return alive


def form(players: Players, cfg: CoalitionConfig, blocking: int, majority: int) -> np.ndarray:
    """The stable coalition as a boolean mask over players (all False when fewer than two remain)."""
    members = hopeful(players, cfg, blocking, majority)
    for _ in range(cfg.max_rounds * max(len(members), 1)):
        if not members.any():  # nobody hopeful: nobody will join either
            break
        v = values(members, players, cfg, blocking, majority)
        inside = np.where(members, v, np.inf)
        leaver = inside.argmin()
        if inside[leaver] < 0:
            members[leaver] = False
            continue
        outside = np.where(members, -np.inf, v)
        joiner = outside.argmax()
        if outside[joiner] > 0:
            members[joiner] = True
            continue
        break
    if members.sum() < 2:
        members[:] = False
    return members
