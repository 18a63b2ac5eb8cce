"""Reading Brå's reported-crime exports and SCB's population exports.

Both come from statistics databases as Excel or CSV with **title rows** above the table
(``analysis.files.read_table`` skips them and keeps the Excel row numbers), in one of two
layouts:

* **wide** – one column per year (``2015 … 2023, 2024*``) or month (``2024M01``); the first
  columns name the region and the crime category (Brå) or the age (SCB);
* **long** – one row per year (``år``, optionally ``månad``, or ``period``) with the count in
  ``antal`` (Brå) or ``folkmängd`` (SCB).

Brå writes ``..`` for a value that is missing and ``-`` for zero; a year whose header or
status says *preliminär* (``2024*``, ``2024 prel.``, a ``status`` column) is preliminary,
any other final. A region left blank below its first row (PX-Web's layout) is the region
above. Rows whose region is a total (``Totalt``, ``Summa``) sum the rows above and are not
read as a region; one-cell rows below the table are footnotes. Regions are resolved by
``analysis.crime.categories.RegionResolver``, categories by Brå's hierarchy in
``resources/crime_categories.yaml``.

``load_crime`` combines every file: one row per region × category × year (× month), each
vintage kept (a preliminary year later published as final gives two rows, the final one
``is_latest``), every problem with file, Excel row, column and a Swedish hint, rows with
problems set aside, and per file ``read = accepted + rejected``. ``load_population`` does
the same for SCB's folkmängd (by year, optionally by age).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import problems as P
from analysis.crime.categories import (
    RegionResolver,
    Vocabulary,
    category_hint,
    category_key,
    load_categories,
    parse_ages,
)
from analysis.dates import window_hint, years_text
from analysis.files import DeliveryFolder, RawTable, list_delivery, parse_numbers, read_table
from analysis.problems import DataError, Problem, rejected_frame, row_accounting
from analysis.settings import Settings

CRIME_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm"}
PRELIMINARY, FINAL = "preliminär", "slutlig"
MISSING_MARKS = {"..", "…", "...", ":"}
ZERO_MARKS = {"-", "–", "—"}

# canonical column -> headers accepted (compared with ``category_key``)
CRIME_HEADERS = {
    "region": ["region", "område", "omrade", "kommun", "län", "lan", "geografi", "region/kommun",
               "kommun/län", "regionkod", "kommunkod"],
    "category": ["brottskategori", "brottstyp", "brott", "kategori", "brottskategorier",
                 "typ av brott", "brottsbeteckning"],
    "year": ["år", "ar", "årtal", "year", "statistikår"],
    "month": ["månad", "manad", "month"],
    "period": ["period", "tid", "tidsperiod", "månad/år"],
    "count": ["antal", "antal anmälda brott", "anmälda brott", "antal brott", "värde", "varde"],
    "status": ["status", "statistiktyp", "preliminär/slutlig", "typ av statistik", "statistik"],
}
POPULATION_HEADERS = {
    "region": CRIME_HEADERS["region"],
    "age": ["ålder", "alder", "åldersgrupp", "åldersklass", "ålder (år)"],
    "sex": ["kön", "kon"],
    "year": CRIME_HEADERS["year"],
    "population": ["folkmängd", "folkmangd", "befolkning", "antal invånare", "invånare",
                   "antal personer", "antal"],
}
SWEDISH_HEADER = {"region": "region", "category": "brottskategori", "year": "år",
                  "month": "månad", "period": "period", "count": "antal", "status": "status",
                  "age": "ålder", "sex": "kön", "population": "folkmängd"}
MONTHS = {"januari": 1, "februari": 2, "mars": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
          "augusti": 8, "september": 9, "oktober": 10, "november": 11, "december": 12}
MONTHS |= {k[:3]: v for k, v in MONTHS.items()}
_TOTAL_AGES = {"totalt", "totalt alder", "samtliga aldrar", "alla aldrar", "totalt alla aldrar",
               "totalt samtliga aldrar", "total"}
_TOTAL_SEXES = {"totalt", "man och kvinnor", "bada konen", "samtliga", "alla", "total"}
_PRELIM_WORDS = re.compile(r"[\s(\[]*\b(preliminära?|prel|p|slutliga?|definitiva?|s)\b\.?\s*[)\]]?$",
                           re.IGNORECASE)

CRIME_COLUMNS = [
    "region", "region_name", "region_level", "category", "category_name", "parent",
    "victim_age_from", "victim_age_to", "year", "month", "count", "missing", "value_published",
    "status", "preliminary", "n_vintages", "is_latest", "restated", "source_file",
    "source_row", "source_column",
]
POPULATION_COLUMNS = ["region", "region_name", "region_level", "year", "age_from", "age_to",
                      "population", "source_file", "source_row", "source_column"]
KEY = ["region", "category", "year", "month"]


# --- cells ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    year: int
    month: int | None = None
    preliminary: bool | None = None  # None: no marker


def parse_period(text: object) -> Period | None:
    """``"2024"``, ``"2024*"``, ``"2024 prel."``, ``"2024 (slutlig)"``, ``"2024M03"``,
    ``"2024-03"``, ``"mars 2024"`` -> ``Period``; None when the text is not a period."""
    t = str(text).strip()
    prelim = None
    if t.endswith("*"):
        prelim, t = True, t.rstrip("*").strip()
    m = _PRELIM_WORDS.search(t)
    if m and re.search(r"\d", t[:m.start()]):
        prelim = m.group(1).lower().startswith("p")
        t = t[:m.start()].strip()
    m = re.fullmatch(r"(\d{4})(?:\s*(?:[Mm]|-|/|\s)\s*(\d{1,2}))?", t)
    if m:
        month = int(m.group(2)) if m.group(2) else None
    else:
        m = (re.fullmatch(r"(\d{4})\s+([A-Za-zåäöÅÄÖ]+)\.?", t)
             or re.fullmatch(r"([A-Za-zåäöÅÄÖ]+)\.?\s+(\d{4})", t))
        if not m:
            return None
        year_first = m.group(1).isdigit()
        name = (m.group(2) if year_first else m.group(1)).lower()
        if name not in MONTHS:
            return None
        month = MONTHS[name]
        m = re.match(r".*?(\d{4})", t)
    if month is not None and not 1 <= month <= 12:
        return None
    return Period(int(m.group(1)), month, prelim)


def parse_status(text: object) -> bool | None:
    """A status cell: True = preliminary, False = final, None = empty or unknown."""
    key = category_key(text)
    if not key:
        return None
    if key.startswith("prel") or key == "p":
        return True
    if key.startswith(("slutlig", "definitiv")) or key == "s":
        return False
    return None


def parse_month(text: object) -> int | None:
    t = str(text).strip().lower().rstrip(".")
    if t.isdigit() and 1 <= int(t) <= 12:
        return int(t)
    return MONTHS.get(t)


def parse_age(text: object) -> tuple[int | None, int | None] | None:
    """SCB's ages: ``"totalt ålder"`` -> (None, None) (all ages); ``"7 år"`` -> (7, 7);
    ``"15-17 år"`` -> (15, 17); ``"100+ år"`` / ``"65 år och äldre"`` -> (100, None)."""
    key = category_key(text)
    if key in _TOTAL_AGES:
        return None, None
    t = re.sub(r"\s*(år|ar)\b", "", key).strip()
    t = re.sub(r"\s*och (aldre|over)$", "+", t).strip()
    if re.fullmatch(r"\d{1,3}", t):
        return int(t), int(t)
    t = re.sub(r"^(\d{1,3}) (\d{1,3})$", r"\1-\2", t)  # match_key turned "-" into a space
    return parse_ages(t)


def _value_lookup(texts: Iterable[str]) -> dict[str, tuple[float | None, str | None]]:
    """Every distinct cell text -> (count, None), (None, None) for a missing value (``..``,
    empty) or (None, why) for a bad cell; the numbers parsed in one vectorised call."""
    distinct = sorted({str(x).strip() for x in texts})
    out: dict[str, tuple[float | None, str | None]] = {}
    numbers = [x for x in distinct if x not in MISSING_MARKS and x not in ZERO_MARKS and x]
    parsed = parse_numbers(pd.Series(numbers, dtype="string")).to_numpy(dtype="float64") \
        if numbers else np.zeros(0)
    for x in distinct:
        if x in MISSING_MARKS or x == "":
            out[x] = (None, None)
        elif x in ZERO_MARKS:
            out[x] = (0.0, None)
    for x, v in zip(numbers, parsed, strict=True):
        if np.isnan(v):
            out[x] = (None, "är inte ett tal.")
        elif v < 0 or v != round(v):
            out[x] = (None, "är inte ett antal (ett heltal, noll eller större).")
        else:
            out[x] = (float(v), None)
    return out


# --- one table ------------------------------------------------------------------------------


@dataclass
class _Cells:
    """A delivered table, its recognised columns and the problems found so far."""

    table: RawTable
    cols: dict[str, str]
    periods: dict[str, Period]
    found: list[tuple[int, Problem]] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.table.frame)

    def text(self, canon: str) -> list[str]:
        if canon not in self.cols:
            return [""] * self.n
        return self.table.frame[self.cols[canon]].fillna("").astype(str).str.strip().tolist()

    def row(self, i: int) -> int:
        return int(self.table.excel_rows.iloc[i])

    def add(self, i: int, column: str, value: str, reason: str, message: str,
            hint: str = "") -> None:
        self.found.append((i, Problem(self.table.file, self.row(i), column, value, reason,
                                      message, hint)))


def _columns(table: RawTable, headers: dict[str, list[str]], window: tuple[int, int]
             ) -> tuple[dict[str, str], dict[str, Period]]:
    lookup = {category_key(h): canon for canon, hs in headers.items() for h in hs}
    cols: dict[str, str] = {}
    periods: dict[str, Period] = {}
    for header in table.frame.columns:
        period = parse_period(header)
        if period is not None and window[0] <= period.year <= window[1]:
            periods[header] = period
            continue
        canon = lookup.get(category_key(header))
        if canon is not None and canon not in cols:
            cols[canon] = header
    return cols, periods


def table_kind(table: RawTable) -> str | None:
    """``"crime"`` (a category column), ``"population"`` (an age or folkmängd column) or None."""
    keys = {category_key(h) for h in table.frame.columns}
    if keys & {category_key(h) for h in CRIME_HEADERS["category"]}:
        return "crime"
    if keys & {category_key(h) for h in POPULATION_HEADERS["age"]
               + POPULATION_HEADERS["population"][:5]}:
        return "population"
    return None


def _footnotes(table: RawTable, first: str) -> np.ndarray:
    """Rows below the last filled data row that have one filled cell (footnotes)."""
    frame = table.frame.fillna("").astype(str)
    filled = frame.apply(lambda c: c.str.strip() != "").to_numpy()
    if not len(frame):
        return np.zeros(0, dtype=bool)
    one = (filled.sum(axis=1) == 1) & filled[:, list(frame.columns).index(first)] if first in \
        frame.columns else filled.sum(axis=1) == 1
    several = np.flatnonzero(filled.sum(axis=1) >= 2)
    last = several[-1] if len(several) else -1
    out = np.zeros(len(frame), dtype=bool)
    out[last + 1:] = one[last + 1:]
    return out


def _structure_problems(table: RawTable, cols: dict[str, str], periods: dict[str, Period],
                        kind: str) -> list[Problem]:
    """File-level problems: no region, no category/age, neither year columns nor a long
    layout's year and value columns."""
    need = ["region", "category"] if kind == "crime" else ["region"]
    value = "count" if kind == "crime" else "population"
    missing = [SWEDISH_HEADER[c] for c in need if c not in cols]
    if not periods and not ({"year", "period"} & set(cols) and value in cols):
        missing.append(f"årskolumner (t.ex. 2015, 2016 …) eller {SWEDISH_HEADER['year']} och "
                       f"{SWEDISH_HEADER[value]}")
    if not missing:
        return []
    example = ("Region;Brottskategori;2015;2016;…" if kind == "crime" else
               "Region;Ålder;2015;2016;…")
    return [Problem(table.file, table.header_row, None, None, P.MISSING_COLUMN,
                    "tabellen saknar " + ", ".join(missing) + ".",
                    f"Exportera med regionen och {'brottskategorin' if kind == 'crime' else 'åldern'}"
                    f" som rader och åren som kolumner ({example}), eller i lång form med en "
                    "kolumn för år och en för värdet (se docs/anmalda_brott.md).")]


