"""Scenario discovery with PRIM: the boxes of parameter space where an outcome holds.

Given parameter points drawn from the declared uniform priors and, for each, whether an outcome held
(the coalition's margin positive, say), PRIM (the Patient Rule Induction Method; Friedman and Fisher
1999, Statistics and Computing 9) states the conditions of that outcome as a few boxes, each a
[low, high] range on a few parameters, that a reader can check against the priors: scenario discovery
in the sense of Bryant and Lempert (2010, Technological Forecasting and Social Change 77(1)).

Why our own code and not ema-workbench's `prim`: ema-workbench 3.0 needs Python >= 3.12, so the
project's 3.11 would get 2.5 with a different prim module; either pulls scikit-learn, statsmodels,
seaborn and platypus-opt (about 160 MB) for a few hundred lines of numpy, and warns at import. This
module follows ema-workbench's defaults (peel and paste alpha 0.05, least mass 0.05, the gain in
density per point removed as the peeling objective) and was checked against it on known cases.

How a box is found (`peel_and_paste`): starting from the whole prior, peeling removes, on one side
of one parameter, the share `peel_alpha` of the box's points whose removal raises the share of y
true the most per point removed; it goes on while some peel raises it and the box keeps at least
`mass_min` of all points. Of the boxes on that trajectory, the declared rule takes the densest one
that still holds `min_coverage` of the cases it can find (ties: the larger), since the last peel is
often a thin box that has shed most of the cases for a little density. Pasting then widens the chosen
box, a share `paste_alpha` of its points at a time, wherever that raises its density further. Last,
each limit's quasi-p-value (Bryant and Lempert 2010: how likely the box's density would be if the
limit were not there, a one-sided binomial test) is computed and the least significant limit above
`significance` is dropped, again until every limit left is significant: peeling on noise, while the
box was not yet dense, leaves limits that change nothing, and a limit that changes nothing is a
condition the reader would wrongly believe.

Covering (`discover`): the points of a box are set aside and the next box is sought among the rest,
up to `max_boxes` boxes or until a box is no denser than the base rate (the share of y true overall)
or restricts no parameter.
A later box's figures are those of the points it holds that no earlier box holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analysis.uncertainty import Parameter, bounds

PEEL_ALPHA = 0.05
PASTE_ALPHA = 0.05
MASS_MIN = 0.05
MIN_COVERAGE = 0.5
MAX_BOXES = 3
SIGNIFICANCE = 0.05
# The least box (mass_min of all points) must hold this many points, or its density rests on a handful.
MIN_BOX_POINTS = 5


@dataclass(frozen=True)
class Settings:
    """PRIM's choices, each checked: a box is a peel of `peel_alpha` at a time down to `mass_min` of all
    points; the densest box holding `min_coverage` of the cases still to find is chosen and pasted; a
    limit whose quasi-p-value is above `significance` is dropped."""

    peel_alpha: float = PEEL_ALPHA
    paste_alpha: float = PASTE_ALPHA
    mass_min: float = MASS_MIN
    min_coverage: float = MIN_COVERAGE
    max_boxes: int = MAX_BOXES
    significance: float = SIGNIFICANCE

    def __post_init__(self) -> None:
        errors = []
        for name in ("peel_alpha", "paste_alpha"):
            if not 0 < getattr(self, name) < 0.5:
                errors.append(f"{name} = {getattr(self, name)}: must be in (0, 0.5)")
        if not 0 < self.mass_min < 1:
            errors.append(f"mass_min = {self.mass_min}: must be in (0, 1)")
        if not 0 < self.min_coverage <= 1:
            errors.append(f"min_coverage = {self.min_coverage}: must be in (0, 1]")
        if not 0 < self.significance <= 1:
            errors.append(f"significance = {self.significance}: must be in (0, 1]")
        if not (isinstance(self.max_boxes, int) and self.max_boxes >= 1):
            errors.append(f"max_boxes = {self.max_boxes!r}: must be a whole number, at least 1")
        if errors:
            raise ValueError("invalid PRIM settings: " + "; ".join(errors))

    @property
    def min_points(self) -> int:
        """The fewest points PRIM accepts: enough that a box of the least mass holds MIN_BOX_POINTS."""
        return math.ceil(round(MIN_BOX_POINTS / self.mass_min, 9))


@dataclass(frozen=True)
class Box:
    """One box of the covering: its limits (k, 2) in the parameters' units (a parameter it does not
    restrict keeps its prior's ends), the points it holds (over all points kept, and only those no
    earlier box holds), and the peeling and pasting trajectory that led to it."""

    limits: np.ndarray
    inside: np.ndarray
    cases: int
    trajectory: pd.DataFrame


@dataclass(frozen=True)
class Discovery:
    """What covering found: the boxes, the base rate over the points kept, and why it stopped."""

    boxes: list[Box]
    points: int
    cases: int
    stopped: str

    @property
    def base_rate(self) -> float:
        return self.cases / self.points


def scenario_boxes(params: list[Parameter], points: np.ndarray, y: np.ndarray, keep: np.ndarray | None = None, *,
                   peel_alpha: float = PEEL_ALPHA, paste_alpha: float = PASTE_ALPHA, mass_min: float = MASS_MIN,
                   min_coverage: float = MIN_COVERAGE, max_boxes: int = MAX_BOXES,
                   significance: float = SIGNIFICANCE) -> pd.DataFrame:
    """The scenario table: a row per box PRIM's covering finds where y holds, over the points (n, k),
    a column per parameter, that `keep` marks (all when None; e.g. not the runs where the ruling party
    collapsed). The settings are Settings'. Columns: see scenario_table."""
    settings = Settings(peel_alpha, paste_alpha, mass_min, min_coverage, max_boxes, significance)
    return scenario_table(params, discover(params, points, y, keep, settings))


