"""Majority thresholds of the total membership, by hand."""

import pytest

from sim.config import BillKind, RulesConfig
from sim.model.rules import blocking_minority, passes, thresholds


def test_thresholds_of_the_98_seat_majilis():
    assert thresholds(RulesConfig(), 98) == {"ordinary": 50, "constitutional": 66, "amendment": 74}
    assert blocking_minority(RulesConfig(), 98) == 33


@pytest.mark.parametrize(
    "members, expected",
    [
        # 2021 house with the Assembly's 9: 107 // 2 + 1, ceil(214 / 3), ceil(321 / 4)
        (107, {"ordinary": 54, "constitutional": 72, "amendment": 81}),
        # an odd small house: more than half of 3 is 2; two thirds of 3 is exactly 2
        (3, {"ordinary": 2, "constitutional": 2, "amendment": 3}),
        # 2/3 of 99 is exactly 66 and 3/4 of 100 is exactly 75: exact fractions, no float rounding
        (99, {"ordinary": 50, "constitutional": 66, "amendment": 75}),
        (100, {"ordinary": 51, "constitutional": 67, "amendment": 75}),
    ],
)
def test_thresholds_follow_the_house_size(members, expected):
    assert thresholds(RulesConfig(), members) == expected


def test_a_bill_passes_at_the_threshold_and_fails_one_short():
    assert passes(50, 50)
    assert not passes(49, 50)


def test_the_first_kind_is_the_majority_and_the_lowest_qualified_kind_sets_the_blocking_minority():
    # A budget law at three fifths (59 of 98) lowers the blocking minority from 33 to 40 - 0 = 98 - 59 + 1.
    rules = RulesConfig([*RulesConfig().kinds, BillKind("budget", "3/5", False, 0.0, 0.0)])
    assert thresholds(rules, 98) == {"ordinary": 50, "constitutional": 66, "amendment": 74, "budget": 59}
    assert blocking_minority(rules, 98) == 40
    # A house with one kind of law: what blocks it is what the majority leaves.
    assert blocking_minority(RulesConfig([BillKind("law", "1/2", True, 1.0, 1.0)]), 98) == 49
