"""Recovering ideal points from roll calls: a known answer by construction, and the model's votes."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
from helpers import ROOT

from sim.analysis.scaling import NAY, YEA, ideal_points, r_squared


def test_perfect_one_dimensional_voting_is_recovered_exactly():
    """Deputies at x in [0, 1] vote yea on a bill when they sit left of its cutpoint; with cutpoints
    evenly spread over [0, 1], two deputies disagree on the share |x_i - x_j| of the bills, so the
    distances 1 - agreement are exactly |x_i - x_j| and classical scaling returns the line itself."""
    x = np.linspace(0.0, 1.0, 41)
    cutpoints = (np.arange(4000) + 0.5) / 4000
    codes = np.where(x[:, None] < cutpoints[None, :], YEA, NAY)
    recovered = ideal_points(codes, dims=1)[:, 0]
    assert r_squared(x, recovered[:, None]) > 0.9999
    assert abs(np.corrcoef(x, recovered)[0, 1]) > 0.9999


def test_with_no_loyalty_fear_or_expulsion_the_votes_reveal_the_true_positions(tmp_path):
    """Deputies who vote their own positions (no loyalty, no fear; no expulsions to cut records short):
    the recovered ideal points explain at least 80 % of the variance of each true dimension."""
    job = tmp_path / "job"
    run = subprocess.run(
        [sys.executable, "run.py", f"hydra.run.dir={job}", "run.progress=false", "run.figures=false",
         "run.replicates=8", "run.record_roll_calls=true", "behavior.loyalty_mean=0", "behavior.fear_scale=0",
         "behavior.expel_rate=0"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    scaled = subprocess.run([sys.executable, "-m", "sim.analysis.scaling", str(job)], cwd=ROOT, capture_output=True,
                            text=True)
    assert scaled.returncode == 0, scaled.stderr
    table = pd.read_csv(job / "scaling.csv")
    assert len(table) == 8 and (table["deputies"] == 98).all()
    means = table[["r2_russia", "r2_energy", "r2_agriculture"]].mean()
    assert (means >= 0.8).all(), means


def test_a_job_without_roll_calls_is_refused_naming_the_option(tmp_path):
    done = subprocess.run([sys.executable, "-m", "sim.analysis.scaling", str(tmp_path)], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 2 and "run.record_roll_calls=true" in done.stderr
