"""Reading delivered tables and writing outputs atomically.

Only this module (and the ``read_*``/``write_*`` functions that call it) touches
the disk. Delivered files are read, never written.

Encoding rule (fixed, no statistical guessing, which misreads Swedish cp1252):
a UTF-8 BOM means UTF-8; a UTF-16 BOM means UTF-16; otherwise the bytes are
decoded as UTF-8 if they are valid UTF-8, else as cp1252.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.problems import DUPLICATE_COLUMN, UNKNOWN_COLUMN, UNREADABLE, DataError, Problem

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
SEPARATORS = [";", "\t", ","]
UNSUPPORTED_SUFFIXES = {".xls", ".ods", ".pdf", ".docx", ".doc", ".sav", ".zip"}


@dataclass(frozen=True)
class RawTable:
    """A delivered table as strings, exactly as read.

    ``frame`` has the normalised header as columns and one row per record;
    ``excel_rows`` gives, for each record, the row the analyst sees in Excel
    (header = row 1). ``headers`` are the headers as written in the file.
    """

    file: str
    frame: pd.DataFrame
    excel_rows: pd.Series
    headers: list[str]
    encoding: str
    separator: str | None
    header_row: int = 1


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


def detect_separator(text: str) -> str:
    """The separator of a delimited text: the most frequent of ; TAB , in the header line."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda s: counts[s])
    return best if counts[best] > 0 else ";"


def _excel_cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10] if getattr(value, "hour", 0) == 0 else value.isoformat()
    return str(value)


def _read_excel_grid(path: Path) -> list[list[str]]:
    if not zipfile.is_zipfile(path):
        raise file_error(path, "filen är inte en Excel-fil (xlsx) trots filändelsen.",
                         "Spara om den som .xlsx eller som CSV.")
    try:
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        ws = wb.worksheets[0]
        grid = [[_excel_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
        wb.close()
    except Exception as exc:  # openpyxl raises many kinds of errors for broken files
        raise file_error(path, f"Excel-filen kunde inte öppnas ({type(exc).__name__}).",
                         "Öppna och spara om den i Excel, eller leverera CSV.") from exc
    return grid


def _read_text_grid(path: Path, data: bytes) -> tuple[list[list[str]], str, str]:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise file_error(path, "filen är inte en tabell (den innehåller binära data).",
                         "Leverera CSV (semikolon- eller kommaseparerad) eller Excel (.xlsx).")
    text, encoding = decode_bytes(data)
    sep = detect_separator(text)
    try:
        grid = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=sep)]
    except csv.Error as exc:
        raise file_error(path, f"filen kunde inte tolkas som en tabell ({exc}).",
                         "Kontrollera citattecken och avgränsare.") from exc
    return grid, encoding, sep


def read_table(path: str | os.PathLike) -> RawTable:
    """Read a delivered CSV or Excel table as strings, without cleaning anything.

    Raises ``DataError`` (in Swedish, naming the file) for an empty file, a file
    that is not a table, or a table with no data rows.
    """
    path = Path(path)
    if not path.is_file():
        raise file_error(path, "filen finns inte.", "Kontrollera sökvägen.")
    data = path.read_bytes()
    if not data.strip(b" \r\n\t\xef\xbb\xbf"):
        raise file_error(path, "filen är tom.", "Leverera filen på nytt.")
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED_SUFFIXES:
        raise file_error(path, f"filformatet {suffix} kan inte läsas.",
                         "Spara filen som Excel (.xlsx) eller CSV och lägg den bredvid originalet.")
    if suffix in EXCEL_SUFFIXES:
        grid, encoding, sep = _read_excel_grid(path), "xlsx", None
    else:
        grid, encoding, sep = _read_text_grid(path, data)
    # Excel rows are 1-based; keep the number of every record before dropping blank ones.
    numbered = [(i + 1, row) for i, row in enumerate(grid) if any(c.strip() for c in row)]
    if not numbered:
        raise file_error(path, "filen är tom.", "Leverera filen på nytt.")
    # The header is the first row with at least two filled cells: title rows above it
    # (common in Excel exports) are skipped.
    start = next((k for k, (_, row) in enumerate(numbered) if sum(bool(c.strip()) for c in row) >= 2),
                 0)
    numbered = numbered[start:]
    header_row, header = numbered[0]
    header = [h.replace("\ufeff", "").strip() for h in header]
    while header and header[-1] == "":
        header.pop()
    if len(header) < 2:
        raise file_error(path, "filen är inte en tabell (bara en kolumn hittades).",
                         "Använd semikolon, tabb eller komma mellan kolumnerna.")
    width = len(header)
    rows, numbers = [], []
    for number, row in numbered[1:]:
        extra = [c for c in row[width:] if c.strip()]
        if extra:
            raise DataError([Problem(path.name, number, None, extra[0], UNREADABLE,
                                     f"raden har {len(row)} fält men rubrikraden har {width}.",
                                     "Kontrollera avgränsare och citattecken på raden.")],
                            title="Filen kan inte läsas")
        rows.append([c for c in row[:width]] + [""] * max(0, width - len(row)))
        numbers.append(number)
    if not rows:
        raise file_error(path, "filen har rubriker men inga rader med data.", "")
    frame = pd.DataFrame(rows, columns=range(width), dtype="string")
    frame.columns = header
    return RawTable(path.name, frame, pd.Series(numbers, dtype="int64"), header, encoding, sep,
                    header_row)


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
