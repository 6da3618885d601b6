"""The coalition game: a bloc's power by hand, the exact search against a plain enumeration, and a
house whose ruling party can decide everything alone."""

from __future__ import annotations

import itertools
from dataclasses import fields

import numpy as np
import pytest
from helpers import EXPELLING, FORMING, load, run
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.config import CoalitionConfig
from sim.model.coalition import (
    EXACT_PLAYERS,
    Chamber,
    Players,
    _leave_and_join,
    best_margin,
    form,
    hopeful,
    play,
    power,
    values,
)
from sim.model.model import MajilisModel
from sim.outcomes.terms import run_outcomes

CFG = CoalitionConfig(distance_weight=0.5, rivalry_cost=0.3, risk_weight=0.3)
# Ordinary laws only, at a majority of 50 of 98, against a ruling party of 40.
HUNG = Chamber(ruling=40, quotas=(50,), frequency=(1.0,))


def _players(n: int = 2, rival_pair: bool = False, **changes) -> Players:
    rivals = np.zeros((n, n), dtype=bool)
    rivals[0, 1] = rivals[1, 0] = rival_pair
    fields = dict(seats=np.array([30, 28] + [0] * (n - 2))[:n], position=np.zeros((n, 3)), intent=np.ones(n),
                  risk=np.zeros(n), cost=np.zeros(n), rivals=rivals)
    fields.update(changes)
    return Players(**fields)


def test_a_bloc_s_power_by_hand():
    # [50; 40, 30, 28]: any two of the three win, none alone: every player swings in 2 of the 4
    # coalitions of the others, so each has a third of the swings.
    assert power(HUNG, 30, np.array([28])) == pytest.approx(1 / 3)
    # A bloc of 58 wins ordinary laws alone (58 >= 50): a dictator, with all the power.
    assert power(HUNG, 58, np.array([])) == 1.0
    # A ruling party of 62 meets the ordinary majority alone: no other bloc can decide anything.
    assert power(Chamber(62, (50,), (1.0,)), 36, np.array([])) == 0.0
    # The 2023 house, all 36 others as one bloc against Amanat's 62: at 66 and at 74 both are needed
    # (half the power each); weighted by how often those kinds come up, 0.077 and 0.016 of bills.
    house = Chamber(62, (50, 66, 74), (0.908, 0.0768, 0.0156))
    assert house.reach == pytest.approx(0.0924)
    assert power(house, 36, np.array([])) == pytest.approx(0.5 * 0.0924)


def test_values_by_hand():
    # Together they hold 58 seats: all the power. Player 1 sits 1 away from player 0, so the centre
    # (30 * 0 + 28 * 1) / 58 is 28/58 from player 0 and 30/58 from player 1.
    position = np.array([[0.0, 0, 0], [1.0, 0, 0]])
    v = values(np.array([True, True]), _players(position=position), HUNG, CFG)
    assert v == pytest.approx([1 - 0.5 * 28 / 58, 1 - 0.5 * 30 / 58])
    # Risk and cost come off one for one (risk times its weight); a rival inside costs rivalry_cost.
    v = values(np.array([True, True]), _players(risk=np.array([1.0, 0]), cost=np.array([0, 0.1]), rival_pair=True),
               HUNG, CFG)
    assert v == pytest.approx([1 - 0.3 - 0.3, 1 - 0.1 - 0.3])


def test_two_willing_players_form_a_coalition_and_rivals_break_it_up():
    assert form(_players(), HUNG, CFG).tolist() == [True, True]
    # Rivalry costing more than the whole power: the pair is not stable, and one is no coalition.
    assert not form(_players(rival_pair=True), HUNG, CoalitionConfig(rivalry_cost=1.5)).any()


