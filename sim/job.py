"""One Hydra job: run a configuration's replicates into a directory, or skip it if already done."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from .config import Config
from .plots import experiment_figures
from .results import atomic_path, parquet_stream, summarize, write_table
from .runner import run_experiment
from .summary import summary_text

log = logging.getLogger(__name__)
DONE = "done.json"
# The modules whose code decides a run's numbers (not how they are written or drawn).
MODEL_SOURCES = ("config", "composition", "agents", "agenda", "coalition", "rules", "model",
                 "outcomes", "runner")


def fingerprint(cfg: Config) -> str:
    """Hash of everything that determines the results: the config (less workers, progress and
    figures, which do not change them) and the source of the modules that compute them."""
    digest = hashlib.sha256()
    settings = asdict(cfg)
    settings["run"] = {k: v for k, v in settings["run"].items() if k not in ("workers", "progress", "figures")}
    digest.update(json.dumps(settings, sort_keys=True).encode())
    for module in MODEL_SOURCES:
        digest.update((Path(__file__).with_name(f"{module}.py")).read_bytes())
    return digest.hexdigest()


def is_complete(out: Path, expected: str) -> bool:
    """Whether `out` holds finished results with this fingerprint (config and code)."""
    marker = out / DONE
    if not (marker.exists() and (out / "runs.parquet").exists()):
        return False
    return json.loads(marker.read_text()).get("fingerprint") == expected


def run_job(cfg: Config, out: Path) -> pd.DataFrame:
    """Run (or reuse) the replicates of `cfg` in `out`: runs.parquet, summary.csv, the figures, and
    last of all the done marker, so an interrupted job is never taken for a complete one."""
    out.mkdir(parents=True, exist_ok=True)
    expected = fingerprint(cfg)
    if is_complete(out, expected):
        log.info("%s: complete results for this config found, skipping", out)
        return pd.read_parquet(out / "runs.parquet")
    (out / DONE).unlink(missing_ok=True)
    if cfg.run.record_roll_calls:
        with parquet_stream(out / "roll_calls.parquet") as append:
            runs = run_experiment(cfg, on_roll_calls=append)
    else:
        runs = run_experiment(cfg)
    write_table(runs, out / "runs.parquet")
    outcomes = list(runs.columns[runs.columns.get_loc("replicate") + 1:])
    write_table(summarize(runs, outcomes), out / "summary.csv")
    if cfg.run.figures:
        experiment_figures(runs, out)
    with atomic_path(out / DONE) as tmp:
        tmp.write_text(json.dumps({"fingerprint": expected, "replicates": len(runs)}))
    print(summary_text(runs))
    return runs
