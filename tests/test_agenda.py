"""A session's draws: the vote shocks are standard normal, scaled by noise_sd."""

from __future__ import annotations

from dataclasses import replace
from statistics import NormalDist

import numpy as np
from helpers import load

from sim.model.agenda import GOVERNMENT, draw_sessions, normal_quantiles


def test_the_quantile_table_is_the_standard_normal_at_probability_midpoints():
    q = normal_quantiles()
    assert len(q) == 2**16 and np.all(np.diff(q) > 0)
    assert np.array_equal(q, -q[::-1])  # symmetric about 0, so the mean is exactly 0
    assert q[2**15] == NormalDist().inv_cdf(0.5 + 0.5 / 2**16)
    assert abs(q.var() - 1) < 3e-5 and 4.3 < q[-1] < 4.35


def test_session_noise_has_the_normal_distribution_with_sd_noise_sd():
    cfg = load()
    a = draw_sessions([np.random.default_rng(5)], [cfg.agenda], [cfg.rules], 3, np.array([0.5]),
                      np.ones((1, 2000), dtype=bool), noise_sd=np.array([0.4]))
    z = a.noise.ravel() / 0.4
    assert a.noise.shape == (1, cfg.agenda.session_length, 2000)
    # 200,000 draws: the share below a quantile has a standard error under 0.0011.
    for p in (0.025, 0.16, 0.5, 0.84, 0.975):
        assert abs(np.mean(z <= NormalDist().inv_cdf(p)) - p) < 0.005
    assert abs(z.std() - 1) < 0.01


def test_a_batch_of_houses_draws_what_each_house_draws_alone():
    """Houses of different agendas, rules, shares and seated seats, drawn together and one by one from
    the same seeds: each row of the batch is its house alone (lockstep runs rest on it)."""
    cfg = load()
    seated = np.ones((3, 98), dtype=bool)
    seated[1, ::3] = False
    seated[2] = False  # nobody seated: every bill is the Government's
    agendas = [replace(cfg.agenda, two_dimension_prob=p, bill_sd=sd) for p, sd in ((0.3, 0.3), (0.9, 0.1), (0.0, 0.6))]
    rules = [cfg.rules, replace(cfg.rules, kinds=[replace(k, government=1 / 3, deputies=1 / 3)
                                                  for k in cfg.rules.kinds]), cfg.rules]
    share, noise = np.array([0.5, 0.1, 0.9]), np.array([0.3, 0.6, 0.1])
    batch = draw_sessions([np.random.default_rng(h) for h in range(3)], agendas, rules, 3, share, seated, noise)
    for h in range(3):
        alone = draw_sessions([np.random.default_rng(h)], [agendas[h]], [rules[h]], 3, share[h:h + 1],
                              seated[h:h + 1], noise[h:h + 1])
        for name in ("proposer_seat", "kind", "moves", "offset", "noise"):
            assert np.array_equal(getattr(batch, name)[h], getattr(alone, name)[0]), (h, name)
    proposers = batch.proposer_seat[1][batch.proposer_seat[1] != GOVERNMENT]
    assert len(proposers) > 50 and seated[1][proposers].all()  # only seated deputies propose
    assert np.all(batch.proposer_seat[2] == GOVERNMENT)
    assert set(np.unique(batch.kind[1])) == {0, 1, 2}  # kinds at a third each: all three come up
    assert np.all(batch.moves[2].sum(axis=1) == 1) and (batch.moves[1].sum(axis=1) == 2).mean() > 0.7
