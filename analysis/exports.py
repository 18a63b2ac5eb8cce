"""CSV summaries for Örat mot marken that open correctly in Swedish Excel.

Format (DOMAIN §6): ``;`` separator, decimal comma, UTF-8 with BOM (and no
``sep=`` line, which would make Excel ignore the BOM), CRLF line ends, Swedish
headers from ``analysis.vocabulary``, numbers rounded explicitly and written as
text by us (so Excel never sees ``1e-05`` or a lost decimal comma), area codes
kept as text (leading zeros survive). Every file goes through one writer, ``excel_csv``:
a text cell that a spreadsheet would run as a formula gets a leading ``'``, and no value
can split a cell or a row (docs/rapport.md, "Säkra celler och filnamn"). Each file gets a data dictionary
(``<name>_dataordlista.txt``) beside it: source, method, scoring, suppression
rules and what every column means.

Only disclosure-controlled tables are exported; respondent rows and free text
never reach these functions.

Every export comes in two flavours (``csv_pair``, the one function every export goes
through): the Excel CSV above in ``csv/``, and a tidy machine-readable copy for Power BI,
R and Python in ``csv/maskinlasbar/`` with the same rows, columns, headers and data
dictionary: UTF-8 without BOM, ``,`` between columns, ``.`` as decimal point, LF line ends,
codes as plain text (``01``, not ``="01"``), dates ``ÅÅÅÅ-MM-DD``, values exactly as they
are (no ``'`` prefix: the copy is for programs, not for Excel; ``MACHINE_README`` says so).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.codebook import Codebook, load_codebook
from analysis.compact import as_category, distinct, take_category
from analysis.crime.present import (
    CSV_CODE_COLUMNS,
    CSV_DESCRIPTIONS,
    CSV_NAME,
    crime_dictionary_lines,
    crime_for_sharing,
)
from analysis.disclosure import MAX_CV, MAX_RELATIVE_WIDTH, RELATIVE_MIN_WIDTH
from analysis.formatting import csv_decimal, csv_int, csv_yes_no, sv_number, sv_percent
from analysis.promises.present import indicator_sentence
from analysis.settings import Settings
from analysis.vocabulary import COLUMNS, FLAGS, INDICATORS, NARRATIVE, PROMISES, PROPORTION_INDICATORS

EXPORT_DIR = "csv"
# Columns of the exports that hold codes to keep as text (leading zeros).
CODE_COLUMNS = (COLUMNS["area"],)


# Cells a spreadsheet would run as a formula (OWASP, "CSV injection"): text starting with
# one of these characters. Our own numbers ("-0,26", "12,5") are the only exception.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(,\d+)?")
# A code of digits with a leading zero, and Excel's text form of it (``excel_text``).
ZERO_CODE = re.compile(r"0\d+")
ZERO_CODE_TEXT = re.compile(r'="0\d+"')
_NEEDS_QUOTES = re.compile(r'[;"\r\n]')


def excel_text(values: pd.Series) -> pd.Series:
    """Codes that Excel would turn into numbers (digits with a leading zero) as ``="01"``.

    Excel drops leading zeros when it opens a CSV; the ``="…"`` form is shown as the text
    01 in Excel and LibreOffice. Other codes are written as they are (and a value already
    in the form stays as it is). ``excel_csv`` keeps the form only in code columns
    (``CODE_COLUMNS``); anywhere else ``="…"`` is user text and is neutralised. A
    categorical stays one (its categories are rewritten, not every cell).
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = pd.Series(values.cat.categories, dtype="string")
        wrapped = categories.mask(categories.str.fullmatch(ZERO_CODE.pattern),
                                  '="' + categories + '"')
        return pd.Series(pd.Categorical.from_codes(values.cat.codes, categories=pd.Index(
            wrapped, dtype="string")), index=values.index)
    text = values.astype("string").fillna("")
    return text.mask(text.str.fullmatch(ZERO_CODE.pattern), '="' + text + '"')


def neutralise(value: str) -> str:
    """The text of one cell as a spreadsheet must show it: never a formula.

    A value that starts with ``=``, ``+``, ``-``, ``@``, tab or CR and is not a plain number
    (``-?\\d+(,\\d+)?``, how we write numbers) gets a leading ``'`` (OWASP's advice against
    CSV injection): Excel and LibreOffice then show it as text instead of evaluating
    ``=HYPERLINK(...)`` or ``+1+1``. Everything else is returned unchanged.
    """
    return _neutralised(_texts([value]), False)[0][0].as_py()


def _code_columns(frame: pd.DataFrame, code_columns: Iterable[str] | None) -> set[str]:
    names = set(map(str, frame.columns))
    if code_columns is None:
        return names & set(CODE_COLUMNS)
    codes = set(code_columns)
    if codes - names:
        raise ValueError(f"okända kodkolumner: {sorted(codes - names)}")
    return codes


def csv_field(value: str, *, code: bool = False) -> str:
    """One field of an Excel CSV line: neutralised, and quoted when it must be.

    ``code=True`` (a code column): a value in Excel's text form of a code with a leading
    zero, ``="01"`` (what ``excel_text`` makes), is written bare so that Excel keeps the
    zero. Every other value, in every column, is neutralised (``neutralise``); a
    neutralised value, and any value holding ``;``, ``"``, CR or LF, is put in double
    quotes with inner quotes doubled, so no value can split a cell or a row.
    """
    return _excel_fields(_texts([value]), code)[0][0].as_py()


# --- cells as arrow text (vectorised: pyarrow compute, each distinct value of a
# categorical once) -----------------------------------------------------------------------

_LARGE = pa.large_string()


def _texts(values: Iterable[str]) -> pa.Array:
    return pa.array([str(v) for v in values], type=_LARGE)


def _lit(text: str) -> pa.Scalar:
    return pa.scalar(text, _LARGE)


