"""Known answers for the global sensitivity pipeline (sim.analysis.sobol_morris): the Ishigami function's
analytic Sobol indices, a linear function's Morris effects."""

import numpy as np
import pytest

from sim.analysis.sobol_morris import morris_indices, morris_points, sobol_indices, sobol_points
from sim.analysis.uncertainty import Parameter

A, B = 7.0, 0.1


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices() -> tuple[np.ndarray, np.ndarray]:
    """Analytic first-order and total indices (Ishigami and Homma 1990; Saltelli et al. 2008, 4.2)."""
    pi4, pi8 = np.pi**4, np.pi**8
    v1 = 0.5 * (1 + B * pi4 / 5) ** 2
    v2 = A**2 / 8
    v13 = B**2 * pi8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def test_the_pipeline_reproduces_the_ishigami_indices_within_sampling_error():
    params = [Parameter(f"x{i}", -np.pi, np.pi, "Ishigami") for i in (1, 2, 3)]
    points = sobol_points(params, 2048, seed=1)
    found = sobol_indices(params, ishigami(points), "f", seed=1)
    s1, st = ishigami_indices()
    assert np.allclose(s1, [0.3139, 0.4424, 0.0], atol=5e-4)  # the published values
    # Within the bootstrap interval, or 0.02 where that interval is narrower than the estimator's bias.
    assert np.all(np.abs(found["S1"] - s1) <= np.maximum(found["S1_conf"], 0.02))
    assert np.all(np.abs(found["ST"] - st) <= np.maximum(found["ST_conf"], 0.02))


def test_sobol_points_need_a_power_of_two_and_a_constant_outcome_has_no_indices():
    params = [Parameter("x", 0, 1, ""), Parameter("y", 0, 1, "")]
    with pytest.raises(ValueError, match="power of 2"):
        sobol_points(params, 100, seed=1)
    flat = sobol_indices(params, np.zeros(len(sobol_points(params, 8, seed=1))), "never", seed=1)
    assert flat[["S1", "ST"]].isna().all().all()


def test_morris_mu_star_of_a_linear_function_is_each_slope_times_its_range():
    params = [Parameter("a", 0, 1, ""), Parameter("b", -1, 1, ""), Parameter("c", 0, 5, "")]
    points = morris_points(params, 10, seed=3)
    y = 3 * points[:, 0] - 2 * points[:, 1] + 0 * points[:, 2]
    found = morris_indices(params, points, y, "f", seed=3)
    assert np.allclose(found["mu_star"], [3.0, 4.0, 0.0])
    assert np.allclose(found["sigma"], 0.0, atol=1e-9)


def test_the_analyses_figures_say_when_an_outcome_never_varies_and_show_negative_margins(tmp_path, monkeypatch):
    """Morris: an outcome no parameter moved gets a panel that says so, not a scatter at the origin on a
    1e-9 scale. Predictive: the margin (negative: no bloc would form) is drawn where it lies, not cut at 0."""
    import matplotlib.pyplot as plt
    import pandas as pd

    from sim.figures import analyses
    from sim.outcomes import registry

    drawn = []
    monkeypatch.setattr(analyses, "_save", lambda fig, path: drawn.append(fig) or path)
    analysed = [o.name for o in registry.outcomes(analysed=True)]
    morris = pd.DataFrame([{"method": "morris", "parameter": f"group.p{i}", "outcome": name,
                            "mu_star": 0.0 if name == "coalition_blocking" else 0.1 * (i + 1), "sigma": 0.05}
                           for name in analysed for i in range(3)])
    analyses.morris_figure(morris, tmp_path / "m.png")
    panels = {ax.get_title(): ax for ax in drawn[-1].axes}
    flat = panels[registry.outcome("coalition_blocking").axis]
    assert not flat.collections and "never varies" in " ".join(t.get_text() for t in flat.texts)
    assert panels[registry.outcome("coalition_margin").axis].collections  # the others are drawn
    rows = [{"house": h, "outcome": name, "sessions": "1-5", "mean": -0.4 if name == "coalition_margin" else 0.1,
             "point_low": -0.6, "point_high": -0.2, "ci_low": 0.0, "ci_high": 0.2} for h in ("a", "b")
            for name in analysed]
    analyses.predictive_figure(pd.DataFrame(rows), tmp_path / "p.png")
    margin = {ax.get_title(): ax for ax in drawn[-1].axes}[registry.outcome("coalition_margin").axis]
    assert margin.get_xlim()[0] <= -0.6
    plt.close("all")
