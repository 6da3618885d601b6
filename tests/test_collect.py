"""The opt-in DataCollector (sim.outcomes.collect) and mesa.batch_run on the model."""

from __future__ import annotations

import inspect

import mesa
import numpy as np
import pandas as pd
import pytest
from helpers import FORMING

from sim import load_config
from sim.model.model import MajilisModel, run_lockstep
from sim.outcomes import registry
from sim.outcomes.collect import CollectingMajilisModel
from sim.outcomes.tables import roll_call_table
from sim.outcomes.terms import run_outcomes


@pytest.fixture(scope="module")
def cfg():
    # A house where an opposition coalition forms, defeats Government bills, draws sanctions and
    # breaks up, with expulsions (a cold start: no warm-up, fear at half the default): every reporter moves.
    return load_config(*FORMING, "behavior.fear_scale=0.5", "agenda.warm_up_sessions=0", "agenda.session_length=60")


def _expected_sessions(model: MajilisModel) -> pd.DataFrame:
    """The model reporters, per closed session, as the outcome tables give them."""
    table = roll_call_table(model)
    gov = table[table["proposer"] == "government"]
    return pd.DataFrame({
        "coalition_max_seats": table.groupby("session")["coalition_seats"].first(),
        "gov_pass_rate": gov.groupby("session")["passed"].mean(),
        "gov_defeats": (~gov["passed"]).groupby(gov["session"]).sum(),
    })


def test_off_by_default_no_collector_and_same_run(cfg):
    plain = MajilisModel(cfg, rng=11)
    assert not hasattr(plain, "datacollector")
    with pytest.raises(AttributeError, match="datacollector"):
        mesa.batch_run(MajilisModel, parameters={"cfg": cfg}, max_steps=5, display_progress=False)
    collecting = CollectingMajilisModel(cfg, rng=11)
    plain.run_model()
    collecting.run_model()
    # Collecting draws nothing from the model's generator: the runs are the same roll call for roll call.
    assert np.array_equal(plain.record.votes, collecting.record.votes)
    assert plain.expulsions == collecting.expulsions


def test_collector_agrees_with_outcome_tables(cfg):
    model = CollectingMajilisModel(cfg, rng=5)
    model.run_model()
    sessions = cfg.agenda.sessions_per_term * cfg.agenda.terms
    data = model.datacollector.get_model_vars_dataframe()
    # Row 0 is the house as constructed; row k the house after session k.
    assert len(data) == sessions + 1
    start, closed = data.iloc[0], data.iloc[1:].reset_index(drop=True)
    # One reporter per declared outcome, each nothing yet for the house as constructed.
    assert list(data.columns) == [o.name for o in registry.outcomes()] and start.isna().all()
    expected = _expected_sessions(model).reset_index(drop=True)
    assert closed["coalition_max_seats"].max() > 0 and closed["gov_defeats"].sum() > 0  # the reporters move
    pd.testing.assert_series_equal(closed["coalition_max_seats"], expected["coalition_max_seats"], check_dtype=False,
                                   check_names=False)
    pd.testing.assert_series_equal(closed["gov_pass_rate"], expected["gov_pass_rate"], check_dtype=False)
    pd.testing.assert_series_equal(closed["gov_defeats"], expected["gov_defeats"], check_dtype=False)
    terms = run_outcomes(model)
    per_term = cfg.agenda.sessions_per_term
    assert closed["expulsions"].sum() == sum(t["expulsions"] for t in terms) > 0
    for term, row in enumerate(terms):
        in_term = closed.iloc[term * per_term:(term + 1) * per_term]
        assert in_term["expulsions"].sum() == row["expulsions"] and in_term["defections"].sum() == row["defections"]
        assert in_term["mean_fear"].iloc[-1] == pytest.approx(row["mean_fear"])

    # Agent rows: one per deputy in office at each collection, and the last are today's deputies.
    agents = model.datacollector.get_agent_vars_dataframe()
    steps = agents.index.get_level_values("Step").unique()
    assert len(steps) == sessions + 1
    last = agents.xs(steps[-1], level="Step")
    sitting = {d.unique_id: d for d in model.occupant if d is not None}
    assert set(last.index) == set(sitting)
    for uid, row in last.iterrows():
        deputy = sitting[uid]
        assert (row["party"], row["loyalty"], row["fear"], row["defections"]) == (
            deputy.party or "self_nominated", deputy.loyalty, deputy.fear, deputy.defections)
    assert last["defections"].sum() == model.seats.defections[model.seats.seated].sum() > 0
    assert "self_nominated" in set(last["party"])


def test_lockstep_collects_the_same_sessions(cfg):
    alone = CollectingMajilisModel(cfg, rng=8)
    alone.run_model()
    houses = [CollectingMajilisModel(cfg, rng=seed) for seed in (8, 9)]
    run_lockstep(houses)
    pd.testing.assert_frame_equal(alone.datacollector.get_model_vars_dataframe(),
                                  houses[0].datacollector.get_model_vars_dataframe())


@pytest.mark.skipif("rng" not in inspect.signature(mesa.batch_run).parameters,
                    reason="Mesa before 3.5 has batch_run read one collection per step (model_vars[name][step]); "
                           "the model collects once per session")
def test_batch_run_rows_per_session(cfg):
    seeds = [3, 5]
    rows = pd.DataFrame(mesa.batch_run(
        CollectingMajilisModel, parameters={"cfg": cfg}, rng=seeds, data_collection_period=1,
        max_steps=10_000, number_processes=1, display_progress=False))
    sessions = cfg.agenda.sessions_per_term * cfg.agenda.terms
    for run, seed in enumerate(seeds):
        mine = rows[rows["RunId"] == run]
        assert (mine["rng"] == seed).all()
        per_step = mine.groupby("Step").first()
        assert list(per_step.index) == [cfg.agenda.session_length * k for k in range(sessions + 1)]
        model = MajilisModel(cfg, rng=seed)
        model.run_model()
        expected = _expected_sessions(model)
        closed = per_step.iloc[1:].reset_index(drop=True)
        np.testing.assert_array_equal(closed["coalition_max_seats"], expected["coalition_max_seats"])
        np.testing.assert_allclose(closed["gov_pass_rate"], expected["gov_pass_rate"])
        np.testing.assert_array_equal(closed["gov_defeats"], expected["gov_defeats"])
        assert closed["expulsions"].sum() == model.expulsions
        # One row per deputy in office at each collection: the last are the deputies seated at the end.
        last = mine[mine["Step"] == per_step.index[-1]]
        assert set(last["AgentID"]) == {d.unique_id for d in model.occupant if d is not None}
        assert set(last.columns) >= {"party", "loyalty", "fear", "defections", "gov_pass_rate", "mean_fear"}
