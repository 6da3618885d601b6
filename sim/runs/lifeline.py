"""Worker processes that end with the run that started them.

A run killed by SIGKILL cannot tell its workers to stop; they would run on, orphaned, holding
memory. So each worker watches the run's process and exits as soon as it has gone. It watches the
run, not its own parent: a fork server's children keep the server alive, and the server them.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

# How often a worker looks for the run: a killed run's workers are gone within about this.
POLL_SECONDS = 0.5
_watching: set[int] = set()


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
    """Start a daemon thread that ends this process once process `pid` has ended (once per process:
    a launcher's worker runs many jobs)."""
    if pid in _watching or pid == os.getpid():
        return
    _watching.add(pid)

    def watch() -> None:
        while running(pid):
            time.sleep(POLL_SECONDS)
        os._exit(1)  # no cleanup: what it was computing belongs to a run that has ended

    threading.Thread(target=watch, name=f"exit-with-{pid}", daemon=True).start()
