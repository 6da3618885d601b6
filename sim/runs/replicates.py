"""Replicates of one configuration: seeds, in-job parallelism, and the flat per-run table."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import asdict
from typing import Any

import pandas as pd
from tqdm import tqdm

from sim.config import Config
from sim.model.model import MajilisModel
from sim.outcomes.tables import recorded_tables
from sim.outcomes.terms import run_outcomes
from sim.runs.batch import replicate_seed, run_houses
from sim.runs.workers import chunks, pool_size, worker_pool


def config_columns(cfg: Config) -> dict[str, Any]:
    """The configuration flattened to scalar columns ('behavior.loyalty_mean', 'parties.qhp.whip_strength',
    'executive.ideal.1'), for the flat experiments table."""
    flat: dict[str, Any] = {}

    def walk(node: Any, key: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{key}.{k}" if key else str(k))
        elif isinstance(node, list) and all(isinstance(v, dict) for v in node):  # bill kinds: by position
            for k, v in enumerate(node):
                walk(v, f"{key}.{k}")
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
    """Runs of these replicates, in one lockstep batch (sim.runs.batch): for each, a row of outcomes
    per term, and the recorded tables (sim.outcomes.tables.recorded_tables) when asked for."""
    def read(model: MajilisModel) -> tuple[list[dict], Tables]:
        return run_outcomes(model), recorded_tables(model) if cfg.run.record_roll_calls else {}

    results = []
    runs = run_houses([(cfg, replicate_seed(cfg.run.seed, r)) for r in replicates], read)
    for replicate, (rows, tables) in zip(replicates, runs, strict=True):
        for table in tables.values():
            table.insert(0, "replicate", replicate)
        results.append(([{"replicate": replicate, **row} for row in rows], tables))
    return results


def iter_replicates(cfg: Config, progress: bool | None = None) -> Iterator[tuple[list[dict], Tables]]:
    """Yield (outcome rows, recorded tables) for every replicate, in replicate order.

    With several workers (run.workers, 0 for every core) chunks of replicates run in worker
    processes; seeds are fixed per replicate, so the results are identical to a single worker's."""
    total = cfg.run.replicates
    show = cfg.run.progress if progress is None else progress
    tasks = chunks(total)
    workers = pool_size(cfg.run.workers, len(tasks))
    with ExitStack() as stack:
        results: Iterator[list[tuple[list[dict], Tables]]]
        if workers == 1:  # one chunk, or one core: a pool costs more than it saves
            results = map(run_replicates, [cfg] * len(tasks), tasks)
        else:
            pool = stack.enter_context(worker_pool(workers))
            results = pool.map(run_replicates, [cfg] * len(tasks), tasks)
        # disable=None lets tqdm stay quiet when stderr is not a terminal.
        bar = stack.enter_context(
            tqdm(total=total, desc=f"{cfg.name}: replicates", unit="rep", disable=None if show else True))
        for chunk in results:
            yield from chunk
            bar.update(len(chunk))


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
