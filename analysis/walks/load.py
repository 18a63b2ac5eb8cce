"""Loading a walk delivery: walks, observations with geometry, area and places, and rejects.

``load_walks`` reads the walks table and every protocol, validates every row,
places each observation (coordinates in WGS84, SWEREF 99 TM or SWEREF 99 13 30;
or a named place resolved through the walk's locality; or only an area code),
joins it to the survey area valid in the walk's year and to the named places it
lies within (buffer included), and splits accepted from rejected rows. Nothing
is dropped: every row read is either accepted or rejected with its reasons, per
file (checked here), and observations outside every area are kept (``area``
empty) and listed.

Polygons and places are optional. Without area polygons the area comes from the
protocol's area code, checked against the area register (a point without a code gets
no area); without a places file a place name is kept as written (``"Ort: Plats"``,
without a point). Each missing input is named once in ``notices``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis import places as pl
from analysis import problems as P
from analysis.areas import area_codes_in_year, area_versions
from analysis.dates import DATE_DTYPE
from analysis.files import DeliveryFolder, list_delivery, read_table
from analysis.paths import AREAS_GEO_STEM, GEO_DIR, PLACES_GEO_STEM
from analysis.places import ANALYSIS_CRS
from analysis.problems import DataError, Problem, check_accounting, row_accounting
from analysis.settings import Settings
from analysis.walks.followup import PLACE_SEPARATOR, repeat_pairs
from analysis.walks.protocols import (
    FREE_TEXT,
    OBSERVATION_COLUMNS,
    TABLE_SUFFIXES,
    WALK_COLUMNS,
    WALKS_FILE_STEM,
    Checked,
    check_protocol,
    check_walks,
)
from analysis.walks.terms import WalkVocabulary, load_walk_vocabulary

# Columns of the accepted observations (GeoDataFrame, EPSG:3006) after placing.
LOCATED_COLUMNS = OBSERVATION_COLUMNS + [
    "location_source", "x", "y", "area", "area_name", "place", "places", "repeat_of",
    "observed_again"]
# Rejected rows keep the codes and dates as delivered, never the free text.
REJECTED_COLUMNS = ["fil", "rad", "orsak", "meddelande", "walk_id", "observation",
                    "observation_id", "category", "status"]
OUTSIDE_COLUMNS = ["observation_id", "walk_id", "year", "location_source", "source_file",
                   "source_row", "x", "y"]
LOCATION_SOURCES = {"coordinates": "koordinater", "place": "plats", "area": "område"}
PLACE_ID_SEPARATOR = ": "  # a place id is "Ort: Plats" (analysis.places)
AREAS_FILE_SHOWN = f"{GEO_DIR}/{AREAS_GEO_STEM}.gpkg"
PLACES_FILE_SHOWN = f"{GEO_DIR}/{PLACES_GEO_STEM}.geojson"


@dataclass
class WalkDelivery:
    """The result of loading a walk delivery.

    ``walks``: accepted walks; ``observations``: accepted observations (GeoDataFrame
    in EPSG:3006); ``rejected``: one row per rejected row of any file (no free
    text); ``problems``: every row problem; ``notices``: what did not reject rows
    (ignored columns, the X/Y convention read, a stated area that differs from the
    point's); ``outside``: accepted observations outside every area;
    ``accounting``: per file, rows read / accepted / rejected by reason.
    """

    walks: pd.DataFrame
    observations: gpd.GeoDataFrame
    rejected: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    outside: pd.DataFrame = field(default_factory=pd.DataFrame)
    accounting: dict[str, dict] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)


def walk_folder(folder: str | os.PathLike) -> DeliveryFolder:
    """The tables of a walk delivery folder (CSV or Excel) and everything else in it.

    Symbolic links are refused (``analysis.files.list_delivery``); ``ignored`` is what the
    build names as not read (a Word file, a PDF, a sub-folder ...).
    """
    return list_delivery(folder, lambda p: p.suffix.lower() in TABLE_SUFFIXES)


def walk_files(folder: str | os.PathLike) -> tuple[Path | None, list[Path]]:
    """(the walks table, the protocol files) in a delivery folder, sorted.

    A symbolic link in the folder is a ``DataError`` (a delivery is copied, not linked);
    so are two walks tables.
    """
    files = walk_folder(folder).files
    walks = [p for p in files if p.stem.casefold() == WALKS_FILE_STEM]
    if len(walks) > 1:
        raise DataError([Problem(p.name, None, None, None, P.SEVERAL_FILES,
                                 "det finns flera vandringstabeller.", "Behåll en av dem.")
                         for p in walks], title="Trygghetsvandringarna är tvetydiga")
    return (walks[0] if walks else None), [p for p in files if p not in walks]


def load_walks(folder: str | os.PathLike, *, areas: gpd.GeoDataFrame | None,
               places: gpd.GeoDataFrame | None = None, kommun=None,
               vocabulary: WalkVocabulary | None = None, crs: str | None = None,
               register: pd.DataFrame | None = None,
               repeat_distance_m: float = Settings.walk_repeat_distance_m,
               repeat_same_category: bool = Settings.walk_repeat_same_category,
               max_count: int = Settings.max_count,
               earliest_year: int = Settings.earliest_year,
               latest_year: int = Settings.latest_year) -> WalkDelivery:
    """Read and validate a walk delivery folder (``vandringar.csv`` + protocols).

    ``areas``/``places`` come from ``analysis.places`` (EPSG:3006); either may be None
    (see the module docstring): without ``areas`` the protocols' area codes are checked
    against ``register`` (``analysis.areas.read_area_register``). ``kommun`` is the
    kommun outline (points outside it are kept and named in ``notices``: the outline is
    simplified). ``crs`` names the coordinate
    system of X/Y columns when neither the protocol nor the walks table says it.
    Plausibility: participants 0..``max_count``; walk, status and target dates in the
    years ``earliest_year``..``latest_year`` (a row outside is a problem, never used).
    File-level problems raise ``DataError`` at once (after reading every file);
    row problems are collected.
    """
    vocabulary = vocabulary or load_walk_vocabulary()
    walks_path, protocol_paths = walk_files(folder)
    if walks_path is None:
        raise DataError([Problem(f"{WALKS_FILE_STEM}.csv", None, None, None, P.UNREADABLE,
                                 "vandringstabellen saknas.",
                                 "Lägg vandringar.csv (en rad per vandring) i mappen "
                                 "trygghetsvandringar/.")], title="Trygghetsvandringarna saknas")
    years = (earliest_year, latest_year)
    walk_chk = check_walks(read_table(walks_path), vocabulary, max_count=max_count,
                           earliest_year=earliest_year, latest_year=latest_year)
    walk_ok, walks, rejected_walks = _accepted_walks(walk_chk)
    obs, problems, protocol_notices, headers = _read_protocols(
        protocol_paths, walks, vocabulary, crs, rejected_walks, walks_path.name, years)
    notices = [*walk_chk.notices, *protocol_notices,
               *_walks_without_protocol(walks, obs, protocol_paths, walks_path.name)]
    problems.extend(_duplicates(obs, headers))
    located, geometry, place_problems, place_notices = _place_rows(obs, areas, places, kommun,
                                                                   headers, register)
    problems.extend(place_problems)
    notices.extend(place_notices)

    bad = np.zeros(len(obs), dtype=bool)
    bad[sorted({i for i, _ in problems})] = True
    accepted = gpd.GeoDataFrame(located[~bad], geometry=geometry[~bad], crs=ANALYSIS_CRS)
    accepted = _finish(accepted, repeat_distance_m, repeat_same_category)
    rejected = _rejected(obs, problems, walk_chk)
    accounting = _accounting(obs, bad, rejected, walk_chk, walk_ok, walks_path)
    row_problems = [p for _, p in sorted(problems, key=lambda t: (t[0], t[1].column or ""))]
    row_problems = [p for _, p in sorted(walk_chk.problems, key=lambda t: t[0])] + row_problems
    outside = accepted[accepted["area"].isna().to_numpy()][OUTSIDE_COLUMNS]
    return WalkDelivery(walks, accepted, rejected, row_problems, notices,
                        outside.reset_index(drop=True), accounting,
                        [walks_path, *protocol_paths])


def read_walks(folder: str | os.PathLike, *, areas: gpd.GeoDataFrame | None,
               places: gpd.GeoDataFrame | None = None, kommun=None,
               vocabulary: WalkVocabulary | None = None, crs: str | None = None,
               register: pd.DataFrame | None = None,
               quarantine: bool = False) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """(walks, observations) of a delivery folder. Strict by default: any problem
    raises ``DataError`` listing every problem; ``quarantine=True`` leaves bad rows out."""
    delivery = load_walks(folder, areas=areas, places=places, kommun=kommun,
                          vocabulary=vocabulary, crs=crs, register=register)
    if delivery.problems and not quarantine:
        raise DataError(delivery.problems, title="Trygghetsvandringarna har fel")
    return delivery.walks, delivery.observations


# --- steps ---------------------------------------------------------------------------------


def _accepted_walks(walk_chk: Checked) -> tuple[np.ndarray, pd.DataFrame, frozenset[str]]:
    """(ok mask over the walks table, the accepted walks sorted by date and id, the ids of
    rejected walks that no accepted row has)."""
    bad_walks = sorted({i for i, _ in walk_chk.problems})
    walk_ok = np.ones(len(walk_chk.frame), dtype=bool)
    walk_ok[bad_walks] = False
    walks = (walk_chk.frame[walk_ok][WALK_COLUMNS]
             .sort_values(["walk_date", "walk_id"], ignore_index=True))
    rejected_walks = frozenset(walk_chk.frame.loc[~walk_ok, "walk_id"]) - set(walks["walk_id"])
    return walk_ok, walks, rejected_walks


def _read_protocols(paths: list[Path], walks: pd.DataFrame, vocabulary: WalkVocabulary,
                    crs: str | None, rejected_walks: frozenset[str], walks_file: str,
                    years: tuple[int, int]
                    ) -> tuple[pd.DataFrame, list[tuple[int, Problem]], list[Problem],
                               dict[str, dict[str, str]]]:
    """Every protocol checked and stacked (one index over all files): (rows, row problems,
    notices, the headers each file uses). File-level problems of every file raise together.
    ``years``: the plausible window of the dates (first, last)."""
    frames, problems, notices, file_errors = [], [], [], []
    headers: dict[str, dict[str, str]] = {}
    offset = 0
    for path in paths:
        try:
            chk = check_protocol(read_table(path), walks, vocabulary, crs, rejected_walks,
                                 earliest_year=years[0], latest_year=years[1])
        except DataError as exc:  # every file's problems, not only the first file's
            file_errors.extend(exc.problems)
            continue
        frame = chk.frame.set_axis(pd.RangeIndex(offset, offset + len(chk.frame)))
        frames.append(frame)
        headers[chk.table.file] = chk.found
        problems.extend((offset + i, p) for i, p in chk.problems)
        notices.extend(chk.notices)
        offset += len(frame)
    if file_errors:
        raise DataError(file_errors, title="Trygghetsvandringarna kan inte läsas")
    if not frames:
        raise DataError([Problem(walks_file, None, None, None, P.UNREADABLE,
                                 "inga protokollfiler hittades.",
                                 "Lägg ett protokoll (CSV eller Excel) per vandring i "
                                 "trygghetsvandringar/.")], title="Trygghetsvandringarna saknas")
    return pd.concat(frames), problems, notices, headers


def _place_rows(obs: pd.DataFrame, areas: gpd.GeoDataFrame | None,
                places: gpd.GeoDataFrame | None, kommun, headers: dict[str, dict[str, str]],
                register: pd.DataFrame | None = None
                ) -> tuple[pd.DataFrame, gpd.GeoSeries, list[tuple[int, Problem]], list[Problem]]:
    """Point, area and places of every row: (the rows with ``location_source``, ``area``,
    ``area_name``, ``place`` and ``places``; their points; problems; notices)."""
    geometry, source, problems, notices = _locate(obs, places, kommun, headers)
    area, area_name, area_problems, area_notices = _areas(obs, geometry, areas, headers,
                                                          register)
    place, all_places = _places(obs, geometry, places)
    located = obs.assign(location_source=source, area=area, area_name=area_name,
                         place=place, places=all_places)
    return located, geometry, problems + area_problems, notices + area_notices


def _walks_without_protocol(walks: pd.DataFrame, obs: pd.DataFrame, protocols: list[Path],
                            walks_file: str) -> list[Problem]:
    """Notices for walks without observations and protocol files named but missing."""
    out = []
    names = {p.name for p in protocols}
    seen = set(obs["walk_id"])
    for _, w in walks.iterrows():
        if isinstance(w["protocol_file"], str) and w["protocol_file"] not in names:
            out.append(Problem(walks_file, int(w["source_row"]), "Protokoll", w["protocol_file"],
                               P.MISSING_PROTOCOL, "protokollfilen finns inte i mappen.",
                               "Lägg filen i trygghetsvandringar/ eller rätta namnet."))
        elif w["walk_id"] not in seen:
            out.append(Problem(walks_file, int(w["source_row"]), "Vandring", w["walk_id"],
                               P.NO_OBSERVATIONS, "vandringen har inga observationer.", ""))
    return out


def _header(headers: dict[str, dict[str, str]], file: str, column: str, default: str) -> str:
    """The header a file uses for a canonical column (for messages)."""
    return headers.get(file, {}).get(column, default)


def _duplicates(obs: pd.DataFrame, headers: dict[str, dict[str, str]]
                ) -> list[tuple[int, Problem]]:
    """Every occurrence of an observation id used more than once (within a walk)."""
    ids = obs["observation_id"]
    dup = ids.duplicated(keep=False).to_numpy() & (obs["observation"] != "").to_numpy()
    if not dup.any():
        return []
    where = (obs[dup].groupby("observation_id", sort=False)
             .apply(lambda g: ", ".join(f"{f} rad {r}" for f, r in
                                        zip(g["source_file"], g["source_row"], strict=True)),
                    include_groups=False))
    out = []
    for i in np.flatnonzero(dup):
        row = obs.iloc[i]
        out.append((int(obs.index[i]), Problem(
            row["source_file"], int(row["source_row"]),
            _header(headers, row["source_file"], "observation", "Observation"), row["observation"],
            P.DUPLICATE_ID,
            f"observationen förekommer flera gånger i vandringen {row['walk_id']} "
            f"({where[row['observation_id']]}).",
            "Alla förekomster avvisas; numrera observationerna unikt inom vandringen.")))
    return out


def _row_index(obs: pd.DataFrame) -> dict[tuple[str, int], int]:
    return {(f, int(r)): int(i) for i, f, r in
            zip(obs.index, obs["source_file"], obs["source_row"], strict=True)}


def _rehome(problems: list[Problem], index: dict[tuple[str, int], int]
            ) -> list[tuple[int, Problem]]:
    """Attach problems reported by ``analysis.places`` (file, Excel row) to our row index."""
    out = []
    for p in problems:
        i = index.get((p.file, int(p.row))) if p.row is not None else None
        if i is None:  # not a row problem: the whole delivery cannot be used
            raise DataError([p], title="Trygghetsvandringarna kan inte läsas")
        out.append((i, p))
    return out


def _locate(obs: pd.DataFrame, places: gpd.GeoDataFrame | None, kommun,
            headers: dict[str, dict[str, str]]
            ) -> tuple[gpd.GeoSeries, pd.Series, list[tuple[int, Problem]], list[Problem]]:
    """Each row's point (EPSG:3006) and how it was found; problems and notices.

    Coordinates give the point (``analysis.places.points_from_xy``: swapped or
    implausible coordinates are problems, a point outside the kommun is a notice
    and kept). A named place is resolved by name and the walk's locality; a row
    with only a place name gets a point inside the place (its representative
    point). A row with only an area code gets no point.
    """
    geometry = gpd.GeoSeries([None] * len(obs), index=obs.index, crs=ANALYSIS_CRS)
    source = pd.Series(pd.NA, index=obs.index, dtype="string")
    index = _row_index(obs)
    problems, notices = _locate_by_coordinates(obs, kommun, geometry, source, index)
    named = int((obs["place_named"].notna() & obs["walk_date"].notna()).sum())
    if places is None and named:
        notices.append(Problem(PLACES_FILE_SHOWN, None, None, None, P.NO_PLACES,
                               f"platsregistret saknas: {named} observationer med platsnamn "
                               "används med namnet som det står (ort: plats), utan läge.",
                               "Vill ni ha platserna på kartan och i uppföljningen per plats: "
                               "lägg platser.geojson (plats;ort;buffert_m) i geodata/."))
    problems += _locate_by_name(obs, places, headers, geometry, source, index)
    stated = obs["area_stated"].notna().to_numpy() & source.isna().to_numpy()
    source[stated] = LOCATION_SOURCES["area"]
    return geometry, source, problems, notices


def _locate_by_coordinates(obs: pd.DataFrame, kommun, geometry: gpd.GeoSeries,
                           source: pd.Series, index: dict[tuple[str, int], int]
                           ) -> tuple[list[tuple[int, Problem]], list[Problem]]:
    """Fill ``geometry``/``source`` of the rows with coordinates (per file, CRS and columns);
    return (problems, notices)."""
    problems: list[tuple[int, Problem]] = []
    notices: list[Problem] = []
    coords = obs[obs["_x"].notna().to_numpy()]
    keys = ["source_file", "coord_crs", "_xcol", "_ycol"]
    for (file, crs, xcol, ycol), g in coords.groupby(keys, sort=True):
        frame = pd.DataFrame({xcol: g["_x"].to_numpy(), ycol: g["_y"].to_numpy()})
        points, found = pl.points_from_xy(frame, xcol, ycol, crs=crs, file=file,
                                          excel_rows=g["source_row"].tolist(), kommun=kommun)
        geometry.loc[g.index] = np.asarray(points.array, dtype=object)
        source.loc[g.index] = LOCATION_SOURCES["coordinates"]
        notices.extend(p for p in found if p.reason in pl.POINT_NOTICES)
        problems.extend(_rehome([p for p in found if p.reason not in pl.POINT_NOTICES],
                                index))
    return problems, notices


def _locate_by_name(obs: pd.DataFrame, places: gpd.GeoDataFrame | None,
                    headers: dict[str, dict[str, str]], geometry: gpd.GeoSeries,
                    source: pd.Series, index: dict[tuple[str, int], int]
                    ) -> list[tuple[int, Problem]]:
    """Resolve named places (``obs.place_named`` becomes the ``place_id``); rows with only a
    name get the place's representative point in ``geometry``/``source``. Returns problems."""
    problems: list[tuple[int, Problem]] = []
    # rows of an unknown walk are rejected already: without a locality the name cannot be
    # resolved, and saying so would only add noise
    named = obs[obs["place_named"].notna().to_numpy() & obs["walk_date"].notna().to_numpy()]
    if places is None:  # no places file: the name as written, in the form of a place id
        locality = named["locality"].fillna("").astype("string").str.strip()
        obs.loc[named.index, "place_named"] = (
            (locality + PLACE_ID_SEPARATOR).where(locality != "", "")
            + named["place_named"].astype("string").str.strip())
        return problems
    for file, g in named.groupby("source_file", sort=True):
        column = _header(headers, file, "place", "Plats")
        ids, found = pl.resolve_places(g["place_named"], g["locality"], places, file=file,
                                       excel_rows=g["source_row"].tolist(), column=column)
        ids.index = g.index
        problems.extend(_rehome(found, index))
        obs.loc[g.index, "place_named"] = ids
        only_name = (ids.notna() & geometry.loc[g.index].isna()
                     & ~g["_bad_coord"].astype(bool)).to_numpy()
        if only_name.any():
            take = g.index[only_name]
            geometry.loc[take] = np.asarray(pl.place_locations(ids[only_name], places).array,
                                            dtype=object)
            source.loc[take] = LOCATION_SOURCES["place"]
    return problems


def _areas(obs: pd.DataFrame, geometry: gpd.GeoSeries, areas: gpd.GeoDataFrame | None,
           headers: dict[str, dict[str, str]], register: pd.DataFrame | None = None
           ) -> tuple[pd.Series, pd.Series, list[tuple[int, Problem]], list[Problem]]:
    """The area of each row: the polygon its point lies in (the versions valid in the
    walk's year; border rule of ``analysis.places.join_areas``), else the stated
    code. A stated code that no polygon of that year has is a problem; a stated code
    that differs from the point's area is a notice (the point's area is used).

    Without polygons (``areas`` None) the stated code is the area, checked against the
    area ``register``; rows with a point but no code get no area (one notice says so)."""
    if areas is None and register is None:
        raise DataError([Problem("geodata", None, None, None, P.UNREADABLE,
                                 "varken områdespolygoner eller områdesregister finns; "
                                 "observationerna kan inte kopplas till områden.",
                                 "Lägg områdesregistret i omraden/omradesindelning.csv.")],
                        title="Trygghetsvandringarna kan inte läsas")
    has_point = _has_geometry(geometry)
    stated = obs["area_stated"].notna().to_numpy()
    area = pd.Series(pd.NA, index=obs.index, dtype="string")
    notices: list[Problem] = []
    if areas is not None:
        problems = _stated_area_problems(obs, areas, headers)
        take = has_point & obs["year"].notna().to_numpy()
        if take.any():
            pts = gpd.GeoDataFrame({"year": obs.loc[take, "year"].astype("float64")},
                                   geometry=geometry[take], crs=ANALYSIS_CRS)
            area[take] = pl.join_areas(pts, areas, "year").to_numpy()
        from_code = ~has_point & stated
        zones = areas
        notices = _area_differs(obs, area, has_point, headers)
    else:
        problems = _register_area_problems(obs, register, headers)
        from_code = stated
        zones = register
        unplaced = int((has_point & ~stated).sum())
        if unplaced:
            notices.append(Problem(AREAS_FILE_SHOWN, None, None, None, P.NO_AREAS,
                                   f"områdespolygonerna saknas: {unplaced} observationer har "
                                   "koordinater men ingen områdeskod och får inget område.",
                                   "Skriv områdets kod i kolumnen Område i protokollet, eller "
                                   "lägg områdespolygonerna (omraden.gpkg) i geodata/."))
    area[from_code] = obs.loc[from_code, "area_stated"].to_numpy()
    names = dict(zip(zones["version"], zones["area_name"], strict=True))
    name = pd.Series([None if pd.isna(v) else names.get(v)
                      for v in area_versions(zones, area, obs["year"])],
                     index=obs.index, dtype="string")
    return area, name, problems, notices


def _register_area_problems(obs: pd.DataFrame, register: pd.DataFrame,
                            headers: dict[str, dict[str, str]]) -> list[tuple[int, Problem]]:
    """A stated area code that the area register does not have in the walk's year."""
    problems: list[tuple[int, Problem]] = []
    stated = obs[obs["area_stated"].notna().to_numpy() & obs["year"].notna().to_numpy()]
    valid: dict[int, list[str]] = {}
    for i, code, year, file, row in zip(stated.index, stated["area_stated"], stated["year"],
                                         stated["source_file"], stated["source_row"],
                                         strict=True):
        year = int(year)
        if year not in valid:
            valid[year] = area_codes_in_year(register, year)
        if str(code).strip() in valid[year]:
            continue
        hint = f"Områden {year} i områdesregistret: {', '.join(valid[year]) or 'inga'}."
        if str(code).isdigit() and str(code).zfill(2) in valid[year]:
            hint += f' Menade du "{str(code).zfill(2)}"? Koden ska vara text med inledande nolla.'
        problems.append((int(i), Problem(file, int(row), _header(headers, file, "area", "Område"),
                                         str(code), P.UNKNOWN_AREA,
                                         f"området finns inte i områdesregistret för {year}.",
                                         hint)))
    return problems


def _stated_area_problems(obs: pd.DataFrame, areas: gpd.GeoDataFrame,
                          headers: dict[str, dict[str, str]]) -> list[tuple[int, Problem]]:
    """A stated area code that no polygon valid in the walk's year has."""
    problems: list[tuple[int, Problem]] = []
    index = _row_index(obs)
    stated = obs[obs["area_stated"].notna().to_numpy() & obs["year"].notna().to_numpy()]
    for file, g in stated.groupby("source_file", sort=True):
        try:
            pl.validate_area_codes(g["area_stated"], areas, g["year"].astype("float64").tolist(),
                                   file, g["source_row"].tolist(),
                                   column=_header(headers, file, "area", "Område"))
        except DataError as exc:
            problems.extend(_rehome(exc.problems, index))
    return problems


def _area_differs(obs: pd.DataFrame, area: pd.Series, has_point: np.ndarray,
                  headers: dict[str, dict[str, str]]) -> list[Problem]:
    """Notices for rows whose stated code differs from the area their point lies in."""
    notices = []
    differs = (obs["area_stated"].notna() & area.notna() & (obs["area_stated"] != area)
               ).fillna(False).to_numpy() & has_point
    for i in np.flatnonzero(differs):
        row = obs.iloc[i]
        notices.append(Problem(row["source_file"], int(row["source_row"]),
                               _header(headers, row["source_file"], "area", "Område"),
                               row["area_stated"], P.AREA_DIFFERS,
                               f"punkten ligger i område {area.iloc[i]} men protokollet anger "
                               f"{row['area_stated']}; punktens område används.", ""))
    return notices


def _has_geometry(geometry: gpd.GeoSeries) -> np.ndarray:
    geoms = np.asarray(geometry.array, dtype=object)
    return ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))


