"""Figures drawn from results tables (never from a model): one experiment, several side by side, a sweep."""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; no display is assumed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
from parliamentarch import get_seats_centers  # noqa: E402

from sim.figures.words import experiment_label, parameter_label, party_label, run_label, value_text  # noqa: E402
from sim.files import atomic_path  # noqa: E402
from sim.model.electoral import allocate_list_seats  # noqa: E402
from sim.outcomes import registry  # noqa: E402
from sim.outcomes.estimates import share, size_text  # noqa: E402
from sim.outcomes.summary import estimate  # noqa: E402

# (column, title, whether its values are whole numbers)
DISTRIBUTIONS = [
    ("coalition_max_seats", "largest opposition coalition (seats)", True),
    ("gov_defeats", "government bills defeated per term", True),
    ("expulsions", "expulsions per term", True),
    ("deputy_share_of_laws", "deputy-initiated share of laws", False),
    ("defections", "votes against the party line per term", False),
    ("mean_fear", "mean registration fear at term end", False),
]
# Heatmap panels of a two-parameter sweep: (outcome, probability or mean); titles from the registry.
SWEEP_PANELS = [
    ("coalition_formed", "probability"),
    ("coalition_blocking", "probability"),
    ("gov_defeats", "mean"),
    ("defections", "mean"),
]
PARTY_COLOURS = {
    "amanat": "#1f5fa8", "auyl": "#7cb342", "respublica": "#ef8a17", "ak_zhol": "#f4c430",
    "qhp": "#c62828", "osdp": "#e377c2", "baitak": "#2e7d32", "alga": "#6a1b9a", "namys": "#8d6e63",
    "apk": "#78909c", "self_nominated": "#bdbdbd",
}
BLOCK_COLOUR, MAJORITY_COLOUR, MAIN_COLOUR = "#d95f02", "#7570b3", "#1b9e77"


def _save(fig: plt.Figure, path: Path) -> Path:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=120, bbox_inches="tight")
    plt.close(fig)
    return path


def _thresholds(ax: plt.Axes, runs: pd.DataFrame, vertical: bool = True) -> None:
    """Mark the blocking minority and the majority of the runs' house."""
    for column, label, colour in (("blocking", "blocking minority", BLOCK_COLOUR),
                                  ("majority", "majority", MAJORITY_COLOUR)):
        value = runs[column].iloc[0]
        line = ax.axvline if vertical else ax.axhline
        line(value, color=colour, linestyle="--", linewidth=1.2, label=f"{label} ({value})")


def _distribution(ax: plt.Axes, values: pd.Series, title: str, discrete: bool, unit: str) -> None:
    values = values.dropna()
    low, high, mean = values.quantile(0.05), values.quantile(0.95), values.mean()
    bins: int | list[float]
    if discrete:
        width = max(1, int(np.ceil((values.max() - values.min() + 1) / 40)))
        bins = np.arange(values.min() - 0.5, values.max() + 1.5, width).tolist()
    else:
        bins = 30 if values.nunique() > 1 else 1
    ax.hist(values, bins=bins, color=MAIN_COLOUR, alpha=0.75, edgecolor="white")
    if isinstance(bins, list):  # whole numbers: no axis below the least of them
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlim(bins[0] - 0.1, bins[-1] + 0.1)
    ax.axvspan(float(low), float(high), color="grey", alpha=0.15, label="5-95 %")
    ax.axvline(mean, color="black", linewidth=1.5, label=f"mean {mean:.3g}")
    ax.set_title(title, fontsize=10)
    ax.set_ylabel(unit)


def arch_positions(n: int) -> np.ndarray:
    """(n, 2) seat centres of a parliament arch of n seats (parliamentarch), from the left of the arch
    to the right."""
    centres = get_seats_centers(n)
    return np.array(sorted(centres, key=lambda xy: centres[xy], reverse=True))  # by angle


