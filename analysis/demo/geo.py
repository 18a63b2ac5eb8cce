"""Demo geometries: approximate area polygons, named places and the kommun outline.

Everything here is synthetic and approximate (property ``kalla``), drawn
around Eslöv's reference point (55.8392 N, 13.3039 E) so that the polygons of
each year tile the kommun outline without gaps or overlaps:

* the town of 2017–2019 (area 01) is one polygon; from 2020 Berga (03),
  Rönneberga (04) and Sallerup (05) are cut out of it, and from 2023 Eslövs
  centrum (06, around Stora torg) too; Landsbygd (02) is the kommun outline
  minus the town and has one version for all years. Shared borders use the
  same vertices, so a point is in exactly one area apart from on a border;
* the named places of the central walk route, Gasverket and Marieholm's
  Stora torg.

The kommun outline is the real (simplified) one for kommun 1285 from
``swedish_municipalities.geojson`` (okfse/sweden-geojson, originally
Valmyndigheten's data), copied into the demo set at generation time; the build
reads only that copy. Areas are written as GeoPackage in SWEREF 99 13 30
(EPSG:3008, the municipal norm), places as GeoJSON in WGS 84, so both CRS
paths of ``analysis.places`` are exercised. The GeoPackage's timestamp
(``gpkg_contents.last_change``) is fixed so that the bytes are reproducible.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, Point, Polygon, mapping
from shapely.geometry.polygon import orient

from analysis.demo.areas import AREAS
from analysis.files import write_bytes
from analysis.paths import AREAS_GEO_STEM, DEFAULT_ROOT, DEMO_DIR, GEO_DIR, KOMMUN_GEO_FILE, PLACES_GEO_STEM

KOMMUNKOD = "1285"
SOURCE_NOTE = "syntetisk demo, ungefärliga gränser"
KOMMUN_SOURCE_NOTE = ("okfse/sweden-geojson (ursprungligen Valmyndigheten), förenklad; "
                      "kopierad till demodata")
REFERENCE_LONLAT = (13.3039, 55.8392)  # Eslöv, Stora torg (DOMAIN §3)
MARIEHOLM_LONLAT = (13.165, 55.866)
FIXED_GPKG_TIME = "2000-01-01T00:00:00.000Z"

# Where the outline is copied from: the reference data beside the project, or (in a clone
# without it) the copy already committed in the demo set.
MUNICIPALITIES = DEFAULT_ROOT.parent / "shared" / "data" / "geo" / "swedish_municipalities.geojson"
COMMITTED_OUTLINE = DEFAULT_ROOT / "data" / "raw" / DEMO_DIR / GEO_DIR / KOMMUN_GEO_FILE

# Town vertices: metres east/north of the reference point in SWEREF 99 13 30.
_V = {
    "W": (-2300, 0), "SW": (-2000, -1800), "S1": (-700, -2100), "S": (0, -2200),
    "SE": (1800, -1800), "E1": (2200, -300), "E": (2200, 300), "NE": (1800, 2000),
    "N": (0, 2400), "N1": (-700, 2300), "NW": (-1900, 2000), "W1": (-2200, 800),
    "B1": (-700, 800), "P": (-700, -600), "I1": (900, 1600), "I2": (900, -1200),
    "C1": (-500, -450), "C2": (450, -450), "C3": (450, 550), "C4": (-500, 550),
}
_RINGS = {
    "town": ["W", "SW", "S1", "S", "SE", "E1", "E", "NE", "N", "N1", "NW", "W1"],
    "berga": ["W1", "B1", "N1", "NW"],
    "ronneberga": ["W", "P", "S1", "SW"],
    "sallerup": ["SE", "E1", "E", "NE", "I1", "I2"],
    "tatort_2020": ["W", "P", "S1", "S", "SE", "I2", "I1", "NE", "N", "N1", "B1", "W1"],
    "centrum": ["C1", "C2", "C3", "C4"],
}

# name, locality, buffer (m), kind, metres east/north of the reference point (3008)
PLACES = [
    ("Stora torg", "Eslöv", 20, "polygon", [(-55, -35), (55, -35), (55, 35), (-55, 35)]),
    ("Badhusparken", "Eslöv", 10, "polygon", [(-420, 180), (-270, 180), (-270, 300), (-420, 300)]),
    ("Stationen", "Eslöv", 50, "point", [(280, -60)]),
    ("Stationsgränd", "Eslöv", 15, "line", [(220, -150), (330, -230)]),
    ("Malmgatan", "Eslöv", 15, "line", [(350, -300), (700, -380)]),
    ("Kanalgatan", "Eslöv", 15, "line", [(-300, -250), (150, -330)]),
    ("Storgatan", "Eslöv", 15, "line", [(-40, 60), (-120, 650)]),
    ("Stadsparken", "Eslöv", 10, "polygon", [(-650, -180), (-420, -180), (-420, 120), (-650, 120)]),
    ("Medborgarhuset", "Eslöv", 40, "point", [(-250, -120)]),
    ("Gasverket", "Eslöv", 50, "point", [(650, 420)]),
    ("Stora torg", "Marieholm", 20, "polygon", [(-30, -25), (30, -25), (30, 25), (-30, 25)]),
]


def _transformer(src: int, dst: int):
    from pyproj import Transformer

    return Transformer.from_crs(src, dst, always_xy=True)


def read_kommun_feature(path: Path, kommunkod: str = KOMMUNKOD) -> dict:
    """The GeoJSON feature of one kommun from an outline file (properties ``id`` = kommunkod)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for feature in data["features"]:
        if str(feature["properties"].get("id")).zfill(4) == kommunkod:
            return feature
    raise ValueError(f"kommun {kommunkod} saknas i {path}")


