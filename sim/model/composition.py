"""Who sits in the house: a party code and a seat kind for every seat, before any traits are drawn."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from sim.config import Config


@dataclass(frozen=True)
class Composition:
    """Seats in a fixed order; `party` holds codes into `party_names`, and len(party_names) means
    a self-nominated deputy."""

    party_names: tuple[str, ...]
    party: np.ndarray
    district: np.ndarray

    @property
    def size(self) -> int:
        return len(self.party)

    @property
    def independent(self) -> int:
        return len(self.party_names)

    def seats(self) -> dict[str, int]:
        """Seats per party, with self-nominated deputies under 'self_nominated'."""
        counts = np.bincount(self.party, minlength=self.independent + 1)
        names = (*self.party_names, "self_nominated")
        return {name: int(c) for name, c in zip(names, counts, strict=True)}


def seat_composition(
    names: tuple[str, ...], list_seats: Mapping[str, int], district_seats: Mapping[str, int], independents: int
) -> Composition:
    """List seats, then district seats, then the self-nominated deputies, in that order."""
    code = {name: i for i, name in enumerate(names)}
    party: list[int] = []
    district: list[bool] = []
    for seats, is_district in ((list_seats, False), (district_seats, True)):
        for name, count in seats.items():
            party += [code[name]] * count
            district += [is_district] * count
    party += [len(names)] * independents
    district += [True] * independents
    return Composition(names, np.array(party, dtype=np.int64), np.array(district, dtype=bool))


def compose(cfg: Config) -> Composition:
    """The fixed house the parliament config describes."""
    p = cfg.parliament
    return seat_composition(tuple(cfg.parties), p.list_seats, p.district_seats, p.independents)