def _regions(cells: _Cells, resolver: RegionResolver, skip: np.ndarray
             ) -> tuple[list, np.ndarray]:
    """(code, name, level) per row (None where unknown), filled down; total rows marked."""
    texts = cells.text("region")
    header = cells.cols["region"]
    out: list = [None] * cells.n
    totals = np.zeros(cells.n, dtype=bool)
    previous: str = ""
    for i, t in enumerate(texts):
        if skip[i]:
            continue
        if t == "":
            t = previous
            if t == "":
                cells.add(i, header, "", P.MISSING_VALUE, "regionen saknas.",
                          'Skriv kommun, län eller "Riket" (SCB:s form "1234 Exempelby" går också).')
                continue
        previous = t
        if resolver.is_total_row(t):
            totals[i] = True
            continue
        got = resolver.resolve(t)
        if got is None:
            cells.add(i, header, t, P.UNKNOWN_REGION, "okänd region.", resolver.hint(t))
        out[i] = got
    return out, totals


def _periods_long(cells: _Cells, window: tuple[int, int]) -> list[Period | None]:
    """The period of each row of a long table (year [+ month] or period, [+ status])."""
    first, last = window
    out: list[Period | None] = []
    years, months, periods = cells.text("year"), cells.text("month"), cells.text("period")
    statuses = cells.text("status")
    for i in range(cells.n):
        column = cells.cols.get("period") if "period" in cells.cols and "year" not in cells.cols \
            else cells.cols.get("year")
        text = periods[i] if column == cells.cols.get("period") else years[i]
        p = parse_period(text) if text else None
        if p is None or not first <= p.year <= last:
            why = ("året saknas." if not text else
                   f"året ligger utanför åren {years_text(first, last)}." if p is not None else
                   "är inte ett år eller en period.")
            cells.add(i, column, text, P.MISSING_VALUE if not text else P.BAD_YEAR, why,
                      window_hint(first, last) if p is not None else
                      'Skriv året med fyra siffror, t.ex. 2024 (månad: "2024M03").')
            out.append(None)
            continue
        month = p.month
        if "month" in cells.cols and months[i]:
            month = parse_month(months[i])
            if month is None:
                cells.add(i, cells.cols["month"], months[i], P.BAD_DATE, "okänd månad.",
                          "Skriv månaden som 1–12 eller januari–december.")
                out.append(None)
                continue
        prelim = p.preliminary
        if "status" in cells.cols and statuses[i]:
            s = parse_status(statuses[i])
            if s is None:
                cells.add(i, cells.cols["status"], statuses[i], P.UNKNOWN_LABEL,
                          "okänd status.", "Skriv preliminär eller slutlig.")
                out.append(None)
                continue
            prelim = s
        out.append(Period(p.year, month, prelim))
    return out


