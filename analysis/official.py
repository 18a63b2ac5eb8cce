"""The police's published 0–6 index tables, kept as published and used beside our estimates.

What a Skåne kommun receives each year is usually the police's report: per
delområde an index on a 0–6 scale for each of about 32 indicators, and a
totalindex per kommun and per lokalpolisområde (LPO). The formula behind the
index is not public, so the package never recomputes it: it reads the tables as
the analyst typed them from the PDF, validates them, keeps every published
version ("vintage") and shows them beside its own estimates.

The table format (documented for analysts in ``docs/polisens_index.md``): one
row per year × area × indicator × publication, CSV (any encoding/separator
``analysis.files.read_table`` handles) or Excel, with the columns

* ``ar`` – survey year; ``omrade`` – area code or name valid that year, or
  ``kommunen`` (the kommun total, ``analysis.areas.TOTAL_AREA``) or ``lpo``
  (the lokalpolisområde total);
* ``indikator`` – the police's indicator name (matched case- and
  whitespace-insensitively against ``police_indicators`` in the codebook);
* ``varde`` – the value as printed (decimal comma or point);
* ``skala`` – ``0-6`` (default when empty) or ``0-600`` (printed ×100);
  alternatively a column ``x100`` with ``ja``/``nej``;
* ``kalla`` – source document; ``publicerad`` – publication date YYYY-MM-DD;
  ``sida`` – page or table (optional); ``anmarkning`` – a note (optional).

Rules: a value is divided by 100 only when its row declares ×100; an
undeclared value above 6 is an error (it looks ×100); a value outside 0–6
after conversion is an error; so is an unknown indicator (with the closest
names suggested), an area not valid in the row's year (naming the valid ones),
a publication date before the survey year, and two different values for the
same year × area × indicator with the same publication date. Every problem
names the file, the Excel row, the column and the value.

Vintages: every published value is kept. Within a year × area × indicator the
publications are ordered by publication date (then source, file, row);
``vintage`` numbers them 1, 2, …; ``first_value``/``latest_value`` are the
values as first and as most recently published; ``restated`` is True when the
published values differ. ``select_vintage`` picks "latest" or "first".
"""

from __future__ import annotations

import difflib
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from analysis import problems as P
from analysis.areas import TOTAL_AREA, TOTAL_AREA_NAME, area_versions, read_area_register
from analysis.codebook import PoliceIndicator, load_police_indicators
from analysis.files import RawTable, normalise_label, parse_numbers, read_table
from analysis.paths import AREA_REGISTER_FILE, AREAS_DIR
from analysis.problems import DataError, Problem
from analysis.settings import Settings

OFFICIAL_FILE = "official_indices.parquet"
SIDE_BY_SIDE_FILE = "official_vs_survey.parquet"
REJECTED_FILE = "avvisade_polisens_index.parquet"
ESTIMATES_FILE = "estimates.parquet"
OFFICIAL_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm"}

LPO_AREA = "lpo"
LPO_AREA_NAME = "Lokalpolisområdet"
TOTAL_AREAS = (TOTAL_AREA, LPO_AREA)
SCALE_MAX = 6.0
ACTION_LEVEL = 3.0  # "en nivå där åtgärder bedöms behöva vidtas" (police, Eslöv 2023)
SCALE_06 = "0-6"
SCALE_0600 = "0-600"
VINTAGES = ("latest", "first")
MIN_AREAS_RANK = 10  # below this many areas the rank agreement gets a caveat
FIRST_YEAR = 1990

# Reason codes (stable identifiers; the Swedish text is in the message).
UNDECLARED_X100 = "odeklarerat_x100"
OUT_OF_RANGE = "utanfor_skala"
UNKNOWN_INDICATOR = "okand_indikator"
BAD_SCALE = "ogiltig_skala"
BAD_NUMBER = "ogiltigt_tal"
BAD_DATE = "ogiltigt_datum"
CONFLICT = "motstridiga_varden"
DUPLICATE = "dubblett"

# Verdicts of ``compare_official``.
INCREASE = "ökning"
DECREASE = "minskning"
UNCHANGED = "oförändrad"
NOT_COMPARABLE = "ej jämförbar"
NO_CI_TEXT = ("Polisens index saknar konfidensintervall; förändringen bedöms mot en minsta "
              "skillnad på {min_difference} indexenheter.")

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

_TOTAL_KEYS = {normalise_label(x) for x in (TOTAL_AREA, TOTAL_AREA_NAME, "kommun",
                                            "hela kommunen", "kommunen totalt")}
