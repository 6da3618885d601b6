"""Replicates of one configuration: seeds, in-job parallelism, and the flat per-run table."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from sim.config import Config
from sim.model.model import MajilisModel, run_lockstep
from sim.outcomes.tables import recorded_tables
from sim.outcomes.terms import run_outcomes
from sim.runs.lifeline import exit_with

# Replicates run in lockstep, and per task sent to a worker process: enough to share numpy's per-call
# overhead of a roll call among many houses and to amortise pickling, few enough to keep a progress bar
# moving and both cores busy to the end of a 500-replicate job (ten chunks).
CHUNK = 50


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


def config_columns(cfg: Config) -> dict[str, Any]:
    """The configuration flattened to scalar columns ('behavior.loyalty_mean', 'parties.qhp.whip_strength',
    'executive.ideal.1'), for the flat experiments table."""
    flat: dict[str, Any] = {}

    def walk(node: Any, key: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{key}.{k}" if key else str(k))
        elif isinstance(node, list):
            if all(isinstance(v, (int, float)) for v in node):
                for k, v in enumerate(node):
                    flat[f"{key}.{k}"] = v
            else:
                flat[key] = ",".join(map(str, node))
        else:
            flat[key] = node

    walk({k: v for k, v in asdict(cfg).items() if k != "run"}, "")
    flat["run.seed"] = cfg.run.seed
    return flat


Tables = dict[str, pd.DataFrame]


def run_replicates(cfg: Config, replicates: range) -> list[tuple[list[dict], Tables]]:
    """Runs of these replicates, in lockstep (sim.model.run_lockstep): for each, a row of outcomes
    per term, and the recorded tables (sim.outcomes.recorded_tables) when asked for."""
    models: list[MajilisModel] = []
    try:
        for replicate in replicates:
            models.append(MajilisModel(cfg, rng=np.random.default_rng(replicate_seed(cfg.run.seed, replicate))))
        run_lockstep(models)
        results = []
        for replicate, model in zip(replicates, models, strict=True):
            rows = [{"replicate": replicate, **row} for row in run_outcomes(model)]
            tables = recorded_tables(model) if cfg.run.record_roll_calls else {}
            for table in tables.values():
                table.insert(0, "replicate", replicate)
            results.append((rows, tables))
        return results
    finally:
        for model in models:
            model.release()


def iter_replicates(cfg: Config, progress: bool | None = None) -> Iterator[tuple[list[dict], Tables]]:
    """Yield (outcome rows, recorded tables) for every replicate, in replicate order.

    With several workers (run.workers, 0 for every core) chunks of replicates run in worker
    processes; seeds are fixed per replicate, so the results are identical to a single worker's."""
    total = cfg.run.replicates
    workers = cfg.run.workers or available_cores()
    if multiprocessing.get_start_method(allow_none=True) not in (None, *multiprocessing.get_all_start_methods()):
        # In a launcher's worker (joblib's loky) a fork server cannot start: it would inherit a start
        # method multiprocessing does not know. The launcher already runs jobs in parallel.
        workers = 1
    show = cfg.run.progress if progress is None else progress
    chunks = [range(s, min(s + CHUNK, total)) for s in range(0, total, CHUNK)]
    with ExitStack() as stack:
        if workers == 1 or len(chunks) == 1:  # a pool costs more than it saves on one chunk
            results = map(run_replicates, [cfg] * len(chunks), chunks)
        else:
            pool = stack.enter_context(worker_pool(min(workers, len(chunks))))
            results = pool.map(run_replicates, [cfg] * len(chunks), chunks)
        # disable=None lets tqdm stay quiet when stderr is not a terminal.
        bar = stack.enter_context(
            tqdm(total=total, desc=f"{cfg.name}: replicates", unit="rep", disable=None if show else True))
        for chunk in results:
            yield from chunk
            bar.update(len(chunk))


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
    context.set_forkserver_preload([__name__])
    return context


def run_experiment(
    cfg: Config,
    progress: bool | None = None,
    on_table: Callable[[str, pd.DataFrame], None] | None = None,
) -> pd.DataFrame:
    """Every replicate of `cfg`: one row per replicate and term, with the config columns, the seed
    and the outcomes.
    Recorded tables (run.record_roll_calls) go to `on_table(name, table)` one replicate at a time,
    so they never accumulate in memory."""
    rows = []
    for replicate_rows, tables in iter_replicates(cfg, progress):
        rows += replicate_rows
        for name, table in tables.items():
            if on_table is not None:
                on_table(name, table)
    outcomes = pd.DataFrame(rows)
    params = pd.DataFrame([config_columns(cfg)] * len(outcomes))
    return pd.concat([params, outcomes], axis=1)
