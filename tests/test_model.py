"""The model's procedure: tallies, expulsions, reproducibility, the median voter, vote accounting."""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd
import pytest
from helpers import FORMING, load, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.config import Config, validate
from sim.model.agents import Deputy
from sim.model.closing import hazards
from sim.model.model import MajilisModel, run_lockstep
from sim.model.rollcall import ABSTAIN, NO, YES
from sim.outcomes.tables import roll_call_table, voteview_matrix
from sim.outcomes.terms import run_outcomes


def _disciplined_house(cfg: Config, ruling_seats: int, other_seats: int, kind: str) -> Config:
    """Every deputy votes exactly the party line, lines follow regime alignment only: the ruling party
    says yes to every Government bill and the other party says no."""
    cfg.parliament.list_seats = {"amanat": ruling_seats, "alga": other_seats}
    cfg.parliament.district_seats = {}
    cfg.parliament.independents = 0
    cfg.parties["amanat"].whip_strength = cfg.parties["alga"].whip_strength = 1.0
    cfg.parties["alga"].regime_alignment = 0.0
    cfg.behavior.loyalty_mean = 1.0
    cfg.behavior.policy_weight = 0.0
    cfg.behavior.noise_sd = 0.0
    cfg.behavior.fear_scale = 0.0
    cfg.coalition.enabled = False
    cfg.executive.agenda_share = 1.0
    for k in cfg.rules.kinds:
        k.government = float(k.kind == kind)
    cfg.agenda.sessions_per_term = 1
    validate(cfg)
    return cfg


@pytest.mark.parametrize("kind, threshold", [("ordinary", 50), ("constitutional", 66), ("amendment", 74)])
def test_a_bill_passes_with_exactly_the_threshold_and_fails_one_short(kind, threshold):
    at = run(_disciplined_house(load(), threshold, 98 - threshold, kind))
    short = run(_disciplined_house(load(), threshold - 1, 99 - threshold, kind))
    assert (at.record.counts[:, :, YES].sum(axis=1) == threshold).all()
    assert at.record.passed.all()
    assert (short.record.counts[:, :, YES].sum(axis=1) == threshold - 1).all()
    assert not short.record.passed.any()


def test_same_seed_same_outcomes_and_different_seeds_differ(baseline):
    first = run_outcomes(run(baseline, seed=7))[0]
    again = run_outcomes(run(baseline, seed=7))[0]
    other = run_outcomes(run(baseline, seed=8))[0]
    assert pd.Series(first).equals(pd.Series(again))  # NaN-aware: absent parties' Rice is NaN
    assert not pd.Series(first).equals(pd.Series(other))
    assert (roll_call_table(run(baseline, 7)).equals(roll_call_table(run(baseline, 7))))




@pytest.mark.parametrize("overrides", [(), FORMING, ("experiment=two_terms",)])
def test_houses_run_in_lockstep_end_as_each_would_alone(overrides):
    """A batch shares each roll call's numpy calls among houses; each must still cast its own votes."""
    cfg = load(*overrides)
    # Built cold: run_lockstep plays their warm-up sessions together too.
    together = [MajilisModel(cfg, rng=np.random.default_rng(seed), warm=False) for seed in range(4)]
    run_lockstep(together)
    for seed, model in enumerate(together):
        alone = run(cfg, seed)
        assert model.held == alone.held == alone.steps == model.roll_calls and not model.running
        assert np.array_equal(model.record.votes, alone.record.votes)
        assert np.array_equal(model.record.coalition_seats, alone.record.coalition_seats)
        assert pd.DataFrame(run_outcomes(model)).equals(pd.DataFrame(run_outcomes(alone)))
    if overrides == FORMING:  # the coalition's line is exercised, not only zeros
        assert any(model.record.coalition_seats.any() for model in together)


def _expulsion_ready(cfg: Config) -> MajilisModel:
    cfg.agenda.warm_up_sessions = 0  # every record blank: only the one each test writes counts
    cfg.behavior.expel_rate = 1e6  # the largest allowed: any record over the tolerance is expelled
    cfg.parties["amanat"].whip_strength = 1.0
    model = MajilisModel(cfg, rng=np.random.default_rng(3))
    model.parties.threat[model.parties.ruling] = 1.0  # a party under threat polices its deputies
    return model


def _rebel(model: MajilisModel, seat: int) -> None:
    """Give the deputy in `seat` a session's record of votes against its line and the executive."""
    model.seats.sat[seat], model.seats.defections[seat], model.seats.defections_against[seat] = 100, 5, 5


