"""What a finished run produced: a row of scalar outcomes per term, and per-roll-call tables."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pandas as pd

from sim.model.model import MajilisModel
from sim.model.rollcall import ABSTAIN, NO, YES

# Voteview cast codes.
YEA, NAY, ABSTAIN_OR_ABSENT, NOT_IN_OFFICE = 1, 6, 9, 0


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
        "kind": np.array(model.bill_kinds)[r.kind[:done]],
        "executive_stance": r.stance[:done],
        "yes": r.counts[:done, :, YES].sum(axis=1),
        "no": r.counts[:done, :, NO].sum(axis=1),
        "abstain": r.counts[:done, :, ABSTAIN].sum(axis=1),
        "passed": r.passed[:done],
        "coalition_seats": r.coalition_seats[:done],
        "coalition_power": r.coalition_power[:done],
        **{f"moves_{dim}": r.moves[:done, d] for d, dim in enumerate(model.cfg.dimensions)},
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


def expulsions_table(model: MajilisModel) -> pd.DataFrame:
    """One row per expulsion under the imperative mandate (sim.model.record.Expulsion): when (term from
    1; session numbered as in the roll-call table), the seat and deputy, party, seat kind, the deputy's
    true position on each dimension, and its record: roll calls sat and its votes against the party
    line, split by whether they went with or against the executive's stance (ODD 7.9), and its acts of
    public dissent (7.9a); what the expulsion was for (`trigger`: vote or speech) and the deputy's signed
    distance from the executive's point on each dimension (`<dimension>_from_executive`: positive on
    the +1 side of it). Typed columns, so that runs without an expulsion write the same schema."""
    dims = list(model.cfg.dimensions)
    away = [f"{dim}_from_executive" for dim in dims]
    columns = {"term": "int64", "session": "int64", "seat": "int64", "deputy": "int64", "party": "string",
               "seat_kind": "string", **dict.fromkeys(dims, "float64"),
               "roll_calls_sat": "int64", "with_executive": "int64", "against_executive": "int64",
               "speech_acts": "int64", "trigger": "string", **dict.fromkeys(away, "float64")}
    rows = []
    for e in model.expelled:
        row = asdict(e)
        row |= dict(zip(dims, row.pop("position"), strict=True))
        row |= dict(zip(away, row.pop("from_executive"), strict=True))
        rows.append(row)
    return pd.DataFrame(rows, columns=list(columns)).astype(columns)


def legislators_table(model: MajilisModel) -> pd.DataFrame:
    """One row per deputy who ever sat, in Mesa id order: party and seat kind when seated, and true
    position on each dimension. Every row of `voteview_matrix` is here; a deputy seated after the last
    roll call (refilling a seat at the final session's close) is here only."""
    names = model.parties.names
    rows = []
    for deputy, (party, district, ideal) in sorted(model.seated_as.items()):
        rows.append({"deputy": deputy, "party": names[party], "seat_kind": "district" if district else "list",
                     **{dim: float(x) for dim, x in zip(model.cfg.dimensions, ideal, strict=True)}})
    return pd.DataFrame(rows)