# --- Brå ------------------------------------------------------------------------------------


@dataclass
class _Parsed:
    """One table's records (``_row`` = position of the delivered row) and its problems."""

    table: RawTable
    records: pd.DataFrame
    found: list[tuple[int, Problem]]
    footnotes: int
    totals: int
    rows: int  # rows read (footnotes excluded)


def _categories(cells: _Cells, vocabulary: Vocabulary, skip: np.ndarray) -> list:
    header = cells.cols["category"]
    lookup = vocabulary.lookup()
    out: list = [None] * cells.n
    for i, t in enumerate(cells.text("category")):
        if skip[i]:
            continue
        if t == "":
            cells.add(i, header, "", P.MISSING_VALUE, "brottskategorin saknas.",
                      "Skriv kategorin som i Brås statistikdatabas, t.ex. Misshandel inkl. grov.")
            continue
        code = lookup.get(category_key(t))
        if code is None:
            cells.add(i, header, t, P.UNKNOWN_CATEGORY, "okänd brottskategori.",
                      category_hint(t, vocabulary))
        out[i] = code
    return out


def _value_cells(cells: _Cells, i: int, column: str, text: str, lookup: dict
                 ) -> tuple[float | None, bool]:
    """(count, missing); a bad cell is recorded as a problem (count None, missing False)."""
    value, why = lookup[text]
    if why is not None:
        cells.add(i, column, text, P.BAD_NUMBER, why,
                  'Brå skriver ".." för uppgift som saknas och "-" för noll; andra värden ska '
                  "vara heltal.")
        return None, False
    return value, value is None


