"""run.py end to end, as a user calls it."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from helpers import EXPELLING, ROOT, assert_csv_copy, load

from sim.config import ConfigError
from sim.runs.job import run_job
from sim.runs.lifeline import LOCK, BusyDirectory


def _run(tmp_path, *overrides: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "run.py", f"hydra.run.dir={tmp_path}", "run.progress=false", *overrides],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )


def test_run_writes_the_runs_table_and_prints_the_summary(tmp_path):
    done = _run(tmp_path, "run.replicates=4", "run.record_roll_calls=true")
    assert done.returncode == 0, done.stderr
    assert "a coalition forms against the ruling party" in done.stdout
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    assert len(runs) == 4 and runs["name"].eq("baseline").all()
    calls = pd.read_parquet(tmp_path / "roll_calls.parquet")
    assert len(calls) == 4 * 500 and calls.replicate.nunique() == 4
    assert calls[["moves_russia", "moves_energy", "moves_agriculture"]].any(axis=1).all()  # every bill moves one
    matrix = pd.read_parquet(tmp_path / "voteview.parquet")
    people = pd.read_parquet(tmp_path / "legislators.parquet")
    assert matrix.shape[1] == 2 + 500 and set(matrix.iloc[:, 2:].stack().unique()) <= {0, 1, 6, 9}
    assert set(matrix.deputy) <= set(people.deputy) and people.replicate.nunique() == 4
    expelled = pd.read_parquet(tmp_path / "expulsions.parquet")
    assert list(expelled.columns[:4]) == ["replicate", "term", "session", "seat"]
    assert {"with_executive", "against_executive", "party", "seat_kind", "russia"} <= set(expelled.columns)
    assert expelled.groupby("replicate").size().reindex(range(4), fill_value=0).tolist() == runs.expulsions.tolist()
    assert set(expelled.deputy) <= set(people.deputy)
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert "coalition_formed" in set(summary.outcome)
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_bad_value_exits_non_zero_naming_it_and_writes_nothing(tmp_path):
    done = _run(tmp_path, "behavior.loyalty_mean=2")
    assert done.returncode != 0
    assert "behavior.loyalty_mean = 2.0: must be in [0.0, 1.0]" in done.stderr
    assert not (tmp_path / "runs.parquet").exists()


@pytest.mark.parametrize(
    "override, named",
    [
        ("behavior.loyality=0.5", "loyality"),  # unknown key
        ("behavior.loyalty_mean=high", "behavior.loyalty_mean"),  # wrong type
        ("experiment=nonexistent", "experiment/nonexistent"),  # unknown experiment
        ("agenda.terms=2", "agenda.terms"),  # several terms on a fixed house
        ("behavior.loyalty_mean=nan", "behavior.loyalty_mean = nan: must be a finite number"),
        ("behavior.fear_scale=inf", "behavior.fear_scale = inf: must be a finite number"),
        ("+behavior.loyalty_mena=0.5", "behavior.loyalty_mena: not a configuration key"),
        ("+foo=1", "foo: not a configuration key"),
        ("run.replicates=10000000000", "run.replicates = 10000000000: must be in [1, 1000000]"),
        ("run.seed=99999999999999999999999", "run.seed = 99999999999999999999999: must be in"),
    ],
)
def test_a_bad_override_exits_non_zero_naming_it_and_writes_nothing(tmp_path, override, named):
    done = _run(tmp_path, override)
    assert done.returncode != 0
    assert named in done.stderr
    assert not (tmp_path / "runs.parquet").exists() and not list(tmp_path.glob(".*.tmp"))


def test_a_run_is_named_by_its_experiment_and_overrides_and_says_where_its_results_are(tmp_path):
    done = _run(tmp_path, "experiment=weak_whip", "behavior.fear_scale=0.5", "run.replicates=2", "run.figures=false")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("weak_whip behavior.fear_scale=0.5: 2 replicates")
    assert f"results in {tmp_path}/: done.json, run.log, runs.parquet, summary.csv" in done.stdout
    assert pd.read_parquet(tmp_path / "runs.parquet")["name"].eq("weak_whip behavior.fear_scale=0.5").all()


@pytest.mark.parametrize("marker", ["", "{not json", "[]"])
def test_a_damaged_done_marker_means_compute_again(tmp_path, marker):
    assert _run(tmp_path, "run.replicates=2", "run.figures=false").returncode == 0
    (tmp_path / "done.json").write_text(marker)
    again = _run(tmp_path, "run.replicates=2", "run.figures=false")
    assert again.returncode == 0, again.stderr
    assert "skipping" not in again.stdout + again.stderr
    assert json.loads((tmp_path / "done.json").read_text())["replicates"] == 2


@pytest.mark.skipif(not Path("/proc/sys").is_dir(), reason="needs a read-only directory (Linux /proc/sys)")
def test_an_unwritable_output_directory_is_a_clear_error_before_any_work(tmp_path):
    done = _run(Path("/proc/sys/majilis"), "run.replicates=2")
    assert done.returncode == 2
    assert "error: cannot write results to /proc/sys/majilis: /proc/sys is not writable" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_output_directory_under_a_file_is_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("")
    done = _run(tmp_path / "file" / "out", "run.replicates=2")
    assert done.returncode == 2 and "is not a directory" in done.stderr and "Traceback" not in done.stderr


def test_a_damaged_results_table_beside_a_valid_marker_is_computed_again(tmp_path):
    assert _run(tmp_path, "run.replicates=2", "run.figures=false").returncode == 0
    (tmp_path / "runs.parquet").write_bytes(b"not parquet")
    (tmp_path / ".runs.parquet.killed.tmp").write_bytes(b"left by a killed run")
    again = _run(tmp_path, "run.replicates=2", "run.figures=false")
    assert again.returncode == 0, again.stderr
    assert len(pd.read_parquet(tmp_path / "runs.parquet")) == 2
    assert not list(tmp_path.glob(".*.tmp"))


def test_the_fingerprint_covers_every_module_a_job_imports():
    from sim.runs.fingerprint import model_sources

    names = {str(p.relative_to(ROOT)) for p in model_sources()}
    assert {"sim/model/model.py", "sim/model/rollcall.py", "sim/model/electoral.py", "sim/model/coalition.py",
            "sim/model/power.py", "sim/outcomes/registry.py", "sim/files.py", "sim/runs/replicates.py"} <= names


def test_parallel_workers_start_without_a_fork_deadlock_warning(tmp_path):
    # Python 3.12+ warns (DeprecationWarning) when fork() runs in a multi-threaded process; as an error
    # here, it would stop the run. Two chunks of replicates make the runner start its workers.
    done = subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning", "run.py", f"hydra.run.dir={tmp_path}",
         "run.progress=false", "run.figures=false", "run.replicates=60", "run.workers=2", "agenda.session_length=20"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "fork" not in done.stderr


def test_a_reused_directory_is_emptied_of_the_earlier_run_s_outputs_and_lists_none_of_them(tmp_path):
    first = _run(tmp_path, "run.replicates=2", "agenda.session_length=10", "run.record_roll_calls=true")
    assert first.returncode == 0, first.stderr
    (tmp_path / "scaling.csv").write_text("written by sim.analysis.scaling from the tables above\n")
    second = _run(tmp_path, "run.replicates=3", "agenda.session_length=10", "run.figures=false")
    assert second.returncode == 0, second.stderr
    earlier = ["coalition_over_term.png", "done.json", "expulsions.parquet", "house.png", "legislators.parquet",
               "outcomes.png", "roll_calls.parquet", "runs.parquet", "scaling.csv", "summary.csv", "voteview.parquet"]
    removed = next(line for line in (second.stdout + second.stderr).splitlines() if "removed the outputs" in line)
    assert all(name in removed for name in earlier), removed
    assert f"results in {tmp_path}/: done.json, run.log, runs.parquet, summary.csv" in second.stdout
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "done.json", "run.log", "runs.parquet", "summary.csv"]
    assert len(pd.read_parquet(tmp_path / "runs.parquet")) == 3
    again = _run(tmp_path, "run.replicates=3", "agenda.session_length=10", "run.figures=false")
    assert "skipping" in again.stdout + again.stderr and "removed" not in again.stdout + again.stderr


def test_a_second_run_into_a_directory_being_written_stops_before_touching_it(tmp_path):
    (tmp_path / ".runs.parquet.abc.tmp").write_bytes(b"the first run, writing")
    fd = os.open(tmp_path / LOCK, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as the first run holds it
        done = _run(tmp_path, "run.replicates=2")
    finally:
        os.close(fd)
    assert done.returncode == 2, done.stderr
    assert f"error: {tmp_path}: another run is writing there" in done.stderr and "Traceback" not in done.stderr
    assert (tmp_path / ".runs.parquet.abc.tmp").exists() and not (tmp_path / ".hydra").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".run.lock", ".runs.parquet.abc.tmp"]


def test_run_job_refuses_a_directory_another_run_holds(tmp_path):
    fd = os.open(tmp_path / LOCK, os.O_RDWR | os.O_CREAT)  # another open file: another run, to flock
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(BusyDirectory, match="another run is writing there"):
            run_job(load("run.replicates=1", "run.progress=false"), tmp_path)
    finally:
        os.close(fd)
    assert not (tmp_path / "runs.parquet").exists()


def _config_file(root: Path, group: str, name: str, body: str) -> str:
    """A user's config file outside configs/, found through Hydra's search path."""
    (root / group).mkdir(parents=True, exist_ok=True)
    (root / group / f"{name}.yaml").write_text(body)
    return f"hydra.searchpath=[file://{root}]"


SPLIT = "  name: amanat_split\n  list_seats: {amanat: 30, auyl: 10, qhp: 7}\n  district_seats: {amanat: 20}\n"


@pytest.mark.parametrize("house_group", ["majilis_2023", "ruling_minority", "simulated_election"])
def test_an_experiment_s_own_house_replaces_the_parliament_group_s(tmp_path, house_group):
    search = _config_file(tmp_path, "experiment", "split", "# @package _global_\ndefaults:\n"
                          f"  - override /parliament: {house_group}\nname: split\nparliament:\n{SPLIT}")
    house = load(search, "experiment=split").parliament
    assert house.name == "amanat_split" and house.list_seats == {"amanat": 30, "auyl": 10, "qhp": 7}
    assert house.district_seats == {"amanat": 20}
    assert house.independents == 0 and house.election is None
    tweaked = load(search, "experiment=split", "parliament.list_seats.auyl=12", "parliament.independents=4").parliament
    assert tweaked.list_seats == {"amanat": 30, "auyl": 12, "qhp": 7} and tweaked.independents == 4


def test_a_command_line_change_of_one_party_s_seats_still_changes_the_group_s_house():
    house = load("parliament.list_seats.amanat=50").parliament
    assert house.name == "majilis_2023" and house.list_seats["amanat"] == 50 and house.list_seats["osdp"] == 4
    assert house.district_seats == {"amanat": 22} and house.independents == 7
    assert load("experiment=free_and_fair").parliament.election.manipulation == 0.0  # a change, not a house


def test_a_house_given_without_a_name_of_its_own_is_refused_naming_the_key(tmp_path):
    search = _config_file(tmp_path, "experiment", "anonymous", "# @package _global_\nname: anonymous\n"
                          "parliament:\n  list_seats: {amanat: 30, auyl: 10}\n")
    with pytest.raises(ConfigError, match=r"parliament\.name: .*anonymous\.yaml gives a house of its own "
                                          r"\(parliament\.list_seats\) but no parliament\.name"):
        load(search, "experiment=anonymous")
    _config_file(tmp_path, "parliament", "nameless", "list_seats: {amanat: 50, auyl: 10}\nindependents: 2\n")
    with pytest.raises(ConfigError, match=r"parliament\.name: missing in .*nameless\.yaml"):
        load(search, "parliament=nameless")
    with pytest.raises(ConfigError, match=r"the command line gives a house of its own"):
        load("parliament.list_seats={amanat: 60}")
    assert load("parliament.list_seats={amanat: 60}", "parliament.name=mine").parliament.list_seats == {"amanat": 60}


def test_run_py_runs_exactly_an_experiment_s_own_house_or_refuses_one_without_a_name(tmp_path):
    search = _config_file(tmp_path, "experiment", "split", f"# @package _global_\nname: split\nparliament:\n{SPLIT}")
    _config_file(tmp_path, "experiment", "anonymous", "# @package _global_\nname: anonymous\n"
                 "parliament:\n  list_seats: {amanat: 30, auyl: 10}\n")
    done = _run(tmp_path / "out", search, "experiment=split", "run.replicates=2", "agenda.session_length=10",
                "run.figures=false")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("split agenda.session_length=10: 2 replicates of amanat_split")
    runs = pd.read_parquet(tmp_path / "out" / "runs.parquet")
    assert (runs["members"] == 67).all() and "parliament.list_seats.osdp" not in runs.columns
    refused = _run(tmp_path / "refused", search, "experiment=anonymous")
    assert refused.returncode == 2 and "parliament.name:" in refused.stderr and "anonymous.yaml" in refused.stderr
    assert not (tmp_path / "refused" / "runs.parquet").exists()


def test_run_export_csv_writes_every_table_as_csv_too_even_for_a_job_already_complete(tmp_path):
    small = ("run.replicates=2", "run.workers=1", "run.progress=false", "run.figures=false",
             "agenda.session_length=10", "run.record_roll_calls=true", *EXPELLING)
    run_job(load(*small), tmp_path)
    assert sorted(p.name for p in tmp_path.glob("*.csv")) == ["summary.csv"]
    # run.export is no part of the fingerprint: the complete job is not computed again, only exported.
    before = (tmp_path / "runs.parquet").stat().st_mtime_ns
    run_job(load(*small, "run.export=csv"), tmp_path)
    assert (tmp_path / "runs.parquet").stat().st_mtime_ns == before
    tables = sorted(tmp_path.glob("*.parquet"))
    assert [p.stem for p in tables] == ["expulsions", "legislators", "roll_calls", "runs", "voteview"]
    assert len(pd.read_parquet(tmp_path / "expulsions.parquet")) > 0  # a table with rows, not just a header
    for table in tables:
        assert_csv_copy(table)
    # Another configuration computes again: the earlier CSVs go with the earlier tables.
    run_job(load(*small[:-len(EXPELLING)]), tmp_path)
    assert sorted(p.name for p in tmp_path.glob("*.csv")) == ["summary.csv"]
