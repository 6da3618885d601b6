"""Replicates of one configuration: seeds, in-job parallelism, and the flat per-run table."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from typing import Any, Callable, Iterator

import mesa
import numpy as np
import pandas as pd
from tqdm import tqdm

from .config import Config
from .model import MajilisModel
from .outcomes import roll_call_table, run_outcomes

CHUNK = 25  # replicates per task sent to a worker process: large enough to amortise pickling


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


def run_replicate(cfg: Config, replicate: int, seed: np.random.SeedSequence) -> tuple[list[dict], pd.DataFrame | None]:
    """One run from one seed: a row of outcomes per term, and the roll-call table when asked for."""
    model = MajilisModel(cfg, rng=np.random.default_rng(seed))
    try:
        model.run_model()
        rows = [{"replicate": replicate, **row} for row in run_outcomes(model)]
        calls = None
        if cfg.run.record_roll_calls:
            calls = roll_call_table(model)
            calls.insert(0, "replicate", replicate)
        return rows, calls
    finally:
        # Mesa 3.3 counts agent ids in a class-level dict keyed by model, which keeps every model
        # (and its arrays) alive for the life of the process; 10,000 replicates then need ~5 GB.
        mesa.Agent._ids.pop(model, None)


def _run_chunk(cfg: Config, replicates: list[int], seeds: list[np.random.SeedSequence]) -> list:
    return [run_replicate(cfg, r, s) for r, s in zip(replicates, seeds)]


def iter_replicates(cfg: Config, progress: bool | None = None) -> Iterator[tuple[list[dict], pd.DataFrame | None]]:
    """Yield (outcome rows, roll-call table or None) for every replicate, in replicate order.

    With several workers (run.workers, 0 for every core) chunks of replicates run in worker
    processes; seeds are fixed per replicate, so the results are identical to a single worker's."""
    seeds = replicate_seeds(cfg.run.seed, cfg.run.replicates)
    workers = cfg.run.workers or os.cpu_count() or 1
    show = cfg.run.progress if progress is None else progress
    # disable=None lets tqdm stay quiet when stderr is not a terminal.
    bar = tqdm(total=len(seeds), desc=f"{cfg.name}: replicates", unit="rep", disable=None if show else True)
    with bar:
        if workers == 1 or len(seeds) <= CHUNK:  # a pool costs more than it saves on one chunk
            for r, seed in enumerate(seeds):
                yield run_replicate(cfg, r, seed)
                bar.update()
            return
        starts = range(0, len(seeds), CHUNK)
        with ProcessPoolExecutor(max_workers=workers) as pool:
            chunks = pool.map(
                _run_chunk,
                [cfg] * len(starts),
                [list(range(s, min(s + CHUNK, len(seeds)))) for s in starts],
                [seeds[s:s + CHUNK] for s in starts],
            )
            for chunk in chunks:
                for result in chunk:
                    yield result
                bar.update(len(chunk))


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
