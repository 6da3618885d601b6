"""Bad inputs at every entry point: each stops before any work with exit code 2 and an error that names
the input (its key or flag, with the value), and leaves no result behind.

run.py and experiments/chunks.py (Hydra applications) run as processes; the argparse entry points
(experiments/sensitivity.py, calibration.py, findings.py, the three studies, `python -m sim.runs.report`,
`python -m sim.analysis.scaling`) are called through their `main(argv)` in this process, with whatever would
start the work replaced by a failure, so that each case takes milliseconds once they are imported.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import ROOT, load

sys.path.insert(0, str(ROOT / "experiments"))
import calibration  # noqa: E402  (the scripts import their neighbours, experiments/ on the path)
import discipline  # noqa: E402
import elections  # noqa: E402
import findings  # noqa: E402
import named_experiments  # noqa: E402
import opposition_intent  # noqa: E402
import sensitivity  # noqa: E402
import study  # noqa: E402

from sim.analysis import scaling  # noqa: E402
from sim.analysis.uncertainty import load_parameters  # noqa: E402
from sim.runs import report  # noqa: E402
from sim.runs.evaluation import Plan, open_store  # noqa: E402
from sim.runs.lifeline import LOCK  # noqa: E402

PROCESSES = {"run.py": "run.py", "chunks.py": "experiments/chunks.py"}
MAINS: dict[str, Callable[[list[str]], object]] = {
    "sensitivity.py": sensitivity.main, "calibration.py": calibration.main, "findings.py": findings.main,
    "named_experiments.py": named_experiments.main, "elections.py": elections.main,
    "opposition_intent.py": opposition_intent.main, "discipline.py": discipline.main, "report": report.main,
    "scaling": scaling.main}
# What would start the work at each argparse entry point: reaching one is a failure of the test.
WORK = [(sensitivity, "compute"), (sensitivity, "open_store"), (calibration, "evaluate"),
        (findings, "write_findings"), (named_experiments, "run_named"), (elections, "run_named"),
        (opposition_intent, "run_sweep"), (discipline, "run_named"),
        (report, "experiment_figures"), (report, "comparison_figure"), (report, "finish_sweep"), (scaling, "recovery")]
# Bookkeeping that Hydra writes into a run's directory before the run's own checks (not results).
BOOKKEEPING = (".hydra", "run.log", LOCK, "logs")


@dataclass(frozen=True)
class Case:
    entry: str  # a key of PROCESSES or MAINS
    args: tuple[str, ...]  # "{tmp}" stands for the case's own directory
    named: tuple[str, ...]  # what its error must say
    setup: Callable[[Path], int | None] | None = None  # files the case needs; a descriptor to close after
    results: bool = False  # whether it needs small analyses' results in {tmp}/results (see small_results)
    unsaid: tuple[str, ...] = ()  # what its error must not say: advice that does not fit this input

    def __str__(self) -> str:
        return f"{self.entry} {' '.join(self.args)}".replace("{tmp}", "TMP")


def _write(relative: str, text: str) -> Callable[[Path], None]:
    def setup(tmp: Path) -> None:
        (tmp / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp / relative).write_text(text)
    return setup


def _mkdir(relative: str) -> Callable[[Path], None]:
    return lambda tmp: (tmp / relative).mkdir(parents=True)


def _busy(tmp: Path) -> int:
    """The lock another run writing into tmp/out would hold."""
    (tmp / "out").mkdir()
    fd = os.open(tmp / "out" / LOCK, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def _job(tmp: Path, runs: pd.DataFrame | bytes = b"") -> None:
    (tmp / "job").mkdir()
    if isinstance(runs, bytes):
        (tmp / "job" / "runs.parquet").write_bytes(runs)
    else:
        runs.to_parquet(tmp / "job" / "runs.parquet")


def _roll_call_job(tmp: Path, voteview: pd.DataFrame | bytes | None = None) -> None:
    """A job run with run.record_roll_calls=true: its runs, roll calls and deputies (small stand-ins)."""
    _job(tmp, pd.DataFrame({"name": ["baseline"], "replicate": [0], "term": [0]}))
    if voteview is None:
        voteview = pd.DataFrame({"replicate": [0, 0], "deputy": [1, 2], "rc_0": [1, 6]})
    if isinstance(voteview, bytes):
        (tmp / "job" / "voteview.parquet").write_bytes(voteview)
    else:
        voteview.to_parquet(tmp / "job" / "voteview.parquet")
    pd.DataFrame({"replicate": [0, 0], "deputy": [1, 2], "party": ["a", "b"], "seat_kind": ["list", "list"],
                  "russia": [0.1, -0.1]}).to_parquet(tmp / "job" / "legislators.parquet")


def _sweep(tmp: Path, manifest: str = '[["a=1"]]', overrides: str = "- a=1\n", runs: bytes = b"damaged") -> None:
    """A sweep directory of one complete job, "a=1", whose files are as given."""
    job = tmp / "sweep" / "a=1"
    (job / ".hydra").mkdir(parents=True)
    (tmp / "sweep" / "jobs.json").write_text(manifest)
    (job / ".hydra" / "overrides.yaml").write_text(overrides)
    (job / "done.json").write_text("{}")
    (job / "runs.parquet").write_bytes(runs)


def _record(observations: str) -> Callable[[Path], None]:
    return _write("record.yaml", f"sessions: 3\nobservations:\n{observations}")


SEARCH = "hydra.searchpath=[file://{tmp}/configs]"
ANONYMOUS = "# @package _global_\nname: anonymous\nparliament:\n  list_seats: {amanat: 30, auyl: 10}\n"
SHARE_TWICE = "  - {name: deputy_share_of_laws, observed: 2.0, tolerance: 0.05, source: a share of two}\n"

CASES = [
    # run.py: the experiment, its values, its house, its directory
    Case("run.py", ("behavior.loyalty_mean=2",), ("behavior.loyalty_mean = 2.0: must be in [0.0, 1.0]",)),
    Case("run.py", ("behavior.loyalty_mean=high",), ("behavior.loyalty_mean=high", "'high'")),  # Hydra: exit 1 before
    Case("run.py", ("behavior.loyality=0.5",), ("behavior.loyality",)),
    Case("run.py", ("+foo=1",), ("foo: not a configuration key",)),
    Case("run.py", ("experiment=nonexistent",), ("experiment/nonexistent",)),
    Case("run.py", ("agenda.terms=2",), ("agenda.terms = 2",)),
    Case("run.py", ("run.replicates=0",), ("run.replicates = 0: must be in [1, 1000000]",)),
    Case("run.py", ("run.export=xlsx",), ("run.export = 'xlsx': must be one of parquet, csv",)),
    Case("run.py", ("-m", "run.export=csv,xlsx", "hydra.sweep.dir={tmp}/sweep"),
         ("1 of 2 sweep points are invalid", "run.export=xlsx", "run.export = 'xlsx': must be one of parquet, csv")),
    Case("run.py", ("behavior.noise_sd=nan",), ("behavior.noise_sd = nan: must be a finite number",)),
    Case("run.py", ("behavior.fear_scale=0.5", "behavior.fear_scale=1.0"),
         ("behavior.fear_scale: given 2 times (behavior.fear_scale=0.5, behavior.fear_scale=1.0)",)),
    Case("run.py", ("hydra.run.dir=/proc/sys/majilis",), ("/proc/sys/majilis", "/proc/sys is not writable")),
    Case("run.py", ("hydra.run.dir={tmp}/out",), ("{tmp}/out: another run is writing there",), _busy),
    Case("run.py", (SEARCH, "experiment=anonymous"), ("parliament.name:", "anonymous.yaml", "parliament.list_seats"),
         _write("configs/experiment/anonymous.yaml", ANONYMOUS)),
    Case("run.py", (SEARCH, "parliament=nameless"), ("parliament.name: missing in", "nameless.yaml"),
         _write("configs/parliament/nameless.yaml", "list_seats: {amanat: 50, auyl: 10}\n")),
    Case("run.py", (SEARCH, "parliament=twice"), ("duplicate key amanat", "twice.yaml"),
         _write("configs/parliament/twice.yaml", "name: twice\nlist_seats:\n  amanat: 50\n  amanat: 40\n")),
    Case("run.py", ("parliament.list_seats={amanat: 60}",), ("parliament.name:", "the command line")),
    Case("run.py", ("-m", "behavior.loyalty_mean=0.5,1.5", "hydra.sweep.dir={tmp}/sweep"),
         ("behavior.loyalty_mean=1.5", "must be in [0.0, 1.0]")),
    # experiments/sensitivity.py
    Case("sensitivity.py", ("--trajectories", "1"), ("--trajectories = 1: must be at least 2",)),
    Case("sensitivity.py", ("--scenario-draws", "0"), ("--scenario-draws = 0: must be at least 1",)),
    Case("sensitivity.py", ("run.replicates=999", "run.seed=5"),
         ("run.replicates=999 run.seed=5: the analyses do not read run.*", "--replicates", "--seed")),
    Case("sensitivity.py", ("--seed", "-1"), ("--seed = -1: must be in [0, ",)),
    Case("sensitivity.py", ("--out", "/proc/sys/majilis"), ("--out = /proc/sys/majilis", "not writable")),
    Case("sensitivity.py", ("--out", "{tmp}/file/out"), ("--out = {tmp}/file/out", "is not a directory"),
         _write("file", "")),
    Case("sensitivity.py", ("--n", "100"), ("--n = 100: must be a power of 2",)),
    Case("sensitivity.py", ("--n", "abc"), ("--n: invalid int value: 'abc'",)),
    Case("sensitivity.py", ("--n", "1048576"), ("--n = 1048576, --replicates = 2:", "at most 10,000,000")),
    Case("sensitivity.py", ("--replicates", "0"), ("--replicates = 0: must be at least 1",)),
    Case("sensitivity.py", ("--workers", "-1"), ("--workers = -1",)),
    Case("sensitivity.py", ("--uncertainty", "{tmp}/none.yaml"), ("--uncertainty = {tmp}/none.yaml: no such file",)),
    Case("sensitivity.py", ("--uncertainty", "{tmp}/priors.yaml"), ("behavior.fear_scale: low = 2.0 must be below",),
         _write("priors.yaml", "parameters:\n  - {key: behavior.fear_scale, low: 2.0, high: 1.0, reason: r}\n")),
    Case("sensitivity.py", ("behavior.loyalty_mean=2",), ("behavior.loyalty_mean = 2.0: must be in [0.0, 1.0]",)),
    Case("sensitivity.py", ("sweep=loyalty_fear",), ("sweep=loyalty_fear: a sweep is run by run.py -m",)),
    Case("sensitivity.py", ("behavior.noise_sd=0.2", "behavior.noise_sd=0.3"), ("behavior.noise_sd: given 2 times",)),
    # experiments/calibration.py
    Case("calibration.py", ("experiment=baseline",), ("experiment=baseline: calibration.py fits the record",
                                                       "not choose the house")),
    Case("calibration.py", ("parliament=ruling_minority",), ("parliament=ruling_minority:", "not choose the house")),
    Case("calibration.py", ("agenda.terms=1",), ("agenda.terms=1: leaves the house 'second of two terms'",)),
    Case("calibration.py", ("run.seed=5",), ("run.seed=5: the analyses do not read run.*", "--seed")),
    Case("calibration.py", ("--seed", "-1"), ("--seed = -1",)),
    Case("calibration.py", ("--draws", "0"), ("--draws = 0: must be at least 1",)),
    Case("calibration.py", ("--draws", "100000000"), ("--draws = 100000000: 100,000,000 runs",)),
    Case("calibration.py", ("--out", "/proc/sys/majilis"), ("--out = /proc/sys/majilis", "not writable")),
    Case("calibration.py", ("--record", "{tmp}/none.yaml"), ("--record = {tmp}/none.yaml: no such file",)),
    Case("calibration.py", ("--record", "{tmp}/record.yaml"),
         ("--record = {tmp}/record.yaml: is empty; a record is a mapping",),
         _write("record.yaml", "")),
    Case("calibration.py", ("--record", "{tmp}/record.yaml"), ("--record = {tmp}/record.yaml", "holds list"),
         _write("record.yaml", "- gov_defeats\n- expulsions\n")),
    Case("calibration.py", ("--record", "{tmp}/record.yaml"), ("cannot be read as YAML",),
         _write("record.yaml", "sessions: [3\n")),
    Case("calibration.py", ("--record", "{tmp}/record.yaml"), ("observations[0] = 'gov_defeats': must be a mapping",),
         _record("  - gov_defeats\n")),
    Case("calibration.py", ("--record", "{tmp}/record.yaml"), ("observations[0].observed = 'many'",),
         _record("  - {name: gov_defeats, observed: many, tolerance: 0, source: s}\n")),
    Case("calibration.py", ("--record", "{tmp}/record.yaml"), ("observations[0].observed = nan: must be a finite",),
         _record("  - {name: gov_defeats, observed: .nan, tolerance: 0, source: s}\n")),
    Case("calibration.py", ("--record", "{tmp}/record.yaml"), ("observations[0].observed = 2.0",
                                                                "deputy_share_of_laws", "[0, 1]"),
         _record(SHARE_TWICE)),
    Case("calibration.py", ("--record", "{tmp}/record.yaml"), ("'defeats': declared outcomes are",),
         _record("  - {name: defeats, observed: 0, tolerance: 0, source: s}\n")),
    Case("calibration.py", ("--record", "{tmp}/record.yaml"),
         ("expulsions[0].session = 4: must be a whole session from 1 to 3",),
         _write("record.yaml", "sessions: 3\nexpulsions:\n  - {session: 4, party: qhp, trigger: speech, source: s}\n"
                "observations:\n  - {name: gov_defeats, observed: 0, tolerance: 0, source: s}\n")),
    Case("calibration.py", ("--record", "{tmp}/record.yaml"),
         ("expulsions[0].trigger = 'tweet': must be one of vote, speech", "observations[0].sessions = [0, 2]"),
         _write("record.yaml", "sessions: 3\nexpulsions:\n  - {session: 1, party: qhp, trigger: tweet, source: s}\n"
                "observations:\n  - {name: gov_defeats, sessions: [0, 2], observed: 0, tolerance: 0, source: s}\n")),
    # experiments/findings.py
    Case("findings.py", ("--results", "{tmp}/results", "--write-docs"),
         ("--write-docs: the results are smaller than the documented analyses", "--n = 4, documented 1024",
          "--draws = 10, documented 40000", "--replicates = 1, documented 20"), results=True),
    Case("findings.py", ("--results", "{tmp}/none"), ("--results = {tmp}/none: voting_power/ lacks feasibility.csv",
                                                      "calibration/ lacks")),
    Case("findings.py", ("--results", "{tmp}/results", "--out", "/proc/sys/majilis"),
         ("--out = /proc/sys/majilis", "not writable"), results=True),
    Case("findings.py", ("--results", "{tmp}/results", "--write-docs", "--out", "{tmp}/out"),
         ("--out = {tmp}/out with --write-docs",), results=True),
    Case("findings.py", ("--draws", "10"), ("unrecognized arguments: --draws 10",)),
    # the studies drawing committed figures: experiments/named_experiments.py, elections.py, opposition_intent.py
    Case("named_experiments.py", ("--write-docs", "--replicates", "20"),
         ("--write-docs with --replicates = 20: the committed figures are drawn from 500",)),
    Case("elections.py", ("--write-docs", "--replicates", "499"), ("--write-docs with --replicates = 499",)),
    Case("elections.py", ("--replicates", "0"), ("--replicates = 0: must be at least 1",)),
    Case("discipline.py", ("--write-docs", "--replicates", "50"), ("--write-docs with --replicates = 50",)),
    Case("discipline.py", ("--replicates", "-3"), ("--replicates = -3: must be at least 1",)),
    Case("opposition_intent.py", ("--write-docs", "--replicates", "20"),
         ("--write-docs with --replicates = 20: the committed figures are drawn from 200",)),
    Case("opposition_intent.py", ("--replicates", "0"), ("--replicates = 0: must be at least 1",)),
    Case("opposition_intent.py", ("--replicates", "many"), ("--replicates: invalid int value: 'many'",)),
    # python -m sim.runs.report
    Case("report", ("{tmp}/none",), ("{tmp}/none: not a directory",)),
    Case("report", ("{tmp}/job", "{tmp}/job/../job"), ("{tmp}/job/../job: the same directory as {tmp}/job",),
         _mkdir("job")),
    Case("report", ("{tmp}/plain",), ("{tmp}/plain: neither a job directory",), _mkdir("plain")),
    Case("report", ("{tmp}/job",), ("{tmp}/job/runs.parquet: cannot be read",), lambda tmp: _job(tmp, b"damaged")),
    Case("report", ("{tmp}/job",), ("{tmp}/job/runs.parquet: not a runs table",),
         lambda tmp: _job(tmp, pd.DataFrame({"x": [1]}))),
    Case("report", ("{tmp}/job", "--out", "/proc/sys/majilis"), ("--out = /proc/sys/majilis", "cannot write"),
         lambda tmp: _job(tmp)),
    Case("report", ("{tmp}/out",), ("{tmp}/out: another run is writing there",),
         lambda tmp: (_busy(tmp), (tmp / "out" / "runs.parquet").write_bytes(b""))[0]),
    Case("report", ("{tmp}/sweep", "--out", "{tmp}/out"), ("--out = {tmp}/out: a sweep is gathered into",),
         _write("sweep/jobs.json", "[]")),
    Case("report", ("{tmp}/sweep",), ("{tmp}/sweep/jobs.json: cannot be read as the sweep's list of jobs",
                                      "run the sweep's command again"), lambda tmp: _sweep(tmp, manifest="")),
    Case("report", ("{tmp}/sweep",), ("{tmp}/sweep/jobs.json: cannot be read as the sweep's list of jobs",),
         lambda tmp: _sweep(tmp, manifest='{"a": 1}')),
    Case("report", ("{tmp}/sweep",), ("{tmp}/sweep/a=1/.hydra/overrides.yaml: cannot be read",
                                      "run the sweep's command again"), lambda tmp: _sweep(tmp, overrides="[a=1\n")),
    Case("report", ("{tmp}/sweep",), ("{tmp}/sweep/a=1/runs.parquet: cannot be read", "run the sweep's command again"),
         lambda tmp: _sweep(tmp)),
    # python -m sim.analysis.scaling
    Case("scaling", ("{tmp}/none",), ("{tmp}/none: the directory does not exist",), unsaid=("record_roll_calls",)),
    Case("scaling", ("{tmp}/file",), ("{tmp}/file: not a directory",), _write("file", ""),
         unsaid=("record_roll_calls",)),
    Case("scaling", ("{tmp}/plain",), ("{tmp}/plain: not a job directory (no runs.parquet",), _mkdir("plain")),
    Case("scaling", ("{tmp}/job",), ("{tmp}/job: no voteview.parquet or legislators.parquet",
                                     "run.record_roll_calls=true"), lambda tmp: _job(tmp)),
    Case("scaling", ("{tmp}/job",), ("{tmp}/job/voteview.parquet: cannot be read",),
         lambda tmp: _roll_call_job(tmp, b"")),
    Case("scaling", ("{tmp}/job",), ("{tmp}/job/voteview.parquet: not the voteview table", "no column deputy"),
         lambda tmp: _roll_call_job(tmp, pd.DataFrame({"replicate": [0]}))),
    # experiments/chunks.py
    Case("chunks.py", (), ("store is required",)),
    Case("chunks.py", ("store={tmp}/store",), ("store = {tmp}/store: holds no plan",), _mkdir("store")),
    Case("chunks.py", ("store={tmp}/store",), ("store = {tmp}/store: its plan.pkl cannot be read",),
         _write("store/plan.pkl", "not a plan")),
    Case("chunks.py", ("store={tmp}/store", "shard=abc"), ("shard = 'abc': must be a whole number",), _mkdir("store")),
    Case("chunks.py", ("store={tmp}/store", "shards=2", "shard=2"), ("shard = 2, shards = 2",), _mkdir("store")),
    Case("chunks.py", ("store={tmp}/store", "fooo=1"), ("fooo",), _mkdir("store")),  # Hydra: exit 1 before
]


def test_the_table_covers_every_entry_point_with_forty_cases_or_more():
    assert len(CASES) >= 40 and {case.entry for case in CASES} == set(PROCESSES) | set(MAINS)


@pytest.fixture(scope="module")
def small_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the analyses leave at a size far below the documented one: their plans (as their stores
    hold them, unrun) and the files findings.py reads, empty."""
    results = tmp_path_factory.mktemp("results")
    base = load()
    params = tuple(load_parameters(ROOT / "configs" / "analysis" / "uncertainty.yaml"))
    d = len(params)
    low = np.array([p.low for p in params])

    def store(path: Path, points: int, replicates: int) -> None:
        open_store(Plan(base, params, np.tile(low, (points, 1)), replicates, seed=1), results / path)

    store(Path("sensitivity/sobol"), 4 * (d + 2), 1)
    store(Path("sensitivity/morris"), 2 * (d + 1), 1)
    store(Path("sensitivity/scenarios"), 10, 1)
    store(Path("calibration/abc"), 10, 1)
    for _, experiment, _ in calibration.HOUSES:
        store(Path(f"calibration/predictive_{experiment}"), 2, 1)
    cells = int(np.prod([len(v) for v in calibration.CONDITIONS.values()]))
    experiments = {label: experiment for label, experiment, _ in calibration.HOUSES}
    for label in calibration.CONDITION_HOUSES:
        store(Path(f"calibration/conditions_{experiments[label]}"), 2 * cells, 1)
    for analysis, (_, tables) in findings.READS.items():
        (results / analysis).mkdir(parents=True, exist_ok=True)
        for name in tables:
            (results / analysis / name).write_bytes(b"")
    for analysis, name in findings.FIGURES:
        (results / analysis / name).write_bytes(b"")
    pd.DataFrame(np.tile(low, (5, 1)), columns=[p.key for p in params]).to_parquet(
        results / "calibration" / "posterior_points.parquet")
    return results


