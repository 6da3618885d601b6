"""Which declared assumptions does the answer rest on? Morris screening, then Sobol indices.

    python experiments/sensitivity.py [--n 1024] [--replicates 2] [--trajectories 20] [OVERRIDES ...]

OVERRIDES choose the base configuration as for run.py (experiment=registered_opposition, ...); the
parameters of configs/analysis/uncertainty.yaml vary around it. Writes into
experiments/results/sensitivity/: indices.csv (one row per method, parameter and outcome),
points.parquet (every Sobol point with its outcomes, means over replicates), prim.csv and
scenarios.json (PRIM's boxes of the prior where a coalition is within reach, over `--scenario-draws`
independent prior draws of their own, and what else happens there), prim_near.csv (where one is near
it) and the figures sobol.png and morris.png.
Re-running resumes: computed chunks are kept. On a SLURM cluster, `--plan-only` writes the plans and
prints the command that computes their chunks as array jobs (experiments/chunks.py); then run this
again to gather.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
from hydra.errors import HydraException
from study import RESULTS, analysis_arguments, check_analysis, check_counts, check_runs

from sim.analysis.posterior import prior_points
from sim.analysis.scenarios import scenario_boxes
from sim.analysis.sobol_morris import morris_indices, morris_points, sobol_indices, sobol_points
from sim.analysis.uncertainty import Parameter, load_parameters
from sim.config import ConfigError
from sim.figures.analyses import morris_figure, sobol_figure
from sim.files import atomic_path, write_table
from sim.outcomes import registry
from sim.outcomes.features import Results
from sim.runs.compose import load_config
from sim.runs.evaluation import CHUNK_RUNS, Plan, compute, gather, open_store

OUT = RESULTS / "sensitivity"
# The documented analysis (README, docs/FINDINGS.md): the defaults, and what findings.py --write-docs needs.
# Base samples buy more than replicates: over the prior, runs of one point differ by 2.3 % of the margin's
# variance (N = 256, 20 replicates), so the indices' bootstrap intervals narrow with N, not with replicates.
SOBOL_N, REPLICATES, TRAJECTORIES = 1024, 2, 20
# Scenario discovery (ODD 8.6): where over the prior a coalition is within reach (the best bloc's margin
# positive), leaving out the runs where the ruling party collapsed by its own expulsions. Its own draws,
# independent and uniform over the prior: Saltelli's points are copies of a few base points with one
# coordinate changed, so a rare outcome's cases there are one point many times over, and PRIM bounds
# the copies rather than a region.
WITHIN_REACH, COLLAPSE = "coalition_margin", "ruling_collapse"
SCENARIO_DRAWS = 20000
# The least box: a bloc is within reach at about 0.2 % of the prior (43 of the 27,648 Sobol points), so a
# box of PRIM's usual 5 % of the points could hold such a region only diluted twenty-five-fold; 0.5 % is
# 100 of the documented draws, enough for a density to mean something.
SCENARIO_MASS = 0.005
# Within reach is rare in the 2023 house, too rare for boxes of much meaning; so PRIM also describes where a
# bloc is near it: its least willing member short by at most a tenth of the house's decisions (twice the most
# an opposition bloc's power can be worth there, 0.046, docs/ODD.md 7.8), a description, not a threshold the
# answer uses.
NEAR_REACH = -0.1


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    analysis_arguments(parser)
    parser.add_argument("--n", type=int, default=SOBOL_N, help="Sobol base samples (a power of 2)")
    parser.add_argument("--replicates", type=int, default=REPLICATES, help="runs per parameter point")
    parser.add_argument("--trajectories", type=int, default=TRAJECTORIES, help="Morris trajectories (at least 2)")
    parser.add_argument("--scenario-draws", type=int, default=SCENARIO_DRAWS,
                        help="prior draws, one run each, for scenario discovery (PRIM)")
    parser.add_argument("--chunk-runs", type=int, default=CHUNK_RUNS, help="runs per chunk (whole points)")
    parser.add_argument("--out", type=Path, default=OUT, help="where results go")
    parser.add_argument("--plan-only", action="store_true", help="write the plans for cluster jobs and stop")
    args = parser.parse_args(argv)
    check_counts(parser, args, "replicates", "chunk_runs", "scenario_draws")
    if args.trajectories < 2:  # one trajectory leaves Morris no spread to estimate: NaN indices
        parser.error(f"--trajectories = {args.trajectories}: must be at least 2")
    if args.n < 2 or args.n & (args.n - 1):  # Sobol' sequences are balanced only at powers of 2
        parser.error(f"--n = {args.n}: must be a power of 2 (2, 4, ..., 256, ...)")
    check_analysis(parser, args)
    try:  # every input is checked before the first run
        base = load_config(*args.overrides)
        params = load_parameters(args.uncertainty)
        # Saltelli's scheme runs N (D + 2) points, Morris's trajectories (D + 1), each --replicates times.
        check_runs(parser, f"--n = {args.n}, --replicates = {args.replicates}",
                   args.n * (len(params) + 2) * args.replicates)
        check_runs(parser, f"--trajectories = {args.trajectories}, --replicates = {args.replicates}",
                   args.trajectories * (len(params) + 1) * args.replicates)
        check_runs(parser, f"--scenario-draws = {args.scenario_draws}", args.scenario_draws)
        plans = {"morris": Plan(base, tuple(params), morris_points(params, args.trajectories, args.seed),
                                args.replicates, args.seed, chunk_runs=args.chunk_runs),
                 "sobol": Plan(base, tuple(params), sobol_points(params, args.n, args.seed), args.replicates,
                               args.seed, chunk_runs=args.chunk_runs, keep=(COLLAPSE,)),
                 "scenarios": Plan(base, tuple(params), prior_points(params, args.scenario_draws, args.seed + 1), 1,
                                   args.seed + 1, common_seeds=False, chunk_runs=args.chunk_runs, keep=(COLLAPSE,))}
    except (ConfigError, HydraException, ValueError) as err:
        parser.exit(2, f"error: {err}\n")
    if args.plan_only:
        for name, plan in plans.items():
            open_store(plan, args.out / name)
            print(f"python experiments/chunks.py -m hydra/launcher=submitit_slurm store={args.out / name} "
                  f"shards=N 'shard=range(N)'   # {plan.chunks} chunks")
        return
    for name, plan in plans.items():
        compute(plan, args.out / name, args.workers, desc=f"{name}: runs")
    morris, sobol = gather(plans["morris"], args.out / "morris"), gather(plans["sobol"], args.out / "sobol")
    rows, table = [], pd.DataFrame(plans["sobol"].points, columns=[p.key for p in params])
    for outcome in registry.outcomes(analysed=True):
        y_morris = morris.outcome(outcome).mean(axis=1)
        y_sobol = sobol.outcome(outcome).mean(axis=1)
        rows += [morris_indices(params, plans["morris"].points, y_morris, outcome.name, args.seed),
                 sobol_indices(params, y_sobol, outcome.name, args.seed)]
        table[outcome.name] = y_sobol
    table[COLLAPSE] = sobol.outcome(registry.outcome(COLLAPSE)).mean(axis=1)
    indices = pd.concat(rows, ignore_index=True)
    write_table(indices, args.out / "indices.csv")
    write_table(table, args.out / "points.parquet")
    write_scenarios(params, plans["scenarios"].points, gather(plans["scenarios"], args.out / "scenarios"), args.out)
    sobol_figure(indices, args.out / "sobol.png")
    morris_figure(indices, args.out / "morris.png")
    print(indices[indices.method == "sobol"].pivot(index="parameter", columns="outcome", values="ST").round(3))
    print(f"results in {args.out}/")


def write_scenarios(params: list[Parameter], points: np.ndarray, runs: Results, out: Path) -> None:
    """prim.csv: PRIM's boxes (sim.analysis.scenarios) of the prior draws whose run had the best bloc's
    margin positive in some session (a bloc within reach), among the runs where the ruling party did not
    collapse (a house whose ruling party expelled itself out of its majority is not an opposition route);
    prim_near.csv: the same where the margin came within NEAR_REACH of it; scenarios.json: how many draws,
    how many left out and within (near) reach, and the medians of the counted outcomes inside the first box
    and outside it (the mechanism behind it)."""
    margin = runs.outcome(registry.outcome(WITHIN_REACH))[:, 0]
    kept = ~(runs.outcome(registry.outcome(COLLAPSE))[:, 0] > 0)
    found = {}
    for name, within in (("prim", margin > 0), ("prim_near", margin > NEAR_REACH)):
        boxes = _boxes(params, points, within, kept)
        write_table(boxes, out / f"{name}.csv")
        found[name] = boxes
    first = found["prim"].iloc[0]
    inside = kept.copy()
    for j, p in enumerate(params):
        if pd.notna(first.get(f"{p.key} low", np.nan)):
            inside &= (points[:, j] >= first[f"{p.key} low"]) & (points[:, j] <= first[f"{p.key} high"])
    counts = [o for o in registry.outcomes(analysed=True) if o.kind == "count"]
    median = {f"{o.name}_{where}": float(np.median(runs.outcome(o)[mask, 0])) if mask.any() else None
              for o in counts for where, mask in (("inside", inside), ("outside", ~inside & kept))}
    with atomic_path(out / "scenarios.json") as tmp:
        tmp.write_text(json.dumps({"outcome": WITHIN_REACH, "points": int(len(points)),
                                   "collapsed": int((~kept).sum()), "within_reach": int(((margin > 0) & kept).sum()),
                                   "near_reach": int(((margin > NEAR_REACH) & kept).sum()), "near": NEAR_REACH,
                                   "least_mass": SCENARIO_MASS, "median": median}))


def _boxes(params: list[Parameter], points: np.ndarray, within: np.ndarray, kept: np.ndarray) -> pd.DataFrame:
    """PRIM's table, or one row that says why there is none (too few draws for its least box, as in a
    small analysis)."""
    try:
        return scenario_boxes(params, points, within, kept, mass_min=SCENARIO_MASS)
    except ValueError as err:
        print(f"note: no scenario discovery: {err}")
        return pd.DataFrame([{"box": pd.NA, "points": int(kept.sum()), "cases": int((within & kept).sum()),
                              "limits": "", "base_rate": float(within[kept].mean()) if kept.any() else 0.0,
                              "note": f"no box: {err}"}])


if __name__ == "__main__":
    main()
