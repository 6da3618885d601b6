"""Replicates, common random numbers, parallel workers, and real multiruns through run.py."""

from __future__ import annotations

import fcntl
import gc
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import weakref
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from helpers import ROOT, assert_csv_copy, load, run

from sim.outcomes import registry
from sim.outcomes.estimates import wilson
from sim.outcomes.summary import point_estimates
from sim.runs import report
from sim.runs.job import run_job
from sim.runs.replicates import replicate_seed, run_experiment


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


def _multirun(sweep_dir, *overrides: str, replicates: int = 3) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "run.py", "-m", f"hydra.sweep.dir={sweep_dir}", "run.progress=false", "run.figures=false",
         f"run.replicates={replicates}", "agenda.session_length=20", *overrides],
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


def test_a_point_s_estimates_and_intervals_are_computed_on_its_replicates():
    """Two points of three replicates x two terms: each replicate counts once, with the share (or mean)
    of its terms; a count's interval stops at 0."""
    runs = pd.DataFrame({o.name: 0.0 for o in registry.outcomes(summary=True)}, index=range(12))
    runs["job"] = ["a"] * 6 + ["b"] * 6
    runs["p"] = [0.1] * 6 + [0.2] * 6
    runs["replicate"] = [0, 0, 1, 1, 2, 2] * 2
    runs["coalition_formed"] = [1, 0, 1, 1, 0, 0] + [0] * 6
    runs["expulsions"] = [1, 3, 0, 0, 0, 0] + [2, 2, 4, 4, 6, 6]
    table = point_estimates(runs, ["p", "job"]).set_index("job")
    assert table.loc["a", ["p", "replicates", "runs"]].tolist() == [0.1, 3, 6]
    a, b = table.loc["a"], table.loc["b"]
    assert (a["coalition_formed"], a["coalition_formed_low"], a["coalition_formed_high"]) == pytest.approx(
        (0.5, *wilson(1.5, 3)))  # replicates' shares 0.5, 1, 0
    half = 1.96 * 2 / np.sqrt(3)  # replicates' means 2, 4, 6: standard deviation 2
    assert (b["expulsions"], b["expulsions_low"], b["expulsions_high"]) == pytest.approx((4, 4 - half, 4 + half))
    assert (a["expulsions"], a["expulsions_low"]) == pytest.approx((2 / 3, 0))  # 2/3 - 1.96 * 2/3 < 0


