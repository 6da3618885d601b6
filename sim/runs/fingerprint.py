"""What results depend on, as one hash: the configuration, the code that computes them and the
libraries it rests on. A job (sim.runs.job) or an analysis store (sim.runs.evaluation) whose hash has changed is
computed again rather than trusted."""

from __future__ import annotations

import ast
import hashlib
import json
import platform
from dataclasses import asdict
from importlib.metadata import version
from pathlib import Path

from sim.config import Config

# The directory holding the `sim` package.
ROOT = Path(__file__).resolve().parents[2]
# Settings that change how a job runs or is shown, never its numbers.
PRESENTATION = ("workers", "progress", "figures", "export")
# Libraries whose versions can change the numbers: the generator and array maths, and the agents.
LIBRARIES = ("numpy", "mesa", "majilis-sim")


def _source(module: str) -> Path | None:
    """The file of a module of the package ('sim.model.rollcall'), or None for anything else."""
    path = ROOT.joinpath(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if module.split(".")[0] == "sim" and candidate.exists():
            return candidate
    return None


def _imports(module: str, path: Path) -> list[str]:
    """The modules of the package that `module` imports, absolute or relative, in any sub-package."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            # `from sim.model import coalition` imports a module; `from sim.model.seats import Seats` a name.
            found += [base, *(f"{base}.{alias.name}" for alias in node.names)]
    return found


def model_sources(entry: str = "sim.runs.job") -> list[Path]:
    """The package's modules that `entry` imports, directly or through each other, with the
    sub-packages' __init__ files on the way: the code that computes a job's numbers and the files it
    writes. Read from the import statements, so a new module in any sub-package is never missed."""
    found: dict[str, Path] = {}
    todo = [entry]
    while todo:
        module = todo.pop()
        path = _source(module)
        if module in found or path is None:
            continue
        found[module] = path
        parts = module.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]  # a package's __init__ runs first
        todo += _imports(module, path)
    return sorted(found.values())


def fingerprint(cfg: Config, extra: bytes = b"", entry: str = "sim.runs.job") -> str:
    """Hash of everything that determines the results: the config (less its presentation), `extra`
    (what else the caller's results depend on), the source of every module that `entry` imports, and
    the versions of Python and of the libraries they rest on (Python 3.12 changed how sum() adds floats)."""
    digest = hashlib.sha256(extra)
    settings = asdict(cfg)
    del settings["name"]  # a label: the same overrides in another order name a run differently
    settings["run"] = {k: v for k, v in settings["run"].items() if k not in PRESENTATION}
    digest.update(json.dumps(settings, sort_keys=True).encode())
    for path in model_sources(entry):
        digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    digest.update(" ".join([platform.python_version(), *(f"{name}={version(name)}" for name in LIBRARIES)]).encode())
    return digest.hexdigest()
