"""One batch engine for every many-run job: houses (a configuration and a seed each) built, run in
lockstep to the end and read; worker processes that end with the run; the cores a job may use."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

import numpy as np

from sim.config import Config, validate
from sim.model.given import GivenExpulsions
from sim.model.model import MajilisModel, run_lockstep
from sim.runs.lifeline import exit_with

T = TypeVar("T")


def run_houses(houses: Sequence[tuple[Config, np.random.SeedSequence]], read: Callable[[MajilisModel], T],
               given: GivenExpulsions | None = None) -> list[T]:
    """Build a house for each (config, seed), each given the expulsions `given` (sim.model.given), run
    them all to the end in one lockstep batch (sim.model.model.run_lockstep: each ends as it would
    alone), and return `read` of each, in order. Each distinct configuration is checked once, not once
    a house: the replicates of a job or a point share theirs."""
    for cfg in {id(cfg): cfg for cfg, _ in houses}.values():
        validate(cfg)
    models: list[MajilisModel] = []
    try:
        for cfg, seed in houses:
            models.append(MajilisModel(cfg, rng=np.random.default_rng(seed), warm=False, given=given,
                                       validated=True))
        run_lockstep(models)  # warms them up together first
        return [read(model) for model in models]
    finally:
        for model in models:
            model.release()


def available_cores() -> int:
    """The cores this process may run on (a cluster job's allocation, not the whole node's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def replicate_seed(root: int, replicate: int) -> np.random.SeedSequence:
    """Child `replicate` of the root SeedSequence (what `SeedSequence(root).spawn(n)[replicate]` gives,
    made alone so that memory does not grow with the replicate count). Replicate r draws the same
    shocks whatever else the job holds, so every sweep point sees them (common random numbers)."""
    return np.random.SeedSequence(root, spawn_key=(replicate,))


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
    # What workers run: the replicates of a job and the points of an analysis.
    context.set_forkserver_preload(["sim.runs.replicates", "sim.runs.evaluation"])
    return context