def draw_hemicycle(ax: plt.Axes, seats: dict[str, int], title: str) -> None:
    """A parliament arch: one dot per seat, parties in the order given from left to right."""
    ordered = arch_positions(sum(seats.values()))
    start = 0
    for name, count in seats.items():
        if count == 0:
            continue
        xy = ordered[start:start + count]
        ax.scatter(xy[:, 0], xy[:, 1], s=60 if len(ordered) < 150 else 12, color=PARTY_COLOURS.get(name, "#444444"),
                   label=f"{party_label(name, short=True)} {count}", edgecolor="white", linewidth=0.4)
        start += count
    ax.text(1, 0.02, str(len(ordered)), ha="center", fontsize=16, fontweight="bold")
    ax.set_aspect("equal")
    ax.set_xlim(-0.02, 2.02)
    ax.set_ylim(-0.05, 1.05)
    ax.axis("off")
    ax.set_title(title, fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=4, fontsize=7, frameon=False)


def house_seats(runs: pd.DataFrame) -> dict[str, int]:
    """The first term's house of `runs`, ordered for an arch: self-nominated on the left, then the
    parties from the least to the most aligned with the regime. An elected house differs between
    replicates, so its mean seats are shown, rounded by largest remainder to the house size."""
    first = runs[runs["term"] == 1]
    mean = first[[c for c in runs.columns if c.startswith("seats_")]].mean()
    mean_seats = {str(c).removeprefix("seats_"): float(v) for c, v in mean.items()}
    seats = allocate_list_seats(mean_seats, int(round(mean.sum())), threshold=0.0)
    alignment = {name: runs[f"parties.{name}.regime_alignment"].iloc[0] for name in seats if name != "self_nominated"}
    order = ["self_nominated"] + sorted(alignment, key=lambda n: (alignment[n], n))
    return {name: seats[name] for name in order}


def experiment_figures(runs: pd.DataFrame, out: Path) -> list[Path]:
    """Outcome distributions across replicates, and coalition seats over the term."""
    name, size = run_label(runs["name"].iloc[0]), size_text(runs)
    unit = "replicates" if runs["term"].nunique() == 1 else "terms (replicate x term)"
    fig, axes = plt.subplots(2, 3, figsize=(13, 7))
    for ax, (column, title, discrete) in zip(axes.flat, DISTRIBUTIONS, strict=True):
        _distribution(ax, runs[column], title, discrete, unit)
        if column == "coalition_max_seats":
            _thresholds(ax, runs)
            ax.set_xlim(-0.6, max(runs["majority"].iloc[0], runs[column].max()) + 3)
            if runs[column].max() == 0:
                _note(ax, f"no coalition formed\nin any of the {unit}", fontsize=11)
        ax.legend(fontsize=7, loc="upper right")
    fig.suptitle(f"{name}: outcome distributions over {size}", fontsize=12)
    fig.tight_layout()
    paths = [_save(fig, out / "outcomes.png")]

    sessions = sorted(c for c in runs.columns if c.startswith("coalition_seats_s"))
    seats = runs[sessions].to_numpy(dtype=float)
    x = np.arange(1, len(sessions) + 1)
    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.fill_between(x, np.quantile(seats, 0.05, axis=0), np.quantile(seats, 0.95, axis=0),
                    color=MAIN_COLOUR, alpha=0.25, step="mid", label="5-95 % of replicates")
    ax.step(x, np.median(seats, axis=0), where="mid", color=MAIN_COLOUR, linewidth=2, label="median")
    ax.plot(x, seats.mean(axis=0), "o", color="black", markersize=4, label="mean")
    _thresholds(ax, runs, vertical=False)
    ax.set_ylim(0, max(runs["majority"].iloc[0] + 5, seats.max() + 5))
    ax.set_xticks(x)
    ax.set_xlabel("session of the term")
    ax.set_ylabel("coalition seats")
    ax.set_title(f"{name}: opposition coalition seats over the term ({size})", fontsize=11)
    if not seats.any():  # lines at 0 alone would look like a coalition of no seats
        _note(ax, f"no coalition formed in any session of any of the {unit}")
    ax.legend(fontsize=8, loc="upper left")
    paths.append(_save(fig, out / "coalition_over_term.png"))

    fig, ax = plt.subplots(figsize=(7, 4.6))
    elected = "enp_seats" in runs.columns
    title = f"{name}: seats by party" + (" (the mean over elected houses)" if elected else "")
    draw_hemicycle(ax, house_seats(runs), title)
    paths.append(_save(fig, out / "house.png"))
    return paths