def _files(root: Path) -> set[Path]:
    return {p.relative_to(root) for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_bad_input_stops_before_any_work_naming_it(case: Case, tmp_path: Path, small_results: Path,
                                                     monkeypatch: pytest.MonkeyPatch, capsys):
    if case.results:
        shutil.copytree(small_results, tmp_path / "results")
    held = case.setup(tmp_path) if case.setup else None
    before = _files(tmp_path)
    docs = {p: p.stat().st_mtime_ns for p in (ROOT / "docs").rglob("*") if p.is_file()}
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in case.args]
    try:
        if case.entry in PROCESSES:
            if case.entry == "run.py":
                args += [f"hydra.{mode}.dir={tmp_path / mode}" for mode in ("run", "sweep")
                         if not any(arg.startswith(f"hydra.{mode}.dir=") for arg in args)]
            done = subprocess.run([sys.executable, str(ROOT / PROCESSES[case.entry]), *args], cwd=tmp_path,
                                  capture_output=True, text=True, timeout=120)
            code, error = done.returncode, done.stderr
        else:
            if case.entry in ("sensitivity.py", "calibration.py") and "--out" not in args:
                args += ["--out", str(tmp_path / "out")]
            for module, name in WORK:
                monkeypatch.setattr(module, name, _work_started)
            monkeypatch.chdir(tmp_path)
            with pytest.raises(SystemExit) as stop:
                MAINS[case.entry](args)
            code, error = stop.value.code, capsys.readouterr().err
    finally:
        if held is not None:
            os.close(held)
    assert code == 2, error
    for text in case.named:
        assert text.replace("{tmp}", str(tmp_path)) in error, error
    for text in case.unsaid:
        assert text not in error, error
    assert "Traceback" not in error
    written = [str(p) for p in _files(tmp_path) - before if not set(p.parts) & set(BOOKKEEPING)]
    assert not written, written
    assert docs == {p: p.stat().st_mtime_ns for p in (ROOT / "docs").rglob("*") if p.is_file()}


