"""Compose configs the way run.py does (sim.load_config), run small models, and compare result files."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

import sim
from sim.config import Config
from sim.model.model import MajilisModel

ROOT = Path(__file__).resolve().parents[1]

# A house where coalitions form: the ruling party without a majority, every other player's intent at
# its top, and the registration risk weighed at a third of the default (at the default, once the
# warm-up has raised minor parties' fear to its ceiling, none forms).
FORMING = ("experiment=ruling_minority", "minor.opposition_intent=1", "coalition.risk_weight=0.1")
# A corner of the declared prior where parties expel for votes 3-4 times a term: fear at a fifth of the
# default, no tolerance, twice the expulsion rate, a third of the sanction rate, threats fading slowly,
# and no public dissent (ODD 7.9a), so that every expulsion is for votes.
# (At the default, once the warm-up has raised minor parties' fear to its ceiling, almost nobody votes
# against the executive and vote-driven expulsions are rare: about 0.01 a term.)
EXPELLING = ("behavior.fear_scale=0.2", "behavior.dissent_tolerance=0", "behavior.expel_rate=3",
             "executive.sanction_rate=0.1", "executive.threat_decay=0.75", "behavior.speech_rate=0")


@cache
def _composed(overrides: tuple[str, ...]) -> Config:
    return sim.load_config(*overrides)


def load(*overrides: str) -> Config:
    """The composed, validated config for these command-line overrides (a fresh copy to change)."""
    return copy.deepcopy(_composed(overrides))


def run(cfg: Config, seed: int = 0) -> MajilisModel:
    model = MajilisModel(cfg, rng=np.random.default_rng(seed))
    model.run_model()
    return model


def assert_csv_copy(parquet: Path) -> None:
    """The CSV beside a Parquet table holds the same table: every column, row and value."""
    table, copy = pd.read_parquet(parquet), pd.read_csv(parquet.with_suffix(".csv"))
    # CSV has no None: an optional value left empty (parliament.election) reads back as NaN.
    table = table.astype({c: object for c in table.columns if table[c].isna().all()}).fillna(np.nan)
    pd.testing.assert_frame_equal(table, copy, check_dtype=False, check_exact=True)
