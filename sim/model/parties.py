"""The parties as a table: one row per configured party, and a last row for self-nominated deputies
(no platform, no whip, no line, no registration)."""

from __future__ import annotations

import numpy as np

from sim.config import Config
from sim.model.rollcall import Layout


def equal_salience(dimensions: int) -> np.ndarray:
    """The salience of an actor that weighs every issue alike (the executive, the coalition's centre,
    a self-nominated deputy's emphasis)."""
    return np.full(dimensions, 1 / dimensions)


def gain_rows(salience: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Rows [s, s*x] so that rows @ x[:6] is each actor's quadratic policy gain (ODD 7.3)."""
    return np.hstack([salience, salience * position])


class PartyTable:
    """Each party's traits (config `parties`), the candidates left on its list, and its registration
    threat, the one piece of party state that changes during a run (ODD 7.7)."""

    def __init__(self, cfg: Config) -> None:
        configured = cfg.parties
        self.names = [*configured, "self_nominated"]
        self.independent = len(configured)
        self.ruling = next(i for i, p in enumerate(configured.values()) if p.ruling)
        rows, n_dim = self.independent + 1, len(cfg.dimensions)
        self.layout = layout = Layout(n_dim)
        self.platform = np.zeros((rows, n_dim))
        self.salience = np.zeros((rows, n_dim))
        self.whip = np.zeros(rows)
        self.imperative = np.zeros(rows, dtype=bool)
        self.security = np.zeros(rows)
        self.alignment = np.full(rows, cfg.independents.regime_alignment)
        self.intent = np.full(rows, cfg.independents.opposition_intent)
        self.rivals = np.zeros((rows, rows), dtype=bool)
        for i, p in enumerate(configured.values()):
            self.platform[i], self.salience[i] = p.platform, np.array(p.salience) / sum(p.salience)
            self.whip[i], self.imperative[i] = p.whip_strength, p.imperative_mandate
            self.security[i], self.alignment[i] = p.registration_security, p.regime_alignment
            self.intent[i] = p.opposition_intent
            for rival in p.rivals:
                j = self.names.index(rival)
                self.rivals[i, j] = self.rivals[j, i] = True
        self.configured_reserve = np.array([p.reserve for p in configured.values()] + [0])
        self.reserve = self.configured_reserve.copy()
        self.threat = np.zeros(rows)
        self.coalition_weight = cfg.coalition.weight
        # A party's line is sign-band of line_matrix @ x[:LINES] (ODD 7.4); self-nominated deputies have none.
        self.line_matrix = np.zeros((rows, layout.lines))
        self.line_matrix[:, :layout.stance] = cfg.behavior.policy_weight * gain_rows(self.salience, self.platform)
        self.line_matrix[:, layout.stance] = 2 * self.alignment - 1
        self.line_matrix[self.independent] = 0.0

    def set_coalition(self, members: np.ndarray | None) -> None:
        """The parties that follow the coalition's line this session (None: no coalition)."""
        self.line_matrix[:, self.layout.cline] = self.coalition_weight * (members if members is not None else 0.0)

    def take_from_list(self, party: int) -> bool:
        """Whether the party has a candidate left on its list to take a vacated seat (and uses one)."""
        if self.reserve[party] <= 0:
            return False
        self.reserve[party] -= 1
        return True

    def new_term(self) -> None:
        """A new convocation: every party's list is full again."""
        self.reserve = self.configured_reserve.copy()

    def threat_by_name(self) -> dict[str, float]:
        return {name: float(t) for name, t in zip(self.names[:-1], self.threat, strict=False)}
