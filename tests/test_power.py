"""Voting power against hand-derived answers and against going through every coalition."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.power import banzhaf, banzhaf_measure, shapley_shubik

# The 2023 Majilis: Amanat 62, Auyl 8, Respublica 6, Ak Zhol 6, QHP 5, OSDP 4, then 7 self-nominated deputies.
MAJILIS_2023 = [62, 8, 6, 6, 5, 4] + [1] * 7


def brute_force(weights: list[int], quota: int) -> tuple[list[int], list[Fraction]]:
    """Swing counts and Shapley-Shubik indices, exactly, from every coalition S and player i outside it."""
    n = len(weights)
    swings = [0] * n
    pivotal = [Fraction(0)] * n
    for members in itertools.product((False, True), repeat=n):
        weight = sum(w for w, m in zip(weights, members, strict=True) if m)
        size = sum(members)
        for i in range(n):
            if not members[i] and weight < quota <= weight + weights[i]:
                swings[i] += 1
                pivotal[i] += Fraction(math.factorial(size) * math.factorial(n - 1 - size), math.factorial(n))
    return swings, pivotal


def normalised(swings: list[int]) -> list[Fraction]:
    total = sum(swings)
    return [Fraction(s, total) if total else Fraction(0) for s in swings]


def test_eec_council_1958():
    # France, Germany, Italy 4, Belgium, Netherlands 2, Luxembourg 1; 12 of the 17 votes pass a proposal.
    # France swings when the others bring 8..11: both big others (8) with at most 3 more (nothing, Lux, one
    # small, one small + Lux: 1 + 1 + 2 + 2 = 6 ways), or one big (4, 2 ways) with both smalls (8) and
    # Lux or not (2 ways): 6 + 4 = 10 swings. Belgium swings at 10..11: two of the three big (3 ways),
    # the Netherlands, Lux or not: 6 swings. Luxembourg would need exactly 11 from even weights: never.
    # Banzhaf: 10 / 42 = 5/21 for each big, 6/42 = 1/7 for each small, 0 for Luxembourg.
    # Shapley-Shubik: Belgium is pivotal after two big + the Netherlands (3 ways, size 3: 3! 2! / 6! each)
    # or those + Lux (3 ways, size 4: 4! 1! / 6!), 3 * 12/720 + 3 * 24/720 = 3/20; the big three share
    # the remaining 1 - 2 * 3/20 = 7/10 equally: 7/30 each.
    weights, quota = [4, 4, 4, 2, 2, 1], 12
    swings, pivotal = brute_force(weights, quota)
    expected_banzhaf = [Fraction(5, 21)] * 3 + [Fraction(1, 7)] * 2 + [Fraction(0)]
    expected_shapley = [Fraction(7, 30)] * 3 + [Fraction(3, 20)] * 2 + [Fraction(0)]
    assert swings == [10, 10, 10, 6, 6, 0]
    assert normalised(swings) == expected_banzhaf and pivotal == expected_shapley
    assert banzhaf(weights, quota) == pytest.approx(np.array(expected_banzhaf, float), abs=1e-15)
    assert shapley_shubik(weights, quota) == pytest.approx(np.array(expected_shapley, float), abs=1e-15)


def test_a_small_party_between_two_big_ones_is_as_strong():
    # [51; 49, 49, 2]: any two players make 51, nobody alone does, so each swings when exactly one other has
    # joined (2 of its 4 coalitions of others) and is pivotal when second in line (2 of the 6 orders).
    for index in (banzhaf, shapley_shubik):
        assert index([49, 49, 2], 51) == pytest.approx(np.full(3, 1 / 3), abs=1e-15)


def test_majilis_2023_simple_majority_of_50_makes_amanat_a_dictator():
    # Amanat's 62 seats pass anything alone, the other 36 nothing without it.
    expected = np.r_[1.0, np.zeros(12)]
    assert banzhaf(MAJILIS_2023, 50) == pytest.approx(expected, abs=1e-15)
    assert shapley_shubik(MAJILIS_2023, 50) == pytest.approx(expected, abs=1e-15)


def test_majilis_2023_quota_66():
    # The other 36 seats never reach 66, so everyone but Amanat swings only alongside it, with others bringing
    # at most 3 seats: that is 0-3 self-nominated deputies (1 + 7 + 21 + 35 = 64 ways) for a party, and
    # exactly 3 of the 6 other self-nominated for one of them (20 ways). Amanat swings whenever the others bring
    # 4 or more of their 36: all 4096 coalitions but those 64. Total 4032 + 5 * 64 + 7 * 20 = 4492 swings:
    # Amanat 4032/4492 = 0.898, each party 64/4492 = 0.014 (the published figures), each deputy 0.004.
    # A party is pivotal right after Amanat and j = 0..3 deputies: sum_j C(7, j) (j + 1)! (11 - j)! / 13!.
    swings, pivotal = brute_force(MAJILIS_2023, 66)
    assert swings == [4032] + [64] * 5 + [20] * 7
    party = sum(
        Fraction(math.comb(7, j) * math.factorial(j + 1) * math.factorial(11 - j), math.factorial(13)) for j in range(4)
    )
    assert pivotal[1:6] == [party] * 5
    b, s = banzhaf(MAJILIS_2023, 66), shapley_shubik(MAJILIS_2023, 66)
    assert b == pytest.approx(np.array(normalised(swings), float), abs=1e-12)
    assert s == pytest.approx(np.array(pivotal, float), abs=1e-12)
    assert b[0].round(3) == 0.898 and (b[1:6].round(3) == 0.014).all()


def test_majilis_2023_quota_74():
    # Again only coalitions with Amanat win; Amanat swings when the others bring 12 or more of their 36
    # (4096 - 734 coalitions), Auyl when they bring 4..11 seats besides Amanat. Going through the 2^13
    # coalitions gives 6160 swings, Amanat 3362 (0.546) and Auyl 606 (0.098), the published figures.
    swings, pivotal = brute_force(MAJILIS_2023, 74)
    assert swings[:2] == [3362, 606] and sum(swings) == 6160
    b, s = banzhaf(MAJILIS_2023, 74), shapley_shubik(MAJILIS_2023, 74)
    assert b == pytest.approx(np.array(normalised(swings), float), abs=1e-12)
    assert s == pytest.approx(np.array(pivotal, float), abs=1e-12)
    assert b[0].round(3) == 0.546 and b[1].round(3) == 0.098


@pytest.mark.parametrize("quota", [1, 1001, 1334, 2000])
def test_identical_players_share_equally(quota):
    # At quota 1 or 2000 each player swings in a single coalition of 2^1999: too rare for a double,
    # yet the normalised index is still 1/2000 each.
    for index in (banzhaf, shapley_shubik):
        assert index(np.ones(2000), quota) == pytest.approx(np.full(2000, 1 / 2000), rel=1e-9)


def test_a_party_among_many_deputies():
    # 1,200 seats and 800 single-seat deputies at quota 1,334: the party is pivotal whenever 134..800 deputies
    # precede it, 667 of its 801 equally likely positions; the deputies share the rest. A deputy swings only
    # with the party and exactly 133 of the other 799 deputies, probability C(799, 133) / 2^799.
    weights = np.r_[1200, np.ones(800)]
    s = shapley_shubik(weights, 1334)
    assert s[0] == pytest.approx(667 / 801, rel=1e-12)
    assert s[1:] == pytest.approx(np.full(800, 134 / 801 / 800), rel=1e-9)
    deputy = float(Fraction(math.comb(799, 133), 2**799))
    assert banzhaf_measure(weights, 1334)[1:] == pytest.approx(np.full(800, deputy), rel=1e-9)


def test_zero_weight_players_change_nothing():
    weights, quota = [4, 4, 4, 2, 2, 1], 12
    with_nulls = [0, *weights, 0]
    for index in (banzhaf, banzhaf_measure, shapley_shubik):
        power = index(with_nulls, quota)
        assert power[0] == power[-1] == 0
        assert power[1:-1] == pytest.approx(index(weights, quota), abs=1e-15)


def test_a_quota_nobody_reaches_gives_nobody_power():
    for index in (banzhaf, banzhaf_measure, shapley_shubik):
        assert (index([3, 2, 1], 7) == 0).all()


def test_integral_floats_are_weights():
    assert banzhaf([49.0, 49.0, 2.0], 51.0) == pytest.approx(banzhaf([49, 49, 2], 51))


@pytest.mark.parametrize(
    ("weights", "quota", "message"),
    [
        ([3, -1], 2, r"weights\[1\] = -1"),
        ([3, 1.5], 2, r"weights\[1\] = 1.5"),
        ([3, np.nan], 2, r"weights\[1\] = nan"),
        ([[3, 1]], 2, "weights = "),
        (["3", "1"], 2, "weights = "),
        ([3, 1], 0, "quota = 0"),
        ([3, 1], 2.5, "quota = 2.5"),
        ([3, 1], "2", "quota = '2'"),
    ],
)
def test_bad_games_are_refused(weights, quota, message):
    for index in (banzhaf, banzhaf_measure, shapley_shubik):
        with pytest.raises(ValueError, match=message):
            index(weights, quota)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), weights=st.lists(st.integers(0, 20), min_size=1, max_size=10))
def test_matches_brute_force(data, weights):
    quota = data.draw(st.integers(1, sum(weights) + 2))
    swings, pivotal = brute_force(weights, quota)
    b, m, s = banzhaf(weights, quota), banzhaf_measure(weights, quota), shapley_shubik(weights, quota)
    assert b == pytest.approx(np.array(normalised(swings), float), abs=1e-12)
    assert m == pytest.approx(np.array(swings) / 2 ** (len(weights) - 1), abs=1e-12)
    assert s == pytest.approx(np.array(pivotal, float), abs=1e-12)
    someone_swings = quota <= sum(weights)
    assert b.sum() == pytest.approx(float(someone_swings)) and s.sum() == pytest.approx(float(someone_swings))