def _expel(model: MajilisModel) -> None:
    """The party's judgement of the records as they stand, after a session of 100 roll calls sat."""
    s, p, b = model.seats, model.parties, model.behavior
    danger = (np.minimum(p.threat, 1.0) * p.whip)[s.party_of]
    exposed = s.seated & p.imperative[s.party_of]
    hazard, vote_share = hazards(b.dissent_tolerance, b.speech_weight, b.expel_rate, exposed, danger,
                                 np.full(model.members, 100), s.speech, s.sat, s.defections, s.defections_against)
    model._expel(hazard, vote_share)


def test_an_expelled_list_deputy_is_replaced_by_a_new_agent(baseline):
    model = _expulsion_ready(baseline)
    seat = int(np.flatnonzero((model.seats.party_of == model.parties.ruling) & ~model.seats.district)[0])
    old = model.occupant[seat]
    reserve = model.parties.reserve[model.parties.ruling]
    _rebel(model, seat)
    _expel(model)
    new = model.occupant[seat]
    assert new is not old and isinstance(new, Deputy) and new.unique_id != old.unique_id
    assert old not in model.agents and new in model.agents
    assert len(model.agents) == 98 and model.seats.seated.all()
    assert new.party == "amanat" and new.seat_kind == "list" and new.seated
    assert new.defections == 0 and model.seats.sat[seat] == 0  # a new deputy starts a new record
    assert model.parties.reserve[model.parties.ruling] == reserve - 1
    assert model.expulsions == 1
    [row] = model.expelled
    assert row.deputy == old.unique_id and row.party == "amanat" and row.seat_kind == "list"
    assert (row.with_executive, row.against_executive, row.roll_calls_sat) == (0, 5, 100)


def test_the_party_expels_dissent_against_the_executive_not_for_it(baseline):
    """Votes against the line that side with the Government are no danger to the party; those against
    both are, past the tolerance; and a party under no threat expels nobody."""
    model = _expulsion_ready(baseline)
    seats = np.flatnonzero((model.seats.party_of == model.parties.ruling) & ~model.seats.district)[:3]
    model.seats.sat[seats] = 100
    model.seats.defections[seats] = 5
    model.seats.defections_against[seats] = [0, 5, 3]  # with the executive; against it; net 1 in 100 against
    _expel(model)
    assert [row.seat for row in model.expelled] == [seats[1], seats[2]]
    calm = _expulsion_ready(load())
    calm.parties.threat[:] = 0.0
    _rebel(calm, int(seats[1]))
    _expel(calm)
    assert calm.expulsions == 0
    tolerant = _expulsion_ready(load("behavior.dissent_tolerance=0.05"))
    _rebel(tolerant, int(seats[1]))
    _expel(tolerant)
    assert tolerant.expulsions == 0


def test_a_list_seat_falls_vacant_when_the_list_is_exhausted(baseline):
    baseline.parties["amanat"].reserve = 0
    model = _expulsion_ready(baseline)
    seat = int(np.flatnonzero((model.seats.party_of == model.parties.ruling) & ~model.seats.district)[0])
    _rebel(model, seat)
    _expel(model)
    assert model.occupant[seat] is None and not model.seats.seated[seat]
    assert len(model.agents) == 97 and (~model.seats.seated).sum() == 1
    model.behavior.expel_rate = 0.0
    model.run_model()  # a vacant seat casts no vote, and thresholds stay those of 98 members
    counts = model.record.counts[model.session_length:]
    assert (counts[:, :, [NO, ABSTAIN, YES]].sum(axis=(1, 2)) == 97).all()
    assert model.majority == 50


def test_an_expelled_district_deputy_sits_on_as_self_nominated(baseline):
    model = _expulsion_ready(baseline)
    seat = int(np.flatnonzero((model.seats.party_of == model.parties.ruling) & model.seats.district)[0])
    deputy = model.occupant[seat]
    _rebel(model, seat)
    _expel(model)
    assert model.occupant[seat] is deputy and deputy.seated
    assert deputy.party is None and deputy.seat_kind == "district"
    assert model.seats.rule[seat, 8:].sum() == 0  # no party line binds an independent
    assert model.seats.sat[seat] == 0  # its record against a party line no longer applies


