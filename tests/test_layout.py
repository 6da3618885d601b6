"""The layout is the architecture: layers that import only downwards, policy dimensions and bill kinds
as data, outcomes declared once, and a resume fingerprint that follows every sub-package."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from helpers import ROOT, load

from sim.outcomes import registry
from sim.outcomes.summary import summary_text
from sim.runs import fingerprint as fp
from sim.runs.job import is_complete, run_job
from sim.runs.report import comparison_table

# Bottom to top: a module may import from its own layer and those below it, never from one above.
LAYERS = [("sim.config", "sim.files"), ("sim.model",), ("sim.outcomes",), ("sim.analysis",), ("sim.figures",),
          ("sim.runs",)]


def _layer(module: str) -> int:
    for level, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return level
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS")


def _package_imports() -> dict[str, set[str]]:
    """Every module of sim with the sim modules it imports (at run time or for type checking)."""
    graph = {}
    for path in sorted((ROOT / "sim").rglob("*.py")):
        if path.name == "__init__.py" and path.parent.name == "sim":
            continue  # the package's lazy load_config hook
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        graph[module] = {name for name in fp._imports(module, path) if name.startswith("sim.") and fp._source(name)}
    return graph


def test_no_module_imports_from_a_layer_above_it():
    upward = [f"{m} -> {i}" for m, imports in _package_imports().items() for i in imports if _layer(i) > _layer(m)]
    assert not upward, upward


def test_the_import_graph_has_no_circle():
    graph = _package_imports()
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " -> ".join((*path[path.index(module):], module))
        if module in done:
            return
        for other in graph.get(module, ()):
            if other != module:
                visit(other, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())


def _experiment(tmp_path: Path, name: str, body: dict) -> list[str]:
    """A user's experiment file outside configs/, found through Hydra's search path."""
    (tmp_path / "experiment").mkdir(parents=True, exist_ok=True)
    text = f"# @package _global_\n# python run.py experiment={name}\n" + yaml.safe_dump({"name": name, **body})
    (tmp_path / "experiment" / f"{name}.yaml").write_text(text)
    return [f"hydra.searchpath=[file://{tmp_path}]", f"experiment={name}"]


def _run(tmp_path: Path, *overrides: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "run.py", f"hydra.run.dir={tmp_path / 'out'}", "run.progress=false",
                           "run.replicates=3", "run.record_roll_calls=true", "agenda.session_length=40", *overrides],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_a_fourth_dimension_added_in_a_config_runs_end_to_end(tmp_path: Path):
    base = load()
    body = {"dimensions": [*base.dimensions, "water"], "executive": {"ideal": [*base.executive.ideal, 0.4]},
            "parties": {name: {"platform": [*p.platform, -0.2 if p.ruling else 0.6], "salience": [*p.salience, 1.0]}
                        for name, p in base.parties.items()}}
    done = _run(tmp_path, *_experiment(tmp_path, "with_water", body))
    assert done.returncode == 0, done.stderr
    calls = pd.read_parquet(tmp_path / "out" / "roll_calls.parquet")
    assert calls["moves_water"].any() and calls[["moves_russia", "moves_water"]].any(axis=1).any()
    deputies = pd.read_parquet(tmp_path / "out" / "legislators.parquet")
    assert deputies["water"].between(-1, 1).all() and deputies["water"].std() > 0
    runs = pd.read_parquet(tmp_path / "out" / "runs.parquet")
    assert {"dissent_qhp_water", "executive.ideal.3"} <= set(runs.columns) and len(runs) == 3


def test_a_fourth_bill_kind_added_in_a_config_runs_end_to_end(tmp_path: Path):
    kinds = [{"kind": k.kind, "share": k.share, "strict": k.strict, "government": k.government,
              "deputies": k.deputies} for k in load().rules.kinds]
    kinds[0] |= {"government": 0.45, "deputies": 0.57}
    kinds.append({"kind": "budget", "share": "3/5", "strict": False, "government": 0.4, "deputies": 0.4})
    done = _run(tmp_path, *_experiment(tmp_path, "with_budget", {"rules": {"kinds": kinds}}))
    assert done.returncode == 0, done.stderr
    calls = pd.read_parquet(tmp_path / "out" / "roll_calls.parquet")
    assert (calls["kind"] == "budget").mean() > 0.2
    budget = calls[calls["kind"] == "budget"]
    assert (budget["passed"] == (budget["yes"] >= 59)).all()  # at least three fifths of 98
    runs = pd.read_parquet(tmp_path / "out" / "runs.parquet")
    assert (runs["threshold_budget"] == 59).all() and (runs["blocking"] == 98 - 59 + 1).all()
    assert runs["ruling_banzhaf_budget"].between(0, 1).all()


def test_a_new_outcome_is_one_declaration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.setattr(registry, "_DECLARED", list(registry._DECLARED))  # the declaration ends with the test
    registry.declare(registry.Outcome(
        "lost_own_bills", "deputies' bills the house rejected", "bills", "count",
        lambda s: (~s.government & ~s.passed).sum(axis=1), "sum", summary=True))
    cfg = load("run.replicates=4", "run.workers=1", "run.progress=false", "run.figures=false",
               "run.record_roll_calls=true", "agenda.session_length=30")
    runs = run_job(cfg, tmp_path)
    calls = pd.read_parquet(tmp_path / "roll_calls.parquet")
    rejected = calls[(calls["proposer"] != "government") & ~calls["passed"]].groupby("replicate").size()
    assert runs["lost_own_bills"].tolist() == rejected.reindex(range(4), fill_value=0).tolist()
    assert runs["lost_own_bills"].sum() > 0 and runs["lost_own_bills"].dtype.kind == "i"
    assert "deputies' bills the house rejected" in capsys.readouterr().out
    assert "deputies' bills the house rejected" in summary_text(runs)
    assert "lost_own_bills" in set(pd.read_csv(tmp_path / "summary.csv")["outcome"])
    assert "lost_own_bills" in comparison_table(runs).columns


def test_a_declared_outcome_is_checked():
    with pytest.raises(ValueError, match="a base is given exactly when over_sessions is 'ratio'"):
        registry.Outcome("x", "x", "x", "share", lambda s: s.passed.sum(axis=1), "ratio")
    with pytest.raises(ValueError, match="declared already"):
        registry.declare(registry.outcome("expulsions"))


@pytest.mark.parametrize("module", ["sim/config.py", "sim/files.py", "sim/model/agenda.py", "sim/outcomes/terms.py",
                                    "sim/figures/results.py", "sim/runs/replicates.py", "sim/runs/batch.py"])
def test_a_stored_job_recomputes_after_a_change_to_a_module_in_any_sub_package(
        module: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "sim", copy / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(fp, "ROOT", copy)
    cfg = load("run.replicates=2")
    out = tmp_path / "job"
    out.mkdir()
    (out / "runs.parquet").write_bytes(b"")
    (out / "done.json").write_text(json.dumps({"fingerprint": fp.fingerprint(cfg)}))
    assert is_complete(out, fp.fingerprint(cfg))
    with (copy / module).open("a") as f:
        f.write("# an edit\n")
    assert not is_complete(out, fp.fingerprint(cfg))


def test_an_analysis_store_follows_the_analysis_modules():
    sources = {str(p.relative_to(ROOT)) for p in fp.model_sources("sim.runs.evaluation")}
    assert {"sim/analysis/uncertainty.py", "sim/outcomes/registry.py", "sim/model/rollcall.py",
            "sim/runs/batch.py"} <= sources
    assert not any(s.startswith("sim/figures/") for s in sources)  # plotting changes no stored number
