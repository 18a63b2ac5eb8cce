"""The bundled demo set: reproducible byte for byte and shaped like Eslöv's survey."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analysis.demo import write_demo
from analysis.demo.areas import areas_valid
from analysis.demo.survey import demo_responses
from analysis.paths import DEFAULT_ROOT

COMMITTED = DEFAULT_ROOT / "data" / "raw" / "demo"


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    write_demo(root, progress=lambda s: None)
    return root / "data" / "raw" / "demo"


def test_regenerated_demo_equals_committed_files(regenerated):
    new = {p.relative_to(regenerated): p.read_bytes() for p in regenerated.rglob("*") if p.is_file()}
    old = {p.relative_to(COMMITTED): p.read_bytes() for p in COMMITTED.rglob("*") if p.is_file()}
    assert sorted(new) == sorted(old)
    differing = [str(k) for k in new if new[k] != old[k]]
    assert differing == []


def test_survey_files_come_in_three_formats_and_say_synthetic(regenerated):
    folder = regenerated / "trygghetsmatning"
    files = sorted(p.name for p in folder.iterdir() if p.suffix in {".csv", ".xlsx"})
    assert len(files) == 6 and all("syntetisk" in f for f in files)
    cp = (folder / "trygghetsmatning_2019_syntetisk.csv").read_bytes()
    assert not cp.startswith(b"\xef\xbb\xbf") and "Löpnummer;".encode("cp1252") in cp
    assert "Syntetiska demodata".encode("cp1252") in cp
    assert b";" in cp and b"," in cp  # decimal commas in the weights
    bom = (folder / "trygghetsmatning_2022_syntetisk.csv").read_bytes()
    assert bom.startswith(b"\xef\xbb\xbf")
    assert (folder / "trygghetsmatning_2024_syntetisk.xlsx").read_bytes()[:2] == b"PK"
    assert "SYNTETISKA" in (folder / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("year, n_areas", [(2019, 2), (2020, 5), (2022, 5), (2023, 6), (2024, 6)])
def test_area_structure_and_response_rates(year, n_areas):
    data = demo_responses(year)
    assert data["area_code"].nunique() == n_areas == len(areas_valid(year))
    rates = data.groupby("area_code").size() / 300
    assert rates.between(0.40, 0.70).all()
    # weights reproduce the population: the same total for every area version
    assert np.isclose(data["weight"].sum(), data.groupby("area_code")["weight"].sum().sum())
    assert data["respondent_id"].is_unique
