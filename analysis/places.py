"""Places: the survey's area polygons, named places, coordinates and spatial joins.

Everything is analysed in SWEREF 99 TM (EPSG:3006). Files and coordinate
columns may come in SWEREF 99 TM, SWEREF 99 13 30 (EPSG:3008, the municipal
norm in Skåne) or WGS 84 (EPSG:4326, phones and web maps); any other CRS is
refused, and so is a file without a CRS unless the caller names one. A GeoJSON
file without a ``crs`` member is WGS 84 by its standard (RFC 7946); its
coordinates are checked to be degrees.

Rules an analyst can rely on (see ``docs/platser.md``):

* **Areas** are versioned like the area register (``analysis.areas``): a code
  may have several polygons, one per validity period, never two valid in the
  same year, and the polygons valid in one year may touch but not overlap.
* **Border rule**: a point on the shared border of two areas belongs to the area
  with the lowest code among those whose closed polygon contains it.
* A point outside every area gets no area (``<NA>``); it is kept and the caller
  reports it.
* **Named places** are identified by name and locality (``place_id`` =
  ``"Marieholm: Stora torg"``). A point belongs to every place whose geometry lies
  within ``buffer_m`` metres of it (the buffer boundary included); the
  *primary* place is the nearest, ties broken by ``place_id``.
* **Swapped coordinates** (latitude in the longitude column, northing in the
  easting column) are rejected with a hint, or fixed and reported with
  ``swap_ok=True``.
* A CRS mismatch between two frames passed to a join is an error, never a warning.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely
from pyproj import CRS, Transformer

from analysis.areas import check_overlaps, valid_in_year
from analysis.files import file_error, list_delivery, parse_numbers
from analysis.problems import (
    AMBIGUOUS_PLACE,
    AREA_OVERLAP,
    BAD_BUFFER,
    BAD_COORDINATE,
    BAD_CRS,
    BAD_YEAR,
    DUPLICATE_ID,
    INVALID_GEOMETRY,
    MISSING_COLUMN,
    MISSING_GEOMETRY,
    MISSING_VALUE,
    NO_CRS,
    OUTSIDE_KOMMUN,
    OUTSIDE_SWEDEN,
    REGISTER_MISMATCH,
    SEVERAL_FILES,
    SWAPPED,
    SWAPPED_FIXED,
    UNKNOWN_AREA,
    UNKNOWN_PLACE,
    WRONG_GEOMETRY_TYPE,
    DataError,
    Problem,
)
from analysis.text import normalise_label, suggest
from analysis.vocabulary import CRS_NAMES

ANALYSIS_CRS = "EPSG:3006"
ACCEPTED_EPSG = (3006, 3008, 4326)
VECTOR_SUFFIXES = (".gpkg", ".geojson", ".json", ".shp")
SHAPEFILE_SIDECARS = (".shx", ".dbf", ".prj", ".cpg")  # read with the .shp (inputs too)
GEOJSON_SUFFIXES = (".geojson", ".json")

AREA_GEO_COLUMNS = ["area", "area_name", "valid_from", "valid_to", "version",
                    "source_file", "source_row", "geometry"]
PLACE_COLUMNS = ["place_id", "place", "locality", "buffer_m", "source_file", "source_row",
                 "geometry"]

# Two areas valid in the same year may share a border; an overlap larger than this is an error.
OVERLAP_TOLERANCE_M2 = 1.0

# Plausible coordinates in Sweden, per CRS: (x range, y range). The ranges of x and y do
# not overlap, which is what makes swapped columns detectable.
PLAUSIBLE = {
    4326: ((10.0, 24.5), (55.0, 69.5)),                     # longitude, latitude
    3006: ((200_000.0, 950_000.0), (6_100_000.0, 7_700_000.0)),  # easting, northing
    3008: ((0.0, 300_000.0), (6_100_000.0, 6_900_000.0)),   # the 13°30' zone (Skåne…Värmland)
}

# Problems from points_from_xy that keep the point (the others leave the geometry empty).
POINT_NOTICES = frozenset({SWAPPED_FIXED, OUTSIDE_KOMMUN})

GEOMETRY_COLUMN = "geometri"  # how a geometry is named in messages
FEATURE_NOTE = "rad = objektets nummer i filen, räknat från 1"

_AREA_HEADERS = {
    "omrade": "area", "område": "area", "omradeskod": "area", "områdeskod": "area",
    "kod": "area", "area": "area",
    "namn": "area_name", "omradesnamn": "area_name", "områdesnamn": "area_name",
    "area_name": "area_name",
    "giltig_fran": "valid_from", "giltig_från": "valid_from", "giltig_fra": "valid_from",
    "valid_from": "valid_from",
    "giltig_till": "valid_to", "giltig_til": "valid_to", "valid_to": "valid_to",
}
_PLACE_HEADERS = {
    "plats": "place", "namn": "place", "platsnamn": "place", "place": "place", "name": "place",
    "ort": "locality", "tatort": "locality", "tätort": "locality", "locality": "locality",
    "buffert_m": "buffer_m", "buffert": "buffer_m", "buffer_m": "buffer_m",
}
_KOMMUN_ID_HEADERS = ("id", "kommunkod", "kom_kod", "knkod", "kn_kod")
_TYPE_NAMES = {"Point": "punkt", "MultiPoint": "flera punkter", "LineString": "linje",
               "MultiLineString": "flera linjer", "Polygon": "polygon",
               "MultiPolygon": "flera polygoner", "GeometryCollection": "geometrisamling",
               "LinearRing": "ring"}
_VALIDITY_REASONS = {
    "Self-intersection": "polygonen korsar sig själv",
    "Ring Self-intersection": "en ring i polygonen korsar sig själv",
    "Too few points": "geometrin har för få hörn",
    "Hole lies outside shell": "ett hål ligger utanför polygonen",
    "Nested holes": "hål ligger i varandra",
    "Interior is disconnected": "polygonens inre är delat i flera delar",
    "Nested shells": "polygoner i en multipolygon ligger i varandra",
    "Duplicate Rings": "en ring förekommer två gånger",
    "Invalid Coordinate": "en koordinat är inte ett tal",
    "Ring is not closed": "en ring är inte sluten",
}
ACCEPTED_TEXT = ", ".join(CRS_NAMES[e] for e in ACCEPTED_EPSG)


class CrsMismatchError(ValueError):
    """Two frames in different coordinate systems were passed to one join."""


# --- coordinate systems ------------------------------------------------------------------


def crs_epsg(crs) -> int | None:
    """The EPSG code of ``crs`` if it is one of the accepted systems, else None.

    WGS 84 in any axis order (EPSG:4326, OGC:CRS84 as GeoJSON readers report it) is 4326.
    """
    crs = CRS.from_user_input(crs)
    if crs.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        return 4326
    code = crs.to_epsg(min_confidence=70)
    return code if code in ACCEPTED_EPSG else None


def _crs_name(crs) -> str:
    crs = CRS.from_user_input(crs)
    code = crs.to_epsg(min_confidence=70)
    return CRS_NAMES.get(code, f"{crs.name} (EPSG:{code})" if code else crs.name)


def _resolve_crs(file_crs, given, file: str, geojson: bool = False) -> int:
    """The EPSG code to read a file in: the file's own CRS, or ``given`` if it has none.

    A GeoJSON file reported as WGS 84 may simply lack a ``crs`` member (WGS 84 is the
    standard's default), so there ``given`` wins.
    """
    if given is not None:
        given_epsg = crs_epsg(given)
        if given_epsg is None:
            raise DataError([Problem(file, None, None, str(given), BAD_CRS,
                                     "det angivna koordinatsystemet stöds inte.",
                                     f"Godkända: {ACCEPTED_TEXT}.")],
                            title="Fel koordinatsystem")
    if geojson and given is not None and file_crs is not None and crs_epsg(file_crs) == 4326:
        file_crs = None
    if file_crs is None:
        if given is None:
            raise DataError([Problem(file, None, None, None, NO_CRS,
                                     "filen saknar koordinatsystem.",
                                     "Spara om filen med koordinatsystem (för Shapefile: "
                                     ".prj-filen) eller ange det vid inläsningen, t.ex. "
                                     f'crs="EPSG:3008". Godkända: {ACCEPTED_TEXT}.')],
                            title="Koordinatsystem saknas")
        return given_epsg
    epsg = crs_epsg(file_crs)
    if epsg is None:
        raise DataError([Problem(file, None, None, _crs_name(file_crs), BAD_CRS,
                                 "filens koordinatsystem stöds inte.",
                                 f"Projicera om filen i GIS-programmet till något av: "
                                 f"{ACCEPTED_TEXT}.")], title="Fel koordinatsystem")
    if given is not None and given_epsg != epsg:
        raise DataError([Problem(file, None, None, _crs_name(file_crs), BAD_CRS,
                                 f"filen anger koordinatsystemet {CRS_NAMES[epsg]}, men "
                                 f"{CRS_NAMES[given_epsg]} angavs vid inläsningen.",
                                 "Ta bort crs-argumentet eller rätta filen.")],
                        title="Fel koordinatsystem")
    return epsg


def check_same_crs(left: gpd.GeoSeries | gpd.GeoDataFrame,
                   right: gpd.GeoSeries | gpd.GeoDataFrame) -> None:
    """Raise ``CrsMismatchError`` unless both frames have the same, known CRS."""
    if left.crs is None or right.crs is None:
        raise CrsMismatchError("Koordinatsystem saknas på "
                               + ("punkterna" if left.crs is None else "geometrierna")
                               + ": en sammanfogning kräver samma koordinatsystem på båda.")
    if not CRS.from_user_input(left.crs).equals(right.crs):
        raise CrsMismatchError(f"Olika koordinatsystem: {_crs_name(left.crs)} och "
                               f"{_crs_name(right.crs)}. Projicera om till {ANALYSIS_CRS} "
                               "först (read_areas/read_places/points_from_xy gör det).")


# --- reading geodata files --------------------------------------------------------------


def _read_geodata(path: Path) -> gpd.GeoDataFrame:
    if not path.is_file():
        raise file_error(path, "filen finns inte.", "Kontrollera sökvägen.")
    if path.suffix.lower() not in VECTOR_SUFFIXES:
        raise file_error(path, "filtypen stöds inte för geodata.",
                         "Leverera GeoPackage (.gpkg), GeoJSON (.geojson) eller Shapefile (.shp).")
    try:
        return gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # pyogrio/GDAL raise several kinds of errors for broken files
        raise file_error(path, f"filen kunde inte läsas som geodata ({exc}).",
                         "Öppna och spara om den i GIS-programmet.") from exc


def _rename(frame: pd.DataFrame, headers: dict[str, str]) -> pd.DataFrame:
    rename = {}
    for col in frame.columns:
        key = normalise_label(col)
        if col != "geometry" and key in headers and headers[key] not in rename.values():
            rename[col] = headers[key]
    return frame.rename(columns=rename)


def _text(values: pd.Series) -> pd.Series:
    """Attribute values as stripped text (<NA> for empty); integers without '.0'."""
    out = []
    for v in values:
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            out.append(pd.NA)
        elif isinstance(v, float) and v.is_integer():
            out.append(str(int(v)))
        else:
            text = " ".join(str(v).split())
            out.append(text if text else pd.NA)
    return pd.Series(out, index=values.index, dtype="string")


def _label(labels: pd.Series, i: int) -> str | None:
    """A feature's label (code or name) for a Problem's value; None when empty (never <NA>)."""
    value = labels.iloc[i]
    return None if pd.isna(value) else str(value)


def _feature_problems(gdf: gpd.GeoDataFrame, file: str, labels: pd.Series,
                      allowed: set[str]) -> list[Problem]:
    """Missing, wrongly typed or invalid geometries, per feature (1-based)."""
    problems = []
    geoms = np.asarray(gdf.geometry.array)
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    types = shapely.get_type_id(geoms)
    names = np.array(["Point", "LineString", "LinearRing", "Polygon", "MultiPoint",
                      "MultiLineString", "MultiPolygon", "GeometryCollection"])
    valid = shapely.is_valid(geoms)
    for i in range(len(gdf)):
        value = _label(labels, i)
        if missing[i]:
            problems.append(Problem(file, i + 1, GEOMETRY_COLUMN, value, MISSING_GEOMETRY,
                                    "objektet saknar geometri.", "Rita objektet eller ta bort det."))
            continue
        kind = names[types[i]]
        if kind not in allowed:
            problems.append(Problem(file, i + 1, GEOMETRY_COLUMN, value, WRONG_GEOMETRY_TYPE,
                                    f"geometrin är en {_TYPE_NAMES.get(kind, kind)}.",
                                    "Tillåtet här: "
                                    + ", ".join(sorted({_TYPE_NAMES[a] for a in allowed})) + "."))
            continue
        if not valid[i]:
            reason = shapely.is_valid_reason(geoms[i])
            key, _, where = reason.partition("[")
            text = _VALIDITY_REASONS.get(key.strip(), f"geometrin är ogiltig ({reason})")
            if where:
                text += f" vid ({where.rstrip(']').replace(' ', ', ')})"
            problems.append(Problem(file, i + 1, GEOMETRY_COLUMN, value, INVALID_GEOMETRY,
                                    text + ".",
                                    "Rätta geometrin i GIS-programmet (i QGIS: Åtgärda "
                                    "geometrier / Fix geometries) och leverera filen på nytt."))
    return problems


def _check_degrees(gdf: gpd.GeoDataFrame, file: str, epsg: int, labels: pd.Series) -> None:
    """A file read as WGS 84 must hold degrees (GeoJSON without ``crs`` is WGS 84)."""
    if epsg != 4326 or len(gdf) == 0:
        return
    bounds = gdf.geometry.bounds
    bad = ~((bounds["minx"] >= -180) & (bounds["maxx"] <= 180)
            & (bounds["miny"] >= -90) & (bounds["maxy"] <= 90))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError([Problem(file, i + 1, GEOMETRY_COLUMN, _label(labels, i), NO_CRS,
                                 "filen saknar koordinatsystem: den läses som WGS 84 (grader) "
                                 "men koordinaterna är meter.",
                                 "Spara om filen med koordinatsystem, eller ange det vid "
                                 f'inläsningen, t.ex. crs="EPSG:3008". Godkända: {ACCEPTED_TEXT}.')],
                        title="Koordinatsystem saknas")


def _outside_sweden(gdf3006: gpd.GeoDataFrame, file: str, labels: pd.Series) -> list[Problem]:
    (x0, x1), (y0, y1) = PLAUSIBLE[3006]
    b = gdf3006.geometry.bounds
    bad = ~((b["minx"] >= x0) & (b["maxx"] <= x1) & (b["miny"] >= y0) & (b["maxy"] <= y1))
    bad &= ~gdf3006.geometry.is_empty & gdf3006.geometry.notna()
    return [Problem(file, int(i) + 1, GEOMETRY_COLUMN, _label(labels, i), OUTSIDE_SWEDEN,
                    "objektet ligger utanför Sverige.",
                    "Kontrollera filens koordinatsystem.")
            for i in np.flatnonzero(bad.to_numpy())]


def _read_in_analysis_crs(path, crs, what: str, allowed: set[str],
                          headers: dict[str, str], label_column: str
                          ) -> tuple[gpd.GeoDataFrame, str, pd.Series]:
    path = Path(path)
    raw = _read_geodata(path)
    file = path.name
    epsg = _resolve_crs(raw.crs, crs, file, geojson=path.suffix.lower() in GEOJSON_SUFFIXES)
    if raw.crs is None or crs_epsg(raw.crs) != epsg:
        raw = raw.set_crs(CRS.from_epsg(epsg), allow_override=True)
    frame = _rename(raw, headers)
    labels = _optional_text(frame, label_column)
    problems = _feature_problems(frame, file, labels, allowed)
    if problems:
        raise DataError(problems, title=f"{what} kan inte användas ({FEATURE_NOTE})")
    _check_degrees(frame, file, epsg, labels)
    frame = frame.to_crs(ANALYSIS_CRS)
    problems = _outside_sweden(frame, file, labels)
    if problems:
        raise DataError(problems, title=f"{what} kan inte användas ({FEATURE_NOTE})")
    return frame, file, labels


def _years(values: pd.Series, column: str, file: str, required: bool) -> tuple[pd.Series,
                                                                                 list[Problem]]:
    text = _text(values)
    num = pd.to_numeric(text, errors="coerce")
    problems = []
    bad = text.notna() & (num.isna() | (num % 1 != 0) | (num < 1900) | (num > 2100))
    for i in np.flatnonzero(bad.to_numpy()):
        problems.append(Problem(file, int(i) + 1, column, text.iloc[i], BAD_YEAR,
                                "är inte ett årtal.", "Skriv året med fyra siffror."))
    if required:
        for i in np.flatnonzero(text.isna().to_numpy()):
            problems.append(Problem(file, int(i) + 1, column, None, MISSING_VALUE,
                                    "första giltiga år saknas.", ""))
    return num.where(~bad).astype("Int64"), problems


def _require_attributes(frame: pd.DataFrame, file: str, required: dict[str, str], hint: str,
                        what: str) -> None:
    """Raise ``DataError`` naming every required attribute (canonical -> Swedish) missing."""
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataError([Problem(file, None, required[m], None, MISSING_COLUMN,
                                 "kolumnen saknas i filens attribut.", hint)
                         for m in missing], title=f"{what} kan inte användas")


def _optional_text(frame: pd.DataFrame, column: str) -> pd.Series:
    """An attribute as text (``_text``), or all <NA> when the file does not have it."""
    return (_text(frame[column]) if column in frame.columns
            else pd.Series(pd.NA, index=frame.index, dtype="string"))


def read_areas(path: str | os.PathLike, *, crs=None) -> gpd.GeoDataFrame:
    """Read and validate area polygons (GeoPackage, GeoJSON or Shapefile) into EPSG:3006.

    Attributes (Swedish or English headers, any case): ``omrade`` (code, kept as
    text), ``namn``, ``giltig_fran`` (first year), ``giltig_till`` (last year,
    empty = still valid). Returns ``area, area_name, valid_from (int64),
    valid_to (Int64), version ("01@2020"), source_file, source_row`` (the feature
    number, 1-based) and ``geometry``, sorted by area and first year.

    Raises ``DataError`` (Swedish, naming file, feature, column and value) for a
    file without CRS (unless ``crs`` names one), a CRS other than EPSG:3006,
    3008 or 4326, missing or invalid (e.g. self-intersecting) polygons, missing
    codes or years, overlapping validity periods of one code, and areas valid in
    the same year whose polygons overlap (more than ``OVERLAP_TOLERANCE_M2``).
    """
    frame, file, labels = _read_in_analysis_crs(path, crs, "Områdespolygonerna",
                                                {"Polygon", "MultiPolygon"}, _AREA_HEADERS,
                                                "area")
    _require_attributes(frame, file, {"area": "omrade", "valid_from": "giltig_fran"},
                        "Attributen ska heta omrade, namn, giltig_fran, giltig_till.",
                        "Områdespolygonerna")
    valid_from, valid_to = _area_years(frame, file, labels)
    out = gpd.GeoDataFrame({
        "area": labels.to_numpy(),
        "area_name": _optional_text(frame, "area_name").to_numpy(),
        "valid_from": valid_from.astype("int64").to_numpy(),
        "valid_to": valid_to.to_numpy(),
    }, geometry=frame.geometry.to_numpy(), crs=ANALYSIS_CRS)
    out["area"] = out["area"].astype("string")
    out["area_name"] = out["area_name"].astype("string")
    out["valid_to"] = out["valid_to"].astype("Int64")
    out["version"] = (out["area"] + "@" + out["valid_from"].astype("string")).astype("string")
    out["source_file"] = pd.array([file] * len(out), dtype="string")
    out["source_row"] = np.arange(1, len(out) + 1, dtype="int64")
    check_overlaps(out, file)
    validate_area_overlaps(out, file=file)
    return out.sort_values(["area", "valid_from"], ignore_index=True)[AREA_GEO_COLUMNS]


def _area_years(frame: gpd.GeoDataFrame, file: str, labels: pd.Series
                ) -> tuple[pd.Series, pd.Series]:
    """(valid_from, valid_to) of every area feature; ``DataError`` listing every missing
    code, missing or bad year and last year before the first."""
    problems = [Problem(file, int(i) + 1, "omrade", None, MISSING_VALUE, "områdeskoden saknas.",
                        "Varje polygon ska ha en områdeskod.")
                for i in np.flatnonzero(labels.isna().to_numpy())]
    valid_from, p_from = _years(frame["valid_from"], "giltig_fran", file, required=True)
    valid_to, p_to = (_years(frame["valid_to"], "giltig_till", file, required=False)
                      if "valid_to" in frame.columns
                      else (pd.Series(pd.NA, index=frame.index, dtype="Int64"), []))
    problems += p_from + p_to
    backwards = (valid_to < valid_from).fillna(False)
    for i in np.flatnonzero(backwards.to_numpy()):
        problems.append(Problem(file, int(i) + 1, "giltig_till", str(valid_to.iloc[i]),
                                BAD_YEAR, f"sista giltiga år är före första ({valid_from.iloc[i]}).",
                                ""))
    if problems:
        raise DataError(sorted(problems, key=lambda p: (p.row or 0, p.column or "")),
                        title=f"Områdespolygonerna kan inte användas ({FEATURE_NOTE})")
    return valid_from, valid_to


def _valid_in_pairs(areas: pd.DataFrame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """True where area rows i and j have validity periods that share a year."""
    start = areas["valid_from"].to_numpy(dtype="int64")
    end = areas["valid_to"].fillna(9999).to_numpy(dtype="int64")
    return (start[i] <= end[j]) & (start[j] <= end[i])


def validate_area_overlaps(areas: gpd.GeoDataFrame, *, file: str = "",
                           tolerance_m2: float = OVERLAP_TOLERANCE_M2) -> gpd.GeoDataFrame:
    """Areas valid in the same year may share borders but not overlap; return ``areas``."""
    geoms = np.asarray(areas.geometry.array)
    tree = shapely.STRtree(geoms)
    i, j = tree.query(geoms, predicate="intersects")
    keep = (i < j) & _valid_in_pairs(areas, i, j)
    i, j = i[keep], j[keep]
    overlap = shapely.area(shapely.intersection(geoms[i], geoms[j]))
    problems = []
    for a, b, size in zip(i, j, overlap, strict=True):
        if size > tolerance_m2:
            ra, rb = areas.iloc[a], areas.iloc[b]
            problems.append(Problem(
                file or str(ra.get("source_file", "")), int(ra.get("source_row", a + 1)),
                GEOMETRY_COLUMN, str(ra["version"]), AREA_OVERLAP,
                f"polygonen överlappar område {rb['version']} (rad {rb.get('source_row', b + 1)}) "
                f"med {size:,.0f} m² fast båda gäller samma år.".replace(",", " "),
                "Områden som gäller samma år får dela gräns men inte överlappa; rätta "
                "gränserna i GIS-programmet."))
    if problems:
        raise DataError(problems, title=f"Områdespolygonerna överlappar ({FEATURE_NOTE})")
    return areas


def read_places(path: str | os.PathLike, *, crs=None) -> gpd.GeoDataFrame:
    """Read and validate named places (points, lines or polygons) into EPSG:3006.

    Attributes: ``plats`` (name), ``ort`` (locality) and optionally ``buffert_m``
    (metres, default 0). Returns ``place_id`` (``"Marieholm: Stora torg"``),
    ``place``, ``locality``, ``buffer_m`` (float), ``source_file``,
    ``source_row`` and ``geometry``, sorted by ``place_id``.

    Raises ``DataError`` for the file-level problems of ``read_areas``, a missing
    name or locality, a negative or non-numeric buffer, a point or line without
    a buffer (it could never contain an observation), and a name that occurs
    twice in one locality.
    """
    frame, file, labels = _read_in_analysis_crs(
        path, crs, "Platserna", {"Point", "MultiPoint", "LineString", "MultiLineString",
                                 "Polygon", "MultiPolygon"}, _PLACE_HEADERS, "place")
    _require_attributes(frame, file, {"place": "plats", "locality": "ort"},
                        "Attributen ska heta plats, ort och (valfritt) buffert_m.", "Platserna")
    locality = _text(frame["locality"])
    buffer = _place_buffers(frame, file, labels, locality)
    place_id = _place_ids(labels, locality, file)
    out = gpd.GeoDataFrame({
        "place_id": place_id.to_numpy(), "place": labels.to_numpy(),
        "locality": locality.to_numpy(), "buffer_m": buffer.to_numpy(dtype="float64"),
        "source_file": [file] * len(frame),
        "source_row": np.arange(1, len(frame) + 1, dtype="int64"),
    }, geometry=frame.geometry.to_numpy(), crs=ANALYSIS_CRS)
    for col in ["place_id", "place", "locality", "source_file"]:
        out[col] = out[col].astype("string")
    return out.sort_values("place_id", ignore_index=True)[PLACE_COLUMNS]


def _place_buffers(frame: gpd.GeoDataFrame, file: str, labels: pd.Series,
                   locality: pd.Series) -> pd.Series:
    """The buffer of every place in metres (0 when not given); ``DataError`` listing every
    missing name or locality, bad buffer and point or line without a buffer."""
    problems = [Problem(file, int(i) + 1, col, None, MISSING_VALUE, f"{what} saknas.",
                        "En plats identifieras av namn och ort.")
                for col, values, what in [("plats", labels, "platsens namn"),
                                          ("ort", locality, "orten")]
                for i in np.flatnonzero(values.isna().to_numpy())]
    if "buffer_m" in frame.columns:
        text = _text(frame["buffer_m"])
        buffer = parse_numbers(text).fillna(0.0)
        bad = (text.notna() & parse_numbers(text).isna()) | (buffer < 0)
        for i in np.flatnonzero(bad.to_numpy()):
            problems.append(Problem(file, int(i) + 1, "buffert_m", text.iloc[i], BAD_BUFFER,
                                    "bufferten ska vara ett tal i meter, 0 eller större.", ""))
    else:
        buffer = pd.Series(0.0, index=frame.index)
    kinds = frame.geometry.geom_type.to_numpy()
    for i in np.flatnonzero(~np.isin(kinds, ["Polygon", "MultiPolygon"]) & (buffer <= 0)):
        problems.append(Problem(file, int(i) + 1, "buffert_m", _label(labels, i), BAD_BUFFER,
                                f"platsen är en {_TYPE_NAMES[kinds[i]]} utan buffert och kan "
                                "aldrig innehålla en observation.",
                                "Ange buffert_m (t.ex. 25 för en gata, 50 för en punkt)."))
    if problems:
        raise DataError(sorted(problems, key=lambda p: (p.row or 0, p.column or "")),
                        title=f"Platserna kan inte användas ({FEATURE_NOTE})")
    return buffer


def _place_ids(labels: pd.Series, locality: pd.Series, file: str) -> pd.Series:
    """``"ort: plats"`` per feature; ``DataError`` if a name occurs twice in one locality."""
    place_id = (locality + ": " + labels).astype("string")
    key = place_id.map(normalise_label)
    problems = []
    for k in key[key.duplicated(keep=False)].unique():
        rows = np.flatnonzero((key == k).to_numpy()) + 1
        problems.append(Problem(file, int(rows[1]), "plats", place_id.iloc[rows[0] - 1],
                                DUPLICATE_ID,
                                f"platsen finns flera gånger i samma ort (rad "
                                f"{', '.join(map(str, rows))}).",
                                "Ge platserna olika namn eller slå ihop dem."))
    if problems:
        raise DataError(problems, title=f"Platserna kan inte användas ({FEATURE_NOTE})")
    return place_id


def kommun_outline(path: str | os.PathLike, kommunkod: str):
    """The outline of one kommun (a shapely Polygon/MultiPolygon in EPSG:3006).

    Reads a file of kommun polygons with the kommun code ``kommunkod`` (the build
    passes ``Settings.kommunkod``) in ``id`` (as in the okfse/sweden-geojson
    outlines) or ``kommunkod``; an empty ``kommunkod`` takes the file's only kommun (a
    ``DataError`` when it has several); the outlines are simplified,
    so points close to the border may fall on the wrong side (checks against it
    are reported, never used to drop rows).
    """
    path = Path(path)
    raw = _read_geodata(path)
    epsg = _resolve_crs(raw.crs, None, path.name)
    _check_degrees(raw, path.name, epsg, pd.Series(pd.NA, index=raw.index, dtype="string"))
    column = next((c for c in raw.columns if normalise_label(c) in _KOMMUN_ID_HEADERS), None)
    if column is None:
        raise DataError([Problem(path.name, None, "id", None, MISSING_COLUMN,
                                 "filen saknar kolumn med kommunkod.",
                                 "Kommunkoden ska stå i attributet id eller kommunkod.")],
                        title="Kommungränsen kan inte läsas")
    codes = _text(raw[column]).str.zfill(4)
    in_file = sorted(codes.dropna().unique())
    wanted = str(kommunkod or "").strip()
    if not wanted and len(in_file) == 1:  # no code given: a file with one kommun is that one
        wanted = in_file[0]
    if not wanted:
        raise DataError([Problem(path.name, None, column, None, MISSING_VALUE,
                                 f"filen har {len(in_file)} kommuner och ingen kommunkod är "
                                 "angiven.",
                                 'Skriv kommunens kod i data/raw/installningar.yaml, t.ex. '
                                 'kommunkod: "0114" (eller kör trygghet ny KOMMUN).')],
                        title="Kommungränsen kan inte läsas")
    wanted = wanted.zfill(4)
    match = raw[(codes == wanted).fillna(False).to_numpy()]
    if match.empty:
        shown = ", ".join(in_file[:10]) + (" …" if len(in_file) > 10 else "")
        raise DataError([Problem(path.name, None, column, wanted, UNKNOWN_AREA,
                                 "kommunkoden finns inte i filen.",
                                 f"Filen har koderna {shown}. Kontrollera kommunkod i "
                                 "installningar.yaml, eller lägg rätt kommungräns i "
                                 "geodata/kommun.geojson (trygghet ny KOMMUN skriver den).")],
                        title="Kommungränsen kan inte läsas")
    return shapely.union_all(np.asarray(match.to_crs(ANALYSIS_CRS).geometry.array))


# --- validation against the register and of codes in other tables ------------------------


def validate_areas_against_register(areas: gpd.GeoDataFrame, register: pd.DataFrame, *,
                                    file: str | None = None) -> gpd.GeoDataFrame:
    """The polygons must have exactly the register's versions (code, years, name); return ``areas``.

    ``register`` comes from ``analysis.areas.read_area_register``. Names are
    compared case- and whitespace-insensitively.
    """
    file = file or (str(areas["source_file"].iloc[0]) if len(areas) and "source_file" in areas
                    else "områdespolygonerna")
    reg = register.set_index("version")
    problems = []
    for _, row in areas.iterrows():
        version = row["version"]
        where = int(row["source_row"]) if "source_row" in areas else None
        if version not in reg.index:
            known = ", ".join(reg.index[reg["area"] == row["area"]]) or "inga"
            hint = f"Registrets versioner av {row['area']}: {known}."
            if str(row["area"]).isdigit() and str(row["area"]).zfill(2) in set(reg["area"]):
                hint += (f' Menade du "{str(row["area"]).zfill(2)}"? Koden ska vara text med '
                         "inledande nolla (Shapefile sparar ofta koden som tal).")
            problems.append(Problem(file, where, "omrade", version, REGISTER_MISMATCH,
                                    "polygonens område och första år finns inte i "
                                    "områdesregistret.", hint))
            continue
        r = reg.loc[version]
        to_poly = None if pd.isna(row["valid_to"]) else int(row["valid_to"])
        to_reg = None if pd.isna(r["valid_to"]) else int(r["valid_to"])
        if to_poly != to_reg:
            problems.append(Problem(file, where, "giltig_till",
                                    "" if to_poly is None else str(to_poly), REGISTER_MISMATCH,
                                    "sista giltiga år skiljer sig från områdesregistrets ("
                                    + ("tomt" if to_reg is None else str(to_reg)) + ").", ""))
        if pd.notna(row["area_name"]) and normalise_label(row["area_name"]) != normalise_label(
                r["area_name"]):
            problems.append(Problem(file, where, "namn", str(row["area_name"]), REGISTER_MISMATCH,
                                    f"namnet skiljer sig från områdesregistrets "
                                    f"(\"{r['area_name']}\").", ""))
    for version in sorted(set(reg.index) - set(areas["version"])):
        problems.append(Problem(file, None, "omrade", version, REGISTER_MISMATCH,
                                "områdesregistret har den här områdesversionen men ingen "
                                "polygon har den.", "Lägg till polygonen eller rätta registret."))
    if problems:
        raise DataError(problems, title="Områdespolygonerna stämmer inte med områdesregistret "
                                        f"({FEATURE_NOTE})")
    return areas


def _year_array(year, n: int, index: pd.Index, frame: pd.DataFrame | None = None) -> np.ndarray:
    """Years as a float array (NaN = unknown) from a scalar, a column name or a sequence."""
    if isinstance(year, str) and frame is not None:
        year = frame[year]
    if np.isscalar(year):
        return np.full(n, float(year))
    values = pd.Series(year)
    if isinstance(year, pd.Series) and not values.index.equals(index):
        values = values.reindex(index)
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def validate_area_codes(codes: pd.Series, areas: gpd.GeoDataFrame, year, file: str,
                        excel_rows: Sequence[int] | None, *, column: str = "omrade"
                        ) -> pd.Series:
    """Every non-empty code must be an area whose polygon is valid in that row's year.

    ``year`` is a year or a sequence of years aligned with ``codes``. Returns
    ``codes`` unchanged; raises ``DataError`` listing every bad row (file, Excel
    row, column, value and the codes valid that year).
    """
    text = _text(codes.reset_index(drop=True))
    years = _year_array(year, len(text), text.index)
    rows = list(excel_rows) if excel_rows is not None else [None] * len(text)
    valid_codes: dict[int, list[str]] = {}  # year -> the codes with a polygon valid then
    problems = []
    for i in np.flatnonzero(text.notna().to_numpy()):
        code, y = text.iloc[i], years[i]
        if np.isnan(y):
            continue
        y = int(y)
        if y not in valid_codes:
            valid_codes[y] = sorted(set(areas.loc[valid_in_year(areas, y), "area"]))
        valid = valid_codes[y]
        if code in valid:
            continue
        hint = f"Områden med polygon {y}: {', '.join(valid) or 'inga'}."
        if code.isdigit() and code.zfill(2) in valid:
            hint += f' Menade du "{code.zfill(2)}"? Koden ska vara text med inledande nolla.'
        problems.append(Problem(file, rows[i], column, code, UNKNOWN_AREA,
                                f"området finns inte bland områdespolygonerna för {y}.",
                                hint))
    if problems:
        raise DataError(problems, title="Okänd områdeskod")
    return codes


# --- coordinates -> points ---------------------------------------------------------------


def _coordinate_values(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(numbers, empty) for a coordinate column of numbers or text (decimal comma allowed)."""
    if pd.api.types.is_numeric_dtype(values.dtype):
        num = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        return num, np.isnan(num)
    text = values.astype("string").str.strip()
    empty = (text.isna() | (text == "")).to_numpy(dtype=bool)
    return parse_numbers(text).to_numpy(dtype="float64", na_value=np.nan), empty


