"""The observed record (configs/analysis/observed_2023.yaml), its summaries, and ABC's known answer:
from a record simulated at a chosen parameter point, its expulsions with their timing among it, the
90 % posterior intervals of the parameters the record identifies cover the truth."""

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from helpers import ROOT, load

from sim.analysis.posterior import (
    effective_size,
    load_record,
    matches,
    posterior_table,
    predictive_rows,
    prior_points,
    summaries,
    weights,
)
from sim.analysis.uncertainty import at_point, load_parameters
from sim.config import ConfigError
from sim.model.given import GivenExpulsion, GivenExpulsions
from sim.model.model import MajilisModel
from sim.outcomes import registry
from sim.outcomes.estimates import wilson
from sim.outcomes.features import BASE, Results, session_features
from sim.runs.evaluation import Plan, evaluate

ANALYSIS = ROOT / "configs" / "analysis"


def test_the_observed_record_states_each_fact_with_its_source():
    record = load_record(ANALYSIS / "observed_2023.yaml")
    assert record.sessions == 3
    found = {o.key: (o.observed, o.tolerance, o.sessions) for o in record.observations}
    assert found == {"gov_defeats": (0, 0, None), "coalition_formed": (0, 0, None),
                     "deputy_share_of_laws": (0.333, 0.05, None), "abstained_on_government (qhp)": (1, 0, (2, 2)),
                     "abstained_on_government (osdp)": (1, 0, (2, 2))}
    assert all(len(o.source) > 30 for o in record.observations)
    # None in sessions 1-2; Tanasheva (QHP), for a question to the Prime Minister, in session 3.
    assert record.expulsions == GivenExpulsions(3, (GivenExpulsion(2, "qhp", "speech"),))


def test_a_bad_record_is_refused_naming_what_is_wrong(tmp_path: Path):
    bad = tmp_path / "r.yaml"
    bad.write_text("sessions: 0\nobservations:\n  - {name: defeats, observed: 0, tolerance: 0, source: s}\n"
                   "  - {name: expulsions, observed: 0, tolerance: -1, source: s}\n"
                   "  - {name: expulsions_of, observed: 0, tolerance: 0, source: s}\n"
                   "  - {name: expulsions_of, parties: [nobody], observed: 0, tolerance: 0, source: s}\n"
                   "  - {name: gov_defeats, sessions: [2, 1], observed: 0, tolerance: 0, source: s}\n"
                   "expulsions:\n  - {session: 4, party: qhp, trigger: speech, source: s}\n"
                   "  - {session: 1, party: qhp, trigger: shouting, source: s}\n  - {session: 1, party: qhq}\n")
    with pytest.raises(ConfigError) as err:
        load_record(bad, ["amanat", "qhp"])
    text = str(err.value)
    assert "sessions = 0" in text and "'defeats': declared outcomes are" in text and "tolerance = -1.0" in text
    assert "(expulsions_of): 'parties' is required" in text and "'nobody' is not a party" in text
    assert "observations[4].sessions = [2, 1]" in text and "expulsions[0].session = 4" in text
    assert "expulsions[1].trigger = 'shouting'" in text and "expulsions[2]" in text
    bad.write_text("sessions: 3\nobservations:\n  - {name: gov_defeats, observed: 0, tolerance: 0, source: s}\n")
    with pytest.raises(ConfigError, match="expulsions: missing"):
        load_record(bad, ["amanat", "qhp"])


def _results(points: int, runs: int, sessions: int, names: list[str], **features: np.ndarray) -> Results:
    """Results holding the given features, every other analysed or observed one zero."""
    record = load_record(ANALYSIS / "observed_2023.yaml")
    analysed = [o.name for o in registry.outcomes(analysed=True)]
    zeros = {name: np.zeros((points, runs, sessions)) for name in [*analysed, *record.outcomes]}
    zeros["deputy_share_of_laws" + BASE] = np.zeros((points, runs, sessions))
    for name in ("expulsions_of", "abstained_on_government"):
        zeros[name] = np.zeros((points, runs, sessions, len(names)))
    return Results(zeros | features, names)


def test_summaries_read_the_record_s_sessions_only():
    names = ["amanat", "qhp", "osdp", "self_nominated"]
    r = _results(1, 2, 4, names)
    f = r.features
    f["deputy_share_of_laws" + BASE][0, 0] = [30, 30, 30, 30]
    f["deputy_share_of_laws"][0, 0] = [10, 10, 10, 90]
    f["abstained_on_government"][0, 0, 1, 1] = f["abstained_on_government"][0, 0, 1, 2] = 2  # both, in session 2
    f["gov_defeats"][0, 1, 3] = 5  # after the record's sessions: not counted
    f["coalition_formed"][0, 1, 2] = 12
    f["abstained_on_government"][0, 1, 1, 1] = 1  # only QHP abstains in session 2 ...
    f["abstained_on_government"][0, 1, 0, 2] = 1  # ... OSDP in session 1, which its observation does not cover
    record = load_record(ANALYSIS / "observed_2023.yaml")
    found = {k: v[0].tolist() for k, v in summaries(record, r).items()}
    assert found["deputy_share_of_laws"][0] == pytest.approx(1 / 3)
    assert found["gov_defeats"] == [0, 0] and found["coalition_formed"] == [0, 1]
    assert found["abstained_on_government (qhp)"] == [1, 1] and found["abstained_on_government (osdp)"] == [1, 0]
    assert matches(record, r)[0].tolist() == [True, False]


