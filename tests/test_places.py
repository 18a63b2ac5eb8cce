"""Tests for analysis.places: CRSs, swapped coordinates, borders, buffers, bad files."""

from __future__ import annotations

import io
import json
import math
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon, box

from analysis import pipeline
from analysis import places as pl
from analysis.areas import read_area_register
from analysis.problems import DataError
from tests.conftest import REGISTER_CSV, processed_files

# Eslöv's reference point (DOMAIN §3) and its coordinates, computed once with pyproj 3.7.2.
REF_LONLAT = (13.3039, 55.8392)
REF_3006 = (393784.8829, 6189484.2456)
REF_3008 = (137714.0340, 6190676.8789)

X0, Y0 = 393000.0, 6189000.0  # a corner near Eslöv in SWEREF 99 TM


def meridian_arc_grs80(lat_deg: float) -> float:
    """Meridian arc length from the equator on GRS 80 (Helmert's series, mm accuracy).

    Independent of pyproj: a point on a Transverse Mercator zone's central meridian
    has northing = scale factor x this arc and easting = the false easting.
    """
    a, f = 6378137.0, 1 / 298.257222101
    n = f / (2 - f)
    p = math.radians(lat_deg)
    return a / (1 + n) * ((1 + n**2 / 4 + n**4 / 64) * p
                          - 1.5 * (n - n**3 / 8) * math.sin(2 * p)
                          + 15 / 16 * (n**2 - n**4 / 4) * math.sin(4 * p)
                          - 35 / 48 * n**3 * math.sin(6 * p)
                          + 315 / 512 * n**4 * math.sin(8 * p))


def areas_gdf(crs: str = pl.ANALYSIS_CRS) -> gpd.GeoDataFrame:
    """Three area versions matching the conftest register: 01 (2020–2022, 2023–), 02 (2020–).

    01@2020 is x 0–100, 01@2023 only x 0–50 (x 50–100 belongs to no area from 2023),
    02 is x 100–200 (shared border with 01@2020 at x = 100); all y 0–100.
    """
    return gpd.GeoDataFrame({
        "omrade": ["02", "01", "01"], "namn": ["Öster", "Centrum", "Centrum"],
        "giltig_fran": [2020, 2020, 2023], "giltig_till": pd.array([None, 2022, None],
                                                                   dtype="Int64"),
    }, geometry=[box(X0 + 100, Y0, X0 + 200, Y0 + 100), box(X0, Y0, X0 + 100, Y0 + 100),
                 box(X0, Y0, X0 + 50, Y0 + 100)], crs=crs)


def write_geo(gdf: gpd.GeoDataFrame, path: Path) -> Path:
    driver = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".shp": "ESRI Shapefile"}[path.suffix]
    with warnings.catch_warnings():  # shapefile name truncation and "no crs" are intended
        warnings.simplefilter("ignore")
        gdf.to_file(path, driver=driver, engine="pyogrio")
    return path


@pytest.fixture
def areas(tmp_path: Path) -> gpd.GeoDataFrame:
    return pl.read_areas(write_geo(areas_gdf(), tmp_path / "omraden.gpkg"))


def places_gdf() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "plats": ["Stora torg", "Stora torg", "Kanalgatan", "Stationen"],
        "ort": ["Eslöv", "Marieholm", "Eslöv", "Eslöv"],
        "buffert_m": [0.0, 20.0, 15.0, 50.0],
    }, geometry=[box(X0, Y0, X0 + 40, Y0 + 40), box(X0 - 9000, Y0 + 3000, X0 - 8950, Y0 + 3050),
                 LineString([(X0, Y0 + 60), (X0 + 100, Y0 + 60)]), Point(X0 + 150, Y0 + 50)],
        crs=pl.ANALYSIS_CRS)


@pytest.fixture
def places(tmp_path: Path) -> gpd.GeoDataFrame:
    return pl.read_places(write_geo(places_gdf(), tmp_path / "platser.gpkg"))


def points(xy: list[tuple[float, float]], **columns) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=[Point(p) for p in xy], crs=pl.ANALYSIS_CRS)


# --- coordinate systems ------------------------------------------------------------------


