"""Write FINDINGS.md from the saved results of the uncertainty analyses; no number is typed here.

    python experiments/sensitivity.py && python experiments/calibration.py && python experiments/findings.py

Reads experiments/results/sensitivity/ and experiments/results/calibration/ (--results), and states
each testable claim of the seed analysis with what the model says, the assumptions the answer rests
on, and what would have to change for it to flip, with the analyses' figures beside it. Writes
FINDINGS.md and figures/ into experiments/results/findings/ (--out); with --write-docs, the committed
docs/FINDINGS.md and docs/figures/, and only from analyses of the documented size.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
from pathlib import Path

import pandas as pd
from calibration import (
    CONDITION_HOUSES,
    CONDITION_POINTS,
    CONDITIONS,
    COUNTERFACTUALS,
    DRAWS,
    HOUSES,
    MINORITY,
    POINTS,
    REST,
    WHOLE,
)
from calibration import REPLICATES as PREDICTIVE_REPLICATES
from sensitivity import REPLICATES, SCENARIO_DRAWS, SOBOL_N, TRAJECTORIES
from study import RECORD, RESULTS, ROOT, check_output

from sim.analysis.feasibility import feasibility_text
from sim.analysis.posterior import informed, load_record
from sim.files import atomic_path
from sim.outcomes import registry
from sim.runs.evaluation import PLAN, Plan, load_plan, missing_chunks

# The committed findings and their figures, written only with --write-docs.
DOCS = ROOT / "docs"
OUT = RESULTS / "findings"
# Each analysis's figure, by the name FINDINGS.md gives it under figures/.
FIGURES = {("sensitivity", "sobol.png"): "sensitivity_sobol.png",
           ("sensitivity", "morris.png"): "sensitivity_morris.png",
           ("calibration", "posterior.png"): "calibration_posterior.png",
           ("calibration", "predictive.png"): "calibration_predictive.png",
           ("calibration", "conditions.png"): "calibration_conditions.png"}
# What the text reads from each analysis, besides its figures, and the command that writes them.
READS = {"voting_power": ("python experiments/voting_power.py", ("feasibility.csv",)),
         "sensitivity": ("python experiments/sensitivity.py", ("indices.csv", "prim.csv", "prim_near.csv",
                                                               "scenarios.json", "points.parquet")),
         "calibration": ("python experiments/calibration.py", ("observations.csv", "posterior.csv", "predictive.csv",
                                                               "posterior_points.parquet", "conditions.csv"))}
ANALYSED = registry.outcomes(analysed=True)
LABELS = {o.name: o.axis for o in ANALYSED}


def pct(x: float) -> str:
    """A share in percent: one decimal, or two significant digits below 0.1 % (0.015 %, not 0.0 %)."""
    return f"{100 * x:.2g} %" if 0 < x < 0.001 else f"{100 * x:.1f} %"


def interval(row: pd.Series, share: bool = True) -> str:
    """A predictive row's answer (sim.analysis.posterior.predictive_rows): a probability that never came
    up as that, with its Monte Carlo bound; otherwise its mean with its 95 % interval on points; a count
    as its mean with the central ranges (of points' means, of runs) that hold it."""
    if share and row["runs_with"] == 0:
        return none_in(row)
    if share:
        return (f"{pct(row['mean'])} (95 % interval {pct(row['ci_low'])}-{pct(row['ci_high'])}, in "
                f"{row['runs_with']:.0f} of {row['runs']:,.0f} runs)")
    whole = float(row["run_low"]).is_integer() and float(row["run_high"]).is_integer()
    low, high = (f"{row['run_low']:.0f}", f"{row['run_high']:.0f}") if whole else (f"{row['run_low']:.2f}",
                                                                                  f"{row['run_high']:.2f}")
    return (f"{row['mean']:.2f} (posterior points' means, {row['point_range']}: {row['point_low']:.2f} to "
            f"{row['point_high']:.2f}; single runs, {row['run_range']}: {low} to {high})")


def none_in(row: pd.Series) -> str:
    """'none of N runs at M posterior points', and what that many runs bound, apart from the parameters."""
    return (f"none of {row['runs']:,.0f} runs at {row['points']:,.0f} posterior points (the Monte Carlo bound "
            f"alone, from {row['effective_points'] * row['runs'] / row['points']:,.0f} effective runs: below "
            f"{pct(row['mc_bound'])} a run at 95 %)")


def cell(row: pd.Series, share: bool) -> str:
    """A table cell: the mean with the interval or range that holds it."""
    if share:
        if row["runs_with"] == 0:
            return f"none in {row['runs']:,.0f} runs"
        return f"{pct(row['mean'])} ({pct(row['ci_low'])}-{pct(row['ci_high'])})"
    if pd.isna(row["mean"]):  # the margin where some elected houses have fewer than two non-ruling players
        return "none: some runs elect no bloc to form"
    return f"{row['mean']:.2f} ({row['point_low']:.2f} to {row['point_high']:.2f})"


def basis(posterior: pd.DataFrame, keys: list[str]) -> str:
    """Whether an answer that rests on `keys` follows from the record (it moved some of them) or from
    assumptions (it left them all at their priors), in words."""
    rows = posterior[posterior.parameter.isin(keys)]
    moved = list(rows[informed(rows)].parameter)
    if moved:
        return "from the record (it moves " + ", ".join(f"`{k}`" for k in moved) + ")"
    return "from assumptions: the record leaves " + ", ".join(f"`{k}`" for k in keys) + " at their priors"


def top(indices: pd.DataFrame, outcome: str, k: int = 3) -> str:
    """The k parameters with the largest total Sobol index for `outcome`, with ST and S1."""
    rows = indices[(indices.method == "sobol") & (indices.outcome == outcome)].nlargest(k, "ST")
    if rows.empty or rows["ST"].isna().all():
        return "none (the outcome never varied over the sampled points)"
    return ", ".join(f"`{r.parameter}` (ST {r.ST:.2f} ± {r.ST_conf:.2f}, S1 {r.S1:.2f})" for r in rows.itertuples())


def param_range(posterior: pd.DataFrame, key: str) -> str:
    """What the record says of one parameter, in words chosen by the numbers."""
    r = posterior[posterior.parameter == key].iloc[0]
    said = "moves it" if informed(posterior[posterior.parameter == key]).iloc[0] else "leaves it near its prior"
    return (f"{said}: `{key}` median {r.posterior_median:.2f}, 90 % {r.posterior_5:.2f}-{r.posterior_95:.2f} "
            f"(prior {r.low:g}-{r.high:g}, median {r.prior_median:.2f}; width x{r.width_ratio:.2f})")


# A probability whose 95 % interval (or Monte Carlo bound) stays below this is read as "does not happen".
RARE = 0.05


def upper(row: pd.Series) -> float:
    """The most a probability can be at 95 %: its Monte Carlo bound where it never happened."""
    return float(row["mc_bound"]) if row["runs_with"] == 0 else float(row["ci_high"])


def top_keys(indices: pd.DataFrame, outcome: str, k: int = 3) -> list[str]:
    rows = indices[(indices.method == "sobol") & (indices.outcome == outcome)].nlargest(k, "ST")
    return list(rows.dropna(subset=["ST"]).parameter)


def claims(pred, indices: pd.DataFrame, posterior: pd.DataFrame, prim: pd.DataFrame, scenarios: dict,
           feasible: str) -> list[str]:
    """Each testable claim of the seed analysis (paraphrased), what the model says, what it rests on,
    what would flip it, and whether the verdict follows from the record or from an assumption; the
    numbers, and the verdicts, from the results."""
    rest, whole = REST, WHOLE
    blocking = pred(rest, "coalition_blocking")
    minority = pred(MINORITY, "coalition_blocking")
    counterfactual = {h: pred(h, "coalition_formed") for h in COUNTERFACTUALS}
    house = pred(whole, "coalition_formed")
    # Registration binds where a house with other registration rules differs from the 2023 house's,
    # beyond both intervals.
    registration_binds = any(r["ci_low"] > upper(house) or upper(r) < house["ci_low"]
                             for r in counterfactual.values())
    margin_keys = top_keys(indices, "coalition_margin")
    first = prim.iloc[0]
    reach = (f"PRIM's first box, {first['limits']} (coverage {pct(first['coverage'])}, density "
             f"{pct(first['density'])})" if pd.notna(first["box"]) else "no box (PRIM found none)")
    return [
        "**1. A more plural Majilis will not effectively oppose the President and the ruling party.** "
        + ("The model agrees" if upper(blocking) < RARE else "The model does not agree")
        + f". Can: {feasible}. Would: a coalition reaches the blocking minority in the rest of the convocation "
        f"in {interval(blocking)}, and the Government loses {interval(pred(rest, 'gov_defeats'), share=False)} "
        f"bills there. Where over the prior a bloc is within reach (its margin positive, the ruling party "
        f"intact): {reach}. With the ruling party short of a majority (the {MINORITY}, "
        "`experiment=ruling_minority`) a coalition blocks in "
        f"{interval(minority)} at the parameters the record allows. **Verdict:** the *can* follows from the "
        f"arithmetic of the house as elected; the *would* {basis(posterior, margin_keys)}, the parameters the "
        "margin rests on most.",
        "",
        "**2. Registration hurdles and bias limit what the opposition can do in parliament.** "
        + ("Registration matters here" if registration_binds
           else "In the model registration is not what binds (the intervals overlap)")
        + f": a coalition forms in {interval(house)} in the 2023 house, "
        + "; ".join(f"{interval(r)} in the {h}" for h, r in counterfactual.items())
        + ". The registration threat works through discipline instead: Government defeats over the prior rest "
        f"on {top(indices, 'gov_defeats', 2)}. **Verdict:** from assumptions: the other houses' registration "
        "rules (`configs/experiment/`) are counterfactuals the record of the 2023 house cannot test, and the "
        f"discipline {basis(posterior, top_keys(indices, 'gov_defeats', 2))}.",
        "",
        "**3. Coalition building is hard for the opposition.** How far the house is from a bloc (the best "
        "bloc's margin) rests on these total Sobol indices of the coalition game's parameters and the "
        f"parties' intent: {', '.join(_st(indices, k) for k in _coalition_keys(indices))}. **Verdict:** "
        f"{basis(posterior, _coalition_keys(indices))}: how hard coalition building is, is the declared "
        "priors of the coalition game, not something the 2023 record shows.",
        "",
        "**4. Registration goes to parties the administration does not see as a threat.** On how willing the "
        f"registered parties are to oppose, the record {param_range(posterior, 'minor.opposition_intent')}. "
        f"On how far they lean to the executive, it {param_range(posterior, 'minor.regime_alignment')}. "
        f"**Verdict:** {basis(posterior, ['minor.opposition_intent', 'minor.regime_alignment'])}.",
        "",
    ]


def _coalition_keys(indices: pd.DataFrame) -> list[str]:
    """The declared parameters of the coalition game, and the parties' intent, largest total index first."""
    rows = indices[(indices.method == "sobol") & (indices.outcome == "coalition_margin")
                   & (indices.parameter.str.startswith("coalition.")
                      | (indices.parameter == "minor.opposition_intent"))]
    return list(rows.sort_values("ST", ascending=False).parameter)


def _st(indices: pd.DataFrame, key: str) -> str:
    r = indices[(indices.method == "sobol") & (indices.outcome == "coalition_margin") & (indices.parameter == key)]
    return f"`{key}` {r.ST.iloc[0]:.2f} ± {r.ST_conf.iloc[0]:.2f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="where the analyses wrote (its sensitivity/ and calibration/)")
    parser.add_argument("--out", type=Path, default=None,
                        help=f"where FINDINGS.md and figures/ go (default: {OUT.relative_to(ROOT)})")
    parser.add_argument("--write-docs", action="store_true",
                        help="write the committed docs/FINDINGS.md and docs/figures/ (refused for analyses smaller "
                             "than the documented ones)")
    args = parser.parse_args(argv)
    if args.write_docs and args.out is not None:
        parser.error(f"--out = {args.out} with --write-docs: --write-docs writes {DOCS.relative_to(ROOT)}/; give one")
    missing = []
    for analysis, (command, tables) in READS.items():
        needed = [*tables, *(source for (of, source) in FIGURES if of == analysis)]
        lacking = [name for name in needed if not (args.results / analysis / name).is_file()]
        if lacking:
            missing.append(f"{analysis}/ lacks {', '.join(lacking)} (written by {command})")
    if missing:
        parser.error(f"--results = {args.results}: " + "; ".join(missing))
    out = DOCS if args.write_docs else (args.out or OUT)
    check_output(parser, "--out", out)
    if args.write_docs:
        small = smaller_than_documented(args.results)
        if small:
            parser.error("--write-docs: the results are smaller than the documented analyses (" + "; ".join(small)
                         + f"); run the analyses at their documented size, or write without --write-docs (into "
                         f"{OUT.relative_to(ROOT)}/)")
    write_findings(args.results, out)


def smaller_than_documented(results: Path) -> list[str]:
    """What in the analyses' stores (their plans) falls short of the documented size, or is not complete."""
    short = []

    def plan_of(store: Path) -> Plan | None:
        if not (store / PLAN).is_file():
            short.append(f"{store}: no plan; run the analysis")
            return None
        try:
            plan = load_plan(store)
        except Exception as err:  # whatever a damaged pickle raises, it tells no size
            short.append(f"{store / PLAN}: cannot be read ({type(err).__name__}); run the analysis again")
            return None
        missing = missing_chunks(plan, store)
        if missing:
            short.append(f"{store}: {len(missing)} of {plan.chunks} chunks not computed (or unreadable)")
        return plan

    def at_least(what: str, found: int, documented: int, needed: int | None = None, note: str = "") -> None:
        if found < (documented if needed is None else needed):
            short.append(f"{what} = {found}, documented {documented}{note}")

    sensitivity, calibration = results / "sensitivity", results / "calibration"
    for name, per_point, flag, documented in (("sobol", 2, "--n", SOBOL_N), ("morris", 1, "--trajectories",
                                                                            TRAJECTORIES)):
        plan = plan_of(sensitivity / name)
        if plan is not None:  # Saltelli's scheme has N (D + 2) points, Morris's trajectories (D + 1)
            at_least(f"sensitivity {flag}", len(plan.points) // (len(plan.parameters) + per_point), documented)
            at_least(f"sensitivity --replicates ({name})", plan.replicates, REPLICATES)
    scenarios = plan_of(sensitivity / "scenarios")
    if scenarios is not None:
        at_least("sensitivity --scenario-draws", len(scenarios.points), SCENARIO_DRAWS)
    abc = plan_of(calibration / "abc")
    if abc is not None:
        at_least("calibration --draws", len(abc.points), DRAWS)
    predictive = [plan for _, experiment, _ in HOUSES if (plan := plan_of(calibration / f"predictive_{experiment}"))]
    if predictive:
        # The predictive runs use every posterior point when there are fewer than --points.
        posterior = len(pd.read_parquet(calibration / "posterior_points.parquet"))
        at_least("calibration --replicates", min(plan.replicates for plan in predictive), PREDICTIVE_REPLICATES)
        at_least("calibration --points", min(len(plan.points) for plan in predictive), POINTS, min(POINTS, posterior),
                 f" (or every posterior point, {posterior})" if posterior < POINTS else "")
    cells = math.prod(len(v) for v in CONDITIONS.values())
    experiments = {label: experiment for label, experiment, _ in HOUSES}
    conditions = [plan for label in CONDITION_HOUSES
                  if (plan := plan_of(calibration / f"conditions_{experiments[label]}"))]
    if conditions:
        at_least("calibration --condition-points", min(len(plan.points) for plan in conditions) // cells,
                 CONDITION_POINTS)
    return short


def write_findings(results: Path, out: Path) -> None:
    """FINDINGS.md into `out`, the analyses' figures into `out`/figures/ (where it links them)."""
    sensitivity, calibration = results / "sensitivity", results / "calibration"
    feasibility = pd.read_csv(results / "voting_power" / "feasibility.csv").convert_dtypes()  # counts as integers
    indices = pd.read_csv(sensitivity / "indices.csv")
    prim = pd.read_csv(sensitivity / "prim.csv")
    near = pd.read_csv(sensitivity / "prim_near.csv")
    scenarios = json.loads((sensitivity / "scenarios.json").read_text())
    points = pd.read_parquet(sensitivity / "points.parquet")
    observations = pd.read_csv(calibration / "observations.csv")
    posterior = pd.read_csv(calibration / "posterior.csv")
    predictive = pd.read_csv(calibration / "predictive.csv")
    conditions = pd.read_csv(calibration / "conditions.csv")
    weighted = pd.read_parquet(calibration / "posterior_points.parquet")
    draws = int(points.shape[0])  # Sobol points, for the text
    record = load_record(RECORD)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    for (analysis, source), name in FIGURES.items():
        with atomic_path(out / "figures" / name) as tmp:
            shutil.copyfile(results / analysis / source, tmp)

    def pred(house: str, outcome: str) -> pd.Series:
        return predictive[(predictive.house == house) & (predictive.outcome == outcome)].iloc[0]

    rest, whole = REST, WHOLE
    fresh_runs = int(pred(whole, "coalition_formed")["runs"])
    moved = informed(posterior)
    constrained, free = posterior[moved].sort_values("width_ratio"), posterior[~moved]
    houses = list(dict.fromkeys(predictive.house))
    feasible = "; ".join(feasibility_text(r) for r in feasibility[feasibility.house.str.startswith("2023")]
                         .to_dict("records"))
    ess, prior_draws = float(posterior["effective_points"].iloc[0]), int(posterior["draws"].iloc[0])
    given = "; ".join(f"{e.party.upper() if len(e.party) <= 4 else e.party} for {e.trigger} in session "
                      f"{e.session + 1}" for e in record.expulsions.events) or "none"

    lines = [
        "# Findings",
        "",
        "Generated by `python experiments/findings.py` from the saved results of "
        "`experiments/sensitivity.py` and `experiments/calibration.py`; every number below is read from "
        "those files. The declared uncertainty is `configs/analysis/uncertainty.yaml` "
        f"({len(posterior)} parameters, each with its prior and reason); the observed record is "
        f"`configs/analysis/observed_2023.yaml` (every expulsion of the house's first {record.sessions} sessions, "
        f"{given}, and {len(record.observations)} observations over them).",
        "",
        "## The answer",
        "",
        "**Can** (the arithmetic of the house as elected, before any behaviour; "
        f"`experiments/results/voting_power/feasibility.csv`), in the 2023 house: {feasible}.",
        "",
        f"**Would.** Given what the 2023 Majilis did, a coalition of non-ruling players forms in the rest of the "
        f"convocation in {interval(pred(rest, 'coalition_formed'))}; one that reaches the blocking minority in "
        f"{interval(pred(rest, 'coalition_blocking'))}. The Government loses "
        f"{interval(pred(rest, 'gov_defeats'), share=False)} bills in those sessions "
        f"({pred(rest, 'gov_defeats')['sessions']} of the term). How far the house is from a bloc, the best "
        f"bloc's margin (the value of its least willing member, in shares of the house's decisions), is "
        f"{interval(pred(rest, 'coalition_margin'), share=False)}; over the whole prior it rests on "
        f"{top(indices, 'coalition_margin', 3)}.",
        "",
        "**Lasts.** The share of a term's sessions in which a coalition holds: "
        + "; ".join(f"{pred(h, 'coalition_share_of_sessions')['mean']:.3f} in the {h}" for h in houses) + ".",
        "",
        "| house | " + " | ".join(LABELS[o.name] for o in ANALYSED) + " |",
        "|---|" + "---|" * len(ANALYSED),
        *[f"| {house} | " + " | ".join(cell(pred(house, o.name), o.kind == "binary") for o in ANALYSED) + " |"
          for house in houses],
        "",
        f"Each cell: the posterior predictive mean over {int(pred(whole, 'coalition_formed')['points'])} "
        "parameter points drawn from the posterior and their runs; in brackets, for a probability its 95 % Wilson "
        "interval taken on the points (each point counts once, with the share of its runs, so the interval "
        "carries both the parameter uncertainty and the run-to-run noise), or \"none in N runs\" where it never "
        "happened; for a count, the central range of the points' means that holds the mean (5-95 %, wider "
        f"where the mean would fall outside). The rest of the convocation (sessions "
        f"{pred(rest, 'coalition_formed')['sessions']}) is read from the ABC's own runs, one at each of the "
        f"{int(pred(rest, 'coalition_formed')['runs']):,} prior draws that matched the record, weighted by their "
        "likelihood of its expulsions: each did what the house did in the record's sessions, so its later "
        f"sessions are a draw from the posterior predictive. The other rows start afresh ({fresh_runs:,} runs "
        "each).",
        "",
        "![posterior predictive](figures/calibration_predictive.png)",
        "",
        "*The answer per house with its uncertainty: dots are posterior predictive means, bars their 95 % "
        "intervals on posterior points (probabilities) or the range of the points' means (counts).*",
        "",
        "## Under what conditions a blocking coalition would form",
        "",
        *conditions_text(conditions),
        "",
        "![conditions](figures/calibration_conditions.png)",
        "",
        "*P(a coalition reaches the blocking minority) against every player's opposition intent, a line per "
        "risk weight, each cell at posterior points of every other assumption; bands are 95 % intervals.*",
        "",
        "## Where over the prior a coalition is within reach",
        "",
        f"Scenario discovery with PRIM (Bryant & Lempert 2010; `sim.analysis.scenarios`, docs/ODD.md 8.6) over "
        f"{scenarios['points']:,} independent draws from the prior, one run each, leaving out the "
        f"{scenarios['collapsed']:,} runs where the ruling party collapsed by its own expulsions (no opposition "
        f"route): the best bloc's margin is positive in some session of {scenarios['within_reach']:,} of them "
        f"(base rate {pct(float(prim['base_rate'].iloc[0]))}), so the least box PRIM may peel to holds "
        f"{pct(scenarios['least_mass'])} of the draws. Coverage: the share of those runs the box holds; density: "
        "the share of the box's points that are such points.",
        "",
        *box_table(prim),
        "",
        f"Within reach is too rare for boxes of much meaning, so PRIM also describes where a bloc is near it: "
        f"its least willing member short by at most {-scenarios['near']:g} of the house's decisions (twice the "
        f"most an opposition bloc's power can be worth there), in {scenarios['near_reach']:,} of the draws "
        f"(base rate {pct(float(near['base_rate'].iloc[0]))}):",
        "",
        *box_table(near),
        "",
        (f"{prim['note'].iloc[-1].capitalize()}. " if isinstance(prim['note'].iloc[-1], str) else "")
        + mechanism(scenarios),
        "",
        "## What the record says about the assumptions",
        "",
        f"ABC drew {prior_draws:,} prior points and ran each once, given the record's expulsions; "
        f"{len(weighted):,} matched every observation, and weighted by their likelihood of the expulsions they are "
        f"an effective sample of {ess:,.0f} posterior points (`sim.analysis.posterior`, docs/ODD.md 8.4). How "
        "strongly each part of the record constrains, as the share of prior runs consistent with it alone (for "
        "the expulsions, the prior probability of exactly those):",
        "",
        "| observation | observed | tolerance | prior runs consistent |",
        "|---|---|---|---|",
        *[f"| {r.observation} | {r.observed:g} | {r.tolerance:g} | {pct(r.prior_runs_consistent)} |"
          for r in observations.itertuples()],
        "",
        "What the record moves (posterior 90 % interval under 0.8 of the prior's, or the median moved by a "
        "tenth of the prior range or more): "
        + (", ".join(f"`{r.parameter}` median {r.posterior_median:.3g} (prior {r.prior_median:.3g}), 90 % "
                     f"{r.posterior_5:.3g}-{r.posterior_95:.3g}, width x{r.width_ratio:.2f}"
                     for r in constrained.itertuples()) or "nothing")
        + ". Left at their prior: " + ", ".join(f"`{p}`" for p in free.parameter) + ".",
        "",
        "![posterior](figures/calibration_posterior.png)",
        "",
        "*Prior (grey) against weighted posterior (line) for every assumption; the ones the record moved first.*",
        "",
        "## Which assumptions the answer rests on",
        "",
        f"Sobol indices over the whole prior ({draws:,} points, each the mean of its replicates; `indices.csv` "
        "has S1, ST and their 95 % bootstrap intervals, and Morris mu* and sigma, for every parameter). "
        f"Over the whole prior a blocking coalition forms in {pct(points['coalition_blocking'].mean())} of "
        "runs, so its indices rest on few points and their intervals are wide:",
        "",
        *[f"- {o.axis}: {top(indices, o.name)}" for o in ANALYSED],
        "",
        "![Sobol indices](figures/sensitivity_sobol.png)",
        "",
        "*Total (bar) and first-order (dot) Sobol indices of each assumption, per outcome.*",
        "",
        "![Morris screening](figures/sensitivity_morris.png)",
        "",
        "*Morris screening: how much each assumption moves an outcome (mu*) against how much that depends on the "
        "others (sigma).*",
        "",
        "## The seed's claims",
        "",
        *claims(pred, indices, posterior, prim, scenarios, feasible),
    ]
    with atomic_path(out / "FINDINGS.md") as tmp:
        tmp.write_text("\n".join(lines))
    print(f"wrote {out / 'FINDINGS.md'} and its figures in {out / 'figures'}/")


def box_table(boxes: pd.DataFrame) -> list[str]:
    """PRIM's boxes as a table, or the one line that says why there is none."""
    rows = [r for r in boxes.itertuples() if pd.notna(r.box)]
    if not rows:
        return [f"PRIM found no box: {boxes['note'].iloc[-1]}."]
    return ["| box | where (prior ranges elsewhere) | coverage | density | share of the prior | draws |",
            "|---|---|---|---|---|---|",
            *[f"| {r.box} | {r.limits} | {pct(r.coverage)} | {pct(r.density)} | {pct(r.mass)} | {r.points:,} |"
              for r in rows]]


def conditions_text(conditions: pd.DataFrame) -> list[str]:
    """Per house of the conditions: where (at which intent and risk weight) a blocking coalition is
    likelier than not, and what it is at the default, or that it never formed."""
    first, second = [c for c in conditions.columns if "." in c][:2]
    lines = []
    for house, rows in conditions.groupby("house", sort=False):
        runs, points = int(rows["runs"].sum()), int(rows["points"].iloc[0])
        if rows["runs_with"].sum() == 0:
            lines.append(f"- **{house}**: not once in {runs:,} runs over the whole grid ({len(rows)} cells of "
                         f"{points} posterior points each): at any intent and any risk weight of their priors.")
            continue
        best = rows.loc[rows["probability"].idxmax()]
        likely = rows[rows["ci_low"] > 0.5]
        where = ("; ".join(f"{r[first]:g} with {r[second]:g}" for _, r in likely.iterrows())
                 if len(likely) else "in no cell")
        lines.append(f"- **{house}**: at most {pct(best['probability'])} (95 % {pct(best['ci_low'])}-"
                     f"{pct(best['ci_high'])}), at `{first}` {best[first]:g} and `{second}` {best[second]:g}; "
                     f"likelier than not (the whole interval above 50 %) at intent with risk weight: {where}.")
    return lines


def mechanism(scenarios: dict) -> str:
    """What else happens inside PRIM's first box, against the rest (medians of the counted outcomes)."""
    median = scenarios["median"]
    names = sorted({k.rsplit("_", 1)[0] for k in median})
    parts = [f"{registry.outcome(n).label} {median[f'{n}_inside']:.3g} inside against {median[f'{n}_outside']:.3g}"
             for n in names if median.get(f"{n}_inside") is not None and median.get(f"{n}_outside") is not None]
    return ("In the first box the median term has " + "; ".join(parts) + ".") if parts else ""


if __name__ == "__main__":
    main()
