"""The coalition game among the non-ruling players (parties and self-nominated deputies).

A coalition is worth to its members what it can decide: its voting power in the chamber as it sits,
where the ruling party, the coalition (one player) and every other party and self-nominated deputy
vote as blocs. Power is the normalised Banzhaf index of the coalition at each bill kind's threshold,
weighted by how often that kind comes up. A threshold the ruling party meets alone (with more than
half the house) leaves every other bloc without power, so a coalition facing such a party is worth
nothing on those bills, however large.

Why a registered minor party would join at all (ODD 7.8, after the literature on legislatures in
autocracies): what the bloc can decide and bargain over (power, times the player's opposition intent),
being seen to oppose by its voters (visibility, times intent), against the co-optation rents a party
forfeits by opposing (times its regime alignment; Gandhi & Przeworski 2007), the registration or
mandate risk, the policy distance to the bloc's centre, a declared rival inside, and coordination.

Each session every player's value carries a private shock, logistic with scale `choice_noise` (the
payoffs the model does not see: side deals, signals from the Presidential Administration, personal
ties). That is the logit quantal response of McKelvey & Palfrey (1995) with rationality 1/choice_noise:
a coalition forms with a probability that moves smoothly with every cost, not on a knife edge.

The game's answer, given the shocks, is the largest stable coalition: no member would rather leave, no
outsider would rather join. Up to EXACT_PLAYERS players it is found exactly, by checking every bloc at
once; beyond that by a leave/join search from the grand coalition (ODD 7.8 says how often that misses).
The margin (best_margin) is worked out without the shocks: how far the house is, on average, from a bloc.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

import numpy as np

from sim.config import CoalitionConfig
from sim.model.parties import equal_salience, gain_rows
from sim.model.power import banzhaf

if TYPE_CHECKING:
    from sim.model.parties import PartyTable
    from sim.model.seats import Seats

# 2^16 blocs at most: tens of milliseconds. The 2023 house has 12 non-ruling players.
EXACT_PLAYERS = 16


@dataclass(frozen=True)
class Chamber:
    """The house as the coalition game sees it."""

    ruling: int  # seated deputies of the ruling party
    quotas: tuple[int, ...]  # yes votes each bill kind needs
    frequency: tuple[float, ...]  # how often each kind comes up (sums to 1)

    @property
    def reach(self) -> float:
        """The most power any bloc can have: the share of bills whose threshold the ruling party
        cannot meet alone (power is at most 1 on those and 0 on the others)."""
        return float(sum(f for f, q in zip(self.frequency, self.quotas, strict=True) if self.ruling < q))


@dataclass(frozen=True)
class Players:
    seats: np.ndarray  # seated deputies each player brings (integers)
    position: np.ndarray  # (players, dimensions): platform, or a deputy's ideal point
    intent: np.ndarray  # opposition intent in [0, 1]
    risk: np.ndarray  # registration (or mandate) risk in [0, 1]: the mean fear of its deputies
    cost: np.ndarray  # fixed net cost: coordination + forfeited rents - visibility (less the session's shock)
    rivals: np.ndarray  # (players, players) bool

    @cached_property
    def weighted(self) -> np.ndarray:
        return self.seats[:, None] * self.position


@lru_cache(maxsize=1 << 16)
def _bloc_banzhaf(quota: int, ruling: int, bloc: int, outside: tuple[int, ...]) -> float:
    return float(banzhaf(np.array((ruling, bloc, *outside)), quota)[1])


def power(chamber: Chamber, bloc: int, outside: np.ndarray) -> float:
    """Voting power of a bloc of `bloc` seats facing the ruling party and the players of `outside`
    seats each: its Banzhaf index at each threshold, weighted by how often that threshold applies.
    Cached: a house's few distinct games recur across sessions and replicates."""
    if bloc == 0:
        return 0.0
    outside = np.asarray(outside)
    others = tuple(np.sort(outside[outside > 0]).tolist())  # the cache's key: the multiset, as Python ints
    return sum(f * _bloc_banzhaf(q, chamber.ruling, bloc, others)
               for f, q in zip(chamber.frequency, chamber.quotas, strict=True) if chamber.ruling < q)


