"""Speed and memory of the model on this machine: `python benchmarks/bench.py [--quick]`.

Prints medians of several repeats, timed with the standard library. The numbers go into the
Performance section of docs/DEVELOPING.md; no test asserts them, since machines here are shared and noisy.
--quick skips the end-to-end runs (1,000 and 10,000 replicates, the 24-point sweep).
--analysis times only the full Sobol analysis (experiments/sensitivity.py at its defaults), then runs
it again, kills it halfway through the Sobol points, resumes it, and compares the indices (~25 min).
--calibration times only experiments/calibration.py at its defaults, from an empty results directory
(its ABC, the predictive runs and the conditions), and prints its effective sample size.
--profile prints where a term's time goes (the table of docs/DEVELOPING.md): 200 baseline replicates
in lockstep chunks, as run.py runs them with one worker, each phase timed by the clock.
"""

from __future__ import annotations

import argparse
import copy
import gc
import importlib
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from naive import NaiveMajilisModel  # noqa: E402

from sim.config import Config  # noqa: E402
from sim.model.electoral import allocate_list_seats  # noqa: E402
from sim.model.model import MajilisModel, run_lockstep  # noqa: E402
from sim.model.power import banzhaf, shapley_shubik  # noqa: E402
from sim.runs.compose import load_config  # noqa: E402
from sim.runs.replicates import run_experiment, run_replicates  # noqa: E402
from sim.runs.workers import CHUNK  # noqa: E402


def median_seconds(work, repeats: int) -> float:
    """Median wall time of work(0), work(1), ...; the garbage collector runs between repeats and is
    paused within them, as in timeit."""
    times = []
    for r in range(repeats):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            work(r)
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return statistics.median(times)


def term(cfg: Config, seed: int, model_class=MajilisModel) -> MajilisModel:
    model = model_class(cfg, rng=np.random.default_rng(seed))
    model.run_model()
    model.release()
    return model


def lockstep_term(cfg: Config, first_seed: int, houses: int = CHUNK) -> None:
    """`houses` terms in lockstep, warm-up included, as the runner runs a chunk of replicates."""
    models = [MajilisModel(cfg, rng=np.random.default_rng(first_seed + h), warm=False) for h in range(houses)]
    run_lockstep(models)
    for model in models:
        model.release()


def scaled_house(cfg: Config, size: int) -> Config:
    """The same house with `size` seats, each party (and tier) keeping its share; largest remainder."""
    cfg = copy.deepcopy(cfg)
    p = cfg.parliament
    groups = [("list_seats", k) for k in p.list_seats] + [("district_seats", k) for k in p.district_seats]
    counts = {group: getattr(p, group[0])[group[1]] for group in groups} | {"independents": p.independents}
    seats = allocate_list_seats(counts, size, threshold=0.0)  # Hare largest remainder over the groups
    for tier, k in groups:
        getattr(p, tier)[k] = seats[(tier, k)]
    p.independents = seats["independents"]
    for party in cfg.parties.values():  # lists long enough for the larger house's expulsions
        party.reserve = max(party.reserve, size)
    return cfg


