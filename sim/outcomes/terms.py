"""A finished run's row per term: the declared outcomes, and what the house was and how its parties voted."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from sim.model.electoral import election_outcomes
from sim.model.model import MajilisModel
from sim.model.power import banzhaf, shapley_shubik
from sim.model.rollcall import NO, VACANT, YES
from sim.outcomes import registry
from sim.outcomes.sessions import sessions_of


def rice(yes: np.ndarray, no: np.ndarray) -> float:
    """Mean Rice cohesion |yes - no| / (yes + no) over the roll calls where the group cast a vote."""
    cast = yes + no
    voted = cast > 0
    if not voted.any():
        return float("nan")
    return float(np.mean(np.abs(yes[voted] - no[voted]) / cast[voted]))


def run_outcomes(model: MajilisModel) -> list[dict[str, float]]:
    """The outcomes of a finished run, one row per term: every declared outcome (sim.outcomes.registry)
    over the term's sessions, then the house's thresholds and descriptions by party."""
    sessions = sessions_of(model)
    per_term = model.cfg.agenda.sessions_per_term
    values = {o.name: (o.per_session(sessions), o.base(sessions) if o.base else None)
              for o in registry.outcomes(by_party=None)}
    rows = []
    for term in range(len(model.terms)):
        window = slice(term * per_term, (term + 1) * per_term)
        row: dict[str, float] = {"term": term + 1}
        for o in registry.outcomes(by_party=None):
            value, base = values[o.name]
            if o.by_party:
                reduced = o.reduce(value[window].T, None if base is None else base[window].T)
                row |= {f"{o.name}_{name}": _typed(o, v) for name, v in zip(model.parties.names, reduced, strict=True)}
            else:
                row[o.name] = _typed(o, o.reduce(value[window], None if base is None else base[window]))
        rows.append(row | _descriptions(model, term))
    return rows


def _typed(o: registry.Outcome, value: float | np.ndarray) -> float:
    """Whole numbers for binary and count outcomes, as the table stores them."""
    return int(value) if o.kind in ("binary", "count") else float(value)


def _descriptions(model: MajilisModel, term: int) -> dict[str, float]:
    """What the term's house was (thresholds, seats, the ruling party's voting power, the coalition's
    seats session by session, the election that seated it) and how each party voted (Rice cohesion,
    dissent by dimension)."""
    r, seats = model.record, model.terms[term].seats
    span = slice(term * model.term_length, min((term + 1) * model.term_length, model.held))
    parties = model.parties
    row: dict[str, float] = {"members": model.members, "blocking": model.blocking, "majority": model.majority}
    row |= {f"seats_{name}": n for name, n in seats.items()}
    ruling = parties.names[parties.ruling]
    quotas = {kind: int(q) for kind, q in zip(model.bill_kinds, model.thresholds, strict=True)}
    row |= {f"threshold_{kind}": q for kind, q in quotas.items()}
    row |= ruling_power(seats, ruling, quotas)
    for i, name in enumerate(parties.names[:-1]):
        row[f"rice_{name}"] = rice(r.counts[span, i, YES], r.counts[span, i, NO])
    row |= dissent_by_dimension(model, span)
    # The coalition is formed once a session, so its seats per session are the whole trajectory.
    for session, n in enumerate(r.coalition_seats[span][:: model.session_length], start=1):
        row[f"coalition_seats_s{session:02d}"] = int(n)
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
            for i, name in enumerate(model.parties.names[:-1]) for d, dim in enumerate(model.cfg.dimensions)}


def ruling_power(seats: dict[str, int], ruling: str, quotas: dict[str, int]) -> dict[str, float]:
    """The ruling party's Banzhaf and Shapley-Shubik index at each bill kind's threshold in the house
    as it sat at the term's start: parties as blocs, each self-nominated deputy alone."""
    others = tuple(sorted((s for name, s in seats.items() if name not in (ruling, "self_nominated")), reverse=True))
    return _ruling_power(seats.get(ruling, 0), others, seats.get("self_nominated", 0), tuple(quotas.items()))


@lru_cache(maxsize=1024)
def _ruling_power(ruling: int, parties: tuple[int, ...], independents: int,
                  quotas: tuple[tuple[str, int], ...]) -> dict[str, float]:
    weights = np.array([ruling, *parties, *[1] * independents])
    row = {}
    for kind, quota in quotas:
        row[f"ruling_banzhaf_{kind}"] = float(banzhaf(weights, quota)[0])
        row[f"ruling_shapley_{kind}"] = float(shapley_shubik(weights, quota)[0])
    return row


