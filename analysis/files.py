"""Reading delivered tables and writing outputs atomically.

Only this module (and the ``read_*``/``write_*`` functions that call it) touches
the disk. Delivered files are read, never written.

Encoding rule (fixed, no statistical guessing, which misreads Swedish cp1252):
a UTF-8 BOM means UTF-8; a UTF-16 BOM means UTF-16; otherwise the bytes are
decoded as UTF-8 if they are valid UTF-8, else as cp1252.

Reading a delivered text table (``read_table``) has two paths that give the same table:

* the **columnar path** (pyarrow's CSV reader, all columns as text) for the common case;
* the **exact path** (Python's ``csv`` module, record by record), which also names every
  structural problem with its line.

The columnar path is taken only when it provably reads what the exact path would: the
header is found by the exact rules in the first megabyte, pyarrow reads every record with
exactly the header's number of fields, and the number of records plus the number of empty
lines equals the number of physical lines below the header (so no record spans two lines:
no quote swallowed a line break). Anything else (a row with too many or too few fields, a
quoted line break, a field over the csv module's size limit, text that is not the plain
shape) is read again by the exact path, which either reads it or stops with a Swedish
``DataError`` naming the lines. Every physical line below the header is thus a record's line
or blank: ``RawTable.data_lines`` + ``RawTable.blank_lines`` = the lines below the header.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import yaml

from analysis.formatting import sv_count
from analysis.problems import (
    DUPLICATE_COLUMN,
    MIXED_ENCODING,
    UNKNOWN_COLUMN,
    UNREADABLE,
    DataError,
    Problem,
)

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
SEPARATORS = [";", "\t", ","]
UNSUPPORTED_SUFFIXES = {".xls", ".ods", ".pdf", ".docx", ".doc", ".sav", ".zip"}

# Bounds on one delivered file. MAX_ROWS is the default of ``Settings.max_rows`` (the
# settings module imports this one, so the number lives here; the build passes the setting).
MAX_ROWS = 5_000_000
XLSX_MAX_UNPACKED = 1_000_000_000  # bytes of XML an .xlsx may unpack to (all parts together)
XLSX_MAX_RATIO = 200  # unpacked / packed size of a part that marks a zip bomb ...
XLSX_RATIO_FROM = 10_000_000  # ... for parts that unpack to more than this
XLSX_MAX_COLUMNS = 16_384  # Excel's own limit (column XFD)
_HEADER_SEARCH_BYTES = 1 << 20  # the header of a text file is looked for in its first megabyte
_SCAN_CHUNK = 1 << 24  # line endings are found 16 MB at a time
_CP1252_UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)  # bytes cp1252 does not define
_SEPARATOR_NAMES = {";": "semikolon", "\t": "tabbar", ",": "komman"}


@dataclass(frozen=True)
class RawTable:
    """A delivered table as strings, exactly as read.

    ``frame`` has the normalised header as columns and one row per record;
    ``excel_rows`` gives, for each record, the row the analyst sees in Excel
    (header = row 1). ``headers`` are the headers as written in the file.

    Physical-line accounting (every line below the header is a record's or blank):
    ``lines`` gives the physical lines each record spans (1, or more when a quoted cell
    holds a line break), ``data_lines`` = ``lines.sum()`` and ``blank_lines`` the empty or
    blank lines below the header. For Excel a "line" is a sheet row.
    """

    file: str
    frame: pd.DataFrame
    excel_rows: pd.Series
    headers: list[str]
    encoding: str
    separator: str | None
    header_row: int = 1
    data_lines: int = 0
    blank_lines: int = 0
    lines: pd.Series | None = None


@dataclass(frozen=True)
class _Parsed:
    """What either reading path returns (before it becomes a ``RawTable``)."""

    frame: pd.DataFrame
    excel_rows: np.ndarray
    headers: list[str]
    header_row: int
    lines: np.ndarray
    blank_lines: int


def file_error(path: Path, message: str, hint: str = "") -> DataError:
    return DataError([Problem(path.name, None, None, None, UNREADABLE, message, hint)],
                     title="Filen kan inte läsas")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode delivered bytes by the fixed rule; return (text, encoding)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252"), "cp1252"


def _encoding_of(path: Path, data: bytes) -> str:
    """The encoding ``decode_bytes`` would use, without decoding the whole file into a str.

    Raises a Swedish ``DataError`` for bytes that are neither UTF-8 nor cp1252.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    else:
        encoding = "utf-8"
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)[3 if encoding == "utf-8-sig" else 0:]
    try:
        for start in range(0, len(view), _SCAN_CHUNK):
            decoder.decode(view[start:start + _SCAN_CHUNK], final=start + _SCAN_CHUNK >= len(view))
        return encoding
    except UnicodeDecodeError:
        if encoding == "utf-8-sig":
            _check_mixed_encoding(path, data)  # names the first line that is not UTF-8
            raise file_error(path, "filen börjar som UTF-8 men innehåller tecken som inte är "
                             "UTF-8.", "Spara om den som CSV UTF-8 i Excel.") from None
    _check_mixed_encoding(path, data)
    positions = [p for p in (data.find(bytes([b])) for b in _CP1252_UNDEFINED) if p >= 0]
    if positions:
        pos = min(positions)
        line = data.count(b"\n", 0, pos) + 1
        raise file_error(path, f"filen är varken UTF-8 eller Windows-1252: byten 0x{data[pos]:02X} "
                         f"på rad {line} finns inte i någon av dem.",
                         "Spara om filen som CSV UTF-8 i Excel.")
    return "cp1252"


