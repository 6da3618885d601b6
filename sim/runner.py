"""Replicates of one configuration: seeds, in-job parallelism, and the flat per-run table."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import asdict
from typing import Any, Callable, Iterator

import numpy as np
import pandas as pd
from tqdm import tqdm

from .config import Config
from .model import MajilisModel, run_lockstep
from .outcomes import roll_call_table, run_outcomes

# Replicates run in lockstep, and per task sent to a worker process: enough to share numpy's per-call
# overhead of a roll call among many houses and to amortise pickling, few enough to keep a progress bar
# moving and both cores busy to the end of a 500-replicate job (ten chunks).
CHUNK = 50


def replicate_seeds(root: int, replicates: int) -> list[np.random.SeedSequence]:
    """Replicate r always draws from child r of the root SeedSequence, whatever else the job holds,
    so every sweep point sees the same shocks (common random numbers)."""
    return np.random.SeedSequence(root).spawn(replicates)


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


def run_replicates(
    cfg: Config, replicates: list[int], seeds: list[np.random.SeedSequence],
) -> list[tuple[list[dict], pd.DataFrame | None]]:
    """Runs from their seeds, in lockstep (sim.model.run_lockstep): for each, a row of outcomes per
    term, and the roll-call table when asked for."""
    models: list[MajilisModel] = []
    try:
        for seed in seeds:
            models.append(MajilisModel(cfg, rng=np.random.default_rng(seed)))
        run_lockstep(models)
        results = []
        for replicate, model in zip(replicates, models):
            rows = [{"replicate": replicate, **row} for row in run_outcomes(model)]
            calls = None
            if cfg.run.record_roll_calls:
                calls = roll_call_table(model)
                calls.insert(0, "replicate", replicate)
            results.append((rows, calls))
        return results
    finally:
        for model in models:
            model.release()


def iter_replicates(cfg: Config, progress: bool | None = None) -> Iterator[tuple[list[dict], pd.DataFrame | None]]:
    """Yield (outcome rows, roll-call table or None) for every replicate, in replicate order.

    With several workers (run.workers, 0 for every core) chunks of replicates run in worker
    processes; seeds are fixed per replicate, so the results are identical to a single worker's."""
    seeds = replicate_seeds(cfg.run.seed, cfg.run.replicates)
    workers = cfg.run.workers or os.cpu_count() or 1
    show = cfg.run.progress if progress is None else progress
    starts = range(0, len(seeds), CHUNK)
    replicates = [list(range(s, min(s + CHUNK, len(seeds)))) for s in starts]
    chunk_seeds = [seeds[s:s + CHUNK] for s in starts]
    with ExitStack() as stack:
        if workers == 1 or len(starts) == 1:  # a pool costs more than it saves on one chunk
            chunks = map(run_replicates, [cfg] * len(starts), replicates, chunk_seeds)
        else:
            pool = stack.enter_context(ProcessPoolExecutor(max_workers=workers, mp_context=_fork_context()))
            # Submits every chunk, so the workers are forked now, before the progress bar's thread starts.
            chunks = pool.map(run_replicates, [cfg] * len(starts), replicates, chunk_seeds)
        # disable=None lets tqdm stay quiet when stderr is not a terminal.
        bar = stack.enter_context(
            tqdm(total=len(seeds), desc=f"{cfg.name}: replicates", unit="rep", disable=None if show else True))
        for chunk in chunks:
            yield from chunk
            bar.update(len(chunk))


def _fork_context() -> multiprocessing.context.BaseContext | None:
    """Workers forked from this process, which has every module imported already. In Mesa 3.3,
    `import mesa` sets the global start method to "spawn" (mesa/batchrunner.py; moved into batch_run
    by mesa PR #3073), with which each worker would first import numpy, pandas and Mesa anew: about
    2 s here, half of what a 500-replicate job computes."""
    return multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None


def run_experiment(
    cfg: Config,
    progress: bool | None = None,
    on_roll_calls: Callable[[pd.DataFrame], None] | None = None,
) -> pd.DataFrame:
    """Every replicate of `cfg`: one row per replicate and term, with the config columns, the seed
    and the outcomes.
    Roll-call tables, when recorded, go to `on_roll_calls` one replicate at a time so they never
    accumulate in memory."""
    rows = []
    for replicate_rows, calls in iter_replicates(cfg, progress):
        rows += replicate_rows
        if calls is not None and on_roll_calls is not None:
            on_roll_calls(calls)
    outcomes = pd.DataFrame(rows)
    params = pd.DataFrame([config_columns(cfg)] * len(outcomes))
    return pd.concat([params, outcomes], axis=1)