def _work_started(*args: object, **kwargs: object) -> None:
    raise AssertionError("the work started: the input was not refused before it")


def test_findings_has_a_help_and_the_studies_write_committed_files_only_when_asked(capsys):
    with pytest.raises(SystemExit) as stop:
        findings.main(["--help"])
    assert stop.value.code == 0 and "--write-docs" in capsys.readouterr().out
    parser = study.argparse.ArgumentParser()
    asked = study.argparse.Namespace(write_docs=True, replicates=500)
    assert study.figures_dir(parser, asked, 500) == study.FIGURES == ROOT / "docs" / "figures"
    assert study.figures_dir(parser, study.argparse.Namespace(write_docs=False, replicates=20), 500) == (
        ROOT / "experiments" / "results" / "figures")


def test_opposition_intent_copies_its_figures_beside_the_results_unless_asked(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch):
    def run_sweep(name: str, replicates: int) -> Path:  # what run.py -m leaves: the sweep and its figures
        out = tmp_path / "results" / name
        out.mkdir(parents=True)
        pd.DataFrame({"behavior.fear_scale": [1.0, 1.0], "minor.opposition_intent": [0.5, 1.0],
                      **{o: [False, True] for o in ("coalition_formed", "coalition_blocking", "coalition_majority")}}
                     ).to_parquet(out / "sweep.parquet")
        for figure in ("sweep_heatmap.png", "sweep_coalition_size.png"):
            (out / figure).write_bytes(f"{name} {replicates}".encode())
        return out

    monkeypatch.setattr(opposition_intent, "run_sweep", run_sweep)
    for name, path in (("ROOT", tmp_path), ("FIGURES", tmp_path / "docs" / "figures"),
                       ("RESULT_FIGURES", tmp_path / "figures")):
        monkeypatch.setattr(study, name, path)
    docs = {p: p.stat().st_mtime_ns for p in (ROOT / "docs").rglob("*") if p.is_file()}
    opposition_intent.main(["--replicates", "3"])
    assert docs == {p: p.stat().st_mtime_ns for p in (ROOT / "docs").rglob("*") if p.is_file()}
    assert (tmp_path / "figures" / "ruling_minority_heatmap.png").read_text() == "ruling_minority 3"
    assert len(list((tmp_path / "figures").glob("*.png"))) == 4 and not (tmp_path / "docs").exists()


