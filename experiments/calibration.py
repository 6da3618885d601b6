"""What does the 2023 record say about the assumptions, and what is the answer given it?

    python experiments/calibration.py [--draws 40000] [--points 200] [--replicates 20] [OVERRIDES ...]

ABC (sim.analysis.posterior): `--draws` parameter points from the priors of
configs/analysis/uncertainty.yaml (--uncertainty), one run of a term each in the 2023 house, given the
expulsions of configs/analysis/observed_2023.yaml (--record); a point's weight is its run's likelihood
of those expulsions where its first sessions match every observation, else 0. The weighted points are
the posterior, and the rest of their runs' term is the predictive answer for the rest of the
convocation. Then `--points` points drawn from the posterior, `--replicates` runs each, in every house
of HOUSES. A change of --draws is a new ABC (computed anew).
OVERRIDES (key=value, as for run.py) apply to the 2023 house and to every house of HOUSES alike; they
may not choose a house (experiment=, parliament=) nor set run.* (use --replicates, --seed, --workers). Writes into
experiments/results/calibration/: observations.csv (how strongly each observation constrains),
posterior.csv (prior against posterior, per parameter), posterior_points.parquet (with their weights),
predictive.csv, conditions.csv and the figures posterior.png, predictive.png and conditions.png.
Re-running resumes from the computed chunks.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from hydra.errors import HydraException
from study import (
    RECORD,
    RESULTS,
    analysis_arguments,
    check_analysis,
    check_counts,
    check_runs,
    override_key,
)

from sim.analysis.posterior import (
    Record,
    conditional_points,
    conditional_table,
    consistent,
    effective_size,
    load_record,
    posterior_table,
    predictive_rows,
    prior_points,
    resample,
    weights,
)
from sim.analysis.uncertainty import check_priors, load_parameters
from sim.config import ConfigError
from sim.figures.analyses import conditions_figure, posterior_figure, predictive_figure
from sim.figures.words import experiment_label
from sim.files import write_table
from sim.outcomes import registry
from sim.outcomes.features import Results
from sim.runs.compose import load_config
from sim.runs.evaluation import Plan, evaluate

OUT = RESULTS / "calibration"
# The documented analysis (README, docs/FINDINGS.md): the defaults, and what findings.py --write-docs needs.
DRAWS, POINTS, REPLICATES = 40000, 200, 20
# The 2023 house's rest of the convocation: the sessions after the record, read from the ABC's own runs
# (each a draw from the posterior predictive: its point from the posterior, its first sessions the record's).
REST = "2023 house, rest of convocation"
# The other houses, started afresh at posterior points: (label, experiment, the term whose sessions are read).
WHOLE, MINORITY = "2023 house, whole term", experiment_label("ruling_minority")
# Houses with other rules of registration (claim 2 reads them against the 2023 house's whole term).
COUNTERFACTUALS = (experiment_label("registered_opposition"), experiment_label("free_and_fair"),
                   "second of two terms")
HOUSES = (
    (WHOLE, "baseline", 0),
    (COUNTERFACTUALS[0], "registered_opposition", 0),
    (COUNTERFACTUALS[1], "free_and_fair", 0),
    (COUNTERFACTUALS[2], "two_terms", 1),
    (MINORITY, "ruling_minority", 0),
)
# When would a blocking coalition form? Over what the record leaves at its priors: every player's intent,
# and the weight a player gives its registration risk (the parameter the margin rests on most: Sobol
# ST 0.65, docs/FINDINGS.md), each at five values spanning its prior; in the 2023 house, and in one where
# the arithmetic lets a bloc decide. Every other parameter at --condition-points posterior points.
CONDITIONS = {"minor.opposition_intent": [0.0, 0.25, 0.5, 0.75, 1.0],
              "coalition.risk_weight": [0.0, 0.15, 0.3, 0.45, 0.6]}
CONDITION_HOUSES = (WHOLE, MINORITY)
CONDITION_OUTCOME = "coalition_blocking"
CONDITION_POINTS = 100
# The record is the 2023 house's and the houses are declared above: an override applies to every one of
# them alike, so it may change a parameter but not choose a house (which would make them all one house).
CHOOSE_A_HOUSE = (f"calibration.py fits the record in the 2023 house (experiment=baseline) and predicts in its own "
                  f"houses ({', '.join(e for _, e, _ in HOUSES)}); an override applies to all of them alike, so it "
                  "may change a value (key=value, such as behavior.fear_scale=0.5) but not choose the house")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    analysis_arguments(parser)
    parser.add_argument("--record", type=Path, default=RECORD, help="the observed record")
    parser.add_argument("--draws", type=int, default=DRAWS, help="prior draws for ABC")
    parser.add_argument("--points", type=int, default=POINTS, help="posterior points for the predictive runs")
    parser.add_argument("--replicates", type=int, default=REPLICATES, help="runs per posterior point")
    parser.add_argument("--condition-points", type=int, default=CONDITION_POINTS,
                        help="posterior points per cell of the conditions (CONDITIONS)")
    parser.add_argument("--out", type=Path, default=OUT, help="where results go")
    args = parser.parse_args(argv)
    check_counts(parser, args, "draws", "points", "replicates", "condition_points")
    check_analysis(parser, args, {"experiment": CHOOSE_A_HOUSE, "parliament": CHOOSE_A_HOUSE})
    check_runs(parser, f"--draws = {args.draws}", args.draws)
    check_runs(parser, f"--points = {args.points}, --replicates = {args.replicates}",
               args.points * args.replicates * len(HOUSES))
    cells = math.prod(len(v) for v in CONDITIONS.values())
    check_runs(parser, f"--condition-points = {args.condition_points}",
               args.condition_points * cells * len(CONDITION_HOUSES))
    check_record_file(parser, args.record)
    try:  # every input is checked before the first run
        params = load_parameters(args.uncertainty)
        base = load_config(*args.overrides)
        record = load_record(args.record, list(base.parties))
        houses = {label: (load_config(f"experiment={experiment}", *args.overrides), term)
                  for label, experiment, term in HOUSES}
        check_priors(base, params)
        for house, _ in houses.values():
            check_priors(house, params)
    except (ConfigError, HydraException) as err:
        parser.exit(2, f"error: {err}\n")
    for label, (house, term) in houses.items():
        if term >= house.agenda.terms:  # its runs have no such term: reading it would give zeros
            given = [o for o in args.overrides if override_key(o) == "agenda.terms"] or args.overrides
            parser.exit(2, f"error: {' '.join(given)}: leaves the house '{label}' agenda.terms = "
                           f"{house.agenda.terms}; it reads term {term + 1}, so it needs at least {term + 1}\n")
    length = base.agenda.sessions_per_term
    if record.sessions >= length:
        parser.exit(2, f"error: {args.record.name}: sessions = {record.sessions}: the record must leave sessions "
                       f"of the term to predict (agenda.sessions_per_term = {length})\n")

    prior = prior_points(params, args.draws, args.seed)
    abc = Plan(base, tuple(params), prior, 1, args.seed, common_seeds=False, keep=record.outcomes,
               given=record.expulsions)
    results = evaluate(abc, args.out / "abc", args.workers, desc="ABC: prior runs")
    write_table(observation_table(record, results), args.out / "observations.csv")
    w = weights(record, results)
    kept = w > 0
    ess = effective_size(w)
    print(f"ABC: {kept.sum()} of {len(prior)} prior draws match the record's observations; weighted by their "
          f"likelihood of its expulsions, an effective sample of {ess:.0f} posterior points")
    if not kept.any():
        parser.exit(1, "no prior draw matched the observed record (observations.csv says how often each "
                       "observation alone was matched): draw more (--draws) or widen the priors\n")
    posterior, w = prior[kept], w[kept]
    table = posterior_table(params, prior, posterior, w).assign(effective_points=ess, draws=len(prior))
    write_table(table, args.out / "posterior.csv")
    write_table(pd.DataFrame(posterior, columns=[p.key for p in params]).assign(weight=w),
                args.out / "posterior_points.parquet")
    posterior_figure(table, prior, posterior, args.out / "posterior.png", w)

    rows = predictive_rows(REST, results.points(kept), slice(record.sessions, length), w)
    # A stream of its own (not the prior's): which posterior points the predictive runs use, drawn in
    # proportion to their weights.
    chosen = posterior[resample(w, args.points, args.seed + 1)]
    for label, (house, term) in houses.items():
        plan = Plan(house, tuple(params), chosen, args.replicates, args.seed + 1, common_seeds=False)
        found = evaluate(plan, args.out / f"predictive_{house.name}", args.workers, desc=f"{label}: runs")
        length = house.agenda.sessions_per_term
        rows += predictive_rows(label, found, slice(term * length, (term + 1) * length))
    predictive = pd.DataFrame(rows)
    write_table(predictive, args.out / "predictive.csv")
    predictive_figure(predictive, args.out / "predictive.png")

    at = posterior[resample(w, args.condition_points, args.seed + 2)]
    grid, cells = conditional_points(at, params, CONDITIONS)
    conditions = []
    for label in CONDITION_HOUSES:
        house, term = houses[label]
        plan = Plan(house, tuple(params), grid, 1, args.seed + 2, common_seeds=False)
        found = evaluate(plan, args.out / f"conditions_{house.name}", args.workers, desc=f"{label}: conditions")
        length = house.agenda.sessions_per_term
        table_ = conditional_table(cells, found, CONDITION_OUTCOME, slice(term * length, (term + 1) * length))
        conditions.append(table_.assign(house=label))
    conditional = pd.concat(conditions, ignore_index=True)
    write_table(conditional, args.out / "conditions.csv")
    conditions_figure(conditional, args.out / "conditions.png")
    print(table[["parameter", "prior_5", "prior_95", "posterior_5", "posterior_median", "posterior_95",
                 "width_ratio"]].round(3).to_string(index=False))
    print(predictive.round(3).to_string(index=False))
    print(f"results in {args.out}/")


def check_record_file(parser: argparse.ArgumentParser, path: Path) -> None:
    """Stop before any run on a record file that sim.analysis.posterior.load_record would fail on with a
    traceback (no file, not YAML, not a mapping, an entry that is not one, a value that is not a number)
    or accept although no run could match it (a value that is not finite, a share outside [0, 1]);
    load_record then checks the names, parties and tolerances."""
    if not path.is_file():
        parser.error(f"--record = {path}: no such file" + (" (a directory)" if path.is_dir() else ""))
    try:
        raw = yaml.safe_load(path.read_text())
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        parser.error(f"--record = {path}: cannot be read as YAML ({' '.join(str(err).split())})")
    if not isinstance(raw, dict):
        held = "is empty" if raw is None else f"holds {type(raw).__name__} {raw!r:.60}"
        parser.error(f"--record = {path}: {held}; a record is a mapping with sessions and observations (see "
                     "configs/analysis/observed_2023.yaml)")
    observations = raw.get("observations")
    if not isinstance(observations, list) or not observations:
        parser.error(f"--record = {path}: observations = {observations!r:.60}: must be a non-empty list of "
                     "observations, each with name, observed, tolerance and source")
    declared = {o.name: o for o in registry.outcomes(by_party=None)}
    for i, entry in enumerate(observations):
        if not isinstance(entry, dict):
            parser.error(f"--record = {path}: observations[{i}] = {entry!r:.60}: must be a mapping with name, "
                         "observed, tolerance and source")
        for key in ("observed", "tolerance"):
            value = entry.get(key)
            if key in entry and (isinstance(value, bool) or not isinstance(value, (int, float))
                                 or not math.isfinite(value)):
                parser.error(f"--record = {path}: observations[{i}].{key} = {value!r}: must be a finite number")
        outcome = declared.get(str(entry.get("name")))
        observed = entry.get("observed")
        if outcome is not None and isinstance(observed, (int, float)):
            low, high = (0, 1) if outcome.kind in ("binary", "share") else (0, math.inf)
            if not low <= observed <= high:
                parser.error(f"--record = {path}: observations[{i}].observed = {observed!r}: {outcome.name} is a "
                             f"{outcome.kind} ({outcome.unit}); it must be in [{low}, {high}]")


def observation_table(record: Record, results: Results) -> pd.DataFrame:
    """Per observation: its value, tolerance and source, and the share of prior runs consistent with it
    alone (the smaller, the more it constrains); for the record's expulsions, the mean over prior runs of
    their likelihood (the prior's probability of exactly those expulsions)."""
    alone = consistent(record, results)
    given = "; ".join(f"{e.party} for {e.trigger} in session {e.session + 1}" for e in record.expulsions.events)
    rows = [{"observation": f"expulsions: {given or 'none'} (and no other)", "observed": len(record.expulsions.events),
             "tolerance": 0.0, "prior_runs_consistent": float(np.exp(results.log_likelihood()).mean()),
             "source": "the record's expulsions"}]
    rows += [{"observation": o.key, "observed": o.observed, "tolerance": o.tolerance,
              "prior_runs_consistent": float(alone[o.key].mean()), "source": o.source} for o in record.observations]
    return pd.DataFrame(rows)


if __name__ == "__main__":
    main()
