"""Speed and memory of the model on this machine: `python benchmarks/bench.py [--quick]`.

Prints medians of several repeats (standard library timing only). Numbers go into the README's
Performance section; no test asserts them, since machines here are shared and noisy.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
from hydra import compose, initialize_config_dir

from sim.config import Config
from sim.hydra_config import register_schema, to_config
from sim.model import MajilisModel

CONFIGS = str(Path(__file__).resolve().parents[1] / "configs")


def baseline(*overrides: str) -> Config:
    register_schema()
    with initialize_config_dir(config_dir=CONFIGS, version_base="1.3"):
        return to_config(compose(config_name="config", overrides=list(overrides)))


def median_seconds(work, repeats: int) -> float:
    times = []
    for r in range(repeats):
        start = time.perf_counter()
        work(r)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def term(cfg: Config, seed: int) -> MajilisModel:
    model = MajilisModel(cfg, rng=np.random.default_rng(seed))
    model.run_term()
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    repeats = 20 if args.quick else 100
    cfg = baseline()
    term(cfg, 0)  # warm-up: imports, first allocations
    t = median_seconds(lambda r: term(cfg, r), repeats)
    calls = cfg.agenda.session_length * cfg.agenda.sessions_per_term
    print(f"one term of the 2023 house ({calls} roll calls): {1e3 * t:.1f} ms median of {repeats}")
    print(f"  per roll call {1e6 * t / calls:.1f} us; deputy-votes per second {98 * calls / t:,.0f}")


if __name__ == "__main__":
    main()
