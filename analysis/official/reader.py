"""Reading and validating the police's index tables, and their vintages.

``read_official_tables`` reads the files as delivered; ``parse_official`` turns one
table into canonical rows and the problems of each row (one helper per column:
year, area, indicator, scale, value, source and publication date);
``load_official`` combines every table, checks rows against each other, sets rows
with problems aside and numbers the publications (``add_vintages``);
``select_vintage`` picks the latest or the first publication.
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
from analysis.areas import TOTAL_AREA, area_versions, read_area_register
from analysis.codebook import PoliceIndicator, load_police_indicators
from analysis.dates import outside_years, parse_dates, window_hint, years_text
from analysis.files import DeliveryFolder, RawTable, list_delivery, parse_numbers, read_table
from analysis.formatting import sv_number
from analysis.official.areas import LPO_AREA, PO_AREA, REGION_AREA, AreaResolver
from analysis.official.indicators import indicator_lookup, suggest_indicators
from analysis.problems import DataError, Problem, rejected_frame, row_accounting
from analysis.settings import Settings
from analysis.text import match_key, normalise_label

OFFICIAL_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm"}
SCALE_MAX = 6.0
ACTION_LEVEL = 3.0  # "en nivå där åtgärder bedöms behöva vidtas" (a police report, 2023)
SCALE_06 = "0-6"
SCALE_0600 = "0-600"
VINTAGES = ("latest", "first")
# The publication date is written YYYY-MM-DD (docs/polisens_index.md); other spellings
# that ``analysis.dates`` reads (7.12.2021, 20211207) are not accepted here.
_ISO_DATE = r"\d{4}-\d{2}-\d{2}"

# canonical column -> headers accepted (compared with ``normalise_label``)
HEADERS = {
    "year": ["ar", "år", "year", "mätår", "matar", "undersökningsår"],
    "area": ["omrade", "område", "delområde", "delomrade", "omradeskod", "områdeskod"],
    "indicator": ["indikator", "indikatorn", "fråga", "fraga", "mått", "matt"],
    "value": ["varde", "värde", "index", "indexvärde", "indexvarde"],
    "scale": ["skala"],
    "x100": ["x100", "×100", "gånger 100", "ganger 100"],
    "source": ["kalla", "källa", "källdokument", "kalldokument", "rapport"],
    "published": ["publicerad", "publicerat", "publiceringsdatum", "datum"],
    "page": ["sida", "sida/tabell", "tabell"],
    "note": ["anmarkning", "anmärkning", "kommentar"],
}
REQUIRED = ["year", "area", "indicator", "value", "source", "published"]
# The header an analyst should write, for messages.
SWEDISH_HEADER = {"year": "ar", "area": "omrade", "indicator": "indikator", "value": "varde",
                  "scale": "skala", "x100": "x100", "source": "kalla", "published": "publicerad",
                  "page": "sida", "note": "anmarkning"}
_HEADER_LOOKUP = {normalise_label(h): canon for canon, hs in HEADERS.items() for h in hs}
_YES = {"ja", "j", "x", "1", "yes"}
_NO = {"nej", "n", "0", "no", ""}

KEY = ["year", "area", "indicator"]
OFFICIAL_COLUMNS = [
    "year", "area", "area_name", "area_version", "indicator", "indicator_name", "item",
    "value", "value_published", "scale", "converted_x100", "source", "published", "page",
    "note", "source_file", "source_row", "vintage", "n_vintages", "is_first", "is_latest",
    "first_value", "latest_value", "restated", "at_action_level",
]
_STRING_COLUMNS = ["area", "area_name", "area_version", "indicator", "indicator_name", "item",
                   "value_published", "scale", "source", "page", "note", "source_file"]
REJECTED_COLUMNS = ["fil", "rad", "orsak", "meddelande"]


# --- reading -----------------------------------------------------------------------------


def official_folder(folder: str | os.PathLike) -> DeliveryFolder:
    """The index tables in a folder (CSV or Excel, sorted) and everything else in it.

    Symbolic links are refused with a ``DataError`` (``analysis.files.list_delivery``);
    ``ignored`` (a PDF of the report, a Word file, a sub-folder ...) is named by the build.
    """
    return list_delivery(folder, lambda p: p.suffix.lower() in OFFICIAL_SUFFIXES)


def official_files(folder: str | os.PathLike) -> list[Path]:
    """The index tables in a folder (sorted; READMEs and hidden files excluded)."""
    return official_folder(folder).files


def read_official_tables(paths: Iterable[str | os.PathLike]) -> list[RawTable]:
    """Read index tables as delivered (strings, no cleaning); file problems of every file at once."""
    tables, problems = [], []
    for path in paths:
        try:
            tables.append(read_table(path))
        except DataError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DataError(problems, title="Polisens indextabeller kan inte läsas")
    return tables


def _columns(table: RawTable) -> dict[str, str]:
    """canonical column -> header as written; file-level problems raise ``DataError``."""
    found: dict[str, str] = {}
    problems = []
    for header in table.frame.columns:
        canon = _HEADER_LOOKUP.get(normalise_label(header))
        if canon is None:
            continue
        if canon in found:
            problems.append(Problem(table.file, table.header_row, header, header, P.MISSING_COLUMN,
                                    f"kolumnerna \"{found[canon]}\" och \"{header}\" betyder "
                                    "samma sak.", "Ta bort den ena."))
        found[canon] = found.get(canon, header)
    missing = [SWEDISH_HEADER[c] for c in REQUIRED if c not in found]
    if missing:
        problems.append(Problem(table.file, table.header_row, None, None, P.MISSING_COLUMN,
                                "tabellen saknar kolumnerna " + ", ".join(missing) + ".",
                                "Rubrikerna ska vara ar;omrade;indikator;varde;skala;kalla;"
                                "publicerad;sida (se docs/polisens_index.md)."))
    if problems:
        raise DataError(problems, title="Polisens indextabell kan inte läsas")
    return found


# --- parsing one table, one column concern at a time --------------------------------------


@dataclass
class _Cells:
    """The cells of one delivered table by canonical column, and the problems found so far."""

    table: RawTable
    cols: dict[str, str]
    found: list[tuple[int, Problem]] = field(default_factory=list)
    years: tuple[int, int] = (Settings.earliest_year, Settings.latest_year)  # plausible window

    @property
    def n(self) -> int:
        return len(self.table.frame)

    def text(self, canon: str) -> pd.Series:
        """The stripped cells of a canonical column ("" when the column is absent)."""
        if canon not in self.cols:
            return pd.Series([""] * self.n, dtype="string")
        return self.table.frame[self.cols[canon]].fillna("").str.strip().reset_index(drop=True)

    def add(self, i: int, canon: str, value: str, reason: str, message: str,
            hint: str = "") -> None:
        column = self.cols.get(canon, SWEDISH_HEADER[canon])
        row = int(self.table.excel_rows.iloc[i])
        self.found.append((int(i), Problem(self.table.file, row, column, value, reason,
                                           message, hint)))


def _parse_years(cells: _Cells) -> np.ndarray:
    """The survey year of each row (-1 where it is missing, not a year or outside the
    plausible window ``cells.years``)."""
    text = cells.text("year")
    num = pd.to_numeric(text.replace("", pd.NA), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan)
    finite = np.isfinite(num)
    whole = finite & (np.mod(np.where(finite, num, 0.0), 1) == 0)
    first, last = cells.years
    inside = whole & (np.where(whole, num, 0.0) >= first) & (np.where(whole, num, 0.0) <= last)
    years = np.full(cells.n, -1, dtype="int64")
    years[inside] = num[inside].astype("int64")
    texts = text.tolist()
    for i in np.flatnonzero(~inside):
        if texts[i] == "":
            cells.add(i, "year", "", P.MISSING_VALUE, "året saknas.",
                      "Skriv mätåret med fyra siffror.")
        elif whole[i]:
            cells.add(i, "year", texts[i], P.BAD_YEAR,
                      f"mätåret ligger utanför åren {years_text(first, last)}.",
                      window_hint(first, last))
        else:
            cells.add(i, "year", texts[i], P.BAD_YEAR, "är inte ett mätår.",
                      "Skriv mätåret med fyra siffror, t.ex. 2021.")
    return years


def _parse_areas(cells: _Cells, years: np.ndarray, register: pd.DataFrame
                 ) -> tuple[list, list]:
    """Area code and name of each row, valid in the row's year (resolved once per text × year)."""
    resolver = AreaResolver(register)
    areas: list = [pd.NA] * cells.n
    names: list = [pd.NA] * cells.n
    for i, t in enumerate(cells.text("area").tolist()):
        if t == "":
            cells.add(i, "area", "", P.MISSING_VALUE, "området saknas.",
                      f"Skriv områdets kod eller namn, {TOTAL_AREA}, {LPO_AREA}, {PO_AREA} "
                      f"eller {REGION_AREA}.")
            continue
        if years[i] < 0:
            continue
        code, info = resolver.resolve(t, int(years[i]))
        if code is None:
            cells.add(i, "area", t, *info)
        else:
            areas[i], names[i] = code, info
    return areas, names


