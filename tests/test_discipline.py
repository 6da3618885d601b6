"""Public dissent (ODD 7.9a) and expulsions given by a record (sim.model.given), by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import load

from sim.model.closing import speech_means, speech_sanction
from sim.model.given import GivenExpulsion, GivenExpulsions, expel_given
from sim.model.model import MajilisModel


def _house(*overrides: str) -> MajilisModel:
    return MajilisModel(load(*overrides), rng=np.random.default_rng(3))


def _speech_means(model: MajilisModel, fear: np.ndarray, roll_calls: int) -> np.ndarray:
    s, b = model.seats, model.behavior
    return speech_means(np.array([[b.speech_rate * roll_calls / 100]]), np.array([[b.speech_silence]]),
                        s.salience[None], s.ideal[None], model.executive.ideal[None], fear[None], s.seated[None])[0]


def test_the_expected_acts_of_public_dissent_by_hand():
    """mean = speech_rate x roll calls / 100 x salience-weighted distance from the executive x
    (1 - speech_silence x fear), for every seat; and a session's acts add to the record since seating."""
    model = _house()
    s, e = model.seats, model.executive.ideal
    s.fear[:] = np.linspace(0, 1, model.members)
    b = model.behavior
    expected = b.speech_rate * 0.8 * (s.salience * np.abs(s.ideal - e)).sum(axis=1) * (1 - b.speech_silence * s.fear)
    mean = _speech_means(model, s.fear, roll_calls=80)
    assert np.allclose(mean, expected, rtol=1e-12, atol=0) and (mean > 0).all()
    before, ids = s.speech_acts.copy(), model.deputy_ids.copy()  # what the warm-up's sessions left
    for _ in range(model.session_length):
        model.step()
    same = model.deputy_ids == ids  # an expelled deputy's record goes with it
    assert s.speech.sum() > 0 and same.sum() > 90 and (s.speech_acts - before == s.speech)[same].all()


def test_fear_at_the_cap_silences_a_deputy_when_silence_is_total():
    model = _house("behavior.speech_silence=1")
    assert not (_speech_means(model, np.ones(model.members), roll_calls=100) > 0).any()


def test_the_executive_sanctions_acts_as_it_does_votes():
    """A party's threat gains sanction_rate per act over its seated deputies; the ruling party's stays 0;
    a self-nominated deputy's own mandate threat gains sanction_rate per act and per vote against the
    executive's stance, and fades with the session, as a party's does."""
    model = _house()
    s, p = model.seats, model.parties
    acts = np.zeros(model.members, dtype=np.int64)
    qhp, ruling = p.names.index("qhp"), p.ruling
    qhp_seats = np.flatnonzero(s.party_of == qhp)
    acts[qhp_seats[:2]] = [3, 1]
    acts[np.flatnonzero(s.party_of == ruling)[0]] = 5
    gained = speech_sanction(acts[None], s.party_of[None], s.seated[None], len(p.names), np.array([[0.3]]))[0]
    assert gained[qhp] == pytest.approx(0.3 * 4 / len(qhp_seats))
    assert gained[ruling] == pytest.approx(0.3 * 5 / (s.party_of == ruling).sum())  # what close_sessions zeroes
    rate, fade = model.executive.sanction_rate, (1 - model.executive.threat_decay) ** (model.session_length / 100)
    spoke = 0
    for _ in range(model.cfg.agenda.sessions_per_term):
        for _ in range(model.session_length - 1):
            model.step()
        ids, alone = model.deputy_ids.copy(), s.independent.copy()
        mandate, threat = s.mandate_threat.copy(), p.threat.copy()
        model.step()  # the session's last roll call, and its close
        same = np.flatnonzero(alone & (model.deputy_ids == ids))
        by_hand = (mandate + rate * model.sitting.against_executive[0] + rate * s.speech)[same] * fade
        assert np.allclose(s.mandate_threat[same], by_hand, rtol=1e-12, atol=0)
        assert p.threat[ruling] == 0.0 and p.threat[p.independent] == 0.0
        assert threat[qhp] * fade <= p.threat[qhp]  # what QHP said and voted adds to its faded threat
        spoke += s.speech[same].sum()
    assert spoke > 0  # the check covered acts of self-nominated deputies


def test_the_likelihood_of_given_expulsions_by_hand():
    """Three seats with hazards h; one given expulsion for speech among seats 0 and 1:
    P = sum_{i in {0,1}} (1 - v_i) p_i prod_{j != i} (1 - p_j), p = 1 - exp(-h)."""
    h = np.array([0.2, 0.5, 0.1])
    v = np.array([0.25, 0.0, 1.0])  # the share of each seat's hazard its votes carry
    p = 1 - np.exp(-h)
    by_hand = sum((1 - v[i]) * p[i] * np.prod([1 - p[j] for j in range(3) if j != i]) for i in (0, 1))
    chosen, log_p = expel_given(h, v, [(np.array([True, True, False]), "speech")], np.random.default_rng(0))
    assert math.exp(log_p) == pytest.approx(by_hand)
    assert chosen[0] in (0, 1)
    _, none = expel_given(h, v, [], np.random.default_rng(0))
    assert math.exp(none) == pytest.approx(np.prod(1 - p))
    _, impossible = expel_given(h, v, [(np.array([False, False, True]), "speech")], np.random.default_rng(0))
    assert impossible == -math.inf  # seat 2's dissent is all votes


def test_the_given_expulsion_falls_on_a_seat_as_often_as_free_draws_would_expel_it():
    """Among free draws that expel exactly one of seats 0-1 for speech and nobody else, how often each
    is the one: the given draw picks them in the same proportions."""
    h, v = np.array([0.3, 0.9, 0.2]), np.array([0.0, 0.5, 0.0])
    rng = np.random.default_rng(2)
    u = rng.random((200_000, 3))
    expelled = u < 1 - np.exp(-h)
    by_speech = expelled & (u / (1 - np.exp(-h)) >= v)
    one = (expelled.sum(axis=1) == 1) & by_speech[:, :2].any(axis=1)
    free = by_speech[one, :2].mean(axis=0)
    mask = np.array([True, True, False])
    picks = [expel_given(h, v, [(mask, "speech")], rng)[0][0] for _ in range(20_000)]
    given = np.bincount(picks, minlength=2)[:2] / len(picks)
    assert np.allclose(given, free, atol=0.015)


def test_a_run_given_its_record_expels_exactly_that_and_carries_its_likelihood():
    """No expulsion in sessions 1-2, one from QHP for speech in session 3 (as the 2023 house did);
    sessions after the record draw freely."""
    given = GivenExpulsions(3, (GivenExpulsion(2, "qhp", "speech"),))
    model = MajilisModel(load(), rng=np.random.default_rng(11), given=given)
    model.run_model()
    first = [(e.session, e.party, e.trigger) for e in model.expelled if e.session < 3]
    assert first == [(2, "qhp", "speech")]
    assert -50 < model.log_likelihood < 0
    free = MajilisModel(load(), rng=np.random.default_rng(11))
    assert free.log_likelihood == 0.0


@pytest.mark.parametrize("events, message", [
    ((GivenExpulsion(3, "qhp", "speech"),), "outside the record"),
    ((GivenExpulsion(0, "qhp", "shouting"),), "trigger"),
    ((GivenExpulsion(1, "qhp", "speech"), GivenExpulsion(1, "qhp", "vote")), "at most one"),
])
def test_given_expulsions_are_checked(events, message):
    with pytest.raises(ValueError, match=message):
        GivenExpulsions(3, events)