def comparison_figure(runs: pd.DataFrame, path: Path, title: str = "Experiments side by side") -> Path:
    """Experiments side by side (one per value of `name`): probabilities with 95 % intervals, and the
    distributions of coalition size, government defeats and expulsions as bars (the share of each
    experiment's runs at each count)."""
    names = list(dict.fromkeys(runs["name"]))
    labels = [run_label(n) for n in names]
    groups = [runs[runs["name"] == n] for n in names]
    colours = plt.get_cmap("Dark2")(np.arange(len(names)) % 8)
    binary = registry.outcomes(kind="binary")
    fig, axes = plt.subplots(1, 4, figsize=(18, 4.8), gridspec_kw={"width_ratios": [2.2, 1.3, 1.1, 1.1]})

    ax = axes[0]
    width = 0.8 / len(names)
    for i, (group, colour) in enumerate(zip(groups, colours, strict=True)):
        for j, o in enumerate(binary):
            p, low, high = share(group, o.name)
            x = j + (i - (len(names) - 1) / 2) * width
            ax.bar(x, p, width, color=colour, yerr=[[p - low], [high - p]], capsize=2,
                   label=labels[i] if j == 0 else None)
            if p == 0:  # a bar of height 0 is no bar: say it
                ax.text(x, high + 0.01, "none", rotation=90, ha="center", va="bottom", fontsize=6)
    ax.set_xticks(range(len(binary)), [textwrap.fill(o.label, 16) for o in binary], fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("share of runs (95 % interval on replicates)")
    ax.legend(fontsize=8)

    for ax, column in zip(axes[1:], ("coalition_max_seats", "gov_defeats", "expulsions"), strict=True):
        o = registry.outcome(column)
        ax.set_title(f"{o.label} ({o.unit})", fontsize=10)
        if all((g[column] == 0).all() for g in groups):
            _nothing(ax, f"0 in every one of the {len(runs):,} runs\nof every experiment")
            continue
        # Coalition seats are read against the thresholds, so the axis runs to the largest majority.
        reach = max(int(g["majority"].iloc[0]) for g in groups) + 2 if column == "coalition_max_seats" else 0
        _count_bars(ax, [g[column] for g in groups], labels, colours, reach)
        if column == "coalition_max_seats":  # each house its own thresholds
            for key, colour in (("blocking", BLOCK_COLOUR), ("majority", MAJORITY_COLOUR)):
                for value in sorted({int(g[key].iloc[0]) for g in groups}):
                    ax.axvline(value, color=colour, linestyle="--", linewidth=1,
                               label=f"{'blocking minority' if key == 'blocking' else key} ({value})")
        ax.set_xlabel(o.unit)
        ax.set_ylabel("share of runs")
    sizes = sorted({size_text(g) for g in groups})
    fig.suptitle(f"{title}: {sizes[0]} each" if len(sizes) == 1 else f"{title}: {', '.join(sizes)}", fontsize=12)
    fig.tight_layout()
    for ax in axes[1:]:  # below each count panel, after the layout: its bars fill the panel
        if ax.patches:
            ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16))
    return _save(fig, path)


def _note(ax: plt.Axes, why: str, fontsize: float = 10) -> None:
    """One line in the middle of a panel that says what its marks cannot (nothing happened there)."""
    ax.text(0.5, 0.5, why, transform=ax.transAxes, ha="center", va="center", fontsize=fontsize)


def _nothing(ax: plt.Axes, why: str) -> None:
    """A panel with nothing to draw: one line of why, no empty axes."""
    _note(ax, why)
    ax.set_xticks([])
    ax.set_yticks([])