def _parse_indicators(cells: _Cells, indicators: tuple[PoliceIndicator, ...]) -> list:
    """The indicator code of each row; an unknown name gets the closest police names."""
    lookup = indicator_lookup(indicators)
    by_text: dict[str, PoliceIndicator | None] = {}
    codes: list = [pd.NA] * cells.n
    for i, t in enumerate(cells.text("indicator").tolist()):
        if t not in by_text:
            by_text[t] = lookup.get(match_key(t))
        ind = by_text[t]
        if ind is not None:
            codes[i] = ind.code
        elif t == "":
            cells.add(i, "indicator", "", P.MISSING_VALUE, "indikatorn saknas.",
                      "Skriv indikatorns namn som i polisens rapport.")
        else:
            close = suggest_indicators(t, indicators)
            # the suggestions come from aliases too, so they are listed here, not re-ranked
            hint = ("Menade du: " + ", ".join(f'"{c}"' for c in close) + "? " if close else "")
            cells.add(i, "indicator", t, P.UNKNOWN_INDICATOR, "okänd indikator.",
                      hint + "Polisens indikatorer står under police_indicators i "
                      "analysis/resources/codebook.yaml; lägg till ett alias där om rapporten "
                      "skriver annorlunda.")
    return codes


def _parse_scales(cells: _Cells) -> tuple[np.ndarray, np.ndarray]:
    """(printed ×100, scale is valid) per row: ``skala`` 0-6/0-600 or ``x100`` ja/nej."""
    x100 = np.zeros(cells.n, dtype=bool)
    ok = np.ones(cells.n, dtype=bool)
    scales, flags = cells.text("scale").tolist(), cells.text("x100").tolist()
    for i in range(cells.n):
        s = re.sub(r"\s", "", scales[i]).replace("–", "-").replace("—", "-")
        flag = normalise_label(flags[i])
        if s not in ("", SCALE_06, SCALE_0600):
            cells.add(i, "scale", scales[i], P.BAD_SCALE, "okänd skala.",
                      f"Skriv {SCALE_06} (index som i rapporten) eller {SCALE_0600} "
                      "(rapporten trycker index ×100).")
            ok[i] = False
        elif flag not in _YES | _NO:
            cells.add(i, "x100", flags[i], P.BAD_SCALE, "ska vara ja eller nej.", "")
            ok[i] = False
        elif s == SCALE_06 and flag in _YES:
            cells.add(i, "x100", flags[i], P.BAD_SCALE,
                      f"raden anger både skala {SCALE_06} och x100 = ja.",
                      "Välj det som står i rapporten.")
            ok[i] = False
        else:
            x100[i] = s == SCALE_0600 or flag in _YES
    return x100, ok