@pytest.fixture(scope="module")
def summarised_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2 x 2 sweep of three replicates a point, its tables exported as CSV too."""
    sweep_dir = tmp_path_factory.mktemp("sweep")
    done = _multirun(sweep_dir, "minor.opposition_intent=0.2,1.0", "behavior.fear_scale=0.0,1.0", "run.export=csv")
    assert done.returncode == 0, done.stderr
    return sweep_dir


@pytest.mark.slow
def test_a_sweep_summary_has_a_row_per_point_with_its_values_and_an_interval_for_each_outcome(summarised_sweep):
    summary = pd.read_csv(summarised_sweep / "sweep_summary.csv")
    sweep = pd.read_parquet(summarised_sweep / "sweep.parquet")
    assert len(summary) == len(list(summarised_sweep.glob("*/.hydra"))) == 4
    for row in summary.to_dict("records"):
        overrides = yaml.safe_load((summarised_sweep / row["job"] / ".hydra" / "overrides.yaml").read_text())
        given = dict(override.split("=", 1) for override in overrides)
        assert [float(given[key]) for key in ("minor.opposition_intent", "behavior.fear_scale")] == [
            row["minor.opposition_intent"], row["behavior.fear_scale"]]
    assert sorted(zip(summary["minor.opposition_intent"], summary["behavior.fear_scale"], strict=True)) == [
        (0.2, 0.0), (0.2, 1.0), (1.0, 0.0), (1.0, 1.0)]
    assert (summary["replicates"] == 3).all() and (summary["runs"] == 3).all()
    for o in registry.outcomes(summary=True):
        estimate, low, high = (summary[f"{o.name}{end}"] for end in ("", "_low", "_high"))
        assert estimate.notna().all() and (low <= estimate).all() and (estimate <= high).all(), o.name
        # each point's estimate is its own runs' share or mean
        assert estimate.tolist() == pytest.approx(sweep.groupby("job")[o.name].mean()[summary["job"]].tolist())
    assert (summarised_sweep / "sweep_outcomes.png").exists()


@pytest.mark.slow
def test_run_export_csv_writes_the_sweep_s_tables_and_its_jobs_as_csv_too(summarised_sweep):
    tables = [summarised_sweep / "sweep.parquet", *summarised_sweep.glob("*/runs.parquet")]
    assert len(tables) == 5
    for table in tables:
        assert_csv_copy(table)


def _on_a_terminal(*args: str) -> str:
    """What `python run.py ARGS` writes to stderr when stderr is a terminal (a pseudo-terminal, 120
    columns wide, as tqdm measures it) and stdout is not."""
    terminal, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen([sys.executable, "run.py", *args], cwd=ROOT, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=child)
    os.close(child)
    written = b""
    while True:
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # EIO: the run has ended and closed the terminal
            break
        if not chunk:
            break
        written += chunk
    os.close(terminal)
    assert process.wait(timeout=600) == 0, written.decode(errors="replace")
    return written.decode(errors="replace")


@pytest.mark.slow
def test_a_sweep_shows_its_progress_over_jobs_on_a_terminal_unless_run_progress_is_false(tmp_path):
    grid = ("-m", "behavior.fear_scale=0.0,1.0", "run.replicates=2", "run.workers=1", "agenda.session_length=10")
    shown = _on_a_terminal(*grid, f"hydra.sweep.dir={tmp_path / 'shown'}")
    assert "sweep:   0%" in shown and "| 0/2 [" in shown and "sweep: 100%" in shown and "| 2/2 [" in shown
    assert re.search(r"sweep:  50%.*\| 1/2 \[\d\d:\d\d<\d\d:\d\d", shown)  # elapsed < time left
    quiet = _on_a_terminal(*grid, f"hydra.sweep.dir={tmp_path / 'quiet'}", "run.progress=false")
    assert "sweep:" not in quiet and "replicates:" not in quiet


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


def test_a_finished_model_is_garbage_collected():
    # Mesa before 3.4.2 keeps a class-level id counter per model; release() must let the model go,
    # or every model of a 10,000-replicate job stays alive.
    model = run(load("agenda.session_length=10"), seed=1)
    model.release()
    alive = weakref.ref(model)
    del model
    gc.collect()
    assert alive() is None


def test_replicate_seeds_are_the_children_a_spawn_would_give():
    children = np.random.SeedSequence(20230319).spawn(5)
    for r, child in enumerate(children):
        assert replicate_seed(20230319, r).generate_state(4).tolist() == child.generate_state(4).tolist()


def test_an_invalid_sweep_point_is_named_before_any_job_runs(tmp_path):
    done = _multirun(tmp_path, "behavior.loyalty_mean=0.5,1.5,0.7")
    assert done.returncode == 2
    assert "1 of 3 sweep points are invalid; nothing was run" in done.stderr
    assert "behavior.loyalty_mean=1.5" in done.stderr and "must be in [0.0, 1.0]" in done.stderr
    assert not list(tmp_path.glob("*/.hydra")) and not (tmp_path / "sweep.parquet").exists()


@pytest.mark.slow
def test_a_sweep_file_runs_as_a_sweep_without_minus_m(tmp_path):
    done = subprocess.run(
        [sys.executable, "run.py", "sweep=minor_alignment", f"hydra.sweep.dir={tmp_path}", "run.progress=false",
         "run.replicates=2", "agenda.session_length=10"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    sweep = pd.read_parquet(tmp_path / "sweep.parquet")
    assert sorted(sweep["minor.regime_alignment"].unique()) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]


@pytest.mark.slow
def test_a_sweep_gathers_only_its_own_jobs_not_leftovers_of_an_earlier_one(tmp_path):
    assert _multirun(tmp_path, "behavior.loyalty_mean=0.6,0.8").returncode == 0
    again = _multirun(tmp_path, "behavior.loyalty_mean=0.6,0.8", replicates=2)
    assert again.returncode == 0, again.stderr
    sweep = pd.read_parquet(tmp_path / "sweep.parquet")
    assert len(list(tmp_path.glob("*/.hydra"))) == 4  # the earlier jobs are still on disk
    assert sorted(sweep.groupby("behavior.loyalty_mean")["replicate"].apply(list).tolist()) == [[0, 1], [0, 1]]


@pytest.mark.slow
def test_a_joblib_sweep_whose_jobs_would_start_their_own_workers_completes(tmp_path):
    # 60 replicates are two chunks: a job would start a worker pool inside joblib's worker.
    done = _multirun(tmp_path, "hydra/launcher=joblib", "behavior.loyalty_mean=0.6,0.8", replicates=60)
    assert done.returncode == 0, done.stderr
    assert len(pd.read_parquet(tmp_path / "sweep.parquet")) == 2 * 60


def test_a_directory_that_is_not_a_sweep_is_refused_by_the_report(tmp_path):
    (tmp_path / "some_run" / ".hydra").mkdir(parents=True)
    done = subprocess.run([sys.executable, "-m", "sim.runs.report", str(tmp_path)], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 2 and "nor a sweep directory (jobs.json" in done.stderr
    assert not (tmp_path / "sweep.parquet").exists()


def test_a_report_keys_jobs_by_directory_not_by_experiment_name(tmp_path, capsys):
    many, few = tmp_path / "many", tmp_path / "few"
    small = ("run.workers=1", "run.progress=false", "run.figures=false", "agenda.session_length=10")
    run_job(load("run.replicates=20", *small), many)  # the same experiment (baseline) twice, different sizes
    run_job(load("run.replicates=3", *small), few)
    capsys.readouterr()
    assert report.main([str(many), str(few), "--out", str(tmp_path)]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines() if line.strip().startswith("baseline")]
    assert [(row[1], row[2]) for row in rows] == [(f"({many})", "20"), (f"({few})", "3")]
    assert (tmp_path / "comparison.png").exists()
    other = pd.read_parquet(few / "runs.parquet").assign(name="weak_whip")
    names = report.labelled({many: pd.read_parquet(many / "runs.parquet"), few: other})["name"].unique().tolist()
    assert names == ["baseline", "weak_whip"]  # distinct experiments keep their own names