def values(members: np.ndarray, players: Players, chamber: Chamber, cfg: CoalitionConfig) -> np.ndarray:
    """Each player's value of belonging to the coalition `members` plus itself:

    V_j = intent_j * power(D) - distance_weight * |pos_j - centre(D)| - rivalry_cost * [rival in D]
          - risk_weight * risk_j - cost_j,    D = members + j,
    with cost_j the player's fixed net cost (play() says what it holds).
    """
    inside = members.astype(float)
    joining = players.seats * (1.0 - inside)
    seats = joining + inside @ players.seats
    centre = (inside @ players.weighted + joining[:, None] * players.position) / seats[:, None]
    offset = players.position - centre
    distance = np.sqrt((offset * offset).sum(axis=1))
    rival_inside = (players.rivals @ inside) > 0
    # A member faces the bloc and everyone outside it; an outsider the bloc with it and everyone else
    # outside: its power depends only on its own seats, so each distinct game is worked out once.
    games: dict[tuple[int, int], float] = {}
    bloc_power = np.empty(len(members))
    for j in range(len(members)):
        game = (int(seats[j]), 0 if members[j] else int(players.seats[j]))
        if game not in games:
            games[game] = power(chamber, game[0], players.seats[~(members | (np.arange(len(members)) == j))])
        bloc_power[j] = games[game]
    return (players.intent * bloc_power - cfg.distance_weight * distance
            - cfg.rivalry_cost * rival_inside - (cfg.risk_weight * players.risk + players.cost))


def hopeful(players: Players, chamber: Chamber, cfg: CoalitionConfig, slack: float = 0.0) -> np.ndarray:
    """Players who could gain from some coalition. Power is at most the chamber's reach, and distance
    and rivals only subtract, so a player with intent * reach < risk_weight * risk + cost would leave
    any coalition and never join one. With `slack`, also those short of it by at most that much."""
    return players.intent * chamber.reach - (cfg.risk_weight * players.risk + players.cost) > -slack


# The bound of hopeful() and a member's value add the same terms in another order, so they may differ
# by a few units of rounding: players this close to the bound are kept as if they could gain.
ROUNDING = 1e-9


def form(players: Players, chamber: Chamber, cfg: CoalitionConfig, shock: np.ndarray | None = None,
         kept: Kept | None = None) -> np.ndarray:
    """The largest stable coalition as a boolean mask over players (all False when there is none), each
    player's value raised by its `shock` this session (none: the game without shocks). Up to
    EXACT_PLAYERS players every bloc is checked at once: members would not leave (value >= 0), no
    outsider would join (its value of the bloc with it <= 0); the stable bloc with the most seats wins,
    then the one with the most members, then the first in binary order of the players. `kept`: the
    house's table of values from its earlier sessions (Kept)."""
    n = len(players.seats)
    shock = np.zeros(n) if shock is None else shock
    members = np.zeros(n, dtype=bool)
    if n < 2:
        return members
    shocked = replace(players, cost=players.cost - shock)
    if n > EXACT_PLAYERS:
        candidates = np.flatnonzero(hopeful(shocked, chamber, cfg))
        if len(candidates) >= 2:
            members[_leave_and_join(shocked, chamber, cfg, candidates)] = True
        return members
    # A stable bloc has two members or more, each of whom gains: most sessions no two players can.
    if np.count_nonzero(hopeful(shocked, chamber, cfg, ROUNDING)) < 2:
        return members
    subsets, inside, _ = _blocs(tuple(int(s) for s in players.seats), chamber)
    value = _values_table(players, chamber, cfg, kept) - (cfg.risk_weight * players.risk - shock)[:, None]
    willing = np.flatnonzero((value >= 0).all(axis=0))  # no member would leave (+inf: not a member)
    if len(willing) == 0:
        return members
    row_of = np.full(1 << n, -1)
    row_of[subsets] = np.arange(len(subsets))
    # Each outsider's value of the bloc it would join (a member's own entry is the bloc's, >= 0).
    joining = value[np.arange(n), row_of[subsets[willing, None] | (1 << np.arange(n))]]
    stable = willing[np.where(inside[willing], True, joining <= 0).all(axis=1)]
    if len(stable) == 0:
        return members
    rank = np.lexsort((subsets[stable], -inside[stable].sum(axis=1), -(inside[stable] @ players.seats)))
    return inside[stable[rank[0]]].copy()