def _value_problem(text: str, printed: float, x100: bool) -> tuple[str, str, str]:
    """(reason, message, hint) of a value that is missing, not a number or off the 0–6 scale."""
    if text == "":
        return (P.MISSING_VALUE, "värdet saknas.", "Skriv indexvärdet som det står i rapporten.")
    if np.isnan(printed):
        return (P.BAD_NUMBER, "är inte ett tal.", "Skriv indexvärdet med decimalkomma, t.ex. 1,85.")
    if x100 and printed != round(printed):
        return (P.OUT_OF_RANGE, "raden anger skala ×100 men värdet har decimaler (index ×100 "
                "trycks som heltal).", f"Om rapporten skriver {text} är skalan {SCALE_06}: "
                "rätta skalan.")
    if not x100 and SCALE_MAX < printed <= SCALE_MAX * 100:
        return (P.UNDECLARED_X100, "värdet är större än 6 men raden anger inte skala ×100 "
                f"(det ser ut som {sv_number(printed / 100)} tryckt ×100).",
                f"Om rapporten trycker index ×100: skriv {SCALE_0600} i kolumnen skala "
                "(eller ja i kolumnen x100) så räknas värdet om. Annars: rätta värdet.")
    scale = f"{SCALE_0600} (0–6 efter omräkning)" if x100 else SCALE_06
    return (P.OUT_OF_RANGE, f"värdet ligger utanför skalan {scale}.",
            "Polisens index går från 0 till 6; kontrollera värdet i rapporten.")