_LPO_KEYS = {"lpo", "lokalpolisområdet", "lokalpolisområde", "hela lokalpolisområdet",
             "lpo totalt"}
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
SIDE_BY_SIDE_COLUMNS = [
    "year", "area", "area_name", "indicator", "indicator_name", "item", "survey_indicator",
    "official_value", "official_restated", "official_n_vintages", "official_source",
    "official_published", "at_action_level", "estimate", "ci_low", "ci_high", "n",
    "suppressed", "uncertain", "rank_official", "rank_survey", "n_areas_ranked",
    "spearman_rho", "agreement_note",
]
AGREEMENT_COLUMNS = ["year", "indicator", "indicator_name", "n_areas_ranked", "spearman_rho",
                     "agreement_note"]
REJECTED_COLUMNS = ["fil", "rad", "orsak", "meddelande"]


# --- formatting --------------------------------------------------------------------------


def _sv(value: float, decimals: int = 2) -> str:
    """A number with decimal comma (Swedish), e.g. 1.85 -> '1,85'."""
    return f"{value:.{decimals}f}".replace(".", ",")


def _sv_short(value: float) -> str:
    """A parameter without trailing zeros, e.g. 0.2 -> '0,2'."""
    return f"{value:g}".replace(".", ",")


# --- indicators and areas ----------------------------------------------------------------


def _indicator_key(text: object) -> str:
    """Case/whitespace-insensitive key; spaces around '/' and dashes do not matter."""
    key = normalise_label(text)
    key = re.sub(r"\s*/\s*", "/", key)
    return re.sub(r"\s*[-–—]\s*", "-", key)


def indicator_lookup(indicators: Iterable[PoliceIndicator]) -> dict[str, PoliceIndicator]:
    """Normalised code, name and aliases -> indicator."""
    lookup: dict[str, PoliceIndicator] = {}
    for ind in indicators:
        for label in (ind.code, ind.name, *ind.aliases):
            lookup[_indicator_key(label)] = ind
    return lookup


def suggest_indicators(text: str, indicators: Iterable[PoliceIndicator], n: int = 3) -> list[str]:
    """The police indicator names closest to ``text`` (difflib), best first."""
    lookup = indicator_lookup(indicators)
    out: list[str] = []
    for key in difflib.get_close_matches(_indicator_key(text), list(lookup), n=10, cutoff=0.5):
        name = lookup[key].name
        if name not in out:
            out.append(name)
    return out[:n]


def _area_listing(valid: pd.DataFrame) -> str:
    names = ", ".join(f"{a} {n}" for a, n in zip(valid["area"], valid["area_name"], strict=True))
    return (f"{names}; dessutom {TOTAL_AREA} (hela kommunen) och {LPO_AREA} "
            "(lokalpolisområdet)")


def _resolve_area(text: str, year: int, register: pd.DataFrame
                  ) -> tuple[str, str] | tuple[None, tuple[str, str, str]]:
    """(code, name) for an area text in ``year``, or (None, (reason, message, hint))."""
    key = normalise_label(text)
    if key in _TOTAL_KEYS:
        return TOTAL_AREA, TOTAL_AREA_NAME
    if key in _LPO_KEYS or key.startswith(("lpo ", "lokalpolisområde ")):
        return LPO_AREA, LPO_AREA_NAME
    in_year = (register["valid_from"] <= year) & (register["valid_to"].fillna(9999) >= year)
    valid = register[in_year.fillna(False)].sort_values("area")

    def matches(frame: pd.DataFrame) -> pd.DataFrame:
        code = frame["area"].str.strip()
        hit = (code == text.strip()) | (frame["area_name"].map(normalise_label) == key)
        if text.strip().isdigit():  # Excel drops leading zeros: 1 -> 01
            hit |= code.str.lstrip("0") == text.strip().lstrip("0")
        return frame[hit.fillna(False)]

    found = matches(valid)
    if len(found["area"].unique()) == 1:
        return str(found["area"].iloc[0]), str(found["area_name"].iloc[0])
    if valid.empty:
        return None, (P.UNKNOWN_AREA, f"områdesregistret har inga områden för {year}.",
                      f"Lägg till årets områden i {AREAS_DIR}/{AREA_REGISTER_FILE}, eller "
                      f"skriv {TOTAL_AREA} eller {LPO_AREA} för totalerna.")
    hint = f"Områden som gäller {year}: {_area_listing(valid)}."
    if len(found) > 1:
        return None, (P.UNKNOWN_AREA, f"namnet passar flera områden {year}.",
                      "Skriv områdeskoden. " + hint)
    elsewhere = matches(register)
    if len(elsewhere):
        spans = ", ".join(
            f"{r.area} {r.area_name} {r.valid_from}–{'' if pd.isna(r.valid_to) else r.valid_to}"
            for r in elsewhere.itertuples())
        return None, (P.UNKNOWN_AREA,
                      f"området gäller inte {year} (giltigt: {spans}).", hint)
    return None, (P.UNKNOWN_AREA, "området finns inte i områdesregistret.", hint)


