"""What a finished run produced: a row of scalar outcomes per term, and per-roll-call tables."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .agenda import GOVERNMENT
from .config import BILL_KINDS, DIMENSIONS
from .elections import election_outcomes
from .model import MajilisModel
from .power import banzhaf, shapley_shubik
from .rollcall import ABSTAIN, NO, VACANT, YES

# Voteview cast codes.
YEA, NAY, ABSTAIN_OR_ABSENT, NOT_IN_OFFICE = 1, 6, 9, 0


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


# Per session of a run (sim.evaluation keeps these, and the analyses sum them over any window of sessions).
SESSION_FEATURES = ("coalition_seats", "coalition_blocking", "gov_defeats", "expulsions", "laws_passed",
                    "deputy_laws")
# Per session and party row: expulsions, and the Government bills on which the party's line was to abstain.
PARTY_FEATURES = ("expulsions", "gov_line_abstain")


def session_features(model: MajilisModel) -> tuple[np.ndarray, np.ndarray]:
    """What each session of a finished run did, as integer arrays: (sessions, SESSION_FEATURES) and
    (sessions, party rows, PARTY_FEATURES)."""
    r, n = model.record, model.session_length
    sessions = model.held // n
    done = sessions * n
    gov = (r.proposer[:done] == GOVERNMENT).reshape(sessions, n)
    passed = r.passed[:done].reshape(sessions, n)
    seats = r.coalition_seats[:done:n]
    features = np.stack([seats, seats >= model.blocking, (gov & ~passed).sum(axis=1), np.zeros(sessions),
                         passed.sum(axis=1), (passed & ~gov).sum(axis=1)], axis=1).astype(np.int32)
    lines = r.lines[:done].reshape(sessions, n, -1)
    party = np.zeros((sessions, lines.shape[2], len(PARTY_FEATURES)), dtype=np.int32)
    party[:, :, 1] = ((lines == 0) & gov[:, :, None]).sum(axis=1)
    rows = {name: i for i, name in enumerate(model.parties.names)}
    for expulsion in model.expelled:
        session = expulsion["session"]
        features[session, SESSION_FEATURES.index("expulsions")] += 1
        party[session, rows[expulsion["party"]], 0] += 1
    return features, party


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


def roll_call_table(model: MajilisModel) -> pd.DataFrame:
    """One row per roll call: bill, proposer, kind, votes per party, result, stance, coalition seats."""
    r = model.record
    done = model.held
    names = model.parties.names
    proposer = np.array(["government", *names])[r.proposer[:done] + 1]
    table = {
        "roll_call": np.arange(done),
        "term": r.session[:done] // model.cfg.agenda.sessions_per_term + 1,
        "session": r.session[:done],
        "proposer": proposer,
        "kind": np.array(BILL_KINDS)[r.kind[:done]],
        "executive_stance": r.stance[:done],
        "yes": r.counts[:done, :, YES].sum(axis=1),
        "no": r.counts[:done, :, NO].sum(axis=1),
        "abstain": r.counts[:done, :, ABSTAIN].sum(axis=1),
        "passed": r.passed[:done],
        "coalition_seats": r.coalition_seats[:done],
        "coalition_power": r.coalition_power[:done],
        **{f"moves_{dim}": r.moves[:done, d] for d, dim in enumerate(DIMENSIONS)},
    }
    for i, name in enumerate(names):
        for label, col in (("yes", YES), ("no", NO), ("abstain", ABSTAIN)):
            table[f"{label}_{name}"] = r.counts[:done, i, col]
    return pd.DataFrame(table)


def voteview_matrix(model: MajilisModel) -> pd.DataFrame:
    """Deputy-by-roll-call cast codes (1 yea, 6 nay, 9 abstain or absent, 0 not in office), one row
    per deputy who ever sat."""
    r = model.record
    done = model.held
    length = model.cfg.agenda.session_length
    codes = np.choose(r.votes[:done], [NAY, ABSTAIN_OR_ABSENT, YEA, ABSTAIN_OR_ABSENT]).astype(np.int8)
    rows: dict[int, np.ndarray] = {}
    for session, ids in enumerate(r.occupant_ids):
        span = slice(session * length, min((session + 1) * length, done))
        for seat, deputy in enumerate(ids):
            if deputy is not None:
                rows.setdefault(deputy, np.full(done, NOT_IN_OFFICE, dtype=np.int8))[span] = codes[span, seat]
    return pd.DataFrame.from_dict(rows, orient="index", columns=range(done)).rename_axis("deputy")


def recorded_tables(model: MajilisModel) -> dict[str, pd.DataFrame]:
    """What `run.record_roll_calls` keeps of a run, by file name: the roll calls, the Voteview-style
    deputy-by-roll-call matrix (columns are roll call numbers), the legislators and the expulsions."""
    matrix = voteview_matrix(model)
    matrix.columns = matrix.columns.astype(str)
    return {"roll_calls": roll_call_table(model), "voteview": matrix.reset_index(),
            "legislators": legislators_table(model), "expulsions": expulsions_table(model)}


# Columns of the expulsions table, with fixed types so that runs without an expulsion write the same schema.
EXPULSION_COLUMNS = {
    "term": "int64", "session": "int64", "seat": "int64", "deputy": "int64", "party": "string",
    "seat_kind": "string", **dict.fromkeys(DIMENSIONS, "float64"),
    "roll_calls_sat": "int64", "with_executive": "int64", "against_executive": "int64",
}


def expulsions_table(model: MajilisModel) -> pd.DataFrame:
    """One row per expulsion under the imperative mandate: when (term from 1; session numbered as in
    the roll-call table), the seat and deputy, party, seat kind, the deputy's true position, and its
    record: roll calls sat and its votes against the party line, split by whether they went with or
    against the executive's stance (ODD 7.9)."""
    return pd.DataFrame(model.expelled, columns=list(EXPULSION_COLUMNS)).astype(EXPULSION_COLUMNS)


def legislators_table(model: MajilisModel) -> pd.DataFrame:
    """One row per deputy who ever sat, in Mesa id order: party and seat kind when seated, and true
    position on each dimension. Every row of `voteview_matrix` is here; a deputy seated after the last
    roll call (refilling a seat at the final session's close) is here only."""
    names = model.parties.names
    rows = []
    for deputy, (party, district, ideal) in sorted(model.seated_as.items()):
        rows.append({"deputy": deputy, "party": names[party], "seat_kind": "district" if district else "list",
                     **{dim: float(x) for dim, x in zip(DIMENSIONS, ideal, strict=True)}})
    return pd.DataFrame(rows)