def _parse_values(cells: _Cells, x100: np.ndarray, scale_ok: np.ndarray) -> np.ndarray:
    """The value on the 0–6 scale (÷100 where declared), NaN where it has a problem."""
    text = cells.text("value")
    printed = parse_numbers(text).to_numpy(dtype="float64", na_value=np.nan)
    values = np.where(x100, printed / 100, printed).round(6)
    bad = (np.isnan(printed) | ~scale_ok | (x100 & (printed != np.round(printed)))
           | (values < 0) | (values > SCALE_MAX))
    texts = text.tolist()
    for i in np.flatnonzero(bad):
        missing_or_nan = texts[i] == "" or np.isnan(printed[i])
        if scale_ok[i] or missing_or_nan:  # without a scale the value cannot be judged
            cells.add(i, "value", texts[i], *_value_problem(texts[i], printed[i], x100[i]))
    values[bad] = np.nan
    return values


def _parse_sources_and_dates(cells: _Cells, years: np.ndarray) -> pd.Series:
    """Check the source; the publication date of each row (NaT where missing, not a date,
    outside the plausible window ``cells.years`` or before the survey year)."""
    for i in np.flatnonzero((cells.text("source") == "").to_numpy()):
        cells.add(int(i), "source", "", P.MISSING_VALUE, "källan saknas.",
                  "Skriv rapportens titel, t.ex. \"Trygghetsmätning 2021, LPO Exempelby\".")
    text = cells.text("published")
    dates = parse_dates(text.where(text.str.fullmatch(_ISO_DATE).fillna(False), ""))
    texts = text.tolist()
    for i in np.flatnonzero(dates.isna().to_numpy()):
        t = texts[i]
        cells.add(i, "published", t, P.BAD_DATE if t else P.MISSING_VALUE,
                  "publiceringsdatumet saknas." if not t else "är inte ett datum (ÅÅÅÅ-MM-DD).",
                  "Skriv datumet då rapporten publicerades, t.ex. 2021-12-02.")
    outside = outside_years(dates, *cells.years).to_numpy()
    for i in np.flatnonzero(outside):
        cells.add(i, "published", texts[i], P.IMPLAUSIBLE_DATE,
                  f"publiceringsdatumet ligger utanför åren {years_text(*cells.years)}.",
                  window_hint(*cells.years))
    dates = dates.mask(outside)
    early = dates.notna().to_numpy() & (years > 0) & (dates.dt.year.to_numpy() < years)
    for i in np.flatnonzero(early):
        cells.add(i, "published", texts[i], P.BAD_DATE,
                  f"publiceringsdatumet ligger före mätåret {years[i]}.",
                  "Kontrollera året och publiceringsdatumet.")
    return dates.mask(early).astype("datetime64[ms]")


