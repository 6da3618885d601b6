"""Mesa's DataCollector for the model, at session granularity: `CollectingMajilisModel(cfg)`.

The reporters are declared here, once. The model collects the house as constructed (so a series has
its starting point before the first session closes) and then at the end of every session; row k of
`model.datacollector.get_model_vars_dataframe()` is the house after session k. With it,
`mesa.batch_run` works on the model under Mesa 3.5 and later (README: For Mesa users).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from sim.model.agenda import GOVERNMENT
from sim.model.model import MajilisModel
from sim.model.rollcall import Sitting

if TYPE_CHECKING:
    from sim.model.agents import Deputy


def _closed_session(model: MajilisModel) -> tuple[np.ndarray, np.ndarray]:
    """Whether each roll call of the session just closed was a Government bill, and whether it
    passed; empty before the first session has closed."""
    if model.session == 0:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    r = model.record
    return r.proposer[r.span] == GOVERNMENT, r.passed[r.span]


def gov_pass_rate(model: MajilisModel) -> float:
    """Share of the Government's bills passed in the session just closed (NaN if it moved none)."""
    government, passed = _closed_session(model)
    return float(passed[government].mean()) if government.any() else float("nan")


def gov_defeats(model: MajilisModel) -> int:
    """Government bills defeated in the session just closed."""
    government, passed = _closed_session(model)
    return int((government & ~passed).sum())


def mean_fear(model: MajilisModel) -> float:
    """Mean registration fear of the seated deputies."""
    seated = model.seats.seated
    return float(model.seats.fear[seated].mean()) if seated.any() else float("nan")


def party_name(deputy: Deputy) -> str:
    """The deputy's party, or "self_nominated" (as in the outcome tables) rather than None, which a
    data frame would turn into NaN."""
    return deputy.party or "self_nominated"


# Model reporters: the coalition as formed at the session's start, the session's Government bills,
# expulsions over the whole run so far, and fear after the session's sanctions.
MODEL_REPORTERS = {
    "coalition_seats": "coalition_seats",
    "gov_pass_rate": gov_pass_rate,
    "gov_defeats": gov_defeats,
    "expulsions": "expulsions",
    "mean_fear": mean_fear,
}
# Agent reporters: Deputy properties (sim.model.agents); `defections` counts the deputy's time in its seat.
AGENT_REPORTERS = {
    "party": party_name,
    "loyalty": "loyalty",
    "fear": "fear",
    "defections": "defections",
}


def session_collector(model: MajilisModel) -> mesa.DataCollector:
    """A DataCollector with the reporters above that has already collected the house as constructed;
    the model collects again at the end of each session."""
    collector = mesa.DataCollector(model_reporters=dict(MODEL_REPORTERS), agent_reporters=dict(AGENT_REPORTERS))
    collector.collect(model)
    return collector


class CollectingMajilisModel(MajilisModel):
    """The Majilis with Mesa's DataCollector: `model.datacollector` holds the house as constructed and
    after every session. The plain model has no collector and pays nothing for one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.datacollector = session_collector(self)

    def close_session(self, sitting: Sitting, house: int) -> None:
        super().close_session(sitting, house)
        self.datacollector.collect(self)
