"""Outcome measures, and the baseline against the observed patterns P1-P4 (DESIGN 2)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import load, run

from sim.outcomes import rice, roll_call_table
from sim.runner import run_experiment


def test_rice_by_hand():
    # 10-0 is fully cohesive, 5-5 fully split, 0-0 (nobody voted) is left out.
    assert rice(np.array([10, 5, 0]), np.array([0, 5, 0])) == pytest.approx(0.5)
    assert np.isnan(rice(np.array([0]), np.array([0])))


@pytest.fixture(scope="module")
def baseline_runs() -> pd.DataFrame:
    cfg = load("run.replicates=60")
    return run_experiment(cfg, progress=False)


def test_p1_no_government_bill_is_defeated(baseline_runs):
    # 2023-2025: not one government bill failed. Allow rare defeats, not routine ones.
    assert (baseline_runs.gov_defeats == 0).mean() >= 0.9
    assert baseline_runs.gov_pass_rate.mean() > 0.99


def test_p2_minor_parties_dissent_mildly_and_amanat_not_at_all():
    tables = pd.concat([roll_call_table(run(load(), seed)) for seed in range(5)])
    gov = tables[tables.proposer == "government"]

    def not_yes(party: str) -> float:
        return float((gov[f"yes_{party}"] <= gov[f"no_{party}"] + gov[f"abstain_{party}"]).mean())

    assert not_yes("amanat") < 0.01
    for party in ("qhp", "osdp"):  # abstained on the Prime Minister vote, Feb 2024
        assert 0.02 < not_yes(party) < 0.3
    assert not_yes("osdp") > not_yes("respublica")  # the least aligned dissents most


def test_p3_expulsions_are_rare_but_real(baseline_runs):
    # About one every two years (Jan 2023, Jan 2025): 2.5 in a five-session term.
    assert 1.5 <= baseline_runs.expulsions.mean() <= 4.0
    assert (baseline_runs.expulsions == 0).mean() < 0.3


def test_p4_about_a_third_of_laws_are_deputy_initiated(baseline_runs):
    assert 0.25 <= baseline_runs.deputy_share_of_laws.mean() <= 0.42


def test_the_runs_table_is_flat_and_reproducible(baseline_runs):
    again = run_experiment(load("run.replicates=60"), progress=False)
    pd.testing.assert_frame_equal(baseline_runs, again)
    assert {"behavior.loyalty_mean", "parties.qhp.regime_alignment", "run.seed", "replicate",
            "coalition_formed", "rice_amanat"} <= set(baseline_runs.columns)
    assert baseline_runs.replicate.tolist() == list(range(60))
