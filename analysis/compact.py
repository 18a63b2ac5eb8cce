"""Compact in-memory tables: text columns as categoricals, stored as strings.

At national scale the big tables (respondents, estimates, changes) hold millions of rows
whose text columns take a handful of values (area, indicator, item, remark). In memory
the build keeps them as categoricals (an integer code per row and each text once); every
processed table is **stored** in the canonical schema, text columns as strings
(``stored``, called when a table is serialised), so the files do not depend on the
in-memory form. Categories are sorted, so a categorical sorts, groups and factorizes as
its texts do.
"""

from __future__ import annotations

import ctypes
import io
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def _text(value) -> str | None:
    return None if value is None or value is pd.NA or (isinstance(value, float)
                                                       and np.isnan(value)) else str(value)


def take_category(values: Sequence, index: np.ndarray, missing: np.ndarray | None = None
                  ) -> pd.Categorical:
    """``values`` (a few texts, missing allowed) repeated along ``index`` as a categorical
    with sorted text categories (missing where ``missing`` holds or the value is missing)."""
    small = [_text(v) for v in values]
    categories = sorted({v for v in small if v is not None})
    position = {c: i for i, c in enumerate(categories)}
    lut = np.array([-1 if v is None else position[v] for v in small] + [-1], dtype=np.int32)
    index = np.asarray(index, dtype=np.int64)
    if missing is not None:
        index = np.where(missing, len(small), index)
    codes = lut[index] if len(index) else np.zeros(0, dtype=np.int32)
    return pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype="string"))


def take_rows(values: pd.Series, rows: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``values.iloc[rows]`` as an array: a categorical stays one (same categories), any
    other text column becomes a string array."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()[rows]
        return pd.Categorical.from_codes(codes, dtype=values.dtype)
    return pd.array(values.array.take(rows), dtype="string")


def distinct(values: pd.Series) -> tuple[np.ndarray, list]:
    """Each row's code (int64, -1 where missing) and the distinct values: a categorical's
    own codes and categories, any other column factorized. Everything that decides
    something per distinct value of a column starts here."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy().astype(np.int64), list(values.cat.categories)
    codes, uniques = pd.factorize(values)
    return codes.astype(np.int64), list(uniques)


def codes_of(values: pd.Series, empty_is_missing: bool = False) -> np.ndarray:
    """Integer codes of a text column, -1 where missing (and, with ``empty_is_missing``,
    where empty): equal codes, equal texts."""
    codes, uniques = distinct(values)
    if empty_is_missing:
        empty = [k for k, u in enumerate(uniques) if str(u) == ""]
        if empty:
            codes[np.isin(codes, empty)] = -1
    return codes


def category_text(values: pd.Series) -> pd.api.extensions.ExtensionArray:
    """A categorical of texts as a string array (decoded by pyarrow, not per value)."""
    codes = values.cat.codes.to_numpy()
    categories = pa.array(values.cat.categories.astype(str).tolist(), type=pa.large_string())
    taken = categories.take(pa.array(codes, mask=codes < 0, type=pa.int64()))
    return pd.array(taken, dtype="string")


def stored(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as it is stored: every categorical column as strings (a shallow copy;
    ``frame`` itself is not changed). Other columns are shared, not copied."""
    cats = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    if not cats:
        return frame
    out = frame.copy(deep=False)
    for col in cats:
        out[col] = category_text(frame[col])
    return out


def as_category(values: pd.Series, text=str) -> pd.Series:
    """The column as a categorical of texts: ``text(value)`` of each distinct value,
    computed once. Missing values, and values whose ``text`` is None, stay missing."""
    codes, uniques = distinct(values)
    return pd.Series(take_category([text(u) for u in uniques], codes), index=values.index)


PARQUET_ROWS = 1024 * 1024  # rows per Parquet row group: pyarrow's default


def parquet_bytes(frame: pd.DataFrame) -> memoryview:
    """The table stored as Parquet (zstd), as a view of the bytes: byte for byte
    ``stored(frame).to_parquet(..., index=False, compression="zstd")``, but converted a row
    group at a time, so the text of a national table's categoricals is never all made at
    once. A small table, or
    one with its own writer (a GeoDataFrame: GeoParquet), is written in one go."""
    out = io.BytesIO()
    if type(frame) is not pd.DataFrame or len(frame) <= PARQUET_ROWS:
        stored(frame).to_parquet(out, index=False, compression="zstd")
        return out.getbuffer()
    writer = None
    for start in range(0, len(frame), PARQUET_ROWS):
        table = pa.Table.from_pandas(stored(frame.iloc[start:start + PARQUET_ROWS]),
                                     preserve_index=False)
        if writer is None:
            writer = pq.ParquetWriter(out, table.schema, compression="zstd")
        writer.write_table(table)
        del table
    writer.close()
    return out.getbuffer()  # the written bytes themselves (no copy)


def text_isin(values: pd.Series, texts) -> np.ndarray:
    """Which rows' text (``str(value)``) is one of ``texts``: decided once per distinct
    value (a categorical's categories), never by turning every row into a string."""
    wanted = set(texts)
    codes, uniques = distinct(values)
    return np.array([str(u) in wanted for u in uniques] + [False], dtype=bool)[codes]


def _glibc():
    try:
        libc = ctypes.CDLL("libc.so.6")
        return libc.malloc_trim, libc.mallopt
    except (OSError, AttributeError):  # not glibc (macOS, Windows, musl)
        return None, None


_TRIM, _MALLOPT = _glibc()
# glibc's mallopt parameters, and the values a build sets (``tune_allocator``)
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3
_ALLOCATOR = {_M_MMAP_THRESHOLD: 32 << 20, _M_TRIM_THRESHOLD: 1 << 30, _M_TOP_PAD: 128 << 20}


def tune_allocator() -> None:
    """Let glibc keep freed blocks of up to 32 MB for reuse instead of handing each back to
    the operating system and faulting fresh pages in for the next (a national build makes
    thousands of temporary arrays of a few million values: without this the kernel spends
    a fifth of the build zeroing pages). Memory still goes back after every stage
    (``release_memory``). Process-wide and lasting; nothing outside glibc."""
    if _MALLOPT is not None:
        for parameter, value in _ALLOCATOR.items():
            _MALLOPT(parameter, value)


def release_memory() -> None:
    """Give memory freed by the finished stage back to the operating system (glibc's
    ``malloc_trim``; nothing elsewhere). Without it, freed blocks of a national build's
    temporary arrays stay with the process and count in its memory."""
    if _TRIM is not None:
        _TRIM(0)