def test_each_self_nominated_deputy_carries_its_own_mandate_threat(baseline):
    """One independent's votes against the executive frighten that deputy, not the other six: its
    threat gains sanction_rate per such vote and fades by threat_decay per 100 roll calls."""
    baseline.behavior.expel_rate = 0.0  # no district deputy joins the independents midway
    baseline.behavior.speech_rate = 0.0  # votes alone (acts of public dissent are sanctioned too, 7.9a)
    baseline.agenda.warm_up_sessions = 0  # threats start at 0, the warm-up's votes being in no record
    model = MajilisModel(baseline, rng=np.random.default_rng(5))
    model.run_model()
    r, e = model.record, model.executive
    independents = np.flatnonzero(model.seats.party_of == model.parties.independent)
    against = r.votes[:, independents] == np.where(r.stance > 0, NO, YES)[:, None]
    expected = np.zeros(len(independents))
    for session in range(model.session):
        votes = against[session * model.session_length:(session + 1) * model.session_length].sum(axis=0)
        expected = (expected + e.sanction_rate * votes) * (1 - e.threat_decay) ** (model.session_length / 100)
    assert np.allclose(model.seats.mandate_threat[independents], expected)
    assert len(np.unique(expected)) > 1 and model.parties.threat[model.parties.independent] == 0.0


def test_repeated_proposals_drive_the_status_quo_to_the_median_deputy(baseline):
    """Median voter theorem: sincere voting on one-dimensional bills, no party, fear, coalition or noise."""
    cfg = baseline
    cfg.behavior.loyalty_mean = 0.0
    cfg.behavior.fear_scale = 0.0
    cfg.behavior.noise_sd = 0.0
    cfg.behavior.abstain_band = 1e-9
    cfg.behavior.expel_rate = 0.0  # a fixed electorate: expulsions would bring new ideal points
    cfg.coalition.enabled = False
    cfg.independents.regime_alignment = 0.5  # no pull towards or against the executive
    cfg.agenda.two_dimension_prob = 0.0
    cfg.agenda.drift_sd = 0.0
    for k in cfg.rules.kinds:
        k.government = k.deputies = float(k.kind == "ordinary")
    cfg.agenda.sessions_per_term = 20
    cfg.executive.agenda_share = 0.0
    for party in cfg.parties.values():
        party.regime_alignment = 0.0  # proposers draft at their own ideal points
    model = run(cfg, seed=11)
    ideal = np.sort(model.seats.ideal, axis=0)
    # With 98 voters and 50 needed, the stable set lies between the 49th and 50th ideal points.
    low, high = ideal[48], ideal[49]
    sq = model.status_quo
    assert np.all(sq >= low - 0.01) and np.all(sq <= high + 0.01), (sq, low, high)
    start = np.array(cfg.executive.ideal)
    median = np.median(model.seats.ideal, axis=0)
    assert np.abs(sq - median).max() < np.abs(start - median).max()


def test_voteview_matrix_matches_the_tallies(baseline):
    model = run(baseline, seed=2)
    matrix = voteview_matrix(model)
    counts = model.record.counts
    assert set(np.unique(matrix.values)) <= {0, 1, 6, 9}
    assert ((matrix == 1).sum(axis=0).values == counts[:, :, YES].sum(axis=1)).all()
    assert ((matrix == 6).sum(axis=0).values == counts[:, :, NO].sum(axis=1)).all()
    ever_seated = {d for session in model.record.occupant_ids for d in session if d is not None}
    assert set(matrix.index) == ever_seated


@st.composite
def valid_configs(draw) -> Config:
    cfg = load()
    names = ["amanat", "auyl", "qhp", "osdp", "alga"]
    cfg.parliament.list_seats = {n: draw(st.integers(0, 30)) for n in names}
    cfg.parliament.list_seats["amanat"] += 1
    cfg.parliament.district_seats = {n: draw(st.integers(0, 10)) for n in names[:2]}
    cfg.parliament.independents = draw(st.integers(0, 10))
    for n in names:
        cfg.parties[n].reserve = draw(st.integers(0, 2))
        cfg.parties[n].whip_strength = draw(st.floats(0, 1))
    b = cfg.behavior
    b.loyalty_mean = draw(st.floats(0, 1))
    b.fear_scale = draw(st.floats(0, 2))
    b.noise_sd = draw(st.floats(0, 1))
    b.abstain_band = draw(st.floats(0, 1))
    b.policy_weight = draw(st.floats(0, 10))
    b.dissent_tolerance = draw(st.floats(0, 0.1))
    b.expel_rate = draw(st.floats(0, 20))
    cfg.coalition.enabled = draw(st.booleans())
    cfg.coalition.distance_weight = draw(st.floats(0, 1))
    cfg.agenda.session_length = draw(st.integers(1, 30))
    cfg.agenda.sessions_per_term = draw(st.integers(1, 4))
    cfg.executive.agenda_share = draw(st.floats(0, 1))
    validate(cfg)
    return cfg


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cfg=valid_configs(), seed=st.integers(0, 2**32 - 1))
def test_every_seated_deputy_votes_yes_no_or_abstain_once(cfg, seed):
    model = run(cfg, seed)
    seated = np.array([sum(d is not None for d in ids) for ids in model.record.occupant_ids])
    per_roll_call = np.repeat(seated, cfg.agenda.session_length)
    cast = model.record.counts[:, :, [YES, NO, ABSTAIN]].sum(axis=(1, 2))
    assert (cast == per_roll_call).all()
    assert len(model.agents) == model.seats.seated.sum()
    assert (model.record.passed == (model.record.counts[:, :, YES].sum(axis=1)
                                    >= model.thresholds[model.record.kind])).all()