# Runs a command and prints the peak RSS of its largest process (itself or a worker): a fresh
# interpreter, so no earlier child of the benchmark counts.
PEAK = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def run_py(*args: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB, largest process) of `python run.py ARGS` in a fresh process."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", PEAK, sys.executable, "run.py", *args],
                         cwd=ROOT, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - start
    return wall, int(out.stdout.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the end-to-end runs")
    parser.add_argument("--analysis", action="store_true", help="time only the Sobol analysis and its resumption")
    parser.add_argument("--calibration", action="store_true", help="time only the calibration at its defaults")
    parser.add_argument("--profile", action="store_true", help="only where a term's time goes")
    args = parser.parse_args()
    if args.profile:
        profile()
        return
    if args.analysis:
        analysis()
        return
    if args.calibration:
        calibration()
        return
    repeats = 20 if args.quick else 60
    cfg = load_config()
    calls = cfg.agenda.session_length * cfg.agenda.sessions_per_term
    print(f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, numpy {np.__version__}")

    term(cfg, 0)  # warm-up: imports, first allocations
    t = median_seconds(lambda r: term(cfg, r), repeats)
    print(f"one term of the 2023 house ({calls} roll calls): {1e3 * t:.1f} ms "
          f"(median of {repeats}); per roll call {1e6 * t / calls:.1f} us; "
          f"deputy-votes per second {98 * calls / t:,.0f}")

    lockstep_term(cfg, 0)
    batch = median_seconds(lambda r: lockstep_term(cfg, CHUNK * r), max(5, repeats // 4)) / CHUNK
    print(f"one term in lockstep with {CHUNK - 1} others, as the runner runs replicates: {1e3 * batch:.1f} ms; "
          f"per roll call {1e6 * batch / calls:.1f} us; deputy-votes per second {98 * calls / batch:,.0f}")

    naive = median_seconds(lambda r: term(cfg, r, NaiveMajilisModel), max(3, repeats // 10))
    same = all(np.array_equal(term(cfg, s).record.votes, term(cfg, s, NaiveMajilisModel).record.votes)
               for s in range(3))
    print(f"naive Mesa reference (agents.do('vote'), DataCollector every step): {1e3 * naive:.0f} ms "
          f"per term; vectorised is {naive / t:.0f}x faster alone, {naive / batch:.0f}x in lockstep; "
          f"identical votes: {same}")

    singles = np.ones(2000, dtype=np.int64)
    for label, index in (("Banzhaf", banzhaf), ("Shapley-Shubik", shapley_shubik)):
        seconds = median_seconds(lambda r, index=index: index(singles, 1001 + r), 5)
        print(f"{label} index of a game of 2,000 single seats (quota 1001-1005): {1e3 * seconds:.1f} ms")
    forming = load_config("experiment=ruling_minority", "minor.opposition_intent=1")
    lockstep_term(forming, 0)
    game = median_seconds(lambda r: lockstep_term(forming, CHUNK * r), max(3, repeats // 10)) / CHUNK
    print(f"one term of ruling_minority at intent 1 (14 players, the exact coalition search every session), "
          f"in lockstep: {1e3 * game:.1f} ms")

    for workers in (1, 2):
        n = 500
        run_cfg = load_config(f"run.replicates={n}", f"run.workers={workers}")
        start = time.perf_counter()
        run_experiment(run_cfg, progress=False)
        print(f"replicates per second, workers={workers}: {n / (time.perf_counter() - start):.0f}")

    # Per roll call: the steps alone (sessions opened and closed included), not building the house.
    houses = {size: scaled_house(cfg, size) for size in (98, 450, 2000)}
    models = {size: [MajilisModel(sized, rng=np.random.default_rng(r)) for r in range(max(5, repeats // 4))]
              for size, sized in houses.items()}
    per_call = {size: median_seconds(lambda r, built=built: built[r].run_model(), len(built)) / calls
                for size, built in models.items()}
    for model in (m for built in models.values() for m in built):
        model.release()
    for size, sized in houses.items():
        batches = [[MajilisModel(sized, rng=np.random.default_rng(CHUNK * r + h)) for h in range(CHUNK)]
                   for r in range(3)]
        together = median_seconds(lambda r, batches=batches: run_lockstep(batches[r]), len(batches)) / CHUNK / calls
        for model in (m for batch in batches for m in batch):
            model.release()
        print(f"house of {size:>4}: {1e6 * per_call[size]:.1f} us per roll call alone "
              f"({per_call[size] / per_call[98]:.2f}x the 98-seat house); "
              f"{1e6 * together:.1f} us per house in lockstep")

    for length in (50, 100, 200, 400):
        longer = load_config(f"agenda.session_length={length}")
        n_calls = length * longer.agenda.sessions_per_term
        tt = median_seconds(lambda r, longer=longer: term(longer, r), max(5, repeats // 4))
        print(f"{n_calls:>5} roll calls per term: {1e3 * tt:.1f} ms per term, "
              f"{1e6 * tt / n_calls:.1f} us per roll call")

    if args.quick:
        return
    with tempfile.TemporaryDirectory() as tmp:
        # A term as a user's job pays for it: 401 replicates against 1, one worker, no figures (the
        # difference is 400 terms with everything run.py does per replicate, without its start-up).
        one = ["run.workers=1", "run.progress=false", "run.figures=false"]
        walls = {n: statistics.median(run_py(f"run.replicates={n}", *one, f"hydra.run.dir={tmp}/t{n}_{r}")[0]
                                      for r in range(3)) for n in (1, 401)}
        through = (walls[401] - walls[1]) / 400
        print(f"one term through run.py (401 against 1 replicates, one worker, medians of 3): "
              f"{1e3 * through:.1f} ms; {naive / through:.0f}x the plain Mesa way above")
        wall, _ = run_py("run.replicates=1000", "run.progress=false", f"hydra.run.dir={tmp}/r1000")
        print(f"python run.py run.replicates=1000, end to end with figures: {wall:.1f} s")
        wall10k, rss = run_py("run.replicates=10000", "run.progress=false", f"hydra.run.dir={tmp}/r10000")
        # Linear in replicates: wall = start-up + replicates x marginal cost.
        marginal = (wall10k - wall) / 9000
        print(f"python run.py run.replicates=10000: {wall10k:.1f} s; marginal cost {1e3 * marginal:.1f} ms per "
              f"replicate, start-up and figures {wall - 1000 * marginal:.1f} s; peak memory {rss:.0f} MB")
        start = time.perf_counter()
        subprocess.run([sys.executable, "run.py", "-m", "behavior.loyalty_mean=0.5,0.6,0.7,0.8,0.9,1.0",
                        "behavior.fear_scale=0,0.5,1,1.5", "hydra/launcher=joblib", "run.workers=1",
                        "run.replicates=500", "run.progress=false", "run.figures=false",
                        f"hydra.sweep.dir={tmp}/sweep"],
                       cwd=ROOT, check=True, capture_output=True)
        print(f"sweep of 24 points x 500 replicates, joblib launcher: {time.perf_counter() - start:.0f} s")


# The phases of a term, as the functions that run them (module, attribute, as the caller looks it up);
# each phase's time is theirs, less that of the phases listed with it (a session's opening holds the
# coalition game and the agenda; a close holds the expulsions and the vetting).
PHASES = {
    "build the houses (traits drawn, deputies seated)": ("sim.model.model", "MajilisModel.__init__"),
    "open sessions: the coalition game": ("sim.model.coalition", "play"),
    "open sessions: the agenda drawn (vectorised over the batch)": ("sim.model.model", "draw_sessions"),
    "open sessions: the rest (status quo, bills' points, the record)": ("sim.model.model", "open_sessions"),
    "roll calls (vectorised over the batch), and their counts": ("sim.model.rollcall", "Sitting.run"),
    "close sessions: expulsions and vetting (each house's own)": ("sim.model.model", "MajilisModel._expel"),
    "close sessions: vetting in the warm-up (each house's own)": ("sim.model.model", "MajilisModel._vet"),
    "close sessions: the rest (sanctions, speech, fear; vectorised over the batch)":
        ("sim.model.model", "close_sessions"),
    "read the outcomes (the runs table's rows)": ("sim.runs.replicates", "run_outcomes"),
}
NESTED = {"open sessions: the rest (status quo, bills' points, the record)":
          ["open sessions: the coalition game", "open sessions: the agenda drawn (vectorised over the batch)"],
          "close sessions: the rest (sanctions, speech, fear; vectorised over the batch)":
          ["close sessions: expulsions and vetting (each house's own)",
           "close sessions: vetting in the warm-up (each house's own)"]}


def profile(replicates: int = 200, rounds: int = 3) -> None:
    """Where a term's time goes: `replicates` baseline terms in lockstep chunks, each phase's function
    timed by the clock around every call (a deterministic profiler such as cProfile charges every
    Python call its own overhead, which overstates the phases of many small calls: it put a session's
    close at a quarter of a term when vectorising it saved a twentieth). The median of `rounds`."""
    cfg = load_config()
    chunks = [range(start, min(start + CHUNK, replicates)) for start in range(0, replicates, CHUNK)]
    run_replicates(cfg, chunks[0])  # warm-up: imports, caches
    spent: dict[str, float] = dict.fromkeys(PHASES, 0.0)

    def timed(function: Callable[..., Any], phase: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[phase] += time.perf_counter() - start
        return call

    originals = []
    for phase, (module, attribute) in PHASES.items():
        owner = importlib.import_module(module)
        *path, name = attribute.split(".")
        for part in path:
            owner = getattr(owner, part)
        originals.append((owner, name, getattr(owner, name)))
        setattr(owner, name, timed(getattr(owner, name), phase))
    per_round = []
    try:
        for _ in range(rounds):
            spent.update(dict.fromkeys(PHASES, 0.0))
            start = time.perf_counter()
            for chunk in chunks:
                run_replicates(cfg, chunk)
            per_round.append((time.perf_counter() - start, dict(spent)))
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)
    total, own = sorted(per_round, key=lambda r: r[0])[rounds // 2]
    for phase, inner in NESTED.items():
        own[phase] -= sum(own[i] for i in inner)
    own["everything else (chunking, seeds, Python between the phases)"] = total - sum(own.values())
    print(f"A baseline term, {replicates} replicates in lockstep chunks of {CHUNK}, one worker: "
          f"{1e3 * total / replicates:.2f} ms, the phases timed by the clock (median of {rounds} rounds; "
          f"Python {platform.python_version()}, numpy {np.__version__})")
    print("| phase | ms a term | share |\n|---|---|---|")
    for phase, seconds in own.items():
        print(f"| {phase} | {1e3 * seconds / replicates:.2f} | {100 * seconds / total:.0f} % |")


def analysis() -> None:
    """experiments/sensitivity.py end to end (Morris, then Sobol with N = 256 and 20 replicates a point),
    timed; then a second run killed halfway through its Sobol chunks and resumed, compared with the first."""
    command = [sys.executable, "experiments/sensitivity.py"]
    with tempfile.TemporaryDirectory() as tmp:
        whole, killed = Path(tmp) / "whole", Path(tmp) / "killed"
        start = time.perf_counter()
        subprocess.run([*command, "--out", str(whole)], cwd=ROOT, check=True, capture_output=True)
        wall = time.perf_counter() - start
        replicates = int(np.load(whole / "sobol" / "chunk_00000.npz")["features"].shape[1])
        sobol = len(pd.read_parquet(whole / "points.parquet"))
        params = pd.read_csv(whole / "indices.csv").parameter.nunique()
        print(f"Sobol analysis, {params} parameters, N = 256, {replicates} replicates a point: {sobol} Sobol "
              f"points ({sobol * replicates:,} terms) and the Morris screening: {wall:.0f} s end to end")
        chunks = len(list((whole / "sobol").glob("chunk_*.npz")))
        proc = subprocess.Popen([*command, "--out", str(killed)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        while len(list((killed / "sobol").glob("chunk_*.npz"))) < chunks // 2:
            time.sleep(0.5)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        done = len(list((killed / "sobol").glob("chunk_*.npz")))
        start = time.perf_counter()
        subprocess.run([*command, "--out", str(killed)], cwd=ROOT, check=True, capture_output=True)
        same = (whole / "indices.csv").read_bytes() == (killed / "indices.csv").read_bytes()
        print(f"killed after {done} of {chunks} Sobol chunks; the re-run finished the rest in "
              f"{time.perf_counter() - start:.0f} s; indices.csv identical: {same}")


def calibration() -> None:
    """experiments/calibration.py end to end at its documented size, into an empty directory, timed."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "experiments/calibration.py", "--out", tmp], cwd=ROOT, check=True,
                              capture_output=True, text=True)
        wall = time.perf_counter() - start
        said = next(line for line in done.stdout.splitlines() if line.startswith("ABC:"))
        print(f"calibration at its defaults, {os.cpu_count()} cores: {wall / 60:.1f} min end to end; {said}")


if __name__ == "__main__":
    main()
