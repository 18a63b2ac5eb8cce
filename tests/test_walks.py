"""Safety walks: reading protocols, vocabulary, joins, follow-up figures, walks beside the survey."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from analysis.dates import parse_dates
from analysis.files import xlsx_bytes
from analysis.pipeline import build
from analysis.places import read_areas, read_places
from analysis.problems import DataError
from analysis.walks import (
    declined_reasons,
    default_as_of,
    followup,
    followup_table,
    load_walk_vocabulary,
    load_walks,
    match_key,
    observation_flags,
    rank_correlation,
    read_walks,
    repeat_pairs,
    status_as_of,
    walk_files,
    walk_folder,
    walks_vs_survey,
)
from analysis.walks.terms import _load
from tests.conftest import csv_text, processed_files, survey_rows, write_survey

# --- hand-made geometry (EPSG:3006, near Eslöv) ------------------------------------------
# 01 2020–2022: x 393000–394000; 01 2023–: x 393000–393600 (redrawn smaller);
# 02 2020–: x 394000–395000; all y 6189000–6190000. In 2023 the strip x 393600–394000
# belongs to no area. Places: Eslöv: Stora torg (point + 30 m buffer at 393300, 6189500),
# Eslöv: Stationen (point + 50 m at 393990, 6189500, across the border of 01 and 02),
# Marieholm: Stora torg (point + 30 m at 384000, 6192000).
Y0, Y1 = 6189000, 6190000
TORG = (393300.0, 6189500.0)
MARIEHOLM = (384000.0, 6192000.0)


def areas_gdf() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"omrade": ["01", "01", "02"], "namn": ["Centrum", "Centrum", "Öster"],
         "giltig_fran": [2020, 2023, 2020], "giltig_till": pd.array([2022, None, None],
                                                                     dtype="Int64")},
        geometry=[shapely.box(393000, Y0, 394000, Y1), shapely.box(393000, Y0, 393600, Y1),
                  shapely.box(394000, Y0, 395000, Y1)], crs="EPSG:3006")


def places_gdf() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"plats": ["Stora torg", "Stationen", "Stora torg"],
         "ort": ["Eslöv", "Eslöv", "Marieholm"], "buffert_m": [30.0, 50.0, 30.0]},
        geometry=[shapely.Point(TORG), shapely.Point(393990, 6189500), shapely.Point(MARIEHOLM)],
        crs="EPSG:3006")


def canonical_geo(tmp_path: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The hand-made areas and places as analysis.places reads them."""
    folder = tmp_path / "geo"
    folder.mkdir(parents=True, exist_ok=True)
    areas_gdf().to_file(folder / "omraden.gpkg", driver="GPKG")
    places_gdf().to_file(folder / "platser.gpkg", driver="GPKG")
    return read_areas(folder / "omraden.gpkg"), read_places(folder / "platser.gpkg")


def to_crs(x: float, y: float, epsg: int) -> tuple[float, float]:
    return Transformer.from_crs(3006, epsg, always_xy=True).transform(x, y)


WALKS = ("Vandring;Datum;Ort;Slinga;Ljus;Form;Deltagare;Arrangör;Koordinatsystem\r\n"
         "V1;2022-03-01;Eslöv;Centrum;Mörker;fysisk;12;Kommunen;SWEREF 99 13 30\r\n"
         "V2;2023-03-01;Eslöv;Centrum;skymning;Digital;8;Polisen;\r\n"
         "M1;2022-04-05;Marieholm;Torget;dagsljus;fysisk;5;Kommunen;\r\n")
HEADER = ["Vandring", "Observation", "Lat", "Lon", "Plats", "Typ", "Kategori", "Allvarlighet",
          "Beskrivning", "Ansvarig", "Beslut", "Motivering", "Status", "Statusdatum"]


def v1_rows() -> list[list[str]]:
    """Walk V1 (2022-03-01): phone coordinates, a place-name-only row, a place worth keeping."""
    lon, lat = to_crs(*TORG, 4326)
    lon2, lat2 = to_crs(393800, 6189500, 4326)
    return [
        ["V1", "1", f"{lat:.7f}", f"{lon:.7f}", "", "problem", "Trasig lampa", "2",
         "Lampan vid bänken är trasig", "Gatukontoret", "åtgärdas", "", "Åtgärdad", "2022-04-01"],
        ["V1", "2", "", "", "Stora torg", "", "Klotter", "1", "Klotter på elskåp", "EBO",
         "", "", "pågår", "2022-05-01"],
        ["V1", "3", f"{lat2:.7f}", f"{lon2:.7f}", "", "värna", "Folkliv", "", "Levande torg",
         "", "", "", "", ""],
        ["V1", "4", "", "", "Stationen", "problem", "Skräp", "allvarlig", "Mycket skräp",
         "Skånetrafiken", "åtgärdas ej", "Ej kommunens mark", "ej vårt ansvar", "2022-03-20"],
    ]


def protocol(rows: list[list[str]], header: list[str] | None = None, sep: str = ";") -> str:
    return csv_text(rows, sep, header or HEADER)


