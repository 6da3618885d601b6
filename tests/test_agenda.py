"""A session's draws: the vote shocks are standard normal, scaled by noise_sd."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
from helpers import load

from sim.model.agenda import draw_session, normal_quantiles


def test_the_quantile_table_is_the_standard_normal_at_probability_midpoints():
    q = normal_quantiles()
    assert len(q) == 2**16 and np.all(np.diff(q) > 0)
    assert np.array_equal(q, -q[::-1])  # symmetric about 0, so the mean is exactly 0
    assert q[2**15] == NormalDist().inv_cdf(0.5 + 0.5 / 2**16)
    assert abs(q.var() - 1) < 3e-5 and 4.3 < q[-1] < 4.35


def test_session_noise_has_the_normal_distribution_with_sd_noise_sd():
    cfg = load()
    a = draw_session(np.random.default_rng(5), cfg.agenda, cfg.rules, 3, 0.5, np.arange(2000), 2000, noise_sd=0.4)
    z = a.noise.ravel() / 0.4
    assert a.noise.shape == (cfg.agenda.session_length, 2000)
    # 200,000 draws: the share below a quantile has a standard error under 0.0011.
    for p in (0.025, 0.16, 0.5, 0.84, 0.975):
        assert abs(np.mean(z <= NormalDist().inv_cdf(p)) - p) < 0.005
    assert abs(z.std() - 1) < 0.01