def _places(obs: pd.DataFrame, geometry: gpd.GeoSeries, places: gpd.GeoDataFrame | None
            ) -> tuple[pd.Series, pd.Series]:
    """(``place``, ``places``) per row: ``places`` is every named place whose buffer
    holds the point, plus the place the row names, sorted and joined with "; ";
    ``place`` is the place the row names, else the nearest place holding the point
    (``analysis.places.join_places``' primary place)."""
    named = obs["place_named"].astype("string")
    within: dict = {}
    primary = pd.Series(pd.NA, index=obs.index, dtype="string")
    has_point = _has_geometry(geometry)
    if places is not None and has_point.any():
        hits = pl.join_places(gpd.GeoSeries(geometry[has_point], crs=ANALYSIS_CRS), places)
        for i, pid in zip(hits["point"], hits["place_id"], strict=True):
            within.setdefault(i, set()).add(str(pid))
        first = hits[hits["primary"].to_numpy()]
        primary.loc[first["point"].to_numpy()] = first["place_id"].to_numpy()
    joined = []
    for i, nm in zip(obs.index, named, strict=True):
        ids = set(within.get(i, set())) | ({str(nm)} if not pd.isna(nm) else set())
        joined.append(PLACE_SEPARATOR.join(sorted(ids)) if ids else None)
    all_places = pd.Series(joined, index=obs.index, dtype="string")
    return named.fillna(primary).astype("string"), all_places


