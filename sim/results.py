"""Result files: atomic writes, a streamed roll-call table, and the per-outcome summary."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

_UMASK = os.umask(0)
os.umask(_UMASK)
# Outcomes that are 0/1 per replicate: summarised as a probability with a 95 % interval.
BINARY = ("ruling_party_defeated", "coalition_formed", "coalition_blocking", "coalition_majority")


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` that replaces it only when the block finishes without error."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes it private; results are ordinary files
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_table(table: pd.DataFrame, path: Path) -> None:
    """Write a table as Parquet or CSV (by suffix), atomically."""
    with atomic_path(path) as tmp:
        if Path(path).suffix == ".csv":
            table.to_csv(tmp, index=False)
        else:
            table.to_parquet(tmp, index=False)


@contextmanager
def parquet_stream(path: Path) -> Iterator[Callable[[pd.DataFrame], None]]:
    """Append tables to one Parquet file chunk by chunk; the file appears only when all are written."""
    with atomic_path(path) as tmp:
        writer: pq.ParquetWriter | None = None

        def append(table: pd.DataFrame) -> None:
            nonlocal writer
            batch = pa.Table.from_pandas(table, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(tmp, batch.schema)
            writer.write_table(batch)

        try:
            yield append
        finally:
            if writer is not None:
                writer.close()


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (good near 0 and 1, where Wald fails)."""
    if n == 0:
        return float("nan"), float("nan")
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def summarize(runs: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """Per outcome: mean, std, 5/50/95 % quantiles; for 0/1 outcomes also a 95 % Wilson interval."""
    rows = []
    for name in outcomes:
        values = runs[name].dropna().astype(float)
        row = {
            "outcome": name, "n": len(values), "mean": values.mean(), "std": values.std(),
            "q05": values.quantile(0.05), "q50": values.median(), "q95": values.quantile(0.95),
            "ci95_low": np.nan, "ci95_high": np.nan,
        }
        if name in BINARY:
            row["ci95_low"], row["ci95_high"] = wilson(int(values.sum()), len(values))
        rows.append(row)
    return pd.DataFrame(rows)