@lru_cache(maxsize=256)
def _blocs(seats: tuple[int, ...], chamber: Chamber) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every bloc of two or more of these players (as bit masks, ascending, and as rows of membership)
    and its power. Cached: a house's players and their seats change only with an expulsion or a vacancy."""
    n = len(seats)
    subsets = np.arange(1 << n)
    inside = (subsets[:, None] & (1 << np.arange(n))) > 0
    blocs = inside.sum(axis=1) >= 2
    subsets, inside = subsets[blocs], inside[blocs]
    return subsets, inside, _subset_power(np.array(seats), chamber, inside, inside @ np.array(seats))


def _subset_power(seats: np.ndarray, chamber: Chamber, inside: np.ndarray, subset_seats: np.ndarray) -> np.ndarray:
    """The power of each bloc (rows of `inside` over the players of `seats` each), every other player
    outside it. A bloc's power depends on its seats and the multiset of seats left outside it: few
    distinct, each worked out once."""
    kinds, code = np.unique(seats, return_inverse=True)
    outside = np.bincount(code, minlength=len(kinds)) - inside @ np.eye(len(kinds), dtype=np.int64)[code]
    # One mixed-radix integer per (seats, outside multiset), so that np.unique runs on a flat array.
    radix = np.cumprod([int(subset_seats.max()) + 1, *(np.bincount(code) + 1)])[:-1]
    _, first, where = np.unique(subset_seats + outside @ radix, return_index=True, return_inverse=True)
    table = np.array([power(chamber, int(subset_seats[i]), np.repeat(kinds, outside[i])) for i in first])
    return table[where.ravel()]


def best_margin(players: Players, chamber: Chamber, cfg: CoalitionConfig, kept: Kept | None = None) -> float:
    """How far the house is from a coalition: over the blocs of two or more players, the value (ODD 7.8)
    of the least willing member, at its highest, without the session's shocks. Positive: some bloc every
    member of which would gain; negative: the least any bloc would have to be paid. Every bloc is checked
    up to EXACT_PLAYERS players; beyond, the blocs left as the least willing member leaves the grand
    coalition, one at a time. NaN with fewer than two players."""
    n = len(players.seats)
    if n < 2:
        return float("nan")
    if n > EXACT_PLAYERS:
        members, best = np.ones(n, dtype=bool), -np.inf
        while members.sum() >= 2:
            v = np.where(members, values(members, players, chamber, cfg), np.inf)
            best = max(best, float(v.min()))
            members[int(np.argmin(v))] = False
        return best
    value = _values_table(players, chamber, cfg, kept) - (cfg.risk_weight * players.risk)[:, None]
    return float(np.max(np.min(value, axis=0)))


# Blocs x players values kept per house up to this many numbers (14 players: 229,000, 1.8 MB; an
# analysis's lockstep chunk of 200 such houses keeps 370 MB).
CACHED_VALUES = (1 << 14) * 14


class Kept:
    """One house's game from session to session: its players but their risk, its chamber and its table
    of values (_values_table), kept while its players stand (Seats.changes counts what changes them):
    one a house, dropped with the house. Only the players' risk and shocks change from session to session."""

    def __init__(self) -> None:
        self.changes = -1  # Seats.changes when the game was set up
        self.game: _Game | None = None
        self.table: np.ndarray | None = None


@dataclass(frozen=True)
class _Game:
    """The players of a house as seated, their risk left to fill in: the non-ruling parties with seated
    deputies (rows `members_of`), then the seated self-nominated deputies (seats `deputies`)."""

    members_of: list[int]
    deputies: np.ndarray
    per_party: np.ndarray  # seated deputies of each party row
    players: Players
    chamber: Chamber

    def same_players(self, other: _Game) -> bool:
        """Whether the two games' players are the same in everything but their risk (and the chamber too)."""
        a, b = self.players, other.players
        return self.chamber == other.chamber and all(
            np.array_equal(getattr(a, f), getattr(b, f)) for f in ("seats", "position", "intent", "cost", "rivals"))


