"""Majority rules of the Majilis: thresholds are shares of the total membership, not of those present."""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

import numpy as np

from sim.config import BillKind, RulesConfig


def more_than(share: Fraction, members: int) -> int:
    """Smallest vote count strictly above share * members (an absolute majority for share 1/2)."""
    return math.floor(share * members) + 1


def at_least(share: Fraction, members: int) -> int:
    """Smallest vote count not below share * members (2/3 and 3/4 qualified majorities)."""
    return math.ceil(share * members)


def threshold(kind: BillKind, members: int) -> int:
    """Yes votes a bill of this kind needs (Constitution art. 61-62 for the Majilis: ordinary laws more
    than half of all deputies, constitutional laws at least two thirds, amendments at least three fourths)."""
    return _needed(kind.share, kind.strict, members)


@lru_cache(maxsize=256)
def _needed(share: str, strict: bool, members: int) -> int:
    # Cached: every house of a batch asks, and an exact Fraction costs tens of microseconds.
    return (more_than if strict else at_least)(Fraction(share), members)


def thresholds(rules: RulesConfig, members: int) -> dict[str, int]:
    """Yes votes needed for each bill kind, in the rules' order (a bill's kind code indexes it)."""
    return {kind.kind: threshold(kind, members) for kind in rules.kinds}


def blocking_minority(rules: RulesConfig, members: int) -> int:
    """Fewest deputies who, voting no or abstaining, stop a qualified law (the lowest qualified majority:
    the constitutional law's in the Majilis; the ordinary law's where there is no other kind)."""
    needed = list(thresholds(rules, members).values())
    return members - min(needed[1:] or needed) + 1


def passes(yes: int | np.ndarray, threshold: int | np.ndarray) -> bool | np.ndarray:
    """A bill passes when its yes votes reach the threshold; abstentions and absences count as not yes.
    Elementwise on arrays (one bill per house in a Sitting)."""
    return yes >= threshold
