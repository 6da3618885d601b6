"""Many parameter points at once: runs batched in lockstep, resumable by chunk, spread over processes
or cluster jobs.

A Plan is a base Config, the declared parameters, a matrix of parameter points and a number of
replicates a point. Its runs are cut into chunks of whole points; a chunk's runs sit together in one
lockstep sitting (houses of different points share a Sitting: sim.model.rollcall), and its results are one
file in the store, written atomically. Evaluating a plan computes only the chunks its store lacks, so
a killed analysis resumes where it stopped and gives the same numbers: each run's seed is fixed by
its point and replicate alone.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
import zipfile
from collections.abc import Iterator
from concurrent.futures import as_completed
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, cast

import numpy as np
from tqdm import tqdm

from sim.analysis.uncertainty import Parameter, at_point, check_priors
from sim.config import Config
from sim.files import atomic_path
from sim.model.given import GivenExpulsions
from sim.model.parties import PartyTable
from sim.outcomes import registry
from sim.outcomes.features import Results, session_features
from sim.runs.batch import replicate_seed, run_houses
from sim.runs.fingerprint import fingerprint
from sim.runs.workers import available_cores, worker_pool

log = logging.getLogger(__name__)
# Runs per chunk: enough houses in a sitting to share numpy's per-call overhead, few enough that a
# chunk takes seconds (a killed analysis loses little) and both cores stay busy to the end.
CHUNK_RUNS = 200
PLAN = "plan.pkl"


@dataclass(frozen=True)
class Plan:
    """What to run: `points` (P, parameters) in the parameters' units, `replicates` runs each.
    With `common_seeds`, replicate r of every point draws the same shocks (common random numbers, for
    comparing points); otherwise every run has its own seed (for simulating data, as ABC does)."""

    base: Config
    parameters: tuple[Parameter, ...]
    points: np.ndarray
    replicates: int
    seed: int
    common_seeds: bool = True
    chunk_runs: int = CHUNK_RUNS
    keep: tuple[str, ...] = ()  # outcomes to keep per session besides the analysed ones (an observed record's)
    given: GivenExpulsions | None = None  # every run's first expulsions, given (sim.model.given)

    def __post_init__(self) -> None:
        if self.points.ndim != 2 or self.points.shape[1] != len(self.parameters):
            raise ValueError(f"points has shape {self.points.shape}; expected (points, {len(self.parameters)})")
        if len(self.points) < 1:
            raise ValueError("points: a plan needs at least one parameter point")
        if self.replicates < 1:
            raise ValueError(f"replicates = {self.replicates}: must be at least 1")
        if self.chunk_runs < 1:
            raise ValueError(f"chunk_runs = {self.chunk_runs}: must be at least 1")
        check_priors(self.base, list(self.parameters))
        for name in self.keep:
            registry.outcome(name)  # a KeyError names the declared outcomes

    @property
    def kept(self) -> tuple[str, ...]:
        """The outcomes whose session values every run keeps (sim.outcomes.features)."""
        return tuple(dict.fromkeys([o.name for o in registry.outcomes(analysed=True)] + list(self.keep)))

    @property
    def points_per_chunk(self) -> int:
        return max(1, self.chunk_runs // self.replicates)

    @property
    def chunks(self) -> int:
        return -(-len(self.points) // self.points_per_chunk)

    def chunk_points(self, chunk: int) -> range:
        size = self.points_per_chunk
        return range(chunk * size, min((chunk + 1) * size, len(self.points)))

    def fingerprint(self) -> str:
        # The priors' reasons are prose: editing one changes no run.
        extra = json.dumps({"parameters": [(p.key, p.low, p.high) for p in self.parameters],
                            "replicates": self.replicates,
                            "seed": self.seed, "common_seeds": self.common_seeds,
                            "chunk_runs": self.chunk_runs, "kept": self.kept,
                            "given": None if self.given is None else repr(self.given)}).encode()
        points = hashlib.sha256(np.ascontiguousarray(self.points, dtype=np.float64).tobytes()).digest()
        return fingerprint(self.base, extra + points, entry="sim.runs.evaluation")

    def seed_of(self, point: int, replicate: int) -> np.random.SeedSequence:
        if self.common_seeds:
            return replicate_seed(self.seed, replicate)
        return np.random.SeedSequence(self.seed, spawn_key=(point, replicate))


def run_points(plan: Plan, points: range) -> dict[str, np.ndarray]:
    """The runs of these points, all in one lockstep sitting: each session feature stacked as
    (points, replicates, sessions, ...)."""
    houses = []
    for p in points:
        cfg = at_point(plan.base, list(plan.parameters), plan.points[p])
        houses += [(cfg, plan.seed_of(p, r)) for r in range(plan.replicates)]
    runs = run_houses(houses, partial(session_features, names=plan.kept), plan.given)
    shape = (len(points), plan.replicates)
    return {name: np.stack([run[name] for run in runs]).reshape(*shape, *runs[0][name].shape) for name in runs[0]}


def _chunk_path(store: Path, chunk: int) -> Path:
    return store / f"chunk_{chunk:05d}.npz"


def _read_chunk(path: Path) -> dict[str, np.ndarray] | None:
    """A chunk's arrays, or None when the file is absent or cannot be read whole: empty, truncated or
    damaged (a copy cut short, a full disk; never a killed run's, since chunks are written atomically)."""
    try:
        with np.load(path) as data:
            return {name: data[name] for name in data.files}
    except FileNotFoundError:
        return None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, pickle.UnpicklingError, AttributeError, TypeError):
        return None  # zipfile's CRC check, numpy's header, a file that is no npz at all


