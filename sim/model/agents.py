"""The actors: Deputy (a Mesa agent) and the Executive; the parties are a table (sim.model.parties).

A deputy's state lives in the model's seat table (sim.model.seats, one row per seat) so a roll call is a few
vectorised operations; the Deputy agent reads its row through properties.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, cast

import mesa
import numpy as np

from sim.config import Config
from sim.model.parties import PartyTable
from sim.model.rollcall import ABSTAIN, NO, YES, Bill
from sim.model.seats import Seats


class House(Protocol):
    """What a deputy reads of the model it sits in (sim.model.model.MajilisModel is one)."""

    cfg: Config
    seats: Seats
    parties: PartyTable
    deputy_ids: np.ndarray


class Deputy(mesa.Agent):
    """One member of the Majilis, seated in row `seat` of the model's deputy arrays."""

    def __init__(self, model: mesa.Model, seat: int) -> None:
        super().__init__(model)
        self.seat = seat

    @property
    def house(self) -> House:
        return cast(House, self.model)

    def vote(self, bill: Bill) -> int:
        """Yes (YES), no (NO) or abstain (ABSTAIN) on `bill`, by ODD 7.5 for this one deputy. The model
        casts every deputy's vote at once (sim.model.rollcall); this is the same rule, written out.

        u = (1 - lam) * policy_weight * gain + lam * party line + (pull + fear) * stance
            + coalition weight * line of the coalition (self-nominated members) + shock
        gain = sum_d salience_d * ((status_quo_d - ideal_d)^2 - (proposal_d - ideal_d)^2)
        yes when u > abstain_band, no when u <= -abstain_band, abstain between."""
        m, s, seat = self.house, self.house.seats, self.seat
        row = s.party_of[seat]
        gain = float(np.sum(self.salience * ((bill.status_quo - self.ideal) ** 2 - (bill.proposal - self.ideal) ** 2)))
        lam = self.loyalty * m.parties.whip[row]
        u = ((1.0 - lam) * m.cfg.behavior.policy_weight * gain + lam * bill.lines[row]
             + (s.pull[seat] + self.fear) * bill.stance
             + m.cfg.coalition.weight * s.in_coalition[seat] * bill.coalition_line + bill.shocks[seat])
        band = m.cfg.behavior.abstain_band
        return YES if u > band else NO if u <= -band else ABSTAIN

    @property
    def party(self) -> str | None:
        """Party name, or None for a self-nominated (independent) deputy."""
        code = self.house.seats.party_of[self.seat]
        return None if code == self.house.parties.independent else self.house.parties.names[code]

    @property
    def seat_kind(self) -> str:
        return "district" if self.house.seats.district[self.seat] else "list"

    @property
    def ideal(self) -> np.ndarray:
        """Ideal point over (russia, energy, agriculture), each in [-1, 1]."""
        return self.house.seats.ideal[self.seat]

    @property
    def salience(self) -> np.ndarray:
        return self.house.seats.salience[self.seat]

    @property
    def loyalty(self) -> float:
        return float(self.house.seats.loyalty[self.seat])

    @property
    def fear(self) -> float:
        """Registration fear in [0, 1]: of the party losing registration, or of losing the mandate."""
        return float(self.house.seats.fear[self.seat])

    @property
    def defections(self) -> int:
        """Votes against the party line over its time in the seat (completed sessions, the warm-up's
        included: the record its party judges it by)."""
        return int(self.house.seats.defections[self.seat])

    @property
    def seated(self) -> bool:
        return bool(self.house.seats.seated[self.seat]) and self.house.deputy_ids[self.seat] == self.unique_id


@dataclass
class Executive:
    """The President and Government: their ideal point, their share of the agenda and their sanctions."""

    ideal: np.ndarray
    agenda_share: float
    accept_loss: float
    sanction_rate: float
    threat_decay: float