def discover(params: list[Parameter], points: np.ndarray, y: np.ndarray, keep: np.ndarray | None = None,
             settings: Settings | None = None) -> Discovery:
    """PRIM's covering over the kept points: a box, its points set aside, the next box among the rest."""
    settings = settings or Settings()
    x, outcome = _checked(params, points, y, keep, settings)
    prior = bounds(params)
    n, cases = len(outcome), int(outcome.sum())
    if cases == 0:
        return Discovery([], n, 0, f"no box: y is never true in the {n} points")
    if cases == n:
        everywhere = _trajectory_row(0, "start", 0, cases, cases, n, n) | {"chosen": True, "final": True}
        return Discovery([Box(prior.copy(), np.ones(n, dtype=bool), n, pd.DataFrame([everywhere]))], n, n,
                         f"y is true at every one of the {n} points: the whole prior is the box")
    boxes: list[Box] = []
    remaining = np.ones(n, dtype=bool)
    stopped = f"covering stopped at max_boxes = {settings.max_boxes}"
    while len(boxes) < settings.max_boxes:
        left = int(outcome[remaining].sum())
        if left == 0:
            stopped = "covering stopped: every case of y true is in a box"
            break
        if remaining.sum() < settings.mass_min * n:
            stopped = (f"covering stopped: the {int(remaining.sum())} points outside the boxes are fewer than "
                       f"mass_min = {settings.mass_min} of all")
            break
        limits, taken, trajectory = peel_and_paste(x[remaining], outcome[remaining], prior, cases, n, settings)
        inside = np.zeros(n, dtype=bool)
        inside[np.flatnonzero(remaining)[taken]] = True
        held = int(outcome[inside].sum())
        density = held / int(inside.sum())
        which = "next box" if boxes else "box"
        if not _restricted(limits, prior).any():
            stopped = (f"covering stopped: the {which} PRIM found restricts no parameter (no limit it tried is "
                       f"significant at {settings.significance}): no box of the prior holds y more often than the rest")
            break
        if density <= cases / n:
            stopped = (f"covering stopped: the {which} PRIM found (density {density:.3g}) is no denser than "
                       f"the base rate {cases / n:.3g}")
            break
        boxes.append(Box(limits, inside, held, trajectory))
        remaining &= ~inside
    if not boxes:
        stopped = "no box: " + stopped.removeprefix("covering stopped: ")
    return Discovery(boxes, n, cases, stopped)


