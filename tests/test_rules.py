"""Majority thresholds of the total membership, by hand."""

import pytest

from sim.config import RulesConfig
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