def _values_table(players: Players, chamber: Chamber, cfg: CoalitionConfig, kept: Kept | None) -> np.ndarray:
    """(players, blocs): every member's value of every bloc of two or more (the rows of _blocs), before
    its risk and its shock; +inf where the player is not in the bloc (so that a bloc's least willing
    member is its column's minimum). A row per player, so that a bloc's minimum is an elementwise
    minimum of a dozen long rows rather than a dozen numbers a bloc (about 6x faster). With `kept` (the
    house's, whose game `players` are), worked out once while the game stands, up to CACHED_VALUES numbers."""
    n = len(players.seats)
    # Players of the kept game share its arrays (play() replaces their risk alone); others are not its.
    if kept is None or kept.game is None or kept.game.players.seats is not players.seats \
            or (1 << n) * n > CACHED_VALUES:
        return _bloc_values(players, chamber, cfg.distance_weight, cfg.rivalry_cost)
    if kept.table is None:
        kept.table = _bloc_values(players, chamber, cfg.distance_weight, cfg.rivalry_cost)
    return kept.table


def _bloc_values(p: Players, chamber: Chamber, distance_weight: float, rivalry_cost: float) -> np.ndarray:
    """(players, blocs): each player's value of each bloc with it in, less its cost (ODD 7.8, before
    its risk and its shock), +inf where it is not in. Worked out a row per player: no (blocs, players)
    temporaries to transpose at the end."""
    subsets, inside, table = _blocs(tuple(int(s) for s in p.seats), chamber)
    member = inside.astype(float)
    centre = (member @ p.weighted) / (member @ p.seats)[:, None]
    # |p - c|^2 = |p|^2 - 2 p.c + |c|^2: one matrix product instead of a (players, blocs, dims) array.
    own = (p.position * p.position).sum(axis=1)
    squared = own[:, None] - p.position @ (2.0 * centre).T + (centre * centre).sum(axis=1)
    rival_bits = p.rivals @ (1 << np.arange(len(p.seats)))
    value = (p.intent[:, None] * table - distance_weight * np.sqrt(np.maximum(squared, 0.0))
             - rivalry_cost * ((rival_bits[:, None] & subsets) > 0) - p.cost[:, None])
    return np.where(inside.T, value, np.inf)


def _leave_and_join(players: Players, chamber: Chamber, cfg: CoalitionConfig, candidates: np.ndarray) -> np.ndarray:
    """From the grand coalition of candidates, the member with the most negative value leaves, one at
    a time, and the outsider with the most positive value joins, until nobody moves."""
    members = np.zeros(len(players.seats), dtype=bool)
    members[candidates] = True
    for _ in range(50 * len(candidates)):  # a guard: each move changes the coalition, cycles are rare
        v = values(members, players, chamber, cfg)
        inside = np.where(members, v, np.inf)
        leaver = int(np.argmin(inside))
        if inside[leaver] < 0:
            members[leaver] = False
            continue
        outside = np.where(members | ~np.isin(np.arange(len(v)), candidates), -np.inf, v)
        joiner = int(np.argmax(outside))
        if outside[joiner] > 0:
            members[joiner] = True
            continue
        break
    return np.flatnonzero(members) if members.sum() >= 2 else np.array([], dtype=np.int64)


@dataclass(frozen=True)
class Coalition:
    """A coalition formed for a session: its member parties and self-nominated deputies, its seats and
    voting power, and the gain rows of its seat-weighted centre and its intent (ODD 7.4)."""

    parties: np.ndarray  # bool per party row
    deputies: np.ndarray  # bool per seat: self-nominated members
    seats: int
    power: float
    gain: np.ndarray  # gain_rows of the centre, equal salience
    intent: float