def _finish(accepted: gpd.GeoDataFrame, distance_m: float, same_category: bool
            ) -> gpd.GeoDataFrame:
    """Coordinates, repeat links, column order, types and sort order of the accepted rows."""
    geoms = np.asarray(accepted.geometry.array, dtype=object)
    has = _has_geometry(accepted.geometry)
    accepted["x"] = np.where(has, shapely.get_x(np.where(has, geoms, None)), np.nan)
    accepted["y"] = np.where(has, shapely.get_y(np.where(has, geoms, None)), np.nan)
    accepted = accepted.sort_values(["walk_date", "walk_id", "source_file", "source_row"])
    pairs = repeat_pairs(accepted, distance_m, same_category)
    earliest = (pairs.sort_values(["later_id", "distance_m", "walk_date", "observation_id"],
                                  ascending=[True, True, False, True])
                .drop_duplicates("later_id").set_index("later_id")["observation_id"])
    accepted["repeat_of"] = accepted["observation_id"].map(earliest).astype("string")
    accepted["observed_again"] = accepted["observation_id"].isin(pairs["observation_id"])
    accepted["walk_date"] = accepted["walk_date"].astype(DATE_DTYPE)
    accepted["year"] = accepted["year"].astype("int64")
    accepted["source_row"] = accepted["source_row"].astype("int64")
    out = accepted[LOCATED_COLUMNS + ["geometry"]].reset_index(drop=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=ANALYSIS_CRS)


