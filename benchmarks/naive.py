"""The plain-Mesa reference for the benchmark: the same model and roll calls, but every deputy votes
through its own `Deputy.vote(bill)` (ODD 7.5 written for one deputy) called agent by agent, and a
DataCollector records every step. It exists to measure what the vectorised roll call saves."""

from __future__ import annotations

from dataclasses import fields

import mesa
import numpy as np

from sim.model.agents import Deputy
from sim.model.model import MajilisModel, warm_up
from sim.model.rollcall import VACANT, Sitting


class NaiveSitting(Sitting):
    """A sitting of one house whose votes are cast agent by agent, with a DataCollector every roll call."""

    model: NaiveMajilisModel

    def cast_votes(self, i: int) -> np.ndarray:
        m = self.model
        bill = self.bill(0, i, self.status_quo_terms[0])
        votes = np.full(m.members, VACANT, dtype=np.int8)
        for deputy, vote in zip(m.agents, m.agents.map("vote", bill), strict=True):
            votes[deputy.seat] = vote
        m.last_votes = votes
        m.datacollector.collect(m)
        return votes[None]


SITTING_FIELDS = [f.name for f in fields(Sitting) if f.init]


class NaiveMajilisModel(MajilisModel):
    """MajilisModel whose votes are cast agent by agent, with a DataCollector at every step."""

    def __init__(self, *args, warm: bool = True, **kwargs) -> None:
        super().__init__(*args, warm=False, **kwargs)  # its warm-up votes the naive way too, below
        self.last_votes = np.zeros(self.members, dtype=np.int8)
        self.datacollector = mesa.DataCollector(
            model_reporters={"status_quo": lambda m: m.status_quo.tolist()},
            agenttype_reporters={Deputy: {"cast": lambda d: int(d.model.last_votes[d.seat])}},
        )
        if warm:
            warm_up([self])

    def open_session(self, keep: bool = True) -> Sitting:
        sitting = super().open_session(keep)
        naive = NaiveSitting(**{f: getattr(sitting, f) for f in SITTING_FIELDS})
        naive.model = self
        return naive