@pytest.mark.parametrize("crs, x, y", [
    ("EPSG:4326", REF_LONLAT[0], REF_LONLAT[1]),
    ("EPSG:3008", REF_3008[0], REF_3008[1]),
    ("EPSG:3006", REF_3006[0], REF_3006[1]),
])
def test_points_from_xy_each_accepted_crs_maps_to_known_sweref_tm(crs, x, y):
    frame = pd.DataFrame({"x": [x], "y": [y]})
    pts, problems = pl.points_from_xy(frame, "x", "y", crs=crs, file="f.csv", excel_rows=[2])
    assert problems == []
    assert pts.crs.to_epsg() == 3006
    assert pts.iloc[0].x == pytest.approx(REF_3006[0], abs=1.0)
    assert pts.iloc[0].y == pytest.approx(REF_3006[1], abs=1.0)


def test_points_on_central_meridians_match_an_independent_formula():
    # SWEREF 99 TM: central meridian 15°E, scale 0.9996, false easting 500 000 m.
    # SWEREF 99 13 30: central meridian 13.5°E, scale 1, false easting 150 000 m.
    arc = meridian_arc_grs80(56.0)
    assert arc == pytest.approx(6208563.012, abs=0.01)
    tm, _ = pl.points_from_xy(pd.DataFrame({"lon": [15.0], "lat": [56.0]}), "lon", "lat",
                              crs="EPSG:4326", file="f", excel_rows=None)
    assert (tm.iloc[0].x, tm.iloc[0].y) == pytest.approx((500000.0, 0.9996 * arc), abs=0.01)
    # (13.5°E, 56°N) is (150 000, arc) in 13 30; both routes must give the same TM point.
    local, _ = pl.points_from_xy(pd.DataFrame({"e": [150000.0], "n": [arc]}), "e", "n",
                                 crs=3008, file="f", excel_rows=None)
    wgs, _ = pl.points_from_xy(pd.DataFrame({"lon": [13.5], "lat": [56.0]}), "lon", "lat",
                               crs=4326, file="f", excel_rows=None)
    assert local.iloc[0].distance(wgs.iloc[0]) < 0.01


def test_points_from_xy_reads_decimal_comma_text_and_skips_empty_rows():
    frame = pd.DataFrame({"lon": ["13,3039", "", " 13.3039 "], "lat": ["55,8392", "", "55.8392"]},
                         dtype="string")
    pts, problems = pl.points_from_xy(frame, "lon", "lat", crs="EPSG:4326", file="f.csv",
                                      excel_rows=[2, 3, 4])
    assert problems == []
    assert pts.iloc[1] is None
    assert pts.iloc[0].distance(Point(REF_3006)) < 1 and pts.iloc[2].distance(Point(REF_3006)) < 1


def test_swapped_latitude_longitude_is_rejected_with_file_row_and_columns():
    frame = pd.DataFrame({"lon": [13.3039, 55.8392], "lat": [55.8392, 13.3039]})
    pts, problems = pl.points_from_xy(frame, "lon", "lat", crs="EPSG:4326", file="vandring.csv",
                                      excel_rows=[2, 3])
    assert pts.iloc[0] is not None and pts.iloc[1] is None
    [p] = problems
    assert (p.file, p.row, p.column, p.reason) == ("vandring.csv", 3, "lon, lat", pl.SWAPPED)
    assert "bytt plats" in p.message and "swap_ok" in p.hint
    assert "vandring.csv, rad 3" in p.format()


def test_swapped_coordinates_are_fixed_and_reported_with_swap_ok():
    frame = pd.DataFrame({"lon": [55.8392], "lat": [13.3039]})
    pts, [p] = pl.points_from_xy(frame, "lon", "lat", crs="EPSG:4326", file="f", excel_rows=[7],
                                 swap_ok=True)
    assert p.reason == pl.SWAPPED_FIXED and p.reason in pl.POINT_NOTICES and p.row == 7
    assert pts.iloc[0].distance(Point(REF_3006)) < 1


@pytest.mark.parametrize("crs, x, y", [("EPSG:3006", REF_3006[1], REF_3006[0]),
                                       ("EPSG:3008", REF_3008[1], REF_3008[0])])