def _rejected(obs: pd.DataFrame, problems: list[tuple[int, Problem]], walk_chk
              ) -> pd.DataFrame:
    """Rejected rows of the walks table and of the protocols, without free text."""
    rows = []
    by_walk: dict[int, list[Problem]] = {}
    for i, p in walk_chk.problems:
        by_walk.setdefault(i, []).append(p)
    wf = walk_chk.frame
    for i, probs in sorted(by_walk.items()):
        rows.append({"fil": wf["source_file"].iloc[i], "rad": int(wf["source_row"].iloc[i]),
                     "orsak": ";".join(sorted({p.reason for p in probs})),
                     "meddelande": " | ".join(p.format() for p in probs),
                     "walk_id": wf["walk_id"].iloc[i], "observation": pd.NA,
                     "observation_id": pd.NA, "category": pd.NA, "status": pd.NA})
    by_row: dict[int, list[Problem]] = {}
    for i, p in problems:
        by_row.setdefault(i, []).append(p)
    for i, probs in sorted(by_row.items()):
        row = obs.loc[i]
        rows.append({"fil": row["source_file"], "rad": int(row["source_row"]),
                     "orsak": ";".join(sorted({p.reason for p in probs})),
                     "meddelande": " | ".join(p.format() for p in probs),
                     "walk_id": row["walk_id"], "observation": row["observation"],
                     "observation_id": row["observation_id"], "category": row["category"],
                     "status": row["status"]})
    frame = pd.DataFrame(rows, columns=REJECTED_COLUMNS)
    for col in REJECTED_COLUMNS:
        frame[col] = frame[col].astype("int64" if col == "rad" else "string")
    assert not set(FREE_TEXT) & set(frame.columns)
    return frame.sort_values(["fil", "rad"], ignore_index=True)


def _accounting(obs: pd.DataFrame, bad: np.ndarray, rejected: pd.DataFrame, walk_chk,
                walk_ok: np.ndarray, walks_path: Path) -> dict[str, dict]:
    """Per file: rows read = accepted + rejected, with the reasons (checked)."""
    out: dict[str, dict] = {}
    files = [walks_path.name, *sorted(obs["source_file"].unique())]
    for name in files:
        if name == walks_path.name:
            read, ok = len(walk_chk.frame), int(walk_ok.sum())
        else:
            mine = (obs["source_file"] == name).to_numpy()
            read, ok = int(mine.sum()), int((mine & ~bad).sum())
        entry = row_accounting(read, rejected.loc[rejected["fil"] == name, "orsak"], name)
        # the accepted rows counted on their own: a row neither accepted nor rejected fails
        check_accounting({**entry, "godkanda": ok}, name)
        out[name] = entry
    return out