def test_a_pair_forms_with_the_logit_probability_of_both_shocked_values_being_positive():
    """Quantal response: each player's value carries a logistic shock of scale choice_noise, so a pair
    whose deterministic value is v each forms when both shocked values are >= 0: with probability
    sigma(v / choice_noise)^2. Without shocks, it forms exactly when v >= 0."""
    cfg = CoalitionConfig(distance_weight=0.5, rivalry_cost=0.3, risk_weight=0.3, choice_noise=0.05)
    rng = np.random.default_rng(11)
    for v in (-0.05, 0.0, 0.03):
        players = _players(cost=np.full(2, 1.0 - v))  # power 1, intent 1: value 1 - cost
        formed = np.mean([form(players, HUNG, cfg, shock=cfg.choice_noise * rng.logistic(size=2)).all()
                          for _ in range(4000)])
        assert formed == pytest.approx((1 / (1 + np.exp(-v / cfg.choice_noise))) ** 2, abs=0.025), v
        assert form(players, HUNG, cfg).all() == (v >= 0)


def test_players_who_cannot_gain_are_set_aside_and_a_dictator_s_chamber_has_no_hopeful():
    players = _players(3, seats=np.array([30, 28, 2]), intent=np.array([1.0, 1.0, 0.2]),
                       risk=np.array([0.0, 0.0, 1.0]))
    # Player 2's best case: 0.2 * power 1 - 0.3 * risk 1 < 0.
    assert hopeful(players, HUNG, CFG).tolist() == [True, True, False]
    assert not hopeful(players, Chamber(62, (50,), (1.0,)), CFG).any()


def _largest_stable_by_enumeration(players: Players, chamber: Chamber, cfg: CoalitionConfig) -> set[int]:
    """The definition, one subset at a time, through `values`: members would not leave, outsiders would
    not join; the largest by seats, then by members, then the first in binary order."""
    n = len(players.seats)
    best, key = set(), None
    for members in itertools.product((False, True), repeat=n):
        mask = np.array(members[::-1])
        if mask.sum() < 2:
            continue
        v = values(mask, players, chamber, cfg)
        if (v[mask] >= 0).all() and (v[~mask] <= 0).all():
            code = int(sum(1 << i for i in np.flatnonzero(mask)))
            candidate = (-int(players.seats[mask].sum()), -int(mask.sum()), code)
            if key is None or candidate < key:
                best, key = set(np.flatnonzero(mask).tolist()), candidate
    return best


def _random_game(game: tuple, cost) -> tuple[Players, Chamber]:
    """The players and chamber of a hypothesis-drawn game: seats, positions, intents, risks, the ruling
    party's seats and a bit pattern of rivalries (symmetric, nobody its own rival)."""
    seats, position, intent, risk, ruling, rivalry = game
    n = len(seats)
    rivals = np.array([[(rivalry >> ((i * n + j) % 21)) & 1 for j in range(n)] for i in range(n)], dtype=bool)
    rivals = (rivals | rivals.T) & ~np.eye(n, dtype=bool)
    players = Players(seats=np.array(seats), position=np.array(position).reshape(n, 3), intent=np.array(intent),
                      risk=np.array(risk), cost=cost(n), rivals=rivals)
    return players, Chamber(ruling, (50, 66, 74), (0.8, 0.15, 0.05))


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 7).flatmap(lambda n: st.tuples(
    st.lists(st.integers(2, 20), min_size=n, max_size=n),
    st.lists(st.floats(-0.5, 0.5), min_size=3 * n, max_size=3 * n),
    st.lists(st.floats(0.3, 1), min_size=n, max_size=n),
    st.lists(st.floats(0, 0.3), min_size=n, max_size=n),
    st.integers(25, 55),
    st.integers(0, 2 ** 21 - 1))))
def test_the_exact_search_finds_the_largest_stable_coalition(game):
    players, chamber = _random_game(game, cost=lambda n: np.full(n, 0.05))
    # Distance weighs less than by default, so that about two games in five form a coalition.
    cfg = CoalitionConfig(distance_weight=0.2, rivalry_cost=0.3, risk_weight=0.3)
    found = set(np.flatnonzero(form(players, chamber, cfg)).tolist())
    assert found == _largest_stable_by_enumeration(players, chamber, cfg)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 9).flatmap(lambda n: st.tuples(
    st.lists(st.integers(1, 20), min_size=n, max_size=n),
    st.lists(st.floats(-1, 1), min_size=3 * n, max_size=3 * n),
    st.lists(st.floats(0, 1), min_size=n, max_size=n),
    st.lists(st.floats(0, 1), min_size=n, max_size=n),
    st.integers(20, 60),
    st.integers(0, 2 ** 21 - 1))))
