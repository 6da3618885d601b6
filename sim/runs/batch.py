"""One batch engine for every many-run job: houses (a configuration and a seed each) built, run in
lockstep to the end and read, and the seeds of their replicates."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np

from sim.config import Config, validate
from sim.model.given import GivenExpulsions
from sim.model.model import MajilisModel, run_lockstep

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


def replicate_seed(root: int, replicate: int) -> np.random.SeedSequence:
    """Child `replicate` of the root SeedSequence (what `SeedSequence(root).spawn(n)[replicate]` gives,
    made alone so that memory does not grow with the replicate count). Replicate r draws the same
    shocks whatever else the job holds, so every sweep point sees them (common random numbers)."""
    return np.random.SeedSequence(root, spawn_key=(replicate,))
