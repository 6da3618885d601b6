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
import shutil
from pathlib import Path

import pandas as pd
from calibration import DRAWS, HOUSES, POINTS, REST
from calibration import REPLICATES as PREDICTIVE_REPLICATES
from sensitivity import REPLICATES, SOBOL_N, TRAJECTORIES
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
           ("calibration", "predictive.png"): "calibration_predictive.png"}
# What the text reads from each analysis, besides its figures, and the command that writes them.
READS = {"voting_power": ("python experiments/voting_power.py", ("feasibility.csv",)),
         "sensitivity": ("python experiments/sensitivity.py", ("indices.csv", "region.csv", "region.json",
                                                               "points.parquet")),
         "calibration": ("python experiments/calibration.py", ("observations.csv", "posterior.csv", "predictive.csv",
                                                               "posterior_points.parquet"))}
ANALYSED = registry.outcomes(analysed=True)
LABELS = {o.name: o.axis for o in ANALYSED}
# The 2023 house's whole term, started afresh at posterior points (the first of HOUSES).
WHOLE = HOUSES[0][0]


def pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def interval(row: pd.Series, share: bool = True) -> str:
    """A predictive row's mean with its interval (experiments/calibration.py, predictive_rows)."""
    if share:
        return f"{pct(row['mean'])} (95 % interval {pct(row['ci_low'])}-{pct(row['ci_high'])})"
    return (f"{row['mean']:.2f} (posterior points' means, 5-95 %: {row['point_low']:.2f}-{row['point_high']:.2f}; "
            f"single runs {row['run_low']:.0f}-{row['run_high']:.0f})")


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


# A probability whose 95 % interval stays below this is read as "does not happen" in the claims.
RARE = 0.05
# Fewer points than this in a region are not described by their envelope.
FEW = 5


