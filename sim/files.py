"""Result files written atomically: a whole table, a table streamed chunk by chunk, or a Parquet
table's CSV copy."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

_UMASK = os.umask(0)
os.umask(_UMASK)


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


def write_csv_copy(path: Path) -> Path:
    """Write the Parquet table at `path` as CSV beside it (same name, .csv), atomically, one row group at
    a time: a job's recorded tables can be larger than memory holds at once. Returns the CSV's path."""
    csv = Path(path).with_suffix(".csv")
    with atomic_path(csv) as tmp, open(tmp, "w", newline="") as out:
        table = pq.ParquetFile(path)
        for group in range(table.num_row_groups):  # a table without rows has one group of none: its header
            table.read_row_group(group).to_pandas().to_csv(out, index=False, header=group == 0)
    return csv