def _outline_source() -> Path:
    return MUNICIPALITIES if MUNICIPALITIES.is_file() else COMMITTED_OUTLINE


def _round(geom, decimals: int):
    return shapely.transform(geom, lambda c: np.round(c, decimals))


def area_geometries(outline_3008: Polygon, origin: tuple[float, float]) -> dict[tuple[str, int],
                                                                                 Polygon]:
    """The polygon (EPSG:3008) of every demo area version, keyed by (code, first year)."""
    e0, n0 = origin

    def ring(name: str) -> list[tuple[float, float]]:
        return [(e0 + _V[v][0], n0 + _V[v][1]) for v in _RINGS[name]]

    town = Polygon(ring("town"))
    tatort_2020 = Polygon(ring("tatort_2020"))
    if not outline_3008.contains(town):
        raise ValueError("demo town does not fit inside the kommun outline")
    return {
        ("01", 2017): town,
        ("01", 2020): tatort_2020,
        ("01", 2023): Polygon(ring("tatort_2020"), [ring("centrum")]),
        ("02", 2017): Polygon(outline_3008.exterior.coords, [ring("town")]),
        ("03", 2020): Polygon(ring("berga")),
        ("04", 2020): Polygon(ring("ronneberga")),
        ("05", 2020): Polygon(ring("sallerup")),
        ("06", 2023): Polygon(ring("centrum")),
    }


def _gpkg_bytes(frame) -> bytes:
    import pyogrio

    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_GPKG_TIME})
    try:
        buf = io.BytesIO()
        pyogrio.write_dataframe(frame, buf, driver="GPKG", layer=AREAS_GEO_STEM)
        return buf.getvalue()
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})


def _geojson_bytes(name: str, features: list[dict]) -> bytes:
    """A GeoJSON FeatureCollection (RFC 7946, no ``crs`` member = WGS 84), one feature a line."""
    head = json.dumps({"type": "FeatureCollection", "name": name}, ensure_ascii=False)[:-1]
    body = ",\n".join(json.dumps(f, ensure_ascii=False) for f in features)
    return f'{head}, "features": [\n{body}\n]}}\n'.encode()


def _place_geometry(kind: str, coords: list[tuple[float, float]]):
    if kind == "point":
        return Point(coords[0])
    if kind == "line":
        return LineString(coords)
    return orient(Polygon(coords), 1.0)  # RFC 7946: exterior rings counter-clockwise


