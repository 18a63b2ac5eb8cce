"""Reading walk deliveries: the walks table and one protocol file per walk.

A delivery (``data/raw/trygghetsvandringar/``) holds

* ``vandringar.csv`` (or ``.xlsx``): one row per walk – ``Vandring`` (id), ``Datum``,
  ``Ort``, ``Slinga``, ``Ljus``, ``Form``, ``Deltagare``, ``Arrangör``, optionally
  ``Protokoll`` (the protocol's file name) and ``Koordinatsystem`` (for X/Y in the
  protocol);
* one protocol per walk (CSV in UTF-8 or cp1252, or Excel), one row per observation.

Headers are matched through the walk vocabulary (``walk_vocabulary.yaml`` and the kommun's
``ordlista.yaml``; case, spacing and å/ä/ö are ignored). Plausibility limits:
``Deltagare`` is a whole number from 0 to ``max_count``;
every date (walk, status, target) lies in the years ``earliest_year``..``latest_year``
(``analysis.settings.Settings``). Every row is kept in the returned frames with its problems listed
beside it; nothing is dropped here. The caller (``analysis.walks.load``) splits
accepted from rejected rows and checks the row accounting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis import problems as P
from analysis.dates import (
    DATE_DTYPE,
    DATE_HINT,
    outside_years,
    parse_dates,
    window_hint,
    years_text,
)
from analysis.files import RawTable, parse_numbers
from analysis.files import map_headers as _map_headers
from analysis.formatting import sv_count
from analysis.paths import VOCABULARY_FILE
from analysis.problems import DataError, Problem
from analysis.settings import Settings
from analysis.text import match_key
from analysis.walks.terms import WalkVocabulary

WALKS_FILE_STEM = "vandringar"
TABLE_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm"}

# Swedish names of the canonical columns (used in messages when a column is missing).
PROTOCOL_HEADERS = {
    "walk_id": "Vandring", "walk_date": "Datum", "locality": "Ort", "route": "Slinga",
    "observation": "Observation", "category": "Kategori", "severity": "Allvarlighet",
    "status": "Status", "status_date": "Statusdatum", "place": "Plats", "area": "Område",
    "crs": "Koordinatsystem",
}

# Accepted coordinate systems: spellings -> EPSG code (the places module analyses in 3006).
CRS_NAMES = {
    "epsg 3006": "EPSG:3006", "3006": "EPSG:3006", "sweref 99 tm": "EPSG:3006",
    "sweref99 tm": "EPSG:3006", "sweref99tm": "EPSG:3006",
    "epsg 3008": "EPSG:3008", "3008": "EPSG:3008", "sweref 99 13 30": "EPSG:3008",
    "sweref99 13 30": "EPSG:3008", "sweref 99 1330": "EPSG:3008", "sweref99 1330": "EPSG:3008",
    "epsg 4326": "EPSG:4326", "4326": "EPSG:4326", "wgs84": "EPSG:4326", "wgs 84": "EPSG:4326",
}
CRS_HINT = ("Ange SWEREF 99 13 30 (EPSG:3008), SWEREF 99 TM (EPSG:3006) eller WGS84 "
            "(EPSG:4326) i kolumnen Koordinatsystem (i protokollet eller i vandringar.csv).")


def crs_code(value: object) -> str | None:
    """The EPSG code of a coordinate system as written (``None`` if not recognised)."""
    key = match_key(value).replace(":", " ")
    key = re.sub(r"\s+", " ", key).strip()
    return CRS_NAMES.get(key)


@dataclass
class Checked:
    """A table read into canonical columns, every row kept; ``problems`` are (row index, Problem).

    ``years`` is the plausible window of every date in it (first and last year, inclusive).
    """

    table: RawTable
    frame: pd.DataFrame
    found: dict[str, str]
    problems: list[tuple[int, Problem]] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    years: tuple[int, int] = (Settings.earliest_year, Settings.latest_year)

    def add_one(self, i: int, column: str, value: object, reason: str, message: str,
                hint: str = "") -> None:
        """A problem in row ``i`` (0-based) of ``column`` (canonical; shown as the file's header)."""
        header = self.found.get(column, PROTOCOL_HEADERS.get(column, column))
        value = None if value is None or value is pd.NA else str(value)
        self.problems.append((i, Problem(self.table.file, int(self.table.excel_rows.iloc[i]),
                                         header, value, reason, message, hint)))

    def add(self, mask, column: str, values: pd.Series | None, reason: str, message: str,
            hint: str = "") -> None:
        """One problem per row in ``mask``; ``column`` is the canonical column."""
        for i in np.flatnonzero(np.asarray(mask, dtype=bool)):
            self.add_one(int(i), column, None if values is None else values.iloc[i], reason,
                         message, hint)


def map_headers(table: RawTable, vocabulary: WalkVocabulary, kind: str
                ) -> tuple[dict[str, str], list[Problem]]:
    """Canonical column -> header in the file; notices for headers that are not read."""
    lookup = vocabulary.headers[kind]
    return _map_headers(table, lambda header: lookup.get(match_key(header)),
                        f'Behövs kolumnen: lägg till rubriken under "headers: {kind}:" i '
                        f"data/raw/{VOCABULARY_FILE} (se docs/ny_kommun.md).")


def _text(table: RawTable, found: dict[str, str], column: str) -> pd.Series:
    n = len(table.frame)
    if column not in found:
        return pd.Series([""] * n, dtype="string")
    return table.frame[found[column]].fillna("").astype("string").str.strip().reset_index(
        drop=True)


def _missing_columns(table: RawTable, found: dict[str, str], required: list[str],
                     hint: str) -> None:
    missing = [c for c in required if c not in found]
    if missing:
        raise DataError([Problem(table.file, table.header_row, None, None, P.MISSING_COLUMN,
                                 f'kolumnen "{PROTOCOL_HEADERS.get(c, c)}" saknas.', hint)
                         for c in missing], title="Filen kan inte läsas")


def _terms(chk: Checked, column: str, vocabulary: WalkVocabulary, field_name: str,
           required: np.ndarray | bool, label: str) -> pd.Series:
    """Match one vocabulary column; report unknown and (where required) empty values."""
    raw = _text(chk.table, chk.found, column)
    terms = vocabulary[field_name]
    codes, bad = terms.match(raw)
    hints = {v: terms.hint(v) for v in raw[bad].unique()}
    for i in np.flatnonzero(bad):
        chk.add_one(int(i), column, raw.iloc[i], P.UNKNOWN_TERM,
                    f"okänd {label}.", hints[raw.iloc[i]])
    empty = (raw == "").to_numpy() & np.broadcast_to(np.asarray(required, dtype=bool), len(raw))
    chk.add(empty, column, raw, P.MISSING_VALUE, f"{label} saknas.",
            "Kända värden: " + ", ".join(str(v) for v in terms.labels.values()) + ".")
    return pd.Series(codes, dtype="object")


def _dates(chk: Checked, column: str, required: bool, label: str) -> pd.Series:
    """The dates of a column; one that is not a date, or lies outside ``chk.years``, is a
    problem and becomes NaT (it is never used)."""
    raw = _text(chk.table, chk.found, column)
    dates = parse_dates(raw)
    chk.add((dates.isna() & (raw != "")).to_numpy(), column, raw, P.BAD_DATE,
            f"är inte ett datum ({label}).", DATE_HINT)
    if required:
        chk.add((raw == "").to_numpy(), column, raw, P.MISSING_VALUE, f"{label} saknas.",
                DATE_HINT)
    outside = outside_years(dates, *chk.years).to_numpy()
    chk.add(outside, column, raw, P.IMPLAUSIBLE_DATE,
            f"{label} ligger utanför åren {years_text(*chk.years)}.", window_hint(*chk.years))
    return dates.mask(outside)


# --- the walks table --------------------------------------------------------------------

WALK_COLUMNS = ["walk_id", "walk_date", "year", "locality", "route", "light", "mode",
                "participants", "organiser", "protocol_file", "crs", "data_note",
                "source_file", "source_row"]


def check_walks(table: RawTable, vocabulary: WalkVocabulary, *,
                max_count: int = Settings.max_count,
                earliest_year: int = Settings.earliest_year,
                latest_year: int = Settings.latest_year) -> Checked:
    """The walks table in canonical columns (every row kept; problems listed).

    ``Deltagare`` must be a whole number from 0 to ``max_count``; ``Datum`` a date in the
    years ``earliest_year``..``latest_year``.
    """
    found, notices = map_headers(table, vocabulary, "walks")
    _missing_columns(table, found, ["walk_id", "walk_date", "locality"],
                     "vandringar.csv ska ha minst Vandring, Datum och Ort.")
    chk = Checked(table, pd.DataFrame(index=pd.RangeIndex(len(table.frame))), found,
                  notices=notices, years=(earliest_year, latest_year))
    out = chk.frame
    out["walk_id"] = _text(table, found, "walk_id")
    chk.add((out["walk_id"] == "").to_numpy(), "walk_id", out["walk_id"], P.MISSING_VALUE,
            "vandringens id saknas.", "Varje vandring behöver ett id (t.ex. 2021-1).")
    dup = (out["walk_id"].duplicated(keep=False) & (out["walk_id"] != "")).to_numpy()
    chk.add(dup, "walk_id", out["walk_id"], P.DUPLICATE_ID,
            "vandringen står på flera rader.", "Varje vandring ska stå en gång.")
    out["walk_date"] = _dates(chk, "walk_date", True, "vandringens datum")
    out["year"] = out["walk_date"].dt.year.astype("Int64")
    out["locality"] = _text(table, found, "locality")
    chk.add((out["locality"] == "").to_numpy(), "locality", out["locality"], P.MISSING_VALUE,
            "ort saknas.", "Orten behövs för att hitta platser med samma namn (Stora torg).")
    out["route"] = _text(table, found, "route")
    out["light"] = _terms(chk, "light", vocabulary, "light", False, "ljus")
    out["mode"] = _terms(chk, "mode", vocabulary, "mode", False, "form")
    out["participants"] = _participants(chk, max_count)
    out["organiser"] = _text(table, found, "organiser")
    out["protocol_file"] = _text(table, found, "protocol_file")
    ctext = _text(table, found, "crs")
    crs = ctext.map(lambda v: crs_code(v) if v else None)
    chk.add(((ctext != "") & crs.isna()).to_numpy(), "crs", ctext, P.UNKNOWN_CRS,
            "okänt koordinatsystem.", CRS_HINT)
    out["crs"] = crs.astype("string")
    out["data_note"] = _text(table, found, "data_note")
    out["source_file"] = pd.array([table.file] * len(out), dtype="string")
    out["source_row"] = table.excel_rows.to_numpy()
    for col in ["locality", "route", "organiser", "protocol_file", "data_note"]:
        out[col] = out[col].replace("", pd.NA).astype("string")
    for col in ["light", "mode"]:
        out[col] = out[col].astype("string")
    return chk


def _participants(chk: Checked, max_count: int) -> pd.Series:
    """``Deltagare`` as a whole number 0..``max_count`` (empty allowed); anything else
    (text, decimals, a negative or absurd number such as 1e308) is a problem, never used."""
    text = _text(chk.table, chk.found, "participants")
    num = parse_numbers(text)
    num = num.where(np.isfinite(num))  # inf (1e309) is not a number of people either
    bad = ((text != "") & (num.isna() | (num % 1 != 0) | (num < 0) | (num > max_count))
           ).fillna(True).to_numpy()
    chk.add(bad, "participants", text, P.BAD_NUMBER,
            f"är inte ett antal deltagare (tillåtet: ett heltal från 0 till "
            f"{sv_count(max_count)}).",
            "Skriv antalet deltagare som ett heltal, eller lämna cellen tom.")
    return num.where(~bad).astype("Int64")


# --- protocols ----------------------------------------------------------------------------

OBSERVATION_COLUMNS = [
    "observation_id", "walk_id", "walk_date", "year", "locality", "route", "observation",
    "valence", "category", "severity", "description", "proposed_action", "responsible",
    "decision", "decision_reason", "reason_category", "target_date", "status", "status_date",
    "place_named", "area_stated", "coord_crs", "source_file", "source_row",
]
# Free-text columns: kept in observations.parquet only, never in exports or rejected rows.
FREE_TEXT = ["description", "proposed_action", "decision_reason"]
# Statuses that need a date (the fix date for ``atgardad``).
DATED_STATUSES = {"atgardad"}


def check_protocol(table: RawTable, walks: pd.DataFrame, vocabulary: WalkVocabulary,
                   crs: str | None = None, rejected_walks: frozenset[str] = frozenset(), *,
                   earliest_year: int = Settings.earliest_year,
                   latest_year: int = Settings.latest_year) -> Checked:
    """One protocol in canonical columns (every row kept; problems listed).

    ``walks`` are the accepted walks (canonical walks table). The walk of a row is
    the protocol's ``Vandring`` column, else the walk whose ``Protokoll`` names the
    file. ``crs`` names the coordinate system of X/Y columns when neither the
    protocol nor the walks table says it. Status and target dates must lie in the
    years ``earliest_year``..``latest_year`` (a status date after the follow-up date is
    fine: it is simply not known yet on that date).
    """
    found, notices = map_headers(table, vocabulary, "protocol")
    wid = _protocol_walk_ids(table, found, walks)
    _missing_columns(table, found, ["observation", "category"],
                     "Ett protokoll behöver minst Observation och Kategori.")
    n = len(table.frame)
    chk = Checked(table, pd.DataFrame(index=pd.RangeIndex(n)), found, notices=notices,
                  years=(earliest_year, latest_year))
    _the_walk(chk, wid, walks, rejected_walks)
    _the_observation(chk, vocabulary)
    _where(chk, walks, crs)
    chk.frame["source_file"] = pd.array([table.file] * n, dtype="string")
    chk.frame["source_row"] = table.excel_rows.to_numpy()
    return chk


def _protocol_walk_ids(table: RawTable, found: dict[str, str], walks: pd.DataFrame
                       ) -> pd.Series:
    """The walk of each row: the ``Vandring`` column, else the one walk whose ``Protokoll``
    names this file (``DataError`` if there is no such walk)."""
    if "walk_id" in found:
        return _text(table, found, "walk_id")
    by_file = walks[walks["protocol_file"].fillna("").map(match_key) == match_key(table.file)]
    if len(by_file) != 1:
        raise DataError([Problem(table.file, table.header_row, None, None, P.MISSING_COLUMN,
                                 'kolumnen "Vandring" saknas och vandringar.csv anger inte '
                                 "filen som protokoll för någon vandring.",
                                 "Lägg till kolumnen Vandring, eller filnamnet i kolumnen "
                                 "Protokoll i vandringar.csv.")], title="Filen kan inte läsas")
    return pd.Series([by_file["walk_id"].iloc[0]] * len(table.frame), dtype="string")


def _the_walk(chk: Checked, wid: pd.Series, walks: pd.DataFrame,
              rejected_walks: frozenset[str]) -> None:
    """``walk_id`` and the walk's date, year, locality and route; an unknown or rejected
    walk, and a date, locality or route that differs from the walks table, are problems."""
    out = chk.frame
    out["walk_id"] = wid
    info = walks.set_index("walk_id")
    known = wid.isin(info.index).to_numpy()
    bad_walk = wid.isin(rejected_walks).to_numpy()
    chk.add(~known & ~bad_walk, "walk_id", wid, P.UNKNOWN_WALK,
            "vandringen finns inte i vandringar.csv.",
            "Lägg till vandringen i vandringar.csv (eller rätta id:t).")
    chk.add(bad_walk, "walk_id", wid, P.UNKNOWN_WALK,
            "vandringens rad i vandringar.csv har fel.", "Rätta raden i vandringar.csv.")
    for column in ["walk_date", "locality", "route"]:
        out[column] = info[column].reindex(wid).to_numpy()
    out["walk_date"] = out["walk_date"].astype(DATE_DTYPE)
    out["year"] = out["walk_date"].dt.year.astype("Int64")
    out["locality"] = out["locality"].astype("string")
    out["route"] = out["route"].astype("string")
    table, found = chk.table, chk.found
    if "walk_date" in found:
        d = _dates(chk, "walk_date", False, "vandringens datum")
        differ = (known & d.notna().to_numpy()
                  & (d != out["walk_date"]).fillna(False).to_numpy())
        chk.add(differ, "walk_date", _text(table, found, "walk_date"), P.WALK_MISMATCH,
                "datumet stämmer inte med vandringens datum i vandringar.csv.",
                "Rätta datumet i protokollet eller i vandringar.csv.")
    for column, label in [("locality", "orten"), ("route", "slingan")]:
        if column in found:
            raw = _text(table, found, column)
            differ = (known & (raw != "").to_numpy()
                      & (raw.map(match_key) != out[column].fillna("").map(match_key))
                      .to_numpy())
            chk.add(differ, column, raw, P.WALK_MISMATCH,
                    f"{label} stämmer inte med vandringen i vandringar.csv.",
                    f"Rätta {label} i protokollet eller i vandringar.csv.")


def _the_observation(chk: Checked, vocabulary: WalkVocabulary) -> None:
    """Number and id, the vocabulary columns, free text, dates and status of each row."""
    table, found, out = chk.table, chk.found, chk.frame
    out["observation"] = _text(table, found, "observation")
    chk.add((out["observation"] == "").to_numpy(), "observation", out["observation"],
            P.MISSING_VALUE, "observationens nummer saknas.",
            "Numrera observationerna i varje vandring (1, 2, 3 ...).")
    out["observation_id"] = (out["walk_id"] + ":" + out["observation"]).astype("string")
    valence = _terms(chk, "valence", vocabulary, "valence", False, "typ")
    out["valence"] = valence.where(valence.notna(), "problem").astype("string")
    out["category"] = _terms(chk, "category", vocabulary, "category", True,
                             "kategori").astype("string")
    severity = _terms(chk, "severity", vocabulary, "severity", False, "allvarlighet")
    out["severity"] = pd.array(severity.to_list(), dtype="Int8")
    for column in FREE_TEXT:
        out[column] = _text(table, found, column).replace("", pd.NA).astype("string")
    out["responsible"] = _terms(chk, "responsible", vocabulary, "responsible", False,
                                "ansvarig").astype("string")
    out["decision"] = _terms(chk, "decision", vocabulary, "decision", False,
                             "beslut").astype("string")
    out["reason_category"] = vocabulary.reasons.categorise(
        out["decision_reason"]).astype("string")
    out["target_date"] = _dates(chk, "target_date", False, "måldatum")
    status = _terms(chk, "status", vocabulary, "status", False, "status")
    out["status"] = status.where(status.notna(), "ny").astype("string")
    out["status_date"] = _dates(chk, "status_date", False, "statusdatum")
    needs_date = out["status"].isin(DATED_STATUSES).to_numpy() & out["status_date"].isna()
    raw_sd = _text(table, found, "status_date")
    chk.add(needs_date.to_numpy() & (raw_sd == "").to_numpy(), "status_date", raw_sd,
            P.MISSING_VALUE, "statusdatum saknas för en åtgärdad observation.",
            "Ange datumet då åtgärden blev klar (behövs för tiden till åtgärd).")
    for column, label in [("status_date", "statusdatum"), ("target_date", "måldatum")]:
        before = (out[column] < out["walk_date"]).fillna(False).to_numpy()
        _before(chk, before, column, label, out)


def _before(chk: Checked, mask: np.ndarray, column: str, label: str, out: pd.DataFrame) -> None:
    raw = _text(chk.table, chk.found, column)
    walk_dates = out["walk_date"].dt.strftime("%Y-%m-%d")
    for i in np.flatnonzero(mask):
        chk.add_one(int(i), column, raw.iloc[i], P.DATE_BEFORE_WALK,
                    f"{label} är före vandringens datum ({walk_dates.iloc[i]}).",
                    "Kontrollera datumet: en åtgärd kan inte vara klar före vandringen.")


def _where(chk: Checked, walks: pd.DataFrame, crs: str | None) -> None:
    """Coordinates, named place and stated area; a row with none of them is a problem."""
    table, found, out = chk.table, chk.found, chk.frame
    _location(chk, out, walks, crs)
    out["place_named"] = _text(table, found, "place").replace("", pd.NA).astype("string")
    out["area_stated"] = _text(table, found, "area").replace("", pd.NA).astype("string")
    has_coords = out["_x"].notna().to_numpy() | out["_bad_coord"].to_numpy()
    nowhere = ~has_coords & out["place_named"].isna().to_numpy() & out["area_stated"].isna(
    ).to_numpy()
    chk.add(nowhere, "place", None, P.MISSING_LOCATION,
            "raden saknar både koordinater, plats och område.",
            "Ange Lat/Lon, X/Y (med koordinatsystem) eller ett platsnamn.")


def _location(chk: Checked, out: pd.DataFrame, walks: pd.DataFrame, crs: str | None) -> None:
    """Coordinates as numbers with their CRS: columns ``_x`` (easting/longitude),
    ``_y`` (northing/latitude), ``coord_crs``, ``_xcol``/``_ycol`` (the headers) and
    ``_bad_coord`` (a coordinate was written but cannot be used). The first pair of
    columns with a usable coordinate gives a row its point (Lat/Lon, then N/E, then X/Y)."""
    n = len(out)
    out["_x"] = np.nan
    out["_y"] = np.nan
    out["coord_crs"] = pd.Series([pd.NA] * n, dtype="string")
    out["_xcol"] = pd.Series([pd.NA] * n, dtype="string")
    out["_ycol"] = pd.Series([pd.NA] * n, dtype="string")
    out["_bad_coord"] = False
    found = chk.found
    pairs = []
    if "lat" in found or "lon" in found:
        pairs.append(("lon", "lat", "wgs84"))
    if "easting" in found or "northing" in found:
        pairs.append(("easting", "northing", "metric"))
    if "x" in found or "y" in found:
        pairs.append(("x", "y", "xy"))
    metric_crs = _metric_crs(chk, out, walks, crs)
    for xc, yc, kind in pairs:
        _coordinate_pair(chk, out, xc, yc, kind, metric_crs)


def _metric_crs(chk: Checked, out: pd.DataFrame, walks: pd.DataFrame, crs: str | None
                ) -> pd.Series:
    """The CRS of X/Y and N/E per row: the row's column, else the walk's, else ``crs``;
    an unknown CRS written in the row is a problem."""
    ctext = _text(chk.table, chk.found, "crs")
    row_crs = ctext.map(lambda v: crs_code(v) if v else None)
    chk.add(((ctext != "") & row_crs.isna()).to_numpy(), "crs", ctext, P.UNKNOWN_CRS,
            "okänt koordinatsystem.", CRS_HINT)
    walk_crs = walks.set_index("walk_id")["crs"].reindex(out["walk_id"]).to_numpy()
    return pd.Series([r if isinstance(r, str) else (w if isinstance(w, str) else crs)
                      for r, w in zip(row_crs, walk_crs, strict=True)], dtype="object")


def _coordinate_pair(chk: Checked, out: pd.DataFrame, xc: str, yc: str, kind: str,
                     metric_crs: pd.Series) -> None:
    """Read one pair of coordinate columns into ``out`` for the rows without a point yet."""
    table, found = chk.table, chk.found
    n = len(out)
    for c in (xc, yc):
        if c not in found:
            raise DataError([Problem(table.file, table.header_row, None, None, P.MISSING_COLUMN,
                                     f'kolumnen "{found.get(xc if c == yc else yc)}" har '
                                     "ingen motsvarande kolumn för den andra koordinaten.",
                                     "Koordinater kommer i par: Lat/Lon, X/Y eller N/E.")],
                            title="Filen kan inte läsas")
    xt, yt = _text(table, found, xc), _text(table, found, yc)
    texts = {xc: xt, yc: yt}
    xn, yn = parse_numbers(xt), parse_numbers(yt)
    _check_coordinate_text(chk, out, [(xc, xt, xn), (yc, yt, yn)])
    usable = (xn.notna() & yn.notna()).to_numpy() & ~out["_bad_coord"].to_numpy()
    if kind == "xy" and usable.any():
        # Swedish geodetic convention writes X for northing; GIS exports write X for
        # easting. In Sweden the northing (or latitude) is always the larger number,
        # so the file's convention is read from the medians (per file, not per row:
        # a single swapped row is still reported by the swap check).
        if np.nanmedian(xn[usable]) > np.nanmedian(yn[usable]):
            xc, yc, xn, yn = yc, xc, yn, xn
            chk.notices.append(Problem(table.file, table.header_row, found[yc], None, P.XY_CONVENTION,
                                       f'"{found[yc]}" läses som nordkoordinat och '
                                       f'"{found[xc]}" som östkoordinat '
                                       "(svensk geodetisk konvention).", ""))
    if kind == "wgs84":
        row_system = pd.Series(["EPSG:4326"] * n, dtype="object")
    else:
        row_system = metric_crs
        none = usable & row_system.isna().to_numpy()
        chk.add(none, xc, texts[xc], P.NO_CRS,
                f'koordinatsystem saknas för "{found[xc]}"/"{found[yc]}".', CRS_HINT)
        out.loc[none, "_bad_coord"] = True
        usable &= ~none
    take = usable & out["_x"].isna().to_numpy()
    out.loc[take, "_x"] = xn[take].to_numpy()
    out.loc[take, "_y"] = yn[take].to_numpy()
    out.loc[take, "coord_crs"] = row_system[take].to_numpy()
    out.loc[take, "_xcol"] = found[xc]
    out.loc[take, "_ycol"] = found[yc]


def _check_coordinate_text(chk: Checked, out: pd.DataFrame,
                           columns: list[tuple[str, pd.Series, pd.Series]]) -> None:
    """A coordinate that is not a number, or one of a pair written alone, is a problem and
    marks the row ``_bad_coord``. ``columns``: (column, text, number) for x and for y."""
    for col, text, num in columns:
        bad = ((text != "") & num.isna()).to_numpy()
        chk.add(bad, col, text, P.BAD_COORDINATE, "är inte en koordinat.",
                "Skriv koordinaten som ett tal (decimalkomma eller decimalpunkt).")
        out.loc[bad, "_bad_coord"] = True
    (xc, xt, _), (yc, yt, _) = columns
    for empty, full, col in [(xt, yt, xc), (yt, xt, yc)]:
        half = ((empty == "") & (full != "")).to_numpy()
        chk.add(half, col, empty, P.BAD_COORDINATE, "koordinaten saknas (bara den andra finns).",
                "Fyll i båda koordinaterna eller ingen.")
        out.loc[half, "_bad_coord"] = True