def peel_and_paste(x: np.ndarray, y: np.ndarray, prior: np.ndarray, cases: int, n: int,
                   settings: Settings) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """One PRIM box among the points x (m, k) with outcomes y: its limits (k, 2), which of the m points
    it holds, and its trajectory: a row per box, with its phase ('start', 'peel', 'paste', 'drop'), points, cases,
    coverage of all `cases`, density, mass of all `n` points and restricted parameters (`dims`); `chosen`
    marks the peeled box the rule took, `final` the box returned (the last row after it). The rule
    weighs coverage of the cases among these m points: those a box can still find."""
    limits, inside = prior.astype(float).copy(), np.ones(len(y), dtype=bool)
    steps = [(limits.copy(), inside.copy())]
    while (peeled := _best_peel(x, y, inside, limits, prior, n, settings)) is not None:
        limits, inside = peeled
        steps.append((limits.copy(), inside.copy()))
    here = max(int(y.sum()), 1)
    stats = [(int(y[s].sum()), int(s.sum())) for _, s in steps]
    eligible = [i for i, (k, _) in enumerate(stats) if k / here >= settings.min_coverage]
    chosen = max(eligible, key=lambda i: (stats[i][0] / stats[i][1], stats[i][0], -i))
    rows = [_trajectory_row(i, "start" if i == 0 else "peel", int(_restricted(lim, prior).sum()), k, cases, m, n)
            | {"chosen": i == chosen, "final": False}
            for i, ((lim, _), (k, m)) in enumerate(zip(steps, stats, strict=True))]
    limits, inside = steps[chosen][0].copy(), steps[chosen][1].copy()
    while (pasted := _best_paste(x, y, inside, limits, prior, settings)) is not None:
        limits, inside = pasted
        rows.append(_trajectory_row(len(rows), "paste", int(_restricted(limits, prior).sum()), int(y[inside].sum()),
                                    cases, int(inside.sum()), n) | {"chosen": False, "final": False})
    while (dropped := _least_significant(x, y, inside, limits, prior, settings)) is not None:
        limits, inside = dropped
        rows.append(_trajectory_row(len(rows), "drop", int(_restricted(limits, prior).sum()), int(y[inside].sum()),
                                    cases, int(inside.sum()), n) | {"chosen": False, "final": False})
    (rows[-1] if rows[-1]["phase"] in ("paste", "drop") else rows[chosen])["final"] = True
    return limits, inside, pd.DataFrame(rows)


def scenario_table(params: list[Parameter], found: Discovery) -> pd.DataFrame:
    """A row per box: `box` (1, 2, ...), `points` and `cases` (points with y true) it holds, `coverage`
    (its share of all cases with y true), `density` (the share of its points with y true), `mass` (its
    share of all points), `cumulative_coverage`, `dims` (how many parameters it restricts), `limits` (as
    text: 'coalition.risk_weight in [0, 0.12]; ...', restricted parameters only), `base_rate`, `note`
    (on the last row: why covering stopped), then `<key> low` and `<key> high` for each parameter some
    box restricts (empty where that box does not). With no box, one row says why: box empty, no limits."""
    prior = bounds(params)
    restricted = [_restricted(b.limits, prior) for b in found.boxes]
    listed = [j for j in range(len(params)) if any(r[j] for r in restricted)]
    rows, covered = [], 0
    for number, (box, res) in enumerate(zip(found.boxes, restricted, strict=True), start=1):
        m, k = int(box.inside.sum()), box.cases
        covered += k
        text = "; ".join(f"{params[j].key} in [{box.limits[j, 0]:.3g}, {box.limits[j, 1]:.3g}]"
                         for j in np.flatnonzero(res))
        row: dict[str, object] = {"box": number, "points": m, "cases": k, "coverage": k / found.cases,
                                  "density": k / m, "mass": m / found.points,
                                  "cumulative_coverage": covered / found.cases, "dims": int(res.sum()),
                                  "limits": text or "no restriction: the whole prior", "base_rate": found.base_rate,
                                  "note": ""}
        for j in listed:
            row[f"{params[j].key} low"] = box.limits[j, 0] if res[j] else np.nan
            row[f"{params[j].key} high"] = box.limits[j, 1] if res[j] else np.nan
        rows.append(row)
    if not rows:
        rows.append({"box": pd.NA, "points": 0, "cases": 0, "coverage": np.nan, "density": np.nan, "mass": 0.0,
                     "cumulative_coverage": 0.0, "dims": 0, "limits": "", "base_rate": found.base_rate, "note": ""})
    rows[-1]["note"] = found.stopped
    table = pd.DataFrame(rows)
    table["box"] = table["box"].astype("Int64")
    return table


