"""Every bad configuration fails before any work, with a message naming the key, the value and the rule."""

from __future__ import annotations

import pytest
from helpers import ROOT, load
from hydra.errors import ConfigCompositionException
from omegaconf.errors import ConfigKeyError, ValidationError

from sim.config import Config, ConfigError, house_size, validate
from sim.model.model import MajilisModel


def _error(cfg) -> str:
    with pytest.raises(ConfigError) as err:
        validate(cfg)
    return str(err.value)


def test_the_default_configs_are_valid_and_seat_98():
    assert house_size(load().parliament) == 98
    assert house_size(load("parliament=majilis_2021").parliament) == 107


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda c: setattr(c.behavior, "loyalty_mean", 1.5), "behavior.loyalty_mean = 1.5: must be in [0.0, 1.0]"),
        (lambda c: setattr(c.executive, "agenda_share", -0.1), "executive.agenda_share = -0.1: must be in [0.0, 1.0]"),
        (lambda c: setattr(c.parties["qhp"], "platform", [0.5, 1.4, 0.0]),
         "parties.qhp.platform = [0.5, 1.4, 0.0]: must be in [-1.0, 1.0]"),
        (lambda c: setattr(c.parties["qhp"], "platform", [0.5, 0.4]),
         "parties.qhp.platform = [0.5, 0.4]: must have 3 entries"),
        (lambda c: setattr(c.run, "replicates", 0), "run.replicates = 0: must be in [1, 1000000]"),
        (lambda c: setattr(c.run, "replicates", 10**10), "run.replicates = 10000000000: must be in [1, 1000000]"),
        (lambda c: setattr(c.run, "seed", 10**23), f"run.seed = {10**23}: must be in [0, {2**63 - 1}]"),
        (lambda c: setattr(c.run, "export", "CSV"), "run.export = 'CSV': must be one of parquet, csv"),
        (lambda c: setattr(c.behavior, "loyalty_mean", float("nan")),
         "behavior.loyalty_mean = nan: must be a finite number"),
        (lambda c: setattr(c.behavior, "fear_scale", float("inf")),
         "behavior.fear_scale = inf: must be a finite number"),
        (lambda c: setattr(c.minor, "opposition_intent", float("nan")),
         "minor.opposition_intent = nan: must be a finite"),
        (lambda c: setattr(c.executive, "agenda_share", float("nan")),
         "executive.agenda_share = nan: must be a finite"),
        (lambda c: setattr(c.executive, "ideal", [0.0, float("-inf"), 0.5]),
         "executive.ideal = [0.0, -inf, 0.5]: must be a finite"),
        (lambda c: setattr(c.parties["qhp"], "rivals", ["qhp"]), "parties.qhp.rivals: 'qhp' is the party itself"),
        (lambda c: c.parliament.list_seats.update(amanat=0) or c.parliament.district_seats.update(amanat=0),
         "the ruling party 'amanat' holds 0 seats; it must hold at least 1"),
        (lambda c: setattr(c.rules.kinds[1], "share", "1/3"),
         "rules.kinds: shares ['1/2', '1/3', '3/4']: every kind after the first (the ordinary law) must need a "
         "larger share"),
        (lambda c: setattr(c.rules.kinds[0], "share", "2/3"),
         "rules.kinds: shares ['2/3', '2/3', '3/4']: every kind after the first"),
        (lambda c: setattr(c.rules.kinds[2], "kind", "ordinary"),
         "rules.kinds: ['ordinary', 'constitutional', 'ordinary']: must name at least one bill kind, each once"),
        (lambda c: setattr(c, "dimensions", ["russia", "energy"]), "parties.qhp.platform = [0.5, 0.4, 0.5]: must have "
         "2 entries"),
        (lambda c: setattr(c, "dimensions", ["russia", "russia", "energy"]), "dimensions = ['russia', 'russia', "
         "'energy']: must name at least one dimension, each once"),
        (lambda c: c.parliament.list_seats.update(nur_otan=3),
         "parliament.list_seats.nur_otan: 'nur_otan' is not a party"),
        (lambda c: c.parliament.list_seats.update(auyl=-2), "parliament.list_seats.auyl = -2: must be >= 0"),
        (lambda c: setattr(c.parties["auyl"], "ruling", True),
         "exactly one party must be ruling, found ['amanat', 'auyl']"),
        (lambda c: setattr(c.parties["auyl"], "rivals", ["baitak", "kazakh_greens"]),
         "parties.auyl.rivals: 'kazakh_greens' is not a party"),
        (lambda c: setattr(c.rules.kinds[0], "government", 0.5),
         "rules.kinds.*.government = [0.5, 0.12, 0.03]: the shares of ['ordinary', 'constitutional', 'amendment'] "
         "among the Government's bills must sum to 1"),
        (lambda c: setattr(c.rules.kinds[1], "share", "two thirds"),
         "rules.kinds.1.share = 'two thirds' (constitutional): must be a fraction"),
        (lambda c: setattr(c.rules.kinds[2], "share", "4/3"),
         "rules.kinds.2.share = '4/3' (amendment): must lie strictly between 0 and 1"),
        (lambda c: setattr(c.parliament, "independents", 5_000_000),
         "parliament: the house has 5000091 seats; at most 10,000 are allowed"),
        (lambda c: setattr(c.agenda, "session_length", 50_000),
         "agenda.session_length = 50000: with 98 seats a session holds 4,900,000 votes; at most 2,000,000"),
        (lambda c: setattr(c.agenda, "session_length", 10_000) or setattr(c.agenda, "sessions_per_term", 60),
         "agenda: 1 term(s) of 60 sessions of 10000 roll calls in a house of 98 is 58,800,000 votes a run"),
        (lambda c: setattr(c.behavior, "policy_weight", 1e308), "behavior.policy_weight = 1e+308: must be in [0.0, "),
        (lambda c: setattr(c.rules.kinds[0], "share", "1/3"),
         "rules.kinds.0.share = '1/3' (ordinary): the ordinary law needs at least half the house"),
        (lambda c: setattr(c.parties["osdp"], "salience", [0.0, 0.0, 0.0]),
         "parties.osdp.salience = [0.0, 0.0, 0.0]: needs a positive entry"),
    ],
)
def test_a_bad_value_is_named_with_what_is_allowed(change, expected):
    cfg = load()
    change(cfg)
    assert expected in _error(cfg)


