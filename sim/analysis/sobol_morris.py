"""Global sensitivity with SALib: Morris screening and Sobol indices over the declared parameters,
and the region of parameter space where an outcome holds."""

from __future__ import annotations

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from sim.analysis.uncertainty import Parameter, bounds

MORRIS_LEVELS = 4


def problem(params: list[Parameter]) -> dict:
    return {"num_vars": len(params), "names": [p.key for p in params], "bounds": bounds(params).tolist()}


def morris_points(params: list[Parameter], trajectories: int, seed: int) -> np.ndarray:
    """(trajectories * (D + 1), D) points of Morris's one-at-a-time trajectories on a 4-level grid."""
    return morris_sample.sample(problem(params), trajectories, num_levels=MORRIS_LEVELS, seed=seed)


def sobol_points(params: list[Parameter], n: int, seed: int) -> np.ndarray:
    """(n * (D + 2), D) points of Saltelli's scheme for first-order and total indices (no second order:
    ST - S1 is each parameter's share in interactions). `n` must be a power of 2."""
    if n < 2 or n & (n - 1):
        raise ValueError(f"sobol n = {n}: must be a power of 2 (Sobol' sequences balance only then)")
    return sobol_sample.sample(problem(params), n, calc_second_order=False, seed=seed)


def morris_indices(params: list[Parameter], points: np.ndarray, y: np.ndarray, outcome: str, seed: int) -> pd.DataFrame:
    """One row per parameter: mu* (mean absolute elementary effect), its 95 % interval, and sigma."""
    found = morris_analyze.analyze(problem(params), points, y, num_levels=MORRIS_LEVELS, seed=seed)
    return pd.DataFrame({"method": "morris", "parameter": [p.key for p in params], "outcome": outcome,
                         "mu_star": found["mu_star"], "mu_star_conf": found["mu_star_conf"],
                         "sigma": found["sigma"]})


def sobol_indices(params: list[Parameter], y: np.ndarray, outcome: str, seed: int) -> pd.DataFrame:
    """One row per parameter: S1 and ST with their 95 % bootstrap half-widths. An outcome that never
    varies has no variance to share: its indices are NaN."""
    names = [p.key for p in params]
    if np.ptp(y) == 0:
        nan = np.full(len(params), np.nan)
        return pd.DataFrame({"method": "sobol", "parameter": names, "outcome": outcome,
                             "S1": nan, "S1_conf": nan, "ST": nan, "ST_conf": nan})
    found = sobol_analyze.analyze(problem(params), y, calc_second_order=False, seed=seed)
    return pd.DataFrame({"method": "sobol", "parameter": names, "outcome": outcome,
                         "S1": found["S1"], "S1_conf": found["S1_conf"], "ST": found["ST"],
                         "ST_conf": found["ST_conf"]})

