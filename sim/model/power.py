"""Exact voting power in weighted majority games, by generating functions.

A player of weight w is decisive (swings) in a coalition S of the others when w(S) < quota <= w(S) + w, so its
power only depends on how many coalitions of the others have each total weight t: the coefficient of x^t in
prod_j (1 + x^w_j) over the others (Brams & Affuso 1976) for the Banzhaf index, and of y^k x^t in
prod_j (1 + y x^w_j), which also counts the coalition size k, for the Shapley-Shubik index (Mann & Shapley 1962;
Bilbao, Fernández, Jiménez Losada & López 2000, "Generating functions for computing power indices efficiently",
TOP 8(2): 191-213). The coefficients are built factor by factor over the integer weights, cut at quota - 1 since
heavier coalitions never leave a player decisive.

Players of equal weight have the same others, so each distinct weight is worked out once, and the largest group
of equal-weight others enters in closed form (binomial coefficients) rather than player by player: a house of
parties plus many single-seat deputies costs little more than its parties. Each other player entered one by one
costs O(quota) for Banzhaf and O(n * quota) for Shapley-Shubik, so many players with many distinct weights are
slow: 2,000 players weighing 1, 2 or 3 take a tenth of a second for Banzhaf but most of a minute for
Shapley-Shubik.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from numpy.typing import ArrayLike

_LN2 = math.log(2.0)


def banzhaf(weights: ArrayLike, quota: int) -> np.ndarray:
    """Normalised Banzhaf index: each player's share of all swings. All zeros when quota > sum(weights),
    as then no coalition wins and nobody swings."""
    w, q = _game(weights, quota)
    log_p = _log_decisive(w, q)
    if np.isneginf(log_p).all():
        return np.zeros(len(w))
    relative = np.exp(log_p - log_p.max())
    return relative / relative.sum()


def banzhaf_measure(weights: ArrayLike, quota: int) -> np.ndarray:
    """Absolute (Penrose-Banzhaf) measure: the probability that a player is decisive when every other player
    votes yes with probability 1/2, i.e. its swings / 2^(n-1)."""
    w, q = _game(weights, quota)
    return np.exp(_log_decisive(w, q))


def shapley_shubik(weights: ArrayLike, quota: int) -> np.ndarray:
    """Shapley-Shubik index: the share of the n! voting orders in which each player is pivotal.
    All zeros when quota > sum(weights), as then nobody is ever pivotal."""
    w, q = _game(weights, quota)
    n = len(w)
    result = np.zeros(n)
    if q > w.sum():
        return result
    values, counts = np.unique(w, return_counts=True)
    for v in values[values > 0]:  # a zero-weight player is never pivotal
        # A player is pivotal in k!(n-1-k)!/n! = 1/(n C(n-1, k)) of the orders for each size-k coalition of
        # the others it turns winning, so its index is the mean over k of the share of size-k coalitions.
        share = _by_size(values, counts - (values == v), q)
        result[w == v] = share[:, max(q - v, 0) :].sum() / n
    return result


def _game(weights: ArrayLike, quota: int) -> tuple[np.ndarray, int]:
    w = np.asarray(weights)
    if w.ndim != 1 or w.dtype.kind not in "iuf":
        raise ValueError(f"weights must be a 1-D array of non-negative integers, got weights = {weights!r}")
    bad = np.flatnonzero(~np.isfinite(w) | (w < 0) | (w != np.round(w)))
    if len(bad):
        raise ValueError(f"weights must be non-negative integers, got weights[{bad[0]}] = {w[bad[0]].item()}")
    if not isinstance(quota, numbers.Real) or not float(quota).is_integer() or quota < 1:
        raise ValueError(f"quota must be an integer >= 1, got quota = {quota!r}")
    return w.astype(np.int64), int(quota)


def _log_decisive(w: np.ndarray, q: int) -> np.ndarray:
    """Log of each player's probability of being decisive. Logs, because with 2,000 players a single
    coalition has probability 2^-1999, below the smallest double."""
    result = np.full(len(w), -np.inf)
    if q > w.sum():  # nobody is ever decisive; return before allocating an array as long as the quota
        return result
    # A zero-weight player multiplies the generating function by (1 + x^0) / 2 = 1: it changes nothing.
    values, counts = np.unique(w[w > 0], return_counts=True)
    for v in values:
        first, copies, rest = _split_others(values, counts - (values == v))
        # Probability that a random coalition of the others weighs t, for t < q.
        log_p = np.full(q, -np.inf)
        k = np.arange(copies + 1)
        fits = k * first < q
        log_p[k[fits] * first] = _log_binomial(copies, k[fits]) - copies * _LN2
        for r in rest:
            # times (1 + x^r) / 2: a coalition either leaves out this player or takes it and weighs r more
            joined = np.full(q, -np.inf)
            joined[r:] = log_p[: max(q - r, 0)]
            log_p = np.logaddexp(log_p, joined) - _LN2
        window = log_p[max(q - v, 0) :]
        top = window.max()
        if top > -np.inf:
            result[w == v] = top + np.log(np.exp(window - top).sum())
    return result


def _by_size(values: np.ndarray, others: np.ndarray, q: int) -> np.ndarray:
    """share[k, t]: the share of the size-k coalitions of the others (others[j] players of weight values[j])
    that weigh t, for t < q. Shares rather than counts, so 2,000 players neither overflow nor underflow."""
    first, copies, rest = _split_others(values, others)
    share = np.zeros((int(others.sum()) + 1, q))
    k = np.arange(copies + 1)
    fits = k * first < q
    share[k[fits], k[fits] * first] = 1.0  # k players of one weight always weigh k * first
    size = copies
    for r in rest:
        # One more player: a random size-k coalition of size + 1 players holds it with probability
        # k / (size + 1), and its other members are then a random size-(k-1) coalition of the rest.
        k = np.arange(1, size + 2)[:, None]
        joined = share[: size + 1, : max(q - r, 0)] * (k / (size + 1))
        share[: size + 2] *= (size + 1 - np.arange(size + 2)[:, None]) / (size + 1)
        share[1 : size + 2, r:] += joined
        size += 1
    return share


def _split_others(values: np.ndarray, others: np.ndarray) -> tuple[int, int, np.ndarray]:
    """The weight and size of the largest group of equal-weight others, which enters in closed form, and the
    weights of the rest, which enter one by one."""
    g = int(np.argmax(others))
    rest = np.repeat(np.delete(values, g), np.delete(others, g))
    return int(values[g]), int(others[g]), rest


def _log_binomial(n: int, k: np.ndarray) -> np.ndarray:
    return np.array([math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) for i in k])
