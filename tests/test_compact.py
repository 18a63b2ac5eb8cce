"""Compact in-memory tables and how they are stored (analysis/compact.py), the staging
folder's writer threads and streams (analysis/outputs.py) and the national report drawn in
its own process (analysis/stages/report.py)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from analysis import compact
from analysis.compact import (
    as_category,
    codes_of,
    parquet_bytes,
    release_memory,
    stored,
    take_category,
    take_rows,
    text_isin,
)
from analysis.outputs import Staging, work_dir
from analysis.paths import project_paths


def test_take_category_repeats_texts_with_sorted_categories_and_missing():
    cat = take_category(["b", None, "a", "b"], np.array([0, 1, 2, 3, 0]),
                        missing=np.array([False, False, False, False, True]))
    assert list(cat.categories) == ["a", "b"]
    assert pd.isna(cat[1]) and pd.isna(cat[4]) and cat[0] == "b" and cat[2] == "a"


def test_stored_turns_categoricals_into_strings_and_leaves_the_rest():
    frame = pd.DataFrame({"a": pd.Categorical(["x", None, "y"]), "n": [1, 2, 3]})
    out = stored(frame)
    assert out["a"].dtype == "string" and out["a"].tolist()[::2] == ["x", "y"]
    assert pd.isna(out["a"][1])
    assert out["n"].dtype == frame["n"].dtype
    assert isinstance(frame["a"].dtype, pd.CategoricalDtype)  # the input is not changed
    plain = pd.DataFrame({"n": [1]})
    assert stored(plain) is plain


def test_take_rows_and_codes_of_agree_for_categoricals_and_strings():
    text = pd.Series(["a", "b", "", None, "a"], dtype="string")
    cat = text.astype("category")
    rows = np.array([4, 0, 1])
    assert pd.Series(take_rows(text, rows)).tolist() == ["a", "a", "b"]
    assert pd.Series(take_rows(cat, rows)).astype(str).tolist() == ["a", "a", "b"]
    for values in (text, cat):
        codes = codes_of(values, empty_is_missing=True)
        assert codes[0] == codes[4] != codes[1]
        assert codes[2] == codes[3] == -1  # empty and missing are the same
        assert codes_of(values)[2] != -1 and codes_of(values)[3] == -1


def test_as_category_labels_each_distinct_value_once():
    calls = []

    def label(v):
        calls.append(v)
        return {"a": "Alfa", "b": None}.get(v, v)

    out = as_category(pd.Series(["a", "b", "c", "a"] * 1000).astype("category"), label)
    assert sorted(calls) == ["a", "b", "c"]
    assert out.head(4).astype(object).where(out.head(4).notna(), None).tolist() == [
        "Alfa", None, "c", "Alfa"]
    years = as_category(pd.Series([2024, 2023, 2024]))
    assert years.astype(str).tolist() == ["2024", "2023", "2024"]


def test_text_isin_decides_per_distinct_value():
    values = pd.Series(["01", "02", None, "03"], dtype="string")
    for v in (values, values.astype("category")):
        assert text_isin(v, {"01", "03"}).tolist() == [True, False, False, True]


def _frame(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame({
        "year": rng.integers(2015, 2025, n),
        "area": take_category([f"D{i:04d}" for i in range(50)], rng.integers(0, 50, n)),
        "estimate": rng.random(n),
        "n": pd.array(rng.integers(0, 100, n), dtype="Int64"),
        "flag": take_category(["", "Visas inte"], rng.integers(0, 2, n)),
    })


def test_parquet_bytes_are_those_of_to_parquet(monkeypatch):
    small = _frame(500)
    expected = io.BytesIO()
    stored(small).to_parquet(expected, index=False, compression="zstd")
    assert bytes(parquet_bytes(small)) == expected.getvalue()
    # a table of several row groups, converted one at a time: the same bytes as writing
    # the stored table with that row-group size in one go
    monkeypatch.setattr(compact, "PARQUET_ROWS", 700)
    big = _frame(2500)
    expected = io.BytesIO()
    stored(big).to_parquet(expected, index=False, compression="zstd", row_group_size=700)
    blob = bytes(parquet_bytes(big))
    assert blob == expected.getvalue()
    assert pq.ParquetFile(io.BytesIO(blob)).num_row_groups == 4
    back = pd.read_parquet(io.BytesIO(blob))
    assert back["area"].dtype == "string"  # stored as text, not as a categorical
    pd.testing.assert_frame_equal(back, stored(big).reset_index(drop=True))
    release_memory()  # harmless anywhere


# --- the staging folder ---------------------------------------------------------------


def test_staging_writes_streams_and_hashes_them(tmp_path):
    import hashlib

    paths = project_paths(tmp_path)
    staging = Staging(paths)
    staging.write("processed", "a.parquet", b"abc")
    staging.write_stream("reports", iter([("csv/x.csv", iter([b"1;2\r\n", b"3;4\r\n"])),
                                          ("y.txt", lambda: b"later")]))
    digests = staging.digests()
    assert digests["processed"]["a.parquet"] == hashlib.sha256(b"abc").hexdigest()
    assert digests["reports"]["csv/x.csv"] == hashlib.sha256(b"1;2\r\n3;4\r\n").hexdigest()
    folder = staging.finish(b"{}")
    assert (folder / "reports" / "csv" / "x.csv").read_bytes() == b"1;2\r\n3;4\r\n"
    assert (folder / "reports" / "y.txt").read_bytes() == b"later"
    assert (folder / "processed" / "manifest.json").read_bytes() == b"{}"


def test_an_error_while_writing_is_raised_and_nothing_is_left(tmp_path):
    paths = project_paths(tmp_path)
    staging = Staging(paths)

    def broken():
        yield b"half a file"
        raise ValueError("trasig ström")

    staging.write_stream("reports", iter([("csv/x.csv", broken())]))
    with pytest.raises(ValueError, match="trasig ström"):
        staging.digests()
    assert not staging.folder.exists()
    assert not any(p.name.startswith("bygge-") for p in work_dir(paths).iterdir())


def test_two_streams_may_not_write_the_same_file(tmp_path):
    staging = Staging(project_paths(tmp_path))
    staging.write_stream("reports", iter([("a.txt", b"1")]))
    staging.write_stream("reports", iter([("a.txt", b"2")]))
    with pytest.raises(RuntimeError, match="två steg skriver reports/a.txt"):
        staging.digests()


def test_a_dry_run_hashes_without_writing(tmp_path):
    paths = project_paths(tmp_path)
    staging = Staging(paths, dry_run=True)
    staging.write_stream("reports", iter([("a.txt", iter([b"x", b"y"]))]))
    assert staging.digests()["reports"]["a.txt"]
    assert not work_dir(paths).exists() or not any(work_dir(paths).iterdir())


# --- the national report in its own process --------------------------------------------


def test_the_report_drawn_in_another_process_is_byte_identical(demo_built):
    import geopandas as gpd

    from analysis import tables as T
    from analysis.report import report_outputs
    from analysis.settings import Settings
    from analysis.stages.context import BuildContext
    from analysis.stages.report import USES, _in_another_process

    folder = demo_built.processed
    tables = {name: (gpd.read_parquet if name in T.GEO_TABLES else pd.read_parquet)(
        folder / name) for name in (T.ESTIMATES, *USES) if (folder / name).is_file()}
    paths = project_paths(demo_built.root)
    ctx = BuildContext(paths, paths.demo_raw, Settings(), year=None)
    here = report_outputs(tables, demo=True, settings=Settings(), underlag="Underlag: test")
    there = _in_another_process(tables, ctx, "Underlag: test")
    assert there[1] == here[1]
    assert sorted(there[0]) == sorted(here[0])
    assert all(there[0][k] == here[0][k] for k in here[0])
    assert not any(p.name.startswith("rapport-") for p in work_dir(paths).iterdir())


def test_files_left_by_a_killed_national_report_are_removed_by_the_next_build(tmp_path):
    from analysis.outputs import REPORT_PREFIX, recover

    paths = project_paths(tmp_path)
    work_dir(paths).mkdir(parents=True)
    left = work_dir(paths) / f"{REPORT_PREFIX}123-0.ut"
    left.write_bytes(b"x")
    notes = recover(paths)
    assert not left.exists() and any(left.name in n for n in notes)
