"""Replicates, common random numbers, parallel workers, and real multiruns through run.py."""

from __future__ import annotations

import subprocess
import sys

import mesa
import pandas as pd
import pytest
from helpers import ROOT, load

from sim.runner import run_experiment


def test_replicate_r_is_the_same_whatever_the_number_of_replicates():
    few = run_experiment(load("run.replicates=3"), progress=False)
    more = run_experiment(load("run.replicates=6"), progress=False)
    outcomes = few.columns[few.columns.get_loc("replicate"):]
    pd.testing.assert_frame_equal(few[outcomes], more[outcomes].iloc[:3])


def test_two_workers_give_the_table_one_worker_gives():
    # 30 replicates make two chunks, so the parallel path really splits the work.
    one = run_experiment(load("run.replicates=30", "run.workers=1"), progress=False)
    two = run_experiment(load("run.replicates=30", "run.workers=2"), progress=False)
    pd.testing.assert_frame_equal(one, two)


def test_sweep_points_share_replicate_seeds(tmp_path):
    """Common random numbers: points that differ only in a parameter with no effect on this house
    (Baitak's whip: Baitak holds no seat) see identical per-replicate outcomes."""
    a = run_experiment(load("run.replicates=5", "parties.baitak.whip_strength=0.2"), progress=False)
    b = run_experiment(load("run.replicates=5", "parties.baitak.whip_strength=0.9"), progress=False)
    outcomes = a.columns[a.columns.get_loc("replicate"):]
    pd.testing.assert_frame_equal(a[outcomes], b[outcomes])


def _multirun(sweep_dir, *overrides: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "run.py", "-m", f"hydra.sweep.dir={sweep_dir}", "run.progress=false", "run.figures=false",
         "run.replicates=3", "agenda.session_length=20", *overrides],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )


@pytest.mark.slow
def test_a_multirun_gathers_every_point_and_resumes_only_missing_jobs(tmp_path):
    # name=twin_a,twin_b makes sweep points whose model parameters are identical.
    grid = ("behavior.loyalty_mean=0.6,0.8", "behavior.fear_scale=0.0,0.5", "name=twin_a,twin_b")
    done = _multirun(tmp_path, *grid)
    assert done.returncode == 0, done.stderr
    sweep = pd.read_parquet(tmp_path / "sweep.parquet")
    assert len(sweep) == 8 * 3 and sweep.job.nunique() == 8
    assert (tmp_path / "sweep_heatmap.png").exists() and (tmp_path / "sweep_coalition_size.png").exists()
    outcomes = list(sweep.columns[sweep.columns.get_loc("replicate"):])
    point = (sweep["behavior.loyalty_mean"] == 0.6) & (sweep["behavior.fear_scale"] == 0.5)
    twins = [sweep[point & (sweep.name == n)][outcomes].reset_index(drop=True) for n in ("twin_a", "twin_b")]
    pd.testing.assert_frame_equal(*twins)

    # As if the sweep had been killed before two jobs finished: only those two run again.
    unfinished = sorted(p for p in tmp_path.iterdir() if p.is_dir() and (p / "done.json").exists())[:2]
    for job in unfinished:
        (job / "done.json").unlink()
    again = _multirun(tmp_path, *grid)
    assert again.returncode == 0, again.stderr
    assert (again.stdout + again.stderr).count("complete results for this config found, skipping") == 6
    assert len(pd.read_parquet(tmp_path / "sweep.parquet")) == 24


@pytest.mark.slow
def test_a_failed_job_is_reported_and_the_others_kept(tmp_path):
    # A job whose results cannot be written (runs.parquet is occupied by a directory) fails.
    blocked = tmp_path / "agenda.session_length=20,behavior.loyalty_mean=0.6,run.replicates=3"
    (blocked / "runs.parquet").mkdir(parents=True)
    done = _multirun(tmp_path, "behavior.loyalty_mean=0.6,0.8")
    assert done.returncode != 0
    log = done.stdout + done.stderr
    assert "did not complete" in log and "loyalty_mean=0.6" in log
    sweep = pd.read_parquet(tmp_path / "sweep.parquet")
    assert sweep["behavior.loyalty_mean"].unique().tolist() == [0.8]


@pytest.mark.slow
@pytest.mark.parametrize("launcher", ["submitit_local", "joblib"])
def test_other_launchers_run_the_same_sweep(tmp_path, launcher):
    done = _multirun(tmp_path, f"hydra/launcher={launcher}", "behavior.loyalty_mean=0.6,0.8")
    assert done.returncode == 0, done.stderr
    sweep = pd.read_parquet(tmp_path / "sweep.parquet")
    assert len(sweep) == 2 * 3
    basic = _multirun(tmp_path / "basic", "behavior.loyalty_mean=0.6,0.8")
    assert basic.returncode == 0, basic.stderr
    reference = pd.read_parquet(tmp_path / "basic" / "sweep.parquet")
    keys = ["behavior.loyalty_mean", "replicate"]
    pd.testing.assert_frame_equal(sweep.sort_values(keys).reset_index(drop=True),
                                  reference.sort_values(keys).reset_index(drop=True))


def test_finished_replicates_do_not_stay_in_memory():
    # Mesa keeps a class-level id counter per model; the runner must drop it, or every model of a
    # 10,000-replicate job stays alive.
    before = len(mesa.Agent._ids)
    run_experiment(load("run.replicates=5", "run.workers=1"), progress=False)
    assert len(mesa.Agent._ids) == before