# Å, Ä, Ö, é, ü ... written as UTF-8 (two bytes). In a Windows-1252 text the same bytes read
# "Ã¥", "Ã¤": never Swedish, so a file that is not valid UTF-8 but holds them mixes both.
_UTF8_LATIN = re.compile(rb"[\xc2\xc3][\x80-\xbf]")
_NON_ASCII = re.compile(rb"[\x80-\xff]")
_NOT_BLANK = re.compile(rb"[^ \r\n\t\xef\xbb\xbf]")


def _has_utf8_latin(data: bytes) -> bool:
    """``_UTF8_LATIN.search(data)``, by the lead bytes' positions (``bytes.find`` runs far
    faster over a big file than the regular expression; a Windows-1252 file seldom holds
    them at all)."""
    for lead in (b"\xc2", b"\xc3"):
        pos, seen = data.find(lead), 0
        while pos >= 0:
            if pos + 1 < len(data) and 0x80 <= data[pos + 1] <= 0xBF:
                return True
            seen += 1
            if seen > 1000:  # many lone lead bytes: let the expression decide
                return _UTF8_LATIN.search(data, pos) is not None
            pos = data.find(lead, pos + 1)
    return False


def _check_mixed_encoding(path: Path, data: bytes) -> None:
    """One diagnosis for a text file whose lines are partly UTF-8, partly Windows-1252
    (two exports pasted together): the file's encoding is the one its first line with
    å, ä, ö is in; the message names the first line in the other one and how many follow.

    Called only for bytes that are not valid UTF-8; a file with no UTF-8 letters is plain
    Windows-1252 and passes.
    """
    if not data.startswith(b"\xef\xbb\xbf") and not _has_utf8_latin(data):
        return
    kinds: list[tuple[int, bool]] = []  # (line number, is UTF-8) of lines with non-ASCII
    for number, line in enumerate(data.splitlines(), start=1):
        if not _NON_ASCII.search(line):
            continue
        try:
            line.decode("utf-8")
            kinds.append((number, True))
        except UnicodeDecodeError:
            kinds.append((number, False))
    if len({utf8 for _, utf8 in kinds}) < 2:
        return
    started_utf8 = kinds[0][1]
    odd = [n for n, utf8 in kinds if utf8 != started_utf8]
    names = {True: "UTF-8", False: "Windows-1252 (ANSI)"}
    more = f" (och {sv_count(len(odd) - 1)} rader till)" if len(odd) > 1 else ""
    raise DataError([Problem(
        path.name, odd[0], None, None, MIXED_ENCODING,
        f"filen blandar två teckenkodningar: den börjar i {names[started_utf8]}, men rad "
        f"{odd[0]}{more} är {names[not started_utf8]}, så å, ä och ö läses fel från den raden.",
        "Filen är troligen två exporter som klistrats ihop. Spara om originalen som "
        "\"CSV UTF-8\" i Excel och sätt ihop dem igen, eller leverera dem som två filer.")],
        title="Filen kan inte läsas")


