"""The plain-Mesa reference for the benchmark: the same model and roll calls, but every deputy votes
through its own `vote()` method called by `agents.do`, on its own Python attributes, and a
DataCollector records every step. It exists to measure what the vectorised roll call saves."""

from __future__ import annotations

import mesa
import numpy as np

from mesa.agent import AgentSet

from sim.model import ABSTAIN, CLINE, LINES, NO, STANCE, VACANT, YES, MajilisModel


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

    def vote(self) -> None:
        m = self.model
        gain = sum(s * ((q - x) ** 2 - (p - x) ** 2)
                   for s, x, q, p in zip(self.salience, self.ideal, m.sq_before, m.proposal))
        u = ((1.0 - self.lam) * m.behavior.policy_weight * gain + self.lam * m.x[LINES + self.party]
             + self.stance_coef * m.x[STANCE] + self.cline_coef * m.x[CLINE] + m.noise[m.bill][self.seat])
        band = m.behavior.abstain_band
        self.cast = YES if u > band else NO if u <= -band else ABSTAIN


class NaiveMajilisModel(MajilisModel):
    """MajilisModel whose votes are cast agent by agent, with a DataCollector at every step."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.voters = AgentSet([NaiveVoter(self, seat) for seat in range(self.members)], random=self.random)
        self.datacollector = mesa.DataCollector(
            model_reporters={"status_quo": lambda m: m.status_quo.tolist()},
            agenttype_reporters={NaiveVoter: {"cast": "cast"}},
        )

    def _open_session(self) -> None:
        super()._open_session()
        self.voters.do("refresh")

    def _cast_votes(self, i: int) -> np.ndarray:
        self.bill = i
        self.sq_before = self.status_quo.tolist()
        self.proposal = (self.proposal_terms[3:] / -2.0).tolist()
        self.voters.do("vote")
        votes = np.fromiter((v.cast for v in self.voters), dtype=np.int64, count=self.members)
        if self.vacancies:
            votes[~self.seated] = VACANT
        self.datacollector.collect(self)
        return votes
