"""Tests for analysis/files.py: reading delivered tables as strings, writing atomically."""

from __future__ import annotations

import os
import random

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


# --- the columnar path reads exactly what the exact path reads ----------------------------

def _exact(path):
    """The exact path (csv module, record by record) on a file, for comparison."""
    from analysis.files import _csv_records, _from_records, _line_count

    text, _ = decode_bytes(path.read_bytes())
    sep = detect_separator(text)
    records, ends = _csv_records(path, text, sep)
    return _from_records(path, records, ends, _line_count(text), sep), sep


def _random_text(rng, sep):
    """A small delimited text with the things that make CSV hard."""
    pieces = ["a", "Öster", "12,5", "", " ", "\u00a0", "x y", f'"in{sep}side"', '"dub""bel"',
              'mi"d', '"q"tail', ' "lead"', '""', "Ja, ibland", "–", "\t"]
    endings = ["\n", "\r\n", "\r"]
    width = rng.randint(2, 5)
    lines = []
    if rng.random() < 0.3:
        lines.append("Rapport" + rng.choice(["", sep, sep * width]))
    lines.append(sep.join(f"h{i}" for i in range(width)) + (sep if rng.random() < 0.2 else ""))
    for _ in range(rng.randint(1, 12)):
        roll = rng.random()
        if roll < 0.1:
            lines.append(rng.choice(["", " ", sep * (width - 1)]))
        elif roll < 0.15:
            lines.append(sep.join(["1", '"two\nlines"'] + ["z"] * (width - 2)))
        else:
            lines.append(sep.join(rng.choice(pieces) for _ in range(width)))
    text = "".join(line + rng.choice(endings) for line in lines)
    return text if rng.random() < 0.8 else text.rstrip("\r\n")


@pytest.mark.parametrize("seed", range(300))
def test_columnar_path_reads_exactly_what_the_exact_path_reads(tmp_path, seed):
    from analysis.files import _read_text_columnar

    rng = random.Random(seed)
    sep = rng.choice([";", ",", "\t"])
    encoding = rng.choice(["utf-8", "utf-8-sig", "cp1252"])
    path = tmp_path / "t.csv"
    path.write_bytes(_random_text(rng, sep).encode(encoding))
    data = path.read_bytes()
    try:
        expected, expected_sep = _exact(path)
    except DataError as exc:
        expected, error = None, str(exc)
    enc = decode_bytes(data)[1]
    fast = _read_text_columnar(path, data, enc, 1000)
    if expected is None:
        assert fast is None  # the exact path names the problem
        with pytest.raises(DataError) as info:
            read_table(path)
        assert str(info.value) == error
        return
    if fast is not None:
        parsed, fast_sep = fast
        assert fast_sep == expected_sep
        assert parsed.headers == expected.headers and parsed.header_row == expected.header_row
        assert parsed.excel_rows.tolist() == expected.excel_rows.tolist()
        pd.testing.assert_frame_equal(parsed.frame, expected.frame)
        assert parsed.blank_lines == expected.blank_lines
        assert parsed.lines.tolist() == expected.lines.tolist()
    table = read_table(path)
    assert table.frame.to_numpy().tolist() == expected.frame.to_numpy().tolist()
    assert table.excel_rows.tolist() == expected.excel_rows.tolist()


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_large_file_with_quotes_over_many_blocks(tmp_path, encoding):
    """pyarrow reads in blocks of 1 MB: a quoted line break anywhere must still be seen."""
    rows = [f'{i};"Öster; {i}";"Ja, ibland";{i},5' for i in range(60_000)]
    path = tmp_path / "big.csv"
    path.write_bytes(("Kod;Namn;Svar;Vikt\r\n" + "\r\n".join(rows) + "\r\n").encode(encoding))
    table = read_table(path)
    assert len(table.frame) == 60_000 and table.frame["Namn"].iloc[-1] == "Öster; 59999"
    assert table.excel_rows.iloc[-1] == 60_001 and table.data_lines == 60_000
    for at in (15_000, 31_337, 59_999):  # a legitimate line break inside a quoted cell
        broken = rows.copy()
        broken[at] = f'{at};"Öster\r\nnorra";"Nej";1'
        path.write_bytes(("Kod;Namn;Svar;Vikt\r\n" + "\r\n".join(broken) + "\r\n").encode(encoding))
        table = read_table(path)
        assert len(table.frame) == 60_000 and table.frame["Namn"].iloc[at] == "Öster\r\nnorra"
        assert table.excel_rows.iloc[-1] == 60_001  # Excel shows the cell as one row
        assert table.data_lines == 60_001 and table.lines.iloc[at] == 2


