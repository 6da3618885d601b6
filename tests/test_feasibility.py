"""What the arithmetic of a house allows the non-ruling players, by hand and by brute force."""

from __future__ import annotations

from itertools import product

import pandas as pd
import pytest

from sim.analysis.feasibility import feasibility, feasibility_text

HOUSE_2023 = {"amanat": 62, "auyl": 8, "respublica": 6, "ak_zhol": 6, "qhp": 5, "osdp": 4, "self_nominated": 7}
THRESHOLDS_98 = {"ordinary": 50, "constitutional": 66, "amendment": 74}


def test_blocking_a_constitutional_law_in_2023_takes_all_five_parties_and_four_self_nominated():
    table = feasibility(HOUSE_2023, "amanat", THRESHOLDS_98).set_index("kind", drop=False)
    qualified = table.loc["constitutional"]
    # 98 - 66 + 1 = 33 of the 36 others: the five parties hold 29, so 4 of the 7 deputies must join.
    assert qualified.blocking_seats == 33
    assert (qualified.min_parties_to_block, qualified.min_self_nominated_to_block) == (5, 4)
    # The five parties with 4, 5, 6 or 7 of the deputies: C(7,4) + C(7,5) + C(7,6) + C(7,7) = 64 sets.
    assert qualified.can_block_sets == 64 and qualified.can_pass_sets == 0
    ordinary = table.loc["ordinary"]
    assert ordinary.can_block_sets == 0 and pd.isna(ordinary.min_parties_to_block)
    amendment = table.loc["amendment"]  # 25 seats block: Auyl, Respublica, Ak Zhol and 5 deputies; or 4 parties
    assert amendment.blocking_seats == 25
    assert (amendment.min_parties_to_block, amendment.min_self_nominated_to_block) == (3, 0)
    assert "at least 5 of the 5 other parties and 4 of the 7 self-nominated" in feasibility_text(qualified)


def test_a_ruling_party_with_74_of_98_leaves_no_blocking_set_at_any_threshold():
    table = feasibility({"amanat": 74, "auyl": 10, "qhp": 8, "self_nominated": 6}, "amanat", THRESHOLDS_98)
    assert (table.can_block_sets == 0).all() and (table.can_pass_sets == 0).all()
    assert table.min_parties_to_block.isna().all()
    assert all("no set of the 24 seats outside the ruling party can block it" in feasibility_text(r)
               for _, r in table.iterrows())


@pytest.mark.parametrize("seats", [HOUSE_2023, {"a": 46, "b": 12, "c": 9, "d": 9, "e": 8, "self_nominated": 14},
                                   {"a": 40, "b": 30, "self_nominated": 3}])
def test_counts_agree_with_every_subset_enumerated(seats):
    ruling = next(iter(seats))
    others = [(name, n) for name, n in seats.items() if name != ruling and name != "self_nominated"]
    players = others + [("self_nominated", 1)] * seats["self_nominated"]
    members = sum(seats.values())
    thresholds = {"half": members // 2 + 1, "two_thirds": -(-2 * members // 3),
                  "three_quarters": -(-3 * members // 4)}
    table = feasibility(seats, ruling, thresholds).set_index("kind")
    for kind, needed in thresholds.items():
        block = pass_ = 0
        fewest_parties = fewest_deputies = None
        for chosen in product((0, 1), repeat=len(players)):
            weight = sum(n for (_, n), c in zip(players, chosen, strict=True) if c)
            parties = sum(c for (name, _), c in zip(players, chosen, strict=True) if name != "self_nominated")
            deputies = sum(chosen) - parties
            if weight >= members - needed + 1:
                block += 1
                fewest_parties = parties if fewest_parties is None else min(fewest_parties, parties)
                fewest_deputies = deputies if fewest_deputies is None else min(fewest_deputies, deputies)
            pass_ += weight >= needed
        row = table.loc[kind]
        assert (row.can_block_sets, row.can_pass_sets) == (block, pass_), kind
        if block:
            assert (row.min_parties_to_block, row.min_self_nominated_to_block) == (fewest_parties, fewest_deputies)