def write(raw_dir: Path) -> list[Path]:
    import geopandas as gpd

    folder = raw_dir / GEO_DIR
    feature = read_kommun_feature(_outline_source())
    kommun_props = {"id": KOMMUNKOD, "kom_namn": feature["properties"].get("kom_namn", "Eslöv"),
                    "kalla": KOMMUN_SOURCE_NOTE}
    kommun_out = folder / KOMMUN_GEO_FILE
    write_bytes(kommun_out, _geojson_bytes("kommun", [
        {"type": "Feature", "properties": kommun_props, "geometry": feature["geometry"]}]))

    to_3008 = _transformer(4326, 3008)
    outline = shapely.geometry.shape(feature["geometry"])
    outline_3008 = _round(shapely.transform(outline, lambda c: np.column_stack(
        to_3008.transform(c[:, 0], c[:, 1]))), 3)
    origin = tuple(round(v) for v in to_3008.transform(*REFERENCE_LONLAT))
    geoms = area_geometries(outline_3008, origin)
    rows = []
    for code, name, start, end in AREAS:
        rows.append({"omrade": code, "namn": name, "giltig_fran": start,
                     "giltig_till": end, "kalla": SOURCE_NOTE, "geometry": geoms[(code, start)]})
    areas = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:3008")
    areas["omrade"] = areas["omrade"].astype("string")
    areas["giltig_fran"] = areas["giltig_fran"].astype("int32")
    areas["giltig_till"] = pd.array(areas["giltig_till"], dtype="Int32")
    areas_out = folder / f"{AREAS_GEO_STEM}.gpkg"
    write_bytes(areas_out, _gpkg_bytes(areas))

    to_wgs84 = _transformer(3008, 4326)
    marieholm = to_3008.transform(*MARIEHOLM_LONLAT)
    features = []
    for name, locality, buffer, kind, offsets in PLACES:
        e0, n0 = (origin if locality == "Eslöv" else marieholm)
        geom = _place_geometry(kind, [(e0 + dx, n0 + dy) for dx, dy in offsets])
        geom = _round(shapely.transform(geom, lambda c: np.column_stack(
            to_wgs84.transform(c[:, 0], c[:, 1]))), 7)
        features.append({"type": "Feature",
                         "properties": {"plats": name, "ort": locality, "buffert_m": buffer,
                                        "kalla": SOURCE_NOTE},
                         "geometry": mapping(geom)})
    places_out = folder / f"{PLACES_GEO_STEM}.geojson"
    write_bytes(places_out, _geojson_bytes(PLACES_GEO_STEM, features))

    readme = folder / "README.md"
    write_bytes(readme, README.encode("utf-8"))
    return [kommun_out, areas_out, places_out, readme]


README = """# Geodata (syntetiska demodata, ungefärliga gränser)

**Områdena och platserna här är påhittade och ungefärliga.** De är ritade runt Eslövs
referenspunkt (55,8392 N, 13,3039 Ö) för att demonstrera paketet, inte för att visa
verkliga gränser. Varje objekt har attributet `kalla` = "syntetisk demo, ungefärliga gränser".

- `omraden.gpkg` (SWEREF 99 13 30, EPSG:3008): trygghetsmätningens redovisningsområden,
  en polygon per områdesversion (`omrade`, `namn`, `giltig_fran`, `giltig_till`) med samma
  koder och år som `omraden/omradesindelning.csv`.
- `platser.geojson` (WGS 84): namngivna platser (`plats`, `ort`, `buffert_m`): den centrala
  vandringsrutten i Eslöv, Gasverket och Stora torg i Marieholm.
- `kommun.geojson` (WGS 84): Eslövs kommungräns (kommunkod 1285), förenklad, från
  okfse/sweden-geojson (ursprungligen Valmyndigheten). Kommungränsen är verklig (men
  förenklad); allt annat i mappen är påhittat.

Områdena ett visst år täcker kommunen utan glapp eller överlapp: tätorten 2017–2019 är en
polygon; 2020 bröts Berga, Rönneberga och Sallerup ut ur den och 2023 Eslövs centrum
(runt Stora torg). Landsbygd är kommunen utom tätorten och har samma gräns alla år.

Filerna skrivs om av `trygghet demo` och blir byte för byte desamma varje gång.
"""