def parse_official(table: RawTable, register: pd.DataFrame,
                   indicators: Iterable[PoliceIndicator] | None = None, *,
                   earliest_year: int = Settings.earliest_year,
                   latest_year: int = Settings.latest_year
                   ) -> tuple[pd.DataFrame, list[tuple[int, Problem]]]:
    """Canonical rows of one index table and the problems of each row (pure).

    Returns a frame with one row per delivered row (values of rows with
    problems may be missing) and ``(position, problem)`` pairs, sorted by row
    and column. Missing required columns raise ``DataError`` at once. The survey
    year and the publication date must lie in the years ``earliest_year``..``latest_year``.
    """
    indicators = tuple(indicators or load_police_indicators())
    cells = _Cells(table, _columns(table), years=(earliest_year, latest_year))
    years = _parse_years(cells)
    areas, area_names = _parse_areas(cells, years, register)
    codes = _parse_indicators(cells, indicators)
    x100, scale_ok = _parse_scales(cells)
    values = _parse_values(cells, x100, scale_ok)
    published = _parse_sources_and_dates(cells, years)
    by_code = {ind.code: ind for ind in indicators}
    frame = pd.DataFrame({
        "year": years,
        "area": pd.array(areas, dtype="string"),
        "area_name": pd.array(area_names, dtype="string"),
        "indicator": pd.array(codes, dtype="string"),
        "indicator_name": pd.array([by_code[c].name if c is not pd.NA else pd.NA
                                    for c in codes], dtype="string"),
        "item": pd.array([by_code[c].item if c is not pd.NA else pd.NA for c in codes],
                         dtype="string"),
        "value": values,
        "value_published": cells.text("value").astype("string"),
        "scale": pd.array([SCALE_0600 if x else SCALE_06 for x in x100], dtype="string"),
        "converted_x100": x100,
        "source": cells.text("source").astype("string"),
        "published": published,
        "page": cells.text("page").astype("string"),
        "note": cells.text("note").astype("string"),
        "source_file": pd.array([table.file] * cells.n, dtype="string"),
        "source_row": table.excel_rows.to_numpy(dtype="int64"),
    })
    frame.insert(3, "area_version", area_versions(register, frame["area"], frame["year"]))
    found = sorted(cells.found, key=lambda t: (t[0], t[1].column or ""))
    return frame, found


def validate_official(table: RawTable, register: pd.DataFrame,
                      indicators: Iterable[PoliceIndicator] | None = None) -> RawTable:
    """Return ``table`` unchanged, or raise ``DataError`` listing every problem of its rows."""
    _, found = parse_official(table, register, indicators)
    if found:
        raise DataError([p for _, p in found], title="Polisens indextabell har fel")
    return table


# --- rows against each other, vintages -----------------------------------------------------


def _cross_row_problems(frame: pd.DataFrame) -> dict[int, Problem]:
    """Rows that contradict each other (same year × area × indicator × publication date)."""
    out: dict[int, Problem] = {}
    keys = [*KEY, "published"]
    dup = frame.duplicated(keys, keep=False).to_numpy()
    if not dup.any():
        return out
    for _, group in frame[dup].groupby(keys, sort=False):
        where = {i: [f"{f} rad {r}" for j, f, r in zip(group.index, group["source_file"],
                                                          group["source_row"], strict=True)
                     if j != i] for i in group.index}
        conflict = group["value"].nunique() > 1
        same_source = group.duplicated(["source"], keep=False)
        for i, row in group.iterrows():
            others = ", ".join(where[i])
            if conflict:
                out[i] = Problem(row["source_file"], int(row["source_row"]), "varde",
                                 row["value_published"], P.CONFLICT,
                                 f"ett annat värde för samma år, område, indikator och "
                                 f"publiceringsdatum finns på {others}.",
                                 "Varje publicering behöver sitt eget datum (så att senaste "
                                 "versionen kan väljas); rätta värdet eller datumet.")
            elif same_source[i]:
                out[i] = Problem(row["source_file"], int(row["source_row"]), "indikator",
                                 row["indicator_name"], P.DUPLICATE,
                                 f"raden finns två gånger (samma källa och datum som {others}).",
                                 "Ta bort den ena raden.")
    return out