def detect_separator(text: str) -> str:
    """The separator of a delimited text: the most frequent of ; TAB , in the header line."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda s: counts[s])
    return best if counts[best] > 0 else ";"


# --- the exact path: records, the lines they span, and what is wrong with them ------------


def _line_count(text: str) -> int:
    """Physical lines of a text: ``\\r\\n``, ``\\r`` and ``\\n`` end a line (as in Excel and
    in ``csv``); a last line without an ending counts."""
    ends = text.count("\n") + text.count("\r") - text.count("\r\n")
    return ends + (1 if text and text[-1] not in "\r\n" else 0)


def _too_many_rows(path: Path, max_rows: int, found: int | None = None) -> DataError:
    seen = f" (den har {sv_count(found)})" if found else ""
    return file_error(path, f"filen har fler än {sv_count(max_rows)} rader{seen}, gränsen för en "
                      "levererad fil.", "Dela upp leveransen per år, eller höj max_rows i "
                      "installningar.yaml om filen verkligen ska vara så stor.")


def _csv_records(path: Path, text: str, sep: str) -> tuple[list[list[str]], list[int]]:
    """Every record of ``text`` as the csv module reads it, and the line each one ends on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    records: list[list[str]] = []
    ends: list[int] = []
    try:
        for row in reader:
            records.append(row)
            ends.append(reader.line_num)
    except csv.Error as exc:
        start = (ends[-1] if ends else 0) + 1
        if "field limit" in str(exc):
            limit = csv.field_size_limit()
            raise file_error(
                path, f"ett fält som börjar på rad {start} är längre än {sv_count(limit)} tecken "
                f"(filen lästes till rad {reader.line_num} utan att fältet tog slut).",
                'Oftast är det ett citattecken (") som aldrig avslutas, så att resten av filen '
                "lästes som ett fält. Ta bort citattecknet eller skriv det dubbelt (\"\"); en "
                "cell i Excel rymmer högst 32 767 tecken.") from exc
        raise file_error(path, f"filen kunde inte tolkas som en tabell (rad {reader.line_num}).",
                         "Kontrollera citattecken och avgränsare.") from exc
    return records, ends


def _structure_problem(file: str, number: int, row: list[str], first: int, last: int,
                       width: int, sep: str | None) -> Problem | None:
    """What is wrong with a record's shape (None if nothing): too many or too few fields,
    or a quote that made several physical lines (``first``–``last``) into one record."""
    n = len(row)
    extra = [c for c in row[width:] if c.strip()]
    where = "" if first == number else f" (rad {first} i textfilen)"
    if last > first:
        # A record over several lines: legitimate only when a quoted cell holds a line
        # break and the record still has the header's shape. A line inside a quoted cell
        # with a whole row's worth of separators is a swallowed respondent.
        swallowed = [line for cell in row if "\n" in cell or "\r" in cell
                     for line in cell.splitlines()[1:] if line.count(sep) >= width - 1]
        if not (extra or n < width or swallowed):
            return None
        shape = (f"{n} fält, rubrikraden har {width}" if extra or n < width else
                 f"ett fält innehåller en hel rad med {_SEPARATOR_NAMES.get(sep, sep)}")
        return Problem(file, number, None, None, UNREADABLE,
                       f'citattecknet (") på rad {first} avslutas inte på samma rad; raderna '
                       f"{first}–{last} lästes som en rad ({shape}).",
                       "Ingen rad får försvinna in i en annan: ta bort citattecknet eller skriv "
                       "det dubbelt (\"\") och leverera filen på nytt.")
    if extra:
        return Problem(file, number, None, extra[0], UNREADABLE,
                       f"raden har {n} fält men rubrikraden har {width}.{where}",
                       "Kontrollera avgränsare och citattecken på raden.")
    if sep is not None and n < width:
        return Problem(file, number, None, None, UNREADABLE,
                       f"raden har {n} fält men rubrikraden har {width}.{where}",
                       "Kontrollera avgränsare och citattecken på raden, och om en cell har en "
                       "radbrytning utan citattecken (då delas en rad i två).")
    return None


def _header(path: Path, cells: list[str]) -> list[str]:
    header = [h.replace("\ufeff", "").strip() for h in cells]
    while header and header[-1] == "":
        header.pop()
    if len(header) < 2:
        raise file_error(path, "filen är inte en tabell (bara en kolumn hittades).",
                         "Använd semikolon, tabb eller komma mellan kolumnerna.")
    return header


