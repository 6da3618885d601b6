"""The coalition game by hand."""

from __future__ import annotations

import numpy as np
import pytest

from sim.coalition import Players, form, hopeful, power, values
from sim.config import CoalitionConfig

CFG = CoalitionConfig(distance_weight=0.5, rivalry_cost=0.3, risk_weight=0.3)


def _players(rival_pair: bool = False, **changes) -> Players:
    fields = dict(
        seats=np.array([10.0, 10.0]),
        position=np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0]]),
        intent=np.array([1.0, 1.0]),
        risk=np.zeros(2),
        cost=np.zeros(2),
        rivals=np.array([[False, rival_pair], [rival_pair, False]]),
    )
    fields.update(changes)
    return Players(**fields)


def test_power_by_hand():
    assert power(0, 33, 50) == 0
    assert power(33, 33, 50) == pytest.approx(0.5 + 0.5 * 33 / 50)
    assert power(50, 33, 50) == 1 and power(98, 33, 50) == 1


def test_values_by_hand():
    # Both in: 20 seats, centre (0.5, 0, 0), each 0.5 away.
    expected = 0.5 * 20 / 33 + 0.5 * 20 / 50 - 0.5 * 0.5
    assert values(np.array([True, True]), _players(), CFG, 33, 50) == pytest.approx([expected] * 2)
    # Player 1 outside looks at joining player 0: the same coalition, so the same value.
    v = values(np.array([True, False]), _players(), CFG, 33, 50)
    assert v[1] == pytest.approx(expected)
    # Risk and cost come off one for one (risk times its weight).
    v = values(np.array([True, True]), _players(risk=np.array([1.0, 0.0]), cost=np.array([0.0, 0.1])), CFG, 33, 50)
    assert v == pytest.approx([expected - 0.3, expected - 0.1])


def test_two_willing_players_form_a_coalition():
    assert form(_players(), CFG, 33, 50).tolist() == [True, True]


def test_rivals_break_it_up_and_a_lone_player_is_no_coalition():
    # Rivalry costs 0.3 > the value 0.253 of the pair: the first leaves, the second is alone.
    assert form(_players(rival_pair=True), CFG, 33, 50).tolist() == [False, False]


def test_a_distant_player_leaves_and_the_rest_stay():
    players = _players(
        seats=np.array([10.0, 10.0, 2.0]),
        position=np.array([[0.0, 0.0, 0.0], [0.2, 0.0, 0.0], [-1.0, -1.0, -1.0]]),
        intent=np.ones(3), risk=np.zeros(3), cost=np.zeros(3), rivals=np.zeros((3, 3), dtype=bool),
    )
    assert form(players, CFG, 33, 50).tolist() == [True, True, False]


def test_players_who_cannot_gain_from_any_coalition_are_set_aside_first():
    # Player 2's best case: intent 0.2 * power(22 seats) - 0.3 * risk 1 < 0, so it never belongs.
    players = _players(
        seats=np.array([10.0, 10.0, 2.0]),
        position=np.zeros((3, 3)),
        intent=np.array([1.0, 1.0, 0.2]), risk=np.array([0.0, 0.0, 1.0]), cost=np.zeros(3),
        rivals=np.zeros((3, 3), dtype=bool),
    )
    assert hopeful(players, CFG, 33, 50).tolist() == [True, True, False]
    assert form(players, CFG, 33, 50).tolist() == [True, True, False]
