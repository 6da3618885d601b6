"""Ideal points recovered from roll calls, and how well they match the deputies' true positions:
`python -m sim.analysis.scaling JOB_DIR` (a job run with run.record_roll_calls=true).

The method is the classical one for roll-call matrices (Poole 2005, "Spatial Models of Parliamentary
Voting", ch. 3): the agreement score of two deputies is the share of the roll calls both voted yea or
nay on where they voted alike; squared distances (1 - agreement)^2 are double-centred, and the
eigenvectors of the three largest eigenvalues, scaled by their roots, are the recovered coordinates.
Abstentions and absences (code 9) and not being in office (0) are left out of a pair's roll calls.
The recovered axes are a rotation of whatever space the votes reveal, so each true dimension is
compared with all three at once: the R-squared of a least-squares fit of the true position on the
recovered coordinates. Deputies who cast fewer than MIN_VOTES yea or nay votes are left out.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from sim.files import write_table

YEA, NAY = 1, 6
MIN_VOTES = 100
# The tables a job run with run.record_roll_calls=true holds, and the columns read from each.
TABLES = {"voteview.parquet": ("replicate", "deputy"), "legislators.parquet": ("replicate", "deputy")}


def ideal_points(codes: np.ndarray, dims: int) -> np.ndarray:
    """Recovered coordinates (deputies x dims) from a deputies x roll calls matrix of cast codes."""
    yea, nay = (codes == YEA).astype(float), (codes == NAY).astype(float)
    both = (yea + nay) @ (yea + nay).T
    agreement = (yea @ yea.T + nay @ nay.T) / np.maximum(both, 1.0)
    squared = (1.0 - agreement) ** 2
    centre = np.eye(len(codes)) - 1.0 / len(codes)
    values, vectors = np.linalg.eigh(-0.5 * centre @ squared @ centre)
    top = np.argsort(values)[::-1][:dims]
    return vectors[:, top] * np.sqrt(np.maximum(values[top], 0.0))


def r_squared(truth: np.ndarray, coordinates: np.ndarray) -> float:
    """R-squared of the least-squares fit of `truth` on the coordinates (with an intercept)."""
    design = np.column_stack([np.ones(len(coordinates)), coordinates])
    fitted = design @ np.linalg.lstsq(design, truth, rcond=None)[0]
    return float(1.0 - ((truth - fitted) ** 2).sum() / ((truth - truth.mean()) ** 2).sum())


def dimensions_of(legislators: pd.DataFrame) -> list[str]:
    """The policy dimensions a legislators table holds positions on (sim.outcomes.tables.legislators_table)."""
    return [c for c in legislators.columns if c not in ("replicate", "deputy", "party", "seat_kind")]


def recovery(voteview: pd.DataFrame, legislators: pd.DataFrame) -> pd.DataFrame:
    """Per replicate: deputies scaled and r2_<dimension> for each true dimension."""
    dims = dimensions_of(legislators)
    rows = []
    for replicate, matrix in voteview.groupby("replicate", sort=True):
        people = legislators[legislators["replicate"] == replicate].set_index("deputy")
        codes = matrix.drop(columns=["replicate", "deputy"]).to_numpy()
        voted = ((codes == YEA) | (codes == NAY)).sum(axis=1) >= MIN_VOTES
        if voted.sum() <= len(dims) + 1:  # too few to fit
            rows.append({"replicate": replicate, "deputies": int(voted.sum()),
                         **{f"r2_{dim}": float("nan") for dim in dims}})
            continue
        coordinates = ideal_points(codes[voted], len(dims))
        truth = people.loc[matrix["deputy"].to_numpy()[voted], dims].to_numpy()
        rows.append({"replicate": replicate, "deputies": int(voted.sum()),
                     **{f"r2_{dim}": r_squared(truth[:, d], coordinates) for d, dim in enumerate(dims)}})
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.analysis.scaling", description=__doc__.splitlines()[0])
    parser.add_argument("job", type=Path, help="a job directory written with run.record_roll_calls=true")
    args = parser.parse_args(argv)
    job = args.job
    # A path that is wrong is a typo or a job not yet run, not a job run without its roll calls.
    if not job.exists():
        parser.error(f"{job}: the directory does not exist; check the path (a job's directory is the "
                     "hydra.run.dir it ran into)")
    if not job.is_dir():
        parser.error(f"{job}: not a directory; give the directory of a job that run.py ran")
    missing = [name for name in TABLES if not (job / name).exists()]
    if missing and not (job / "runs.parquet").exists():
        parser.error(f"{job}: not a job directory (no runs.parquet, no {' or '.join(missing)}); give the directory "
                     "of a job that run.py ran with run.record_roll_calls=true")
    if missing:
        parser.error(f"{job}: no {' or '.join(missing)}; run the job with run.record_roll_calls=true")
    out = job / "scaling.csv"
    if not os.access(job, os.W_OK | os.X_OK) or (out.exists() and not os.access(out, os.W_OK)):
        parser.error(f"{job}: cannot write {out.name} there (not writable); scaling writes its table beside the "
                     "job's roll calls: copy the job directory somewhere writable and give that")
    voteview, legislators = (_read_table(parser, job / name, columns) for name, columns in TABLES.items())
    table = recovery(voteview, legislators)
    try:
        write_table(table, out)
    except OSError as err:  # the directory became unwritable, or the disk is full
        parser.error(f"{out}: cannot be written ({err})")
    means = ", ".join(f"{c.removeprefix('r2_')} {table[c].mean():.2f}" for c in table.columns if c.startswith("r2_"))
    print(f"R-squared of the true positions on the recovered ideal points, mean of {len(table)} replicates: {means}")
    print(out)
    return 0


def _read_table(parser: argparse.ArgumentParser, path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    """A job's table, or an error naming the file when it cannot be read or is not the table."""
    try:
        table = pd.read_parquet(path)
    except (OSError, ValueError) as err:  # pyarrow's ArrowInvalid is a ValueError
        parser.error(f"{path}: cannot be read ({' '.join(str(err).split())}); run the job again with "
                     "run.record_roll_calls=true")
    absent = [c for c in columns if c not in table.columns]
    if absent:
        parser.error(f"{path}: not the {path.stem} table that run.py writes (no column {', '.join(absent)}); run the "
                     "job again with run.record_roll_calls=true")
    return table


if __name__ == "__main__":
    sys.exit(main())
