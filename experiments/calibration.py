"""What does the 2023 record say about the assumptions, and what is the answer given it?

    python experiments/calibration.py [--draws 40000] [--points 200] [--replicates 20] [OVERRIDES ...]

Rejection ABC: `--draws` parameter points from the priors of configs/analysis/uncertainty.yaml, one run
of a term each in the 2023 house; the points whose first three sessions match every observation of
configs/analysis/observed_2023.yaml are the posterior. Then `--points` posterior points, `--replicates`
runs each, in every house of HOUSES: the posterior predictive answer. Writes into
experiments/results/calibration/: observations.csv (how strongly each observation constrains),
posterior.csv (prior against posterior, per parameter), posterior_points.parquet, predictive.csv and
the figures posterior.png and predictive.png. Re-running resumes from the computed chunks.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from study import RECORD, RESULTS, UNCERTAINTY

from sim.analysis_plots import posterior_figure, predictive_figure
from sim.calibration import consistent, load_record, matches, posterior_table, prior_points
from sim.evaluation import Plan, Results, evaluate
from sim.hydra_config import load_config
from sim.measures import ANALYSED, wilson
from sim.results import write_table
from sim.uncertainty import load_parameters

OUT = RESULTS / "calibration"
# The houses of the answer: (label, experiment, sessions the outcomes are read over, whether a run must
# also match the record in its first sessions). The 2023 house's rest of the convocation is its
# sessions after the record, in the runs that did what the house did; the counterfactuals start afresh.
HOUSES = (
    ("2023 house, rest of convocation (sessions 4-5)", "baseline", slice(3, 5), True),
    ("2023 house, whole term (sessions 1-5)", "baseline", slice(0, 5), False),
    ("registered_opposition", "registered_opposition", slice(0, 5), False),
    ("free_and_fair", "free_and_fair", slice(0, 5), False),
    ("two_terms, second term", "two_terms", slice(5, 10), False),
    ("ruling_minority", "ruling_minority", slice(0, 5), False),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("overrides", nargs="*", help="config overrides, as for run.py (applied to every house)")
    parser.add_argument("--draws", type=int, default=40000, help="prior draws for ABC")
    parser.add_argument("--points", type=int, default=200, help="posterior points for the predictive runs")
    parser.add_argument("--replicates", type=int, default=20, help="runs per posterior point")
    parser.add_argument("--seed", type=int, default=20230319)
    parser.add_argument("--workers", type=int, default=0, help="processes (0: every core)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    params, record = load_parameters(UNCERTAINTY), load_record(RECORD)
    base = load_config(*args.overrides)

    prior = prior_points(params, args.draws, args.seed)
    abc = Plan(base, tuple(params), prior, 1, args.seed, common_seeds=False)
    results = evaluate(abc, args.out / "abc", args.workers, desc="ABC: prior runs")
    accepted = matches(record, results)[:, 0]
    posterior = prior[accepted]
    print(f"ABC: {accepted.sum()} of {len(prior)} prior draws match the record ({100 * accepted.mean():.2f} %)")
    if len(posterior) == 0:
        raise SystemExit("no prior draw matched the observed record: widen the priors or draw more (--draws)")
    write_table(observation_table(record, results), args.out / "observations.csv")
    table = posterior_table(params, prior, posterior)
    write_table(table, args.out / "posterior.csv")
    write_table(pd.DataFrame(posterior, columns=[p.key for p in params]), args.out / "posterior_points.parquet")
    posterior_figure(table, prior, posterior, args.out / "posterior.png")

    chosen = posterior[np.random.default_rng(args.seed).permutation(len(posterior))[:args.points]]
    rows = []
    for label, experiment, window, conditioned in HOUSES:
        house = load_config(f"experiment={experiment}", *args.overrides)
        plan = Plan(house, tuple(params), chosen, args.replicates, args.seed + 1, common_seeds=False)
        found = evaluate(plan, args.out / f"predictive_{experiment}", args.workers, desc=f"{label}: runs")
        keep = matches(record, found) if conditioned else np.ones(found.features.shape[:2], dtype=bool)
        rows += predictive_rows(label, found, window, keep)
    predictive = pd.DataFrame(rows)
    write_table(predictive, args.out / "predictive.csv")
    predictive_figure(predictive, args.out / "predictive.png")
    print(table[["parameter", "prior_5", "prior_95", "posterior_5", "posterior_median", "posterior_95",
                 "width_ratio"]].round(3).to_string(index=False))
    print(predictive.round(3).to_string(index=False))
    print(f"results in {args.out}/")


def observation_table(record, results: Results) -> pd.DataFrame:
    """Per observation: its value, tolerance and source, and the share of prior runs consistent with it
    alone (the smaller, the more it constrains)."""
    alone = consistent(record, results)
    return pd.DataFrame([{"observation": o.name, "observed": o.observed, "tolerance": o.tolerance,
                          "prior_runs_consistent": float(alone[o.name].mean()), "source": o.source}
                         for o in record.observations])


def predictive_rows(label: str, found: Results, window: slice, keep: np.ndarray) -> list[dict]:
    """Per outcome, over the kept runs: the posterior predictive mean; for a share, its 95 % Wilson
    interval taken on posterior points (each point counts once, with the share of its runs: parameter
    uncertainty and run-to-run noise, without treating a point's runs as independent draws); the
    5th-95th percentiles of the per-point means; and for a count, those of single runs."""
    rows = []
    runs_at = keep.sum(axis=1)
    used = runs_at > 0
    for outcome in ANALYSED:
        values = found.outcome(outcome, window)
        if not used.any():  # no run matched the record: nothing to predict from
            rows.append({"house": label, "outcome": outcome.column, "runs": 0, "points": 0})
            continue
        point_means = np.where(keep, values, 0).sum(axis=1)[used] / runs_at[used]
        kept = values[keep]
        row = {"house": label, "outcome": outcome.column, "runs": int(keep.sum()), "points": int(used.sum()),
               "mean": float(kept.mean()), "point_low": float(np.quantile(point_means, 0.05)),
               "point_high": float(np.quantile(point_means, 0.95))}
        if outcome.reduce == "any":
            row["ci_low"], row["ci_high"] = wilson(float(point_means.sum()), len(point_means))
        else:
            row["run_low"], row["run_high"] = float(np.quantile(kept, 0.05)), float(np.quantile(kept, 0.95))
        rows.append(row)
    return rows


if __name__ == "__main__":
    main()