def parse_crime(table: RawTable, resolver: RegionResolver | None = None,
                vocabulary: Vocabulary | None = None, *,
                earliest_year: int = Settings.earliest_year,
                latest_year: int = Settings.latest_year) -> _Parsed:
    """Records of one Brå table (wide or long) and the problems of each delivered row (pure).

    Missing columns raise ``DataError`` at once.
    """
    resolver = resolver or RegionResolver()
    vocabulary = vocabulary or load_categories()
    window = (earliest_year, latest_year)
    cols, periods = _columns(table, CRIME_HEADERS, window)
    problems = _structure_problems(table, cols, periods, "crime")
    if problems:
        raise DataError(problems, title="Brås tabell kan inte läsas")
    cells = _Cells(table, cols, periods)
    foot = _footnotes(table, cols["region"])
    regions, totals = _regions(cells, resolver, foot)
    skip = foot | totals
    cats = _categories(cells, vocabulary, skip)
    records: list[dict] = []
    wide = bool(periods)
    long_periods = [] if wide else _periods_long(cells, window)
    long_counts = [] if wide else cells.text("count")
    value_columns = list(periods) if wide else [cols["count"]]
    texts = {h: table.frame[h].fillna("").astype(str).str.strip().tolist() for h in value_columns}
    lookup = _value_lookup(x for h in value_columns for x in texts[h])
    for i in range(cells.n):
        if skip[i]:
            continue
        if wide:
            items = [(h, periods[h], texts[h][i]) for h in periods]
        else:
            if long_periods[i] is None:
                continue
            text = long_counts[i]
            if text == "":
                cells.add(i, cols["count"], "", P.MISSING_VALUE, "antalet saknas.",
                          'Skriv antalet, ".." om uppgiften saknas eller "-" för noll.')
                continue
            items = [(cols["count"], long_periods[i], text)]
        for column, period, text in items:
            value, missing = _value_cells(cells, i, column, text, lookup)
            if value is None and not missing:
                continue
            records.append({"_row": i, "year": period.year, "month": period.month,
                            "preliminary": bool(period.preliminary), "count": value,
                            "missing": missing, "value_published": text,
                            "source_column": column})
    frame = pd.DataFrame(records, columns=["_row", "year", "month", "preliminary", "count",
                                           "missing", "value_published", "source_column"])
    if len(frame):
        rows = frame["_row"].to_numpy()
        got = [regions[r] for r in rows]
        frame["region"] = [g[0] if g else None for g in got]
        frame["region_name"] = [g[1] if g else None for g in got]
        frame["region_level"] = [g[2] if g else None for g in got]
        frame["category"] = [cats[r] for r in rows]
    else:
        for c in ("region", "region_name", "region_level", "category"):
            frame[c] = pd.Series(dtype="object")
    found = sorted(cells.found, key=lambda t: (t[0], t[1].column or ""))
    return _Parsed(table, frame, found, int(foot.sum()), int(totals.sum()),
                   int(cells.n - foot.sum()))


