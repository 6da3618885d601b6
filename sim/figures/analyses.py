"""Figures of the uncertainty analyses, drawn from their tables: Sobol and Morris indices, prior against
posterior, and the posterior predictive answer per house."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator, PercentFormatter

from sim.analysis.posterior import informed
from sim.figures.results import BLOCK_COLOUR, MAIN_COLOUR, _save
from sim.figures.words import parameter_label
from sim.outcomes import registry

S1_COLOUR = "#7570b3"


def sobol_figure(indices: pd.DataFrame, path: Path) -> Path:
    """One panel per outcome: each parameter's total index ST (bar, 95 % bootstrap interval) and
    first-order index S1 (dot), parameters sorted by their largest ST over the outcomes."""
    analysed = registry.outcomes(analysed=True)
    sobol = indices[indices.method == "sobol"]
    order = sobol.groupby("parameter")["ST"].max().sort_values().index
    fig, axes = plt.subplots(1, len(analysed), figsize=(4.2 * len(analysed), 0.32 * len(order) + 1.6),
                             sharey=True)
    y = np.arange(len(order))
    for ax, outcome in zip(axes, analysed, strict=True):
        rows = sobol[sobol.outcome == outcome.name].set_index("parameter").reindex(order)
        ax.set_title(outcome.axis, fontsize=10)
        if not rows["ST"].fillna(0).any():  # NaN or 0 everywhere: the outcome never varied over the points
            ax.text(0.5, 0.5, "never varies:\nno variance to share", ha="center", va="center",
                    transform=ax.transAxes, color="grey")
        st = rows["ST"].clip(0, 1)
        # Intervals past [0, 1] (a rare or heavy-tailed outcome) are cut at the axis and marked.
        low, high = (rows["ST"] - rows["ST_conf"]).clip(0, 1), (rows["ST"] + rows["ST_conf"]).clip(0, 1)
        spread = np.array([st - low, high - st])
        ax.barh(y, st, xerr=spread, color=MAIN_COLOUR, alpha=0.8, error_kw={"elinewidth": 0.8, "capsize": 2},
                label="total (ST), 95 % interval")
        cut = (rows["ST"] + rows["ST_conf"] > 1).to_numpy()
        ax.plot(np.ones(cut.sum()), y[cut], ">", color="black", markersize=4)
        ax.plot(rows["S1"].clip(0, 1), y, "o", color=S1_COLOUR, markersize=4, label="first order (S1)")
        ax.set_xlim(0, 1.03)
        ax.set_xlabel("share of the outcome's variance")
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(y, [parameter_label(key) for key in order], fontsize=8)
    axes[0].legend(loc="lower right", fontsize=8)
    fig.suptitle("Sobol indices: which assumptions the answer rests on", y=1.0)
    fig.tight_layout()
    fig.text(0.5, -0.02, "Bars: total index ST with its 95 % bootstrap interval (an arrowhead: the interval goes "
             "past 1, as for a rare outcome); dots: first-order index S1. ST - S1 is what a parameter carries "
             "through interactions with the others.", ha="center", fontsize=9)
    return _save(fig, path)


def morris_figure(indices: pd.DataFrame, path: Path) -> Path:
    """One panel per outcome: mu* (how much a parameter moves the outcome) against sigma (how much
    that depends on the other parameters), the five largest labelled."""
    analysed = registry.outcomes(analysed=True)
    morris = indices[indices.method == "morris"]
    fig, axes = plt.subplots(1, len(analysed), figsize=(4.2 * len(analysed), 4))
    for ax, outcome in zip(axes, analysed, strict=True):
        rows = morris[morris.outcome == outcome.name]
        ax.set_title(outcome.axis, fontsize=10)
        if not rows["mu_star"].fillna(0).any():  # no parameter moved it anywhere on the trajectories
            ax.text(0.5, 0.5, "never varies:\nno effect to screen", ha="center", va="center",
                    transform=ax.transAxes, color="grey")
            ax.set_xticks([])
            ax.set_yticks([])
            continue
        ax.scatter(rows["mu_star"], rows["sigma"], color=MAIN_COLOUR, s=18)
        top = max(float(rows["mu_star"].max()), float(rows["sigma"].max()), 1e-9)
        # Labels of the five largest effects, stacked downwards from the highest so that none overlap
        # (the largest effects often sit close together), each joined to its point by a thin line.
        label_y = np.inf
        for _, row in rows.nlargest(5, "mu_star").sort_values("sigma", ascending=False).iterrows():
            label_y = min(row["sigma"], label_y - 0.07 * top)
            ax.annotate(parameter_label(row["parameter"]), (row["mu_star"], row["sigma"]),
                        xytext=(row["mu_star"] + 0.06 * top, label_y), fontsize=7, va="center",
                        arrowprops={"arrowstyle": "-", "color": "grey", "linewidth": 0.5})
        ax.plot([0, top], [0, top], color="grey", linewidth=0.8, linestyle=":")
        ax.set_xlabel("mu* (mean |elementary effect|)")
        ax.set_ylabel("sigma")
        ax.grid(alpha=0.3)
    fig.suptitle("Morris screening (above the dotted line: effects that depend on other parameters)", y=1.0)
    fig.tight_layout()
    return _save(fig, path)


def posterior_figure(table: pd.DataFrame, prior: np.ndarray, posterior: np.ndarray, path: Path,
                     w: np.ndarray | None = None, truth: np.ndarray | None = None) -> Path:
    """One panel per parameter: the prior's draws and the posterior's (the draws whose runs matched the
    observed record, weighted by `w`), as densities over the prior range; the parameters the record
    moved first, their titles highlighted, the most narrowed first."""
    n = len(table)
    cols = 4
    fig, axes = plt.subplots(-(-n // cols), cols, figsize=(3.4 * cols, 2.2 * -(-n // cols)))
    moved = informed(table).to_numpy()
    order = np.lexsort((table["width_ratio"].to_numpy(), ~moved))
    for ax, j in zip(axes.ravel(), order, strict=False):
        row = table.iloc[j]
        bins = np.linspace(row["low"], row["high"], 21)
        ax.hist(prior[:, j], bins=bins, density=True, color="lightgrey", label="prior")
        ax.hist(posterior[:, j], bins=bins, weights=w, density=True, histtype="step", color=BLOCK_COLOUR,
                linewidth=1.6, label="posterior")
        if truth is not None:
            ax.axvline(truth[j], color="black", linewidth=1)
        said = "moved by the record" if moved[j] else "left near the prior"
        ax.set_title(f"{parameter_label(row['parameter'])}\n{said}: width x{row['width_ratio']:.2f}", fontsize=9,
                     color=BLOCK_COLOUR if moved[j] else "black", fontweight="bold" if moved[j] else "normal")
        ax.set_yticks([])
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.tick_params(labelsize=7)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    axes.ravel()[0].legend(fontsize=7)
    size = (f"{len(posterior)} of {len(prior)} prior draws matched it" if w is None else
            f"{len(prior)} prior draws, weighted: an effective {1 / np.sum((w / w.sum()) ** 2):.0f} posterior points")
    fig.suptitle(f"What the 2023 record says about each assumption: {size}\n(width: posterior 90 % interval over "
                 "the prior's; highlighted: what the record moved)", y=1.0, fontsize=10)
    fig.tight_layout()
    return _save(fig, path)


def predictive_figure(table: pd.DataFrame, path: Path) -> Path:
    """Per outcome, per house: the posterior predictive mean (dot); for a probability its 95 % interval on
    posterior points (bar), and "none in N runs" where it never happened; for a count the central range
    of the per-point means that holds the mean (bar)."""
    outcomes = [o for o in registry.outcomes(analysed=True) if o.name in set(table["outcome"])]
    houses = list(dict.fromkeys(table["house"]))
    fig, axes = plt.subplots(1, len(outcomes), figsize=(4 * len(outcomes), 0.6 * len(houses) + 1.8), sharey=True)
    y = np.arange(len(houses))[::-1]
    for ax, outcome in zip(np.atleast_1d(axes), outcomes, strict=True):
        rows = table[table.outcome == outcome.name].set_index("house").reindex(houses)
        share = outcome.kind == "binary"
        low, high = (rows["ci_low"], rows["ci_high"]) if share else (rows["point_low"], rows["point_high"])
        ax.hlines(y, low, high, color=MAIN_COLOUR, linewidth=4, alpha=0.5)
        ax.plot(rows["mean"], y, "o", color=MAIN_COLOUR)
        ax.set_title(outcome.axis, fontsize=10)
        ax.set_xlabel("95 % interval on posterior points" if share else
                      "posterior points' means (5-95 %, or wider to hold the mean)", fontsize=8)
        if share and "runs_with" in rows:
            for at, (runs, found) in zip(y, rows[["runs", "runs_with"]].to_numpy(), strict=True):
                if found == 0:
                    ax.text(0.98, at, f"none in {int(runs):,} runs", transform=ax.get_yaxis_transform(),
                            ha="right", va="center", fontsize=7, color="grey")
        if share:
            ax.set_xlim(-0.01, max(0.1, float(np.nanmax(high)) * 1.2))
            # Ticks at whole percents (a tick at 2.5 % would read '2%' with no decimals).
            ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
            ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        elif outcome.kind != "continuous":  # counts and shares start at 0; a margin may be negative
            ax.set_xlim(left=0)
        if rows["mean"].isna().any():  # the margin where an elected house has no bloc to form
            for at in y[rows["mean"].isna().to_numpy()]:
                ax.text(0.5, at + 0.3, "no bloc in some runs", transform=ax.get_yaxis_transform(), ha="center",
                        va="center", fontsize=8, color="grey")  # above its bar
        ax.grid(axis="x", alpha=0.3)
    sessions = table.drop_duplicates("house").set_index("house")["sessions"]
    np.atleast_1d(axes)[0].set_yticks(y, [f"{h}\n(sessions {sessions[h]})" for h in houses], fontsize=8)
    fig.suptitle("The answer with its uncertainty, at the parameters the 2023 record allows", y=1.0, fontsize=10)
    fig.tight_layout()
    return _save(fig, path)


def conditions_figure(table: pd.DataFrame, path: Path) -> Path:
    """One panel per house: the probability of the table's outcome (conditional_table) against the first
    condition, a line per value of the second with its 95 % interval as a band, both in their units and
    at their real spacing."""
    first, second = [c for c in table.columns if "." in c][:2]
    outcome = registry.outcome(str(table["outcome"].iloc[0]))
    houses = list(dict.fromkeys(table["house"]))
    fig, axes = plt.subplots(1, len(houses), figsize=(5.2 * len(houses), 4.2), sharey=True, squeeze=False)
    values = sorted(table[second].unique())
    colours = plt.get_cmap("viridis")(np.linspace(0, 0.9, len(values)))
    for ax, house in zip(axes[0], houses, strict=True):
        rows = table[table.house == house]
        for value, colour in zip(values, colours, strict=True):
            line = rows[rows[second] == value].sort_values(first)
            ax.plot(line[first], line["probability"], "o-", color=colour, markersize=3, label=f"{value:g}")
            ax.fill_between(line[first], line["ci_low"], line["ci_high"], color=colour, alpha=0.15, linewidth=0)
        runs, points = int(rows["runs"].sum()), int(rows["points"].iloc[0])
        title = f"{house}\n{points} posterior points a cell, {runs:,} runs"
        if rows["runs_with"].sum() == 0:
            ax.text(0.5, 0.55, f"not once in {runs:,} runs:\nthe band is the sampling interval alone", ha="center",
                    va="center", transform=ax.transAxes, color="grey", fontsize=9)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(parameter_label(first))
        ax.set_ylim(-0.02, 1.02)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel(outcome.axis)
    axes[0][-1].legend(title=parameter_label(second), fontsize=8, title_fontsize=8, loc="upper left")
    fig.suptitle(f"P({outcome.label}) over what the 2023 record cannot identify, every other assumption at "
                 "its posterior", y=1.0, fontsize=11)
    fig.tight_layout()
    fig.text(0.5, -0.03, "Each cell sets these two parameters and runs posterior points of every other one (drawn "
             "in proportion to their weights); bands: 95 % Wilson intervals on points.", ha="center", fontsize=9)
    return _save(fig, path)