def test_swapped_northing_easting_is_detected_in_sweref(crs, x, y):
    _, [p] = pl.points_from_xy(pd.DataFrame({"e": [x], "n": [y]}), "e", "n", crs=crs, file="f",
                               excel_rows=[2])
    assert p.reason == pl.SWAPPED and "nord- och östkoordinat" in p.message


def test_implausible_and_broken_coordinates_are_reported_per_row():
    frame = pd.DataFrame({"e": ["393784", "abc", "", "1"], "n": ["", "6189484", "", "2"]},
                         dtype="string")
    pts, problems = pl.points_from_xy(frame, "e", "n", crs="EPSG:3006", file="f.csv",
                                      excel_rows=[2, 3, 4, 5])
    assert [(p.row, p.column, p.reason) for p in problems] == [
        (2, "n", "saknat_varde"), (3, "e", pl.BAD_COORDINATE), (5, "e, n", pl.OUTSIDE_SWEDEN)]
    assert pts.isna().all()


def test_sweref_13_30_values_declared_as_tm_get_a_hint():
    frame = pd.DataFrame({"e": [REF_3008[0]], "n": [REF_3008[1]]})
    _, [p] = pl.points_from_xy(frame, "e", "n", crs="EPSG:3006", file="f", excel_rows=[2])
    assert p.reason == pl.OUTSIDE_SWEDEN and "SWEREF 99 13 30" in p.hint


def test_points_outside_the_kommun_are_reported_and_kept():
    kommun = box(X0, Y0, X0 + 1000, Y0 + 1000)
    frame = pd.DataFrame({"e": [X0 + 10, X0 + 5000, X0 + 1000], "n": [Y0 + 10, Y0, Y0 + 1000]})
    pts, problems = pl.points_from_xy(frame, "e", "n", crs=3006, file="f", excel_rows=[2, 3, 4],
                                      kommun=kommun)
    assert [(p.row, p.reason) for p in problems] == [(3, pl.OUTSIDE_KOMMUN)]  # border is inside
    assert pts.notna().all()
    assert not shapely.is_prepared(kommun)


def test_unsupported_crs_for_coordinates_is_an_error():
    with pytest.raises(DataError, match="stöds inte"):
        pl.points_from_xy(pd.DataFrame({"x": [1.0], "y": [2.0]}), "x", "y", crs="EPSG:3857",
                          file="f", excel_rows=None)


# --- reading areas -----------------------------------------------------------------------


def test_read_areas_from_gpkg_in_3008_reprojects_and_keeps_codes_as_text(tmp_path):
    path = write_geo(areas_gdf().to_crs("EPSG:3008"), tmp_path / "omraden.gpkg")
    areas = pl.read_areas(path)
    assert areas.crs.to_epsg() == 3006
    assert areas["version"].tolist() == ["01@2020", "01@2023", "02@2020"]
    assert areas["area"].tolist() == ["01", "01", "02"]
    assert areas["valid_to"].iloc[0] == 2022 and pd.isna(areas["valid_to"].iloc[1])
    assert areas["source_row"].tolist() == [2, 3, 1]
    # the round trip 3006 -> 3008 -> 3006 moves vertices by far less than a millimetre
    assert shapely.hausdorff_distance(areas.geometry.iloc[2],
                                      box(X0 + 100, Y0, X0 + 200, Y0 + 100)) < 1e-3


def test_read_areas_geojson_and_shapefile_with_prj(tmp_path):
    for name in ["omraden.geojson", "omraden.shp"]:
        areas = pl.read_areas(write_geo(areas_gdf().to_crs("EPSG:4326"), tmp_path / name))
        assert areas["version"].tolist() == ["01@2020", "01@2023", "02@2020"]
        assert shapely.hausdorff_distance(areas.geometry.iloc[0],
                                          box(X0, Y0, X0 + 100, Y0 + 100)) < 1e-3


def test_file_without_crs_is_refused_unless_named(tmp_path):
    path = write_geo(areas_gdf().set_crs(None, allow_override=True), tmp_path / "omraden.shp")
    assert not path.with_suffix(".prj").exists()
    with pytest.raises(DataError, match=r"omraden\.shp: filen saknar koordinatsystem") as err:
        pl.read_areas(path)
    assert 'crs="EPSG:3008"' in str(err.value)
    assert pl.read_areas(path, crs="EPSG:3006")["version"].tolist() == [
        "01@2020", "01@2023", "02@2020"]


