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
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from sim.files import write_table

YEA, NAY = 1, 6
MIN_VOTES = 100


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
    missing = [name for name in ("voteview.parquet", "legislators.parquet") if not (args.job / name).exists()]
    if missing:
        parser.error(f"{args.job}: no {' or '.join(missing)}; run the job with run.record_roll_calls=true")
    table = recovery(pd.read_parquet(args.job / "voteview.parquet"), pd.read_parquet(args.job / "legislators.parquet"))
    write_table(table, args.job / "scaling.csv")
    means = ", ".join(f"{c.removeprefix('r2_')} {table[c].mean():.2f}" for c in table.columns if c.startswith("r2_"))
    print(f"R-squared of the true positions on the recovered ideal points, mean of {len(table)} replicates: {means}")
    print(args.job / "scaling.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