def _in(values: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
    return (values >= bounds[0]) & (values <= bounds[1])


def points_from_xy(frame: pd.DataFrame, x: str, y: str, *, crs, file: str,
                   excel_rows: Sequence[int] | None, kommun=None, swap_ok: bool = False
                   ) -> tuple[gpd.GeoSeries, list[Problem]]:
    """Points in EPSG:3006 from coordinate columns, and the problems found.

    ``x`` is the easting or longitude column, ``y`` the northing or latitude
    column, in ``crs`` (EPSG:3006, 3008 or 4326); numbers may be written with
    decimal comma. Rows where both are empty get no point and no problem (they
    may name a place instead). ``kommun`` is an optional outline in EPSG:3006.

    Problems (one per row): a single missing coordinate, a value that is not a
    number, a coordinate outside Sweden for that CRS, swapped columns (detected
    because x and y have disjoint plausible ranges in Sweden: WGS 84 longitude
    10–24.5 and latitude 55–69.5; SWEREF 99 TM easting 0.2–0.95 M and northing
    6.1–7.7 M; SWEREF 99 13 30 easting 0–0.3 M and northing 6.1–6.9 M). These
    rows get no point. With ``swap_ok=True`` swapped rows are fixed and reported
    (``SWAPPED_FIXED``); points outside ``kommun`` are reported
    (``OUTSIDE_KOMMUN``) and kept. Exactly the reasons in ``POINT_NOTICES`` keep
    the point.
    """
    epsg = _xy_epsg(frame, x, y, crs, file)
    rows = list(excel_rows) if excel_rows is not None else [None] * len(frame)
    report = _RowProblems(frame, x, y, file, rows)
    xv, x_empty = _coordinate_values(frame[x])
    yv, y_empty = _coordinate_values(frame[y])
    numbers = _check_numbers(report, xv, x_empty, yv, y_empty)
    xv, yv, usable = _check_plausible(report, xv, yv, numbers, epsg, swap_ok)
    geoms = _points_in_analysis_crs(xv, yv, usable, epsg)
    out = gpd.GeoSeries(geoms, index=frame.index, crs=ANALYSIS_CRS, name="geometry")
    if kommun is not None and usable.any():
        _check_in_kommun(report, geoms, usable, kommun)
    return out, report.in_row_order()


@dataclass
class _RowProblems:
    """The first problem found in each row of a coordinate frame (later ones are dropped)."""

    frame: pd.DataFrame
    x: str
    y: str
    file: str
    rows: list
    found: dict[int, Problem] = field(default_factory=dict)

    def add(self, mask: np.ndarray, column: str, reason: str, message: str,
            hint: str = "") -> None:
        for i in np.flatnonzero(mask):
            self.add_one(int(i), column, reason, message, hint)

    def add_one(self, i: int, column: str, reason: str, message: str, hint: str = "") -> None:
        if i not in self.found:
            value = (f"{self.x}={_show(self.frame[self.x].iloc[i])}, "
                     f"{self.y}={_show(self.frame[self.y].iloc[i])}")
            self.found[i] = Problem(self.file, self.rows[i], column, value, reason, message, hint)

    def in_row_order(self) -> list[Problem]:
        return [self.found[i] for i in sorted(self.found)]


def _xy_epsg(frame: pd.DataFrame, x: str, y: str, crs, file: str) -> int:
    """The EPSG code of ``crs``; ``DataError`` if it is not accepted or a column is missing."""
    epsg = crs_epsg(crs)
    if epsg is None:
        raise DataError([Problem(file, None, f"{x}, {y}", str(crs), BAD_CRS,
                                 "koordinatsystemet stöds inte.", f"Godkända: {ACCEPTED_TEXT}.")],
                        title="Fel koordinatsystem")
    for col in (x, y):
        if col not in frame.columns:
            raise DataError([Problem(file, None, col, None, MISSING_COLUMN,
                                     "koordinatkolumnen saknas.", "")],
                            title="Koordinaterna kan inte användas")
    return epsg


def _check_numbers(report: _RowProblems, xv: np.ndarray, x_empty: np.ndarray, yv: np.ndarray,
                   y_empty: np.ndarray) -> np.ndarray:
    """Report a lone coordinate and a value that is not a number; True where both are numbers."""
    x, y = report.x, report.y
    one_missing = x_empty ^ y_empty
    report.add(one_missing & x_empty, x, MISSING_VALUE, "koordinaten saknas (bara den andra finns).")
    report.add(one_missing & y_empty, y, MISSING_VALUE, "koordinaten saknas (bara den andra finns).")
    report.add(~x_empty & np.isnan(xv), x, BAD_COORDINATE, "koordinaten är inte ett tal.")
    report.add(~y_empty & np.isnan(yv), y, BAD_COORDINATE, "koordinaten är inte ett tal.")
    return ~np.isnan(xv) & ~np.isnan(yv)


def _check_plausible(report: _RowProblems, xv: np.ndarray, yv: np.ndarray, numbers: np.ndarray,
                     epsg: int, swap_ok: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Report swapped columns (fixed with ``swap_ok``) and points outside Sweden in ``epsg``;
    return (x, y, usable) with swapped rows swapped back when ``swap_ok``."""
    x, y = report.x, report.y
    xr, yr = PLAUSIBLE[epsg]
    plausible = numbers & _in(xv, xr) & _in(yv, yr)
    swapped = numbers & ~plausible & _in(yv, xr) & _in(xv, yr)
    what = ("latitud och longitud" if epsg == 4326 else "nord- och östkoordinat")
    if swap_ok:
        report.add(swapped, f"{x}, {y}", SWAPPED_FIXED,
                   f"{what} hade bytt plats; de har bytts tillbaka.",
                   f"Kontrollera kolumnerna i filen ({x} ska vara "
                   + ("longitud" if epsg == 4326 else "östkoordinat") + ").")
        xv, yv = np.where(swapped, yv, xv), np.where(swapped, xv, yv)
        usable = plausible | swapped
    else:
        report.add(swapped, f"{x}, {y}", SWAPPED,
                   f"{what} verkar ha bytt plats.",
                   f"Byt plats på kolumnerna ({x} ska vara "
                   + ("longitud" if epsg == 4326 else "östkoordinat")
                   + "), eller läs in med swap_ok=True för att rätta och redovisa dem.")
        usable = plausible
    others = [CRS_NAMES[e] for e in ACCEPTED_EPSG
              if e != epsg and (numbers & _in(xv, PLAUSIBLE[e][0]) & _in(yv, PLAUSIBLE[e][1])).any()]
    report.add(numbers & ~usable, f"{x}, {y}", OUTSIDE_SWEDEN,
               f"punkten ligger utanför Sverige i {CRS_NAMES[epsg]}.",
               "Kontrollera koordinatsystemet" + (f" (värdena ser ut som {' eller '.join(others)})"
                                                  if others else "") + ".")
    return xv, yv, usable


def _points_in_analysis_crs(xv: np.ndarray, yv: np.ndarray, usable: np.ndarray,
                            epsg: int) -> np.ndarray:
    """Shapely points in EPSG:3006 where ``usable`` (None elsewhere)."""
    geoms = np.full(len(xv), None, dtype=object)
    if usable.any():
        transformer = Transformer.from_crs(CRS.from_epsg(epsg), CRS.from_user_input(ANALYSIS_CRS),
                                           always_xy=True)
        ex, ny = transformer.transform(xv[usable], yv[usable])
        geoms[usable] = shapely.points(np.asarray(ex), np.asarray(ny))
    return geoms


def _check_in_kommun(report: _RowProblems, geoms: np.ndarray, usable: np.ndarray,
                     kommun) -> None:
    """Report usable points outside the kommun outline (a notice: the point is kept)."""
    outline = shapely.from_wkb(shapely.to_wkb(kommun))  # a copy, so preparing leaves it alone
    shapely.prepare(outline)
    outside = usable & ~shapely.covers(outline, geoms)
    for i in np.flatnonzero(outside):
        p = geoms[i]
        report.add_one(int(i), f"{report.x}, {report.y}", OUTSIDE_KOMMUN,
                       f"punkten ligger utanför kommunen (SWEREF 99 TM {p.x:.0f}, {p.y:.0f}).",
                       "Kontrollera koordinaterna och koordinatsystemet. Kommungränsen är "
                       "förenklad, så en punkt nära gränsen kan ändå vara rätt; punkten behålls.")


def _show(value) -> str:
    return "" if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) \
        else str(value)


# --- named places ------------------------------------------------------------------------


def resolve_places(names: pd.Series, localities: pd.Series | None, places: gpd.GeoDataFrame,
                   *, file: str = "", excel_rows: Sequence[int] | None = None,
                   column: str = "plats") -> tuple[pd.Series, list[Problem]]:
    """The ``place_id`` of each (name, locality) pair, and a problem for every row not resolved.

    Names and localities are compared case- and whitespace-insensitively. With a
    locality, only that locality's places match. Without one, a name matches
    only if exactly one place has it; a name held by several places (two
    localities with a Stora torg) is an error listing the candidates. A
    name may also be written as a full ``place_id`` ("Marieholm: Stora torg").
    Unknown names get the closest known names as a hint. Empty names give <NA>.
    """
    names = names.reset_index(drop=True)
    localities = (pd.Series(pd.NA, index=names.index, dtype="string") if localities is None
                  else localities.reset_index(drop=True))
    rows = list(excel_rows) if excel_rows is not None else [None] * len(names)
    index = _PlaceIndex.of(places)
    out = pd.Series(pd.NA, index=names.index, dtype="string")
    problems = []
    cache: dict[tuple[str, str], tuple[str | None, Problem | None]] = {}
    for i, (name, loc) in enumerate(zip(names, localities, strict=True)):
        name_key = normalise_label("" if pd.isna(name) else name)
        if not name_key:
            continue
        loc_key = normalise_label("" if pd.isna(loc) else loc)
        key = (name_key, loc_key)
        if key not in cache:
            cache[key] = index.resolve(str(name).strip(),
                                       "" if pd.isna(loc) else str(loc).strip(), key)
        pid, problem = cache[key]
        if pid is not None:
            out.iloc[i] = pid
        else:
            problems.append(Problem(file, rows[i], column, problem.value, problem.reason,
                                    problem.message, problem.hint))
    return out, problems


@dataclass(frozen=True)
class _PlaceIndex:
    """The places by (name, locality), by name and by ``place_id`` (``normalise_label`` keys)."""

    by_key: dict[tuple[str, str], str]
    by_name: dict[str, list[str]]
    by_id: dict[str, str]
    known: list[str]  # the place names, sorted

    @classmethod
    def of(cls, places: gpd.GeoDataFrame) -> _PlaceIndex:
        by_key: dict[tuple[str, str], str] = {}
        by_name: dict[str, list[str]] = {}
        by_id: dict[str, str] = {}
        for pid, place, loc in zip(places["place_id"], places["place"], places["locality"],
                                   strict=True):
            by_key[(normalise_label(place), normalise_label(loc))] = pid
            by_name.setdefault(normalise_label(place), []).append(pid)
            by_id[normalise_label(pid)] = pid
        return cls(by_key, by_name, by_id, sorted(places["place"].unique()))

    def resolve(self, name: str, loc: str, key: tuple[str, str]
                ) -> tuple[str | None, Problem | None]:
        """(place_id, None), or (None, a Problem without file and row) for one name."""
        name_key, loc_key = key
        if name_key in self.by_id and (not loc_key or name_key.startswith(loc_key + ":")):
            return self.by_id[name_key], None
        if loc_key:
            if key in self.by_key:
                return self.by_key[key], None
            elsewhere = self.by_name.get(name_key, [])
            hint = (f"Platser med det namnet: {', '.join(elsewhere)}." if elsewhere
                    else _suggest(name, self.known))
            return None, Problem("", None, None, name, UNKNOWN_PLACE,
                                 f"platsen finns inte i orten \"{loc}\".", hint)
        candidates = self.by_name.get(name_key, [])
        if len(candidates) == 1:
            return candidates[0], None
        if candidates:
            return None, Problem("", None, None, name, AMBIGUOUS_PLACE,
                                 f"flera platser heter så: {', '.join(sorted(candidates))}.",
                                 "Ange orten (kolumnen ort) så att platsen blir entydig.")
        return None, Problem("", None, None, name, UNKNOWN_PLACE, "platsen är okänd.",
                             _suggest(name, self.known))


def _suggest(name: str, known: list[str]) -> str:
    # known is sorted: of two names that differ only in case, the later one is shown
    close = suggest(name, known[::-1], n=3, cutoff=0.6, key=normalise_label)
    if close:
        return "Närmaste kända platser: " + ", ".join(close) + "."
    return "Lägg till platsen i platsfilen eller rätta namnet."


def resolve_place(name: str, locality: str | None, places: gpd.GeoDataFrame, *,
                  file: str = "", row: int | None = None, column: str = "plats") -> str:
    """The ``place_id`` of one place by name and locality; ``DataError`` if unknown or ambiguous.

    See ``resolve_places`` for the rules.
    """
    ids, problems = resolve_places(pd.Series([name], dtype="string"),
                                   pd.Series([locality], dtype="string"), places, file=file,
                                   excel_rows=[row], column=column)
    if problems:
        raise DataError(problems, title="Platsen kan inte bestämmas")
    if pd.isna(ids.iloc[0]):
        raise DataError([Problem(file, row, column, None, MISSING_VALUE, "platsens namn saknas.",
                                 "")], title="Platsen kan inte bestämmas")
    return str(ids.iloc[0])


def place_locations(place_ids: pd.Series, places: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """A point for each ``place_id`` (a point inside the place's geometry; None for <NA>)."""
    points = places.set_index("place_id").geometry.representative_point()
    geoms = [points.get(pid) if pd.notna(pid) else None for pid in place_ids]
    return gpd.GeoSeries(geoms, index=place_ids.index, crs=places.crs, name="geometry")


# --- joins -------------------------------------------------------------------------------


def _point_array(points: gpd.GeoDataFrame | gpd.GeoSeries) -> np.ndarray:
    geoms = np.asarray((points.geometry if isinstance(points, gpd.GeoDataFrame)
                        else points).array)
    kinds = shapely.get_type_id(geoms)
    bad = (kinds != 0) & ~shapely.is_missing(geoms)  # 0 = Point
    if bad.any():
        raise ValueError("Sammanfogningen kräver punkter; "
                         f"{int(bad.sum())} geometrier är inte punkter.")
    return geoms


def join_areas(points: gpd.GeoDataFrame | gpd.GeoSeries, areas: gpd.GeoDataFrame,
               year) -> pd.Series:
    """The area code of each point for the area versions valid in ``year``.

    ``year`` is one year, the name of a year column in ``points``, or a sequence
    aligned with ``points``. A point belongs to an area whose closed polygon
    contains it (border included); on a shared border, the lowest code wins.
    Points outside every area, without geometry or without year get <NA>; none
    is dropped (the result has the index of ``points``).
    Raises ``CrsMismatchError`` if ``points`` and ``areas`` differ in CRS.
    """
    check_same_crs(points, areas)
    pts = _point_array(points)
    n = len(pts)
    frame = points if isinstance(points, gpd.GeoDataFrame) else None
    years = _year_array(year, n, points.index, frame)
    codes = areas["area"].astype("string").to_numpy(dtype=object)
    order = np.array(sorted(set(codes)), dtype=object)
    rank = np.searchsorted(order, codes)  # rank of each area row's code
    if np.isscalar(year) and not isinstance(year, str):
        keep = np.flatnonzero(valid_in_year(areas, years[0])) if n else np.array([], int)
        tree = shapely.STRtree(np.asarray(areas.geometry.array)[keep])
        hit_point, hit = tree.query(pts, predicate="intersects")
        hit_area = keep[hit]
    else:
        tree = shapely.STRtree(np.asarray(areas.geometry.array))
        hit_point, hit_area = tree.query(pts, predicate="intersects")
        valid_rows, year_row = _valid_in_years(areas, years)
        valid = valid_rows[year_row[hit_point], hit_area]
        hit_point, hit_area = hit_point[valid], hit_area[valid]
    best = np.full(n, len(order), dtype=np.int64)
    np.minimum.at(best, hit_point, rank[hit_area])
    # The codes by position, <NA> where no area: an Arrow take (1 M points in ~10 ms).
    values = pa.array(order.tolist(), type=pa.large_string()).take(
        pa.array(best, mask=best == len(order)))
    return pd.Series(pd.array(values, dtype="string"), index=points.index, name="area")


def _valid_in_years(areas: pd.DataFrame, years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(table, row): area row ``j`` is valid in ``years[k]`` iff ``table[row[k], j]``.

    One ``valid_in_year`` per distinct year (a handful), not one per point; a NaN
    year points to the last row of ``table``, which is all False.
    """
    distinct = np.unique(years[~np.isnan(years)])
    table = np.zeros((len(distinct) + 1, len(areas)), dtype=bool)
    for k, y in enumerate(distinct):
        table[k] = valid_in_year(areas, y)
    return table, np.searchsorted(distinct, years)  # NaN sorts after every year


def join_places(points: gpd.GeoDataFrame | gpd.GeoSeries, places: gpd.GeoDataFrame
                ) -> pd.DataFrame:
    """Every (point, named place) pair where the point lies within the place's buffer.

    A point matches a place when its distance to the place's geometry is at
    most ``buffer_m`` (inside a polygon the distance is 0; the buffer's edge
    counts). Returns ``point`` (the index label of the point), ``place_id``,
    ``distance_m`` and ``primary`` (True for the nearest place of each point,
    ties broken by ``place_id``), sorted by point (in input order), distance
    and ``place_id``. Points in no place are absent here (they are still in the
    input: use ``primary_place`` for one value per point).
    Raises ``CrsMismatchError`` if ``points`` and ``places`` differ in CRS.
    """
    check_same_crs(points, places)
    pts = _point_array(points)
    geoms = np.asarray(places.geometry.array)
    buffers = places["buffer_m"].to_numpy(dtype="float64")
    empty = pd.DataFrame({"point": pd.Series([], dtype=points.index.dtype),
                          "place_id": pd.Series([], dtype="string"),
                          "distance_m": pd.Series([], dtype="float64"),
                          "primary": pd.Series([], dtype="bool")})
    if len(pts) == 0 or len(geoms) == 0:
        return empty
    tree = shapely.STRtree(geoms)
    hit_point, hit_place = tree.query(pts, predicate="dwithin", distance=float(buffers.max()))
    distance = shapely.distance(pts[hit_point], geoms[hit_place])
    inside = distance <= buffers[hit_place]
    hit_point, hit_place, distance = hit_point[inside], hit_place[inside], distance[inside]
    ids = places["place_id"].astype("string").to_numpy(dtype=object)
    id_rank = np.argsort(np.argsort(ids, kind="stable"), kind="stable")
    order = np.lexsort((id_rank[hit_place], distance, hit_point))
    hit_point, hit_place, distance = hit_point[order], hit_place[order], distance[order]
    primary = np.ones(len(hit_point), dtype=bool)
    primary[1:] = hit_point[1:] != hit_point[:-1]
    return pd.DataFrame({
        "point": points.index.to_numpy()[hit_point],
        "place_id": pd.array(ids[hit_place], dtype="string"),
        "distance_m": distance.astype("float64"),
        "primary": primary,
    })


def primary_place(points: gpd.GeoDataFrame | gpd.GeoSeries, places: gpd.GeoDataFrame
                  ) -> pd.Series:
    """One ``place_id`` per point: the nearest place whose buffer contains it, else <NA>."""
    matches = join_places(points, places)
    first = matches[matches["primary"]]
    out = pd.Series(pd.NA, index=points.index, dtype="string", name="place")
    positions = points.index.get_indexer(first["point"])
    out.iloc[positions] = first["place_id"].to_numpy()
    return out


# --- the geodata folder (read by analysis/stages/places.py) ------------------------------


def find_geodata(folder: Path, stem: str) -> Path | None:
    """The one file ``stem`` + a geodata suffix in ``folder`` (None if there is none).

    A symbolic link in the folder is a ``DataError`` (``analysis.files.list_delivery``):
    a delivery is copied into ``data/raw/``, never linked.
    """
    found = list_delivery(folder, lambda p: p.stem == stem
                          and p.suffix.lower() in VECTOR_SUFFIXES).files
    if len(found) > 1:
        raise DataError([Problem(p.name, None, None, None, SEVERAL_FILES,
                                 "det finns flera filer för samma geodata.",
                                 "Behåll en av dem.") for p in found],
                        title="Geodata är tvetydiga")
    return found[0] if found else None


def geodata_files(path: Path) -> list[Path]:
    """The file and, for a Shapefile, its sidecar files (all are inputs of the build).

    Sidecars are listed through ``analysis.files.list_delivery``: a linked sidecar is a
    ``DataError`` like any other link in the folder.
    """
    if path.suffix.lower() != ".shp":
        return [path]
    return [path] + list_delivery(path.parent, lambda p: p.stem == path.stem
                                  and p.suffix.lower() in SHAPEFILE_SIDECARS).files


def unread_geodata(folder: Path, read: Iterable[Path]) -> list[Path]:
    """Everything in the geodata folder that is not among ``read`` (sorted by name).

    Links are refused (``DataError``); the caller names the rest in the build output.
    """
    listing = list_delivery(folder)
    names = {p.name for p in read}
    return sorted((p for p in [*listing.files, *listing.ignored] if p.name not in names),
                  key=lambda p: p.name)


def check_areas_in_kommun(areas: gpd.GeoDataFrame, outline, file: str) -> None:
    """``DataError`` for every polygon wholly outside the kommun (a sign of a wrong CRS)."""
    outside = ~areas.geometry.intersects(outline)
    if outside.any():
        raise DataError([Problem(file, int(r["source_row"]), GEOMETRY_COLUMN, str(r["version"]),
                                 OUTSIDE_KOMMUN, "polygonen ligger helt utanför kommunen.",
                                 "Kontrollera filens koordinatsystem (SWEREF 99 13 30 och "
                                 "SWEREF 99 TM förväxlas lätt).")
                         for _, r in areas[outside].iterrows()],
                        title=f"Områdespolygonerna kan inte användas ({FEATURE_NOTE})")
