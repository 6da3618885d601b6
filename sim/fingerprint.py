"""What results depend on, as one hash: the configuration, the code that computes them and the
libraries it rests on. A job (sim.job) or an analysis store (sim.evaluation) whose hash has changed is
computed again rather than trusted."""

from __future__ import annotations

import ast
import hashlib
import json
import platform
from dataclasses import asdict
from importlib.metadata import version
from pathlib import Path

from .config import Config

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
