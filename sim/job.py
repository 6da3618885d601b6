"""One Hydra job: run a configuration's replicates into a directory, or skip it if already done."""

from __future__ import annotations

import ast
import hashlib
import json
import logging
import platform
from contextlib import ExitStack
from dataclasses import asdict
from importlib.metadata import version
from pathlib import Path

import pandas as pd

from .config import Config
from .plots import experiment_figures
from .results import atomic_path, parquet_stream, summarize, write_table
from .runner import run_experiment
from .summary import summary_text

log = logging.getLogger(__name__)
DONE = "done.json"
# The tables run.record_roll_calls writes, one Parquet file each (sim.outcomes.recorded_tables).
RECORDED = ("roll_calls", "voteview", "legislators", "expulsions")
PACKAGE = Path(__file__).parent
# Settings that change how a job runs or is shown, never its numbers.
PRESENTATION = ("workers", "progress", "figures")
# Libraries whose versions can change the numbers: the generator and array maths, and the agents.
LIBRARIES = ("numpy", "mesa", "majilis-sim")


def model_sources(entry: str = "job") -> list[Path]:
    """The package's modules that `entry` imports, directly or through each other: the code that
    computes a job's numbers and the files it writes. Read from the import statements, so a new
    module is never missed."""
    found: set[str] = set()
    todo = [entry]
    while todo:
        module = todo.pop()
        if module in found:
            continue
        found.add(module)
        for node in ast.walk(ast.parse((PACKAGE / f"{module}.py").read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:  # from .x import y / from . import x
                names = [node.module] if node.module else [alias.name for alias in node.names]
                todo += [name for name in names if (PACKAGE / f"{name}.py").exists()]
    return sorted(PACKAGE / f"{module}.py" for module in found)


def fingerprint(cfg: Config, extra: bytes = b"", entry: str = "job") -> str:
    """Hash of everything that determines the results: the config (less its presentation), `extra`
    (what else the caller's results depend on), the source of every module that `entry` imports, and
    the versions of Python and of the libraries they rest on (Python 3.12 changed how sum() adds floats)."""
    digest = hashlib.sha256(extra)
    settings = asdict(cfg)
    del settings["name"]  # a label: the same overrides in another order name a run differently
    settings["run"] = {k: v for k, v in settings["run"].items() if k not in PRESENTATION}
    digest.update(json.dumps(settings, sort_keys=True).encode())
    for path in model_sources(entry):
        digest.update(path.name.encode() + path.read_bytes())
    digest.update(" ".join([platform.python_version(), *(f"{name}={version(name)}" for name in LIBRARIES)]).encode())
    return digest.hexdigest()


def is_complete(out: Path, expected: str) -> bool:
    """Whether `out` holds finished results with this fingerprint (config, code and libraries).
    A damaged or empty marker means not complete: the job is computed again."""
    marker = out / DONE
    if not (marker.exists() and (out / "runs.parquet").exists()):
        return False
    try:
        return json.loads(marker.read_text()).get("fingerprint") == expected
    except (ValueError, AttributeError):
        return False


def run_job(cfg: Config, out: Path) -> pd.DataFrame:
    """Run (or reuse) the replicates of `cfg` in `out`: runs.parquet, summary.csv, the figures, and
    last of all the done marker, so an interrupted job is never taken for a complete one."""
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob(".*.tmp"):  # left by a run that was killed while writing
        stale.unlink()
    expected = fingerprint(cfg)
    runs = _complete_runs(out, expected)
    if runs is not None:
        log.info("%s: complete results for this config found, skipping", out)
    else:
        (out / DONE).unlink(missing_ok=True)
        runs = _compute(cfg, out)
        with atomic_path(out / DONE) as tmp:
            tmp.write_text(json.dumps({"fingerprint": expected, "replicates": cfg.run.replicates}))
    print(summary_text(runs))
    print(f"results in {out}/: {', '.join(sorted(p.name for p in out.iterdir() if not p.name.startswith('.')))}")
    return runs


def _complete_runs(out: Path, expected: str) -> pd.DataFrame | None:
    """The finished runs in `out` for this fingerprint, or None when there are none or they cannot be
    read (a damaged file is computed again, not trusted)."""
    if not is_complete(out, expected):
        return None
    try:
        return pd.read_parquet(out / "runs.parquet")
    except (OSError, ValueError) as err:  # pyarrow's ArrowInvalid is a ValueError
        log.warning("%s: runs.parquet cannot be read (%s); computing again", out, err)
        return None


def _compute(cfg: Config, out: Path) -> pd.DataFrame:
    with ExitStack() as stack:
        streams = {name: stack.enter_context(parquet_stream(out / f"{name}.parquet")) for name in RECORDED
                   } if cfg.run.record_roll_calls else {}
        runs = run_experiment(cfg, on_table=lambda name, table: streams[name](table))
    write_table(runs, out / "runs.parquet")
    outcomes = list(runs.columns[runs.columns.get_loc("replicate") + 1:])
    write_table(summarize(runs, outcomes), out / "summary.csv")
    if cfg.run.figures:
        experiment_figures(runs, out)
    return runs
