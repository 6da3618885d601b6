"""Expulsions given rather than drawn: a run conditioned on an observed record of them.

An observed record can state every expulsion of a house's first sessions (when, from which party, for
what). Matching such a record by chance is rare (most runs expel nobody, or someone else, or at another
time), so rejection ABC would discard almost every run for it. Since the expulsions are discrete draws
with known probabilities, a run can instead be made to expel exactly what the record says, each given
expulsion falling on a deputy in proportion to its chance of being the one, and carry the probability
that its own draws would have done so. That probability is the likelihood of the record's expulsions
along the run's path; weighting runs by it gives the same posterior as accepting only the runs whose
draws matched, with less variance (Rao-Blackwell), and the run's later sessions follow the record's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TRIGGERS = ("vote", "speech")


@dataclass(frozen=True)
class GivenExpulsion:
    session: int  # from 0, among the run's kept sessions
    party: str
    trigger: str  # "vote" or "speech" (ODD 7.9)


@dataclass(frozen=True)
class GivenExpulsions:
    """Every expulsion of a run's first `sessions` kept sessions: no other expulsion happens there."""

    sessions: int
    events: tuple[GivenExpulsion, ...] = ()

    def __post_init__(self) -> None:
        seen = set()
        for e in self.events:
            if not 0 <= e.session < self.sessions:
                raise ValueError(f"given expulsion in session {e.session + 1}: outside the record's "
                                 f"{self.sessions} sessions")
            if e.trigger not in TRIGGERS:
                raise ValueError(f"given expulsion trigger {e.trigger!r}: must be one of {TRIGGERS}")
            if (e.session, e.party) in seen:
                # Two from one party in one session would need a sum over every pair of its deputies.
                raise ValueError(f"two given expulsions from {e.party} in session {e.session + 1}: at most one "
                                 "a party and session is supported")
            seen.add((e.session, e.party))

    def covers(self, session: int) -> bool:
        return session < self.sessions

    def of_session(self, session: int) -> list[GivenExpulsion]:
        return [e for e in self.events if e.session == session]


def expel_given(hazard: np.ndarray, vote_share: np.ndarray, candidates: list[tuple[np.ndarray, str]],
                rng: np.random.Generator) -> tuple[list[int], float]:
    """One session's given expulsions. Seat i would be expelled with probability p_i = 1 - exp(-h_i)
    (`hazard` h), for its votes with probability `vote_share`_i of that and for speech otherwise;
    `candidates` are, for each given expulsion, the mask of the seats it may fall on (its party's) and
    its trigger, the masks disjoint. Returns the seats expelled (each drawn in proportion to its
    probability of being the given one) and the log-probability that the session's draws expel exactly
    one deputy of each mask, for its trigger, and nobody else:

        log P = -sum_j h_j + sum_events log sum_{i in mask} q_i,    q_i = share_i p_i / (1 - p_i).
    """
    log_p = -float(hazard.sum())  # nobody is expelled: prod_j exp(-h_j)
    chosen: list[int] = []
    for mask, trigger in candidates:
        share = vote_share if trigger == "vote" else 1.0 - vote_share
        with np.errstate(divide="ignore"):
            # log(p / (1 - p)) = log(e^h - 1); for large h that is h, where expm1 would overflow.
            log_odds = np.where(hazard > 30.0, hazard, np.log(np.expm1(np.minimum(hazard, 30.0))))
            log_q = np.where(mask & (share > 0), log_odds + np.log(np.where(share > 0, share, 1.0)), -np.inf)
        top = log_q.max(initial=-np.inf)
        if not np.isfinite(top):  # nobody there could have been expelled so
            return chosen, -np.inf
        weights = np.exp(log_q - top)
        total = weights.sum()
        log_p += top + float(np.log(total))
        chosen.append(int(rng.choice(len(hazard), p=weights / total)))
    return chosen, log_p
