"""What a finished run produced: a row of scalar outcomes per term, and per-roll-call tables."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from sim.config import BILL_KINDS, DIMENSIONS
from sim.model.agenda import GOVERNMENT
from sim.model.electoral import election_outcomes
from sim.model.model import MajilisModel
from sim.model.power import banzhaf, shapley_shubik
from sim.model.rollcall import NO, VACANT, YES


def rice(yes: np.ndarray, no: np.ndarray) -> float:
    """Mean Rice cohesion |yes - no| / (yes + no) over the roll calls where the group cast a vote."""
    cast = yes + no
    voted = cast > 0
    if not voted.any():
        return float("nan")
    return float(np.mean(np.abs(yes[voted] - no[voted]) / cast[voted]))


def run_outcomes(model: MajilisModel) -> list[dict[str, float]]:
    """The scalar outcomes of a finished run (DESIGN 4), one row per term."""
    return [_term_outcomes(model, term) for term in range(len(model.term_stats))]


def _term_outcomes(model: MajilisModel, term: int) -> dict[str, float]:
    r, stats = model.record, model.term_stats[term]
    span = slice(term * model.term_length, min((term + 1) * model.term_length, model.held))
    gov = r.proposer[span] == GOVERNMENT
    passed = r.passed[span]
    parties = model.parties
    ruling_line = r.lines[span, parties.ruling]
    coalition_seats = r.coalition_seats[span]
    deputy_laws = int((passed & ~gov).sum())
    largest = int(coalition_seats.max(initial=0))
    row: dict[str, float] = {
        "term": term + 1,
        "roll_calls": len(passed),
        "gov_bills": int(gov.sum()),
        "gov_pass_rate": float(passed[gov].mean()) if gov.any() else float("nan"),
        "gov_defeats": int((gov & ~passed).sum()),
        "ruling_party_defeated": int(((ruling_line > 0) & ~passed | (ruling_line < 0) & passed).any()),
        "laws_passed": int(passed.sum()),
        "deputy_bills_passed": deputy_laws,
        "deputy_share_of_laws": deputy_laws / passed.sum() if passed.any() else float("nan"),
        "coalition_formed": int(largest > 0),
        "coalition_max_seats": largest,
        "coalition_mean_seats": float(coalition_seats.mean()) if len(passed) else 0.0,
        "coalition_power": float(r.coalition_power[span].mean()) if len(passed) else 0.0,
        "coalition_power_max": float(r.coalition_power[span].max(initial=0.0)),
        "coalition_blocking": int(largest >= model.blocking),
        "coalition_majority": int(largest >= model.majority),
        "blocking": model.blocking,
        "majority": model.majority,
        "defections": stats["defections"],
        "expulsions": stats["expulsions"],
        "vacancies": stats.get("vacancies", float("nan")),
        "mean_fear": stats.get("mean_fear", float("nan")),
    }
    row |= {f"seats_{name}": seats for name, seats in stats["seats"].items()}
    ruling = parties.names[parties.ruling]
    row |= ruling_power(stats["seats"], ruling, tuple(int(q) for q in model.thresholds))
    for i, name in enumerate(parties.names[:-1]):
        row[f"rice_{name}"] = rice(r.counts[span, i, YES], r.counts[span, i, NO])
    row |= dissent_by_dimension(model, span)
    # The coalition is formed once a session, so its seats per session are the whole trajectory.
    for session, seats in enumerate(coalition_seats[:: model.session_length], start=1):
        row[f"coalition_seats_s{session:02d}"] = int(seats)
    if model.elections:
        row |= election_outcomes(model.elections[term], ruling, model.majority, int(model.thresholds[1]))
    return row


def dissent_by_dimension(model: MajilisModel, span: slice) -> dict[str, float]:
    """Per party and dimension: the share of its deputies' votes, on the roll calls whose bill moves
    that dimension and on which the party took a line, that went against the line (NaN if none)."""
    r = model.record
    lines, counts, moves = r.lines[span, :-1], r.counts[span, :-1], r.moves[span]
    against = np.where(lines > 0, counts[:, :, NO], 0) + np.where(lines < 0, counts[:, :, YES], 0)
    cast = np.where(lines != 0, counts[:, :, :VACANT].sum(axis=2), 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = (moves.T.astype(float) @ against) / (moves.T.astype(float) @ cast)  # (dimensions, parties)
    return {f"dissent_{name}_{dim}": float(share[d, i])
            for i, name in enumerate(model.parties.names[:-1]) for d, dim in enumerate(DIMENSIONS)}


def ruling_power(seats: dict[str, int], ruling: str, quotas: tuple[int, ...]) -> dict[str, float]:
    """The ruling party's Banzhaf and Shapley-Shubik index at each bill kind's threshold in the house
    as it sat at the term's start: parties as blocs, each self-nominated deputy alone."""
    others = tuple(sorted((s for name, s in seats.items() if name not in (ruling, "self_nominated")), reverse=True))
    return _ruling_power(seats.get(ruling, 0), others, seats.get("self_nominated", 0), quotas)


@lru_cache(maxsize=1024)
def _ruling_power(ruling: int, parties: tuple[int, ...], independents: int, quotas: tuple[int, ...]) -> dict:
    weights = np.array([ruling, *parties, *[1] * independents])
    row = {}
    for kind, quota in zip(BILL_KINDS, quotas, strict=True):
        row[f"ruling_banzhaf_{kind}"] = float(banzhaf(weights, quota)[0])
        row[f"ruling_shapley_{kind}"] = float(shapley_shubik(weights, quota)[0])
    return row