class _AreaResolver:
    """Area texts -> (code, name) per year: a dict per year, diagnostics only on failure."""

    def __init__(self, register: pd.DataFrame):
        self.register = register
        self._years: dict[int, dict[str, set[tuple[str, str]]]] = {}
        self._cache: dict[tuple[str, int], tuple] = {}

    def _keys(self, year: int) -> dict[str, set[tuple[str, str]]]:
        if year not in self._years:
            in_year = (self.register["valid_from"] <= year) & (
                self.register["valid_to"].fillna(9999) >= year)
            valid = self.register[in_year.fillna(False)]
            keys: dict[str, set[tuple[str, str]]] = {}
            for code, name in zip(valid["area"].str.strip(), valid["area_name"], strict=True):
                for k in (f"code:{code}", f"name:{normalise_label(name)}"):
                    keys.setdefault(k, set()).add((str(code), str(name)))
                if code.isdigit():
                    keys.setdefault(f"digits:{code.lstrip('0')}", set()).add((str(code),
                                                                              str(name)))
            self._years[year] = keys
        return self._years[year]

    def resolve(self, text: str, year: int) -> tuple:
        key = (text, year)
        if key not in self._cache:
            keys = self._keys(year)
            stripped = text.strip()
            hits = keys.get(f"code:{stripped}", set()) | keys.get(
                f"name:{normalise_label(text)}", set())
            if stripped.isdigit():
                hits = hits | keys.get(f"digits:{stripped.lstrip('0')}", set())
            if len({c for c, _ in hits}) == 1:
                self._cache[key] = next(iter(hits))
            else:
                self._cache[key] = _resolve_area(text, year, self.register)
        return self._cache[key]


# --- reading and validating --------------------------------------------------------------