def test_geojson_with_metres_but_no_crs_member_is_refused(tmp_path):
    data = json.loads(areas_gdf().to_json(drop_id=True))
    data.pop("crs", None)
    path = tmp_path / "omraden.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DataError, match="läses som WGS 84 \\(grader\\) men koordinaterna är meter"):
        pl.read_areas(path)
    assert len(pl.read_areas(path, crs="EPSG:3006")) == 3


@pytest.mark.parametrize("crs, message", [("EPSG:3857", "filens koordinatsystem stöds inte"),
                                          ("EPSG:3021", "filens koordinatsystem stöds inte")])
def test_other_crs_is_refused(tmp_path, crs, message):
    path = write_geo(areas_gdf().to_crs(crs), tmp_path / "omraden.gpkg")
    with pytest.raises(DataError, match=message):
        pl.read_areas(path)


def test_crs_argument_conflicting_with_the_file_is_refused(tmp_path):
    path = write_geo(areas_gdf(), tmp_path / "omraden.gpkg")
    with pytest.raises(DataError, match="SWEREF 99 13 30 \\(EPSG:3008\\) angavs"):
        pl.read_areas(path, crs="EPSG:3008")


def test_self_intersecting_polygon_is_refused_with_feature_column_and_value(tmp_path):
    gdf = areas_gdf()
    bowtie = Polygon([(X0, Y0), (X0 + 100, Y0 + 100), (X0 + 100, Y0), (X0, Y0 + 100)])
    gdf.loc[1, "geometry"] = bowtie
    path = write_geo(gdf, tmp_path / "omraden.gpkg")
    with pytest.raises(DataError) as err:
        pl.read_areas(path)
    [p] = err.value.problems
    assert (p.file, p.row, p.column, p.value, p.reason) == (
        "omraden.gpkg", 2, "geometri", "01", pl.INVALID_GEOMETRY)
    assert "korsar sig själv vid (393050, 6189050)" in p.message
    assert "objektets nummer i filen" in str(err.value)


def test_overlapping_validity_periods_of_one_code_are_refused(tmp_path):
    gdf = areas_gdf()
    gdf["giltig_till"] = pd.array([None, None, None], dtype="Int64")  # 01@2020 never ends
    with pytest.raises(DataError, match="området 01 har överlappande giltighetsperioder"):
        pl.read_areas(write_geo(gdf, tmp_path / "omraden.gpkg"))


def test_areas_valid_in_the_same_year_must_not_overlap(tmp_path):
    gdf = areas_gdf()
    gdf.loc[0, "geometry"] = box(X0 + 90, Y0, X0 + 200, Y0 + 100)  # 10 m into 01@2020
    with pytest.raises(DataError) as err:
        pl.read_areas(write_geo(gdf, tmp_path / "omraden.gpkg"))
    [p] = err.value.problems
    assert (p.row, p.value, p.reason) == (1, "02@2020", pl.AREA_OVERLAP)
    assert "överlappar område 01@2020 (rad 2) med 1 000 m²" in p.message


def test_missing_code_and_bad_year_are_reported_together(tmp_path):
    gdf = areas_gdf()
    gdf["omrade"] = ["02", None, "01"]
    gdf["giltig_fran"] = ["2020", "2020", "tjugo"]
    with pytest.raises(DataError) as err:
        pl.read_areas(write_geo(gdf, tmp_path / "omraden.gpkg"))
    assert [(p.row, p.column, p.value) for p in err.value.problems] == [
        (2, "omrade", None), (3, "giltig_fran", "tjugo")]


def test_areas_must_match_the_register(tmp_path, areas):
    register_path = tmp_path / "omradesindelning.csv"
    register_path.write_bytes(REGISTER_CSV.encode())
    register = read_area_register(register_path)
    assert pl.validate_areas_against_register(areas, register) is areas
    other = register.copy()
    other.loc[other["version"] == "02@2020", "valid_to"] = 2024
    other.loc[len(other)] = ["03", "Väster", 2020, pd.NA, "03@2020"]
    with pytest.raises(DataError) as err:
        pl.validate_areas_against_register(areas, other)
    assert [(p.row, p.column, p.value) for p in err.value.problems] == [
        (1, "giltig_till", ""), (None, "omrade", "03@2020")]