def _from_records(path: Path, records: list[list[str]], ends: list[int], total_lines: int,
                  sep: str | None) -> _Parsed:
    """The exact path's table from records and the physical line each record ends on.

    ``sep`` is None for Excel (rows are padded; no record spans rows).
    """
    if ends and ends[-1] != total_lines:  # every physical line must belong to a record
        raise RuntimeError(f"radräkningen går inte ihop för {path.name}: {ends[-1]} av "
                           f"{total_lines} rader lästa")
    # Excel rows are 1-based; keep the number of every record before dropping blank ones.
    numbered = []
    previous = 0
    for i, (row, end) in enumerate(zip(records, ends, strict=True)):
        if any(c.strip() for c in row):
            numbered.append((i + 1, row, previous + 1, end))
        previous = end
    if not numbered:
        raise file_error(path, "filen är tom.", "Leverera filen på nytt.")
    # The header is the first row with at least two filled cells: title rows above it
    # (common in Excel exports) are skipped.
    start = next((k for k, item in enumerate(numbered) if sum(bool(c.strip()) for c in item[1]) >= 2),
                 0)
    header_row, cells, _, header_end = numbered[start]
    header = _header(path, cells)
    width = len(header)
    rows, numbers, spans, problems = [], [], [], []
    for number, row, first, last in numbered[start + 1:]:
        problem = _structure_problem(path.name, number, row, first, last, width, sep)
        if problem is not None:
            problems.append(problem)
            continue
        rows.append(row[:width] + [""] * max(0, width - len(row)))
        numbers.append(number)
        spans.append(last - first + 1)
    if problems:
        raise DataError(problems, title="Filen kan inte läsas")
    if not rows:
        raise file_error(path, "filen har rubriker men inga rader med data.", "")
    frame = pd.DataFrame(rows, columns=range(width), dtype="string")
    lines = np.asarray(spans, dtype=np.int64)
    return _Parsed(frame, np.asarray(numbers, dtype=np.int64), header, header_row, lines,
                   total_lines - header_end - int(lines.sum()))


# --- the columnar path ----------------------------------------------------------------------


def _line_endings(view: memoryview) -> tuple[np.ndarray, np.ndarray, int]:
    """Where each line ending of ``view`` starts and ends (the byte after it), and the size.

    A line ends at ``\\n``, ``\\r\\n`` or a lone ``\\r`` (as in ``csv`` and Excel).
    Scanned with numpy 16 MB at a time, without copying the text.
    """
    data = np.frombuffer(view, dtype=np.uint8)
    size = len(data)
    lf_parts, cr_parts = [], []
    for start in range(0, size, _SCAN_CHUNK):
        part = data[start:start + _SCAN_CHUNK]
        lf_parts.append(np.flatnonzero(part == 10) + start)
        cr_parts.append(np.flatnonzero(part == 13) + start)
    lf = np.concatenate(lf_parts) if lf_parts else np.zeros(0, dtype=np.int64)
    cr = np.concatenate(cr_parts) if cr_parts else np.zeros(0, dtype=np.int64)
    lone_cr = cr[(cr + 1 >= size) | (data[np.minimum(cr + 1, max(size - 1, 0))] != 10)]
    after_cr = np.zeros(len(lf), dtype=np.int64)
    if len(lf):
        after_cr = ((lf > 0) & (data[np.maximum(lf - 1, 0)] == 13)).astype(np.int64)
    ends = np.concatenate([lf + 1, lone_cr + 1])
    starts = np.concatenate([lf - after_cr, lone_cr])
    order = np.argsort(ends, kind="stable")
    return starts[order], ends[order], size


def _line_layout(view: memoryview) -> np.ndarray:
    """For each physical line of ``view``: is it empty? (A last line without an ending counts.)"""
    starts, ends, size = _line_endings(view)
    line_start = np.concatenate([np.zeros(1, dtype=np.int64), ends[:-1]])[:len(ends)]
    empty = starts == line_start
    if size and (not len(ends) or ends[-1] < size):
        empty = np.append(empty, False)
    return empty