def test_the_predictive_answer_weighs_each_posterior_point_once():
    """Two points, four runs each: a coalition in 3 of the first point's runs (in session 2 only) and
    in none of the second's; defeats 1 a run at the first point, 5 at the second."""
    results = _results(2, 4, 3, ["amanat"])
    results.features["coalition_formed"][0, :3, 1] = 40
    results.features["gov_defeats"][0, :, 0] = 1
    results.features["gov_defeats"][1, :, 2] = 5
    rows = {r["outcome"]: r for r in predictive_rows("h", results, slice(1, 3))}
    formed = rows["coalition_formed"]
    assert formed["mean"] == 3 / 8 and formed["points"] == 2 and formed["sessions"] == "2-3"
    assert (formed["ci_low"], formed["ci_high"]) == pytest.approx(wilson(0.75, 2))  # n = points, not runs
    defeats = rows["gov_defeats"]  # session 1 (0-based 0) is outside the window
    assert defeats["mean"] == 2.5 and defeats["run_low"] == pytest.approx(0.0) and defeats["run_high"] == 5


def _synthetic_record(base, params, truth, record, seed: int):
    """One run at `truth` as the 'observed' record: its observations' values and every expulsion of its
    first sessions, when, from which party and for what."""
    model = MajilisModel(at_point(base, params, truth), rng=np.random.default_rng(seed))
    model.run_model()
    features = session_features(model, list(record.outcomes))
    observed = Results({k: v[None, None] for k, v in features.items()}, list(model.parties.names))
    events = tuple(GivenExpulsion(e.session, e.party, e.trigger) for e in model.expelled if e.session < record.sessions)
    simulated = record.with_observed({k: float(v[0, 0]) for k, v in summaries(record, observed).items()})
    return replace(simulated, expulsions=GivenExpulsions(record.sessions, events))


def test_abc_recovers_the_parameters_the_record_identifies(tmp_path: Path):
    """A chosen point (the default calibration, every minor party as QHP) and one run of it as the
    'observed' record, its expulsions with their sessions, parties and triggers; ABC from 2,000 prior
    draws, each given those expulsions and weighted by their likelihood. The deputy-initiated share of
    laws identifies the Government's agenda share; whatever the record narrows must contain the truth."""
    base = load("agenda.sessions_per_term=3")  # the record's three sessions: nothing after is read
    params = load_parameters(ANALYSIS / "uncertainty.yaml")
    record = load_record(ANALYSIS / "observed_2023.yaml")
    qhp = base.parties["qhp"]
    truth = np.array([getattr(qhp, p.name) if p.key.startswith("minor.") else
                      getattr(getattr(base, p.key.partition(".")[0]), p.name) for p in params])
    assert at_point(base, params, truth).behavior == base.behavior
    simulated = _synthetic_record(base, params, truth, record, seed=11)
    assert simulated.expulsions.events  # the timing is part of what is recovered from
    prior = prior_points(params, 2000, seed=12)
    runs = evaluate(Plan(base, tuple(params), prior, 1, seed=12, common_seeds=False, keep=record.outcomes,
                         given=simulated.expulsions), tmp_path / "abc")
    w = weights(simulated, runs)
    assert effective_size(w) >= 30
    table = posterior_table(params, prior, prior[w > 0], w[w > 0]).assign(truth=truth)
    identified = table[table.width_ratio < 0.8]
    assert "executive.agenda_share" in set(identified.parameter)
    covered = (identified.posterior_5 <= identified.truth) & (identified.truth <= identified.posterior_95)
    assert covered.all(), identified


SMALL_CALIBRATION = ["--draws", "400", "--points", "4", "--replicates", "1", "--condition-points", "2",
                     "--workers", "1", "agenda.session_length=20"]


def test_a_killed_calibration_resumes_to_the_same_answer(tmp_path: Path):
    """Killed part way through its ABC runs, the calibration computes only the chunks it lacks and writes
    the same posterior, predictive answer and conditions, to the byte, as a run never stopped."""
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    command = [sys.executable, "experiments/calibration.py", *SMALL_CALIBRATION, "--out"]
    done = subprocess.run([*command, str(whole)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    proc = subprocess.Popen([*command, str(killed)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 300
    while not list((killed / "abc").glob("chunk_*.npz")) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 1 <= len(list((killed / "abc").glob("chunk_*.npz"))) < 3 and not (killed / "posterior.csv").exists()
    done = subprocess.run([*command, str(killed)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for name in ("observations.csv", "posterior.csv", "predictive.csv", "conditions.csv"):
        assert (whole / name).read_bytes() == (killed / name).read_bytes(), name