def test_numeric_codes_from_a_shapefile_get_a_hint(tmp_path, areas):
    register_path = tmp_path / "omradesindelning.csv"
    register_path.write_bytes(REGISTER_CSV.encode())
    shp = areas_gdf()
    shp["omrade"] = [2, 1, 1]
    numeric = pl.read_areas(write_geo(shp, tmp_path / "omraden.shp"))
    with pytest.raises(DataError, match='Menade du "01"'):
        pl.validate_areas_against_register(numeric, read_area_register(register_path))


# --- named places ------------------------------------------------------------------------


def test_read_places_builds_place_ids_and_refuses_duplicates(tmp_path, places):
    assert places["place_id"].tolist() == ["Eslöv: Kanalgatan", "Eslöv: Stationen",
                                           "Eslöv: Stora torg", "Marieholm: Stora torg"]
    assert places["buffer_m"].tolist() == [15.0, 50.0, 0.0, 20.0]
    dup = places_gdf()
    dup.loc[1, "ort"] = " eslöv "
    with pytest.raises(DataError, match=r"rad 2, kolumn \"plats\".*flera gånger"):
        pl.read_places(write_geo(dup, tmp_path / "dup.gpkg"))


def test_point_place_without_buffer_is_refused(tmp_path):
    gdf = places_gdf()
    gdf["buffert_m"] = [0.0, 20.0, 15.0, 0.0]
    with pytest.raises(DataError, match=r"rad 4, kolumn \"buffert_m\".*punkt utan buffert"):
        pl.read_places(write_geo(gdf, tmp_path / "platser.gpkg"))


@pytest.mark.parametrize("name, locality, expected", [
    ("Stora torg", "Marieholm", "Marieholm: Stora torg"),
    ("  stora   TORG ", "ESLÖV", "Eslöv: Stora torg"),
    ("Kanalgatan", None, "Eslöv: Kanalgatan"),
    ("marieholm: stora torg", None, "Marieholm: Stora torg"),
])
def test_resolve_place_by_name_and_locality(places, name, locality, expected):
    assert pl.resolve_place(name, locality, places) == expected


def test_name_alone_matching_several_places_lists_the_candidates(places):
    with pytest.raises(DataError) as err:
        pl.resolve_place("Stora torg", None, places, file="v.csv", row=4)
    [p] = err.value.problems
    assert (p.file, p.row, p.column, p.reason) == ("v.csv", 4, "plats", pl.AMBIGUOUS_PLACE)
    assert "Eslöv: Stora torg, Marieholm: Stora torg" in p.message


def test_unknown_place_suggests_the_closest_names(places):
    with pytest.raises(DataError, match="Närmaste kända platser: Stora torg"):
        pl.resolve_place("Stora tor", "Eslöv", places)
    with pytest.raises(DataError, match="Platser med det namnet: Eslöv: Kanalgatan"):
        pl.resolve_place("Kanalgatan", "Marieholm", places)


def test_resolve_places_vectorised_keeps_rows_and_reports_per_row(places):
    names = pd.Series(["Stora torg", None, "Okänd plats", "Stationen"], dtype="string")
    locs = pd.Series(["Eslöv", "Eslöv", "Eslöv", None], dtype="string")
    ids, problems = pl.resolve_places(names, locs, places, file="v.csv", excel_rows=[2, 3, 4, 5])
    assert ids.tolist()[0] == "Eslöv: Stora torg" and ids.tolist()[3] == "Eslöv: Stationen"
    assert ids.isna().tolist() == [False, True, True, False]
    assert [(p.row, p.reason) for p in problems] == [(4, pl.UNKNOWN_PLACE)]


# --- joins -------------------------------------------------------------------------------


def test_point_on_a_shared_border_lands_in_the_lowest_code(areas):
    pts = points([(X0 + 100, Y0 + 50), (X0 + 100, Y0 + 100), (X0 + 150, Y0 + 50)])
    assert pl.join_areas(pts, areas, 2022).tolist() == ["01", "01", "02"]