@dataclass
class CrimeDelivery:
    """Accepted rows (every vintage), rejected rows, every problem, notices (not errors) and
    per file rows read / accepted / rejected by reason (plus footnotes and total rows)."""

    table: pd.DataFrame
    rejected: pd.DataFrame
    problems: list[Problem]
    notices: list[Problem]
    accounting: dict[str, dict]


def _by_row(found: Iterable[tuple[int, Problem]]) -> dict[int, list[Problem]]:
    out: dict[int, list[Problem]] = {}
    for i, p in found:
        out.setdefault(int(i), []).append(p)
    return out


def _cross_problems(parsed: list[_Parsed]) -> tuple[list[tuple[int, int, Problem]], set]:
    """Values that contradict each other (same region, category, period and status with
    different counts) and exact duplicates (the same value in two places, one kept)."""
    parts = []
    for k, p in enumerate(parsed):
        bad = {i for i, _ in p.found}
        f = p.records[~p.records["_row"].isin(bad)].copy()
        f["_table"] = k
        parts.append(f)
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    out: list[tuple[int, int, Problem]] = []
    duplicates: set = set()
    if frame.empty:
        return out, duplicates
    frame["_month"] = frame["month"].fillna(0)
    keys = ["region", "category", "year", "_month", "preliminary"]
    dup = frame.duplicated(keys, keep=False)
    for _, group in frame[dup].groupby(keys, sort=False):
        values = group["count"].fillna(-1)
        places = [f"{parsed[t].table.file} rad {parsed[t].table.excel_rows.iloc[r]}"
                  for t, r in zip(group["_table"], group["_row"], strict=True)]
        if values.nunique() > 1:
            for j, (t, r, col) in enumerate(zip(group["_table"], group["_row"],
                                                group["source_column"], strict=True)):
                others = ", ".join(x for k, x in enumerate(places) if k != j)
                table = parsed[t].table
                out.append((t, r, Problem(
                    table.file, int(table.excel_rows.iloc[r]), col,
                    str(group["value_published"].iloc[j]), P.CONFLICT,
                    f"ett annat antal för samma region, kategori, period och status finns på "
                    f"{others}.", "Två leveranser av samma siffra måste stämma; är den ena en "
                    "nyare publicering, markera den äldre som preliminär.")))
        else:
            for idx in group.index[1:]:
                duplicates.add((int(frame.at[idx, "_table"]), int(frame.at[idx, "_row"]),
                                str(frame.at[idx, "source_column"])))
    return out, duplicates


def _hierarchy_notices(table: pd.DataFrame, vocabulary: Vocabulary) -> list[Problem]:
    """A sub-category larger than its parent (same region, period and status): a notice."""
    parents = {c.code: c.parent for c in vocabulary.categories.values()}
    t = table[table["count"].notna()].copy()
    t["_month"] = t["month"].fillna(0)
    t["parent"] = t["category"].map(parents)
    keys = ["region", "year", "_month", "preliminary"]
    merged = t.merge(t[[*keys, "category", "count"]].rename(
        columns={"category": "parent", "count": "parent_count"}), on=[*keys, "parent"])
    bad = merged[merged["count"] > merged["parent_count"]]
    names = vocabulary.names()
    return [Problem(r.source_file, int(r.source_row), str(r.source_column), str(r.value_published),
                    P.CONFLICT, f"{names[r.category]} ({int(r.count)}) är fler än "
                    f"överkategorin {names[r.parent]} ({int(r.parent_count)}) i "
                    f"{r.region_name} {r.year}.", "Kontrollera exporten; siffrorna används "
                    "som de är.")
            for r in bad.itertuples(index=False)]


