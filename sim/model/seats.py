"""The house seat by seat: who sits where, their traits, their record, and the rows of the vote rule
derived from them (ODD 7.5). One row per seat; the Deputy agents read their row."""

from __future__ import annotations

import numpy as np

from sim.config import Config
from sim.model.closing import fear_of
from sim.model.composition import Composition
from sim.model.parties import PartyTable, equal_salience, gain_rows


class Seats:
    """Per-seat state. Traits are drawn when a deputy takes a seat; its record (roll calls sat, votes
    against the party line, and those of them also against the executive's stance) runs while it sits;
    a self-nominated deputy's mandate threat is its own (a party deputy shares its party's)."""

    def __init__(self, comp: Composition, parties: PartyTable, cfg: Config) -> None:
        self.parties, self.cfg, self.behavior = parties, cfg, cfg.behavior
        n, n_dim = comp.size, len(cfg.dimensions)
        self.layout = parties.layout
        self.party_of = comp.party.copy()
        self.district = comp.district.copy()
        self.ideal = np.zeros((n, n_dim))
        self.salience = np.zeros((n, n_dim))
        self.loyalty = np.zeros(n)
        self.fear_base = np.zeros(n)
        self.fear = np.zeros(n)
        self.sat = np.zeros(n, dtype=np.int64)
        self.defections = np.zeros(n, dtype=np.int64)
        self.defections_against = np.zeros(n, dtype=np.int64)
        self.mandate_threat = np.zeros(n)
        # Acts of public dissent (ODD 7.9a): in the session just closed, and since the deputy took its seat.
        self.speech = np.zeros(n, dtype=np.int64)
        self.speech_acts = np.zeros(n, dtype=np.int64)
        self.seated = np.ones(n, dtype=bool)
        self.in_coalition = np.zeros(n, dtype=bool)  # self-nominated members of the coalition
        # A seat's vote is sign-band of rule @ x plus noise (ODD 7.5); pull is a self-nominated
        # deputy's own lean towards the executive.
        self.rule = np.zeros((n, self.layout.lines + len(parties.names)))
        self.pull = np.zeros(n)
        # Counts every change of the coalition game's players (who sits for which party, where each
        # self-nominated deputy stands), so that the game keeps them while they stand (coalition.Kept).
        # A deputy replaced by another of its party (a vetting, a list's next candidate) changes none.
        self.changes = 0

    @property
    def independent(self) -> np.ndarray:
        return self.party_of == self.parties.independent

    def draw(self, seats: np.ndarray, rng: np.random.Generator) -> None:
        """New deputies in `seats`: traits around their party's platform (or the centre, self-nominated),
        a blank record, seated."""
        b, p, k = self.behavior, self.parties, len(seats)
        code = self.party_of[seats]
        independent = code == p.independent
        if independent.any() or not self.seated[seats].all():
            self.changes += 1
        centre = np.where(independent[:, None], 0.0, p.platform[code])
        spread = np.where(independent, self.cfg.independents.position_sd, b.position_sd)[:, None]
        self.ideal[seats] = np.clip(centre + spread * rng.standard_normal((k, self.ideal.shape[1])), -1, 1)
        emphasis = np.where(independent[:, None], equal_salience(self.ideal.shape[1]), p.salience[code])
        draws = rng.standard_gamma(b.salience_concentration * emphasis + 1e-9)
        self.salience[seats] = draws / np.maximum(draws.sum(axis=1, keepdims=True), 1e-12)
        self.loyalty[seats] = _beta(rng, b.loyalty_mean, b.loyalty_concentration, k)
        base = np.where(independent, self.cfg.independents.fear_base, 1.0 - p.security[code])
        self.fear_base[seats] = np.clip(base + b.fear_sd * rng.standard_normal(k), 0.0, 1.0)
        self.clear_record(seats)
        self.mandate_threat[seats] = 0.0
        self.seated[seats] = True

    def clear_record(self, seats: np.ndarray | int) -> None:
        self.sat[seats] = self.defections[seats] = self.defections_against[seats] = 0
        self.speech[seats] = self.speech_acts[seats] = 0

    def expel(self, seat: int) -> bool:
        """The deputy in `seat` loses its party and its record. A district deputy keeps the seat, without
        a party, under its own mandate threat and with its own base fear (returns True); a list seat is
        the party's to refill or vacate (returns False)."""
        self.clear_record(seat)
        if not self.district[seat]:
            return False
        self.changes += 1
        self.party_of[seat] = self.parties.independent
        self.mandate_threat[seat] = 0.0
        return True

    def vacate(self, seat: int) -> None:
        self.seated[seat] = False
        self.changes += 1

    def set_coalition(self, deputies: np.ndarray | None) -> None:
        """The self-nominated deputies who follow the coalition's line this session (None: no coalition)."""
        self.in_coalition = deputies if deputies is not None else np.zeros(len(self.party_of), dtype=bool)
        self.rule[:, self.layout.cline] = self.cfg.coalition.weight * self.in_coalition

    def new_term(self, comp: Composition) -> None:
        """A newly elected house: who sits where; traits are drawn as the deputies take their seats."""
        self.party_of, self.district = comp.party.copy(), comp.district.copy()
        self.changes += 1

    def refresh(self) -> None:
        """Recompute the vote rule's rows from traits, party membership and coalition membership."""
        b, p = self.behavior, self.parties
        lam = self.loyalty * p.whip[self.party_of]
        policy = ((1.0 - lam) * b.policy_weight)[:, None]
        layout = self.layout
        self.rule[:, :layout.stance] = policy * gain_rows(self.salience, self.ideal)
        self.rule[:, layout.cline] = self.cfg.coalition.weight * self.in_coalition
        self.rule[:, layout.lines:] = 0.0
        self.rule[np.arange(len(self.party_of)), layout.lines + self.party_of] = lam
        self.pull = np.where(self.independent, 2 * p.alignment[p.independent] - 1, 0.0)
        self.update_fear()

    def update_fear(self) -> None:
        """Fear from the threats as they stand (closing.fear_of)."""
        p = self.parties
        self.set_fear(fear_of(self.behavior.fear_scale, self.fear_base, self.mandate_threat, p.threat, self.party_of,
                              p.independent))

    def set_fear(self, fear: np.ndarray) -> None:
        """Each seat's fear, and the vote rule's column of it (with a self-nominated deputy's own pull)."""
        self.fear = fear
        self.rule[:, self.layout.stance] = self.pull + fear


def _beta(rng: np.random.Generator, mean: float, concentration: float, size: int) -> np.ndarray:
    """Beta draws with the given mean and concentration (a + b); degenerate at mean 0 or 1."""
    if mean <= 0.0 or mean >= 1.0:
        return np.full(size, float(mean))
    return rng.beta(mean * concentration, (1.0 - mean) * concentration, size=size)