def test_lowest_code_wins_whatever_the_row_order():
    areas = gpd.GeoDataFrame({"area": ["10", "09"], "valid_from": [2020, 2020],
                              "valid_to": pd.array([None, None], dtype="Int64")},
                             geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=pl.ANALYSIS_CRS)
    pts = gpd.GeoDataFrame(geometry=[Point(1, 0.5)], crs=pl.ANALYSIS_CRS)
    assert pl.join_areas(pts, areas, 2020).tolist() == ["09"]


def test_points_outside_every_area_are_na_and_never_dropped(areas):
    pts = points([(X0 + 500, Y0), (X0 + 10, Y0 + 10), (X0 + 75, Y0 + 50)],
                 year=[2023, 2023, 2023])
    pts.index = [10, 20, 30]
    out = pl.join_areas(pts, areas, "year")
    assert out.index.tolist() == [10, 20, 30]
    assert out.isna().tolist() == [True, False, True]  # x 50–100 has no area from 2023
    assert out.loc[20] == "01"


def test_join_areas_uses_the_version_valid_in_each_rows_year(areas):
    pts = points([(X0 + 75, Y0 + 50)] * 4, year=[2019, 2022, 2023, None])
    pts.loc[3, "geometry"] = None
    assert pl.join_areas(pts, areas, "year").tolist() == [pd.NA, "01", pd.NA, pd.NA]
    assert pl.join_areas(pts.iloc[:3], areas, [2022, 2022, 2022]).tolist() == ["01"] * 3


def test_point_inside_a_place_buffer(places):
    pts = points([(X0 + 50, Y0 + 70), (X0 + 50, Y0 + 80), (X0 + 50, Y0 + 75.0),
                  (X0 + 20, Y0 + 20), (X0 + 5000, Y0)])
    matches = pl.join_places(pts, places)
    # 10 m from Kanalgatan (buffer 15) is in, 20 m is out, exactly 15 m counts;
    # the point in Stora torg's polygon is also 40 m from Kanalgatan (out).
    assert matches[["point", "place_id", "distance_m"]].values.tolist() == [
        [0, "Eslöv: Kanalgatan", 10.0], [2, "Eslöv: Kanalgatan", 15.0],
        [3, "Eslöv: Stora torg", 0.0]]
    assert pl.primary_place(pts, places).tolist() == [
        "Eslöv: Kanalgatan", pd.NA, "Eslöv: Kanalgatan", "Eslöv: Stora torg", pd.NA]


def test_point_in_several_places_gets_all_and_the_nearest_as_primary(places):
    # 10 m from Kanalgatan (buffer 15) and 40 m from Stationen's point (buffer 50)
    pts = points([(X0 + 110, Y0 + 50)])
    matches = pl.join_places(pts, places)
    assert matches["place_id"].tolist() == ["Eslöv: Kanalgatan", "Eslöv: Stationen"]
    assert matches["distance_m"].round(6).tolist() == [round(math.hypot(10, 10), 6), 40.0]
    assert matches["primary"].tolist() == [True, False]


def test_equal_distances_are_broken_by_place_id():
    places = gpd.GeoDataFrame({"place_id": ["b", "a"], "buffer_m": [5.0, 5.0]},
                              geometry=[Point(0, 0), Point(2, 0)], crs=pl.ANALYSIS_CRS)
    pts = gpd.GeoDataFrame(geometry=[Point(1, 0)], crs=pl.ANALYSIS_CRS)
    assert pl.join_places(pts, places)["place_id"].tolist() == ["a", "b"]
    assert pl.primary_place(pts, places).tolist() == ["a"]


def test_crs_mismatch_in_a_join_is_an_error_not_a_warning(areas, places):
    pts = points([(X0, Y0)]).to_crs("EPSG:3008")
    with pytest.raises(pl.CrsMismatchError, match="Olika koordinatsystem"):
        pl.join_areas(pts, areas, 2022)
    with pytest.raises(ValueError, match="SWEREF 99 13 30"):
        pl.join_places(pts, places)
    with pytest.raises(ValueError, match="saknas"):
        pl.join_areas(gpd.GeoDataFrame(geometry=[Point(0, 0)]), areas, 2022)


