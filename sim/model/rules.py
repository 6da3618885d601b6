"""Majority rules of the Majilis: thresholds are shares of the total membership, not of those present."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from sim.config import BILL_KINDS, RulesConfig


def more_than(share: Fraction, members: int) -> int:
    """Smallest vote count strictly above share * members (an absolute majority for share 1/2)."""
    return math.floor(share * members) + 1


def at_least(share: Fraction, members: int) -> int:
    """Smallest vote count not below share * members (2/3 and 3/4 qualified majorities)."""
    return math.ceil(share * members)


def thresholds(rules: RulesConfig, members: int) -> dict[str, int]:
    """Yes votes needed for each bill kind (Constitution art. 61-62): ordinary laws need more than
    half of all deputies, constitutional laws at least two thirds, amendments at least three fourths."""
    return {
        "ordinary": more_than(Fraction(rules.ordinary), members),
        "constitutional": at_least(Fraction(rules.constitutional), members),
        "amendment": at_least(Fraction(rules.amendment), members),
    }


def blocking_minority(rules: RulesConfig, members: int) -> int:
    """Fewest deputies who, voting no or abstaining, stop a constitutional law."""
    return members - thresholds(rules, members)["constitutional"] + 1


def passes(yes: int | np.ndarray, threshold: int | np.ndarray) -> bool | np.ndarray:
    """A bill passes when its yes votes reach the threshold; abstentions and absences count as not yes.
    Elementwise on arrays (one bill per house in a Sitting)."""
    return yes >= threshold


def threshold_array(rules: RulesConfig, members: int) -> list[int]:
    """Thresholds in BILL_KINDS order, for indexing by a bill's kind code."""
    t = thresholds(rules, members)
    return [t[k] for k in BILL_KINDS]