def test_the_best_bloc_s_margin_is_the_highest_least_willing_member_s_value_over_every_bloc(game):
    players, chamber = _random_game(game, cost=lambda n: np.where(np.arange(n) % 2, 0.2, 0.05))
    n = len(players.seats)
    cfg = CoalitionConfig()
    expected = max(values(np.array(mask, dtype=bool), players, chamber, cfg)[np.array(mask, dtype=bool)].min()
                   for mask in itertools.product((0, 1), repeat=n) if sum(mask) >= 2)
    assert best_margin(players, chamber, cfg) == pytest.approx(expected, abs=1e-12)
    # A coalition the game forms is one every member gains from: the best bloc's margin is not below 0.
    if form(players, chamber, cfg).any():
        assert best_margin(players, chamber, cfg) >= -1e-12


def test_beyond_the_exact_limit_the_margin_is_that_of_a_bloc_and_a_lower_bound():
    rng = np.random.default_rng(3)
    n = EXACT_PLAYERS + 2
    players = Players(seats=rng.integers(1, 5, n), position=rng.uniform(-1, 1, (n, 3)), intent=rng.uniform(0, 1, n),
                      risk=rng.uniform(0, 0.3, n), cost=np.full(n, 0.05), rivals=np.zeros((n, n), dtype=bool))
    chamber = Chamber(45, (50, 66, 74), (0.8, 0.15, 0.05))
    found = best_margin(players, chamber, CoalitionConfig())
    grand = values(np.ones(n, dtype=bool), players, chamber, CoalitionConfig()).min()
    assert np.isfinite(found) and found >= grand  # the grand coalition is one of the blocs it looks at


def test_a_ruling_party_with_three_quarters_of_the_seats_never_faces_a_coalition():
    """Every intent 1 and free coordination: with 74 of 98 seats the ruling party meets every threshold
    alone, no other bloc can decide anything, and so no coalition is worth joining for what it decides
    (without the worth of being seen to oppose, and without the session's shocks)."""
    free = ("minor.opposition_intent=1", "coalition.party_cost=0", "coalition.independent_cost=0",
            "coalition.risk_weight=0", "coalition.visibility=0", "coalition.choice_noise=0")
    three_quarters = ("parliament.list_seats.amanat=52", "parliament.list_seats.auyl=4",
                      "parliament.list_seats.respublica=3", "parliament.list_seats.ak_zhol=3",
                      "parliament.list_seats.qhp=4", "parliament.list_seats.osdp=3")
    cfg = load(*free, *three_quarters, "agenda.session_length=20")
    for seed in range(20):
        row = run_outcomes(run(cfg, seed))[0]
        assert row["seats_amanat"] == 74 and row["ruling_banzhaf_amendment"] == 1.0
        assert row["coalition_max_seats"] == 0
    # The same players in a house the ruling party cannot rule alone do form one: the test can fail.
    hung = load(*free, "experiment=ruling_minority", "agenda.session_length=20")
    assert any(run_outcomes(run(hung, seed))[0]["coalition_max_seats"] > 0 for seed in range(20))


# A change to each coalition key, from a point of sweep=ruling_minority where coalitions form.
CHANGES = {"enabled": False, "weight": 0.0, "distance_weight": 2.0, "rivalry_cost": 2.0, "risk_weight": 2.0,
           "party_cost": 0.5, "independent_cost": 0.5, "cooptation_rent": 1.0, "visibility": 0.5,
           "choice_noise": 0.5}