def test_joins_and_coordinates_do_not_mutate_their_inputs(areas, places):
    pts = points([(X0 + 100, Y0 + 50), (X0 + 50, Y0 + 70)], year=[2022, 2023])
    before = [pts.copy(), areas.copy(), places.copy()]
    pl.join_areas(pts, areas, "year")
    pl.join_places(pts, places)
    frame = pd.DataFrame({"lon": [55.8392], "lat": [13.3039]})
    frame_before = frame.copy()
    pl.points_from_xy(frame, "lon", "lat", crs=4326, file="f", excel_rows=None, swap_ok=True)
    for now, then in zip([pts, areas, places], before, strict=True):
        pd.testing.assert_frame_equal(now, then)
    pd.testing.assert_frame_equal(frame, frame_before)
    assert not shapely.is_prepared(np.asarray(areas.geometry.array)).any()


# --- validating area codes from other tables ---------------------------------------------


def test_area_code_that_the_polygons_do_not_have_is_an_error(areas):
    codes = pd.Series(["01", "02", "07", "1", None], dtype="string")
    good = codes.iloc[:2]
    assert pl.validate_area_codes(good, areas, 2022, "v.csv", [2, 3]) is good
    with pytest.raises(DataError) as err:
        pl.validate_area_codes(codes, areas, [2022, 2023, 2023, 2022, 2022], "v.csv",
                               [2, 3, 4, 5, 6], column="Område")
    assert [(p.file, p.row, p.column, p.value) for p in err.value.problems] == [
        ("v.csv", 4, "Område", "07"), ("v.csv", 5, "Område", "1")]
    text = str(err.value)
    assert "Områden med polygon 2023: 01, 02" in text and 'Menade du "01"?' in text


# --- kommun outline ----------------------------------------------------------------------


def test_kommun_outline_by_code(tmp_path):
    gdf = gpd.GeoDataFrame({"id": ["1285", "1286"], "kom_namn": ["Eslöv", "Ystad"]},
                           geometry=[box(X0, Y0, X0 + 1000, Y0 + 1000),
                                     box(X0 + 2000, Y0, X0 + 3000, Y0 + 1000)],
                           crs=pl.ANALYSIS_CRS).to_crs(4326)
    path = write_geo(gdf, tmp_path / "kommuner.geojson")
    outline = pl.kommun_outline(path, "1285")
    assert outline.area == pytest.approx(1e6, rel=1e-6)
    assert outline.contains(Point(X0 + 500, Y0 + 500))
    with pytest.raises(DataError, match="kommunkoden finns inte"):
        pl.kommun_outline(path, "0180")


# --- the stage and the build ---------------------------------------------------------------


def _only_places_stage(monkeypatch):
    """Build only the area register and the places (their declared needs)."""
    build = pipeline.build
    monkeypatch.setattr(pipeline, "build",
                        lambda *a, **k: build(*a, stages=["areas", "places"], **k))


def test_build_writes_geoparquet_in_3006_reproducibly(demo_project, monkeypatch):
    _only_places_stage(monkeypatch)
    manifest = pipeline.build(demo_project, demo=True, progress=lambda s: None)
    first = processed_files(demo_project)
    pipeline.build(demo_project, demo=True, progress=lambda s: None)
    assert processed_files(demo_project) == first
    areas = gpd.read_parquet(io.BytesIO(first["areas.parquet"]))
    places = gpd.read_parquet(io.BytesIO(first["places.parquet"]))
    assert areas.crs.to_epsg() == 3006 and places.crs.to_epsg() == 3006
    assert len(areas) == 8 and len(places) == 11
    assert manifest["radredovisning"]["geodata/omraden.gpkg"] == {
        "lasta": 8, "godkanda": 8, "avvisade": 0, "orsaker": {}}
    assert "geodata/kommun.geojson" in manifest["indata"]