def _read_text_columnar(path: Path, data: bytes, encoding: str, max_rows: int
                        ) -> tuple[_Parsed, str] | None:
    """The columnar path; None when it cannot prove that it reads what the exact path would."""
    offset = 3 if encoding == "utf-8-sig" else 0
    codec = "cp1252" if encoding == "cp1252" else "utf-8"
    view = memoryview(data)[offset:]
    # 1. The header (and title rows above it) by the exact rules, in the first megabyte.
    cut = len(view)
    if cut > _HEADER_SEARCH_BYTES:
        newline = data.find(b"\n", offset + _HEADER_SEARCH_BYTES)
        cut = len(view) if newline < 0 else newline + 1 - offset
    prefix = bytes(view[:cut]).decode(codec)
    if not any(line.strip() for line in prefix.splitlines()):
        return None
    sep = detect_separator(prefix)
    try:
        records, ends = _csv_records(path, prefix, sep)
    except DataError:
        return None
    header_index = next((i for i, row in enumerate(records)
                         if sum(bool(c.strip()) for c in row) >= 2), None)
    prefix_lines = _line_count(prefix)
    if header_index is None or ends[header_index] >= prefix_lines:
        return None  # no header, a header cut by the prefix, or nothing below it
    header_cells = records[header_index]
    header_row, header_end = header_index + 1, ends[header_index]
    header = _header(path, header_cells)
    width, fields = len(header), len(header_cells)
    body_start = int(_line_endings(view[:cut])[1][header_end - 1])
    body = view[body_start:]
    # 2. Physical lines below the header, and the row cap, before anything is parsed.
    empty = _line_layout(body)
    n_lines = len(empty)
    if n_lines > max_rows:
        raise _too_many_rows(path, max_rows, n_lines)
    # 3. pyarrow reads every record as text with exactly the header's number of fields.
    # Without a quote character no record can span lines and the reader may split the
    # text at any line ending; with quotes it must know about quoted line breaks.
    quoted = data.find(b'"', offset + body_start) >= 0
    names = [f"f{i}" for i in range(fields)]
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(pa.py_buffer(data).slice(offset + body_start)),
            read_options=pa_csv.ReadOptions(
                column_names=names, encoding="cp1252" if codec == "cp1252" else "utf8"),
            parse_options=pa_csv.ParseOptions(delimiter=sep, quote_char='"', double_quote=True,
                                              escape_char=False, newlines_in_values=quoted,
                                              ignore_empty_lines=True),
            convert_options=pa_csv.ConvertOptions(
                column_types={n: pa.string() for n in names}, null_values=[],
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return None
    # 4. One record per non-empty line, exactly: then no record spans two lines.
    if table.num_rows + int(empty.sum()) != n_lines:
        return None
    limit = csv.field_size_limit()
    if any((pc.max(pc.binary_length(col)).as_py() or 0) > limit for col in table.columns):
        return None  # the exact path names the field
    # 5. Cells beyond the header's last named column must be blank (else the exact path
    # names the row).
    for col in table.columns[width:]:
        if pc.any(pc.greater(pc.binary_length(pc.utf8_trim_whitespace(col)), 0)).as_py():
            return None
    # 6. Blank records are dropped, as in the exact path (pyarrow's whitespace is str.strip's).
    filled = np.zeros(table.num_rows, dtype=bool)
    for col in table.columns:
        todo = np.flatnonzero(~filled)
        if not len(todo):
            break
        part = col if len(todo) == table.num_rows else col.take(pa.array(todo))
        nonblank = pc.greater(pc.binary_length(pc.utf8_trim_whitespace(part)), 0)
        filled[todo[nonblank.to_numpy(zero_copy_only=False)]] = True
    if not filled.any():
        return None  # "headers but no rows": the exact path says so
    if not filled.all():
        table = table.filter(pa.array(filled))
    line_index = np.flatnonzero(~empty)[filled]
    frame = pd.DataFrame({i: pd.array(table.column(i), dtype="string") for i in range(width)})
    parsed = _Parsed(frame, header_row + 1 + line_index.astype(np.int64), header, header_row,
                     np.ones(len(frame), dtype=np.int64), n_lines - len(frame))
    return parsed, sep


# --- Excel ----------------------------------------------------------------------------------


def _excel_cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10] if getattr(value, "hour", 0) == 0 else value.isoformat()
    return str(value)


def _check_xlsx_size(path: Path) -> None:
    """Refuse an .xlsx whose parts unpack to absurd sizes (a zip bomb), before reading it."""
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    total = sum(i.file_size for i in infos)
    bomb = [i for i in infos if i.file_size > XLSX_RATIO_FROM
            and i.file_size > XLSX_MAX_RATIO * max(i.compress_size, 1)]
    if total > XLSX_MAX_UNPACKED or bomb:
        part = max(bomb or infos, key=lambda i: i.file_size)
        ratio = part.file_size / max(part.compress_size, 1)
        raise file_error(
            path, f"Excel-filen packas upp till {sv_count(total // 1_000_000)} MB "
            f"({part.filename}: {sv_count(part.file_size // 1_000_000)} MB, {sv_count(round(ratio))} "
            "gånger sin packade storlek) och läses inte.",
            f"Högst {sv_count(XLSX_MAX_UNPACKED // 1_000_000)} MB uppackat och {XLSX_MAX_RATIO} "
            "gångers packning läses; en större eller hårdare packad fil kan vara skadad eller "
            "skadlig. Leverera enkäten som CSV, eller dela upp filen.")