def write_walks(folder: Path, protocols: dict[str, str | bytes], walks: str = WALKS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vandringar.csv").write_bytes(walks.encode("utf-8"))
    for name, content in protocols.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (folder / name).write_bytes(data)
    return folder


# The test kommun's own words (as a kommun writes them in data/raw/ordlista.yaml): the
# package's vocabulary is neutral and knows neither EBO nor Skånetrafiken.
KOMMUN_VOCABULARY = """responsible:
  kommunen:
    label: Eslövs kommun
    variants: [eslövs kommun]
  eslovs_bostads_ab:
    label: Eslövs Bostads AB
    variants: [ebo]
  skanetrafiken:
    label: Skånetrafiken
"""


def kommun_vocabulary_file(folder: Path, text: str = KOMMUN_VOCABULARY) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "ordlista.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def vocabulary_of(tmp_path: Path, text: str = KOMMUN_VOCABULARY):
    return load_walk_vocabulary(kommun=kommun_vocabulary_file(tmp_path / "raw", text))


def load(tmp_path: Path, protocols: dict[str, str | bytes], walks: str = WALKS, **kw):
    areas, places = canonical_geo(tmp_path)
    folder = write_walks(tmp_path / "trygghetsvandringar", protocols, walks)
    kw.setdefault("vocabulary", vocabulary_of(tmp_path))
    return load_walks(folder, areas=areas, places=places, **kw)


# --- vocabulary -----------------------------------------------------------------------------


@pytest.mark.parametrize("field,value,code", [
    ("category", "Belysning", "belysning"),
    ("category", "dålig belysning", "belysning"),
    ("category", "Trasig lampa", "belysning"),
    ("category", "  TRASIG   lampa. ", "belysning"),
    ("category", "Skymd sikt/vegetation", "skymd_sikt_vegetation"),
    ("category", "skymd_sikt_vegetation", "skymd_sikt_vegetation"),
    ("category", "klotter/skadegörelse", "klotter_skadegorelse"),
    ("category", "Nedskrapning", "nedskrapning"),
    ("responsible", "Eslövs Bostads AB", "eslovs_bostads_ab"),
    ("responsible", "ebo", "eslovs_bostads_ab"),
    ("responsible", "Gatukontoret", "kommunen"),
    ("status", "Pågår", "pagar"),
    ("status", "pagar", "pagar"),
    ("status", "Åtgärdad", "atgardad"),
    ("status", "ej vårt ansvar", "ej_vart_ansvar"),
    ("status", "Ej åtgärdbar", "ej_atgardbar"),
    ("severity", "3", 3),
    ("severity", "Allvarlig", 3),
    ("severity", "mindre", 1),
    ("valence", "Värna och förstärka", "varna"),
    ("valence", "Otryggt", "problem"),
    ("decision", "Åtgärdas ej", "atgardas_ej"),
    ("light", "Mörker", "morker"),
    ("mode", "digitalt", "digital"),
])
def test_vocabulary_maps_swedish_variants_to_codes(tmp_path, field, value, code):
    terms = vocabulary_of(tmp_path)[field]
    codes, unknown = terms.match(pd.Series([value], dtype="string"))
    assert codes[0] == code and not unknown[0]


def test_unknown_value_is_reported_with_closest_known_values_never_guessed():
    terms = load_walk_vocabulary()["category"]
    codes, unknown = terms.match(pd.Series(["Belysnig", "Glasskiosk", ""], dtype="string"))
    assert list(codes) == [None, None, None]
    assert list(unknown) == [True, True, False]  # empty is not unknown (the caller decides)
    assert terms.closest("Belysnig")[0] == "belysning"
    assert "Menade du: belysning" in terms.hint("Belysnig")


def test_status_codes_are_shown_with_swedish_labels():
    labels = load_walk_vocabulary()["status"].labels
    assert labels == {"ny": "ny", "planerad": "planerad", "pagar": "pågår",
                      "atgardad": "åtgärdad", "ej_atgardbar": "ej åtgärdbar",
                      "ej_vart_ansvar": "ej vårt ansvar", "dubblett": "dubblett"}


def test_a_variant_listed_under_two_codes_is_refused(tmp_path):
    text = (Path(__file__).parents[1] / "analysis/resources/walk_vocabulary.yaml").read_text(
        encoding="utf-8")
    bad = text.replace("variants: [skräp,", "variants: [trasig lampa, skräp,")
    path = tmp_path / "ordlista.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ValueError, match="trasig lampa"):
        _load(str(path))


def test_match_key_ignores_case_space_punctuation_and_swedish_letters():
    assert match_key(" Gång- och  cykelväg ") == match_key("gang och cykelvag")
    assert match_key("Ej vårt ansvar.") == "ej vart ansvar"
    assert match_key("-") == "-"


def test_survey_item_mapping_is_data():
    items = load_walk_vocabulary().survey_items
    assert items["belysning"] == ("morka_omraden",)
    assert items["trafik"] == ("fortkorning", "buskorning", "moped_gc")
    assert items["klotter_skadegorelse"] == ("klotter", "skadegorelse")
    assert items["social_oro"] == ("missbruk", "ungdomsgang")


@pytest.mark.parametrize("text,expected", [
    ("2021-12-07", "2021-12-07"), ("2021-12-07 00:00:00", "2021-12-07"),
    ("20211207", "2021-12-07"), ("7.12.2021", "2021-12-07"), ("07/12/2021", "2021-12-07"),
    ("snart", None), ("2021-02-30", None), ("", None),
])
def test_parse_dates(text, expected):
    got = parse_dates(pd.Series([text], dtype="string")).iloc[0]
    assert (pd.isna(got) if expected is None else got == pd.Timestamp(expected))


# --- reading a delivery ---------------------------------------------------------------------


def test_reads_walks_and_observations_into_canonical_tables(tmp_path):
    d = load(tmp_path, {"v1.csv": protocol(v1_rows())})
    assert d.problems == []
    w = d.walks.set_index("walk_id")
    assert list(w.index) == ["V1", "M1", "V2"]  # sorted by date
    assert [(n.value, n.reason) for n in d.notices] == [("M1", "inga_observationer"),
                                                        ("V2", "inga_observationer")]
    assert w.loc["V1", "light"] == "morker" and w.loc["V2", "mode"] == "digital"
    assert w.loc["V1", "participants"] == 12 and w.loc["V1", "crs"] == "EPSG:3008"
    o = d.observations.set_index("observation_id")
    assert list(o.index) == ["V1:1", "V1:2", "V1:3", "V1:4"]
    assert o["category"].tolist() == ["belysning", "klotter_skadegorelse", "folkliv_ode_plats",
                                      "nedskrapning"]
    assert o["valence"].tolist() == ["problem", "problem", "varna", "problem"]
    assert o["severity"].tolist() == [2, 1, pd.NA, 3]
    assert o["responsible"].tolist() == ["kommunen", "eslovs_bostads_ab", pd.NA, "skanetrafiken"]
    assert o["status"].tolist() == ["atgardad", "pagar", "ny", "ej_vart_ansvar"]
    assert o["decision"].tolist() == ["atgardas", pd.NA, pd.NA, "atgardas_ej"]
    assert o["reason_category"].tolist() == ["ingen", "ingen", "ingen", "annan_agare"]
    assert o.loc["V1:1", "status_date"] == pd.Timestamp("2022-04-01")
    assert (o["walk_date"] == pd.Timestamp("2022-03-01")).all() and (o["year"] == 2022).all()
    assert o["source_row"].tolist() == [2, 3, 4, 5]
    assert d.observations.crs == "EPSG:3006"


def test_joins_area_and_places_and_place_name_rows_get_the_places_point(tmp_path):
    d = load(tmp_path, {"v1.csv": protocol(v1_rows())})
    o = d.observations.set_index("observation_id")
    # 1: phone point at Stora torg -> area 01 (2022 version), within the torg's buffer
    assert abs(o.loc["V1:1", "x"] - TORG[0]) < 0.01 and abs(o.loc["V1:1", "y"] - TORG[1]) < 0.01
    assert o.loc["V1:1", "area"] == "01" and o.loc["V1:1", "area_name"] == "Centrum"
    assert o.loc["V1:1", "place"] == "Eslöv: Stora torg"
    assert o["location_source"].tolist() == ["koordinater", "plats", "koordinater", "plats"]
    # 2: only the name "Stora torg" on a walk in Eslöv -> Eslöv's torg, its point and area
    assert (o.loc["V1:2", "x"], o.loc["V1:2", "y"]) == TORG
    assert o.loc["V1:2", "place"] == "Eslöv: Stora torg" and o.loc["V1:2", "area"] == "01"
    # 3: a point in no place
    assert pd.isna(o.loc["V1:3", "place"]) and o.loc["V1:3", "area"] == "01"
    # 4: Stationen lies on the border of 01 and 02: the lowest code wins
    assert o.loc["V1:4", "area"] == "01" and o.loc["V1:4", "place"] == "Eslöv: Stationen"


def test_same_place_name_resolves_through_the_walks_locality(tmp_path):
    rows = [["M1", "1", "", "", "Stora torg", "", "Belysning", "2", "", "", "", "", "", ""]]
    d = load(tmp_path, {"m1.csv": protocol(rows)})
    o = d.observations.iloc[0]
    assert o["place"] == "Marieholm: Stora torg"
    assert (o["x"], o["y"]) == MARIEHOLM


def test_point_in_a_places_buffer_gets_every_place_it_lies_within(tmp_path):
    lon, lat = to_crs(393975, 6189500, 4326)  # 15 m from Stationen, 25 m from the 01/02 border
    rows = [["V1", "1", f"{lat:.8f}", f"{lon:.8f}", "Stora torg", "", "Belysning", "2", "", "",
             "", "", "", ""]]
    o = load(tmp_path, {"v1.csv": protocol(rows)}).observations.iloc[0]
    # the row names Stora torg but its point is at the station: both are listed,
    # the named one is the observation's place
    assert o["places"] == "Eslöv: Stationen; Eslöv: Stora torg"
    assert o["place"] == "Eslöv: Stora torg" and o["location_source"] == "koordinater"


def test_points_outside_every_area_are_kept_and_listed(tmp_path):
    x, y = to_crs(393800, 6189500, 3008)  # in 01 in 2022, in no area in 2023
    header = ["Vandring", "Observation", "X", "Y", "Koordinatsystem", "Kategori",
              "Allvarlighet"]
    rows = [["V2", "1", f"{x:.2f}".replace(".", ","), f"{y:.2f}".replace(".", ","),
             "SWEREF 99 13 30", "Belysning", "2"]]
    d = load(tmp_path, {"v2.csv": protocol(rows, header)})
    assert d.problems == [] and len(d.observations) == 1
    o = d.observations.iloc[0]
    assert pd.isna(o["area"]) and abs(o["x"] - 393800) < 0.01
    assert d.outside["observation_id"].tolist() == ["V2:1"]
    assert d.accounting["v2.csv"] == {"lasta": 1, "godkanda": 1, "avvisade": 0, "orsaker": {}}


def test_the_area_comes_from_the_version_valid_in_the_walks_year(tmp_path):
    lon, lat = to_crs(393800, 6189500, 4326)
    rows = [["V1", "1", f"{lat:.8f}", f"{lon:.8f}", "", "", "Belysning", "2", "", "", "", "", "",
             ""], ["V2", "1", f"{lat:.8f}", f"{lon:.8f}", "", "", "Belysning", "2", "", "", "", "",
                   "", ""]]
    o = load(tmp_path, {"p.csv": protocol(rows)}).observations.set_index("observation_id")
    assert o.loc["V1:1", "area"] == "01"  # 2022: 01 covers x 393000–394000
    assert pd.isna(o.loc["V2:1", "area"])  # 2023: 01 was redrawn to x 393000–393600


def test_an_area_code_alone_places_the_row_and_a_differing_code_is_a_notice(tmp_path):
    lon, lat = to_crs(*TORG, 4326)
    header = HEADER + ["Område"]
    rows = [["V1", "1", "", "", "", "", "Belysning", "2", "", "", "", "", "", "", "02"],
            ["V1", "2", f"{lat:.8f}", f"{lon:.8f}", "", "", "Belysning", "2", "", "", "", "", "",
             "", "02"]]
    d = load(tmp_path, {"v1.csv": protocol(rows, header)})
    o = d.observations.set_index("observation_id")
    assert o.loc["V1:1", "area"] == "02" and o.loc["V1:1", "location_source"] == "område"
    assert o.loc["V1:1", "geometry"] is None and np.isnan(o.loc["V1:1", "x"])
    assert o.loc["V1:2", "area"] == "01" and o.loc["V1:2", "area_stated"] == "02"
    assert [(n.row, n.reason) for n in d.notices if n.reason == "omrade_avviker"] == [
        (3, "omrade_avviker")]
    # a row without a point survives the GeoParquet round trip
    path = tmp_path / "obs.parquet"
    d.observations.to_parquet(path)
    assert gpd.read_parquet(path).geometry.isna().tolist() == [True, False]


def test_the_same_observations_in_three_formats_give_the_same_table(tmp_path):
    """UTF-8 CSV with WGS84 lat/lon, cp1252 ';' CSV with SWEREF 99 13 30 X/Y (X = northing,
    the Swedish convention; CRS from vandringar.csv), and Excel with N/E in SWEREF 99 TM."""
    pts = [(393300.0, 6189500.0), (394500.0, 6189200.0)]
    base = [["V1", "1", "", "", "Stora torg", "", "Belysning", "2", "", "Kommunen", "", "", "pågår",
             ""], ["V1", "2", "", "", "", "", "Trafik", "3", "", "Trafikverket", "", "", "planerad",
                   "2022-03-15"]]
    wgs = [to_crs(*p, 4326) for p in pts]
    sw = [to_crs(*p, 3008) for p in pts]
    a = [r[:2] + [f"{wgs[i][1]:.8f}", f"{wgs[i][0]:.8f}"] + r[4:] for i, r in enumerate(base)]
    header_b = ["Vandring", "Observation", "X", "Y"] + HEADER[4:]
    b = [r[:2] + [f"{sw[i][1]:.3f}".replace(".", ","), f"{sw[i][0]:.3f}".replace(".", ",")]
         + r[4:] for i, r in enumerate(base)]
    header_c = ["Vandring", "Observation", "N", "E", "Koordinatsystem"] + HEADER[4:]
    c = pd.DataFrame([r[:2] + [p[1], p[0], "EPSG:3006"] + r[4:] for p, r in zip(pts, base,
                                                                                strict=True)],
                     columns=header_c)
    tables = []
    for name, content in [("a.csv", protocol(a).encode("utf-8")),
                          ("b.csv", protocol(b, header_b).encode("cp1252")),
                          ("c.xlsx", xlsx_bytes(c))]:
        d = load(tmp_path / name, {name: content})
        assert d.problems == []
        tables.append(d.observations.drop(columns=["source_file", "coord_crs", "x", "y",
                                                   "geometry"]))
        assert np.allclose(d.observations[["x", "y"]].to_numpy(), pts, atol=0.01)
    assert "å".encode("cp1252") in (tmp_path / "b.csv/trygghetsvandringar/b.csv").read_bytes()
    pd.testing.assert_frame_equal(tables[0], tables[1])
    pd.testing.assert_frame_equal(tables[0], tables[2])
    assert tables[0]["area"].tolist() == ["01", "02"]


def test_protocol_without_walk_column_is_linked_through_the_protocol_file_name(tmp_path):
    walks = ("Vandring;Datum;Ort;Protokoll\r\n"
             "V1;2022-03-01;Eslöv;protokoll_v1.csv\r\n")
    rows = [["1", "Stora torg", "Belysning", "2"]]
    d = load(tmp_path, {"protokoll_v1.csv": protocol(rows, ["Obs nr", "Plats", "Kategori",
                                                             "Allvarlighet"])}, walks)
    assert d.observations["observation_id"].tolist() == ["V1:1"]


def test_does_not_mutate_the_geodata_it_is_given(tmp_path):
    areas, places = canonical_geo(tmp_path)
    before = (areas.copy(), places.copy())
    folder = write_walks(tmp_path / "tv", {"v1.csv": protocol(v1_rows())})
    load_walks(folder, areas=areas, places=places)
    pd.testing.assert_frame_equal(areas, before[0])
    pd.testing.assert_frame_equal(places, before[1])


# --- bad input: clear Swedish message, nothing dropped silently ----------------------------


def problems_of(tmp_path, rows, header=None, walks=WALKS):
    d = load(tmp_path, {"v1.csv": protocol(rows, header)}, walks)
    return d, " ".join(p.format() for p in d.problems)


def test_unknown_category_names_file_row_column_value_and_closest(tmp_path):
    rows = v1_rows()
    rows[1][6] = "Belysnig"
    d, msg = problems_of(tmp_path, rows)
    assert 'v1.csv, rad 3, kolumn "Kategori": "Belysnig" – okänd kategori.' in msg
    assert "Menade du: belysning" in msg
    assert d.accounting["v1.csv"] == {"lasta": 4, "godkanda": 3, "avvisade": 1,
                                      "orsaker": {"okant_varde": 1}}


def test_rejected_rows_are_listed_without_free_text(tmp_path):
    rows = v1_rows()
    rows[1][6] = "Belysnig"
    d, _ = problems_of(tmp_path, rows)
    assert d.rejected[["fil", "rad", "orsak"]].values.tolist() == [["v1.csv", 3, "okant_varde"]]
    assert not {"description", "proposed_action", "decision_reason"} & set(d.rejected.columns)
    assert "Klotter på elskåp" not in d.rejected.to_string()


def test_a_date_that_is_not_a_date(tmp_path):
    rows = v1_rows()
    rows[0][13] = "snart"
    _, msg = problems_of(tmp_path, rows)
    assert 'v1.csv, rad 2, kolumn "Statusdatum": "snart" – är inte ett datum' in msg


def test_a_fix_date_before_the_walk(tmp_path):
    rows = v1_rows()
    rows[0][13] = "2022-02-27"
    _, msg = problems_of(tmp_path, rows)
    assert ('v1.csv, rad 2, kolumn "Statusdatum": "2022-02-27" – statusdatum är före '
            "vandringens datum (2022-03-01)") in msg


def test_fixed_without_a_fix_date(tmp_path):
    rows = v1_rows()
    rows[0][13] = ""
    _, msg = problems_of(tmp_path, rows)
    assert 'v1.csv, rad 2, kolumn "Statusdatum": statusdatum saknas för en åtgärdad' in msg


def test_duplicated_observation_ids_reject_every_occurrence(tmp_path):
    rows = v1_rows()
    rows[2][1] = "1"
    d, msg = problems_of(tmp_path, rows)
    assert ('v1.csv, rad 2, kolumn "Observation": "1" – observationen förekommer flera gånger '
            "i vandringen V1 (v1.csv rad 2, v1.csv rad 4)") in msg
    assert 'v1.csv, rad 4, kolumn "Observation"' in msg
    assert d.accounting["v1.csv"]["orsaker"] == {"dubblett_id": 2}
    assert d.observations["observation_id"].tolist() == ["V1:2", "V1:4"]


def test_an_area_code_the_polygons_do_not_have(tmp_path):
    header = HEADER + ["Område"]
    rows = [r + [""] for r in v1_rows()]
    rows[2][-1] = "07"
    _, msg = problems_of(tmp_path, rows, header)
    assert 'v1.csv, rad 4, kolumn "Område"' in msg and "07" in msg
    assert "finns inte bland områdespolygonerna för 2022" in msg


def test_xy_without_a_coordinate_system_is_refused_unless_named(tmp_path):
    walks = WALKS.replace("SWEREF 99 13 30", "")
    header = ["Vandring", "Observation", "X", "Y", "Kategori", "Allvarlighet"]
    x, y = to_crs(*TORG, 3008)
    rows = [["V1", "1", f"{x:.1f}", f"{y:.1f}", "Belysning", "2"]]
    _, msg = problems_of(tmp_path, rows, header, walks)
    assert 'v1.csv, rad 2, kolumn "X": "' in msg
    assert 'koordinatsystem saknas för "X"/"Y"' in msg
    assert "saknar både koordinater" not in msg  # one problem, not two
    d = load(tmp_path / "named", {"v1.csv": protocol(rows, header)}, walks, crs="EPSG:3008")
    assert d.problems == []
    assert abs(d.observations["x"].iloc[0] - TORG[0]) < 0.01


def test_unknown_walk_and_mismatching_walk_date(tmp_path):
    header = ["Vandring", "Datum", "Observation", "Plats", "Kategori", "Allvarlighet"]
    rows = [["V9", "", "1", "Stora torg", "Belysning", "2"],
            ["V1", "2022-03-02", "2", "Stora torg", "Belysning", "2"]]
    _, msg = problems_of(tmp_path, rows, header)
    assert 'v1.csv, rad 2, kolumn "Vandring": "V9" – vandringen finns inte i vandringar.csv' in msg
    assert ('v1.csv, rad 3, kolumn "Datum": "2022-03-02" – datumet stämmer inte med vandringens '
            "datum") in msg
    assert "rad 2, kolumn \"Plats\"" not in msg  # no locality: the name is not looked up


def test_swapped_coordinates_and_unknown_place_are_row_problems(tmp_path):
    lon, lat = to_crs(*TORG, 4326)
    rows = [["V1", "1", f"{lon:.7f}", f"{lat:.7f}", "", "", "Belysning", "2", "", "", "", "", "",
             ""], ["V1", "2", "", "", "Stortorget", "", "Belysning", "2", "", "", "", "", "", ""]]
    d, msg = problems_of(tmp_path, rows)
    assert 'v1.csv, rad 2, kolumn "Lon, Lat"' in msg and "bytt plats" in msg
    assert 'v1.csv, rad 3, kolumn "Plats"' in msg and "Stora torg" in msg
    assert len(d.observations) == 0 and len(d.rejected) == 2


def test_a_row_without_any_location(tmp_path):
    rows = [["V1", "1", "", "", "", "", "Belysning", "2", "", "", "", "", "", ""]]
    _, msg = problems_of(tmp_path, rows)
    assert "v1.csv, rad 2" in msg and "saknar både koordinater, plats och område" in msg


def test_a_bad_walk_row_rejects_its_observations_with_a_pointer_to_it(tmp_path):
    walks = WALKS.replace("V1;2022-03-01", "V1;2022-13-01")
    d, msg = problems_of(tmp_path, v1_rows(), walks=walks)
    assert 'vandringar.csv, rad 2, kolumn "Datum": "2022-13-01" – är inte ett datum' in msg
    assert 'v1.csv, rad 2, kolumn "Vandring": "V1" – vandringens rad i vandringar.csv har fel' in msg
    assert d.accounting["vandringar.csv"] == {"lasta": 3, "godkanda": 2, "avvisade": 1,
                                              "orsaker": {"ogiltigt_datum": 1}}
    assert d.accounting["v1.csv"]["avvisade"] == 4 and len(d.observations) == 0


def test_severity_may_be_empty_but_not_unknown(tmp_path):
    rows = v1_rows()
    rows[0][7] = ""
    rows[1][7] = "jättestor"
    d, msg = problems_of(tmp_path, rows)
    assert 'v1.csv, rad 3, kolumn "Allvarlighet": "jättestor" – okänd allvarlighet.' in msg
    assert "rad 2" not in msg
    assert pd.isna(d.observations.set_index("observation_id").loc["V1:1", "severity"])


def test_a_coordinate_without_its_pair(tmp_path):
    rows = v1_rows()
    rows[0][3] = ""
    _, msg = problems_of(tmp_path, rows)
    assert 'v1.csv, rad 2, kolumn "Lon": koordinaten saknas (bara den andra finns).' in msg


def test_missing_required_column_is_a_file_error(tmp_path):
    with pytest.raises(DataError, match='v1.csv, rad 1: kolumnen "Kategori" saknas'):
        load(tmp_path, {"v1.csv": protocol([["V1", "1", "Stora torg"]],
                                           ["Vandring", "Observation", "Plats"])})


def test_read_walks_is_strict_by_default_and_quarantines_on_request(tmp_path):
    rows = v1_rows()
    rows[1][6] = "Belysnig"
    areas, places = canonical_geo(tmp_path)
    folder = write_walks(tmp_path / "tv", {"v1.csv": protocol(rows)})
    vocabulary = vocabulary_of(tmp_path)
    with pytest.raises(DataError, match="okänd kategori"):
        read_walks(folder, areas=areas, places=places, vocabulary=vocabulary)
    walks, obs = read_walks(folder, areas=areas, places=places, vocabulary=vocabulary,
                            quarantine=True)
    assert len(walks) == 3 and obs["observation_id"].tolist() == ["V1:1", "V1:3", "V1:4"]


# --- the build: nothing written on bad input; outputs and accounting -----------------------


def walk_project(project: Path, rows: list[list[str]], header: list[str] | None = None) -> Path:
    """The conftest project plus a 2022 survey, the kommun's vocabulary, geodata and one walk
    protocol."""
    raw = project / "data" / "raw"
    write_survey(project, "enkat_2022.csv", csv_text(survey_rows()))
    kommun_vocabulary_file(raw)
    (raw / "geodata").mkdir()
    areas_gdf().to_file(raw / "geodata" / "omraden.gpkg", driver="GPKG")
    places_gdf().to_file(raw / "geodata" / "platser.gpkg", driver="GPKG")
    write_walks(raw / "trygghetsvandringar", {"v1.csv": protocol(rows, header)})
    return project


def build_error(project: Path) -> str:
    with pytest.raises(DataError) as info:
        build(project, demo=False, progress=lambda s: None)
    assert processed_files(project) == {}
    return str(info.value)


@pytest.mark.parametrize("change,expected", [
    (lambda r: r[1].__setitem__(6, "Glasskiosk"),
     'v1.csv, rad 3, kolumn "Kategori": "Glasskiosk" – okänd kategori.'),
    (lambda r: r[0].__setitem__(13, "i våras"),
     'v1.csv, rad 2, kolumn "Statusdatum": "i våras" – är inte ett datum'),
    (lambda r: r[0].__setitem__(13, "2021-12-24"),
     'v1.csv, rad 2, kolumn "Statusdatum": "2021-12-24" – statusdatum är före vandringens datum'),
    (lambda r: r[3].__setitem__(1, "2"),
     'v1.csv, rad 3, kolumn "Observation": "2" – observationen förekommer flera gånger'),
])
def test_build_writes_nothing_on_bad_walk_input(project, change, expected):
    rows = v1_rows()
    change(rows)
    msg = build_error(walk_project(project, rows))
    assert "Trygghetsvandringarna har fel – inget har skrivits" in msg
    assert expected in msg


def test_build_writes_nothing_for_an_area_code_the_polygons_do_not_have(project):
    rows = [r + ["01"] for r in v1_rows()]
    rows[3][-1] = "06"
    msg = build_error(walk_project(project, rows, HEADER + ["Område"]))
    assert 'v1.csv, rad 5, kolumn "Område"' in msg and "06" in msg


def test_build_writes_nothing_for_xy_without_coordinate_system(project):
    x, y = to_crs(*TORG, 3008)
    header = ["Vandring", "Observation", "X", "Y", "Kategori", "Allvarlighet"]
    p = walk_project(project, [["M1", "1", f"{x:.1f}", f"{y:.1f}", "Belysning", "2"]], header)
    msg = build_error(p)
    assert 'v1.csv, rad 2, kolumn "X"' in msg and "koordinatsystem saknas" in msg


def test_build_outputs_geoparquet_accounting_and_free_text_only_in_observations(project):
    p = walk_project(project, v1_rows())
    manifest = build(p, demo=False, progress=lambda s: None)
    out = p / "data" / "processed"
    obs = gpd.read_parquet(out / "observations.parquet")
    assert obs.crs == "EPSG:3006" and {"area", "place", "description"} <= set(obs.columns)
    assert obs["observation_id"].tolist() == ["V1:1", "V1:2", "V1:3", "V1:4"]
    import pyarrow.parquet as pq

    geo = json.loads(pq.read_schema(out / "observations.parquet").metadata[b"geo"])
    assert geo["columns"]["geometry"]["crs"]["id"] == {"authority": "EPSG", "code": 3006}
    for name in ["walks.parquet", "walk_followup.parquet", "walk_declined.parquet",
                 "walks_vs_survey.parquet", "avvisade_observationer.parquet"]:
        table = pd.read_parquet(out / name)
        assert not {"description", "proposed_action", "decision_reason"} & set(table.columns)
        assert "elskåp" not in table.to_string()
    acc = manifest["radredovisning"]
    assert acc["trygghetsvandringar/v1.csv"] == {"lasta": 4, "godkanda": 4, "avvisade": 0,
                                                 "orsaker": {}}
    assert acc["trygghetsvandringar/vandringar.csv"]["lasta"] == 3
    assert acc["trygghetsvandringar (utanför alla områden)"] == {"antal": 0, "observationer": []}
    assert "trygghetsvandringar/v1.csv" in manifest["indata"]
    followup_out = pd.read_parquet(out / "walk_followup.parquet")
    total = followup_out[followup_out["dimension"] == "alla"].iloc[0]
    # V1:1 fixed (31 days), V1:2 open, V1:4 declined; V1:3 is a place worth keeping
    assert (total["problems"], total["fixed"], total["declined"], total["open"]) == (3, 1, 1, 1)
    assert total["as_of"] == pd.Timestamp("2022-05-01")


def test_quarantine_build_writes_rejected_rows_without_free_text(project):
    rows = v1_rows()
    rows[1][6] = "Glasskiosk"
    p = walk_project(project, rows)
    manifest = build(p, demo=False, quarantine=True, progress=lambda s: None)
    rejected = pd.read_parquet(p / "data/processed/avvisade_observationer.parquet")
    assert rejected[["fil", "rad", "observation_id"]].values.tolist() == [["v1.csv", 3, "V1:2"]]
    assert pd.isna(rejected["category"].iloc[0])  # the unknown value is in the message only
    assert "Glasskiosk" in rejected["meddelande"].iloc[0]
    assert "elskåp" not in rejected.to_string()
    acc = manifest["radredovisning"]["trygghetsvandringar/v1.csv"]
    assert acc == {"lasta": 4, "godkanda": 3, "avvisade": 1, "orsaker": {"okant_varde": 1}}
    obs = gpd.read_parquet(p / "data/processed/observations.parquet")
    assert obs["observation_id"].tolist() == ["V1:1", "V1:3", "V1:4"]


def test_stage_in_quarantine_survives_when_every_row_is_rejected(project):
    from analysis.settings import Settings
    from analysis.stages.context import BuildContext
    from analysis.stages.walks import run as walks_stage

    rows = v1_rows()
    for r in rows:
        r[6] = "Glasskiosk"
    p = walk_project(project, rows)
    ctx = BuildContext(paths=None, source=p / "data" / "raw", settings=Settings(),
                       quarantine=True, progress=lambda s: None)
    geo = p / "data" / "raw" / "geodata"
    ctx.tables["areas.parquet"] = read_areas(geo / "omraden.gpkg")
    ctx.tables["places.parquet"] = read_places(geo / "platser.gpkg")
    result = walks_stage(ctx)
    assert len(result.outputs["observations.parquet"]) == 0
    assert len(result.outputs["avvisade_observationer.parquet"]) == 4
    followup_out = result.outputs["walk_followup.parquet"]
    assert followup_out["as_of"].iloc[0] == pd.Timestamp("2023-03-01")  # the last walk (V2)
    assert result.accounting["trygghetsvandringar/v1.csv"]["avvisade"] == 4
    assert "walks_vs_survey.parquet" not in result.outputs  # no survey estimates given


def test_stage_without_a_walks_folder_writes_nothing_and_says_so(project):
    from analysis.settings import Settings
    from analysis.stages.context import BuildContext
    from analysis.stages.walks import run as walks_stage

    ctx = BuildContext(paths=None, source=project / "data" / "raw", settings=Settings(),
                       progress=lambda s: None)
    result = walks_stage(ctx)
    assert result.outputs == {} and "inga trygghetsvandringar" in result.notes[0]


# --- follow-up on a small hand-made walk ----------------------------------------------------
# Walk A 2022-01-10, B 2022-09-01, C 2023-05-01, D 2023-08-01 (after as_of); as_of 2023-06-30;
# target 183 days; the same spot = within 25 m and the same category.

AS_OF = "2023-06-30"


def hand_walk() -> gpd.GeoDataFrame:
    rows = [
        # id, walk date, valence, category, status, status date, x, area, responsible, places, reason
        ("A1", "2022-01-10", "problem", "belysning", "atgardad", "2022-02-09", 0, "01",
         "kommunen", "Eslöv: Stora torg", "ingen"),
        ("A2", "2022-01-10", "problem", "belysning", "atgardad", "2022-09-28", 500, "01",
         "kommunen", None, "ingen"),
        ("A3", "2022-01-10", "problem", "trafik", "ej_atgardbar", "2022-03-01", 1000, "02",
         "trafikverket", None, "kostnad"),
        ("A4", "2022-01-10", "problem", "nedskrapning", "ny", None, 1500, "02", "kommunen",
         None, "ingen"),
        ("A5", "2022-01-10", "varna", "folkliv_ode_plats", "ny", None, 2000, "02", None, None,
         "ingen"),
        ("B1", "2022-09-01", "problem", "belysning", "pagar", "2022-10-01", 10, "01", "kommunen",
         "Eslöv: Stationen; Eslöv: Stora torg", "ingen"),
        ("B2", "2022-09-01", "problem", "belysning", "dubblett", "2022-09-02", 500, "01",
         "kommunen", None, "ingen"),
        ("B3", "2022-09-01", "problem", "trafik", "atgardad", "2023-07-15", 1020, "02",
         "trafikverket", None, "ingen"),
        ("C1", "2023-05-01", "problem", "belysning", "atgardad", "2023-05-20", 30, "01",
         "kommunen", "Eslöv: Stora torg", "ingen"),
        ("C2", "2023-05-01", "problem", "skotsel", "planerad", None, 5000, None, None, None,
         "ingen"),
        ("D1", "2023-08-01", "problem", "belysning", "ny", None, 0, "01", "kommunen", None,
         "ingen"),
    ]
    f = pd.DataFrame(rows, columns=["observation_id", "walk_date", "valence", "category",
                                    "status", "status_date", "x", "area", "responsible",
                                    "places", "reason_category"])
    for col in ["walk_date", "status_date"]:
        f[col] = pd.to_datetime(f[col]).astype("datetime64[s]")
    for col in ["observation_id", "valence", "category", "status", "area", "responsible",
                "places", "reason_category"]:
        f[col] = f[col].astype("string")
    f["walk_id"] = f["observation_id"].str[0]
    return gpd.GeoDataFrame(f, geometry=shapely.points(f["x"].to_numpy(dtype=float), 0.0),
                            crs="EPSG:3006")


def test_followup_figures_for_everything_by_hand():
    obs = hand_walk()
    row = followup(obs, (), AS_OF).iloc[0]
    assert row["observations"] == 10  # D1 is after as_of
    assert row["problems"] == 9 and row["duplicates"] == 1 and row["counted"] == 8
    assert row["fixed"] == 3  # A1, A2, C1 (B3 is fixed only after as_of)
    assert row["share_fixed"] == pytest.approx(3 / 8)
    assert row["due"] == 6  # walks A and B: A1 A2 A3 A4 B1 B3
    assert row["fixed_within_target"] == 1  # A1 in 30 days; A2 took 261
    assert row["share_fixed_within_target"] == pytest.approx(1 / 6)
    assert row["median_days_to_fix"] == 30.0  # 19, 30, 261
    assert row["declined"] == 1 and row["open"] == 4  # A3; A4 B1 B3 C2
    assert row["oldest_open_days"] == 536  # A4: 2022-01-10 .. 2023-06-30
    assert row["repeated"] == 4  # A1 (B1), A2 (B2), A3 (B3), B1 (C1)
    assert row["share_repeated"] == pytest.approx(0.5)
    assert row["repeated_after_fix"] == 1  # A1 fixed 2022-02-09, seen again 2022-09-01


def test_followup_by_area_by_hand():
    f = followup(hand_walk(), ["area"], AS_OF).set_index("area")
    assert list(f.index) == ["01", "02", "utanfor"]
    a = f.loc["01"]
    assert (a["observations"], a["counted"], a["fixed"], a["due"], a["fixed_within_target"],
            a["open"], a["oldest_open_days"], a["repeated"]) == (5, 4, 3, 3, 1, 1, 302, 3)
    assert a["share_fixed"] == pytest.approx(0.75)
    assert a["share_fixed_within_target"] == pytest.approx(1 / 3)
    b = f.loc["02"]
    assert (b["observations"], b["problems"], b["counted"], b["fixed"], b["declined"],
            b["open"], b["oldest_open_days"], b["repeated"]) == (4, 3, 3, 0, 1, 2, 536, 1)
    assert b["share_fixed"] == 0.0 and pd.isna(b["median_days_to_fix"])
    c = f.loc["utanfor"]
    assert (c["counted"], c["open"], c["oldest_open_days"], c["due"]) == (1, 1, 60, 0)
    assert pd.isna(c["share_fixed_within_target"])


def test_followup_by_place_counts_an_observation_under_every_place():
    f = followup(hand_walk(), ["place"], AS_OF).set_index("place")
    assert list(f.index) == ["Eslöv: Stationen", "Eslöv: Stora torg"]
    torg = f.loc["Eslöv: Stora torg"]
    assert (torg["counted"], torg["fixed"], torg["open"], torg["repeated"]) == (3, 2, 1, 2)
    assert torg["share_fixed"] == pytest.approx(2 / 3)
    assert f.loc["Eslöv: Stationen", "open"] == 1


def test_followup_by_responsible_and_year():
    f = followup(hand_walk(), ["responsible", "year"], AS_OF)
    got = {(r.responsible, r.year): (r.counted, r.fixed, r.open) for r in f.itertuples()}
    assert got == {("ej_angiven", 2022): (0, 0, 0), ("ej_angiven", 2023): (1, 0, 1),
                   ("kommunen", 2022): (4, 2, 2), ("kommunen", 2023): (1, 1, 0),
                   ("trafikverket", 2022): (2, 0, 1)}


def test_repeats_within_distance_and_category():
    pairs = repeat_pairs(hand_walk())
    got = list(zip(pairs["observation_id"], pairs["later_id"], pairs["distance_m"], strict=True))
    # belysning at x = 0 (A1, D1), 10 (B1), 30 (C1), 500 (A2, B2); trafik at 1000 (A3), 1020
    # (B3); only strictly later walks; A1 -> C1 and C1 -> D1 are 30 m apart (> 25 m)
    assert got == [("A1", "B1", 10.0), ("A1", "D1", 0.0), ("A2", "B2", 0.0), ("A3", "B3", 20.0),
                   ("B1", "C1", 20.0), ("B1", "D1", 10.0)]
    # within 40 m and any category: the 30 m pairs too
    wide = repeat_pairs(hand_walk(), distance_m=40, same_category=False)
    assert ("C1", "D1") in set(zip(wide["observation_id"], wide["later_id"], strict=True))
    assert ("A1", "C1") in set(zip(wide["observation_id"], wide["later_id"], strict=True))


def test_as_of_defaults_to_the_last_date_in_the_data_and_hides_later_statuses():
    obs = hand_walk()
    assert default_as_of(obs) == pd.Timestamp("2023-08-01")
    status = status_as_of(obs, AS_OF)
    assert status[obs["observation_id"] == "B3"].item() == "ny"
    assert status[obs["observation_id"] == "A1"].item() == "atgardad"
    later = followup(obs, (), "2023-07-31").iloc[0]
    assert later["fixed"] == 4  # B3 fixed 2023-07-15 counts now


def test_declined_reasons_are_counted_without_free_text():
    d = declined_reasons(hand_walk(), ["year"], AS_OF)
    assert d.values.tolist() == [[2022, "ej_atgardbar", "kostnad", 1]]


def test_followup_table_stacks_dimensions_and_records_parameters():
    t = followup_table(hand_walk(), AS_OF)
    assert set(t["dimension"]) == {"alla", "ar", "omrade", "omrade_ar", "plats", "kategori",
                                   "ansvarig", "ansvarig_ar"}
    alla = t[t["dimension"] == "alla"].iloc[0]
    assert alla["counted"] == 8 and pd.isna(alla["area"]) and pd.isna(alla["year"])
    assert (t["as_of"] == pd.Timestamp(AS_OF)).all() and (t["target_days"] == 183).all()
    by_year = t[t["dimension"] == "ar"].set_index("year")
    assert by_year.loc[2022, "counted"] == 6 and by_year.loc[2023, "counted"] == 2


def test_target_days_is_a_parameter():
    row = followup(hand_walk(), (), AS_OF, target_days=300).iloc[0]
    # due: walks on or before 2022-09-03 (A, B); A1 (30) and A2 (261) within 300 days
    assert (row["due"], row["fixed_within_target"]) == (6, 2)


def test_followup_functions_do_not_mutate_their_input():
    obs = hand_walk()
    before = obs.copy()
    followup_table(obs, AS_OF)
    declined_reasons(obs, ["area"], AS_OF)
    observation_flags(obs, AS_OF)
    pd.testing.assert_frame_equal(obs, before)


# --- walks beside the survey ----------------------------------------------------------------


def survey_estimates(shares: dict[str, float | None], year: int = 2022) -> pd.DataFrame:
    rows = []
    for area, share in shares.items():
        rows.append({"year": year, "area": area, "area_name": f"Område {area}",
                     "indicator": "andel_stort_problem", "item": "morka_omraden",
                     "estimate": np.nan if share is None else share, "ci_low": np.nan,
                     "ci_high": np.nan, "n": 100, "suppressed": share is None})
    rows.append({"year": year, "area": "kommunen", "area_name": "Hela kommunen",
                 "indicator": "andel_stort_problem", "item": "morka_omraden", "estimate": 0.2,
                 "ci_low": np.nan, "ci_high": np.nan, "n": 500, "suppressed": False})
    frame = pd.DataFrame(rows)
    frame["n"] = frame["n"].astype("Int64")
    return frame


def lights(counts: dict[str, int], year: int = 2022) -> pd.DataFrame:
    rows = [(a, "problem", "belysning", "ny") for a, n in counts.items() for _ in range(n)]
    rows += [("01", "problem", "trafik", "ny"), ("01", "varna", "belysning", "ny"),
             ("01", "problem", "belysning", "dubblett")]
    f = pd.DataFrame(rows, columns=["area", "valence", "category", "status"]).astype("string")
    f["walk_date"] = pd.Timestamp(f"{year}-05-01")
    return f


def test_walks_vs_survey_counts_and_spearman_by_hand():
    obs = lights({"01": 3, "03": 1, "04": 5, "05": 2})
    est = survey_estimates({"01": 0.2, "02": 0.1, "03": 0.15, "04": 0.4, "05": 0.3})
    t = walks_vs_survey(obs, est, {"belysning": ["morka_omraden"]})
    assert t["area"].tolist() == ["01", "02", "03", "04", "05"]  # the kommun total left out
    assert t["observations"].tolist() == [3, 0, 1, 5, 2]  # värna and dubblett not counted
    assert t["survey_estimate"].tolist() == [0.2, 0.1, 0.15, 0.4, 0.3]
    # ranks 4 1 2 5 3 vs 3 1 2 5 4: sum d^2 = 2, rho = 1 - 6*2/(5*24) = 0.9
    assert t["spearman_rho"].iloc[0] == pytest.approx(0.9)
    assert (t["n_areas"] == 5).all() and (t["caveat"] == "").all()


def test_walks_vs_survey_says_so_when_there_are_few_areas():
    obs = lights({"01": 3, "03": 1, "04": 5})
    t = walks_vs_survey(obs, survey_estimates({"01": 0.2, "02": 0.1, "03": 0.15, "04": 0.4}),
                        {"belysning": ["morka_omraden"]})
    # ranks 3 1 2 4 vs 3 1 2 4: rho = 1, but only four areas
    assert t["spearman_rho"].iloc[0] == pytest.approx(1.0)
    assert t["caveat"].iloc[0] == "för få områden för en meningsfull korrelation (4 områden)"
    two = walks_vs_survey(obs, survey_estimates({"01": 0.2, "02": 0.1, "03": None}),
                          {"belysning": ["morka_omraden"]})
    assert np.isnan(two["spearman_rho"].iloc[0]) and (two["n_areas"] == 2).all()
    assert two["caveat"].iloc[0] == "korrelationen kan inte beräknas (bara 2 områden med skattning)"
    assert two["survey_suppressed"].tolist() == [False, False, True]


def test_walks_vs_survey_does_not_mutate_its_input():
    obs = lights({"01": 3, "03": 1})
    est = survey_estimates({"01": 0.2, "02": 0.1, "03": 0.15})
    before = (obs.copy(), est.copy())
    walks_vs_survey(obs, est, {"belysning": ["morka_omraden"]})
    pd.testing.assert_frame_equal(obs, before[0])
    pd.testing.assert_frame_equal(est, before[1])


def test_rank_correlation_without_variation_is_not_computed():
    rho, p, n, caveat = rank_correlation(pd.Series([0, 0, 0, 0, 0]),
                                         pd.Series([0.1, 0.2, 0.3, 0.4, 0.5]))
    assert np.isnan(rho) and n == 5 and "observationerna varierar inte" in caveat


# --- plausibility limits and the delivery folder (issue 8) ----------------------------------


def test_limits_are_parameters_of_load_walks(tmp_path):
    walks = WALKS.replace(";12;", ";1e308;")
    d = load(tmp_path, {"v1.csv": protocol(v1_rows())}, walks, max_count=20,
             earliest_year=2022, latest_year=2022)
    texts = [p.format() for p in d.problems]
    assert ('vandringar.csv, rad 2, kolumn "Deltagare": "1e308" – är inte ett antal deltagare '
            "(tillåtet: ett heltal från 0 till 20).") in texts[0]
    assert ('vandringar.csv, rad 3, kolumn "Datum": "2023-03-01" – vandringens datum ligger '
            "utanför åren 2022–2022.") in " ".join(texts)
    assert d.walks["walk_id"].tolist() == ["M1"]  # V1 (participants) and V2 (year) rejected
    assert d.accounting["vandringar.csv"]["orsaker"] == {"ogiltigt_tal": 1, "orimligt_datum": 1}


def test_a_symbolic_link_among_the_protocols_is_refused(tmp_path):
    folder = write_walks(tmp_path / "trygghetsvandringar", {"v1.csv": protocol(v1_rows())})
    (folder / "v2.csv").symlink_to(tmp_path / "finns_inte.csv")
    with pytest.raises(DataError, match=r"v2\.csv: är en länk \(symbolisk länk\) till en fil "
                                        r"som inte finns"):
        walk_files(folder)


def test_the_walk_folder_lists_what_is_not_read(tmp_path):
    folder = write_walks(tmp_path / "trygghetsvandringar", {"v1.csv": protocol(v1_rows())})
    (folder / "anteckningar.docx").write_bytes(b"x")
    listing = walk_folder(folder)
    assert [p.name for p in listing.files] == ["v1.csv", "vandringar.csv"]
    assert [p.name for p in listing.ignored] == ["anteckningar.docx"]


# --- a kommun's own vocabulary over the neutral defaults (issue 11) ------------------------


def test_the_package_vocabulary_names_no_kommuns_organisation():
    labels = load_walk_vocabulary()["responsible"].labels
    assert labels["kommunen"] == "kommunen"
    text = " ".join(map(str, [*labels, *labels.values()])).casefold()
    for name in ["esl", "ebo", "brinova", "skånetrafiken", "kraftringen", "syd"]:
        assert name not in text


def test_an_unknown_organisation_gets_the_exact_line_for_the_kommuns_file():
    hint = load_walk_vocabulary()["responsible"].hint("Hörbyhem")
    assert '"  horbyhem: {label: Hörbyhem}" under "responsible:" i data/raw/ordlista.yaml' in hint
    status_hint = load_walk_vocabulary()["status"].hint("Avslutad")
    assert 'under "status:" i data/raw/ordlista.yaml (koderna är fasta)' in status_hint
    assert "{variants: [Avslutad]}" in status_hint


def test_the_kommuns_file_adds_codes_labels_and_spellings_and_its_spelling_wins(tmp_path):
    vocabulary = vocabulary_of(tmp_path, """
responsible:
  kommunen: {label: Hörby kommun, variants: [hörby kommun]}
  horbyhem: {label: Hörbyhem, variants: [hörbyhem ab]}
  stadskarneforeningen: {label: Stadskärneföreningen}
category:
  parkering: {label: parkering, variants: [felparkerat]}
status:
  atgardad: {variants: [avslutad]}
headers:
  protocol:
    responsible: [Åtgärdsansvarig]
survey_items:
  parkering: [fortkorning]
""")
    responsible = vocabulary["responsible"]
    codes, unknown = responsible.match(pd.Series(
        ["Hörby kommun", "HÖRBYHEM AB", "Gatukontoret", "Stadskärneföreningen"], dtype="string"))
    assert list(codes) == ["kommunen", "horbyhem", "kommunen", "stadskarneforeningen"]
    assert not unknown.any()
    assert responsible.labels["kommunen"] == "Hörby kommun"
    assert vocabulary["category"].lookup[match_key("felparkerat")] == "parkering"
    assert vocabulary["status"].lookup[match_key("Avslutad")] == "atgardad"
    assert vocabulary.headers["protocol"][match_key("Åtgärdsansvarig")] == "responsible"
    assert vocabulary.survey_items["parkering"] == ("fortkorning",)
    assert load_walk_vocabulary()["responsible"].labels["kommunen"] == "kommunen"  # untouched


@pytest.mark.parametrize("text,expected", [
    ("status:\n  vilande: {label: vilande}\n",
     'ordlista.yaml, rad 2, kolumn "status": "vilande" – okänd kod för status'),
    ("responsible:\n  Hörbyhem: {label: Hörbyhem}\n",
     'Skriv t.ex. "  horbyhem: {label: Hörbyhem}"'),
    ("ansvariga:\n  x: {label: y}\n", 'ordlista.yaml, rad 1, kolumn "ansvariga": okänt avsnitt'),
    ("responsible:\n  a_1: {label: A, variants: [delad]}\n  b_2: {label: B, variants: [delad]}\n",
     "skrivsättet står under både a_1 och b_2"),
    ("responsible:\n  a_1: {etikett: A}\n", '"etikett" – okänd nyckel'),
    ("survey_items:\n  okand_kategori: [klotter]\n", '"okand_kategori" – okänd kategori'),
])
def test_mistakes_in_the_kommuns_file_are_swedish_messages(tmp_path, text, expected):
    with pytest.raises(DataError) as info:
        vocabulary_of(tmp_path, text)
    assert "Ordlistan kan inte användas" in str(info.value)
    assert expected in str(info.value)


# --- walks with area codes only: polygons and places are optional (issue 11) --------------

REGISTER = pd.DataFrame({"area": ["01", "02"], "area_name": ["Centrum", "Öster"],
                         "valid_from": [2020, 2020], "valid_to": pd.array([None, None],
                                                                          dtype="Int64"),
                         "version": ["01@2020", "02@2020"]})


def test_walks_work_with_area_codes_only_and_name_each_missing_input_once(tmp_path):
    lon, lat = to_crs(*TORG, 4326)
    header = ["Vandring", "Observation", "Område", "Lat", "Lon", "Plats", "Kategori", "Ansvarig"]
    rows = [["V1", "1", "01", "", "", "", "Belysning", "Gatukontoret"],
            ["V1", "2", "02", f"{lat:.6f}", f"{lon:.6f}", "", "Klotter", ""],
            ["V1", "3", "", f"{lat:.6f}", f"{lon:.6f}", "", "Skräp", ""],
            ["V1", "4", "", "", "", "Stora torg", "Skräp", ""],
            ["V1", "5", "", "", "", "Stationen", "Skräp", ""]]
    folder = write_walks(tmp_path / "tv", {"v1.csv": protocol(rows, header)})
    d = load_walks(folder, areas=None, places=None, register=REGISTER)
    assert d.problems == []
    o = d.observations.set_index("observation_id")
    assert o["area"].tolist() == ["01", "02", pd.NA, pd.NA, pd.NA]
    assert o["area_name"].tolist()[:2] == ["Centrum", "Öster"]
    assert o.loc["V1:4", "place"] == "Eslöv: Stora torg"  # as written, in the walk's locality
    reasons = [n.reason for n in d.notices]
    assert reasons.count("omradespolygoner_saknas") == 1 and reasons.count("platser_saknas") == 1
    texts = " ".join(n.format() for n in d.notices)
    assert "1 observationer har koordinater men ingen områdeskod" in texts
    assert "2 observationer med platsnamn" in texts


def test_without_polygons_an_area_code_is_checked_against_the_register(tmp_path):
    header = ["Vandring", "Observation", "Område", "Kategori"]
    folder = write_walks(tmp_path / "tv", {"v1.csv": protocol([["V1", "1", "07", "Belysning"],
                                                               ["V1", "2", "1", "Belysning"]],
                                                              header)})
    d = load_walks(folder, areas=None, register=REGISTER)
    texts = [p.format() for p in d.problems]
    assert texts[0].startswith('v1.csv, rad 2, kolumn "Område": "07" – området finns inte i '
                               "områdesregistret för 2022. Områden 2022 i områdesregistret: 01, 02.")
    assert 'Menade du "01"?' in texts[1]


def test_build_with_area_codes_only_writes_the_walks_and_their_labels(project):
    raw = project / "data" / "raw"
    write_survey(project, "enkat_2022.csv", csv_text(survey_rows()))
    kommun_vocabulary_file(raw, KOMMUN_VOCABULARY + "  hoorbyhem:\n    label: Höörbyhem\n")
    header = ["Vandring", "Observation", "Område", "Kategori", "Ansvarig", "Status"]
    write_walks(raw / "trygghetsvandringar", {"v1.csv": protocol(
        [["V1", "1", "01", "Belysning", "EBO", "ny"],
         ["V1", "2", "02", "Klotter", "Höörbyhem", "ny"]], header)})
    messages: list[str] = []
    manifest = build(project, demo=False, stages=["areas", "survey", "estimates", "places",
                                                  "walks"], progress=messages.append)
    obs = gpd.read_parquet(project / "data/processed/observations.parquet")
    assert obs["area"].tolist() == ["01", "02"]
    assert obs["responsible"].tolist() == ["eslovs_bostads_ab", "hoorbyhem"]
    terms = pd.read_parquet(project / "data/processed/walk_terms.parquet")
    from analysis.report import responsible_names
    from analysis.settings import Settings

    names = responsible_names(Settings(), terms)
    assert names["hoorbyhem"] == "Höörbyhem" and names["kommunen"] == "Eslövs kommun"
    assert "ordlista.yaml" in manifest["indata"]
    assert sum("geodata/" in m for m in messages) == 1  # no geodata folder: said once