def add_vintages(frame: pd.DataFrame, action_level: float = ACTION_LEVEL) -> pd.DataFrame:
    """Number the publications of each year × area × indicator and mark restatements.

    Publications are ordered by ``published`` (then source, file, row).
    ``vintage`` = 1, 2, …; ``first_value``/``latest_value`` = the value of the
    first/last publication; ``restated`` = the published values differ;
    ``at_action_level`` = value >= ``action_level``. Pure: returns a new frame.
    """
    out = frame.sort_values([*KEY, "published", "source", "source_file", "source_row"],
                            ignore_index=True)
    g = out.groupby(KEY, sort=False, dropna=False)
    out["vintage"] = (g.cumcount() + 1).astype("int64")
    out["n_vintages"] = g["value"].transform("size").astype("int64")
    out["is_first"] = out["vintage"] == 1
    out["is_latest"] = out["vintage"] == out["n_vintages"]
    out["first_value"] = g["value"].transform("first")
    out["latest_value"] = g["value"].transform("last")
    out["restated"] = (g["value"].transform("nunique") > 1).astype(bool)
    out["at_action_level"] = (out["value"] >= action_level - 1e-9).astype(bool)
    return out


def select_vintage(table: pd.DataFrame, vintage: str = "latest") -> pd.DataFrame:
    """One row per year × area × indicator: the latest or the first publication.

    ``vintage`` is "latest" (the most recent publication) or "first" (as first
    published). The columns ``first_value``, ``latest_value``, ``restated`` and
    ``n_vintages`` stay, so a restated value is visible whichever is chosen.
    """
    if vintage not in VINTAGES:
        raise ValueError(f"vintage ska vara 'latest' eller 'first', inte {vintage!r}")
    mask = table["is_latest"] if vintage == "latest" else table["is_first"]
    return table[mask.astype(bool)].sort_values(KEY, ignore_index=True)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for c in _STRING_COLUMNS:
        out[c] = out[c].astype("string")
    for c in ["year", "source_row", "vintage", "n_vintages"]:
        out[c] = out[c].astype("int64")
    for c in ["value", "first_value", "latest_value"]:
        out[c] = out[c].astype("float64")
    for c in ["converted_x100", "is_first", "is_latest", "restated", "at_action_level"]:
        out[c] = out[c].astype(bool)
    out["published"] = out["published"].astype("datetime64[ms]")
    return out[OFFICIAL_COLUMNS]


def empty_official() -> pd.DataFrame:
    """An official-indices table with no rows (the schema of ``official_indices.parquet``)."""
    return _typed(pd.DataFrame({c: [] for c in OFFICIAL_COLUMNS}))


def empty_rejected() -> pd.DataFrame:
    """Rejected rows with no rows (the schema of ``avvisade_polisens_index.parquet``)."""
    return pd.DataFrame({"fil": pd.array([], dtype="string"), "rad": pd.array([], dtype="int64"),
                         "orsak": pd.array([], dtype="string"),
                         "meddelande": pd.array([], dtype="string")})


# --- every table together -------------------------------------------------------------------


@dataclass
class OfficialDelivery:
    """The result of reading index tables: accepted rows (with vintage columns), rejected
    rows, every problem, and per file rows read / accepted / rejected by reason."""

    table: pd.DataFrame
    rejected: pd.DataFrame
    problems: list[Problem]
    accounting: dict[str, dict]


def _by_row(found: Iterable[tuple[int, Problem]]) -> dict[int, list[Problem]]:
    by_row: dict[int, list[Problem]] = {}
    for i, p in found:
        by_row.setdefault(i, []).append(p)
    return by_row