def _read_excel_records(path: Path, max_rows: int) -> list[list[str]]:
    """The first sheet's rows as strings (trailing empty cells dropped), checked on the way.

    Before reading: the unpacked size of the file's parts and the sheet's declared
    dimension; while reading: the row cap and Excel's column limit.
    """
    if not zipfile.is_zipfile(path):
        raise file_error(path, "filen är inte en Excel-fil (xlsx) trots filändelsen.",
                         "Spara om den som .xlsx eller som CSV.")
    try:
        _check_xlsx_size(path)
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except DataError:
        raise
    except Exception as exc:  # openpyxl raises many kinds of errors for broken files
        raise file_error(path, f"Excel-filen kunde inte öppnas ({type(exc).__name__}).",
                         "Öppna och spara om den i Excel, eller leverera CSV.") from exc
    records: list[list[str]] = []
    try:
        ws = wb.worksheets[0]
        declared = ws.max_row  # from the sheet's <dimension>, if it has one
        if declared is not None and declared > max_rows:
            raise _too_many_rows(path, max_rows, declared)
        # Read every row there is, not only the declared ones (a dimension can be wrong),
        # and never pad rows out to a declared width.
        ws.reset_dimensions()
        for row in ws.iter_rows(values_only=True):
            if len(records) >= max_rows:
                raise _too_many_rows(path, max_rows)
            if len(row) > XLSX_MAX_COLUMNS:
                raise file_error(path, f"rad {len(records) + 1} har fler än "
                                 f"{sv_count(XLSX_MAX_COLUMNS)} kolumner.",
                                 "Spara om filen i Excel, eller leverera CSV.")
            cells = [_excel_cell(v) for v in row]
            while cells and cells[-1] == "":
                cells.pop()
            records.append(cells)
    except DataError:
        raise
    except Exception as exc:
        raise file_error(path, f"Excel-filen kunde inte läsas ({type(exc).__name__}).",
                         "Öppna och spara om den i Excel, eller leverera CSV.") from exc
    finally:
        wb.close()
    return records


# --- reading --------------------------------------------------------------------------------


def read_table(path: str | os.PathLike, *, max_rows: int = MAX_ROWS) -> RawTable:
    """Read a delivered CSV or Excel table as strings, without cleaning anything.

    Raises ``DataError`` (in Swedish, naming the file) for an empty file, a file
    that is not a table, a table with no data rows, a file over ``max_rows`` rows (or an
    .xlsx that unpacks to absurd sizes), a field over the csv module's size limit, and for
    every row whose shape is wrong: more or fewer fields than the header, or a quote that
    swallowed following lines (naming the lines).
    """
    path = Path(path)
    if not path.is_file():
        raise file_error(path, "filen finns inte.", "Kontrollera sökvägen.")
    data = path.read_bytes()
    if not _NOT_BLANK.search(data):  # (as ``data.strip(...)`` is empty, without a copy)
        raise file_error(path, "filen är tom.", "Leverera filen på nytt.")
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED_SUFFIXES:
        raise file_error(path, f"filformatet {suffix} kan inte läsas.",
                         "Spara filen som Excel (.xlsx) eller CSV och lägg den bredvid originalet.")
    if suffix in EXCEL_SUFFIXES:
        del data
        records = _read_excel_records(path, max_rows)
        parsed = _from_records(path, records, list(range(1, len(records) + 1)), len(records), None)
        encoding, sep = "xlsx", None
    else:
        parsed, encoding, sep = _read_text(path, data, max_rows)
    return RawTable(path.name, _named(parsed.frame, parsed.headers),
                    pd.Series(parsed.excel_rows, dtype="int64"), parsed.headers, encoding, sep,
                    parsed.header_row, int(parsed.lines.sum()), parsed.blank_lines,
                    pd.Series(parsed.lines, dtype="int64"))


def _named(frame: pd.DataFrame, headers: list[str]) -> pd.DataFrame:
    frame.columns = headers
    return frame


def _read_text(path: Path, data: bytes, max_rows: int) -> tuple[_Parsed, str, str]:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise file_error(path, "filen är inte en tabell (den innehåller binära data).",
                         "Leverera CSV (semikolon- eller kommaseparerad) eller Excel (.xlsx).")
    encoding = _encoding_of(path, data)
    if encoding != "utf-16":
        fast = _read_text_columnar(path, data, encoding, max_rows)
        if fast is not None:
            return fast[0], encoding, fast[1]
    text, encoding = decode_bytes(data)
    del data
    total = _line_count(text)
    if total > max_rows:
        raise _too_many_rows(path, max_rows, total)
    sep = detect_separator(text)
    records, ends = _csv_records(path, text, sep)
    return _from_records(path, records, ends, total, sep), encoding, sep


