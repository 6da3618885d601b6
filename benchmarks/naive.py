"""The plain-Mesa reference for the benchmark: the same model and roll calls, but every deputy votes
through its own `vote()` method called by `agents.do`, on its own Python attributes, and a
DataCollector records every step. It exists to measure what the vectorised roll call saves."""

from __future__ import annotations

from dataclasses import fields

import mesa
import numpy as np
from mesa.agent import AgentSet

from sim.model import MajilisModel
from sim.rollcall import ABSTAIN, CLINE, LINES, NO, STANCE, VACANT, YES, Sitting


class NaiveVoter(mesa.Agent):
    """One seat's deputy with its traits copied into plain Python numbers."""

    def __init__(self, model: NaiveMajilisModel, seat: int) -> None:
        super().__init__(model)
        self.seat = seat
        self.cast = ABSTAIN

    def refresh(self) -> None:
        m, seat = self.model, self.seat
        self.ideal = m.ideal[seat].tolist()
        self.salience = m.salience[seat].tolist()
        self.party = int(m.party_of[seat])
        self.lam = float(m.loyalty[seat] * m.whip[self.party])
        self.stance_coef = float(m.deputy_matrix[seat, STANCE])
        self.cline_coef = float(m.deputy_matrix[seat, CLINE])

    def vote(self, x: list[float], noise: float) -> None:
        m = self.model
        gain = sum(s * ((q - y) ** 2 - (p - y) ** 2)
                   for s, y, q, p in zip(self.salience, self.ideal, m.sq_before, m.proposal, strict=True))
        u = ((1.0 - self.lam) * m.behavior.policy_weight * gain + self.lam * x[LINES + self.party]
             + self.stance_coef * x[STANCE] + self.cline_coef * x[CLINE] + noise[self.seat])
        band = m.behavior.abstain_band
        self.cast = YES if u > band else NO if u <= -band else ABSTAIN


class NaiveSitting(Sitting):
    """A sitting of one house whose votes are cast agent by agent, with a DataCollector every roll call."""

    model: NaiveMajilisModel

    def cast_votes(self, i: int) -> np.ndarray:
        m = self.model
        x = self.x[0].tolist()
        m.sq_before = (self.status_quo_terms[0, 3:] / -2.0).tolist()
        m.proposal = ((self.status_quo_terms[0] - self.x[0, :STANCE])[3:] / -2.0).tolist()
        m.voters.do("vote", x, self.noise[0, i].tolist())
        votes = np.fromiter((v.cast for v in m.voters), dtype=np.int8, count=m.members)
        if self.any_vacant:
            votes[self.vacant[0]] = VACANT
        m.datacollector.collect(m)
        return votes[None]


SITTING_FIELDS = [f.name for f in fields(Sitting) if f.init]


class NaiveMajilisModel(MajilisModel):
    """MajilisModel whose votes are cast agent by agent, with a DataCollector at every step."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.voters = AgentSet([NaiveVoter(self, seat) for seat in range(self.members)], random=self.random)
        self.datacollector = mesa.DataCollector(
            model_reporters={"status_quo": lambda m: m.status_quo.tolist()},
            agenttype_reporters={NaiveVoter: {"cast": "cast"}},
        )

    def open_session(self) -> Sitting:
        sitting = super().open_session()
        self.voters.do("refresh")
        naive = NaiveSitting(**{f: getattr(sitting, f) for f in SITTING_FIELDS})
        naive.model = self
        return naive
