"""Known answers for scenario discovery (sim.analysis.scenarios): PRIM finds planted boxes, exactly the
parameters that make them and no other, both boxes of two by covering, nothing in noise, and says why
when there is no box to find."""

import numpy as np
import pandas as pd
import pytest

from sim.analysis.scenarios import Settings, discover, scenario_boxes
from sim.analysis.uncertainty import Parameter

UNIT = [Parameter(f"x{i}", 0, 1, "unit prior") for i in range(4)]


def unit_points(n: int, k: int = 4, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).random((n, k))


def restricted(row: pd.Series) -> set[str]:
    """The parameters a table row restricts, read from its machine-readable columns."""
    return {c.removesuffix(" low") for c in row.index if c.endswith(" low") and pd.notna(row[c])}


def test_a_corner_of_two_parameters_is_found_with_its_limits_and_no_other_parameter():
    x = unit_points(2000)
    y = (x[:, 0] < 0.3) & (x[:, 2] > 0.6)
    table = scenario_boxes(UNIT, x, y)
    first = table.iloc[0]
    assert first["box"] == 1 and first["dims"] == 2
    assert restricted(first) == {"x0", "x2"}
    assert not any(c.startswith(("x1 ", "x3 ")) for c in table.columns)  # never restricted: not listed
    assert first["x0 low"] == 0 and first["x0 high"] == pytest.approx(0.3, abs=0.05)  # the unpeeled end is the prior's
    assert first["x2 low"] == pytest.approx(0.6, abs=0.05) and first["x2 high"] == 1
    assert first["density"] >= 0.95 and first["coverage"] >= 0.9
    assert first["mass"] == pytest.approx(0.12, abs=0.02)
    assert first["points"] == round(first["mass"] * 2000) and first["cases"] == round(first["coverage"] * y.sum())
    assert first["base_rate"] == pytest.approx(y.mean())
    assert first["limits"] == f"x0 in [0, {first['x0 high']:.3g}]; x2 in [{first['x2 low']:.3g}, 1]"
    # Nothing is left that is denser than the base rate: the table says so and lists no second box.
    assert len(table) == 1 and "no denser than the base rate" in first["note"]


def test_limits_are_in_the_parameters_units_and_read_as_text():
    params = [Parameter("coalition.risk_weight", 0, 0.4, "r"), Parameter("coalition.visibility", 0.05, 0.15, "r"),
              Parameter("behavior.noise_sd", 0.1, 0.5, "r")]
    u = unit_points(2000, 3, seed=2)
    x = np.array([p.low for p in params]) + u * np.array([p.high - p.low for p in params])
    y = (x[:, 0] < 0.12) & (x[:, 1] > 0.1)
    first = scenario_boxes(params, x, y).iloc[0]
    assert restricted(first) == {"coalition.risk_weight", "coalition.visibility"}
    assert first["coalition.risk_weight high"] == pytest.approx(0.12, abs=0.02)
    assert first["coalition.visibility low"] == pytest.approx(0.1, abs=0.005)
    assert first["limits"] == (f"coalition.risk_weight in [0, {first['coalition.risk_weight high']:.3g}]; "
                               f"coalition.visibility in [{first['coalition.visibility low']:.3g}, 0.15]")


def test_covering_finds_both_of_two_disjoint_corners():
    x = unit_points(2000, seed=3)
    big = (x[:, 0] < 0.3) & (x[:, 1] < 0.5)  # mass 0.15
    small = (x[:, 0] > 0.85) & (x[:, 1] > 0.5)  # mass 0.075
    table = scenario_boxes(UNIT, x, big | small)
    assert len(table) == 2 and list(table["box"]) == [1, 2]
    one, two = table.iloc[0], table.iloc[1]
    assert restricted(one) == restricted(two) == {"x0", "x1"}
    assert (one["x0 low"], one["x1 low"]) == (0, 0)
    assert one["x0 high"] == pytest.approx(0.3, abs=0.05) and one["x1 high"] == pytest.approx(0.5, abs=0.05)
    assert (two["x0 high"], two["x1 high"]) == (1, 1)
    assert two["x0 low"] == pytest.approx(0.85, abs=0.05) and two["x1 low"] == pytest.approx(0.5, abs=0.05)
    assert (table["density"] >= 0.95).all()
    assert table["cumulative_coverage"].iloc[-1] >= 0.9
    assert table["cumulative_coverage"].iloc[-1] == pytest.approx(table["coverage"].sum())
    # The two boxes' points are disjoint and add up to the boxes' points.
    found = discover(UNIT, x, big | small)
    assert not (found.boxes[0].inside & found.boxes[1].inside).any()
    assert list(table["points"]) == [int(b.inside.sum()) for b in found.boxes]
    # Asked for one box, covering stops there and says so.
    only = scenario_boxes(UNIT, x, big | small, max_boxes=1)
    assert len(only) == 1 and only["note"].iloc[0] == "covering stopped at max_boxes = 1"


