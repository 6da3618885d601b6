"""Worker processes for many-run jobs: the cores a job may use, how many workers its tasks take, and a
pool of them that ends with the run, forked from a server that may be started early.

Kept apart from the model: run.py starts the fork server before it imports the model itself, so that
the two load it side by side (about a second saved here on a 2-core machine)."""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from sim.runs.lifeline import exit_with

# What workers run: the replicates of a job and the points of an analysis.
PRELOAD = ["sim.runs.replicates", "sim.runs.evaluation"]
# Replicates run in lockstep, and per task sent to a worker process: enough to share numpy's per-call
# overhead of a roll call among many houses and to amortise pickling, few enough to keep a progress bar
# moving and both cores busy to the end of a 500-replicate job (ten chunks).
CHUNK = 50


def chunks(total: int) -> list[range]:
    """The replicates 0..total-1 in tasks of CHUNK, in order."""
    return [range(start, min(start + CHUNK, total)) for start in range(0, total, CHUNK)]


def available_cores() -> int:
    """The cores this process may run on (a cluster job's allocation, not the whole node's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def pool_size(requested: int, tasks: int) -> int:
    """How many worker processes `tasks` tasks run in when `requested` are asked for (0: every core the
    process may use); 1 means in this process: one task, or inside a launcher's worker (joblib's loky),
    where a fork server cannot start (it would inherit a start method multiprocessing does not know), and
    the launcher already runs jobs in parallel."""
    if multiprocessing.get_start_method(allow_none=True) not in (None, *multiprocessing.get_all_start_methods()):
        return 1
    return max(1, min(requested or available_cores(), tasks))


def start_early(requested: int, tasks: int) -> None:
    """Start the fork server now, when a job of `tasks` tasks will want workers, so that it imports the
    model while this process sets the job up; a pool made later finds it running."""
    if pool_size(requested, tasks) > 1 and isinstance(_worker_context(), multiprocessing.context.ForkServerContext):
        multiprocessing.forkserver.ensure_running()


@contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """Worker processes that end with this one (sim.runs.lifeline), and that stop taking work at once
    when the run is interrupted rather than finishing every chunk already queued."""
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_worker_context(),
                               initializer=exit_with, initargs=(os.getpid(),))
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _worker_context() -> multiprocessing.context.BaseContext:
    """Workers forked from a fork server that has imported the model once, where the platform has
    one. Forking this process itself is unsafe once it runs threads (tqdm's monitor, pyarrow's pool:
    Python 3.12 warns of deadlocks), and spawning imports numpy, pandas and Mesa anew in every
    worker, about 2 s each here. The server starts once per process and serves every later pool."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context
