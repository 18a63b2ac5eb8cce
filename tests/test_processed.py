"""Loading processed tables for notebooks: free text dropped, years chosen."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from analysis.processed import choose_year, is_demo, load_processed, previous_year


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