def _finish_crime(frame: pd.DataFrame, vocabulary: Vocabulary) -> pd.DataFrame:
    """Names, hierarchy and vintage columns; typed and sorted (``CRIME_COLUMNS``)."""
    cats = vocabulary.categories
    out = frame.copy()
    out["category_name"] = out["category"].map(lambda c: cats[c].name)
    out["parent"] = out["category"].map(lambda c: cats[c].parent)
    out["victim_age_from"] = out["category"].map(lambda c: cats[c].age_from)
    out["victim_age_to"] = out["category"].map(lambda c: cats[c].age_to)
    out["status"] = np.where(out["preliminary"], PRELIMINARY, FINAL)
    out["_month"] = out["month"].fillna(0)
    g = out.groupby(["region", "category", "year", "_month"], sort=False)
    out["n_vintages"] = g["count"].transform("size")
    has_final = g["preliminary"].transform(lambda s: (~s.astype(bool)).any())
    out["is_latest"] = ~out["preliminary"] | ~has_final
    out["restated"] = (g["count"].transform(lambda s: s.fillna(-1).nunique()) > 1)
    out = out.sort_values(["region_level", "region", "category", "year", "_month",
                           "preliminary"], ascending=[True, True, True, True, True, False],
                          kind="stable", ignore_index=True)
    typed = pd.DataFrame({
        "region": pd.array(out["region"], dtype="string"),
        "region_name": pd.array(out["region_name"], dtype="string"),
        "region_level": pd.array(out["region_level"], dtype="string"),
        "category": pd.array(out["category"], dtype="string"),
        "category_name": pd.array(out["category_name"], dtype="string"),
        "parent": pd.array(out["parent"], dtype="string"),
        "victim_age_from": pd.array(out["victim_age_from"], dtype="Int64"),
        "victim_age_to": pd.array(out["victim_age_to"], dtype="Int64"),
        "year": out["year"].astype("int64"),
        "month": pd.array(out["month"], dtype="Int64"),
        "count": pd.array(out["count"], dtype="Int64"),
        "missing": out["missing"].astype(bool),
        "value_published": pd.array(out["value_published"], dtype="string"),
        "status": pd.array(out["status"], dtype="string"),
        "preliminary": out["preliminary"].astype(bool),
        "n_vintages": out["n_vintages"].astype("int64"),
        "is_latest": out["is_latest"].astype(bool),
        "restated": out["restated"].astype(bool),
        "source_file": pd.array(out["source_file"], dtype="string"),
        "source_row": out["source_row"].astype("int64"),
        "source_column": pd.array(out["source_column"], dtype="string"),
    })
    return typed[CRIME_COLUMNS]


def empty_crime() -> pd.DataFrame:
    """The reported-crime table with no rows (the schema of ``anmalda_brott.parquet``)."""
    dtypes = {"year": "int64", "source_row": "int64", "n_vintages": "int64",
              "victim_age_from": "Int64", "victim_age_to": "Int64", "month": "Int64",
              "count": "Int64", "missing": "bool", "preliminary": "bool", "is_latest": "bool",
              "restated": "bool"}
    return pd.DataFrame({c: pd.array([], dtype=dtypes.get(c, "string")) for c in CRIME_COLUMNS})


def empty_rejected() -> pd.DataFrame:
    return pd.DataFrame({"fil": pd.array([], dtype="string"), "rad": pd.array([], dtype="int64"),
                         "orsak": pd.array([], dtype="string"),
                         "meddelande": pd.array([], dtype="string")})


def _rejected(parsed: _Parsed, by_row: dict[int, list[Problem]]) -> pd.DataFrame:
    frame = parsed.table.frame
    columns = {h: frame[h].tolist() for h in frame.columns[:2]}
    return rejected_frame([(i, p) for i in sorted(by_row) for p in by_row[i]],
                          file=parsed.table.file, excel_rows=parsed.table.excel_rows,
                          columns=columns)


def load_crime(tables: Iterable[RawTable], resolver: RegionResolver | None = None,
               vocabulary: Vocabulary | None = None, *,
               earliest_year: int = Settings.earliest_year,
               latest_year: int = Settings.latest_year) -> CrimeDelivery:
    """Validate Brå tables and combine them into one long table with vintage columns (pure).

    A delivered row with any problem is set aside whole (``rejected``); the caller decides
    whether problems stop the build. Per file, read = accepted + rejected (footnotes below
    the table are not rows; total rows are read and accepted but not used as a region).
    """
    resolver = resolver or RegionResolver()
    vocabulary = vocabulary or load_categories()
    parsed = [parse_crime(t, resolver, vocabulary, earliest_year=earliest_year,
                          latest_year=latest_year) for t in tables]
    cross, duplicates = _cross_problems(parsed)
    accepted, rejected_parts, problems, accounting = [], [], [], {}
    for k, p in enumerate(parsed):
        by_row = _by_row(p.found)
        for t, r, prob in cross:
            if t == k:
                by_row.setdefault(r, []).append(prob)
        bad = sorted(by_row)
        for i in bad:
            problems.extend(by_row[i])
        rec = p.records[~p.records["_row"].isin(bad)]
        keep = [(k, int(r), str(c)) not in duplicates for r, c in zip(rec["_row"],
                                                                       rec["source_column"],
                                                                       strict=True)]
        rec = rec[keep].copy()
        rec["source_file"] = p.table.file
        rec["source_row"] = p.table.excel_rows.to_numpy()[rec["_row"].to_numpy(dtype=int)] \
            if len(rec) else pd.Series(dtype="int64")
        accepted.append(rec)
        rejected_parts.append(_rejected(p, by_row))
        reasons = [";".join(sorted({x.reason for x in by_row[i]})) for i in bad]
        entry = row_accounting(p.rows, reasons, p.table.file)
        entry["summarader"] = p.totals
        entry["fotnoter"] = p.footnotes
        accounting[p.table.file] = entry
    frames = [a for a in accepted if len(a)]
    table = _finish_crime(pd.concat(frames, ignore_index=True), vocabulary) if frames \
        else empty_crime()
    notices = _hierarchy_notices(table, vocabulary) if len(table) else []
    rejected = pd.concat([r for r in rejected_parts if len(r)] or [empty_rejected()],
                         ignore_index=True).sort_values(["fil", "rad"], ignore_index=True)
    return CrimeDelivery(table, rejected, problems, notices, accounting)