@pytest.mark.parametrize("key", [f.name for f in fields(CoalitionConfig)])
def test_every_coalition_key_moves_an_outcome_where_coalitions_form(key):
    point = (*FORMING, "agenda.session_length=40")
    base = load(*point)
    changed = load(*(o for o in point if not o.startswith(f"coalition.{key}=")), f"coalition.{key}={CHANGES[key]}")
    outcomes = ["coalition_max_seats", "coalition_mean_seats", "coalition_power", "gov_defeats", "defections"]
    rows = [[run_outcomes(run(cfg, seed))[0] for seed in range(12)] for cfg in (base, changed)]
    assert any(a[o] != b[o] for a, b in zip(*rows, strict=True) for o in outcomes), f"coalition.{key} changed nothing"


@pytest.mark.slow
def test_leave_and_join_beyond_the_exact_limit_mostly_finds_the_largest_stable_coalition():
    """Measured on random houses of 3-7 parties and 0-8 self-nominated deputies (ODD 7.8 quotes it)."""
    rng = np.random.default_rng(2026)
    cfg = CoalitionConfig(distance_weight=0.2, rivalry_cost=0.3, risk_weight=0.3)
    exists = differs = 0
    for _ in range(600):
        parties, independents = int(rng.integers(3, 8)), int(rng.integers(0, 9))
        n = parties + independents
        seats = np.concatenate([rng.integers(3, 12, parties), np.ones(independents, dtype=np.int64)])
        rivals = np.triu(rng.random((n, n)) < 0.1, 1)
        players = Players(seats=seats, position=rng.uniform(-0.5, 0.5, (n, 3)), intent=rng.uniform(0.3, 1, n),
                          risk=rng.uniform(0, 0.3, n), cost=np.where(np.arange(n) < parties, 0.05, 0.2),
                          rivals=rivals | rivals.T)
        chamber = Chamber(int(98 - seats.sum()), (50, 66, 74), (0.908, 0.077, 0.015))
        candidates = np.flatnonzero(hopeful(players, chamber, cfg))
        if len(candidates) < 2:
            continue
        exact = np.flatnonzero(form(players, chamber, cfg))
        exists += len(exact) > 0
        differs += set(exact.tolist()) != set(_leave_and_join(players, chamber, cfg, candidates).tolist())
    print(f"leave/join differs from the exact search in {differs} of {exists} games with a stable coalition")
    assert exists > 40 and differs / exists < 0.15, (exists, differs)


def test_a_house_keeps_its_game_only_while_its_players_stand():
    """The game a house keeps from session to session (Kept) plays as a game set up afresh, session
    after session of a run with expulsions, after a list deputy is replaced by the next candidate (the
    game stands), and after a seat falls vacant or a deputy leaves its party (the game is set up anew)."""
    model = MajilisModel(load(*FORMING, *EXPELLING), rng=np.random.default_rng(2))  # one expulsion
    c = model.cfg.coalition

    def both() -> tuple:
        played = [play(model.parties, model.seats, model.thresholds, model.kind_frequency, c,
                       np.random.default_rng(11), kept=kept) for kept in (model.kept_game, None)]
        return tuple((None if coal is None else (coal.seats, coal.power, coal.parties.tobytes()), margin)
                     for coal, margin in played)

    for _ in range(model.term_length // model.session_length):
        for _ in range(model.session_length):
            model.step()
        kept, fresh = both()
        assert kept == fresh
    assert model.expulsions  # seats did change hands along the way
    changes, s = model.seats.changes, model.seats
    # A list deputy replaced by the next on its party's list changes no player: the game stands.
    seat = int(np.flatnonzero(s.seated & ~s.district & (s.party_of != model.parties.ruling)
                              & (s.party_of != model.parties.independent))[0])
    assert not s.expel(seat)
    s.draw(np.array([seat]), np.random.default_rng(5))
    assert s.changes == changes
    kept, fresh = both()
    assert kept == fresh
    seat = int(np.flatnonzero(s.seated & (s.party_of != model.parties.ruling))[0])
    s.vacate(seat)
    kept, fresh = both()
    assert kept == fresh and s.changes == changes + 1
    seat = int(np.flatnonzero(s.seated & s.district & (s.party_of != model.parties.ruling)
                              & (s.party_of != model.parties.independent))[0])
    s.expel(seat)
    kept, fresh = both()
    assert kept == fresh and s.changes == changes + 2