def test_findings_writes_beside_the_results_unless_asked_and_the_docs_only_from_complete_documented_runs(
        small_results: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from sim.runs.evaluation import load_plan

    written: list[Path] = []
    monkeypatch.setattr(findings, "write_findings", lambda results, out: written.append(out))
    findings.main(["--results", str(small_results)])
    assert written == [ROOT / "experiments" / "results" / "findings"]
    for size in ("SOBOL_N", "REPLICATES", "TRAJECTORIES", "DRAWS", "PREDICTIVE_REPLICATES", "POINTS",
                 "CONDITION_POINTS", "SCENARIO_DRAWS"):
        monkeypatch.setattr(findings, size, 1)  # as if the small analyses were the documented ones
    results = tmp_path / "results"
    shutil.copytree(small_results, results)
    with pytest.raises(SystemExit):
        findings.main(["--results", str(results), "--write-docs"])  # their chunks were never computed
    chunks = [plan.parent / f"chunk_{chunk:05d}.npz" for plan in results.rglob("plan.pkl")
              for chunk in range(load_plan(plan.parent).chunks)]
    for chunk in chunks:
        chunk.write_bytes(b"")  # a chunk that cannot be read is not computed
    with pytest.raises(SystemExit):
        findings.main(["--results", str(results), "--write-docs"])
    for chunk in chunks:
        np.savez(chunk, stand_in=np.zeros(1))
    findings.main(["--results", str(results), "--write-docs"])
    assert written[-1] == ROOT / "docs"


@pytest.mark.parametrize("entry", ["scaling", "report"])
def test_a_job_directory_that_cannot_be_written_is_refused_before_any_work(entry: str, tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch, capsys):
    """A read-only job (as another user's, or on a read-only mount, would be: the tests run as root,
    who may write anywhere, so the permission is denied here by os.access)."""
    _roll_call_job(tmp_path)
    job = tmp_path / "job"
    access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kwargs: (
        not mode & os.W_OK and access(path, mode, **kwargs) if Path(path).absolute() == job else
        access(path, mode, **kwargs)))
    for module, name in WORK:
        monkeypatch.setattr(module, name, _work_started)
    with pytest.raises(SystemExit) as stop:
        MAINS[entry]([str(job)])
    error = capsys.readouterr().err
    assert stop.value.code == 2, error
    assert f"{job}: cannot write {'scaling.csv' if entry == 'scaling' else 'the figures'} there" in error