def claims(pred, indices: pd.DataFrame, posterior: pd.DataFrame, region: pd.DataFrame, box: dict,
           record_expulsions: float) -> list[str]:
    """Each testable claim of the seed analysis (paraphrased), what the model says, what it rests on,
    and what would flip it; the numbers, and the verdicts, from the results."""
    rest, whole = REST, WHOLE
    blocking = pred(rest, "coalition_blocking")
    narrow = region[region.span < 0.5]
    conditions = ", ".join(f"`{r.parameter}` {r.low:.3g}-{r.high:.3g}" for r in narrow.itertuples()) or "none"
    median = box["median"]
    flips = (f"at every point of the prior where a coalition blocks in at least half the runs ({box['inside']} "
             f"of {box['points']}): {conditions}. The median term there has "
             f"{median['expulsions_inside']:.0f} expulsions and {median['gov_defeats_inside']:.0f} Government "
             f"defeats (elsewhere {median['expulsions_outside']:.0f} and {median['gov_defeats_outside']:.1f}; "
             f"the record: {record_expulsions:g} expulsion in three sessions). Wherever a coalition forms at all "
             f"({box['points_with_a_coalition']} points), the term has at least "
             f"{box['least_where_one_forms']['expulsions']:.0f} expulsions") if box["inside"] >= FEW else \
        (f"only {box['inside']} of {box['points']} points of the prior give a blocking coalition in half their "
         "runs, too few to describe where")
    minority = pred("ruling_minority", "coalition_blocking")
    counterfactual = {h: pred(h, "coalition_formed") for h in
                      ("registered_opposition", "free_and_fair", "two_terms, second term")}
    house = pred(whole, "coalition_formed")
    # Registration binds where a house with other registration rules differs from the 2023 house's,
    # beyond both intervals.
    registration_binds = any(r["ci_low"] > house["ci_high"] or r["ci_high"] < house["ci_low"]
                             for r in counterfactual.values())
    return [
        "**1. A more plural Majilis will not effectively oppose the President and the ruling party.** "
        + ("The model agrees" if blocking["ci_high"] < RARE else "The model does not agree")
        + f": P(a coalition reaches the blocking minority) in the rest of the convocation is {interval(blocking)}, "
        f"and the Government loses {interval(pred(rest, 'gov_defeats'), share=False)} bills there. Over the "
        f"whole prior the answer rests on {top(indices, 'coalition_blocking', 3)}. What would flip it: "
        f"{flips}. Or another house: with the ruling party short of a majority (`ruling_minority`) a "
        f"coalition blocks with probability {interval(minority)} at the parameters the record allows.",
        "",
        "**2. Registration hurdles and bias limit what the opposition can do in parliament.** "
        + ("Registration matters here" if registration_binds
           else "In the model registration is not what binds (the intervals overlap)")
        + f": P(a coalition forms) is {interval(house)} in the 2023 house, "
        + "; ".join(f"{interval(r)} in `{h}`" for h, r in counterfactual.items())
        + ". The registration threat works through discipline instead: the variance of Government defeats "
        f"over the prior rests on {top(indices, 'gov_defeats', 2)}.",
        "",
        "**3. Coalition building is hard for the opposition.** How far the house is from a bloc (the best "
        "bloc's margin) rests on these total Sobol indices of the coalition game's parameters and the "
        f"parties' intent: {', '.join(_st(indices, k) for k in _coalition_keys(indices))}; in the ruling "
        f"party's absence of a majority (`ruling_minority`) the same calibrated parties form one with "
        f"probability {interval(minority)}.",
        "",
        "**4. Registration goes to parties the administration does not see as a threat.** On how willing the "
        f"registered parties are to oppose, the record {param_range(posterior, 'minor.opposition_intent')}. "
        f"On how far they lean to the executive, it {param_range(posterior, 'minor.regime_alignment')}.",
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
    return short


def write_findings(results: Path, out: Path) -> None:
    """FINDINGS.md into `out`, the analyses' figures into `out`/figures/ (where it links them)."""
    sensitivity, calibration = results / "sensitivity", results / "calibration"
    feasibility = pd.read_csv(results / "voting_power" / "feasibility.csv").convert_dtypes()  # counts as integers
    indices = pd.read_csv(sensitivity / "indices.csv")
    region = pd.read_csv(sensitivity / "region.csv")
    box = json.loads((sensitivity / "region.json").read_text())
    points = pd.read_parquet(sensitivity / "points.parquet")
    observations = pd.read_csv(calibration / "observations.csv")
    posterior = pd.read_csv(calibration / "posterior.csv")
    predictive = pd.read_csv(calibration / "predictive.csv")
    accepted = len(pd.read_parquet(calibration / "posterior_points.parquet"))
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

    lines = [
        "# Findings",
        "",
        "Generated by `python experiments/findings.py` from the saved results of "
        "`experiments/sensitivity.py` and `experiments/calibration.py`; every number below is read from "
        "those files. The declared uncertainty is `configs/analysis/uncertainty.yaml` "
        f"({len(posterior)} parameters, each with its prior and reason); the observed record is "
        f"`configs/analysis/observed_2023.yaml` ({len(observations)} observations over the house's first "
        f"{record.sessions} sessions).",
        "",
        "## The answer",
        "",
        "**Can** (the arithmetic of the house as elected, before any behaviour; "
        "`experiments/results/voting_power/feasibility.csv`), in the 2023 house: "
        + "; ".join(feasibility_text(r) for r in feasibility[feasibility.house.str.startswith("2023")]
                    .to_dict("records")) + ".",
        "",
        f"**Would.** Given what the 2023 Majilis did, the chance that a coalition of non-ruling players forms in "
        f"the rest of the convocation is {interval(pred(rest, 'coalition_formed'))}; that it reaches the "
        f"blocking minority, {interval(pred(rest, 'coalition_blocking'))}. The Government loses "
        f"{interval(pred(rest, 'gov_defeats'), share=False)} bills in those sessions "
        f"({pred(rest, 'gov_defeats')['sessions']} of the term). How far the house is from a bloc, the best "
        f"bloc's margin (the value of its least willing member, in shares of the house's decisions), is "
        f"{interval(pred(rest, 'coalition_margin'), share=False)}; over the whole prior it rests on "
        f"{top(indices, 'coalition_margin', 3)}.",
        "",
        "**Lasts.** The share of a term's sessions in which a coalition holds: "
        + "; ".join(f"{pred(h, 'coalition_share_of_sessions')['mean']:.3f} in `{h}`" for h in houses) + ".",
        "",
        "| house | " + " | ".join(LABELS[o.name] for o in ANALYSED) + " |",
        "|---|" + "---|" * len(ANALYSED),
    ]
    for house in houses:
        cells = []
        for o in ANALYSED:
            r = pred(house, o.name)
            if o.kind == "binary":
                cells.append(f"{pct(r['mean'])} ({pct(r['ci_low'])}-{pct(r['ci_high'])})")
            elif pd.isna(r["mean"]):  # the margin where some elected houses have fewer than two non-ruling players
                cells.append("none: some runs elect no bloc to form")
            else:
                cells.append(f"{r['mean']:.2f} ({r['point_low']:.2f}-{r['point_high']:.2f})")
        lines.append(f"| {house} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Each cell: the posterior predictive mean over {int(pred(whole, 'coalition_formed')['points'])} "
        f"posterior parameter points and their runs; in brackets, for a probability its 95 % Wilson interval "
        "taken on the points (each point counts once, with the share of its runs, so the interval carries "
        "both the parameter uncertainty and the run-to-run noise), for a count the 5th-95th percentiles of "
        f"the points' means. The rest of the convocation (sessions {pred(rest, 'coalition_formed')['sessions']}) "
        f"is read from the ABC's own runs, one at each of the {int(pred(rest, 'coalition_formed')['runs'])} "
        "accepted points: each did what the house did in the record's sessions, so its later sessions are a "
        f"draw from the posterior predictive. The other rows start afresh ({fresh_runs} runs each).",
        "",
        "![posterior predictive](figures/calibration_predictive.png)",
        "",
        "## What the record says about the assumptions",
        "",
        f"Rejection ABC kept {accepted} parameter points whose run matched every observation. How strongly "
        "each observation constrains, as the share of prior runs consistent with it alone:",
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
        "## Which assumptions the answer rests on",
        "",
        f"Sobol indices over the whole prior ({draws} points, each the mean of its replicates; `indices.csv` "
        "has S1, ST and their 95 % bootstrap intervals, and Morris mu* and sigma, for every parameter). "
        f"Over the whole prior a blocking coalition forms in {pct(points['coalition_blocking'].mean())} of "
        "runs, so its indices rest on few points and their intervals are wide:",
        "",
        *[f"- {o.axis}: {top(indices, o.name)}" for o in ANALYSED],
        "",
        "![Sobol indices](figures/sensitivity_sobol.png)",
        "",
        "![Morris screening](figures/sensitivity_morris.png)",
        "",
        "## The seed's claims",
        "",
        *claims(pred, indices, posterior, region, box,
                next(o.observed for o in record.observations if o.name == "expulsions")),
    ]
    with atomic_path(out / "FINDINGS.md") as tmp:
        tmp.write_text("\n".join(lines))
    print(f"wrote {out / 'FINDINGS.md'} and its figures in {out / 'figures'}/")


if __name__ == "__main__":
    main()
