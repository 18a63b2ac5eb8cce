"""Loading processed tables for notebooks: free text dropped, years chosen."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from analysis.processed import choose_year, is_demo, load_processed, previous_year, underlag_line


def test_load_processed_drops_free_text_and_reads_geoparquet(tmp_path):
    folder = tmp_path / "data" / "processed"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"kalla": "demo"}), encoding="utf-8")
    obs = gpd.GeoDataFrame({"observation_id": ["1"], "description": ["Namn på en person"],
                            "proposed_action": ["x"], "decision_reason": ["y"]},
                           geometry=[Point(0, 0)], crs="EPSG:3006")
    obs.to_parquet(folder / "observations.parquet")
    pd.DataFrame({"year": [2023, 2024]}).to_parquet(folder / "estimates.parquet")
    tables = load_processed(tmp_path)
    assert sorted(tables) == ["estimates.parquet", "observations.parquet"]
    assert list(tables["observations.parquet"].columns) == ["observation_id", "geometry"]
    assert isinstance(tables["observations.parquet"], gpd.GeoDataFrame)
    assert "description" in load_processed(tmp_path, free_text=True)["observations.parquet"]


def test_missing_build_gives_swedish_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="Kör `trygghet build`"):
        load_processed(tmp_path)


def test_years_and_demo():
    est = pd.DataFrame({"year": [2019, 2021, 2024]})
    assert choose_year(est, None) == 2024
    assert choose_year(est, 2021) == 2021
    assert previous_year(est, 2024) == 2021 and previous_year(est, 2019) is None
    with pytest.raises(ValueError, match="Året 2020 finns inte"):
        choose_year(est, 2020)
    assert is_demo({"kalla": "demo"}) and not is_demo({"kalla": "kommunens filer"})


def test_the_underlag_line_comes_from_the_manifest():
    manifest = {"kalla": "demo", "ar": 2023,
                "indata": {"trygghetsmatning/a.csv": "1", "trygghetsmatning/b.xlsx": "2",
                           "omraden/omradesindelning.csv": "3", "geodata/omraden.gpkg": "4"}}
    assert underlag_line(manifest) == (
        "Underlag: syntetiska demodata (inte verkliga svar), lägesbild för 2023. Indata: "
        "trygghetsmätning (2 filer), områdesindelning (1 fil), kartor (1 fil).")
    own = underlag_line({"kalla": "kommunens filer", "ar": None, "indata": {}})
    assert own == "Underlag: kommunens egna filer."
    assert "sha" not in underlag_line(manifest) and "/" not in underlag_line(manifest)
