"""The actors: Deputy (a Mesa agent) and the Executive; the parties are a table (sim.model.parties).

A deputy's state lives in the model's seat table (sim.model.seats, one row per seat) so a roll call is a few
vectorised operations; the Deputy agent reads its row through properties.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.model.rollcall import ABSTAIN, NO, YES, Bill

if TYPE_CHECKING:
    from sim.model.model import MajilisModel


class Deputy(mesa.Agent):
    """One member of the Majilis, seated in row `seat` of the model's deputy arrays."""

    def __init__(self, model: MajilisModel, seat: int) -> None:
        super().__init__(model)
        self.seat = seat

    def vote(self, bill: Bill) -> int:
        """Yes (YES), no (NO) or abstain (ABSTAIN) on `bill`, by ODD 7.5 for this one deputy. The model
        casts every deputy's vote at once (sim.model.rollcall); this is the same rule, written out.

        u = (1 - lam) * policy_weight * gain + lam * party line + (pull + fear) * stance
            + coalition weight * line of the coalition (self-nominated members) + shock
        gain = sum_d salience_d * ((status_quo_d - ideal_d)^2 - (proposal_d - ideal_d)^2)
        yes when u > abstain_band, no when u <= -abstain_band, abstain between."""
        m, s, seat = self.model, self.model.seats, self.seat
        row = s.party_of[seat]
        gain = float(np.sum(self.salience * ((bill.status_quo - self.ideal) ** 2 - (bill.proposal - self.ideal) ** 2)))
        lam = self.loyalty * m.parties.whip[row]
        u = ((1.0 - lam) * m.behavior.policy_weight * gain + lam * bill.lines[row]
             + (s.pull[seat] + self.fear) * bill.stance
             + m.cfg.coalition.weight * s.in_coalition[seat] * bill.coalition_line + bill.shocks[seat])
        band = m.behavior.abstain_band
        return YES if u > band else NO if u <= -band else ABSTAIN

    @property
    def party(self) -> str | None:
        """Party name, or None for a self-nominated (independent) deputy."""
        code = self.model.seats.party_of[self.seat]
        return None if code == self.model.parties.independent else self.model.parties.names[code]

    @property
    def seat_kind(self) -> str:
        return "district" if self.model.seats.district[self.seat] else "list"

    @property
    def ideal(self) -> np.ndarray:
        """Ideal point over (russia, energy, agriculture), each in [-1, 1]."""
        return self.model.seats.ideal[self.seat]

    @property
    def salience(self) -> np.ndarray:
        return self.model.seats.salience[self.seat]

    @property
    def loyalty(self) -> float:
        return float(self.model.seats.loyalty[self.seat])

    @property
    def fear(self) -> float:
        """Registration fear in [0, 1]: of the party losing registration, or of losing the mandate."""
        return float(self.model.seats.fear[self.seat])

    @property
    def defections(self) -> int:
        """Votes against the party line over its time in the seat (completed sessions)."""
        return int(self.model.seats.defections[self.seat])

    @property
    def seated(self) -> bool:
        return bool(self.model.seats.seated[self.seat]) and self.model.occupant[self.seat] is self


@dataclass
class Executive:
    """The President and Government: their ideal point, their share of the agenda and their sanctions."""

    ideal: np.ndarray
    agenda_share: float
    accept_loss: float
    sanction_rate: float
    threat_decay: float
