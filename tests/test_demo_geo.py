"""Tests for the demo geometries (analysis/demo/geo.py)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Point

from analysis import places as pl
from analysis.areas import read_area_register
from analysis.demo import areas as demo_areas
from analysis.demo import geo, write_demo
from analysis.paths import DEFAULT_ROOT

COMMITTED = DEFAULT_ROOT / "data" / "raw" / "demo"


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("demo")
    demo_areas.write(raw)
    geo.write(raw)
    return raw


@pytest.fixture(scope="module")
def areas(demo) -> gpd.GeoDataFrame:
    return pl.read_areas(demo / "geodata" / "omraden.gpkg")


@pytest.fixture(scope="module")
def places(demo) -> gpd.GeoDataFrame:
    return pl.read_places(demo / "geodata" / "platser.geojson")


@pytest.fixture(scope="module")
def kommun(demo):
    return pl.kommun_outline(demo / "geodata" / "kommun.geojson", "1285")


def test_the_whole_demo_regenerates_byte_for_byte(tmp_path):
    write_demo(tmp_path / "a", progress=lambda s: None)
    write_demo(tmp_path / "b", progress=lambda s: None)
    first = files(tmp_path / "a" / "data" / "raw" / "demo")
    assert "geodata/omraden.gpkg" in first
    assert first == files(tmp_path / "b" / "data" / "raw" / "demo")


def test_committed_geodata_is_what_the_generator_writes(demo):
    assert files(demo / "geodata") == files(COMMITTED / "geodata")


def test_without_the_reference_outline_the_committed_copy_gives_the_same_bytes(
        demo, tmp_path, monkeypatch):
    monkeypatch.setattr(geo, "MUNICIPALITIES", tmp_path / "missing.geojson")
    geo.write(tmp_path)
    assert files(tmp_path / "geodata") == files(demo / "geodata")


def test_files_are_in_the_crs_the_municipality_delivers(demo):
    assert gpd.read_file(demo / "geodata" / "omraden.gpkg").crs.to_epsg() == 3008
    assert pl.crs_epsg(gpd.read_file(demo / "geodata" / "platser.geojson").crs) == 4326


def test_every_demo_area_version_has_a_polygon_matching_the_register(demo, areas):
    register = read_area_register(demo / "omraden" / "omradesindelning.csv")
    assert pl.validate_areas_against_register(areas, register) is areas
    assert areas["version"].tolist() == ["01@2017", "01@2020", "01@2023", "02@2017", "03@2020",
                                         "04@2020", "05@2020", "06@2023"]


@pytest.mark.parametrize("year", range(2017, 2026))
def test_each_years_areas_tile_the_kommun(areas, kommun, year):
    valid = areas[(areas["valid_from"] <= year) & (areas["valid_to"].fillna(9999) >= year)]
    geoms = np.asarray(valid.geometry.array)
    union = shapely.union_all(geoms)
    # no gaps: the union is the kommun, up to tens of m² in 423 km² (the outline's km-long
    # straight edges were drawn in SWEREF 99 13 30 for the areas, in WGS 84 for the outline)
    assert abs(union.area - kommun.area) < 10
    assert shapely.symmetric_difference(union, kommun).area < 100
    # no overlaps: the areas' sizes add up to the union's
    assert abs(shapely.area(geoms).sum() - union.area) < 1
    assert kommun.area / 1e6 == pytest.approx(423.5, abs=0.1)


def test_labelled_as_approximate(demo):
    for name in ["omraden.gpkg", "platser.geojson"]:
        raw = gpd.read_file(demo / "geodata" / name)
        assert set(raw["kalla"]) == {geo.SOURCE_NOTE}
    assert "ungefärliga" in (demo / "geodata" / "README.md").read_text(encoding="utf-8")


def test_named_places_of_the_walk_route_gasverket_and_marieholm(places):
    assert places["place_id"].tolist() == [
        "Eslöv: Badhusparken", "Eslöv: Gasverket", "Eslöv: Kanalgatan", "Eslöv: Malmgatan",
        "Eslöv: Medborgarhuset", "Eslöv: Stadsparken", "Eslöv: Stationen",
        "Eslöv: Stationsgränd", "Eslöv: Stora torg", "Eslöv: Storgatan",
        "Marieholm: Stora torg"]
    assert pl.resolve_place("Stora torg", "Marieholm", places) == "Marieholm: Stora torg"


def test_places_lie_where_they_should(places, areas, kommun):
    where = pl.place_locations(places["place_id"], places)
    assert shapely.covers(kommun, np.asarray(where.array)).all()
    ref = gpd.GeoSeries([Point(13.3039, 55.8392)], crs=4326).to_crs(pl.ANALYSIS_CRS)
    torg = places.set_index("place_id").geometry
    assert torg["Eslöv: Stora torg"].distance(ref.iloc[0]) < 1  # the reference point is on it
    marieholm = gpd.GeoSeries([Point(13.165, 55.866)], crs=4326).to_crs(pl.ANALYSIS_CRS)
    assert torg["Marieholm: Stora torg"].distance(marieholm.iloc[0]) < 1
    pts = gpd.GeoDataFrame(geometry=where, crs=pl.ANALYSIS_CRS).set_index(places["place_id"])
    by_year = {y: pl.join_areas(pts, areas, y) for y in (2019, 2022, 2023)}
    assert by_year[2019]["Eslöv: Stora torg"] == "01"
    assert by_year[2022]["Eslöv: Stora torg"] == "01"
    assert by_year[2023]["Eslöv: Stora torg"] == "06"
    assert {by_year[y]["Marieholm: Stora torg"] for y in by_year} == {"02"}
    assert by_year[2023]["Eslöv: Gasverket"] == "01"  # outside the centrum