# --- SCB folkmängd --------------------------------------------------------------------------


def parse_population(table: RawTable, resolver: RegionResolver | None = None, *,
                     earliest_year: int = Settings.earliest_year,
                     latest_year: int = Settings.latest_year) -> _Parsed:
    """Records of one SCB population table (wide or long) and the problems of each row."""
    resolver = resolver or RegionResolver()
    window = (earliest_year, latest_year)
    cols, periods = _columns(table, POPULATION_HEADERS, window)
    problems = _structure_problems(table, cols, periods, "population")
    if problems:
        raise DataError(problems, title="SCB:s folkmängdstabell kan inte läsas")
    cells = _Cells(table, cols, periods)
    foot = _footnotes(table, cols["region"])
    regions, totals = _regions(cells, resolver, foot)
    skip = foot | totals
    ages: list = [(None, None)] * cells.n
    if "age" in cols:
        for i, t in enumerate(cells.text("age")):
            if skip[i]:
                continue
            a = parse_age(t)
            if a is None:
                cells.add(i, cols["age"], t, P.UNKNOWN_AGE, "okänd ålder.",
                          'Skriv åldern som SCB: "totalt ålder", "7 år", "15-17 år" eller '
                          '"100+ år".')
            ages[i] = a
    sexes = cells.text("sex")
    records = []
    wide = bool(periods)
    long_periods = [] if wide else _periods_long(cells, window)
    values = [] if wide else cells.text("population")
    value_columns = list(periods) if wide else [cols["population"]]
    texts = {h: table.frame[h].fillna("").astype(str).str.strip().tolist() for h in value_columns}
    lookup = _value_lookup(x for h in value_columns for x in texts[h])
    for i in range(cells.n):
        if skip[i]:
            continue
        sex = category_key(sexes[i])
        if "sex" in cols and sex not in _TOTAL_SEXES and sex not in {"man", "kvinnor"}:
            cells.add(i, cols["sex"], sexes[i], P.UNKNOWN_LABEL, "okänt kön.",
                      "Skriv totalt, män eller kvinnor.")
            continue
        items = ([(h, periods[h], texts[h][i]) for h in periods]
                 if wide else ([] if long_periods[i] is None
                               else [(cols["population"], long_periods[i], values[i])]))
        for column, period, text in items:
            value, why = lookup[text]
            if why is not None or value is None:
                cells.add(i, column, text, P.BAD_NUMBER if why else P.MISSING_VALUE,
                          why or "folkmängden saknas.", "Skriv folkmängden som ett heltal.")
                continue
            records.append({"_row": i, "year": period.year, "population": value,
                            "source_column": column, "sex_total": "sex" not in cols
                            or sex in _TOTAL_SEXES})
    frame = pd.DataFrame(records, columns=["_row", "year", "population", "source_column",
                                           "sex_total"])
    rows = frame["_row"].to_numpy(dtype=int)
    got = [regions[r] for r in rows]
    frame["region"] = [g[0] if g else None for g in got]
    frame["region_name"] = [g[1] if g else None for g in got]
    frame["region_level"] = [g[2] if g else None for g in got]
    frame["age_from"] = [ages[r][0] if ages[r] else None for r in rows]
    frame["age_to"] = [ages[r][1] if ages[r] else None for r in rows]
    found = sorted(cells.found, key=lambda t: (t[0], t[1].column or ""))
    return _Parsed(table, frame, found, int(foot.sum()), int(totals.sum()),
                   int(cells.n - foot.sum()))


@dataclass
class PopulationDelivery:
    table: pd.DataFrame
    rejected: pd.DataFrame
    problems: list[Problem]
    accounting: dict[str, dict]


def empty_population() -> pd.DataFrame:
    return pd.DataFrame({
        "region": pd.array([], dtype="string"), "region_name": pd.array([], dtype="string"),
        "region_level": pd.array([], dtype="string"), "year": pd.array([], dtype="int64"),
        "age_from": pd.array([], dtype="Int64"), "age_to": pd.array([], dtype="Int64"),
        "population": pd.array([], dtype="int64"), "source_file": pd.array([], dtype="string"),
        "source_row": pd.array([], dtype="int64"), "source_column": pd.array([], dtype="string"),
    })