@pytest.mark.parametrize("damage, message", [
    ("no_crs", "filen saknar koordinatsystem"),
    ("bowtie", "korsar sig själv"),
    ("unknown_code", "finns inte i områdesregistret"),
])
def test_bad_geodata_stops_the_build_and_nothing_is_written(demo_project, monkeypatch,
                                                            damage, message):
    _only_places_stage(monkeypatch)
    geo = demo_project / "data" / "raw" / "demo" / "geodata"
    gdf = gpd.read_file(geo / "omraden.gpkg")
    (geo / "omraden.gpkg").unlink()
    if damage == "no_crs":
        write_geo(gdf.set_crs(None, allow_override=True), geo / "omraden.shp")
    else:
        if damage == "bowtie":
            x0, y0, x1, y1 = gdf.geometry.iloc[7].bounds
            gdf.loc[7, "geometry"] = Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
        else:
            gdf.loc[7, "omrade"] = "07"
        write_geo(gdf, geo / "omraden.gpkg")
    with pytest.raises(DataError, match=message) as err:
        pipeline.build(demo_project, demo=True, progress=lambda s: None)
    assert any(p.file.startswith("omraden.") for p in err.value.problems)
    assert processed_files(demo_project) == {}


def test_stage_without_geodata_folder_writes_nothing_and_says_so(demo_project, monkeypatch):
    _only_places_stage(monkeypatch)
    geo = demo_project / "data" / "raw" / "demo" / "geodata"
    for p in geo.iterdir():
        p.unlink()
    geo.rmdir()
    manifest = pipeline.build(demo_project, demo=True, progress=lambda s: None)
    assert set(manifest["utdata"]) == {"area_register.parquet"}
    assert "Ingen mapp geodata/" in manifest["anteckningar"][0]


def test_kommun_file_in_metres_without_crs_gives_a_readable_error(tmp_path):
    data = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"id": "1285"},
        "geometry": shapely.geometry.mapping(box(X0, Y0, X0 + 1000, Y0 + 1000))}]}
    path = tmp_path / "kommun.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DataError) as err:
        pl.kommun_outline(path, "1285")
    assert "kommun.geojson, rad 1, kolumn \"geometri\": filen saknar koordinatsystem" in str(
        err.value)


def test_places_without_locality_column_are_refused(tmp_path):
    gdf = places_gdf().drop(columns="ort")
    with pytest.raises(DataError, match=r'platser\.gpkg, kolumn "ort": kolumnen saknas'):
        pl.read_places(write_geo(gdf, tmp_path / "platser.gpkg"))


def test_unnamed_feature_with_bad_geometry_is_reported_without_a_value(tmp_path):
    gdf = places_gdf()
    gdf.loc[0, "plats"] = None
    gdf.loc[0, "geometry"] = Polygon([(X0, Y0), (X0 + 10, Y0 + 10), (X0 + 10, Y0), (X0, Y0 + 10)])
    with pytest.raises(DataError) as err:
        pl.read_places(write_geo(gdf, tmp_path / "platser.gpkg"))
    [p] = err.value.problems
    assert (p.row, p.value, p.reason) == (1, None, pl.INVALID_GEOMETRY)
    assert 'platser.gpkg, rad 1, kolumn "geometri": polygonen korsar sig själv' in str(err.value)


# --- the geodata folder: links refused, unread files listed (issue 8) -----------------------


def test_find_geodata_refuses_links_and_unread_files_are_listed(tmp_path):
    geo = tmp_path / "geodata"
    geo.mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Shapefile field names are truncated
        write_geo(areas_gdf(), geo / "omraden.shp")
    write_geo(places_gdf(), geo / "platser.gpkg")
    (geo / "omraden_gamla.gpkg").write_bytes(b"x")
    shp = pl.find_geodata(geo, "omraden")
    read = [*pl.geodata_files(shp), pl.find_geodata(geo, "platser")]
    assert [p.name for p in read] == ["omraden.shp", "omraden.cpg", "omraden.dbf", "omraden.prj",
                                      "omraden.shx", "platser.gpkg"]
    assert [p.name for p in pl.unread_geodata(geo, read)] == ["omraden_gamla.gpkg"]
    (geo / "omraden.prj").unlink()
    (geo / "omraden.prj").symlink_to(tmp_path / "annan.prj")
    with pytest.raises(DataError, match=r"omraden\.prj: är en länk \(symbolisk länk\) till en "
                                        r"fil som inte finns"):
        pl.geodata_files(shp)
