"""What every figure says: labels in words (no configuration key such as `behavior.fear_scale`), and no
panel drawn empty without a line that says why. The figure functions are run on small real results
(a job's runs, a two-parameter sweep) and on synthetic analysis tables; their figures are captured
before they are saved."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from helpers import ROOT, load
from matplotlib.collections import LineCollection, PolyCollection, QuadMesh
from matplotlib.patches import Rectangle

from sim.analysis.posterior import conditional_table
from sim.analysis.uncertainty import load_parameters
from sim.figures import analyses, results, words
from sim.outcomes import registry
from sim.outcomes.features import Results
from sim.outcomes.summary import point_estimates
from sim.runs.replicates import run_experiment

# A configuration key: a config group, a dot and a key (`coalition.risk_weight`, `minor.opposition_intent`);
# an identifier (`ak_zhol`, `two_terms_no_threat`); a party by its identifier (`qhp`, `apk`), lower case.
GROUPS = ("behavior", "coalition", "minor", "executive", "agenda", "parliament", "parties", "independents",
          "run", "rules")
CONFIG_KEY = re.compile(rf"\b(?:{'|'.join(GROUPS)})\.[a-z_]+|\b[a-z]+_[a-z0-9_]+\b"
                        rf"|\b(?:{'|'.join(words.PARTY_NAMES)})\b")


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[plt.Figure]:
    """The figures the figure functions draw, captured instead of saved."""
    figures: list[plt.Figure] = []

    def keep(fig: plt.Figure, path):
        figures.append(fig)
        return path

    monkeypatch.setattr(results, "_save", keep)
    monkeypatch.setattr(analyses, "_save", keep)
    yield figures
    plt.close("all")


def _texts(fig: plt.Figure) -> list[str]:
    """Every piece of text a reader sees: the figure's own, and each panel's title, axis labels, ticks
    labels, legend and annotations."""
    found = [t.get_text() for t in fig.texts] + [fig._suptitle.get_text() if fig._suptitle else ""]
    for legend in fig.legends:  # a legend of the whole figure, with its title
        found += [t.get_text() for t in legend.get_texts()] + [legend.get_title().get_text()]
    for ax in fig.axes:
        found += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel(), *(t.get_text() for t in ax.texts)]
        found += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        legend = ax.get_legend()
        if legend is not None:
            found += [t.get_text() for t in legend.get_texts()] + [legend.get_title().get_text()]
    return [t for t in found if t]


def _check(fig: plt.Figure) -> None:
    keys = sorted({m for text in _texts(fig) for m in CONFIG_KEY.findall(text)})
    assert not keys, f"{fig._suptitle.get_text() if fig._suptitle else fig}: identifiers as labels: {keys}"
    for ax in fig.axes:
        if not ax.get_visible() or ax.get_label() == "<colorbar>":
            continue
        drawn = ax.lines or ax.patches or ax.collections or ax.images
        assert drawn or ax.texts, f"an empty panel without a word of why: {ax.get_title()!r}"
    # A panel whose numbers are all one value (all 0) shows nothing unless a line says what; two panels
    # that draw the same varying data are one panel twice (the Sobol figure once had identical twins).
    varying = []
    for ax in fig.axes:
        if not ax.get_visible() or ax.get_label() == "<colorbar>":
            continue
        data = _data(ax)
        numbers = {x for series in data for x in series if np.isfinite(x)}
        if len(numbers) <= 1 and data:
            assert ax.texts, f"a panel of one value {numbers} without a word of why: {ax.get_title()!r}"
        elif data:
            varying.append(_data(ax, with_x=True))
    title = fig._suptitle.get_text() if fig._suptitle else ""
    assert len(set(varying)) == len(varying), f"{title}: two panels draw the same data"


def _data(ax: plt.Axes, with_x: bool = False) -> tuple:
    """What a panel plots, as numbers: its lines (their heights; `with_x`, their places too), bars and
    collections (a heatmap's cells included)."""
    found = [tuple(np.round(np.asarray(line.get_ydata(), dtype=float), 9)) for line in ax.lines]
    if with_x:  # where the points are as well as how high: dots at the same rows of different panels differ
        found += [tuple(np.round(np.asarray(line.get_xdata(), dtype=float), 9)) for line in ax.lines]
    found += [tuple(np.round([patch.get_x(), patch.get_y(), patch.get_width(), patch.get_height()], 9))
              for patch in ax.patches if isinstance(patch, Rectangle)]
    for collection in ax.collections:
        array = collection.get_array()
        if isinstance(collection, LineCollection):  # horizontal or vertical bars of intervals
            values = np.concatenate([np.ravel(segment) for segment in collection.get_segments()] or [[]])
        else:
            values = collection.get_offsets() if array is None else array
        found.append(tuple(np.round(np.ravel(np.ma.filled(values, np.nan)).astype(float), 9)))
    return tuple(found)


def test_a_job_s_and_a_sweep_s_figures_speak_words(drawn, tmp_path):
    cfg = load("run.replicates=4", "agenda.session_length=20")
    runs = run_experiment(cfg, progress=False)
    results.experiment_figures(runs, tmp_path)
    results.comparison_figure(pd.concat([runs, runs.assign(name="other")]), tmp_path / "c.png")
    sweep = pd.concat([runs.assign(**{"minor.opposition_intent": i, "behavior.fear_scale": f,
                                       "job": f"i={i},f={f}"})
                       for i in (0.0, 1.0) for f in (0.0, 1.0)], ignore_index=True)
    params = ["minor.opposition_intent", "behavior.fear_scale"]
    results.sweep_figures(sweep, point_estimates(sweep, [*params, "job"]), params, tmp_path)
    assert len(drawn) >= 4
    for fig in drawn:
        _check(fig)


def test_the_analyses_figures_speak_words(drawn, tmp_path):
    params = load_parameters(ROOT / "configs" / "analysis" / "uncertainty.yaml")
    analysed = [o.name for o in registry.outcomes(analysed=True)]
    rng = np.random.default_rng(0)
    indices = pd.DataFrame([{"method": method, "parameter": p.key, "outcome": name, "mu_star": rng.random(),
                             "sigma": rng.random(), "S1": 0.1 * rng.random(), "S1_conf": 0.05,
                             "ST": 0.1 + 0.1 * rng.random(), "ST_conf": 0.05}
                            for method in ("sobol", "morris") for p in params for name in analysed])
    analyses.sobol_figure(indices, tmp_path / "s.png")
    analyses.morris_figure(indices, tmp_path / "m.png")
    low, high = np.array([p.low for p in params]), np.array([p.high for p in params])
    prior = low + (high - low) * rng.random((400, len(params)))
    table = pd.DataFrame({"parameter": [p.key for p in params], "low": low, "high": high,
                          "width_ratio": np.linspace(0.4, 1.0, len(params)), "median_shift": 0.0})
    analyses.posterior_figure(table, prior, prior[:40], tmp_path / "p.png", w=rng.random(40))
    cells = pd.DataFrame([{"minor.opposition_intent": i, "coalition.risk_weight": r} for i in (0, 0.5, 1)
                          for r in (0, 0.3)])
    def found(p: float) -> Results:
        return Results({"coalition_blocking": (rng.random((6, 4, 1, 5)) < p).reshape(24, 1, 5) * 40.0}, ["amanat"])

    hung = words.experiment_label("ruling_minority")
    conditions = pd.concat([conditional_table(cells, found(p), "coalition_blocking", slice(0, 5)).assign(house=h)
                            for h, p in (("2023 house, whole term", 0.1), (hung, 0.4))])
    analyses.conditions_figure(conditions, tmp_path / "c.png")
    for fig in drawn:
        _check(fig)


def test_counts_are_bars_and_a_heatmap_keeps_its_grid_its_intervals_and_says_what_never_happened(drawn, tmp_path):
    cfg = load("run.replicates=4", "agenda.session_length=20")
    runs = run_experiment(cfg, progress=False)
    results.comparison_figure(pd.concat([runs, runs.assign(name="other")]), tmp_path / "c.png")
    comparison = drawn.pop()
    for ax in comparison.axes[1:]:  # the count panels: bars (rectangles), never violins (poly collections)
        assert not any(isinstance(c, PolyCollection) for c in ax.collections), ax.get_title()
        assert ax.patches or ax.texts, ax.get_title()
    # An uneven grid: 0, 0.2 and 1 are drawn at their places, cells meeting midway.
    sweep = pd.concat([runs.assign(**{"minor.opposition_intent": i, "behavior.fear_scale": f, "job": f"{i},{f}"})
                       for i in (0.0, 0.2, 1.0) for f in (0.0, 1.0)], ignore_index=True)
    params = ["minor.opposition_intent", "behavior.fear_scale"]
    results.sweep_figures(sweep, point_estimates(sweep, [*params, "job"]), params, tmp_path)
    heatmap = next(fig for fig in drawn if "below it its 95 % interval" in fig._suptitle.get_text())
    assert heatmap._suptitle.get_text().startswith("2023 house:")  # the house is named, in words
    panels = [ax for ax in heatmap.axes if ax.get_label() != "<colorbar>"]
    bars = [ax for ax in heatmap.axes if ax.get_label() == "<colorbar>"]
    meshes = [ax for ax in panels if any(isinstance(c, QuadMesh) for c in ax.collections)]
    assert len(bars) == len(meshes) and all(bar.get_ylabel() for bar in bars)
    for ax in meshes:
        mesh = next(c for c in ax.collections if isinstance(c, QuadMesh))
        assert list(mesh.get_coordinates()[0, :, 0]) == pytest.approx([-0.1, 0.1, 0.6, 1.4])
        assert all("-" in t.get_text() for t in ax.texts)  # every cell: its estimate and interval
    # An outcome of one value at every point has no panel; the line below the panels names it.
    varied = sweep.assign(expulsions=sweep["expulsions"] + 10 * sweep["minor.opposition_intent"])
    estimates = point_estimates(varied, [*params, "job"])
    results.outcomes_figure(estimates, params, tmp_path / "o.png", "2023 house")
    lines = drawn[-1]
    constant = [o.label for o in registry.outcomes(summary=True) if estimates[o.name].nunique() == 1]
    assert constant  # no coalition in so short a sweep
    titles = {ax.get_title().replace("\n", " ") for ax in lines.axes if ax.get_visible()}
    assert not titles & set(constant)
    below = " ".join(t.get_text().replace("\n", " ") for t in lines.texts)
    assert all(label in below for label in constant), below
    # Every outcome one value (a margin undefined everywhere among them): one panel says its value, the
    # line below names every other one.
    flat = estimates.assign(**{o.name: 0.0 for o in registry.outcomes(summary=True)}).assign(coalition_margin=np.nan)
    results.outcomes_figure(flat, params, tmp_path / "flat.png", "2023 house")
    visible = [ax for ax in drawn[-1].axes if ax.get_visible()]
    assert len(visible) == 1 and visible[0].texts[0].get_text().startswith("0 at every point")
    below = " ".join(t.get_text().replace("\n", " ") for t in drawn[-1].texts)
    assert "best bloc's margin (least willing member) no value" in below
    assert "Government defeats 0" in below and "expulsions for public dissent 0" in below
    blocking = next(ax for ax in panels if "blocking minority" in ax.get_title())
    if (sweep["coalition_blocking"] == 0).all():  # nothing to colour: one line says so
        assert blocking not in meshes and "0 at every point" in blocking.texts[0].get_text()


def test_houses_voting_power_discipline_and_the_predictive_answer_speak_words(drawn, tmp_path):
    cfg = load("run.replicates=4", "agenda.session_length=20", "experiment=convocation_2021")  # the Assembly's 9
    runs = run_experiment(cfg, progress=False)
    fig, ax = plt.subplots()
    results.draw_hemicycle(ax, results.house_seats(runs), "2021")
    drawn.append(fig)
    results.power_figure({"2021": runs, "2021 again": runs.assign(**{"ruling_banzhaf_ordinary": 0.5})},
                         tmp_path / "p.png")
    rng = np.random.default_rng(1)
    expelled = pd.DataFrame({"party": rng.choice(["ak_zhol", "qhp", "apk"], 30), "session": rng.integers(0, 5, 30),
                             "trigger": rng.choice(["speech", "vote"], 30),
                             **{f"{d}_from_executive": rng.normal(0, 0.5, 30) for d in cfg.dimensions}})
    results.expulsions_figure(expelled, list(cfg.dimensions), 4, tmp_path / "e.png")
    houses = ["2023 house, rest of convocation", *(words.experiment_label(e) for e in ("free_and_fair", "two_terms"))]
    predictive = pd.DataFrame([{"house": h, "outcome": o.name, "sessions": "1-5", "mean": m, "ci_low": m / 2,
                                "ci_high": 2 * m, "point_low": 0.0, "point_high": 2 * m, "runs": 100,
                                "runs_with": int(100 * m)}
                               for h in houses for o, m in zip(registry.outcomes(analysed=True), rng.random(9),
                                                               strict=False)])
    analyses.predictive_figure(predictive, tmp_path / "pr.png")
    assert len(drawn) == 4
    for fig in drawn:
        _check(fig)


def test_every_shipped_party_house_and_experiment_has_words():
    """A reader meets these names in figures and on the page: each configured one has its words."""
    parties = load().parties
    assert set(parties) <= set(words.PARTY_NAMES)
    assert {p.stem for p in (ROOT / "configs" / "parliament").glob("*.yaml")} == set(words.PARLIAMENT_NAMES)
    assert {p.stem for p in (ROOT / "configs" / "experiment").glob("*.yaml")} == set(words.EXPERIMENT_NAMES)
    assert words.run_label("weak_whip behavior.fear_scale=0.5") == "whips halved, fear scale (deputies) = 0.5"
    assert words.parameter_label("parties.qhp.whip_strength") == "whip strength (QHP)"
    assert words.run_label("baseline parliament=ruling_minority") == (
        "the baseline calibration, a hung house (ruling party 46 of 98)")
    assert words.run_label("weak_whip behavior.fear_scale=0.50 agenda.drift_sd") == (
        "whips halved, fear scale (deputies) = 0.5, drift sd (agenda) unset")