def _column(values: pd.Series) -> pa.Array:
    """A column's cells as arrow text with missing as ``""``: a dictionary array (codes
    and each distinct text once) for a categorical, plain text otherwise."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        categories = pd.Series(values.cat.categories).astype("string")
        dictionary = pa.array(list(categories) + [""], type=_LARGE)
        indices = np.where(codes < 0, len(dictionary) - 1, codes).astype(np.int32)
        return pa.DictionaryArray.from_arrays(pa.array(indices), dictionary)
    values = values.astype("string")
    if values.hasnans:
        values = values.fillna("")
    text = pa.array(values.array)  # the string array's own buffers (no copy)
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    return text if text.type == _LARGE else text.cast(_LARGE)


def _fullmatch(text: pa.Array, pattern: str) -> pa.Array:
    return pc.match_substring_regex(text, f"^(?:{pattern})$")


def _neutralised(text: pa.Array, code: bool, plain: re.Pattern = PLAIN_NUMBER
                 ) -> tuple[pa.Array, pa.Array]:
    """(the values as a spreadsheet must show them, which got the ``'`` prefix): vectorised
    ``neutralise``; in a code column Excel's text form ``="01"`` is left as it is. ``plain``
    is how a number of ours looks (decimal comma in the Excel CSV, point in the tidy one)."""
    starts = pc.starts_with(text, FORMULA_START[0])
    for char in FORMULA_START[1:]:
        starts = pc.or_(starts, pc.starts_with(text, char))
    starts = pc.and_(starts, pc.invert(_fullmatch(text, plain.pattern)))
    if code:
        starts = pc.and_(starts, pc.invert(_fullmatch(text, ZERO_CODE_TEXT.pattern)))
    safe = pc.if_else(starts, pc.binary_join_element_wise(_lit("'"), text, _lit("")), text)
    return safe, starts


def _quoted(safe: pa.Array, quote: pa.Array) -> pa.Array:
    doubled = pc.replace_substring(safe, '"', '""')
    return pc.if_else(quote, pc.binary_join_element_wise(_lit('"'), doubled, _lit('"'), _lit("")),
                      safe)


def _all_plain(text: pa.Array, plain: re.Pattern) -> bool:
    """Every value is one of our numbers (``plain``) or empty: such a column is written as
    it is (nothing to neutralise or quote), checked in one pass."""
    return bool(pc.all(_fullmatch(text, f"{plain.pattern}|")).as_py() is not False)


def _excel_fields(text: pa.Array, code: bool) -> tuple[pa.Array, pa.Array]:
    """``csv_field`` of every value (vectorised), and which were neutralised."""
    if len(text) > 1000 and _all_plain(text, PLAIN_NUMBER):
        return text, None  # our numbers: written as they are
    safe, starts = _neutralised(text, code)
    quote = pc.or_(starts, pc.match_substring_regex(safe, _NEEDS_QUOTES.pattern))
    if code:
        quote = pc.and_(quote, pc.invert(_fullmatch(text, ZERO_CODE_TEXT.pattern)))
    return _quoted(safe, quote), starts


def _tidy_fields(text: pa.Array, single: bool = False) -> tuple[pa.Array, pa.Array]:
    """A tidy CSV field of every value: neutralised (numbers with a decimal point are
    numbers) and quoted when it holds ``,``, ``"``, CR or LF (RFC 4180); ``single``: the
    only column, where an empty field is written ``""`` (or the row would be blank)."""
    if len(text) > 1000 and not single and _all_plain(text, TIDY_NUMBER):
        return text, None
    safe, starts = _neutralised(text, False, TIDY_NUMBER)
    quote = pc.match_substring_regex(safe, _TIDY_QUOTES.pattern)
    if single:
        quote = pc.or_(quote, pc.equal(safe, ""))
    return _quoted(safe, quote), starts


def _per_value(column: pa.Array, fields) -> tuple[pa.Array, int, bool]:
    """``fields`` (a function of a text array -> (fields, neutralised or None when every
    value is already a field)) applied to a column: to each distinct text once for a
    dictionary column. Returns the fields (a dictionary array for a dictionary column),
    how many cells were neutralised, and whether the values were written as they are."""
    if isinstance(column, pa.DictionaryArray):
        out, changed = fields(column.dictionary)
        if changed is None:
            return column, 0, True
        indices = column.indices.to_numpy(zero_copy_only=False)
        counts = np.bincount(indices, minlength=len(column.dictionary))
        changed = np.asarray(changed.to_numpy(zero_copy_only=False), dtype=bool)
        return (pa.DictionaryArray.from_arrays(column.indices, out),
                int(counts[changed].sum()), False)
    out, changed = fields(column)
    if changed is None:
        return out, 0, True
    return out, int(pc.sum(changed).as_py() or 0), False


CHUNK_ROWS = 1 << 18  # rows per block of a CSV body (bounded memory at any size)


def _body(columns: list[pa.Array], sep: str, end: str,
          transforms: list | None = None) -> Iterator[memoryview]:
    """The lines of the fields, a block of rows at a time: fields joined by ``sep``, each
    line ending with ``end``. ``transforms``: per column None or a function applied to
    each block of it (so a rewritten copy of a long column is never held whole)."""
    n = len(columns[0]) if columns else 0
    transforms = transforms or [None] * len(columns)
    for start in range(0, n, CHUNK_ROWS):
        part = [c.slice(start, CHUNK_ROWS) for c in columns]
        part = [c.dictionary.take(c.indices) if isinstance(c, pa.DictionaryArray) else c
                for c in part]
        part = [c if f is None else f(c) for c, f in zip(part, transforms, strict=True)]
        lines = (pc.binary_join_element_wise(*part, _lit(sep)) if len(part) > 1 else part[0])
        lines = pc.binary_join_element_wise(lines, _lit(""), _lit(end))
        del part
        # The lines lie one after another in the array's data buffer: that is the block.
        offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[
            lines.offset:lines.offset + len(lines) + 1]
        yield memoryview(lines.buffers()[2])[offsets[0]:offsets[-1]]  # no copy


class _Prepared:
    """One export's cells as arrow text, analysed once for both flavours: the Excel
    fields (``csv_field`` of every cell), how many were neutralised (for the data
    dictionary) and the tidy fields. A column of our numbers is recognised in one pass
    and then written as it is in both files (a decimal point in the tidy one)."""

    def __init__(self, frame: pd.DataFrame, code_columns: Iterable[str] | None = None):
        self.codes = _code_columns(frame, code_columns)
        self.names = [str(c) for c in frame.columns]
        self.n_rows = len(frame)
        self.neutralised = sum(neutralise(c) != c for c in self.names)
        self.texts, self.fields, self.plain = [], [], []
        for col, name in zip(frame.columns, self.names, strict=True):
            text = _column(frame[col])
            fields, count, plain = _per_value(text, lambda t, code=name in self.codes:
                                              _excel_fields(t, code))
            self.texts.append(text)
            self.fields.append(fields)
            self.plain.append(plain)
            self.neutralised += count

    def excel_chunks(self) -> Iterator[bytes]:
        header = ";".join(csv_field(c) for c in self.names)
        yield "\ufeff".encode() + (header + "\r\n").encode("utf-8")
        if self.n_rows:
            yield from _body(self.fields, ";", "\r\n")

    def tidy_chunks(self) -> Iterator[bytes]:
        """The tidy copy of the same cells (``machine_readable`` then ``tidy_csv``)."""
        single = len(self.names) == 1
        header = _tidy_fields(_texts(self.names), single)[0]
        yield (",".join(header.to_pylist()) + "\n").encode("utf-8")
        if not self.n_rows:
            return
        columns, transforms = [], []
        for name, text, plain in zip(self.names, self.texts, self.plain, strict=True):
            if plain and not single and name not in self.codes \
                    and not isinstance(text, pa.DictionaryArray):
                # our numbers, or empty: fields as they are, with a decimal point (made a
                # block at a time)
                columns.append(text)
                transforms.append(_to_point if _has_comma(text) else None)
                continue
            tidy = _tidy_text(text, name in self.codes, plain)
            columns.append(tidy if plain and not single else
                           _per_value(tidy, lambda t: _tidy_fields(t, single))[0])
            transforms.append(None)
        yield from _body(columns, ",", "\n", transforms)


def excel_csv_chunks(frame: pd.DataFrame, code_columns: Iterable[str] | None = None
                     ) -> Iterator[bytes]:
    """``excel_csv`` as blocks of bytes (the header first), made a block of rows at a
    time: a national table is never held as one text."""
    return _Prepared(frame, code_columns).excel_chunks()


def excel_csv(frame: pd.DataFrame, code_columns: Iterable[str] | None = None) -> bytes:
    """A frame of strings as Swedish-Excel CSV bytes (``;``, UTF-8 with BOM, CRLF).

    The one writer of every CSV the build exports. Every cell, headers included, goes
    through ``csv_field``: user text can neither become a formula nor break the row.
    ``code_columns`` names the columns that hold codes (default: those of ``CODE_COLUMNS``
    in the frame); only there does ``="01"`` from ``excel_text`` stay Excel's text form;
    anywhere else ``="…"`` is user text and is neutralised. Missing values are written
    empty. The cells are turned into fields by pyarrow (each distinct value of a
    categorical once) and the lines joined column-wise, a block of rows at a time
    (``excel_csv_chunks``), so a table of millions of rows is written in seconds.
    """
    return b"".join(excel_csv_chunks(frame, code_columns))


def neutralised_cells(frame: pd.DataFrame, code_columns: Iterable[str] | None = None) -> int:
    """How many cells (headers included) ``excel_csv`` writes with the ``'`` prefix."""
    return _Prepared(frame, code_columns).neutralised


# --- the machine-readable flavour ---------------------------------------------------------

MACHINE_DIR = "maskinlasbar"
MACHINE_README = "LASMIG.txt"
_DECIMAL_COMMA = re.compile(r"-?\d+(,\d+)?")
_TIDY_QUOTES = re.compile(r'[,"\r\n]')


def _decimal_comma_column(text: pa.Array) -> bool:
    """Every filled cell is one of our numbers with a decimal comma, and some have one."""
    filled = pc.filter(text, pc.not_equal(text, ""))
    return bool(len(filled)) and bool(pc.any(pc.match_substring(filled, ",")).as_py()) and \
        bool(pc.all(_fullmatch(filled, _DECIMAL_COMMA.pattern)).as_py())


def _used(column: pa.Array) -> pa.Array:
    """The distinct texts a column holds (a dictionary column's used entries)."""
    if isinstance(column, pa.DictionaryArray):
        used = np.bincount(column.indices.to_numpy(zero_copy_only=False),
                           minlength=len(column.dictionary)) > 0
        return pc.filter(column.dictionary, pa.array(used))
    return column


def _as_series(column: pa.Array, index: pd.Index) -> pd.Series:
    """An arrow text column back as a frame column (a categorical for a dictionary column
    whose entries stay distinct)."""
    if isinstance(column, pa.DictionaryArray):
        dictionary = pd.Index(column.dictionary.to_pylist(), dtype="string")
        if dictionary.is_unique:
            return pd.Series(pd.Categorical.from_codes(
                column.indices.to_numpy(zero_copy_only=False), categories=dictionary),
                index=index)
        column = column.dictionary.take(column.indices)
    return pd.Series(pd.array(column, dtype="string"), index=index)


def _map_text(column: pa.Array, function) -> pa.Array:
    if isinstance(column, pa.DictionaryArray):
        return pa.DictionaryArray.from_arrays(column.indices, function(column.dictionary))
    return function(column)


def _plain_code(text: pa.Array) -> pa.Array:
    return pc.if_else(_fullmatch(text, ZERO_CODE_TEXT.pattern),
                      pc.utf8_slice_codeunits(text, 2, -1), text)


def _has_comma(text: pa.Array) -> bool:
    return bool(pc.any(pc.match_substring(text, ",")).as_py())


def _to_point(text: pa.Array) -> pa.Array:
    return pc.replace_substring(text, ",", ".")


def _tidy_text(column: pa.Array, code: bool, plain: bool = False) -> pa.Array:
    """A column's cells as the tidy copy holds them (``machine_readable``); ``plain``: the
    Excel pass found every value to be one of our numbers or empty."""
    if code:
        return _map_text(column, _plain_code)
    if plain:
        values = column.dictionary if isinstance(column, pa.DictionaryArray) else column
        return _map_text(column, _to_point) if _has_comma(values) else column
    if _decimal_comma_column(_used(column)):
        return _map_text(column, _to_point)
    return column


def machine_readable(frame: pd.DataFrame, code_columns: Iterable[str] | None = None
                     ) -> pd.DataFrame:
    r"""The cells of an Excel-ready frame as a program reads them (a new frame).

    In a code column (``code_columns``, default as in ``excel_csv``) Excel's text form
    ``="01"`` becomes ``01``. A column whose every filled cell is one of our numbers with a
    decimal comma (``-?\d+(,\d+)?``, as ``analysis.formatting.csv_decimal`` writes them)
    gets a decimal point instead. Everything else (text, ja/nej, ISO dates, years) is
    unchanged, so the same data dictionary describes both files. Categoricals stay
    categoricals (each distinct value is rewritten once).
    """
    codes = _code_columns(frame, code_columns)
    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        column = _column(frame[col])
        tidy = _tidy_text(column, str(col) in codes)
        out[col] = frame[col] if tidy is column else _as_series(tidy, frame.index)
    return out


TIDY_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def tidy_csv_chunks(frame: pd.DataFrame) -> Iterator[bytes]:
    """``tidy_csv`` as blocks of bytes (the header first)."""
    single = len(frame.columns) == 1
    header = _tidy_fields(_texts(map(str, frame.columns)), single)[0]
    yield (",".join(header.to_pylist()) + "\n").encode("utf-8")
    if len(frame):
        columns = [_per_value(_column(frame[c]), lambda t: _tidy_fields(t, single))[0]
                   for c in frame.columns]
        yield from _body(columns, ",", "\n")


def tidy_csv(frame: pd.DataFrame) -> bytes:
    """A frame as machine-readable CSV bytes: UTF-8 without BOM, ``,``, LF, a field quoted
    only when it holds ``,``, ``"`` or a line break (RFC 4180), missing values empty.

    Text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR at the
    start, not a number) gets the same leading ``'`` as in the Excel CSV, in case the file is
    opened in a spreadsheet; numbers (``-0.26``) and codes are written as they are."""
    return b"".join(tidy_csv_chunks(frame))


def csv_pair_chunks(name: str, excel_frame: pd.DataFrame,
                    tidy_frame: pd.DataFrame | None = None,
                    code_columns: Iterable[str] | None = None
                    ) -> Iterator[tuple[str, Iterable[bytes]]]:
    """``csv_pair`` as ``(path, blocks of bytes)``: each file is made while it is written."""
    if tidy_frame is not None and list(map(str, tidy_frame.columns)) != list(
            map(str, excel_frame.columns)):
        raise ValueError(f"{name}: den maskinläsbara filen ska ha samma kolumner som Excel-filen")
    prepared = excel_frame if isinstance(excel_frame, _Prepared) else _Prepared(excel_frame,
                                                                                 code_columns)
    yield f"{EXPORT_DIR}/{name}.csv", prepared.excel_chunks()
    yield f"{EXPORT_DIR}/{MACHINE_DIR}/{name}.csv", (
        prepared.tidy_chunks() if tidy_frame is None else tidy_csv_chunks(tidy_frame))


def csv_pair(name: str, excel_frame: pd.DataFrame, tidy_frame: pd.DataFrame | None = None,
             code_columns: Iterable[str] | None = None) -> dict[str, bytes]:
    """Both flavours of one export: ``{"csv/<name>.csv": Excel CSV,
    "csv/maskinlasbar/<name>.csv": tidy CSV}``.

    ``tidy_frame`` defaults to ``machine_readable(excel_frame, code_columns)`` (the same
    cells with decimal points and plain codes). Every export goes through this function
    (or ``csv_pair_chunks``, the same files made block by block); its data dictionary
    (``csv/<name>_dataordlista.txt``) describes both files.
    """
    return {key: b"".join(chunks) for key, chunks in
            csv_pair_chunks(name, excel_frame, tidy_frame, code_columns)}


MACHINE_README_TEXT = """Maskinläsbara CSV-filer (för Power BI, R och Python)
=====================================================

Samma filer som i reports/csv/, med samma rader, kolumner och rubriker; dataordlistan
bredvid Excel-filen (../<namn>_dataordlista.txt) beskriver båda. Skillnaden är formatet:

- UTF-8 utan BOM, komma mellan kolumner, radslut LF;
- decimalpunkt (12.5, inte 12,5), inga tusentalsavgränsare;
- koder som vanlig text (01, inte ="01"): läs kodkolumner som text, t.ex.
  R: read.csv("skattningar.csv", colClasses = c("Område" = "character"), check.names = FALSE)
  Python: pandas.read_csv("skattningar.csv", dtype={"Område": str});
- datum skrivs ÅÅÅÅ-MM-DD, tomma celler är saknade värden, ja/nej som i Excel-filen.

Värdena står som i underlaget, med ett undantag: en text som ett kalkylprogram skulle köra
som formel (den börjar med =, +, -, @ eller tabb och är inget tal) får en inledande apostrof,
som i Excel-filen, ifall filen ändå öppnas i Excel. Tal som -0.26 skrivs som de är. Öppna
filerna i ett program för data; för Excel finns Excel-filen i reports/csv/.
"""


def _item_labels(codebook: Codebook, indicators: pd.Series, items: pd.Series) -> pd.Series:
    """The Swedish label of each row's item: a question, or (for problemindex) a group of
    questions. Item and group codes can coincide ("missbruk"), so the indicator decides.
    A categorical (each distinct pair is labelled once)."""
    ind_codes, ind_values = distinct(indicators)
    item_codes, item_values = distinct(items)
    pair = ind_codes.astype(np.int64) * max(len(item_values), 1) + item_codes
    codes, uniques = pd.factorize(pair, sort=False)
    labels = [codebook.label(item_values[u % max(len(item_values), 1)],
                             ind_values[u // max(len(item_values), 1)]) for u in uniques]
    return pd.Series(take_category(labels, codes), index=items.index)


def _unit(is_prop: pd.Series, units: tuple[str, str]) -> pd.Series:
    """The unit of each row: ``units[0]`` for proportions, ``units[1]`` otherwise."""
    return pd.Series(take_category(units, np.where(is_prop.to_numpy(dtype=bool), 0, 1)),
                     index=is_prop.index)


def _number_columns(table: pd.DataFrame, columns: list[str]) -> dict[str, pd.Series]:
    """Proportions in percent with 1 decimal, means with 2 decimals."""
    is_prop = table["indicator"].isin(PROPORTION_INDICATORS).to_numpy(dtype=bool)
    factor, decimals = np.where(is_prop, 100.0, 1.0), np.where(is_prop, 1, 2)
    return {col: csv_decimal(table[col].astype("float64") * factor, decimals) for col in columns}


def estimates_for_sharing(estimates: pd.DataFrame, codebook: Codebook | None = None
                          ) -> pd.DataFrame:
    """The estimate table with Swedish headers, rounded and as text, for Örat mot marken.

    Columns with few distinct values are categoricals (written once per value)."""
    codebook = codebook or load_codebook()
    labels = _item_labels(codebook, estimates["indicator"], estimates["item"])
    nums = _number_columns(estimates, ["estimate", "ci_low", "ci_high"])
    is_prop = estimates["indicator"].isin(PROPORTION_INDICATORS)
    cv = (estimates["cv"].where(~estimates["suppressed"].astype(bool)) if "cv" in estimates
          else pd.Series(np.nan, index=estimates.index))
    out = pd.DataFrame({
        COLUMNS["year"]: as_category(estimates["year"]),
        COLUMNS["area"]: excel_text(as_category(estimates["area"])),
        COLUMNS["area_name"]: as_category(estimates["area_name"]),
        COLUMNS["indicator"]: as_category(estimates["indicator"], INDICATORS.get),
        COLUMNS["item"]: as_category(estimates["item"]),
        COLUMNS["item_label"]: labels,
        "Enhet": _unit(is_prop, ("procent", "poäng")),
        COLUMNS["estimate"]: nums["estimate"],
        COLUMNS["ci_low"]: nums["ci_low"],
        COLUMNS["ci_high"]: nums["ci_high"],
        COLUMNS["n"]: csv_int(estimates["n"]),
        COLUMNS["cv"]: csv_decimal(cv, 2),
        COLUMNS["suppressed"]: csv_yes_no(estimates["suppressed"]),
        COLUMNS["uncertain"]: csv_yes_no(estimates["uncertain"]),
        COLUMNS["flag_reason"]: as_category(estimates["flag_reason"]),
        COLUMNS["scoring"]: as_category(estimates["scoring"]),
    })
    return out.reset_index(drop=True)


def changes_for_sharing(changes: pd.DataFrame, codebook: Codebook | None = None) -> pd.DataFrame:
    """Year-over-year changes with Swedish headers (percentage points / points)."""
    codebook = codebook or load_codebook()
    labels = _item_labels(codebook, changes["indicator"], changes["item"])
    nums = _number_columns(changes, ["estimate_from", "estimate_to", "delta"])
    is_prop = changes["indicator"].isin(PROPORTION_INDICATORS)
    out = pd.DataFrame({
        COLUMNS["year_from"]: as_category(changes["year_from"]),
        COLUMNS["year_to"]: as_category(changes["year_to"]),
        COLUMNS["area"]: excel_text(as_category(changes["area"])),
        COLUMNS["area_name"]: as_category(changes["area_name"]),
        COLUMNS["indicator"]: as_category(changes["indicator"], INDICATORS.get),
        COLUMNS["item"]: as_category(changes["item"]),
        COLUMNS["item_label"]: labels,
        "Enhet": _unit(is_prop, ("procentenheter", "poäng")),
        "Skattning första året": nums["estimate_from"],
        "Skattning andra året": nums["estimate_to"],
        COLUMNS["delta"]: nums["delta"],
        COLUMNS["p_bh"]: csv_decimal(changes["p_bh"], 4),
        "Prövad": csv_yes_no(changes["tested"]) if "tested" in changes
        else csv_yes_no(changes["p_bh"].notna()),
        COLUMNS["significant"]: csv_yes_no(changes["significant"]),
        COLUMNS["comparable"]: csv_yes_no(changes["comparable"]),
        COLUMNS["suppressed"]: csv_yes_no(changes["suppressed"]),
        COLUMNS["flag_reason"]: as_category(changes["flag_reason"]),
    })
    return out.reset_index(drop=True)


FORMAT_LINE = ("Format: semikolon mellan kolumner, decimalkomma, UTF-8 med BOM. Områdeskoder är "
               'text; koder med inledande nolla skrivs ="01" så att Excel behåller nollan.')
MANIFEST_LINE = "Indata och kontrollsummor: data/processed/manifest.json."


def data_dictionary(title: str, frame: pd.DataFrame, descriptions: dict[str, str], *,
                    years: list[int], settings: Settings, source: str,
                    neutralised: int = 0) -> bytes:
    """A short Swedish data dictionary to lay beside an exported CSV.

    Says in plain Swedish how the numbers were made, when a number is not shown and when
    it is marked uncertain, with the thresholds in force (``settings`` and
    ``analysis.disclosure``), never why a particular cell is hidden. ``neutralised`` (from
    ``neutralised_cells``): when any cell got the ``'`` prefix, a line says which values
    and why.
    """
    # local imports: the rest of this module is being rewritten elsewhere

    s = settings
    level = sv_percent(s.level, trim=True)
    pp = sv_number(100 * s.max_halfwidth_share, 1, trim=True)
    lines = [
        title, "=" * len(title), "",
        f"Källa: {source}.",
        f"Undersökningsår: {', '.join(str(y) for y in years)}.",
        "Metod: designbaserade skattningar (stratifierat urval, vikter för bortfall) med "
        f"{level} konfidensintervall. För andelar används Korn–Graubards intervall, som "
        "också ger en andel på 0 % eller 100 % ett intervall med rätt bredd. Se "
        "docs/metod.md.",
        f"Poängsättning av problemfrågor: {s.scoring} (Inget problem alls = 0, mycket/ganska "
        "litet = 1, ganska stort = 2, mycket stort = 3). Problemindex är vårt eget, inte "
        "polisens 0–6-index; en person räknas i index när hen svarat på minst hälften av "
        "frågorna i det.",
        "Andel Vet ej redovisas bara för frågor som hade svarsalternativet Vet ej det året.",
        "Förändringar: z-test, med p-värden justerade för många jämförelser "
        "(Benjamini–Hochberg) inom varje mått och år – till exempel alla områdens andel stort "
        "problem till samma år. Andelen Vet ej justeras för sig. För en problemfråga prövas "
        "andelen stort problem, inte också medelpoängen. Problemindex jämförs bara när samma "
        "frågor ingår båda åren.",
        "Röjandekontroll: en siffra visas inte när den bygger på färre än "
        f"{s.min_n} svar, när så få personer står bakom en andel att de skulle kunna pekas ut "
        f"(1–{s.min_count - 1} personer i täljaren eller i resten), när färre än "
        f"{s.min_cell} har svarat på frågan i något av dess mått, eller när alla har svarat "
        "likadant. För att en dold siffra "
        "inte ska kunna räknas fram ur andra – till exempel som hela kommunen minus övriga "
        "områden, kvinnor och män, åldersgrupperna, eller ett mått minus ett annat för samma "
        "fråga – döljs samtidigt andra celler i samma tabell: ett annat område, en annan grupp "
        "eller ibland hela kommunen. Alla dolda celler ser likadana ut: värde, intervall och "
        f"antal svar saknas (eller visas som {NARRATIVE['suppressed_symbol']}) och anmärkningen "
        f"är \u201d{FLAGS['suppressed']}\u201d. Varför en viss cell är dold redovisas inte.",
        "Osäker: siffran visas men ska läsas med försiktighet. Det gäller när den bygger på "
        f"{s.min_n}–{s.uncertain_n - 1} svar; när konfidensintervallet sträcker sig mer än "
        f"{pp} procentenheter (andelar) eller "
        f"{sv_number(s.max_halfwidth_mean, 2).rstrip('0').rstrip(',')} poäng (medelvärden) "
        "åt något håll "
        "från värdet; när osäkerheten är stor i förhållande till värdet – medelfelet är mer "
        f"än {sv_percent(MAX_CV, trim=True)} av värdet, eller (för andelar) intervallet är "
        f"mer än {sv_number(MAX_RELATIVE_WIDTH, 1, trim=True)} gånger så brett som andelen "
        "eller som resten upp till 100 % (andelar med ett intervall smalare än "
        f"{sv_number(100 * RELATIVE_MIN_WIDTH, 1, trim=True)} procentenheter räknas inte som "
        "osäkra av det skälet); och när svaren, med hänsyn till vikterna, väger som färre än "
        f"{s.min_n} svar. Kolumnen Anmärkning säger vilket av skälen som gäller.",
        FORMAT_LINE,
        MANIFEST_LINE,
    ]
    return _dictionary_bytes(lines, frame, descriptions, neutralised)


def _dictionary_bytes(lines: list[str], frame: pd.DataFrame, descriptions: dict[str, str],
                      neutralised: int) -> bytes:
    """The common tail of every data dictionary: the formula note and the columns."""
    lines = list(lines)
    if neutralised:
        lines.append(
            f"Skydd mot formler: {neutralised} textvärden börjar med =, +, -, @, tabb eller "
            "vagnretur och har fått en inledande apostrof (') så att Excel visar dem som text "
            "i stället för att räkna ut dem. Ta bort apostrofen för att få det levererade värdet.")
    lines += ["", "Kolumner:"]
    for col in frame.columns:
        lines.append(f"- {col}: {descriptions.get(col, '')}".rstrip(": "))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


ESTIMATE_DESCRIPTIONS = {
    COLUMNS["year"]: "undersökningsår",
    COLUMNS["area"]: "områdets kod (text); 'kommunen' = hela kommunen",
    COLUMNS["area_name"]: "områdets namn det året",
    COLUMNS["indicator"]: "vilket mått (se docs/metod.md)",
    COLUMNS["item"]: "frågans kod i kodboken, eller en grupp av frågor för problemindex",
    COLUMNS["item_label"]: "frågans text i korthet",
    "Enhet": "procent för andelar, poäng (0–3) för medelpoäng och problemindex",
    COLUMNS["estimate"]: "skattat värde; saknas när värdet inte visas (röjandekontroll)",
    COLUMNS["ci_low"]: "nedre gräns för 95 % konfidensintervall (andelar: Korn–Graubard)",
    COLUMNS["ci_high"]: "övre gräns för 95 % konfidensintervall (andelar: Korn–Graubard)",
    COLUMNS["n"]: "antal svarande som besvarat frågan (ovägt); saknas när värdet inte visas",
    COLUMNS["cv"]: "medelfelet delat med skattningen; över 0,3 räknas skattningen som osäker",
    COLUMNS["n_eff"]: "hur många svar skattningen väger som, med hänsyn till vikterna (högst "
                      "antal svar)",
    COLUMNS["suppressed"]: "ja = värdet visas inte (röjandekontroll)",
    COLUMNS["uncertain"]: "ja = värdet är osäkert: få svar, brett intervall eller stor "
                          "osäkerhet i förhållande till värdet",
    COLUMNS["flag_reason"]: "\u201dVisas inte (röjandekontroll)\u201d för dolda värden; för "
                            "osäkra värden varför de är osäkra",
    COLUMNS["scoring"]: "poängsättning av problemfrågorna",
    "Redovisas efter": "Kön eller Åldersgrupp för skattningar per grupp i hela kommunen; tomt "
                       "för områden och hela kommunen",
    "Grupp": "gruppen (t.ex. Kvinna eller 16–24) för skattningar per kön eller åldersgrupp",
}
CHANGE_DESCRIPTIONS = ESTIMATE_DESCRIPTIONS | {
    COLUMNS["year_from"]: "första året i jämförelsen",
    COLUMNS["year_to"]: "andra året i jämförelsen",
    "Enhet": "procentenheter för andelar, poäng för medelpoäng och problemindex",
    "Skattning första året": "skattat värde första året",
    "Skattning andra året": "skattat värde andra året",
    COLUMNS["delta"]: "andra året minus första året",
    COLUMNS["p_bh"]: "p-värde justerat för många jämförelser (Benjamini–Hochberg inom samma "
                     "mått och år); saknas när förändringen inte prövas",
    COLUMNS["significant"]: "ja = justerat p-värde under 0,05",
    COLUMNS["comparable"]: "nej = områdets gränser ändrades mellan åren, eller problemindex "
                           "bygger på olika frågor de två åren; ingen förändring räknas",
    "Prövad": "ja = förändringen är prövad; medelpoängen för en problemfråga prövas inte "
              "(andelen stort problem för samma fråga prövas)",
    COLUMNS["suppressed"]: "ja = något av åren visas inte (röjandekontroll), så förändringen "
                           "visas inte heller",
    COLUMNS["flag_reason"]: "varför förändringen inte räknas eller inte prövas",
}


def breakdowns_for_sharing(breakdowns: pd.DataFrame, codebook: Codebook | None = None
                           ) -> pd.DataFrame:
    """The kommun's estimates by sex and by age group (``estimates_by_group.parquet``),
    disclosure-controlled as linked cells with their margin, as ``estimates_for_sharing``."""
    frame = estimates_for_sharing(breakdowns, codebook)
    by = breakdowns["breakdown"].astype("string").map(
        lambda b: NARRATIVE.get(f"breakdown_{b}", str(b)))
    frame.insert(1, "Redovisas efter", by.fillna("").to_numpy())
    frame.insert(2, "Grupp", breakdowns["group"].astype("string").fillna("").to_numpy())
    return frame.drop(columns=[COLUMNS["area"], COLUMNS["area_name"]])


def export_files(estimates: pd.DataFrame, changes: pd.DataFrame, *, settings: Settings,
                 demo: bool, evaluation: pd.DataFrame | None = None,
                 breakdowns: pd.DataFrame | None = None) -> dict[str, bytes]:
    """The CSV files and their data dictionaries, ``{"csv/<name>.csv": bytes, ...}``
    (``iter_export_files``, each file's blocks joined).

    ``evaluation`` (``promise_evaluation.parquet``), when given and not empty, adds
    ``csv/medborgarloften.csv`` and its data dictionary (``promise_files``).
    """
    return {key: data if isinstance(data, bytes) else b"".join(data)
            for key, data in iter_export_files(estimates, changes, settings=settings, demo=demo,
                                               evaluation=evaluation, breakdowns=breakdowns)}


def iter_export_files(estimates: pd.DataFrame, changes: pd.DataFrame, *, settings: Settings,
                      demo: bool, evaluation: pd.DataFrame | None = None,
                      breakdowns: pd.DataFrame | None = None
                      ) -> Iterator[tuple[str, bytes | Iterable[bytes]]]:
    """``export_files`` one file at a time, ``(path, bytes or blocks of bytes)``: a table
    is turned into text only when its turn comes, and its blocks are made while the caller
    writes them (consume each file before asking for the next). At national scale the
    build so never holds more than one table's text, a block of rows at a time."""
    for stream in export_streams(estimates, changes, settings=settings, demo=demo,
                                 evaluation=evaluation, breakdowns=breakdowns):
        yield from stream


def export_streams(estimates: pd.DataFrame, changes: pd.DataFrame, *, settings: Settings,
                   demo: bool, evaluation: pd.DataFrame | None = None,
                   breakdowns: pd.DataFrame | None = None
                   ) -> list[Iterator[tuple[str, bytes | Iterable[bytes]]]]:
    """``iter_export_files`` as independent streams, one per exported table (and one for
    the rest): the build writes them on its writer threads side by side."""
    years = sorted(int(y) for y in estimates["year"].unique())
    source = ("syntetiska demodata (inte verkliga svar)" if demo
              else "polisens trygghetsmätning, kommunens leverans")
    exports = [
        ("skattningar", lambda: estimates_for_sharing(estimates),
         "Skattningar per område och år", ESTIMATE_DESCRIPTIONS),
        ("forandringar", lambda: changes_for_sharing(changes),
         "Förändringar mellan undersökningsår", CHANGE_DESCRIPTIONS),
    ]
    if breakdowns is not None and len(breakdowns):
        exports.append(("skattningar_kon_alder", lambda: breakdowns_for_sharing(breakdowns),
                        "Skattningar för hela kommunen efter kön och åldersgrupp",
                        ESTIMATE_DESCRIPTIONS | {"Redovisas efter": "kön eller åldersgrupp",
                                                 "Grupp": "gruppen (t.ex. Kvinna, 16-24)"}))

    def table_files(name, make, title, desc):
        frame = make()
        prepared = _Prepared(frame, [c for c in CODE_COLUMNS if c in frame.columns])
        dictionary = data_dictionary(title, frame, desc, years=years, settings=settings,
                                     source=source, neutralised=prepared.neutralised)
        del frame  # the prepared cells are all the files need
        yield from csv_pair_chunks(name, prepared)
        yield f"{EXPORT_DIR}/{name}_dataordlista.txt", dictionary

    def the_rest():
        if evaluation is not None and len(evaluation):
            yield from promise_files(evaluation, settings=settings, demo=demo).items()
        yield f"{EXPORT_DIR}/{MACHINE_DIR}/{MACHINE_README}", MACHINE_README_TEXT.encode("utf-8")

    return [table_files(*export) for export in exports] + [the_rest()]


# --- medborgarlöften ---------------------------------------------------------------------------

PROMISE_EXPORT = "medborgarloften"
_P = PROMISES["columns"]
_UNITS = {"andel": "procent", "poäng": "poäng", "index": "index 0–6", "antal": "antal",
          "per 100 000": "anmälda brott per 100 000 invånare", "": ""}


def _promise_numbers(values: pd.Series, units: pd.Series, *, change: bool = False) -> pd.Series:
    """Shares in percent (changes in percentage points) with one decimal, scores and the
    police's index with two, counts without decimals; blank when missing."""
    share = units == "andel"
    one = csv_decimal(values * 100.0, 1)
    two = csv_decimal(values, 2)
    whole = csv_decimal(values, 0) if not change else two
    return one.where(share, two.where(units.isin(["poäng", "index"]), whole))


def promises_for_sharing(evaluation: pd.DataFrame) -> pd.DataFrame:
    """The promise evaluation for Örat mot marken: one row per indicator, the promise's two
    verdicts beside it, Swedish headers, numbers rounded and as text."""
    e = evaluation.sort_values(["year", "promise_no", "indicator_no"], kind="stable")
    units = e["unit"].fillna("").astype(str)
    method = e["method"].fillna("").map(lambda m: PROMISES["methods"].get(m, ""))
    out = pd.DataFrame({
        _P["year"]: e["year"].astype(int).astype(str),
        _P["entry"]: e["is_goal"].map(lambda g: PROMISES["entries"]["goal" if g else "promise"]),
        _P["promise"]: e["title"].astype(str),
        _P["implementation"]: e["implementation_status"].astype(str),
        _P["effect"]: e["effect_status"].astype(str),
        _P["part"]: e["part"].map(PROMISES["parts"]),
        _P["indicator"]: e["label"].astype(str),
        _P["role"]: e["role"].fillna("").astype(str),
        _P["method"]: method,
        _P["status"]: e["status"].astype(str),
        _P["target"]: e["target"].fillna("").astype(str),
        _P["unit"]: units.map(_UNITS),
        _P["year_from"]: csv_int(e["year_from"]),
        _P["year_to"]: csv_int(e["year_to"]),
        _P["estimate_from"]: _promise_numbers(e["estimate_from"], units),
        _P["value"]: _promise_numbers(e["value"], units),
        _P["ci_low_to"]: _promise_numbers(e["ci_low_to"], units),
        _P["ci_high_to"]: _promise_numbers(e["ci_high_to"], units),
        _P["delta"]: _promise_numbers(e["delta"], units, change=True),
        _P["ci_low_delta"]: _promise_numbers(e["ci_low_delta"], units, change=True),
        _P["ci_high_delta"]: _promise_numbers(e["ci_high_delta"], units, change=True),
        _P["mdc"]: _promise_numbers(e["mdc"], units, change=True),
        _P["min_change"]: _promise_numbers(e["min_change"], units, change=True),
        _P["p_holm"]: csv_decimal(e["p_holm"], 4),
        _P["sentence"]: [indicator_sentence(r) for r in e.itertuples(index=False)],
        _P["explanation"]: e["explanation"].astype(str),
    })
    return out.reset_index(drop=True)


PROMISE_DESCRIPTIONS = {
    _P["year"]: "året löftet gäller (registrets år)",
    _P["entry"]: "Löfte, eller Övergripande mål som löftena ska bidra till",
    _P["promise"]: "löftets rubrik (hela texten står i registret)",
    _P["implementation"]: "löftets bedömning för genomförande: gjordes det som lovades? "
                          "(uppfyllt, delvis uppfyllt, ej uppfyllt, kan inte bedömas, mäts inte)",
    _P["effect"]: "löftets bedömning för effekt: förändrades problemet? (samma ord)",
    _P["part"]: "vilken del indikatorn hör till: Genomförande eller Effekt",
    _P["indicator"]: "vad som mäts",
    _P["role"]: "för enkätindikatorer när ett löfte har flera: primär (avgör), sekundär "
                "(avgör inte) eller Holm-justerad",
    _P["method"]: "för enkätindikatorer: två mätår, trend över flera mätår eller två år "
                  "sammanslagna i varje ände",
    _P["status"]: "indikatorns bedömning",
    _P["target"]: "målet som det står i registret",
    _P["unit"]: "procent för andelar (förändringar i procentenheter), poäng, index 0–6 eller "
                "antal",
    _P["year_from"]: "första året i jämförelsen",
    _P["year_to"]: "sista året i jämförelsen",
    _P["estimate_from"]: "värdet första året (enkät: skattning, trendvärde eller två år "
                         "sammanslagna)",
    _P["value"]: "värdet som bedöms (sista året, eller antalet under löftesåret)",
    _P["ci_low_to"]: "nedre gräns för 95 % konfidensintervall för värdet",
    _P["ci_high_to"]: "övre gräns för 95 % konfidensintervall för värdet",
    _P["delta"]: "förändring från första till sista året",
    _P["ci_low_delta"]: "nedre gräns för 95 % konfidensintervall för förändringen (polisens "
                        "index: uppskattad slumpvariation)",
    _P["ci_high_delta"]: "övre gräns för 95 % konfidensintervall för förändringen",
    _P["mdc"]: "minsta förändring som enkäten kan upptäcka med 80 % styrka (2,80 × "
               "förändringens medelfel)",
    _P["min_change"]: "den minsta förändring som räknas enligt registret",
    _P["p_holm"]: "p-värde justerat med Holm när ett löfte har flera enkätindikatorer utan "
                  "primär indikator",
    _P["sentence"]: "bedömningen i en mening",
    _P["explanation"]: "hela förklaringen med siffror",
}


def promise_dictionary(frame: pd.DataFrame, *, years: list[int], settings: Settings,
                       demo: bool, neutralised: int = 0) -> bytes:
    """The data dictionary of ``medborgarloften.csv``: sources, the rules, the columns."""
    title = "Medborgarlöften: genomförande och effekt"
    source = ("syntetiska demodata (inte verkliga löften, aktiviteter eller svar); 2022 års "
              f"löftestexter från {settings.kommun_namn}s pressmeddelande" if demo else
              "kommunens register över medborgarlöften, aktivitetsloggen, trygghetsmätningen, "
              "trygghetsvandringarna och polisens index")
    lines = [
        title, "=" * len(title), "",
        f"Källa: {source}.",
        f"Löftesår: {', '.join(str(y) for y in years)}.",
        "Två bedömningar per löfte som aldrig slås ihop: genomförande (aktiviteter, milstolpar, "
        "hållna trygghetsvandringar) och effekt (trygghetsmätningen, polisens index, "
        "uppföljningen av trygghetsvandringarna; anmälda brott när de finns i underlaget).",
        f"Effekt i trygghetsmätningen: uppfyllt när hela {int(settings.level * 100)} % "
        "konfidensintervallet för målvärdet ligger på den lovade sidan om målet (utan "
        "sifferfäst mål: när intervallet för förändringen utesluter noll åt det lovade hållet); "
        "ej uppfyllt när det ligger på fel sida eller när intervallet för förändringen "
        "utesluter den minsta förändring som räknas; annars kan inte bedömas. Flera "
        "enkätindikatorer i ett löfte: en primär indikator avgör, annars Holm-justering inom "
        "löftet. Över tre eller fler år används en designbaserad linjär trend; två år kan slås "
        "samman (varje år väger lika).",
        "Polisens index saknar konfidensintervall: slumpvariationen uppskattas från "
        "trygghetsmätningen på samma nivå, och samma tre utfall gäller.",
        "Anmälda brott (Brå): samma tre utfall på kvoten mellan brott per 100 000 invånare "
        "sista och första året (exakt intervall för två år, Poissontrend över tre eller fler); "
        "värden i anmälda brott per 100 000 invånare. Se docs/anmalda_brott.md.",
        "Se docs/medborgarloften.md.",
        "Format: semikolon mellan kolumner, decimalkomma, UTF-8 med BOM.",
        MANIFEST_LINE,
    ]
    return _dictionary_bytes(lines, frame, PROMISE_DESCRIPTIONS, neutralised)


def promise_files(evaluation: pd.DataFrame, *, settings: Settings, demo: bool
                  ) -> dict[str, bytes]:
    """``csv/medborgarloften.csv`` and its data dictionary."""
    frame = promises_for_sharing(evaluation)
    years = sorted(int(y) for y in evaluation["year"].dropna().unique())
    return csv_pair(PROMISE_EXPORT, frame, code_columns=()) | {
            f"{EXPORT_DIR}/{PROMISE_EXPORT}_dataordlista.txt": promise_dictionary(
                frame, years=years, settings=settings, demo=demo,
                neutralised=neutralised_cells(frame, ()))}


# --- anmälda brott ------------------------------------------------------------------------------


def crime_files(rates: pd.DataFrame, comparisons: pd.DataFrame | None, *, settings: Settings,
                demo: bool) -> dict[str, bytes]:
    """``csv/anmalda_brott.csv`` (``analysis.crime.present.crime_for_sharing``) and its data
    dictionary; region codes are text (``="00"`` keeps riket's leading zero in Excel)."""
    frame = crime_for_sharing(rates, comparisons)
    min_count = getattr(settings, "crime_min_count_rate", None)
    lines = crime_dictionary_lines(rates, demo=demo, level=settings.level, min_count=min_count)
    lines += [FORMAT_LINE, MANIFEST_LINE]
    return csv_pair(CSV_NAME, frame, code_columns=CSV_CODE_COLUMNS) | {
            f"{EXPORT_DIR}/{CSV_NAME}_dataordlista.txt": _dictionary_bytes(
                lines, frame, CSV_DESCRIPTIONS, neutralised_cells(frame, CSV_CODE_COLUMNS))}
