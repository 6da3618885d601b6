"""Mesa's DataCollector for the model, at session granularity: `CollectingMajilisModel(cfg)`.

The reporters are declared here, once. The model collects the house as constructed (so a series has
its starting point before the first session closes) and then at the end of every session; row k of
`model.datacollector.get_model_vars_dataframe()` is the house after session k. With it,
`mesa.batch_run` works on the model under Mesa 3.5 and later (docs/DEVELOPING.md: Mesa and Python notes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import mesa

from sim.model.model import MajilisModel
from sim.outcomes import registry
from sim.outcomes.sessions import sessions_of

if TYPE_CHECKING:
    from sim.model.agents import Deputy


def in_closed_session(outcome: registry.Outcome) -> Callable[[MajilisModel], float]:
    """A model reporter: the outcome's value in the session just closed (NaN before the first), read
    from the model's `closed_sessions` (CollectingMajilisModel keeps them)."""
    def report(model: MajilisModel) -> float:
        s = getattr(model, "closed_sessions", None)
        if s is None or s.count == 0:
            return float("nan")
        last = slice(s.count - 1, s.count)
        return float(outcome.reduce(outcome.per_session(s)[last], outcome.base(s)[last] if outcome.base else None))
    return report


def party_name(deputy: Deputy) -> str:
    """The deputy's party, or "self_nominated" (as in the outcome tables) rather than None, which a
    data frame would turn into NaN."""
    return deputy.party or "self_nominated"


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
    model_reporters = {o.name: in_closed_session(o) for o in registry.outcomes()}
    collector = mesa.DataCollector(model_reporters=model_reporters, agent_reporters=dict(AGENT_REPORTERS))
    collector.collect(model)
    return collector


class CollectingMajilisModel(MajilisModel):
    """The Majilis with Mesa's DataCollector: `model.datacollector` holds the house as constructed and
    after every session. The plain model has no collector and pays nothing for one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.datacollector = session_collector(self)

    def session_closed(self) -> None:
        # Cut into sessions once for all the reporters of this collection.
        self.closed_sessions = sessions_of(self)
        self.datacollector.collect(self)
