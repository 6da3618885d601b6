"""The declared uncertainty (configs/analysis/uncertainty.yaml) and how a parameter point becomes a Config."""

from pathlib import Path

import numpy as np
import pytest
from helpers import ROOT, load

from sim.analysis.uncertainty import Parameter, at_point, check_priors, load_parameters
from sim.config import ConfigError

UNCERTAINTY = ROOT / "configs" / "analysis" / "uncertainty.yaml"


def test_the_declared_uncertainty_has_at_least_twelve_parameters_each_with_a_reason_and_a_valid_prior():
    params = load_parameters(UNCERTAINTY)
    assert len(params) >= 12
    assert all(len(p.reason) > 40 for p in params)
    check_priors(load(), params)
    # Every default value of the calibration lies inside its prior (the ranges bracket the defaults).
    base = load()
    for p in params:
        group, _, name = p.key.rpartition(".")
        value = getattr(base.parties["qhp"], name) if group == "minor" else getattr(getattr(base, group), name)
        assert p.low <= value <= p.high, p.key


def test_a_point_sets_its_values_and_minor_handles_reach_every_non_ruling_party():
    base = load()
    params = [Parameter("minor.whip_strength", 0.5, 1, "x"), Parameter("behavior.noise_sd", 0.1, 0.5, "x")]
    cfg = at_point(base, params, np.array([0.55, 0.42]))
    assert cfg.behavior.noise_sd == 0.42
    assert {p.whip_strength for n, p in cfg.parties.items() if not p.ruling} == {0.55}
    assert cfg.parties["amanat"].whip_strength == base.parties["amanat"].whip_strength
    assert base.behavior.noise_sd == 0.3  # the base is not changed


def test_bad_declarations_are_refused_naming_key_value_and_rule(tmp_path: Path):
    with pytest.raises(ConfigError, match=r"behavior.noise_sd prior \[-1.0, 1.0\].*must be in \[0.0, 1000000.0\]"):
        check_priors(load(), [Parameter("behavior.noise_sd", -1.0, 1.0, "x")])
    with pytest.raises(ConfigError, match="'nois' is not a configuration key here; known: .*noise_sd"):
        check_priors(load(), [Parameter("behavior.nois", 0, 1, "x")])
    with pytest.raises(ConfigError, match="parliament.name = 'majilis_2023': not a real-valued setting"):
        check_priors(load(), [Parameter("parliament.name", 0, 1, "x")])
    with pytest.raises(ConfigError, match="agenda.session_length = 100: not a real-valued setting.*shapes"):
        check_priors(load(), [Parameter("agenda.session_length", 50, 150, "x")])
    bad = tmp_path / "u.yaml"
    bad.write_text("parameters:\n  - {key: behavior.noise_sd, low: 0.5, high: 0.1, reason: r}\n"
                   "  - {key: behavior.noise_sd, low: 0.1, high: 0.5, reason: r}\n  - {key: x, low: 0}\n"
                   "  - {key: y, low: abc, high: 1, reason: r}\n  - just a string\n")
    with pytest.raises(ConfigError) as err:
        load_parameters(bad)
    assert "low = 0.5 must be below high = 0.1" in str(err.value)
    assert "declared twice" in str(err.value) and "lacks ['high', 'reason']" in str(err.value)
    assert "y: low = 'abc', high = 1: must be numbers" in str(err.value)
    assert "parameters[4] = 'just a string': must be a mapping" in str(err.value)


def test_every_number_of_the_coalition_game_is_a_declared_assumption():
    """An answer that a hand-set constant of the size of the effect decides is a defect: every numeric
    key of the coalition game has a prior in the uncertainty file (its reason there)."""
    from dataclasses import fields

    from sim.config import CoalitionConfig

    declared = {p.key for p in load_parameters(ROOT / "configs" / "analysis" / "uncertainty.yaml")}
    numeric = {f"coalition.{f.name}" for f in fields(CoalitionConfig) if f.type in ("float", "int", float, int)}
    assert numeric and numeric <= declared, sorted(numeric - declared)