def map_headers(table: RawTable, resolve: Callable[[str], str | None], unknown_hint: str
                ) -> tuple[dict[str, str], list[Problem]]:
    """Canonical column -> header in the file, using ``resolve(header)`` (None = unknown).

    Unknown headers become notices (the column is not read; free-text columns stay out);
    two headers meaning the same column are a ``DataError``.
    """
    found: dict[str, str] = {}
    notices: list[Problem] = []
    duplicates: list[Problem] = []
    for header in table.frame.columns:
        column = resolve(header)
        if column is None:
            notices.append(Problem(table.file, table.header_row, header, None, UNKNOWN_COLUMN,
                                   "okänd rubrik; kolumnen läses inte in.", unknown_hint))
        elif column in found:
            duplicates.append(Problem(table.file, table.header_row, header, None, DUPLICATE_COLUMN,
                                      f'rubriken betyder samma sak som "{found[column]}".',
                                      "Ta bort eller byt namn på den ena kolumnen."))
        else:
            found[column] = header
    if duplicates:
        raise DataError(duplicates, title="Filen kan inte läsas")
    return found, notices


def parse_numbers(values: pd.Series) -> pd.Series:
    """Parse numbers written with decimal comma or point (spaces as thousands separators).

    Returns floats; a value that is not a number becomes NaN (the caller reports it).
    """
    s = values.astype("string").str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    both = s.str.contains(",", regex=False) & s.str.contains(".", regex=False)
    comma_last = s.str.rfind(",") > s.str.rfind(".")
    s = s.mask(both & comma_last, s.str.replace(".", "", regex=False))
    s = s.mask(both & ~comma_last, s.str.replace(",", "", regex=False))
    s = s.str.replace(",", ".", regex=False)
    return pd.to_numeric(s.replace("", pd.NA), errors="coerce").astype("float64")


# --- writing -----------------------------------------------------------------------------