# --- every physical line accounted for ----------------------------------------------------

def _write(tmp_path, text, name="t.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_a_stray_quote_that_swallows_lines_names_them(tmp_path):
    lines = ["Id;Område;Kommentar;Svar"] + [f"{i};01;bra;Ja" for i in range(1, 11)]
    lines[4] = '4;01;"bra;Ja'  # row 5: the quote never closes on its line
    lines[6] = '6;01;dåligt";Nej'  # ... and is closed two lines further down
    path = _write(tmp_path, "\r\n".join(lines) + "\r\n")
    with pytest.raises(DataError) as info:
        read_table(path)
    msg = str(info.value)
    assert 't.csv, rad 5: citattecknet (") på rad 5 avslutas inte på samma rad; raderna 5–7 ' \
        "lästes som en rad" in msg
    assert "field" not in msg


def test_a_quote_that_runs_to_the_end_of_the_file_names_its_line(tmp_path):
    lines = ["Id;Område;Svar"] + [f"{i};01;Ja" for i in range(1, 6)]
    lines[2] = '2;01;"Ja'
    path = _write(tmp_path, "\n".join(lines) + "\n")
    with pytest.raises(DataError, match=r"t.csv, rad 3: citattecknet \(\"\) på rad 3 avslutas "
                                        r"inte på samma rad; raderna 3–6 lästes som en rad"):
        read_table(path)


def test_a_quoted_segment_holding_a_whole_row_is_a_swallowed_respondent(tmp_path):
    # Right number of fields, but the quoted cell holds respondent 3's whole line.
    text = 'Id;Område;Kommentar\n1;01;ok\n2;01;"bra\n3;02;ok"\n4;02;ok\n'
    with pytest.raises(DataError, match="raderna 3–4 lästes som en rad .*en hel rad med semikolon"):
        read_table(_write(tmp_path, text))


def test_a_line_break_in_a_quoted_cell_is_one_row_as_in_excel(tmp_path):
    text = 'Id;Kommentar;Svar\n1;"första\nandra raden";Ja\n2;ok;Nej\n\n3;ok;Ja\n'
    table = read_table(_write(tmp_path, text))
    assert table.frame["Kommentar"].tolist() == ["första\nandra raden", "ok", "ok"]
    assert table.excel_rows.tolist() == [2, 3, 5]  # as Excel numbers the rows
    assert table.lines.tolist() == [2, 1, 1]
    assert (table.data_lines, table.blank_lines) == (4, 1)  # 5 lines below the header


@pytest.mark.parametrize("line, fields", [("3;4", 2), ("3;4;5;6", 4)])
def test_rows_with_fewer_or_more_fields_than_the_header(tmp_path, line, fields):
    path = _write(tmp_path, f"a;b;c\n1;2;3\n{line}\n")
    with pytest.raises(DataError, match=f"t.csv, rad 3.*raden har {fields} fält men "
                                        "rubrikraden har 3"):
        read_table(path)


def test_an_unquoted_line_break_splits_a_row_and_both_halves_are_named(tmp_path):
    path = _write(tmp_path, "Id;Kommentar;Svar\n1;första\nandra;Ja\n2;ok;Nej\n")
    with pytest.raises(DataError) as info:
        read_table(path)
    msg = str(info.value)
    assert "2 problem" in msg and "rad 2: raden har 2 fält" in msg and "rad 3: raden har 2 fält" in msg


def test_trailing_separators_and_blank_lines_are_not_rows(tmp_path):
    text = "Titel\r\n\r\nKod;Namn;;\r\n01;Öster;;\r\n;;;\r\n  \r\n02;Väster;;\r\n"
    table = read_table(_write(tmp_path, text, encoding="cp1252"))
    assert table.frame.columns.tolist() == ["Kod", "Namn"]
    assert table.frame["Namn"].tolist() == ["Öster", "Väster"]
    assert table.excel_rows.tolist() == [4, 7]
    assert (table.data_lines, table.blank_lines) == (2, 2)


# --- bounded resources --------------------------------------------------------------------

def test_a_field_over_the_csv_limit_gets_a_swedish_message(tmp_path):
    path = _write(tmp_path, "a;b\n1;" + "x" * 200_000 + "\n2;y\n")
    with pytest.raises(DataError) as info:
        read_table(path)
    msg = str(info.value)
    assert "t.csv: ett fält som börjar på rad 2 är längre än 131" in msg
    assert "field larger" not in msg


def test_an_unclosed_quote_swallowing_the_rest_of_a_big_file(tmp_path):
    rows = [f"{i};ok" for i in range(20_000)]
    rows[7] = '7;"ok'
    path = _write(tmp_path, "Id;Svar\n" + "\n".join(rows) + "\n")
    with pytest.raises(DataError, match="ett fält som börjar på rad 9 är längre .*citattecken"):
        read_table(path)


def test_bytes_that_are_neither_utf8_nor_cp1252(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"a;b\n1;\x81\n")
    with pytest.raises(DataError, match="t.csv: filen är varken UTF-8 eller Windows-1252: byten "
                                        "0x81 på rad 2"):
        read_table(path)


def test_row_cap_for_text_files(tmp_path):
    path = _write(tmp_path, "a;b\n" + "1;2\n" * 50)
    assert len(read_table(path, max_rows=50).frame) == 50
    with pytest.raises(DataError, match="t.csv: filen har fler än 40 rader"):
        read_table(path, max_rows=40)


def _xlsx(path, sheet_xml: bytes, *, level: int = 6):
    """A minimal .xlsx written by hand (so that a huge sheet can be tiny on disk)."""
    import zipfile

    files = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.'
        b'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
        b'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        b'"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        b'"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.'
        b'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
        b'"xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.'
        b'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships"><sheets><sheet name="Blad1" sheetId="1" r:id='
        b'"rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": b'<?xml version="1.0"?><Relationships xmlns="http://'
        b'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
        b'"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        b'Target="worksheets/sheet1.xml"/></Relationships>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, content in files.items():
            z.writestr(name, content)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


def _sheet(rows: list[bytes], dimension: str | None = None) -> bytes:
    head = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main">')
    if dimension:
        head += b'<dimension ref="' + dimension.encode() + b'"/>'
    return head + b"<sheetData>" + b"".join(rows) + b"</sheetData></worksheet>"


def _row(r: int, *values: str) -> bytes:
    cells = b"".join(b'<c r="' + f"{chr(65 + i)}{r}".encode() + b'" t="inlineStr"><is><t>'
                     + v.encode() + b"</t></is></c>" for i, v in enumerate(values))
    return f'<row r="{r}">'.encode() + cells + b"</row>"


def test_hand_written_xlsx_is_read(tmp_path):
    path = _xlsx(tmp_path / "t.xlsx", _sheet([_row(1, "Kod", "Namn"), _row(2, "01", "Öster"),
                                              _row(4, "02", "Väster")], "A1:B4"))
    table = read_table(path)
    assert table.frame["Namn"].tolist() == ["Öster", "Väster"]
    assert table.excel_rows.tolist() == [2, 4] and table.blank_lines == 1


def test_xlsx_declaring_millions_of_rows_is_refused_before_reading(tmp_path):
    import time

    path = _xlsx(tmp_path / "t.xlsx", _sheet([_row(1, "Kod", "Namn"), _row(2, "01", "x")],
                                             "A1:B6000000"))
    start = time.perf_counter()
    with pytest.raises(DataError, match="t.xlsx: filen har fler än 5.000.000 rader"):
        read_table(path)
    assert time.perf_counter() - start < 2


def test_xlsx_rows_beyond_a_wrong_dimension_are_read_and_capped(tmp_path):
    rows = [_row(1, "Kod", "Namn")] + [_row(r, str(r), "x") for r in range(2, 3002)]
    path = _xlsx(tmp_path / "t.xlsx", _sheet(rows, "A1:B2"))  # the dimension lies
    assert len(read_table(path).frame) == 3000  # not 1: every row is read
    with pytest.raises(DataError, match="t.xlsx: filen har fler än 1.000 rader"):
        read_table(path, max_rows=1000)


def test_xlsx_that_unpacks_to_a_zip_bomb_is_refused_quickly(tmp_path):
    import time

    row = b"<row><c t=\"inlineStr\"><is><t>x</t></is></c><c t=\"inlineStr\"><is><t>y</t></is></c></row>"
    path = _xlsx(tmp_path / "t.xlsx", _sheet([row] * 500_000), level=9)  # ~40 MB of XML
    assert path.stat().st_size < 1_000_000  # tiny on disk
    start = time.perf_counter()
    with pytest.raises(DataError, match="t.xlsx: Excel-filen packas upp till .* gånger sin "
                                        "packade storlek"):
        read_table(path)
    assert time.perf_counter() - start < 2
