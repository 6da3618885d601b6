"""Write docs/FINDINGS.md from the saved results of the uncertainty analyses; no number is typed here.

    python experiments/sensitivity.py && python experiments/calibration.py && python experiments/findings.py

Reads experiments/results/sensitivity/ and experiments/results/calibration/, copies their figures to
docs/figures/, and states each testable claim of the seed analysis with what the model says, the
assumptions the answer rests on, and what would have to change for it to flip.
"""

from __future__ import annotations

import json
import shutil

import pandas as pd
from study import FIGURES, RECORD, RESULTS, ROOT

from sim.calibration import load_record
from sim.measures import ANALYSED
from sim.results import atomic_path

SENSITIVITY, CALIBRATION = RESULTS / "sensitivity", RESULTS / "calibration"
OUT = ROOT / "docs" / "FINDINGS.md"
COPIES = {SENSITIVITY / "sobol.png": "sensitivity_sobol.png", SENSITIVITY / "morris.png": "sensitivity_morris.png",
          CALIBRATION / "posterior.png": "calibration_posterior.png",
          CALIBRATION / "predictive.png": "calibration_predictive.png"}
LABELS = {o.column: o.label for o in ANALYSED}


def pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def interval(row: pd.Series, share: bool = True) -> str:
    """'mean (90 % interval low-high)' of a predictive row."""
    if share:
        return f"{pct(row['mean'])} (90 % interval over the posterior {pct(row['low'])}-{pct(row['high'])})"
    return (f"{row['mean']:.2f} a term (90 % interval of the point means {row['low']:.2f}-{row['high']:.2f}; "
            f"of single runs {row['run_low']:.0f}-{row['run_high']:.0f})")


def top(indices: pd.DataFrame, outcome: str, k: int = 3) -> str:
    """The k parameters with the largest total Sobol index for `outcome`, with ST and S1."""
    rows = indices[(indices.method == "sobol") & (indices.outcome == outcome)].nlargest(k, "ST")
    if rows.empty or rows["ST"].isna().all():
        return "none (the outcome never varied over the sampled points)"
    return ", ".join(f"`{r.parameter}` (ST {r.ST:.2f} ± {r.ST_conf:.2f}, S1 {r.S1:.2f})" for r in rows.itertuples())


def param_range(posterior: pd.DataFrame, key: str) -> str:
    r = posterior[posterior.parameter == key].iloc[0]
    return (f"`{key}` {r.posterior_median:.2f} (90 % {r.posterior_5:.2f}-{r.posterior_95:.2f}; prior "
            f"{r.low:g}-{r.high:g})")


def claims(pred, indices: pd.DataFrame, posterior: pd.DataFrame, region: pd.DataFrame, box: dict) -> list[str]:
    """Each testable claim of the seed analysis (paraphrased), what the model says, what it rests on,
    and what would flip it; the numbers from the results."""
    rest, whole = "2023 house, rest of convocation", "2023 house, whole term"
    narrow = region[region.span < 0.5]
    conditions = ", ".join(f"`{r.parameter}` {r.low:.3g}-{r.high:.3g}" for r in narrow.itertuples()) or "none"
    flips = (f"a blocking coalition in at least half the runs needs, at every such point of the prior, {conditions} "
             f"({box['inside']} of {box['points']} points); there the median term has "
             f"{box['median']['expulsions_inside']:.0f} expulsions and {box['median']['gov_defeats_inside']:.0f} "
             f"Government defeats (elsewhere {box['median']['expulsions_outside']:.0f} and "
             f"{box['median']['gov_defeats_outside']:.1f})") if box["inside"] else "no point of the prior gives one"
    minority = pred("ruling_minority", "coalition_blocking")
    return [
        "**1. A more plural Majilis will not effectively oppose the President and the ruling party.** "
        f"The model agrees: P(a coalition reaches the blocking minority) in the rest of the convocation "
        f"{interval(pred(rest, 'coalition_blocking'))}, Government defeats "
        f"{interval(pred(rest, 'gov_defeats'), share=False)}. It rests on {top(indices, 'coalition_blocking', 3)}. "
        f"What flips it: {flips}. Or a different house: with the ruling party short of a majority "
        f"(`ruling_minority`), P(blocking) is {interval(minority)} at the calibrated parameters.",
        "",
        "**2. Registration hurdles and bias limit the opposition's legislative impact.** "
        f"Registering the refused parties changes P(a coalition forms) from "
        f"{pct(pred(whole, 'coalition_formed')['mean'])} to "
        f"{interval(pred('registered_opposition', 'coalition_formed'))} (`registered_opposition`); a free and "
        f"fair election to {interval(pred('free_and_fair', 'coalition_formed'))}; after a second election "
        f"under the threat of losing registration, {interval(pred('two_terms, second term', 'coalition_formed'))}. "
        f"What decides the Government's defeats is discipline, not registration: {top(indices, 'gov_defeats', 2)}.",
        "",
        "**3. Coalition building is hard for the opposition.** In the model it is not the cost of building "
        "that binds but what a coalition could decide: the coalition parameters' total indices for P(a "
        f"coalition forms) are {', '.join(_st(indices, k) for k in COALITION_KEYS)}.",
        "",
        "**4. Registration goes to parties the administration does not see as a threat.** The record "
        f"puts the minor parties' opposition intent at {param_range(posterior, 'minor.opposition_intent')} and "
        f"their regime alignment at {param_range(posterior, 'minor.regime_alignment')}.",
        "",
    ]