def _checked(params: list[Parameter], points: np.ndarray, y: np.ndarray, keep: np.ndarray | None,
             settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """The kept points and their outcome as bools, or a ValueError that says what is wrong."""
    x, y = np.asarray(points, dtype=float), np.asarray(y)
    if x.ndim != 2 or x.shape[1] != len(params):
        raise ValueError(f"points have shape {x.shape}: must be (n, {len(params)}), a column per parameter")
    if y.shape != (len(x),):
        raise ValueError(f"y has shape {y.shape}: must be ({len(x)},), one outcome per point")
    if keep is not None:
        keep = np.asarray(keep)
        if keep.dtype != bool or keep.shape != (len(x),):
            raise ValueError(f"keep must be a boolean mask of shape ({len(x)},); got {keep.dtype} {keep.shape}")
        x, y = x[keep], y[keep]
    kept = "" if keep is None else f" ({len(x)} of {len(keep)} kept)"
    if len(x) < settings.min_points:
        raise ValueError(f"PRIM needs at least {settings.min_points} points (a box of the least mass, "
                         f"{settings.mass_min}, must hold {MIN_BOX_POINTS}); got {len(x)}{kept}")
    if y.dtype != bool:
        if not np.isin(y, (0, 1)).all():
            raise ValueError("y must be true or false (bool, or 0 and 1) at every point kept; it has "
                             f"{int((~np.isin(y, (0, 1))).sum())} other values")
        y = y.astype(bool)
    if not np.isfinite(x).all():
        raise ValueError(f"points have {int((~np.isfinite(x)).any(axis=1).sum())} rows with NaN or infinite values")
    prior = bounds(params)
    outside = (x < prior[:, 0]) | (x > prior[:, 1])
    for j in np.flatnonzero(outside.any(axis=0)):
        p = params[j]
        raise ValueError(f"{p.key}: {int(outside[:, j].sum())} points lie outside its prior [{p.low}, {p.high}]")
    return x, y


def _best_peel(x: np.ndarray, y: np.ndarray, inside: np.ndarray, limits: np.ndarray, prior: np.ndarray, n: int,
               settings: Settings) -> tuple[np.ndarray, np.ndarray] | None:
    """The peel that raises the box's density the most per point removed, or None when none raises it
    or the best would leave the box under mass_min (then the box is final)."""
    m, k_old = int(inside.sum()), int(y[inside].sum())
    best: tuple[float, int, np.ndarray, np.ndarray] | None = None
    restricted = _restricted(limits, prior)
    for j in range(x.shape[1]):
        values = np.sort(x[inside, j])
        remove = max(1, math.ceil(settings.peel_alpha * m))
        for side in (1, 0):  # upper, then lower: ema-workbench's order, which decides exact ties
            cut = _cut(values if side == 0 else values[::-1], remove)
            if cut is None:
                continue
            kept = inside & ((x[:, j] > cut) if side == 0 else (x[:, j] < cut))
            m_new = int(kept.sum())
            gain = float((y[kept].sum() / m_new - k_old / m) / (m - m_new)) if m_new else -math.inf
            # Ties in gain go to a parameter already restricted: fewer restricted parameters read easier.
            fresh = int(not restricted[j])
            if best is None or (gain, -fresh) > (best[0], -best[1]):
                new = limits.copy()
                new[j, side] = cut
                best = (gain, fresh, new, kept)
    if best is None or best[0] <= 0 or best[3].sum() < settings.mass_min * n:
        return None
    return best[2], best[3]


def _best_paste(x: np.ndarray, y: np.ndarray, inside: np.ndarray, limits: np.ndarray, prior: np.ndarray,
                settings: Settings) -> tuple[np.ndarray, np.ndarray] | None:
    """The widening of one restricted side by a share paste_alpha of the box's points (the nearest
    outside it, among those inside its other limits) that raises its density the most per point added,
    or None when none raises it."""
    m, k_old = int(inside.sum()), int(y[inside].sum())
    add = max(1, math.ceil(settings.paste_alpha * m))
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    for j in np.flatnonzero(_restricted(limits, prior)):
        others = np.delete(np.arange(x.shape[1]), j)
        held = ((x[:, others] >= limits[others, 0]) & (x[:, others] <= limits[others, 1])).all(axis=1)
        for side in (0, 1):
            if limits[j, side] == prior[j, side]:
                continue
            slab = held & ((x[:, j] < limits[j, 0]) if side == 0 else (x[:, j] > limits[j, 1]))
            if not slab.any():
                continue
            values = np.sort(x[slab, j])
            cut = _cut(values[::-1] if side == 0 else values, add)
            new = limits.copy()
            new[j, side] = prior[j, side] if cut is None else cut
            pasted = held & (x[:, j] >= new[j, 0]) & (x[:, j] <= new[j, 1])
            m_new = int(pasted.sum())
            gain = float((y[pasted].sum() / m_new - k_old / m) / (m_new - m))
            if best is None or gain > best[0]:
                best = (gain, new, pasted)
    if best is None or best[0] <= 0:
        return None
    return best[1], best[2]


def _least_significant(x: np.ndarray, y: np.ndarray, inside: np.ndarray, limits: np.ndarray, prior: np.ndarray,
                       settings: Settings) -> tuple[np.ndarray, np.ndarray] | None:
    """The box without its least significant limit, when that limit's quasi-p-value is above
    `significance`: the chance that the box, were it drawn at the density of the box without the limit,
    holds as many cases as it does. None when every limit is significant."""
    m, k = int(inside.sum()), int(y[inside].sum())
    worst: tuple[float, np.ndarray, np.ndarray] | None = None
    for j, side in zip(*np.nonzero(limits != prior), strict=True):
        wider = limits.copy()
        wider[j, side] = prior[j, side]
        held = _in_box(x, wider)
        p = _binomial_tail(k, m, float(y[held].mean()))
        if p > settings.significance and (worst is None or p > worst[0]):
            worst = (p, wider, held)
    return None if worst is None else (worst[1], worst[2])


def _binomial_tail(k: int, m: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(m, p): the one-sided binomial test's p-value."""
    if p >= 1 or k == 0:
        return 1.0
    if p <= 0:
        return 0.0
    log_factorial = np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, m + 1)))])
    i = np.arange(k, m + 1)
    log_pmf = log_factorial[m] - log_factorial[i] - log_factorial[m - i] + i * np.log(p) + (m - i) * np.log1p(-p)
    return float(min(1.0, np.exp(log_pmf).sum()))


def _in_box(x: np.ndarray, limits: np.ndarray) -> np.ndarray:
    """Which points lie within the limits (k, 2), ends included."""
    return np.asarray(((x >= limits[:, 0]) & (x <= limits[:, 1])).all(axis=1), dtype=bool)


def _cut(ordered: np.ndarray, count: int) -> float | None:
    """A limit that puts the first `count` of the ordered values (ascending or descending) on one side
    and the rest on the other: midway between two neighbours, moved on past ties; None when the values
    cannot be split so (all ties)."""
    i = count
    while i < len(ordered) and ordered[i] == ordered[i - 1]:
        i += 1
    if i >= len(ordered):
        return None
    return float((ordered[i - 1] + ordered[i]) / 2)


def _restricted(limits: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """Which parameters a box restricts: either limit moved from the prior's end."""
    return (limits != prior).any(axis=1)


def _trajectory_row(step: int, phase: str, dims: int, k: int, cases: int, m: int, n: int) -> dict:
    return {"step": step, "phase": phase, "points": m, "cases": k, "coverage": k / cases, "density": k / m,
            "mass": m / n, "dims": int(dims)}