def test_an_empty_house_is_refused():
    cfg = load()
    cfg.parliament.list_seats, cfg.parliament.district_seats, cfg.parliament.independents = {}, {}, 0
    assert "the house has 0 seats" in _error(cfg)


def test_unknown_keys_and_wrong_types_fail_at_composition_naming_the_key():
    with pytest.raises(ConfigCompositionException) as err:
        load("behavior.loyality_mean=0.5")
    assert "loyality_mean" in str(err.value.__cause__ or err.value)
    with pytest.raises((ConfigCompositionException, ValidationError, ConfigKeyError)) as err:
        load("behavior.loyalty_mean=high")
    assert "loyalty_mean" in str(err.value) + str(err.value.__cause__)


def test_an_unknown_experiment_is_refused_listing_the_known_ones():
    with pytest.raises(ConfigCompositionException) as err:
        load("experiment=nonexistent")
    assert "experiment/nonexistent" in str(err.value) and "baseline" in str(err.value)


def test_nan_in_an_elected_house_s_support_is_refused():
    cfg = load("parliament=simulated_election")
    cfg.parliament.election.support["auyl"] = float("nan")
    assert "parliament.election.support.auyl = nan: must be a finite number" in _error(cfg)


@pytest.mark.parametrize("override, named", [
    ("+behavior.loyalty_mena=0.5", "behavior.loyalty_mena: not a configuration key; behavior has: loyalty_mean"),
    ("+foo=1", "foo: not a configuration key; the top level has: name, dimensions, parliament"),
    ("+parties.qhp.wip=0.5", "parties.qhp.wip: not a configuration key; parties.qhp has: platform"),
])
def test_a_key_added_with_plus_that_the_schema_lacks_is_refused(override, named):
    with pytest.raises(ConfigError) as err:
        load(override)
    assert named in str(err.value)


def test_the_model_refuses_a_config_it_cannot_run_naming_why():
    with pytest.raises(ConfigError) as err:
        MajilisModel(Config())
    assert "exactly one party must be ruling, found []" in str(err.value)
    assert "the house has 0 seats" in str(err.value)


@pytest.mark.parametrize("group", ["experiment", "sweep"])
def test_every_experiment_and_sweep_file_composes_into_a_valid_config(group):
    files = sorted((ROOT / "configs" / group).glob("*.yaml"))
    assert files
    for path in files:
        cfg = load(f"{group}={path.stem}")
        validate(cfg)
        if group == "experiment":
            assert cfg.name == path.stem, f"{path.name} must set name: {path.stem}"


def test_load_config_composes_what_run_py_runs():
    import sim

    cfg = sim.load_config("experiment=weak_whip", "run.replicates=7")
    assert cfg.name == "weak_whip" and cfg.run.replicates == 7 and cfg.parties["qhp"].whip_strength == 0.425
    with pytest.raises(ConfigError, match="behavior.loyalty_mean = 2.0"):
        sim.load_config("behavior.loyalty_mean=2")


def test_the_schema_s_defaults_mirror_the_default_configs():
    """A custom file that leaves a key out gets the schema's default: it must be the documented one."""
    schema, composed = Config(), load()
    for section in ("behavior", "executive", "agenda", "coalition", "rules", "independents"):
        assert getattr(schema, section) == getattr(composed, section), section
