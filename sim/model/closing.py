"""The arithmetic of a session's close, over arrays of every house of a batch stacked on the first axis
(H houses, n seats, P party rows): sanctions of what was voted and said, expulsion hazards, fear (ODD
7.7, 7.9, 7.9a). `sim.model.model.close_sessions` feeds it and keeps what is random per house; every
operation acts row by row, so that a house gets what it would alone."""

from __future__ import annotations

import numpy as np

from sim.model.rollcall import NO, VACANT, YES, Sitting


def vote_sanction(sitting: Sitting, rate: np.ndarray) -> np.ndarray:
    """(H, P): each party's registration threat gained over the session, `rate` (H, 1) times the share of
    its seated deputies who voted against the executive's stance, summed over the roll calls."""
    counts, stance = sitting.counts, sitting.stance
    against = counts[..., NO] * (stance > 0)[..., None] + counts[..., YES] * (stance < 0)[..., None]
    return rate * (against / np.maximum(counts[..., :VACANT].sum(axis=-1), 1)).sum(axis=1)


def speech_sanction(speech: np.ndarray, party_of: np.ndarray, seated: np.ndarray, rows: int,
                    rate: np.ndarray) -> np.ndarray:
    """(H, P): each party's registration threat gained for its deputies' acts of public dissent (`speech`,
    by seat): `rate` (H, 1) per act over its seated deputies, as a vote against the executive's stance by
    one of them on one roll call would be (ODD 7.9a)."""
    shape = (len(speech), rows)
    bins = (np.arange(len(speech))[:, None] * rows + party_of)[seated]
    spoken = np.bincount(bins, weights=speech[seated], minlength=shape[0] * rows).reshape(shape)
    return rate * spoken / np.maximum(np.bincount(bins, minlength=shape[0] * rows).reshape(shape), 1)


def unregistered(threat: np.ndarray, ruling: list[int], independent: int) -> np.ndarray:
    """`threat` with the ruling party's at 0 (its registration is never in question) and the
    self-nominated deputies' row at 0 (they have none)."""
    threat[np.arange(len(threat)), ruling] = 0.0
    threat[:, independent] = 0.0
    return threat


def speech_means(per_year: np.ndarray, silence: np.ndarray, salience: np.ndarray, ideal: np.ndarray,
                 executive: np.ndarray, fear: np.ndarray, seated: np.ndarray) -> np.ndarray:
    """(H, n): each seat's expected acts of public dissent over a session (ODD 7.9a): `per_year` (H, 1;
    speech_rate times the session's roll calls over 100, about a year, so that the length of a session
    does not matter) times its salience-weighted distance from the executive's point (H, d) on either
    side of it, times (1 - silence x fear)."""
    distance = (salience * np.abs(ideal - executive[:, None, :])).sum(axis=2)
    return np.maximum(per_year * distance * (1.0 - silence * fear) * seated, 0.0)


def hazards(tolerance: np.ndarray, weight: np.ndarray, expel_rate: np.ndarray, exposed: np.ndarray,
            danger: np.ndarray, session_sat: np.ndarray, speech: np.ndarray, sat: np.ndarray,
            defections: np.ndarray, against: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(H, n) each seat's expulsion hazard this session (ODD 7.9), and the share of it its votes carry
    (the rest its acts of public dissent, 7.9a). Over the `session_sat` roll calls a deputy sat, the
    hazard is `expel_rate` times its party's `danger` (the whip strength times the registration threat
    capped at 1: how endangered the party is) times how far its net rate of votes against the line and
    the executive (since it took its seat: `sat`, `defections`, `against`) exceeds `tolerance`, plus
    `weight` per act; 0 unless `exposed` (seated, in a party under the mandate). Net: votes against the
    line with the executive count against those against both, so that a deputy who sides with the
    Government as often as against it is no danger to its party's registration. Parameters are (H, 1)."""
    net = (2 * against - defections) / np.maximum(sat, 1)
    votes = np.maximum(net - tolerance, 0.0) * session_sat
    dissent = votes + weight * speech
    hazard = expel_rate * danger * dissent * exposed
    with np.errstate(invalid="ignore", divide="ignore"):
        return hazard, np.where(dissent > 0, votes / np.where(dissent > 0, dissent, 1.0), 0.0)


def fear_of(scale: np.ndarray | float, base: np.ndarray, mandate: np.ndarray, threat: np.ndarray,
            party_of: np.ndarray, independent: int) -> np.ndarray:
    """Fear is the base fear plus the threat hanging over the deputy (its party's registration threat, or
    a self-nominated deputy's own mandate threat), scaled, in [0, 1] (ODD 7.7). One house, or a batch
    on the first axis."""
    own = np.where(party_of == independent, mandate, np.take_along_axis(threat, party_of, axis=-1))
    return np.clip(scale * (base + own), 0.0, 1.0)
