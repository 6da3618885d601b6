"""The list-seat rule by hand and by property, simulated elections, and several terms."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import load, run
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.config import ConfigError
from sim.model.electoral import (
    allocate_list_seats,
    effective_number_of_parties,
    gallagher,
    registration_denied,
    simulate_election,
)
from sim.runs.replicates import run_experiment

CEC_2023 = {  # list votes, 19 March 2023 (CEC final results)
    "amanat": 3_431_510, "auyl": 693_938, "respublica": 547_154, "ak_zhol": 535_139,
    "qhp": 432_920, "osdp": 331_058, "baitak": 146_431,
}


def test_the_2023_list_seats_come_out_of_the_2023_votes():
    seats = allocate_list_seats(CEC_2023, 69, 0.05, against_all=248_291)
    assert seats == {"amanat": 40, "auyl": 8, "respublica": 6, "ak_zhol": 6, "qhp": 5, "osdp": 4, "baitak": 0}


def test_against_all_counts_in_the_threshold_base():
    # c has exactly 5 % of 1,000 votes and qualifies; with 10 against-all votes it has 4.95 % and not.
    assert allocate_list_seats({"a": 500, "b": 450, "c": 50}, 20, 0.05) == {"a": 10, "b": 9, "c": 1}
    assert allocate_list_seats({"a": 500, "b": 450, "c": 50}, 20, 0.05, against_all=10) == {"a": 11, "b": 9, "c": 0}


def test_ties_go_to_the_party_listed_first():
    assert allocate_list_seats({"a": 100, "b": 100}, 3, 0.05) == {"a": 2, "b": 1}
    assert allocate_list_seats({"b": 100, "a": 100}, 3, 0.05) == {"b": 2, "a": 1}


def test_fewer_than_two_qualifying_parties_admit_the_runner_up():
    # Only a passes 5 %; b (4 %) is admitted as runner-up: quotas 95.74 and 4.26 of 100 seats.
    assert allocate_list_seats({"a": 900, "b": 40, "c": 30}, 100, 0.05) == {"a": 96, "b": 4, "c": 0}
    # Nobody passes a 50 % threshold: the two largest share the seats.
    assert allocate_list_seats({"a": 40, "b": 35, "c": 25}, 15, 0.5) == {"a": 8, "b": 7, "c": 0}


@settings(max_examples=200, deadline=None)
@given(
    votes=st.lists(st.integers(0, 10**6), min_size=1, max_size=12),
    against=st.integers(0, 10**5),
    seats=st.integers(0, 200),
    threshold=st.floats(0, 0.2),
)
def test_the_list_rule_by_property(votes, against, seats, threshold):
    named = {f"p{i}": v for i, v in enumerate(votes)}
    result = allocate_list_seats(named, seats, threshold, against)
    assert list(result) == list(named)
    if sum(votes) == 0:
        assert sum(result.values()) == 0
        return
    assert sum(result.values()) == seats
    base = sum(votes) + against
    qualifying = [n for n, v in named.items() if v > 0 and v >= threshold * base]
    if len(qualifying) >= 2:
        for name in named:
            if name not in qualifying:
                assert result[name] == 0
        total = sum(named[n] for n in qualifying)
        for name in qualifying:
            assert abs(result[name] - named[name] * seats / total) < 1


def test_measures_by_hand():
    assert effective_number_of_parties({"a": 50, "b": 50}) == pytest.approx(2.0)
    assert effective_number_of_parties({"a": 2}, independents=2) == pytest.approx(1 / (0.25 + 0.0625 * 2))
    # votes 60/40, seats 70/30: sqrt(0.5 * (0.1^2 + 0.1^2)) = 0.1 -> 10 points
    assert gallagher({"a": 60, "b": 40}, {"a": 7, "b": 3}) == pytest.approx(10.0)


def test_a_simulated_election_seats_the_full_house_with_registration_bias():
    cfg = load("parliament=simulated_election")
    rng = np.random.default_rng(4)
    results = [simulate_election(cfg, rng) for _ in range(200)]
    assert all(r.composition.size == 98 for r in results)
    assert all(sum(r.list_seats.values()) == 69 and sum(r.district_seats.values()) == 29 for r in results)
    amanat = np.mean([r.composition.seats()["amanat"] for r in results])
    assert 58 <= amanat <= 67  # 62 in 2023
    alga_on_ballot = np.mean(["alga" in r.registered for r in results])
    assert 0.1 < alga_on_ballot < 0.3  # refused with probability 0.8
    assert all("osdp" in r.registered for r in results)  # intent 0.3 is tolerated


def test_registration_threat_raises_refusals():
    cfg = load("parliament=simulated_election")
    rng = np.random.default_rng(0)
    calm = np.mean([len(registration_denied(cfg.parliament.election, cfg, {}, rng)) for _ in range(500)])
    threatened = np.mean([len(registration_denied(cfg.parliament.election, cfg, {"osdp": 2.0}, rng))
                          for _ in range(500)])
    assert threatened == pytest.approx(calm + 0.5, abs=0.1)


def test_several_terms_need_an_election():
    with pytest.raises(ConfigError, match="agenda.terms = 2: more than one term needs parliament.election"):
        load("agenda.terms=2")


def test_two_terms_reseat_the_house_and_report_each_term():
    cfg = load("experiment=two_terms", "agenda.session_length=20")
    model = run(cfg, seed=3)
    assert len(model.elections) == 2 and len(model.terms) == 2
    assert len(model.agents) == int(model.seats.seated.sum())
    runs = run_experiment(load("experiment=two_terms", "agenda.session_length=20", "run.replicates=4"),
                          progress=False)
    assert runs.groupby("replicate").term.apply(list).tolist() == [[1, 2]] * 4
    expected = {"enp_seats", "gallagher", "ruling_majority", "ruling_constitutional_majority", "seats_amanat"}
    assert expected <= set(runs.columns)
    assert (runs[[c for c in runs.columns if c.startswith("seats_")]].sum(axis=1) == 98).all()
