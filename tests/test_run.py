"""run.py end to end, as a user calls it."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from helpers import ROOT


def _run(tmp_path, *overrides: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "run.py", f"hydra.run.dir={tmp_path}", "run.progress=false", *overrides],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )


def test_run_writes_the_runs_table_and_prints_the_summary(tmp_path):
    done = _run(tmp_path, "run.replicates=4", "run.record_roll_calls=true")
    assert done.returncode == 0, done.stderr
    assert "coalition formed against the ruling party" in done.stdout
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    assert len(runs) == 4 and runs["name"].eq("baseline").all()
    calls = pd.read_parquet(tmp_path / "roll_calls.parquet")
    assert len(calls) == 4 * 500 and calls.replicate.nunique() == 4
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
    ],
)
def test_a_bad_override_exits_non_zero_naming_it_and_writes_nothing(tmp_path, override, named):
    done = _run(tmp_path, override)
    assert done.returncode != 0
    assert named in done.stderr
    assert not (tmp_path / "runs.parquet").exists() and not list(tmp_path.glob(".*.tmp"))
