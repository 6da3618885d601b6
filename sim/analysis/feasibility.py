"""What the arithmetic of a house allows the players outside the ruling party, before any behaviour: at
each bill kind's threshold, which sets of them could block a bill by voting no or abstaining together,
and which could pass one without the ruling party. Parties vote as blocs; each self-nominated deputy
is a player alone. "Can" is this; whether they would is the coalition game's (ODD 7.8)."""

from __future__ import annotations

from collections.abc import Mapping
from math import comb

import pandas as pd

SELF_NOMINATED = "self_nominated"


def feasibility(seats: Mapping[str, int], ruling: str, thresholds: Mapping[str, int]) -> pd.DataFrame:
    """One row per bill kind: the yes votes it needs, the seats that block it (the others then cannot
    reach the threshold), how many sets of non-ruling players can block it and how many can pass it
    alone (counted over every subset of the parties and of the self-nominated deputies), and the fewest
    parties and the fewest self-nominated deputies any blocking set holds (None: no set can block)."""
    members = sum(seats.values())
    parties = [n for name, n in seats.items() if name not in (ruling, SELF_NOMINATED) and n > 0]
    independents = seats.get(SELF_NOMINATED, 0)
    # Each subset of the parties: its seats and how many parties it holds.
    subsets = [(sum(n for i, n in enumerate(parties) if mask >> i & 1), mask.bit_count())
               for mask in range(1 << len(parties))]
    rows = []
    for kind, needed in thresholds.items():
        block = members - needed + 1
        can_block = can_pass = 0
        min_parties: int | None = None
        min_self: int | None = None
        for party_seats, count in subsets:
            for k in range(independents + 1):
                weight, sets = party_seats + k, comb(independents, k)
                if weight >= block:
                    can_block += sets
                    min_parties = count if min_parties is None else min(min_parties, count)
                    min_self = k if min_self is None else min(min_self, k)
                if weight >= needed:
                    can_pass += sets
        rows.append({"kind": kind, "threshold": needed, "blocking_seats": block, "members": members,
                     "ruling_seats": seats.get(ruling, 0), "non_ruling_seats": members - seats.get(ruling, 0),
                     "parties": len(parties), "self_nominated": independents, "can_block_sets": can_block,
                     "can_pass_sets": can_pass, "min_parties_to_block": min_parties,
                     "min_self_nominated_to_block": min_self})
    return pd.DataFrame(rows).astype({"min_parties_to_block": "Int64", "min_self_nominated_to_block": "Int64"})


def feasibility_text(row: Mapping) -> str:
    """One row of `feasibility` in words."""
    head = f"{row['kind']} ({row['threshold']} of {row['members']} votes)"
    if row["can_block_sets"] == 0:
        return (f"{head}: no set of the {row['non_ruling_seats']} seats outside the ruling party can block it "
                f"(blocking takes {row['blocking_seats']})")
    passing = (f"; {row['can_pass_sets']} could pass it without the ruling party" if row["can_pass_sets"]
               else "; none can pass it without the ruling party")
    deputies = (f" and {row['min_self_nominated_to_block']} of the {row['self_nominated']} self-nominated deputies"
                if row["min_self_nominated_to_block"] else "")
    sets = "1 set can" if row["can_block_sets"] == 1 else f"{row['can_block_sets']} sets can"
    return (f"{head}: blocking takes {row['blocking_seats']} seats, so at least {row['min_parties_to_block']} "
            f"of the {row['parties']} other parties{deputies} ({sets}){passing}")