def play(parties: PartyTable, seats: Seats, chamber_quotas: np.ndarray, frequency: np.ndarray,
         cfg: CoalitionConfig, rng: np.random.Generator, margin: bool = True,
         kept: Kept | None = None) -> tuple[Coalition | None, float]:
    """The game among the non-ruling parties with seated deputies (each a bloc, its risk the mean fear
    of its deputies) and the self-nominated deputies (each alone): the coalition formed (None when
    nobody joins) and the best bloc's margin (best_margin; NaN with fewer than two players, or when
    `margin` is False: a session that keeps no record needs none). `kept`: the house's table of values
    from its earlier sessions (Kept).
    A player's fixed net cost is its coordination cost plus the rents it forfeits (cooptation_rent
    times its regime alignment) less its visibility gain (visibility times its intent); the session's
    shocks are drawn from `rng`, one per player."""
    if kept is not None and kept.changes == seats.changes and kept.game is not None:
        game = kept.game
    else:
        game = _game(parties, seats, chamber_quotas, frequency, cfg)
        if kept is not None:
            # A deputy replaced by another of its party changes no player: the table of values stands.
            if kept.game is None or not kept.game.same_players(game):
                kept.table = None
            kept.changes, kept.game = seats.changes, game
    members_of, deputies, per_party, chamber = game.members_of, game.deputies, game.per_party, game.chamber
    if len(game.players.seats) < 2:
        return None, float("nan")
    seated = seats.seated
    fear_per_party = np.bincount(seats.party_of[seated], weights=seats.fear[seated], minlength=len(per_party))
    players = replace(game.players, risk=np.concatenate([fear_per_party[members_of] / per_party[members_of],
                                                         seats.fear[deputies]]))
    members = form(players, chamber, cfg, cfg.choice_noise * rng.logistic(size=len(players.seats)), kept)
    best = best_margin(players, chamber, cfg, kept) if margin else float("nan")
    if not members.any():
        return None, best
    member_seats = players.seats[members]
    party_mask = np.zeros(len(parties.names), dtype=bool)
    party_mask[np.array(members_of, dtype=np.int64)[members[: len(members_of)]]] = True
    deputy_mask = np.zeros(len(seats.seated), dtype=bool)
    deputy_mask[deputies[members[len(members_of):]]] = True
    centre = member_seats @ players.position[members] / member_seats.sum()
    return Coalition(
        parties=party_mask, deputies=deputy_mask, seats=int(member_seats.sum()),
        power=power(chamber, int(member_seats.sum()), players.seats[~members]),
        gain=gain_rows(equal_salience(len(centre)), centre),
        intent=float(member_seats @ players.intent[members] / member_seats.sum()),
    ), best


def _game(parties: PartyTable, seats: Seats, chamber_quotas: np.ndarray, frequency: np.ndarray,
          cfg: CoalitionConfig) -> _Game:
    """The house's players as seated (play() says who they are and what their fixed net cost holds)."""
    seated = seats.seated
    rows = len(parties.names)
    per_party = np.bincount(seats.party_of[seated], minlength=rows)
    members_of = [i for i in range(parties.independent) if i != parties.ruling and per_party[i] > 0]
    deputies = np.flatnonzero(seated & seats.independent)
    rivals = np.zeros((len(members_of) + len(deputies),) * 2, dtype=bool)
    rivals[: len(members_of), : len(members_of)] = parties.rivals[np.ix_(members_of, members_of)]
    rows_of = [*members_of, *[parties.independent] * len(deputies)]
    intent = parties.intent[rows_of]
    coordination = np.concatenate([np.full(len(members_of), cfg.party_cost),
                                   np.full(len(deputies), cfg.independent_cost)])
    players = Players(
        seats=np.concatenate([per_party[members_of], np.ones(len(deputies), dtype=np.int64)]),
        intent=intent,
        risk=np.zeros(len(rows_of)),  # each session's, filled in by play()
        cost=coordination + cfg.cooptation_rent * parties.alignment[rows_of] - cfg.visibility * intent,
        position=np.vstack([parties.platform[members_of], seats.ideal[deputies]]),
        rivals=rivals,
    )
    chamber = Chamber(int(per_party[parties.ruling]), tuple(int(q) for q in chamber_quotas),
                      tuple(float(f) for f in frequency))
    return _Game(members_of, deputies, per_party, players, chamber)