def _run_chunk(plan: Plan, chunk: int) -> tuple[int, dict[str, np.ndarray]]:
    return chunk, run_points(plan, plan.chunk_points(chunk))


def open_store(plan: Plan, store: Path, owner: bool = True) -> None:
    """Make `store` hold this plan: a store of another plan (config, points, code or libraries) is
    emptied, since its chunks would mix two analyses. The `owner` (the one process computing every
    chunk) also removes the temporary files of runs killed while writing; a cluster shard does not,
    since another shard may be writing one at this moment."""
    store.mkdir(parents=True, exist_ok=True)
    if owner:
        for stale in store.glob(".*.tmp"):
            stale.unlink()
    marker = store / "fingerprint"
    expected = plan.fingerprint()
    if marker.exists() and marker.read_text() == expected and (store / PLAN).exists():
        return
    old = sorted(store.glob("chunk_*.npz"))
    if old:
        log.warning("%s: %d chunks of another plan (config, points, code or libraries changed) are removed",
                    store, len(old))
    for path in old:
        path.unlink()
    with atomic_path(store / PLAN) as tmp:
        tmp.write_bytes(pickle.dumps(plan))
    with atomic_path(marker) as tmp:
        tmp.write_text(expected)


def missing_chunks(plan: Plan, store: Path, shard: int = 0, shards: int = 1) -> list[int]:
    """The chunks (of this shard: chunk % shards == shard) not done: absent from `store`, or there but
    unreadable (each named in a warning). Reads every chunk that is there."""
    todo = []
    for c in range(plan.chunks):
        if c % shards != shard:
            continue
        path = _chunk_path(store, c)
        if not path.exists():
            todo.append(c)
        elif _read_chunk(path) is None:
            log.warning("%s: cannot be read (empty, truncated or damaged); taken as not computed", path)
            todo.append(c)
    return todo


def compute(plan: Plan, store: Path, workers: int = 0, shard: int = 0, shards: int = 1,
            desc: str = "points") -> None:
    """Compute the chunks of `plan` (those of this shard: chunk % shards == shard) that `store` lacks or
    holds unreadable (replaced), each written as soon as it is done."""
    open_store(plan, store, owner=shards == 1)
    todo = missing_chunks(plan, store, shard, shards)
    workers = min(workers or available_cores(), len(todo))
    runs = sum(len(plan.chunk_points(c)) for c in todo) * plan.replicates
    with tqdm(total=runs, desc=desc, unit="run", disable=None, smoothing=0.05) as bar:
        for chunk, features in _results(plan, todo, workers):
            with atomic_path(_chunk_path(store, chunk)) as tmp, tmp.open("wb") as f:
                # numpy 2's savez has a bool keyword (allow_pickle) that mypy matches every array against;
                # naming it here would instead store an array of that name under numpy 1.26 (still supported).
                np.savez(f, **cast(dict[str, Any], features))
            bar.update(len(plan.chunk_points(chunk)) * plan.replicates)


def _results(plan: Plan, todo: list[int], workers: int) -> Iterator[tuple[int, dict[str, np.ndarray]]]:
    if workers <= 1:
        yield from (_run_chunk(plan, c) for c in todo)
        return
    with worker_pool(workers) as pool:
        futures = [pool.submit(_run_chunk, plan, c) for c in todo]
        yield from (f.result() for f in as_completed(futures))


def gather(plan: Plan, store: Path) -> Results:
    """Every chunk of the plan from `store`, in point order; an error names the chunks missing or
    unreadable."""
    read = {chunk: _read_chunk(_chunk_path(store, chunk)) for chunk in range(plan.chunks)}
    chunks = [arrays for arrays in read.values() if arrays is not None]
    if len(chunks) < plan.chunks:
        lacking = [c for c, arrays in read.items() if arrays is None]
        named = ", ".join(_chunk_path(store, c).name + ("" if _chunk_path(store, c).exists() else " (absent)")
                          for c in lacking[:5])
        raise FileNotFoundError(f"{store}: {len(lacking)} of {plan.chunks} chunks missing or unreadable (first: "
                                f"{named}); compute them before gathering (the analysis's command computes only "
                                "those, replacing an unreadable one)")
    names = PartyTable(plan.base).names
    return Results({name: np.concatenate([c[name] for c in chunks]) for name in chunks[0]}, list(names))


def evaluate(plan: Plan, store: Path, workers: int = 0, desc: str = "points") -> Results:
    """compute() then gather(): the results of every run of the plan."""
    compute(plan, store, workers, desc=desc)
    return gather(plan, store)


def load_plan(store: Path) -> Plan:
    """The plan an analysis left in `store` (for cluster jobs that compute its chunks)."""
    path = store / PLAN
    if not path.exists():
        raise FileNotFoundError(f"{path}: no plan here; run the analysis with --plan-only first")
    return pickle.loads(path.read_bytes())