def _count_bars(ax: plt.Axes, counts: list[pd.Series], names: list[str], colours: np.ndarray, reach: int = 0) -> None:
    """Whole-number counts of several groups as grouped bars: the share of each group's runs at each
    count (in bins of equal width when they run past 40), its mean in the legend; the axis runs at
    least to `reach`."""
    top = max(max(int(c.max()) for c in counts), reach)
    step = max(1, int(np.ceil((top + 1) / 40)))
    edges = np.arange(0, top + step + 1, step)
    width = 0.85 * step / len(counts)
    for i, (values, name, colour) in enumerate(zip(counts, names, colours, strict=True)):
        shares = np.histogram(values, bins=edges)[0] / len(values)
        # A few runs above 0 among hundreds make bars too low to see: the legend counts them.
        above = int((values > 0).sum())
        rare = f"; {above} of {len(values)} runs above 0" if 0 < above < 0.05 * len(values) else ""
        ax.bar(edges[:-1] + (step - 1) / 2 + (i - (len(counts) - 1) / 2) * width, shares, width, color=colour,
               label=f"{name} (mean {values.mean():.2g}{rare})")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(-0.6 * step, top + 0.6 * step + step - 1)
    ax.set_ylim(0, None)


def sweep_figures(sweep: pd.DataFrame, estimates: pd.DataFrame, params: list[str], out: Path) -> list[Path]:
    """Over the swept parameters (columns of `sweep`, the runs, and of `estimates`, a row per point as
    sim.outcomes.summary.point_estimates gives it): a heatmap of coalition probabilities, defeats and
    defections over the first two; every summary outcome with its interval against the first, a line
    per value of the others; and the distribution of coalition size across the first parameter."""
    if not params:
        return []
    paths = []
    first = params[0]
    house = _house_of(sweep)
    size = _span_text(sweep.groupby(params)["replicate"].nunique())
    pooled = f", pooled over {', '.join(map(parameter_label, params[2:]))}" if len(params) > 2 else ""
    if len(params) >= 2:
        fig, axes = plt.subplots(2, 2, figsize=(13, 9.5))
        for ax, (column, scale) in zip(axes.flat, SWEEP_PANELS, strict=True):
            _heatmap(fig, ax, sweep, registry.outcome(column), params[0], params[1], scale == "probability")
        fig.suptitle(f"{house}: {sweep.groupby(params[:2]).ngroups} points, {size} replicates each{pooled}; "
                     "each cell: the estimate, below it its 95 % interval on replicates", fontsize=12)
        fig.tight_layout()
        paths.append(_save(fig, out / "sweep_heatmap.png"))
    paths.append(outcomes_figure(estimates, params, out / "sweep_outcomes.png", house))

    values = sorted(sweep[first].unique())
    others = f", pooled over {', '.join(map(parameter_label, params[1:]))}" if len(params) > 1 else ""
    cols = min(len(values), 4)
    rows = int(np.ceil(len(values) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 2.8 * rows), sharex=True, sharey=True, squeeze=False)
    top = int(sweep["coalition_max_seats"].max())
    for ax, value in zip(axes.flat, values, strict=False):
        seats = sweep.loc[sweep[first] == value, "coalition_max_seats"]
        ax.set_title(f"at {value_text(value)}: a coalition in {int((seats > 0).sum())} of {len(seats):,} runs",
                     fontsize=9)
        if (seats == 0).all():
            _note(ax, "no coalition in these runs", fontsize=9)
        else:
            # Only the runs with a coalition: a bar of the many without would flatten the few with one.
            ax.hist(seats[seats > 0], bins=np.arange(0.5, max(top, 1) + 1.5, max(1, (top + 1) // 30)),
                    color=MAIN_COLOUR)
            _thresholds(ax, sweep)
            ax.set_xlim(0, max(top, int(sweep["majority"].iloc[0])) + 2)
    for ax in axes.flat[len(values):]:
        ax.set_visible(False)
    if top > 0:
        next(ax for ax in axes.flat if ax.lines).legend(fontsize=7)
    for ax in axes[-1]:
        ax.set_xlabel("largest coalition (seats)")
    for ax in axes[:, 0]:
        ax.set_ylabel("runs with a coalition")
    fig.suptitle(f"{house}: the largest coalition's seats where one formed, across {parameter_label(first)}, a "
                 f"panel per value{others}", fontsize=12)
    fig.tight_layout()
    paths.append(_save(fig, out / "sweep_coalition_size.png"))
    return paths


def _span_text(counts: pd.Series) -> str:
    """'200', or '150-200' where the points' counts differ."""
    low, high = counts.min(), counts.max()
    return f"{low}" if low == high else f"{low}-{high}"


def _house_of(runs: pd.DataFrame) -> str:
    """The experiment the runs share, in words (the first word of their names: `baseline`, the 2023 house)."""
    houses = {experiment_label(str(name).split()[0]) for name in runs["name"].unique()}
    return houses.pop() if len(houses) == 1 else " / ".join(sorted(houses))


def _edges(values: np.ndarray) -> np.ndarray:
    """Cell edges for sorted values: midway between neighbours, the outer ones as far out as the inner
    (a grid of 0, 0.2, 0.4, 0.6, 0.7 keeps its spacing)."""
    if len(values) == 1:
        return np.array([values[0] - 0.5, values[0] + 0.5])
    middle = (values[1:] + values[:-1]) / 2
    return np.concatenate([[2 * values[0] - middle[0]], middle, [2 * values[-1] - middle[-1]]])


def _heatmap(fig: plt.Figure, ax: plt.Axes, runs: pd.DataFrame, o: registry.Outcome, first: str, second: str,
             probability: bool) -> None:
    """One outcome over two swept parameters, each cell at its real place: the estimate over the cell's
    runs and its 95 % interval on replicates (sim.outcomes.summary.estimate) written in it."""
    xs, ys = np.sort(runs[first].unique()), np.sort(runs[second].unique())
    cells: dict[tuple[float, float], tuple[float, float, float]] = {
        (y, x): estimate(group, o) for (y, x), group in runs.groupby([second, first])}  # type: ignore[misc]
    grid = np.array([[cells.get((y, x), (np.nan,) * 3)[0] for x in xs] for y in ys])
    ax.set_title(o.axis if probability else f"{o.label}, mean", fontsize=10)
    ax.set_xlabel(parameter_label(first))
    ax.set_ylabel(parameter_label(second))
    if np.nanmax(grid) == 0:
        _nothing(ax, f"0 at every point ({len(runs):,} runs)")
        return
    # Shares in whole percent, means to the digit their size needs: a cell is narrow on a fine grid.
    scale, digits = (100.0, 0) if probability else (1.0, 0 if np.nanmax(grid) >= 100 else 1)
    top = 100.0 if probability else float(np.nanmax(grid))
    image = ax.pcolormesh(_edges(xs), _edges(ys), scale * grid, cmap="viridis", vmin=0, vmax=top)
    ax.set_xticks(xs, [value_text(v) for v in xs])
    ax.set_yticks(ys, [value_text(v) for v in ys])
    for (y, x), values in cells.items():
        centre, low, high = (scale * v for v in values)
        ax.text(x, y, f"{centre:.{digits}f}\n{low:.{digits}f}-{high:.{digits}f}", ha="center", va="center",
                fontsize=6, color="white" if centre < 0.5 * top else "black")
    bar = fig.colorbar(image, ax=ax, fraction=0.046)
    bar.set_label("% of runs" if probability else f"{o.unit} a term (mean)", fontsize=9)


def outcomes_figure(estimates: pd.DataFrame, params: list[str], path: Path, house: str) -> Path:
    """Every summary outcome (sim.outcomes.registry) against the first swept parameter: its estimate at
    each point with its 95 % interval as a band, one line per value of the other parameters; `house`
    (the experiment swept) named in the title. An outcome whose estimate is one value at every point
    (0, say), or the same as an earlier one's at every point, gets no panel: a line below the panels
    names it, with that value."""
    first, others = params[0], params[1:]
    outcomes = registry.outcomes(summary=True)
    runs = f"{int(estimates['runs'].sum()):,} runs"
    # One value everywhere, NaN included (a margin where no house had a bloc to form).
    flat = [o for o in outcomes if estimates[o.name].nunique(dropna=False) == 1]
    twins = {}  # an outcome the same as an earlier one at every point (all expulsions for public dissent)
    for i, o in enumerate(outcomes):
        twin = next((e for e in outcomes[:i] if estimates[e.name].equals(estimates[o.name])), None)
        if twin is not None and o not in flat:
            twins[o] = twin
    shown = [o for o in outcomes if o not in flat and o not in twins] or outcomes[:1]
    cols = min(len(shown), 4)
    rows = int(np.ceil(len(shown) / cols))
    groups = list(estimates.groupby(others, sort=True, dropna=False)) if others else [((), estimates)]
    # An ordered sequence of lines, coloured as the heatmap's scale runs (low: dark, high: light).
    colours = plt.get_cmap("viridis")(np.linspace(0, 0.85, len(groups))) if others else [MAIN_COLOUR]
    same = "; ".join(f"{o.label} {_flat_text(estimates[o.name])}" for o in flat if o not in shown)
    unshown = [f"one value at every point ({runs}): {same}"] if same else []
    unshown += [f"{o.label}: the same as {twin.label} at every point" for o, twin in twins.items()]
    # Below the panels, in inches of the figure: what has no panel (a line of text each 0.17 in), and
    # above it the legend of the other parameters' values (0.5 in); the figure grows by as much.
    width = int(14 * 3.9 * cols)  # characters of 8-point text across the figure
    note = "\n".join(textwrap.fill(f"Not drawn: {line}.", width) for line in unshown)
    text_in = 0.17 * (note.count("\n") + 1) if note else 0.0
    legend_in = 0.5 if others else 0.0
    height = 3.0 * rows + 0.5 + text_in + legend_in
    fig, axes = plt.subplots(rows, cols, figsize=(3.9 * cols, height), squeeze=False)
    for i, (ax, o) in enumerate(zip(axes.flat, shown, strict=False)):
        for (values, group), colour in zip(groups, colours, strict=True):
            group = group.sort_values(first)
            label = ", ".join(map(value_text, values)) if others else None
            ax.plot(group[first], group[o.name], "o-", color=colour, markersize=3, linewidth=1.4, label=label)
            ax.fill_between(group[first], group[f"{o.name}_low"], group[f"{o.name}_high"], color=colour, alpha=0.18,
                            linewidth=0)
        if o in flat:  # every outcome was one value: the one panel drawn says so
            _note(ax, f"{_flat_text(estimates[o.name])} at every point ({runs})", fontsize=8)
        if o.kind == "binary":
            ax.set_ylim(-0.02, 1.02)
        elif o.kind in ("count", "share"):  # never below 0: no negative ticks
            low, high = ax.get_ylim()
            ax.set_ylim(max(low, -0.03 * high), high)
        ax.set_title(textwrap.fill(o.label, 40), fontsize=9)
        ax.set_ylabel(o.unit, fontsize=8)
        ax.tick_params(labelsize=7)
        if i + cols >= len(shown):  # no panel below it: the parameter's name goes here
            ax.set_xlabel(textwrap.fill(parameter_label(first), 40, break_on_hyphens=False), fontsize=8)
    for ax in axes.flat[len(shown):]:
        ax.set_visible(False)
    if note:
        fig.text(0.5, 0.01, note, ha="center", va="bottom", fontsize=8)
    if others:
        handles, labels = axes[0, 0].get_legend_handles_labels()
        fig.legend(handles, labels, title=", ".join(map(parameter_label, others)), loc="lower center",
                   ncol=min(len(groups), 8), fontsize=8, title_fontsize=8, frameon=False,
                   bbox_to_anchor=(0.5, (text_in + 0.05) / height))
    size = _span_text(estimates["replicates"])
    fig.suptitle(f"{house}: each outcome across {parameter_label(first)}: {len(estimates)} points, "
                 f"{size} replicates each\n"
                 "line: estimate; band: 95 % interval on replicates (a share of runs: Wilson; a mean: normal)",
                 fontsize=11)
    fig.tight_layout(rect=(0, (text_in + legend_in + 0.1) / height, 1, 1))
    return _save(fig, path)


def _flat_text(values: pd.Series) -> str:
    """The one value of an outcome at every point, as a panel or a line says it: '0', '0.341', or 'no
    value' where it is undefined everywhere (a margin with no bloc to form)."""
    value = values.iloc[0]
    return "no value" if pd.isna(value) else f"{value:.3g}"


def power_figure(houses: dict[str, pd.DataFrame], path: Path) -> Path:
    """The ruling party's voting power at each bill kind's threshold, one bar per house: the
    normalised Banzhaf index and the Shapley-Shubik index (an elected house: the mean over
    replicates, with the 5-95 % range as a whisker)."""
    colours = plt.get_cmap("Dark2")(np.arange(len(houses)) % 8)
    width = 0.8 / len(houses)
    # The bill kinds and the shares of all deputies they need, as the first house's configuration has them.
    first_runs = next(iter(houses.values())).iloc[0]
    kinds: list[str] = []
    shares: list[str] = []
    while f"rules.kinds.{len(kinds)}.kind" in first_runs:
        kinds.append(first_runs[f"rules.kinds.{len(kinds)}.kind"])
        rule = "more than " if first_runs[f"rules.kinds.{len(shares)}.strict"] else "at least "
        shares.append(rule + first_runs[f"rules.kinds.{len(shares)}.share"])
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.6), sharey=True)
    for ax, (index, title) in zip(axes, (("banzhaf", "Banzhaf index"), ("shapley", "Shapley-Shubik index")),
                                  strict=True):
        for i, ((label, runs), colour) in enumerate(zip(houses.items(), colours, strict=True)):
            first = runs[runs["term"] == 1]
            values = [first[f"ruling_{index}_{kind}"] for kind in kinds]
            mean = np.array([v.mean() for v in values])
            spread = np.array([[m - v.quantile(0.05), v.quantile(0.95) - m] for v, m in zip(values, mean, strict=True)])
            spread = np.clip(spread, 0.0, None)  # rounding can put a quantile a hair past the mean
            x = np.arange(len(kinds)) + (i - (len(houses) - 1) / 2) * width
            ax.bar(x, mean, width, color=colour, label=label,
                   yerr=spread.T if spread.max() > 1e-9 else None, capsize=2)
        ticks = [f"{kind}\n({share} of all deputies)" for kind, share in zip(kinds, shares, strict=True)]
        ax.set_xticks(range(len(kinds)), ticks, fontsize=9)
        ax.set_title(f"ruling party's {title}", fontsize=11)
        ax.set_ylim(0, 1.05)
    axes[0].set_ylabel("share of the house's voting power")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(houses), fontsize=9, frameon=False)
    fig.suptitle("What the ruling party decides alone, by threshold: 1 = every law of that kind is its to pass or stop",
                 fontsize=11)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return _save(fig, path)