def _add_cross_row_problems(parsed: list[tuple[RawTable, pd.DataFrame, dict]]) -> None:
    """Add the cross-row problems over every file (among rows without row problems)."""
    ok_frames = [f.drop(index=list(b)) for _, f, b in parsed]
    combined = pd.concat(ok_frames, ignore_index=True) if ok_frames else None
    cross = _cross_row_problems(combined) if combined is not None and len(combined) else {}
    by_place = {(p.file, p.row): p for p in cross.values()}
    for table, frame, by_row in parsed:
        for i, row in enumerate(frame["source_row"].tolist()):
            p = by_place.get((table.file, int(row)))
            if p is not None:
                by_row.setdefault(i, []).append(p)


def _rejected_rows(table: RawTable, by_row: dict[int, list[Problem]]) -> pd.DataFrame:
    """The rejected rows of one table with their delivered cells (recognised columns only)."""
    columns = {h: table.frame[h].tolist() for h in table.frame.columns
               if normalise_label(h) in _HEADER_LOOKUP and h not in REJECTED_COLUMNS}
    return rejected_frame([(i, p) for i in sorted(by_row) for p in by_row[i]],
                          file=table.file, excel_rows=table.excel_rows, columns=columns)


def load_official(tables: Iterable[RawTable], register: pd.DataFrame,
                  indicators: Iterable[PoliceIndicator] | None = None, *,
                  earliest_year: int = Settings.earliest_year,
                  latest_year: int = Settings.latest_year) -> OfficialDelivery:
    """Validate index tables and combine them into one long table with vintage columns.

    Pure (the tables are already read). Rows with a problem are set aside in
    ``rejected`` (columns ``fil, rad, orsak, meddelande`` and the delivered
    cells); the caller decides whether problems stop the build. Per file,
    read = accepted + rejected (checked, ``analysis.problems.row_accounting``).
    Years and publication dates outside ``earliest_year``..``latest_year`` are problems.
    """
    indicators = tuple(indicators or load_police_indicators())
    parsed = []
    for table in tables:
        frame, found = parse_official(table, register, indicators,
                                      earliest_year=earliest_year, latest_year=latest_year)
        parsed.append((table, frame, _by_row(found)))
    _add_cross_row_problems(parsed)
    accepted, rejected_parts, problems, accounting = [], [], [], {}
    for table, frame, by_row in parsed:
        bad = sorted(by_row)
        for i in bad:
            problems.extend(by_row[i])
        keep = np.ones(len(frame), dtype=bool)
        keep[bad] = False
        accepted.append(frame[keep])
        rejected_parts.append(_rejected_rows(table, by_row))
        reasons = [";".join(sorted({p.reason for p in by_row[i]})) for i in bad]
        accounting[table.file] = row_accounting(len(frame), reasons, table.file)
    if sum(len(a) for a in accepted):
        table = _typed(add_vintages(pd.concat([a for a in accepted if len(a)],
                                              ignore_index=True)))
    else:
        table = empty_official()
    table = table.sort_values([*KEY, "vintage"], ignore_index=True)
    rejected = pd.concat([r for r in rejected_parts if len(r)] or [empty_rejected()],
                         ignore_index=True).sort_values(["fil", "rad"], ignore_index=True)
    return OfficialDelivery(table, rejected, problems, accounting)


def read_official(paths: str | os.PathLike | Iterable[str | os.PathLike], *,
                  register: pd.DataFrame | str | os.PathLike,
                  indicators: Iterable[PoliceIndicator] | None = None,
                  quarantine: bool = False) -> pd.DataFrame:
    """Read index tables into the long official table (every vintage).

    Strict by default: any problem raises ``DataError`` listing every problem.
    With ``quarantine=True`` rows with problems are left out (``load_official``
    returns them too).
    """
    if not isinstance(register, pd.DataFrame):
        register = read_area_register(register)
    files = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    delivery = load_official(read_official_tables(files), register, indicators)
    if delivery.problems and not quarantine:
        raise DataError(delivery.problems, title="Polisens indextabeller har fel")
    return delivery.table
