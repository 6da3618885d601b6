"""What ends with the run that started it: its worker processes, and its hold on its directory.

A run killed by SIGKILL cannot tell its workers to stop; they would run on, orphaned, holding
memory. So each worker watches the run's process and exits as soon as it has gone. It watches the
run, not its own parent: a fork server's children keep the server alive, and the server them.

A run holds its output directory with an advisory lock (flock) on a file there, so that a second run
into the same directory stops before it deletes or overwrites anything of the first. The kernel
releases the lock when the process ends, however it ends, so a killed run never leaves it held.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path
from typing import Any

# How often a worker looks for the run: a killed run's workers are gone within about this.
POLL_SECONDS = 0.5
_watching: set[int] = set()
# Hidden, so that it is never listed among the results. It stays after the run: removing a lock file
# that another process has just opened would let two runs each lock a different file.
LOCK = ".run.lock"
# The directories this process holds, with the lock's file descriptor.
_held: dict[Path, int] = {}


def running(pid: int) -> bool:
    """Whether process `pid` exists and has not ended (a zombie, dead but not yet reaped, has)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:  # no /proc (not Linux), or it ended just now
        return stat.parent.exists() or not Path("/proc/self").exists()


def exit_with(pid: int) -> None:
    """End this process at once if process `pid` has ended, else start a daemon thread that ends it
    once `pid` has (once per process: a launcher's worker runs many jobs)."""
    if pid in _watching or pid == os.getpid():
        return
    # Checked here rather than left to the thread: a worker that has been starting up for longer than
    # its run lived must not take a job in the moment before the thread looks.
    if not running(pid):
        os._exit(1)
    _watching.add(pid)

    def watch() -> None:
        while running(pid):
            time.sleep(POLL_SECONDS)
        os._exit(1)  # no cleanup: what it was computing belongs to a run that has ended

    threading.Thread(target=watch, name=f"exit-with-{pid}", daemon=True).start()


def start_loky_workers_watching(pid: int) -> None:
    """Start every worker of joblib's loky backend (where Hydra's joblib launcher, which hard-codes
    that backend, runs its jobs) with exit_with(pid) as loky's initializer: the first thing a worker
    runs once started, before it waits for a job. A job's own watch (sim.runs.callbacks) starts only
    when a worker has a job, and a worker still starting up when the run is killed never gets one:
    it would wait for one until loky's idle timeout (5 minutes)."""
    # Imported here: joblib takes a few tenths of a second to load, which only a joblib sweep needs.
    from joblib import register_parallel_backend  # type: ignore[import-untyped]
    from joblib.parallel import LokyBackend  # type: ignore[import-untyped]

    class WatchedLoky(LokyBackend):
        def configure(self, *args: Any, **kwargs: Any) -> Any:
            kwargs.setdefault("initializer", exit_with)
            kwargs.setdefault("initargs", (pid,))
            return super().configure(*args, **kwargs)

    register_parallel_backend("loky", WatchedLoky)


class BusyDirectory(RuntimeError):
    """Another process holds the directory: a run is writing there."""


def holds_directory(directory: Path) -> bool:
    """Whether this process holds `directory`."""
    return Path(directory).resolve() in _held


def hold_directory(directory: Path) -> None:
    """Hold `directory` (created if need be) until release_directory or the end of this process;
    nothing when this process holds it already. Raises BusyDirectory when another process holds it."""
    key = Path(directory).resolve()
    if key in _held:
        return
    key.mkdir(parents=True, exist_ok=True)
    fd = os.open(key / LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise BusyDirectory(f"{directory}: another run is writing there (it holds {Path(directory) / LOCK}); "
                            "wait for it to finish, or choose another directory") from None
    _held[key] = fd


def release_directory(directory: Path) -> None:
    fd = _held.pop(Path(directory).resolve(), None)
    if fd is not None:
        os.close(fd)