def write_atomic(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Write through ``write(tmp)`` to a temporary file beside ``path``, then rename.

    A crash leaves the previous file untouched (and no half-written file).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    return write_atomic(path, lambda p: p.write_bytes(data))


def write_parquet(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Parquet, atomically and byte-reproducibly (no index, fixed compression)."""
    return write_atomic(path, lambda p: frame.to_parquet(p, index=False, compression="zstd"))


def sha256_file(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
FIXED_DOC_TIME = "2000-01-01T00:00:00Z"


def xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "Blad1") -> bytes:
    """An .xlsx of ``frame`` (all cells as written, header in row 1), byte-reproducible.

    Every text cell is stored as text, never as a formula: openpyxl would turn a string
    starting with ``=`` into a formula (and ``#N/A`` into an error); such a cell keeps its
    exact text, is typed as a string and carries Excel's quote-prefix flag, so Excel shows
    it as text and keeps it text when the cell is edited. Text starting with ``+``, ``-``
    or ``@`` is already a plain string cell, which a spreadsheet never evaluates.

    openpyxl stamps the save time into ``docProps/core.xml`` and the zip entries;
    both are replaced by a fixed time so that the same frame gives the same bytes.
    """
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet_name
    ws.append([str(c) for c in frame.columns])
    for row in frame.itertuples(index=False):
        ws.append([None if (v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA)
                   else v for v in row])
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.data_type != "s":
                cell.data_type = "s"
                cell.quotePrefix = True
    buf = io.BytesIO()
    wb.save(buf)
    return _fix_zip_times(buf.getvalue())


def _fix_zip_times(data: bytes) -> bytes:
    import re

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                                 rb"\g<1>" + FIXED_DOC_TIME.encode() + rb"\g<2>", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, content)
    return out.getvalue()


# --- YAML (settings, promise registries) ---------------------------------------------------

YAML_MAX_BYTES = 1_000_000  # a settings file or a promise registry is a few kilobytes


class _NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses anchors and aliases before any node is built.

    Aliases are what "billion laughs" and recursive YAML bombs are made of, and a kommun's
    settings or promise registry never needs them, so the first one stops the reading.
    """

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _AliasRefused(event.start_mark)
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise _AliasRefused(event.start_mark)
        return super().compose_node(parent, index)


def _failing_scalar(node) -> tuple[int | None, str | None]:
    """(line, text) of the first scalar in ``node`` that PyYAML cannot construct."""
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop(0)
        if isinstance(current, yaml.ScalarNode):
            try:
                yaml.SafeLoader("").construct_object(current)
            except (ValueError, TypeError, yaml.YAMLError):
                return current.start_mark.line + 1, current.value
        elif isinstance(current, yaml.MappingNode):
            stack.extend(n for pair in current.value for n in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return None, None


class _AliasRefused(Exception):
    def __init__(self, mark):
        super().__init__("alias")
        self.mark = mark


def read_yaml(path: str | os.PathLike, *, what: str) -> tuple[object, yaml.Node | None]:
    """Read a delivered YAML file safely: (data, the composed node tree for line numbers).

    Refuses files over ``YAML_MAX_BYTES``, anchors and aliases (``&``/``*``), Python tags,
    text that is not UTF-8 and anything PyYAML cannot read, each with a Swedish
    ``DataError`` naming the file (and the line where known). ``what`` names the file in
    the title ("Inställningarna", "Medborgarlöftena").
    """
    path = Path(path)
    title = f"{what} kan inte läsas"

    def error(message: str, line: int | None = None, hint: str = "") -> DataError:
        return DataError([Problem(path.name, line, None, None, UNREADABLE, message, hint)],
                         title=title)

    if path.stat().st_size > YAML_MAX_BYTES:
        raise error(f"filen är större än {YAML_MAX_BYTES // 1_000_000} MB.",
                    hint="En inställningsfil eller ett löftesregister är några kilobyte; "
                    "kontrollera att det är rätt fil.")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error("filen är inte sparad som UTF-8.", hint="Spara om den som UTF-8.") from exc
    hint = ("Skriv en uppgift per rad (namn: värde) med mellanslag, inte tabb, som indrag. "
            "Se docs/ för ett exempel.")
    loader = _NoAliasLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _AliasRefused as exc:
        raise error("filen använder YAML-ankare eller alias (& eller *), som inte tillåts.",
                    exc.mark.line + 1, "Skriv ut värdena i stället för att hänvisa till dem.") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise error(f"filen är inte giltig YAML ({type(exc).__name__}).",
                    None if mark is None else mark.line + 1, hint) from exc
    except RecursionError as exc:
        raise error("filen är nästlad i för många nivåer.", None, hint) from exc
    except (ValueError, TypeError) as exc:  # e.g. an unquoted date 2022-13-01
        line, value = _failing_scalar(node)
        raise DataError([Problem(path.name, line, None, value, UNREADABLE,
                                 "värdet kan inte tolkas (t.ex. ett datum som inte finns, som "
                                 "2022-02-30).", "Kontrollera datum och tal; skriv datum som "
                                 "ÅÅÅÅ-MM-DD.")], title=title) from exc
    finally:
        loader.dispose()
    return data, node


# --- delivery folders ---------------------------------------------------------------------

QUIET_FILES = frozenset({"README.md", ".gitkeep"})  # documentation, not deliveries


@dataclass(frozen=True)
class DeliveryFolder:
    """The files of a delivery folder that are read, and everything else that is there.

    ``ignored`` is named in the build output (so a file put in the wrong place, or a
    folder with a misspelt name, is seen); READMEs are not named.
    """

    files: list[Path]
    ignored: list[Path]


def list_delivery(folder: str | os.PathLike, accept: Callable[[Path], bool] = lambda p: True
                  ) -> DeliveryFolder:
    """The regular files in ``folder`` that ``accept`` takes, sorted by name; the rest ignored.

    Symbolic links are refused with a ``DataError`` (a link could point outside the
    project, or nowhere): a delivery is copied into ``data/raw/``, never linked. Office
    lock files (``~$…``) and hidden files are ignored; sub-folders are ignored.
    """
    folder = Path(folder)
    if folder.is_symlink():
        raise _link_error(folder)
    if not folder.is_dir():
        return DeliveryFolder([], [])
    files, ignored, links = [], [], []
    for p in sorted(folder.iterdir(), key=lambda q: q.name):
        if p.is_symlink():
            links.append(p)
        elif p.name in QUIET_FILES:
            continue
        elif p.is_file() and not p.name.startswith((".", "~$")) and accept(p):
            files.append(p)
        else:
            ignored.append(p)
    if links:
        raise DataError([_link_problem(p) for p in links], title="Leveransen innehåller länkar")
    return DeliveryFolder(files, ignored)


def _link_problem(path: Path) -> Problem:
    target = "en fil som inte finns" if not path.exists() else "en annan plats"
    return Problem(path.name, None, None, None, UNREADABLE,
                   f"är en länk (symbolisk länk) till {target}; länkar läses inte.",
                   f"Kopiera själva filen till {path.parent.name}/ i stället för att länka.")


def _link_error(path: Path) -> DataError:
    return DataError([_link_problem(path)], title="Leveransen innehåller länkar")
