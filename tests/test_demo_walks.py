"""The demo safety walks: reproducible byte for byte, mixed formats, shaped like Eslöv's walks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.demo import geo, kommun, walks
from analysis.paths import DEFAULT_ROOT, VOCABULARY_FILE, WALKS_DIR
from analysis.places import kommun_outline, read_areas, read_places
from analysis.walks import followup, load_walk_vocabulary, load_walks

COMMITTED = DEFAULT_ROOT / "data" / "raw" / "demo" / WALKS_DIR


def generate(root: Path) -> Path:
    kommun.write(root)
    geo.write(root)
    walks.write(root)
    return root


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("demo_walks"))


@pytest.fixture(scope="module")
def delivery(raw):
    return load_walks(raw / WALKS_DIR, areas=read_areas(raw / "geodata/omraden.gpkg"),
                      places=read_places(raw / "geodata/platser.geojson"),
                      kommun=kommun_outline(raw / "geodata/kommun.geojson", "1285"),
                      vocabulary=load_walk_vocabulary(kommun=raw / VOCABULARY_FILE))


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_regenerating_gives_the_same_bytes(raw, tmp_path):
    again = generate(tmp_path)
    assert files(raw / WALKS_DIR) == files(again / WALKS_DIR)


def test_committed_demo_walks_equal_a_fresh_generation(raw):
    assert files(COMMITTED) == files(raw / WALKS_DIR)


def test_files_come_in_mixed_formats_and_say_synthetic(raw):
    folder = raw / WALKS_DIR
    names = sorted(files(folder))
    assert "vandringar.csv" in names and "README.md" in names
    assert [n for n in names if n.endswith(".xlsx")] == ["protokoll_2022-1.xlsx"]
    cp = (folder / "protokoll_2019-2.csv").read_bytes()
    assert cp.startswith("Vandring;Observation;X;Y".encode("cp1252"))
    assert ";Föreslagen åtgärd;".encode("cp1252") in cp
    assert b"6190609,3;138001,0" in cp  # decimal comma, X = northing in SWEREF 99 13 30
    with pytest.raises(UnicodeDecodeError):
        cp.decode("utf-8")
    phone = (folder / "protokoll_2021-4.csv").read_text(encoding="utf-8")
    assert phone.startswith("Vandring,Observation,Lat,Lon,Plats")
    for name in names:
        if name.endswith(".csv"):
            assert b"SYNTETISKA DEMODATA" in (folder / name).read_bytes()
    assert "SYNTETISKA DEMODATA" in (folder / "README.md").read_text(encoding="utf-8")


def test_demo_loads_without_problems_and_nothing_outside_the_areas(delivery):
    assert delivery.problems == []
    assert len(delivery.outside) == 0
    assert all(a["lasta"] == a["godkanda"] for a in delivery.accounting.values())
    # only notices: the Swedish X/Y convention of the municipal GIS exports
    assert {n.reason for n in delivery.notices} == {"xy_konvention"}


def test_two_to_four_walks_a_year_with_20_to_60_observations(delivery):
    w = delivery.walks
    per_year = w.groupby("year").size()
    assert list(per_year.index) == list(range(2019, 2025))
    assert per_year.between(2, 4).all()
    per_walk = delivery.observations.groupby("walk_id").size()
    assert len(per_walk) == len(w) and per_walk.between(20, 60).all()


def test_a_walk_around_stora_torg_every_year(delivery):
    obs = delivery.observations
    torg = obs[obs["places"].fillna("").str.contains("Eslöv: Stora torg")]
    assert sorted(torg["year"].unique()) == list(range(2019, 2025))
    # Marieholm's Stora torg is reached through the walk's locality, never Eslöv's
    marieholm = obs[obs["locality"] == "Marieholm"]
    assert (marieholm["place"].dropna() == "Marieholm: Stora torg").all()
    assert (marieholm["location_source"] == "plats").any()


def test_locations_come_from_coordinates_and_place_names(delivery):
    sources = delivery.observations["location_source"].value_counts()
    assert sources["koordinater"] > 0 and sources["plats"] > 0
    crs = set(delivery.observations["coord_crs"].dropna())
    assert crs == {"EPSG:3008", "EPSG:4326"}


def test_categories_differ_by_area_as_in_eslov(delivery):
    obs = delivery.observations
    problems = obs[obs["valence"] == "problem"]
    share = pd.crosstab(problems["area"], problems["category"], normalize="index")
    # traffic dominates in Landsbygd (02); lighting and social unrest in the town and Berga
    assert share.loc["02", "trafik"] == share["trafik"].max()
    assert share.loc["02", "trafik"] > 0.25
    for area in ["01", "03", "06"]:
        assert share.loc[area, "belysning"] + share.loc[area, "social_oro"] > 0.3
    assert (obs["valence"] == "varna").mean() == pytest.approx(0.1, abs=0.04)


def test_statuses_and_fix_dates_are_realistic(delivery):
    obs = delivery.observations
    row = followup(obs).iloc[0]
    assert 0.55 < row["share_fixed"] < 0.85  # most are fixed ...
    assert row["median_days_to_fix"] < 120  # ... within months
    assert row["declined"] > 10 and row["oldest_open_days"] > 365  # some declined, some old
    assert row["repeated"] > 20  # spots come back in later walks
    assert obs["status_date"].max() <= pd.Timestamp("2024-12-31")
    assert (obs["status_date"].dropna() >= obs.loc[obs["status_date"].notna(), "walk_date"]).all()
    declined = obs[obs["status"].isin(["ej_atgardbar", "ej_vart_ansvar"])]
    assert declined["decision_reason"].notna().all()
    assert set(declined["reason_category"]) <= {"kostnad", "annan_agare", "ej_prioriterat",
                                                "regler", "tekniskt"}


def test_the_demo_kommuns_own_vocabulary_names_its_organisations(delivery, raw):
    """EBO, Brinova, Skånetrafiken ... live in the demo's ordlista.yaml, not in the package."""
    codes = set(delivery.observations["responsible"].dropna())
    assert {"eslovs_bostads_ab", "brinova", "skanetrafiken", "kommunen"} <= codes
    assert (raw / VOCABULARY_FILE).read_bytes() == (COMMITTED.parent / VOCABULARY_FILE).read_bytes()
    package = load_walk_vocabulary()["responsible"].labels
    assert "eslovs_bostads_ab" not in package and package["kommunen"] == "kommunen"