def official_files(folder: str | os.PathLike) -> list[Path]:
    """The index tables in a folder (sorted; READMEs and hidden files excluded)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in OFFICIAL_SUFFIXES
                  and not p.name.startswith((".", "~$")))


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


def parse_official(table: RawTable, register: pd.DataFrame,
                   indicators: Iterable[PoliceIndicator] | None = None
                   ) -> tuple[pd.DataFrame, list[tuple[int, Problem]]]:
    """Canonical rows of one index table and the problems of each row (pure).

    Returns a frame with one row per delivered row (values of rows with
    problems may be missing) and ``(position, problem)`` pairs. Missing required
    columns raise ``DataError`` at once.
    """
    indicators = tuple(indicators or load_police_indicators())
    cols = _columns(table)
    raw = table.frame
    n = len(raw)
    found: list[tuple[int, Problem]] = []

    def text(canon: str) -> pd.Series:
        if canon not in cols:
            return pd.Series([""] * n, dtype="string")
        return raw[cols[canon]].fillna("").str.strip().reset_index(drop=True)

    excel_rows = table.excel_rows.tolist()

    def add(i: int, canon: str, value: str, reason: str, message: str, hint: str = "") -> None:
        column = cols.get(canon, SWEDISH_HEADER[canon])
        found.append((int(i), Problem(table.file, int(excel_rows[i]), column, value,
                                      reason, message, hint)))

    year_text, area_text, ind_text = text("year"), text("area"), text("indicator")
    value_text, scale_text, x100_text = text("value"), text("scale"), text("x100")
    source_text, pub_text = text("source"), text("published")
    # Plain lists for the row loops; every lookup below is done once per distinct text.
    years_l, area_l, ind_l = year_text.tolist(), area_text.tolist(), ind_text.tolist()
    value_l, scale_l, x100_l = value_text.tolist(), scale_text.tolist(), x100_text.tolist()
    pub_l = pub_text.tolist()

    # year
    year_num = pd.to_numeric(year_text.replace("", pd.NA), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan)
    years = np.full(n, -1, dtype="int64")
    good_year = ~np.isnan(year_num) & (year_num % 1 == 0) & (year_num >= FIRST_YEAR) & (
        year_num <= 2100)
    years[good_year] = year_num[good_year].astype("int64")
    for i in np.flatnonzero(~good_year):
        if years_l[i] == "":
            add(i, "year", "", P.MISSING_VALUE, "året saknas.", "Skriv mätåret med fyra siffror.")
        else:
            add(i, "year", years_l[i], P.BAD_YEAR, "är inte ett mätår.",
                "Skriv mätåret med fyra siffror, t.ex. 2021.")

    # area (resolved once per distinct year × text)
    resolver = _AreaResolver(register)
    areas: list = [pd.NA] * n
    area_names: list = [pd.NA] * n
    for i in range(n):
        t = area_l[i]
        if t == "":
            add(i, "area", "", P.MISSING_VALUE, "området saknas.",
                f"Skriv områdets kod eller namn, {TOTAL_AREA} eller {LPO_AREA}.")
            continue
        if years[i] < 0:
            continue
        code, info = resolver.resolve(t, int(years[i]))
        if code is None:
            reason, message, hint = info
            add(i, "area", t, reason, message, hint)
        else:
            areas[i], area_names[i] = code, info

    # indicator
    lookup = indicator_lookup(indicators)
    by_text: dict[str, PoliceIndicator | None] = {}
    ind_codes: list = [pd.NA] * n
    for i in range(n):
        t = ind_l[i]
        if t not in by_text:
            by_text[t] = lookup.get(_indicator_key(t))
        ind = by_text[t]
        if ind is not None:
            ind_codes[i] = ind.code
        elif t == "":
            add(i, "indicator", "", P.MISSING_VALUE, "indikatorn saknas.",
                "Skriv indikatorns namn som i polisens rapport.")
        else:
            close = suggest_indicators(t, indicators)
            hint = ("Menade du: " + ", ".join(f'"{c}"' for c in close) + "? " if close else "")
            add(i, "indicator", t, UNKNOWN_INDICATOR, "okänd indikator.",
                hint + "Polisens indikatorer står under police_indicators i "
                "analysis/resources/codebook.yaml; lägg till ett alias där om rapporten "
                "skriver annorlunda.")

    # scale: 0-6 or 0-600 (×100), declared per row
    x100 = np.zeros(n, dtype=bool)
    scale_ok = np.ones(n, dtype=bool)
    for i in range(n):
        s = re.sub(r"\s", "", scale_l[i]).replace("–", "-").replace("—", "-")
        flag = normalise_label(x100_l[i])
        if s not in ("", SCALE_06, SCALE_0600):
            add(i, "scale", scale_l[i], BAD_SCALE, "okänd skala.",
                f"Skriv {SCALE_06} (index som i rapporten) eller {SCALE_0600} "
                "(rapporten trycker index ×100).")
            scale_ok[i] = False
        elif flag not in _YES | _NO:
            add(i, "x100", x100_l[i], BAD_SCALE, "ska vara ja eller nej.", "")
            scale_ok[i] = False
        elif s == SCALE_06 and flag in _YES:
            add(i, "x100", x100_l[i], BAD_SCALE,
                f"raden anger både skala {SCALE_06} och x100 = ja.",
                "Välj det som står i rapporten.")
            scale_ok[i] = False
        else:
            x100[i] = s == SCALE_0600 or flag in _YES

    # value
    printed = parse_numbers(value_text).to_numpy(dtype="float64", na_value=np.nan)
    values = np.where(x100, printed / 100, printed).round(6)
    bad_value = (np.isnan(printed) | ~scale_ok | (x100 & (printed != np.round(printed)))
                 | (values < 0) | (values > SCALE_MAX))
    for i in np.flatnonzero(bad_value):
        t, v = value_l[i], printed[i]
        if t == "":
            add(i, "value", "", P.MISSING_VALUE, "värdet saknas.",
                "Skriv indexvärdet som det står i rapporten.")
        elif np.isnan(v):
            add(i, "value", t, BAD_NUMBER, "är inte ett tal.",
                "Skriv indexvärdet med decimalkomma, t.ex. 1,85.")
        elif not scale_ok[i]:
            pass  # the scale is reported; the value cannot be judged without it
        elif x100[i] and v != round(v):
            add(i, "value", t, OUT_OF_RANGE,
                "raden anger skala ×100 men värdet har decimaler (index ×100 trycks som "
                "heltal).", f"Om rapporten skriver {t} är skalan {SCALE_06}: rätta skalan.")
        elif not x100[i] and SCALE_MAX < v <= SCALE_MAX * 100:
            add(i, "value", t, UNDECLARED_X100,
                "värdet är större än 6 men raden anger inte skala ×100 "
                f"(det ser ut som {_sv(v / 100)} tryckt ×100).",
                f"Om rapporten trycker index ×100: skriv {SCALE_0600} i kolumnen skala "
                "(eller ja i kolumnen x100) så räknas värdet om. Annars: rätta värdet.")
        else:
            scale = f"{SCALE_0600} (0–6 efter omräkning)" if x100[i] else SCALE_06
            add(i, "value", t, OUT_OF_RANGE, f"värdet ligger utanför skalan {scale}.",
                "Polisens index går från 0 till 6; kontrollera värdet i rapporten.")
    values[bad_value] = np.nan

    # source and publication date
    for i in np.flatnonzero((source_text == "").to_numpy()):
        add(int(i), "source", "", P.MISSING_VALUE, "källan saknas.",
            "Skriv rapportens titel, t.ex. \"Trygghetsmätning 2021, LPO Eslöv\".")
    dates = {t: _parse_date(t) for t in set(pub_l)}
    published: list = [pd.NaT] * n
    for i in range(n):
        t = pub_l[i]
        d = dates[t]
        if d is None:
            add(i, "published", t, BAD_DATE if t else P.MISSING_VALUE,
                "publiceringsdatumet saknas." if not t else "är inte ett datum (ÅÅÅÅ-MM-DD).",
                "Skriv datumet då rapporten publicerades, t.ex. 2021-12-02.")
        elif years[i] > 0 and d.year < years[i]:
            add(i, "published", t, BAD_DATE,
                f"publiceringsdatumet ligger före mätåret {years[i]}.",
                "Kontrollera året och publiceringsdatumet.")
        else:
            published[i] = d

    by_code = {ind.code: ind for ind in indicators}
    frame = pd.DataFrame({
        "year": years,
        "area": pd.array(areas, dtype="string"),
        "area_name": pd.array(area_names, dtype="string"),
        "indicator": pd.array(ind_codes, dtype="string"),
        "indicator_name": pd.array([by_code[c].name if c is not pd.NA else pd.NA
                                    for c in ind_codes], dtype="string"),
        "item": pd.array([by_code[c].item if c is not pd.NA else pd.NA for c in ind_codes],
                         dtype="string"),
        "value": values,
        "value_published": value_text.astype("string"),
        "scale": pd.array([SCALE_0600 if x else SCALE_06 for x in x100], dtype="string"),
        "converted_x100": x100,
        "source": source_text.astype("string"),
        "published": pd.to_datetime(pd.Series(published, dtype="object")).astype(
            "datetime64[ms]"),
        "page": text("page").astype("string"),
        "note": text("note").astype("string"),
        "source_file": pd.array([table.file] * n, dtype="string"),
        "source_row": table.excel_rows.to_numpy(dtype="int64"),
    })
    frame.insert(3, "area_version", area_versions(register, frame["area"], frame["year"]))
    found.sort(key=lambda t: (t[0], t[1].column or ""))
    return frame, found


def _parse_date(text: str) -> date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text or ""):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def validate_official(table: RawTable, register: pd.DataFrame,
                      indicators: Iterable[PoliceIndicator] | None = None) -> RawTable:
    """Return ``table`` unchanged, or raise ``DataError`` listing every problem of its rows."""
    _, found = parse_official(table, register, indicators)
    if found:
        raise DataError([p for _, p in found], title="Polisens indextabell har fel")
    return table


def _cross_row_problems(frame: pd.DataFrame) -> dict[int, Problem]:
    """Rows that contradict each other (same year × area × indicator × publication date)."""
    out: dict[int, Problem] = {}
    keys = [*KEY, "published"]
    dup = frame.duplicated(keys, keep=False).to_numpy()
    if not dup.any():
        return out
    sub = frame[dup]
    for _, group in sub.groupby(keys, sort=False):
        where = {i: [f"{f} rad {r}" for j, f, r in zip(group.index, group["source_file"],
                                                          group["source_row"], strict=True)
                     if j != i] for i in group.index}
        conflict = group["value"].nunique() > 1
        same_source = group.duplicated(["source"], keep=False)
        for i, row in group.iterrows():
            others = ", ".join(where[i])
            if conflict:
                out[i] = Problem(row["source_file"], int(row["source_row"]), "varde",
                                 row["value_published"], CONFLICT,
                                 f"ett annat värde för samma år, område, indikator och "
                                 f"publiceringsdatum finns på {others}.",
                                 "Varje publicering behöver sitt eget datum (så att senaste "
                                 "versionen kan väljas); rätta värdet eller datumet.")
            elif same_source[i]:
                out[i] = Problem(row["source_file"], int(row["source_row"]), "indikator",
                                 row["indicator_name"], DUPLICATE,
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
    frame = pd.DataFrame({c: [] for c in OFFICIAL_COLUMNS})
    return _typed(frame)


@dataclass
class OfficialDelivery:
    """The result of reading index tables: accepted rows (with vintage columns), rejected
    rows, every problem, and per file rows read / accepted / rejected by reason."""

    table: pd.DataFrame
    rejected: pd.DataFrame
    problems: list[Problem]
    accounting: dict[str, dict]


def load_official(tables: Iterable[RawTable], register: pd.DataFrame,
                  indicators: Iterable[PoliceIndicator] | None = None) -> OfficialDelivery:
    """Validate index tables and combine them into one long table with vintage columns.

    Pure (the tables are already read). Rows with a problem are set aside in
    ``rejected`` (columns ``fil, rad, orsak, meddelande`` and the delivered
    cells); the caller decides whether problems stop the build. Per file,
    read = accepted + rejected (checked).
    """
    indicators = tuple(indicators or load_police_indicators())
    tables = list(tables)
    parsed, rejected_parts, problems = [], [], []
    accounting: dict[str, dict] = {}
    for table in tables:
        frame, found = parse_official(table, register, indicators)
        by_row: dict[int, list[Problem]] = {}
        for i, p in found:
            by_row.setdefault(i, []).append(p)
        parsed.append((table, frame, by_row))
    # cross-row checks over every file, among rows without row problems
    ok_frames = [f.drop(index=list(b)) for _, f, b in parsed]
    combined = pd.concat(ok_frames, ignore_index=True) if ok_frames else None
    cross = _cross_row_problems(combined) if combined is not None and len(combined) else {}
    cross_by_file: dict[tuple[str, int], Problem] = {
        (p.file, p.row): p for p in cross.values()}
    accepted = []
    for table, frame, by_row in parsed:
        for i in range(len(frame)):
            p = cross_by_file.get((table.file, int(frame["source_row"].iloc[i])))
            if p is not None:
                by_row.setdefault(i, []).append(p)
        bad = sorted(by_row)
        for i in bad:
            problems.extend(by_row[i])
        keep = np.ones(len(frame), dtype=bool)
        keep[bad] = False
        accepted.append(frame[keep])
        rejected_parts.append(_rejected_rows(table, bad, by_row))
        reasons = Counter(r for i in bad for r in sorted({p.reason for p in by_row[i]}))
        accounting[table.file] = {"lasta": len(frame), "godkanda": int(keep.sum()),
                                  "avvisade": len(bad), "orsaker": dict(sorted(reasons.items()))}
        acc = accounting[table.file]
        if acc["godkanda"] + acc["avvisade"] != acc["lasta"]:
            raise RuntimeError(f"radredovisningen går inte ihop för {table.file}: {acc}")
    if accepted and sum(len(a) for a in accepted):
        table = _typed(add_vintages(pd.concat([a for a in accepted if len(a)],
                                              ignore_index=True)))
    else:
        table = empty_official()
    table = table.sort_values([*KEY, "vintage"], ignore_index=True)
    rejected = pd.concat([r for r in rejected_parts if len(r)] or [empty_rejected()],
                         ignore_index=True).sort_values(["fil", "rad"], ignore_index=True)
    return OfficialDelivery(table, rejected, problems, accounting)


def _rejected_rows(table: RawTable, rows: list[int], by_row: dict[int, list[Problem]]
                   ) -> pd.DataFrame:
    frame = pd.DataFrame({
        "fil": pd.array([table.file] * len(rows), dtype="string"),
        "rad": table.excel_rows.iloc[rows].to_numpy(dtype="int64"),
        "orsak": pd.array([";".join(sorted({p.reason for p in by_row[i]})) for i in rows],
                          dtype="string"),
        "meddelande": pd.array([" | ".join(p.format() for p in by_row[i]) for i in rows],
                               dtype="string"),
    })
    for header in table.frame.columns:
        if normalise_label(header) in _HEADER_LOOKUP and header not in frame.columns:
            frame[header] = table.frame[header].iloc[rows].to_numpy()
            frame[header] = frame[header].astype("string")
    return frame


def empty_rejected() -> pd.DataFrame:
    return pd.DataFrame({"fil": pd.array([], dtype="string"), "rad": pd.array([], dtype="int64"),
                         "orsak": pd.array([], dtype="string"),
                         "meddelande": pd.array([], dtype="string")})


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


# --- vintages and comparison -------------------------------------------------------------


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


@dataclass(frozen=True)
class OfficialChange:
    """The change in one official index between two years, judged without a CI."""

    indicator: str
    indicator_name: str
    area: str
    area_name: str
    year1: int
    year2: int
    value1: float
    value2: float
    change: float
    min_difference: float
    verdict: str
    comparable: bool
    restated1: bool
    restated2: bool
    at_action_level1: bool
    at_action_level2: bool
    vintage: str
    text: str

    def as_dict(self) -> dict:
        return asdict(self)


def _find_indicator(table: pd.DataFrame, indicator: str) -> str:
    if (table["indicator"] == indicator).any():
        return indicator
    ind = indicator_lookup(load_police_indicators()).get(_indicator_key(indicator))
    if ind is not None:
        return ind.code
    raise LookupError(f"indikatorn {indicator!r} finns inte i tabellen med polisens index")


def compare_official(table: pd.DataFrame, indicator: str, area: str, year1: int, year2: int, *,
                     min_difference: float = Settings.official_min_difference,
                     vintage: str = "latest",
                     action_level: float = ACTION_LEVEL) -> OfficialChange:
    """Compare an official index between two years.

    No uncertainty is known for the police's index, so the change
    ``Δ = value(year2) − value(year1)`` is judged against ``min_difference``:
    ``|Δ| < min_difference`` -> "oförändrad", else "ökning"/"minskning"; an
    area whose boundaries were redrawn between the years -> "ej jämförbar".
    Values at or above ``action_level`` (3, the police's action level) are
    flagged. ``table`` is the long official table (``official_indices.parquet``);
    ``area`` is a code, a name, ``kommunen`` or ``lpo``. Raises ``LookupError``
    (Swedish message) when a value is missing.
    """
    chosen = select_vintage(table, vintage)
    code = _find_indicator(chosen, indicator)
    rows = chosen[chosen["indicator"] == code]
    key = normalise_label(area)
    if key in _TOTAL_KEYS:
        area = TOTAL_AREA
    elif key in _LPO_KEYS:
        area = LPO_AREA
    elif not (rows["area"] == area).any():
        named = rows.loc[rows["area_name"].map(normalise_label) == key, "area"].unique()
        if len(named) == 1:
            area = str(named[0])
    picked = {}
    for year in (year1, year2):
        hit = rows[(rows["area"] == area) & (rows["year"] == year)]
        if hit.empty:
            have = sorted(rows.loc[rows["area"] == area, "year"].unique().tolist())
            raise LookupError(f"polisens index för {code} i område {area} saknas för {year} "
                              f"(finns för: {', '.join(map(str, have)) or 'inga år'}).")
        picked[year] = hit.iloc[0]
    r1, r2 = picked[year1], picked[year2]
    v1, v2 = float(r1["value"]), float(r2["value"])
    change = round(v2 - v1, 10)
    comparable = area in TOTAL_AREAS or (
        pd.notna(r1["area_version"]) and r1["area_version"] == r2["area_version"])
    if not comparable:
        verdict = NOT_COMPARABLE
    elif abs(change) < min_difference - 1e-9:
        verdict = UNCHANGED
    else:
        verdict = INCREASE if change > 0 else DECREASE
    a1, a2 = v1 >= action_level - 1e-9, v2 >= action_level - 1e-9
    sign = "+" if change > 0 else ""
    parts = [f"{r1['indicator_name']}, {r2['area_name']}: {_sv(v1)} ({year1}) -> "
             f"{_sv(v2)} ({year2}), förändring {sign}{_sv(change)}: {verdict}.",
             NO_CI_TEXT.format(min_difference=_sv_short(min_difference))]
    if not comparable:
        parts.append("Områdets gränser ritades om mellan åren, så skillnaden är ingen "
                     "förändring i samma område.")
    flagged = [f"{y} ({_sv(v)})" for y, v, a in ((year1, v1, a1), (year2, v2, a2)) if a]
    if flagged:
        parts.append(f"På eller över polisens åtgärdsnivå {_sv_short(action_level)}: "
                     + ", ".join(flagged) + ".")
    chosen_word = "senast" if vintage == "latest" else "först"
    for y, r in ((year1, r1), (year2, r2)):
        if bool(r["restated"]):
            parts.append(f"Värdet för {y} har reviderats (först publicerat "
                         f"{_sv(r['first_value'])}, senast {_sv(r['latest_value'])}); "
                         f"jämförelsen använder det {chosen_word} publicerade.")
    return OfficialChange(code, str(r1["indicator_name"]), area, str(r2["area_name"]),
                          int(year1), int(year2), v1, v2, change, float(min_difference), verdict,
                          bool(comparable), bool(r1["restated"]), bool(r2["restated"]),
                          bool(a1), bool(a2), vintage, " ".join(parts))


# --- side by side with our own estimates -------------------------------------------------


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 3 or len(np.unique(x)) < 2 or len(np.unique(y)) < 2:
        return float("nan")
    return float(stats.spearmanr(x, y).statistic)


def _agreement_note(n: int, rho: float, min_areas: int) -> str:
    if n < 3:
        return (f"för få områden ({n}) för en rangkorrelation; jämför värdena område för "
                "område.")
    if np.isnan(rho):
        return "alla områden har samma värde i den ena källan; ingen rangkorrelation."
    if n < min_areas:
        return (f"bara {n} områden: rangkorrelationen är mycket osäker och visar bara om "
                "källorna rangordnar områdena åt samma håll.")
    return ""


def rank_agreement(side: pd.DataFrame, *, min_areas: int = MIN_AREAS_RANK) -> pd.DataFrame:
    """Spearman rank correlation across areas between official index and our share.

    One row per year × indicator: ``n_areas_ranked`` (areas with both an
    official value and an unsuppressed estimate; the kommun and LPO totals are
    not areas), ``spearman_rho`` (NaN below 3 areas or when one source has a
    single value) and a Swedish caveat when there are fewer than ``min_areas``.
    """
    rows = []
    ranked = _rankable(side)
    for (year, ind), group in side.groupby(["year", "indicator"], sort=True):
        g = ranked[(ranked["year"] == year) & (ranked["indicator"] == ind)]
        rho = _spearman(g["official_value"].to_numpy(), g["estimate"].to_numpy())
        rows.append({"year": int(year), "indicator": ind,
                     "indicator_name": group["indicator_name"].iloc[0],
                     "n_areas_ranked": len(g), "spearman_rho": rho,
                     "agreement_note": _agreement_note(len(g), rho, min_areas)})
    out = pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
    return out.astype({"year": "int64", "indicator": "string", "indicator_name": "string",
                       "n_areas_ranked": "int64", "spearman_rho": "float64",
                       "agreement_note": "string"})


def _rankable(side: pd.DataFrame) -> pd.DataFrame:
    ok = (~side["area"].isin(TOTAL_AREAS) & side["official_value"].notna()
          & side["estimate"].notna() & ~side["suppressed"].astype(bool))
    return side[ok]


def official_vs_survey(official: pd.DataFrame, estimates: pd.DataFrame,
                       indicators: Iterable[PoliceIndicator] | None = None, *,
                       vintage: str = "latest",
                       min_areas: int = MIN_AREAS_RANK) -> pd.DataFrame:
    """The official index beside our estimate of the matching share, per area and year.

    For every police indicator with a ``survey_indicator`` (for problem items
    the share "stort problem"), rows where both an official value (the chosen
    vintage) and an estimate exist. Our columns ``estimate, ci_low, ci_high, n,
    suppressed, uncertain`` are copied as they are (a suppressed estimate stays
    suppressed). ``rank_official``/``rank_survey`` rank the areas within year ×
    indicator (1 = the biggest problem; totals are not ranked) and
    ``spearman_rho`` is their rank correlation (see ``rank_agreement``).
    """
    indicators = tuple(indicators or load_police_indicators())
    pairs = pd.DataFrame([(i.code, i.item, i.survey_indicator) for i in indicators
                          if i.item and i.survey_indicator],
                         columns=["indicator", "item", "survey_indicator"]).astype("string")
    chosen = select_vintage(official, vintage)
    left = chosen.drop(columns=["item"]).merge(pairs, on="indicator", how="inner")
    left = left.rename(columns={"value": "official_value", "restated": "official_restated",
                                "n_vintages": "official_n_vintages",
                                "source": "official_source", "published": "official_published"})
    est = estimates[estimates["indicator"].isin(pairs["survey_indicator"].unique())]
    if est.duplicated(["year", "area", "indicator", "item"]).any():
        raise ValueError("skattningarna har flera rader för samma år, område, mått och fråga")
    est = est.assign(uncertain=est["uncertain"] if "uncertain" in est else False)
    est = est[["year", "area", "indicator", "item", "estimate", "ci_low", "ci_high", "n",
               "suppressed", "uncertain"]].rename(columns={"indicator": "survey_indicator"})
    est = est.astype({"area": "string", "item": "string", "survey_indicator": "string",
                      "year": "int64"})
    side = left.merge(est, on=["year", "area", "item", "survey_indicator"], how="inner")
    side["suppressed"] = side["suppressed"].astype(bool)
    side["uncertain"] = side["uncertain"].astype(bool)
    ranked = _rankable(side)
    grp = ranked.groupby(["year", "indicator"], sort=False)
    side["rank_official"] = grp["official_value"].rank(ascending=False, method="average")
    side["rank_survey"] = grp["estimate"].rank(ascending=False, method="average")
    agreement = rank_agreement(side, min_areas=min_areas)
    side = side.merge(agreement.drop(columns=["indicator_name"]), on=["year", "indicator"],
                      how="left")
    out = side.sort_values(["year", "indicator", "area"], ignore_index=True)
    return _typed_side(out[SIDE_BY_SIDE_COLUMNS])


def _typed_side(frame: pd.DataFrame) -> pd.DataFrame:
    types = {c: "string" for c in ["area", "area_name", "indicator", "indicator_name", "item",
                                   "survey_indicator", "official_source", "agreement_note"]}
    types |= {"year": "int64", "official_value": "float64", "official_restated": bool,
              "official_n_vintages": "int64", "official_published": "datetime64[ms]",
              "at_action_level": bool, "estimate": "float64", "ci_low": "float64",
              "ci_high": "float64", "n": "Int64", "suppressed": bool, "uncertain": bool,
              "rank_official": "float64", "rank_survey": "float64",
              "n_areas_ranked": "Int64", "spearman_rho": "float64"}
    return frame.astype(types)[SIDE_BY_SIDE_COLUMNS]


def empty_side_by_side() -> pd.DataFrame:
    """A side-by-side table with no rows (the schema of ``official_vs_survey.parquet``)."""
    return _typed_side(pd.DataFrame({c: [] for c in SIDE_BY_SIDE_COLUMNS}))
