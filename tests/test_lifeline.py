"""A killed run leaves no process behind: its workers, and a launcher's, end with it."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import ROOT
from joblib import Parallel, delayed
from joblib.externals.loky.process_executor import TerminatedWorkerError
from joblib.parallel import BACKENDS

from sim.runs import workers
from sim.runs.lifeline import running, start_loky_workers_watching
from sim.runs.workers import pool_size

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from Linux /proc")


def _session(sid: int) -> list[int]:
    """Processes of session `sid` (a killed run's workers stay in its session when orphaned)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # the process ended while we looked
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _kill_mid_run(tmp_path: Path, signum: int, *args: str, workers: int) -> list[int]:
    """Start run.py in its own session, wait until it has `workers` processes besides itself, send
    `signum` to run.py alone, and return what of its session is alive five seconds later."""
    with open(tmp_path / "stderr.txt", "w") as stderr:
        # SIGINT as a terminal gives it: a shell's background job ignores SIGINT, and would pass that on.
        run = subprocess.Popen([sys.executable, "run.py", *args, "run.progress=false"], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 120
        while len(_session(run.pid)) < 1 + workers:
            assert run.poll() is None, "run.py ended before it was killed"
            assert time.monotonic() < deadline, "run.py never started its workers"
            time.sleep(0.2)
        time.sleep(1.0)  # the workers are computing
        os.kill(run.pid, signum)
        run.wait(timeout=30)
        time.sleep(5.0)
        return _session(run.pid)
    finally:
        for pid in _session(run.pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_killing_a_run_leaves_no_worker_alive(tmp_path, signum):
    # Two workers and the fork server that starts them.
    left = _kill_mid_run(tmp_path, signum, f"hydra.run.dir={tmp_path}", "run.replicates=20000", "run.workers=2",
                         workers=3)
    assert left == []
    assert not list(tmp_path.glob(".*.tmp"))
    if signum == signal.SIGINT:  # a message, not a traceback
        assert "interrupted" in (tmp_path / "stderr.txt").read_text()
        assert "Traceback" not in (tmp_path / "stderr.txt").read_text()


@pytest.mark.slow
def test_killing_a_joblib_sweep_leaves_no_launcher_worker_alive(tmp_path):
    left = _kill_mid_run(tmp_path, signal.SIGKILL, "-m", f"hydra.sweep.dir={tmp_path}", "hydra/launcher=joblib",
                         "hydra.launcher.n_jobs=2", "run.workers=1", "run.figures=false", "run.replicates=20000",
                         "behavior.loyalty_mean=0.6,0.8", workers=2)
    assert left == []


def test_a_joblib_worker_ends_with_the_run_though_it_never_had_a_job(monkeypatch):
    """A joblib sweep's workers watch the run from loky's initializer, before they wait for a job: one
    still starting up when the run is killed never gets a job, and would wait for one until loky's idle
    timeout (5 minutes)."""
    monkeypatch.setitem(BACKENDS, "loky", BACKENDS["loky"])  # restored after the test
    run = subprocess.Popen(["sleep", "60"])  # stands in for the run
    try:
        start_loky_workers_watching(run.pid)
        # Loky starts both workers; at most one does the job, and the other waits for a job, as a
        # worker still starting up when the run is killed would.
        Parallel(n_jobs=2, backend="loky")(delayed(os.getpid)() for _ in range(1))
        workers = _loky_workers()
        assert len(workers) == 2 and all(running(pid) for pid in workers)
        run.kill()
        run.wait()
        deadline = time.monotonic() + 10
        while any(running(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(running(pid) for pid in workers)
    finally:
        run.kill()


def test_a_joblib_worker_that_starts_after_its_run_has_ended_takes_no_job(monkeypatch, tmp_path):
    """A worker can take longer to start than its run lives (a busy machine, a run killed as it
    starts its workers): it must end before it takes a job, not run one for a run that has gone."""
    monkeypatch.setitem(BACKENDS, "loky", BACKENDS["loky"])  # restored after the test
    run = subprocess.Popen(["true"])  # stands in for the run, ended before any worker starts
    run.wait()
    start_loky_workers_watching(run.pid)
    with pytest.raises(TerminatedWorkerError):
        Parallel(n_jobs=2, backend="loky")(delayed(Path.touch)(tmp_path / str(job)) for job in range(4))
    assert list(tmp_path.iterdir()) == []
    assert not any(running(pid) for pid in _loky_workers())


def _loky_workers() -> list[int]:
    """This process's loky workers (not loky's resource tracker)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rpartition(")")[2].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if ppid == os.getpid() and b"popen_loky_posix" in command:
            found.append(int(stat.parent.name))
    return found


def test_a_job_takes_a_worker_a_task_up_to_its_cores_and_none_in_a_launchers_worker(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(workers, "available_cores", lambda: 2)
    assert [pool_size(0, tasks) for tasks in (1, 2, 10)] == [1, 2, 2]
    assert pool_size(4, 3) == 3 and pool_size(1, 10) == 1
    monkeypatch.setattr(multiprocessing, "get_start_method", lambda allow_none=False: "loky")
    assert pool_size(2, 10) == 1
