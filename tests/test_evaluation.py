"""Many parameter points at once (sim.runs.evaluation): a house in a mixed lockstep batch votes exactly as
it would alone, the per-session features agree with the run's own outcomes, and an analysis killed
halfway, or split into cluster shards, gives the same numbers as one uninterrupted run."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import FORMING, ROOT, load

from sim.analysis.uncertainty import Parameter, at_point
from sim.model.model import MajilisModel, run_lockstep
from sim.outcomes import registry
from sim.outcomes.features import session_features
from sim.outcomes.terms import run_outcomes
from sim.runs.evaluation import Plan, compute, evaluate, gather, open_store, run_points

PARAMS = (Parameter("behavior.abstain_band", 0.1, 0.4, "x"), Parameter("minor.opposition_intent", 0, 1, "x"),
          Parameter("executive.accept_loss", 0.0, 0.1, "x"), Parameter("behavior.loyalty_mean", 0.6, 0.95, "x"))
POINTS = np.array([[0.1, 1.0, 0.0, 0.6], [0.4, 0.2, 0.1, 0.95], [0.25, 0.9, 0.02, 0.7]])


def small():
    cfg = load(*FORMING)  # coalitions form there, so the coalition features vary
    cfg.agenda.session_length, cfg.agenda.sessions_per_term = 40, 3
    return cfg


def test_houses_of_different_points_in_one_sitting_vote_as_they_would_alone():
    plan = Plan(small(), PARAMS, POINTS, 2, seed=5, common_seeds=False)
    features = run_points(plan, range(len(POINTS)))
    assert set(features) == set(plan.kept) == {o.name for o in registry.outcomes(analysed=True)}
    for p in range(len(POINTS)):
        for r in range(2):
            cfg = at_point(plan.base, list(PARAMS), POINTS[p])
            alone = MajilisModel(cfg, rng=np.random.default_rng(plan.seed_of(p, r)))
            alone.run_model()
            for name, values in session_features(alone, plan.kept).items():
                assert np.array_equal(features[name][p, r], values), name
    assert features["coalition_formed"].any()  # the comparison covers coalitions


def test_session_features_add_up_to_the_run_outcomes():
    cfg = small()
    cfg.agenda.sessions_per_term = 5
    models = [MajilisModel(cfg, rng=np.random.default_rng(seed)) for seed in range(6)]
    run_lockstep(models)
    names = [o.name for o in registry.outcomes(by_party=None)]
    for model in models:
        column = session_features(model, names)
        row = run_outcomes(model)[0]
        assert column["gov_defeats"].sum() == row["gov_defeats"]
        assert column["expulsions"].sum() == row["expulsions"] == column["expulsions_of"].sum()
        assert column["laws_passed"].sum() == row["laws_passed"]
        assert column["deputy_bills_passed"].sum() == row["deputy_bills_passed"]
        assert column["deputy_share_of_laws"].sum() / column["deputy_share_of_laws__base"].sum() == pytest.approx(
            row["deputy_share_of_laws"])
        assert column["coalition_max_seats"].max() == row["coalition_max_seats"]
        assert column["coalition_blocking"].any() == row["coalition_blocking"]


def test_houses_with_different_executives_cannot_share_a_sitting():
    a, b = small(), small()
    b.executive.ideal = [0.5, 0.5, 0.5]
    with pytest.raises(ValueError, match="share the executive's ideal point"):
        run_lockstep([MajilisModel(a, rng=1), MajilisModel(b, rng=1)])


def test_a_store_of_another_plan_is_emptied_and_a_missing_chunk_is_named(tmp_path: Path):
    plan = Plan(small(), PARAMS, POINTS, 1, seed=1)
    compute(plan, tmp_path, workers=1)
    other = Plan(small(), PARAMS, POINTS[:2], 1, seed=1)
    open_store(other, tmp_path)
    assert not list(tmp_path.glob("chunk_*"))
    with pytest.raises(FileNotFoundError, match="1 of 1 chunks missing"):
        gather(other, tmp_path)
    with pytest.raises(ValueError, match="expected \\(points, 4\\)"):
        Plan(small(), PARAMS, POINTS[:, :2], 1, seed=1)


def test_an_unreadable_chunk_is_named_and_computed_again_on_resume(tmp_path: Path, caplog):
    """A chunk file cut short or emptied (a copy, a full disk) is not taken as done: gathering names it,
    and resuming computes it again with a warning naming it, to the same numbers."""
    plan = Plan(small(), PARAMS, POINTS, 1, seed=2, chunk_runs=1)  # a chunk per point
    whole = evaluate(plan, tmp_path, workers=1)
    cut, empty = tmp_path / "chunk_00000.npz", tmp_path / "chunk_00002.npz"
    cut.write_bytes(cut.read_bytes()[:-40])
    empty.write_bytes(b"")
    with pytest.raises(FileNotFoundError, match="2 of 3 chunks missing or unreadable \\(first: chunk_00000.npz, "
                                                "chunk_00002.npz\\)"):
        gather(plan, tmp_path)
    untouched = (tmp_path / "chunk_00001.npz").stat().st_mtime_ns
    with caplog.at_level("WARNING", logger="sim.runs.evaluation"):
        again = evaluate(plan, tmp_path, workers=1)
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [str(cut), str(empty)]
    assert (tmp_path / "chunk_00001.npz").stat().st_mtime_ns == untouched  # only those two are computed
    assert all(np.array_equal(whole.features[k], again.features[k]) for k in whole.features)


SMALL_ANALYSIS = ["--n", "4", "--replicates", "2", "--trajectories", "2", "--workers", "1", "--chunk-runs", "2",
                  "--scenario-draws", "20",
                  "agenda.session_length=20", "agenda.sessions_per_term=2"]


def test_a_killed_analysis_resumes_to_the_same_indices(tmp_path: Path):
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    env = dict(os.environ)
    run = subprocess.run([sys.executable, "experiments/sensitivity.py", *SMALL_ANALYSIS, "--out", str(whole)],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    proc = subprocess.Popen([sys.executable, "experiments/sensitivity.py", *SMALL_ANALYSIS, "--out", str(killed)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while len(list((killed / "sobol").glob("chunk_*.npz"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = len(list((killed / "sobol").glob("chunk_*.npz")))
    assert not (killed / "indices.csv").exists() and 3 <= done < 72  # killed part way through the Sobol points
    run = subprocess.run([sys.executable, "experiments/sensitivity.py", *SMALL_ANALYSIS, "--out", str(killed)],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    pd.testing.assert_frame_equal(pd.read_csv(whole / "indices.csv"), pd.read_csv(killed / "indices.csv"))


def test_cluster_shards_through_the_hydra_launcher_gather_to_the_same_results(tmp_path: Path):
    plan = Plan(small(), PARAMS, POINTS, 2, seed=3, chunk_runs=2)
    direct = evaluate(plan, tmp_path / "direct", workers=1)
    store = tmp_path / "sharded"
    open_store(plan, store)
    run = subprocess.run([sys.executable, "experiments/chunks.py", "-m", f"store={store}", "shards=2", "shard=0,1",
                          "workers=1"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert len(list(store.glob("chunk_*.npz"))) == 3
    sharded = gather(plan, store)
    assert direct.features.keys() == sharded.features.keys()
    assert all(np.array_equal(direct.features[k], sharded.features[k]) for k in direct.features)