def test_a_noisy_region_among_twelve_parameters_restricts_only_its_two():
    params = [Parameter(f"group.p{i}", 0, 10.0 * (i + 1), "r") for i in range(12)]
    rng = np.random.default_rng(4)
    x = rng.random((3000, 12)) * np.array([p.high for p in params])
    region = (x[:, 3] < 12) & (x[:, 7] > 40)  # mass 0.3 * 0.5 = 0.15, y true at 0.8 inside, 0.1 outside
    y = np.where(region, rng.random(3000) < 0.8, rng.random(3000) < 0.1)
    first = scenario_boxes(params, x, y).iloc[0]
    # Peeling on noise leaves limits on the other parameters; their quasi-p-values drop them.
    assert restricted(first) == {"group.p3", "group.p7"}
    assert first["group.p3 high"] == pytest.approx(12, abs=2) and first["group.p7 low"] == pytest.approx(40, abs=4)
    assert first["density"] == pytest.approx(0.8, abs=0.05)


def test_an_outcome_that_ignores_the_parameters_has_no_box():
    x = unit_points(2000, 8, seed=5)
    y = np.random.default_rng(6).random(2000) < 0.3
    table = scenario_boxes([Parameter(f"x{i}", 0, 1, "") for i in range(8)], x, y)
    assert len(table) == 1 and pd.isna(table["box"].iloc[0]) and table["limits"].iloc[0] == ""
    assert table["note"].iloc[0].startswith("no box: the box PRIM found restricts no parameter")


def test_the_same_input_gives_the_same_table_whatever_the_order_of_the_points():
    x = unit_points(1500, seed=7)
    y = ((x[:, 0] < 0.4) & (x[:, 3] > 0.5)) | (x[:, 1] > 0.9)
    table = scenario_boxes(UNIT, x, y)
    pd.testing.assert_frame_equal(table, scenario_boxes(UNIT, x.copy(), y.copy()))
    order = np.random.default_rng(8).permutation(len(x))
    pd.testing.assert_frame_equal(table, scenario_boxes(UNIT, x[order], y[order]))


def test_excluded_points_play_no_part():
    x = unit_points(1500, seed=9)
    y = ((x[:, 0] < 0.3) & (x[:, 2] > 0.6)).astype(float)
    keep = np.random.default_rng(10).random(1500) > 0.2
    y[~keep] = np.nan  # e.g. the runs where the ruling party collapsed: no outcome
    x[~keep & (x[:, 1] > 0.5), 1] = 5.0  # nor a point inside the prior
    pd.testing.assert_frame_equal(scenario_boxes(UNIT, x, y, keep), scenario_boxes(UNIT, x[keep], y[keep] == 1))


def test_an_outcome_never_true_or_always_true_says_so_in_one_row():
    x = unit_points(500)
    never = scenario_boxes(UNIT, x, np.zeros(500, dtype=bool))
    assert len(never) == 1 and pd.isna(never["box"].iloc[0]) and never["base_rate"].iloc[0] == 0
    assert never["note"].iloc[0] == "no box: y is never true in the 500 points"
    always = scenario_boxes(UNIT, x, np.ones(500, dtype=bool))
    assert len(always) == 1 and always["box"].iloc[0] == 1 and always["dims"].iloc[0] == 0
    assert always[["coverage", "density", "mass", "base_rate"]].iloc[0].tolist() == [1, 1, 1, 1]
    assert always["limits"].iloc[0] == "no restriction: the whole prior"
    assert always["note"].iloc[0] == "y is true at every one of the 500 points: the whole prior is the box"


