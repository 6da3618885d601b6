"""Elections to the Majilis: the list-seat rule, a simulated mixed election, and its measures."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from sim.config import Config, ConfigError, ElectionConfig
from sim.model.composition import Composition, seat_composition

AGAINST_ALL = "against_all"


def allocate_list_seats(
    votes: Mapping[str, float], seats: int, threshold: float, against_all: float = 0
) -> dict[str, int]:
    """Party-list seats under the Law "On Elections", art. 97-1.

    A party qualifies with at least `threshold` of all votes cast for lists, the "against all" line
    included in that base. Seats go by the Hare quota (qualifying votes / seats): whole parts first,
    leftover seats by largest remainder, ties to the party listed first (registered first). When
    fewer than two parties qualify, the law admits the runner-up, so the two largest share the seats.
    Every party of `votes` appears in the result, with 0 if it did not qualify.
    """
    if seats < 0 or not 0 <= threshold <= 1:
        raise ValueError(f"seats must be >= 0 and threshold in [0, 1], got {seats} and {threshold}")
    if any(v < 0 for v in votes.values()) or against_all < 0:
        raise ValueError("vote counts must be >= 0")
    names = list(votes)
    base = sum(votes.values()) + against_all
    qualifying = [n for n in names if votes[n] > 0 and votes[n] >= threshold * base]
    if len(qualifying) < 2:
        ranked = sorted((n for n in names if votes[n] > 0), key=lambda n: (-votes[n], names.index(n)))
        qualifying = [n for n in names if n in ranked[:2]]
    result = {n: 0 for n in names}
    total = sum(votes[n] for n in qualifying)
    if total == 0 or seats == 0:
        return result
    quotas = {n: votes[n] * seats / total for n in qualifying}
    for n in qualifying:
        result[n] = math.floor(quotas[n])
    leftover = seats - sum(result.values())
    by_remainder = sorted(qualifying, key=lambda n: (-(quotas[n] - math.floor(quotas[n])), names.index(n)))
    for n in by_remainder[:leftover]:
        result[n] += 1
    return result


@dataclass(frozen=True)
class ElectionResult:
    composition: Composition
    registered: tuple[str, ...]  # parties on the ballot
    votes: dict[str, int]  # list votes after manipulation, with AGAINST_ALL
    list_seats: dict[str, int]
    district_seats: dict[str, int]  # with 'self_nominated'


def registration_denied(
    cfg: ElectionConfig, config: Config, threat: Mapping[str, float], rng: np.random.Generator
) -> set[str]:
    """Contestants refused registration. A non-ruling party is refused with probability
    denial_base + denial_bias * max(0, intent - tolerated_intent) / (1 - tolerated_intent), plus
    threat_denial once its registration threat has reached threat_level: parties not seen as a
    threat are registered (seed), the more oppositional the less likely."""
    denied = set()
    draws = rng.random(len(cfg.contestants))
    for name, draw in zip(cfg.contestants, draws, strict=True):
        party = config.parties[name]
        if party.ruling:
            continue
        excess = max(0.0, party.opposition_intent - cfg.tolerated_intent) / (1.0 - cfg.tolerated_intent)
        p = cfg.denial_base + cfg.denial_bias * excess
        if threat.get(name, 0.0) >= cfg.threat_level:
            p += cfg.threat_denial
        if draw < p:
            denied.add(name)
    return denied


def simulate_election(
    config: Config, rng: np.random.Generator, threat: Mapping[str, float] | None = None
) -> ElectionResult:
    """One mixed election: registration, list votes around the configured support, the counting
    manipulation, the list-seat rule, then the single-member districts."""
    cfg = config.parliament.election
    if cfg is None:
        raise ConfigError("parliament.election is not set: there is no election to simulate "
                          "(use parliament=simulated_election)")
    denied = registration_denied(cfg, config, threat or {}, rng)
    registered = tuple(n for n in config.parties if n in cfg.contestants and n not in denied)
    ruling = next(n for n, p in config.parties.items() if p.ruling)

    # List tier: shares ~ Dirichlet around the support of those on the ballot (a denied party's
    # voters spread over the others in proportion), then whole votes.
    on_ballot = [n for n in registered if cfg.support.get(n, 0.0) > 0] + [AGAINST_ALL]
    support = np.array([cfg.support.get(n, 0.0) for n in on_ballot])
    shares = rng.dirichlet(cfg.concentration * support / support.sum())
    counted = np.round(shares * cfg.turnout).astype(np.int64)
    # Ballot counting: a share of every other line's votes is moved to the ruling party.
    ruling_at = on_ballot.index(ruling)
    moved = np.floor(cfg.manipulation * counted).astype(np.int64)
    moved[ruling_at] = 0
    counted = counted - moved
    counted[ruling_at] += moved.sum()
    votes = {n: 0 for n in registered} | dict(zip(on_ballot, counted.tolist(), strict=True))
    against_all = votes.pop(AGAINST_ALL)
    list_seats = allocate_list_seats(votes, cfg.list_seats, cfg.threshold, against_all)

    # District tier: the ruling party's candidate wins outright with probability ruling_advantage;
    # otherwise the strongest challenger wins unless refused registration (then the ruling party
    # wins); a winning challenger is self-nominated with probability self_nominated_share, else the
    # candidate of a registered party drawn in proportion to its list votes.
    d = cfg.districts
    outright, refused, independent, pick = (rng.random(d.seats) for _ in range(4))
    challengers = [n for n in registered if n != ruling and votes[n] > 0]
    weights = np.array([votes[n] for n in challengers], dtype=float)
    district_seats = {n: 0 for n in config.parties} | {"self_nominated": 0}
    for k in range(d.seats):
        if outright[k] < d.ruling_advantage or refused[k] < d.candidate_denial:
            district_seats[ruling] += 1
        elif independent[k] < d.self_nominated_share or not challengers:
            district_seats["self_nominated"] += 1
        else:
            winner = challengers[int(np.searchsorted(np.cumsum(weights) / weights.sum(), pick[k]))]
            district_seats[winner] += 1
    independents = district_seats.pop("self_nominated")
    composition = seat_composition(tuple(config.parties), list_seats, district_seats, independents)
    return ElectionResult(composition, registered, votes | {AGAINST_ALL: against_all}, list_seats,
                          district_seats | {"self_nominated": independents})


def effective_number_of_parties(seats: Mapping[str, int], independents: int = 0) -> float:
    """Laakso-Taagepera: 1 / sum of squared seat shares; each self-nominated deputy counts alone."""
    counts = [s for s in seats.values() if s > 0] + [1] * independents
    total = sum(counts)
    return 1.0 / sum((c / total) ** 2 for c in counts) if total else float("nan")


def gallagher(votes: Mapping[str, int], seats: Mapping[str, int]) -> float:
    """Gallagher's least-squares disproportionality, in percentage points, over the parties that
    received votes (list tier: party vote shares against list-seat shares)."""
    names = [n for n in votes if votes[n] > 0]
    total_votes = sum(votes[n] for n in names)
    total_seats = sum(seats.get(n, 0) for n in names)
    if not total_votes or not total_seats:
        return float("nan")
    return 100 * math.sqrt(0.5 * sum((votes[n] / total_votes - seats.get(n, 0) / total_seats) ** 2 for n in names))


def election_outcomes(result: ElectionResult, ruling: str, majority: int, constitutional: int) -> dict[str, float]:
    """Fragmentation, disproportionality and the ruling party's majorities (seats are reported for
    every house, elected or not, by the outcomes module)."""
    seats = result.composition.seats()
    independents = seats.pop("self_nominated")
    party_votes = {n: v for n, v in result.votes.items() if n != AGAINST_ALL}
    row: dict[str, float] = {
        "parties_registered": len(result.registered),
        "enp_seats": effective_number_of_parties(seats, independents),
        "gallagher": gallagher(party_votes, result.list_seats),
        "ruling_majority": int(seats[ruling] >= majority),
        "ruling_constitutional_majority": int(seats[ruling] >= constitutional),
    }
    row |= {f"votes_{n}": v for n, v in result.votes.items()}
    return row
