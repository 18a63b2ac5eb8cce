"""Tests for analysis/files.py: reading delivered tables as strings, writing atomically."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from analysis.files import (
    decode_bytes,
    detect_separator,
    parse_numbers,
    read_table,
    sha256_file,
    write_atomic,
    write_bytes,
    xlsx_bytes,
)
from analysis.problems import DataError


@pytest.mark.parametrize("data, text, encoding", [
    (b"\xef\xbb\xbfOmr\xc3\xa5de", "Område", "utf-8-sig"),
    ("Område".encode("utf-16"), "Område", "utf-16"),
    ("Område".encode(), "Område", "utf-8"),
    ("Område".encode("cp1252"), "Område", "cp1252"),
])
def test_decoding_follows_the_fixed_rule(data, text, encoding):
    assert decode_bytes(data) == (text, encoding)


@pytest.mark.parametrize("header, sep", [("a;b;c", ";"), ("a\tb", "\t"), ("a,b", ","),
                                         ("a", ";")])
def test_separator_is_the_most_frequent_in_the_header(header, sep):
    assert detect_separator(header + "\n1;2,5;3\n") == sep


def test_numbers_with_decimal_comma_point_and_thousands():
    values = pd.Series(["1,5", "1.5", "1 234,5", "1.234,5", "1,234.5", "tolv", "", None])
    out = parse_numbers(values).tolist()
    assert out[:5] == [1.5, 1.5, 1234.5, 1234.5, 1234.5]
    assert all(pd.isna(v) for v in out[5:])


def test_read_table_keeps_strings_and_excel_rows(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("Rapport 2024\n\nKod;Namn\n01;Öster\n\n02;Väster\n".encode("cp1252"))
    table = read_table(path)
    assert table.header_row == 3 and table.encoding == "cp1252" and table.separator == ";"
    assert table.frame["Kod"].tolist() == ["01", "02"]  # leading zero kept: strings
    assert table.excel_rows.tolist() == [4, 6]


def test_read_table_reads_excel_like_csv(tmp_path):
    frame = pd.DataFrame({"Kod": ["01", "02"], "Värde": [1.5, 2]})
    (tmp_path / "t.xlsx").write_bytes(xlsx_bytes(frame))
    table = read_table(tmp_path / "t.xlsx")
    assert table.frame["Kod"].tolist() == ["01", "02"]
    assert table.frame["Värde"].tolist() == ["1.5", "2"]


def test_a_row_wider_than_the_header_names_the_row(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a;b\n1;2\n3;4;5\n", encoding="utf-8")
    with pytest.raises(DataError, match="t.csv, rad 3.*raden har 3 fält men rubrikraden har 2"):
        read_table(path)


def test_write_atomic_leaves_the_old_file_on_failure(tmp_path):
    target = tmp_path / "out" / "x.csv"
    write_bytes(target, b"old")

    def crash(tmp):
        tmp.write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_atomic(target, crash)
    assert target.read_bytes() == b"old"
    assert os.listdir(target.parent) == ["x.csv"]  # no temporary file left


def test_xlsx_bytes_are_reproducible_and_hash_is_sha256(tmp_path):
    frame = pd.DataFrame({"a": [1, 2]})
    assert xlsx_bytes(frame) == xlsx_bytes(frame)
    path = write_bytes(tmp_path / "h.bin", b"abc")
    assert sha256_file(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
