"""Which declared assumptions does the answer rest on? Morris screening, then Sobol indices.

    python experiments/sensitivity.py [--n 1024] [--replicates 2] [--trajectories 20] [OVERRIDES ...]

OVERRIDES choose the base configuration as for run.py (experiment=registered_opposition, ...); the
parameters of configs/analysis/uncertainty.yaml vary around it. Writes into
experiments/results/sensitivity/: indices.csv (one row per method, parameter and outcome),
points.parquet (every Sobol point with its outcomes, means over replicates), region.csv and
region.json (where a blocking coalition forms in at least half the runs, and how) and the figures
sobol.png and morris.png.
Re-running resumes: computed chunks are kept. On a SLURM cluster, `--plan-only` writes the plans and
prints the command that computes their chunks as array jobs (experiments/chunks.py); then run this
again to gather.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
from hydra.errors import HydraException
from study import RESULTS, analysis_arguments, check_analysis, check_counts, check_runs

from sim.analysis.sobol_morris import morris_indices, morris_points, region_envelope, sobol_indices, sobol_points
from sim.analysis.uncertainty import bounds, load_parameters
from sim.config import ConfigError
from sim.figures.analyses import morris_figure, sobol_figure
from sim.files import atomic_path, write_table
from sim.outcomes import registry
from sim.runs.compose import load_config
from sim.runs.evaluation import CHUNK_RUNS, Plan, compute, gather, open_store

OUT = RESULTS / "sensitivity"
# The documented analysis (README, docs/FINDINGS.md): the defaults, and what findings.py --write-docs needs.
# Base samples buy more than replicates: over the prior, runs of one point differ by 2.3 % of the margin's
# variance (N = 256, 20 replicates), so the indices' bootstrap intervals narrow with N, not with replicates.
SOBOL_N, REPLICATES, TRAJECTORIES = 1024, 2, 20
# The region reported: where a coalition reaches the blocking minority in at least half the runs.
REGION_OUTCOME, REGION_SHARE = "coalition_blocking", 0.5


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    analysis_arguments(parser)
    parser.add_argument("--n", type=int, default=SOBOL_N, help="Sobol base samples (a power of 2)")
    parser.add_argument("--replicates", type=int, default=REPLICATES, help="runs per parameter point")
    parser.add_argument("--trajectories", type=int, default=TRAJECTORIES, help="Morris trajectories (at least 2)")
    parser.add_argument("--chunk-runs", type=int, default=CHUNK_RUNS, help="runs per chunk (whole points)")
    parser.add_argument("--out", type=Path, default=OUT, help="where results go")
    parser.add_argument("--plan-only", action="store_true", help="write the plans for cluster jobs and stop")
    args = parser.parse_args(argv)
    check_counts(parser, args, "replicates", "chunk_runs")
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
        plans = {"morris": Plan(base, tuple(params), morris_points(params, args.trajectories, args.seed),
                                args.replicates, args.seed, chunk_runs=args.chunk_runs),
                 "sobol": Plan(base, tuple(params), sobol_points(params, args.n, args.seed), args.replicates,
                               args.seed, chunk_runs=args.chunk_runs)}
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
    indices = pd.concat(rows, ignore_index=True)
    write_table(indices, args.out / "indices.csv")
    write_table(table, args.out / "points.parquet")
    write_region(params, table, args.out)
    sobol_figure(indices, args.out / "sobol.png")
    morris_figure(indices, args.out / "morris.png")
    print(indices[indices.method == "sobol"].pivot(index="parameter", columns="outcome", values="ST").round(3))
    print(f"results in {args.out}/")


def write_region(params: list, table: pd.DataFrame, out: Path) -> None:
    """region.csv: per parameter, the range its values span among the points where REGION_OUTCOME holds
    in at least REGION_SHARE of the runs, against its prior; region.json: how many such points, the
    density of their box, and what else those points do (the mechanism behind them)."""
    inside = table[REGION_OUTCOME].to_numpy() >= REGION_SHARE
    points = table[[p.key for p in params]].to_numpy()
    prior = bounds(params)
    box, density = region_envelope(points, inside, prior)
    region = pd.DataFrame({"parameter": [p.key for p in params], "prior_low": prior[:, 0],
                           "prior_high": prior[:, 1], "low": box[:, 0], "high": box[:, 1]})
    region["span"] = (region["high"] - region["low"]) / (region["prior_high"] - region["prior_low"])
    write_table(region, out / "region.csv")
    counts = [o.name for o in registry.outcomes(analysed=True) if o.kind == "count"]
    median = {f"{c}_{where}": float(table.loc[mask, c].median()) if mask.any() else None
              for c in counts for where, mask in (("inside", inside), ("outside", ~inside))}
    # Every point where a coalition forms at all, not only in half the runs: the least of each count there.
    formed = table["coalition_formed"].to_numpy() > 0
    least = {c: float(table.loc[formed, c].min()) if formed.any() else None for c in counts}
    with atomic_path(out / "region.json") as tmp:
        tmp.write_text(json.dumps({"outcome": REGION_OUTCOME, "share": REGION_SHARE, "points": int(len(points)),
                                   "inside": int(inside.sum()), "density": density, "median": median,
                                   "points_with_a_coalition": int(formed.sum()), "least_where_one_forms": least}))


if __name__ == "__main__":
    main()