def test_bad_inputs_are_refused_naming_what_is_wrong():
    x = unit_points(150)
    y = x[:, 0] < 0.5
    least = r"at least 100 points \(a box of the least mass, 0.05, must hold 5\); got 60$"
    with pytest.raises(ValueError, match=least):
        scenario_boxes(UNIT, x[:60], y[:60])
    with pytest.raises(ValueError, match=r"got 90 \(90 of 150 kept\)"):
        scenario_boxes(UNIT, x, y, np.arange(150) < 90)
    with pytest.raises(ValueError, match="at least 200 points"):
        scenario_boxes(UNIT, x, y, mass_min=0.025)
    with pytest.raises(ValueError, match=r"shape \(150, 3\): must be \(n, 4\)"):
        scenario_boxes(UNIT, x[:, :3], y)
    with pytest.raises(ValueError, match=r"y has shape \(149,\)"):
        scenario_boxes(UNIT, x, y[:-1])
    with pytest.raises(ValueError, match="keep must be a boolean mask"):
        scenario_boxes(UNIT, x, y, np.ones(150))
    with pytest.raises(ValueError, match="it has 1 other values"):
        scenario_boxes(UNIT, x, np.r_[2.0, np.zeros(149)])
    with pytest.raises(ValueError, match=r"x2: 1 points lie outside its prior \[0, 1\]"):
        scenario_boxes(UNIT, np.vstack([x[:-1], [0.5, 0.5, 1.5, 0.5]]), y)
    with pytest.raises(ValueError, match="1 rows with NaN"):
        scenario_boxes(UNIT, np.vstack([x[:-1], [0.5, np.nan, 0.5, 0.5]]), y)
    with pytest.raises(ValueError, match=r"peel_alpha = 0.6: must be in \(0, 0.5\); min_coverage = 0"):
        Settings(peel_alpha=0.6, min_coverage=0)


def test_the_trajectory_peels_toward_density_and_marks_the_chosen_and_final_box():
    x = unit_points(2000, seed=11)
    y = np.where((x[:, 1] > 0.5) & (x[:, 3] < 0.4), x[:, 0] < 0.9, x[:, 0] < 0.1)
    box = discover(UNIT, x, y).boxes[0]
    path = box.trajectory
    peeled = path[path.phase.isin(["start", "peel"])]
    assert (np.diff(peeled["density"]) > 0).all() and (np.diff(peeled["coverage"]) <= 0).all()
    assert (path["mass"] >= 0.05).all() and path["chosen"].sum() == 1 and path["final"].sum() == 1
    chosen, final = path[path.chosen].iloc[0], path[path.final].iloc[0]
    # The rule: the densest peeled box that holds half the cases.
    assert chosen["density"] == peeled[peeled.coverage >= 0.5]["density"].max()
    assert final["step"] >= chosen["step"] and final["points"] == box.inside.sum() and final["cases"] == box.cases


def test_pasting_widens_the_chosen_box_where_the_points_beside_it_are_denser():
    rng = np.random.default_rng(6)
    x = rng.random((1500, 4))
    # y grows likelier toward the region's upper x0 edge, so the rule's box stops short of the densest
    # strip on one side, and one peel removed points beside it that are denser than the box is.
    y = rng.random(1500) < np.where((x[:, 0] < 0.4) & (x[:, 1] > 0.3), 0.5 + x[:, 0], 0.05)
    path = discover(UNIT, x, y).boxes[0].trajectory
    # The trajectory holds every peel; pasting starts from the chosen one, not from the last.
    assert path[path.chosen]["step"].iloc[0] < path[path.phase == "peel"]["step"].max()
    widening = pd.concat([path[path.chosen], path[path.phase == "paste"]])
    assert len(widening) >= 2
    assert (np.diff(widening["points"]) > 0).all() and (np.diff(widening["density"]) > 0).all()


def test_the_quasi_p_value_is_the_binomial_upper_tail():
    from math import comb

    from sim.analysis.scenarios import _binomial_tail

    for k, m, p in [(8, 10, 0.3), (3, 5, 0.5), (120, 200, 0.55), (1, 40, 0.01)]:
        exact = sum(comb(m, i) * p**i * (1 - p) ** (m - i) for i in range(k, m + 1))
        assert _binomial_tail(k, m, p) == pytest.approx(exact, rel=1e-9)
    assert _binomial_tail(0, 10, 0.2) == 1 and _binomial_tail(5, 10, 1.0) == 1 and _binomial_tail(1, 10, 0.0) == 0