def _combine_sexes(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows for both sexes together: the "totalt" rows, else men + women summed."""
    keys = ["region", "year", "_age_from", "_age_to"]
    f = frame.assign(_age_from=frame["age_from"].fillna(-1), _age_to=frame["age_to"].fillna(-1))
    has_total = f.groupby(keys)["sex_total"].transform("any")
    totals = f[f["sex_total"]]
    parts = f[~has_total]
    if len(parts):
        summed = parts.groupby(keys, as_index=False).agg(
            population=("population", "sum"), region_name=("region_name", "first"),
            region_level=("region_level", "first"), age_from=("age_from", "first"),
            age_to=("age_to", "first"), source_file=("source_file", "first"),
            source_row=("source_row", "first"), source_column=("source_column", "first"))
        totals = pd.concat([totals, summed], ignore_index=True)
    return totals


def load_population(tables: Iterable[RawTable], resolver: RegionResolver | None = None, *,
                    earliest_year: int = Settings.earliest_year,
                    latest_year: int = Settings.latest_year) -> PopulationDelivery:
    """Validate SCB tables into one population table (region × year × age band; both sexes)."""
    resolver = resolver or RegionResolver()
    accepted, rejected_parts, problems, accounting = [], [], [], {}
    for table in tables:
        p = parse_population(table, resolver, earliest_year=earliest_year,
                             latest_year=latest_year)
        by_row = _by_row(p.found)
        bad = sorted(by_row)
        for i in bad:
            problems.extend(by_row[i])
        rec = p.records[~p.records["_row"].isin(bad)].copy()
        rec["source_file"] = table.file
        rec["source_row"] = table.excel_rows.to_numpy()[rec["_row"].to_numpy(dtype=int)]
        accepted.append(rec)
        rejected_parts.append(_rejected(p, by_row))
        reasons = [";".join(sorted({x.reason for x in by_row[i]})) for i in bad]
        entry = row_accounting(p.rows, reasons, table.file)
        entry["summarader"] = p.totals
        entry["fotnoter"] = p.footnotes
        accounting[table.file] = entry
    frames = [a for a in accepted if len(a)]
    if not frames:
        table = empty_population()
    else:
        f = _combine_sexes(pd.concat(frames, ignore_index=True))
        f = f.drop_duplicates(["region", "year", "_age_from", "_age_to"], keep="first")
        f = f.sort_values(["region", "year", "_age_from", "_age_to"], ignore_index=True)
        table = pd.DataFrame({
            "region": pd.array(f["region"], dtype="string"),
            "region_name": pd.array(f["region_name"], dtype="string"),
            "region_level": pd.array(f["region_level"], dtype="string"),
            "year": f["year"].astype("int64"),
            "age_from": pd.array(f["age_from"], dtype="Int64"),
            "age_to": pd.array(f["age_to"], dtype="Int64"),
            "population": f["population"].astype("int64"),
            "source_file": pd.array(f["source_file"], dtype="string"),
            "source_row": f["source_row"].astype("int64"),
            "source_column": pd.array(f["source_column"], dtype="string"),
        })
    rejected = pd.concat([r for r in rejected_parts if len(r)] or [empty_rejected()],
                         ignore_index=True).sort_values(["fil", "rad"], ignore_index=True)
    return PopulationDelivery(table, rejected, problems, accounting)


# --- files ----------------------------------------------------------------------------------


def crime_folder(folder: str | os.PathLike) -> DeliveryFolder:
    """The CSV/Excel tables in ``anmalda_brott/`` (sorted) and everything else in it.

    A symbolic link is a ``DataError`` (``analysis.files.list_delivery``).
    """
    return list_delivery(folder, lambda p: p.suffix.lower() in CRIME_SUFFIXES)


@dataclass
class CrimeFiles:
    """The delivered tables sorted by kind; tables that are neither, as problems."""

    crime: list[RawTable]
    population: list[RawTable]
    problems: list[Problem]


def read_crime_files(paths: Iterable[str | os.PathLike], *, max_rows: int = Settings.max_rows
                     ) -> CrimeFiles:
    """Read every table as delivered and sort it by its columns: a category column = Brå,
    an age or folkmängd column = SCB. File problems of every file at once (``DataError``)."""
    crime, population, problems, unreadable = [], [], [], []
    for path in paths:
        try:
            table = read_table(path, max_rows=max_rows)
        except DataError as exc:
            unreadable.extend(exc.problems)
            continue
        kind = table_kind(table)
        if kind == "crime":
            crime.append(table)
        elif kind == "population":
            population.append(table)
        else:
            problems.append(Problem(
                table.file, table.header_row, None, None, P.UNKNOWN_TABLE,
                "tabellen är varken Brås anmälda brott (kolumnen brottskategori saknas) eller "
                "SCB:s folkmängd (kolumnen ålder eller folkmängd saknas).",
                "Rubrikraden ska ha t.ex. Region;Brottskategori;2015;2016;… eller "
                "Region;Ålder;2015;2016;… (se docs/anmalda_brott.md)."))
    if unreadable:
        raise DataError(unreadable, title="Filerna med anmälda brott kan inte läsas")
    return CrimeFiles(crime, population, problems)


def known_regions(population: pd.DataFrame) -> dict[str, str]:
    """Code -> name of the regions in a population table (for Brå's bare names)."""
    if population is None or population.empty:
        return {}
    pairs = population.drop_duplicates("region")
    return {str(c): re.sub(r"^\d+\s+", "", str(n))
            for c, n in zip(pairs["region"], pairs["region_name"], strict=True)}


def source_path(path: Path) -> str:
    return path.name