COALITION_KEYS = ("coalition.weight", "coalition.risk_weight", "coalition.party_cost", "minor.opposition_intent")


def _st(indices: pd.DataFrame, key: str) -> str:
    r = indices[(indices.method == "sobol") & (indices.outcome == "coalition_formed") & (indices.parameter == key)]
    return f"`{key}` {r.ST.iloc[0]:.2f} ± {r.ST_conf.iloc[0]:.2f}" if len(r) else f"`{key}` (not declared)"


def main() -> None:
    indices = pd.read_csv(SENSITIVITY / "indices.csv")
    region = pd.read_csv(SENSITIVITY / "region.csv")
    box = json.loads((SENSITIVITY / "region.json").read_text())
    points = pd.read_parquet(SENSITIVITY / "points.parquet")
    observations = pd.read_csv(CALIBRATION / "observations.csv")
    posterior = pd.read_csv(CALIBRATION / "posterior.csv")
    predictive = pd.read_csv(CALIBRATION / "predictive.csv")
    accepted = len(pd.read_parquet(CALIBRATION / "posterior_points.parquet"))
    draws = int(pd.read_parquet(SENSITIVITY / "points.parquet").shape[0])  # Sobol points, for the text
    record = load_record(RECORD)
    for source, name in COPIES.items():
        shutil.copy(source, FIGURES / name)

    def pred(house: str, outcome: str) -> pd.Series:
        return predictive[(predictive.house == house) & (predictive.outcome == outcome)].iloc[0]

    rest, whole = "2023 house, rest of convocation", "2023 house, whole term"
    abc_runs = int(observations["prior_runs_consistent"].size and pred(whole, "coalition_formed")["runs"])
    constrained = posterior[posterior.width_ratio < 0.8].sort_values("width_ratio")
    free = posterior[posterior.width_ratio >= 0.8]
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
        f"Given what the 2023 Majilis did, the chance that a coalition of non-ruling players forms in the rest "
        f"of the convocation is {interval(pred(rest, 'coalition_formed'))}; that it reaches the blocking "
        f"minority, {interval(pred(rest, 'coalition_blocking'))}. The Government loses "
        f"{interval(pred(rest, 'gov_defeats'), share=False)} of its bills there (two sessions).",
        "",
        "| house | " + " | ".join(LABELS[o.column] for o in ANALYSED) + " |",
        "|---|" + "---|" * len(ANALYSED),
    ]
    for house in houses:
        cells = []
        for o in ANALYSED:
            r = pred(house, o.column)
            cells.append(f"{pct(r['mean'])} ({pct(r['low'])}-{pct(r['high'])})" if o.reduce == "any"
                         else f"{r['mean']:.2f} ({r['low']:.2f}-{r['high']:.2f})")
        lines.append(f"| {house} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Each cell: the posterior predictive mean over {int(pred(whole, 'coalition_formed')['points'])} "
        "posterior parameter points and their runs, and in brackets the 5th-95th percentiles of the "
        "per-point means (parameter uncertainty, plus the run-to-run noise of a point's replicates). The "
        "rest of the convocation is read from the runs whose first sessions match the record "
        f"({int(pred(rest, 'coalition_formed')['runs'])} of {abc_runs} runs); the other houses start afresh.",
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
        "Constrained by the record (posterior 90 % interval under 0.8 of the prior's): "
        + (", ".join(f"`{r.parameter}` {r.posterior_5:.3g}-{r.posterior_95:.3g} (prior {r.low:g}-{r.high:g}, "
                     f"width x{r.width_ratio:.2f})" for r in constrained.itertuples()) or "none")
        + ". Left at their prior: " + ", ".join(f"`{p}`" for p in free.parameter) + ".",
        "",
        "![posterior](figures/calibration_posterior.png)",
        "",
        "## Which assumptions the answer rests on",
        "",
        f"Sobol indices over the whole prior ({draws} points, each the mean of its replicates; `indices.csv` "
        "has S1, ST and their 95 % bootstrap intervals, and Morris mu* and sigma, for every parameter):",
        "",
        *[f"- {o.label}: {top(indices, o.column)}" for o in ANALYSED],
        "",
        "![Sobol indices](figures/sensitivity_sobol.png)",
        "",
        "![Morris screening](figures/sensitivity_morris.png)",
        "",
        "## The seed's claims",
        "",
        *claims(pred, indices, posterior, region, box),
        f"Mean P(blocking minority) over the Sobol points: {pct(points['coalition_blocking'].mean())}.",
        "",
    ]
    with atomic_path(OUT) as tmp:
        tmp.write_text("\n".join(lines))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