def expulsions_figure(expelled: pd.DataFrame, dims: list[str], replicates: int, path: Path) -> Path:
    """Per dimension, the expelled deputies' signed distance from the executive's point (rows of
    expulsions.parquet), stacked by party; and, beside, in which session of the term and for what."""
    fig, axes = plt.subplots(1, len(dims) + 1, figsize=(4 * (len(dims) + 1), 3.6))
    bins = np.linspace(-2, 2, 21)
    parties = list(expelled["party"].value_counts().index)
    for ax, d in zip(axes, dims, strict=False):
        values = [expelled.loc[expelled["party"] == p, f"{d}_from_executive"] for p in parties]
        ax.hist(values, bins=bins, stacked=True, label=[party_label(p, short=True) for p in parties],
                color=[PARTY_COLOURS.get(p, MAIN_COLOUR) for p in parties])
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel(f"{d.capitalize()}: position minus the executive's")
        ax.set_title(f"{d.capitalize()}: expelled deputies", fontsize=10)
    axes[0].set_ylabel("expulsions")
    axes[0].legend(fontsize=7)
    sessions = expelled.groupby(["session", "trigger"]).size().unstack(fill_value=0)
    sessions.plot.bar(ax=axes[-1], stacked=True, color={"speech": MAIN_COLOUR, "vote": "#d95f02"}, rot=0)
    axes[-1].set_xticks(range(len(sessions)), [f"{s + 1}" for s in sessions.index])
    axes[-1].set_xlabel("session of the term")
    axes[-1].set_ylabel("expulsions")
    axes[-1].set_title("When, and for what", fontsize=10)
    axes[-1].legend(title="trigger", fontsize=8)
    fig.suptitle(f"Whom the parties expel: {len(expelled)} expulsions in {replicates} baseline terms "
                 "(left of 0: the anti-Russian side of the executive's stance)", y=1.0, fontsize=11)
    fig.tight_layout()
    return _save(fig, path)