class _Checked(MajilisModel):
    """Checks, at every roll call, that each seated deputy's own vote() gives the vote the sitting cast
    (before the session closes and changes fear, coalition and seats)."""

    checked = 0

    def check(self) -> None:
        i = (self.held - 1) % self.session_length
        cast = self.sitting.votes[0, i]
        for deputy in self.agents:
            assert deputy.vote(self.last_bill) == cast[deputy.seat], (self.held, deputy.seat)
            _Checked.checked += 1

    def close_session(self, sitting) -> None:
        self.check()
        super().close_session(sitting)


@pytest.mark.parametrize("overrides", [
    (),
    FORMING,  # a coalition: party lines and self-nominated members follow its line
    ("experiment=two_terms",),  # an election between terms: a new house
    # vacant seats: a cold start (no warm-up), so that many deputies dissent and are expelled
    ("agenda.warm_up_sessions=0", "behavior.expel_rate=1000", "behavior.dissent_tolerance=0",
     *(f"parties.{p}.reserve=0" for p in ("amanat", "auyl", "respublica", "ak_zhol", "qhp", "osdp"))),
])
def test_each_deputy_s_vote_rule_gives_the_vote_the_sitting_cast(overrides):
    cfg = load(*overrides, "agenda.session_length=30")
    vacancies = 0
    for seed in range(4):
        model = _Checked(cfg, rng=np.random.default_rng(seed))
        while model.running:
            model.step()
            if model.held % model.session_length:
                model.check()
        vacancies += (~model.seats.seated).sum()
    assert _Checked.checked > 0
    if "parties.osdp.reserve=0" in overrides:
        assert vacancies > 0  # the check covered houses with empty seats


def _followed_own_gain(policy_weight: float) -> float:
    """Share of self-nominated deputies' yes/no votes that follow their own policy gain, on the roll
    calls where that gain and the executive's stance point opposite ways (no party line binds them)."""
    model = MajilisModel(load(f"behavior.policy_weight={policy_weight}"), rng=np.random.default_rng(11))
    followed = counted = 0
    for _ in range(2 * model.session_length):
        model.step()
        bill = model.last_bill
        votes = model.sitting.votes[0, (model.held - 1) % model.session_length]
        for deputy in model.agents:
            if deputy.party is not None or not deputy.seated:
                continue
            gain = np.sum(deputy.salience * ((bill.status_quo - deputy.ideal) ** 2
                                             - (bill.proposal - deputy.ideal) ** 2))
            vote = votes[deputy.seat]
            if vote != ABSTAIN and np.sign(gain) == -bill.stance:
                counted += 1
                followed += vote == (YES if gain > 0 else NO)
    return followed / counted


def test_a_deputy_s_own_position_shapes_its_votes_where_no_line_binds_it():
    """The calibrated policy weight makes positions visible in votes against fear and pull."""
    assert _followed_own_gain(0.0) < 0.03
    assert _followed_own_gain(20.0) > 0.25


def test_stepping_past_the_last_roll_call_holds_nothing(baseline):
    """A viewer's Step may run more steps than remain: the finished model stays as it was."""
    model = MajilisModel(baseline, rng=np.random.default_rng(2))
    model.run_model()
    votes = model.record.votes.copy()
    model.step()
    assert model.held == model.roll_calls and not model.running
    assert np.array_equal(model.record.votes, votes)


def test_a_deputy_s_mesa_agent_is_made_when_asked_for_with_the_id_the_record_holds():
    model = MajilisModel(load(), rng=np.random.default_rng(4))
    model.run_model()
    assert not model._agents  # a run that reads only its arrays makes no agent
    seated = {int(i) for i in model.deputy_ids if i}
    assert seated == {i for i in model.record.occupant_ids[-1] if i is not None}
    collector = mesa.DataCollector(agenttype_reporters={Deputy: {"fear": "fear"}})
    collector.collect(model)  # agents_by_type makes them, as model.agents does
    assert {d.unique_id for d in model.agents} == seated == set(collector.get_agenttype_vars_dataframe(Deputy)
                                                                 .index.get_level_values(-1))
    assert all(d.seated and model.deputy(d.seat) is d for d in model.agents)
