"""The synthetic published police index tables of the demo set."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.areas import TOTAL_AREA, read_area_register
from analysis.demo import areas, official
from analysis.demo.areas import areas_valid
from analysis.official import (
    LPO_AREA,
    REFERENCE_AREAS,
    TOTAL_AREAS,
    load_official,
    read_official_tables,
    select_vintage,
)

N_INDICATORS = 31  # the police_indicators list in the codebook, totalindex included


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.fixture(scope="module")
def demo_table(tmp_path_factory) -> pd.DataFrame:
    raw = tmp_path_factory.mktemp("raw")
    areas.write(raw)
    written = official.write(raw)
    register = read_area_register(raw / "omraden" / "omradesindelning.csv")
    delivery = load_official(read_official_tables([written[0]]), register)
    assert delivery.problems == []
    return delivery.table


def test_regenerating_gives_the_same_bytes(tmp_path):
    official.write(tmp_path / "a")
    official.write(tmp_path / "b")
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert list(a) == ["polisens_index/README.md", f"polisens_index/{official.FILE}"]
    assert a == b


def test_labelled_synthetic_on_every_row_and_in_the_readme(tmp_path, demo_table):
    assert (demo_table["note"] == "syntetiska demodata").all()
    assert demo_table["source"].str.endswith("(syntetisk)").all()
    readme = official.write(tmp_path)[1].read_text(encoding="utf-8")
    assert "SYNTETISKA DEMODATA" in readme


def test_real_area_structure_per_year(demo_table):
    latest = select_vintage(demo_table)
    for year in range(2017, 2025):
        got = set(latest.loc[latest["year"] == year, "area"])
        assert got == {c for c, _ in areas_valid(year)} | set(TOTAL_AREAS), year
    counts = latest[latest["area"] != LPO_AREA].groupby(["year", "area"]).size()
    assert (counts == N_INDICATORS).all()
    assert latest.loc[latest["area"] == LPO_AREA, "indicator"].unique().tolist() == ["totalindex"]
    n_areas = latest[~latest["area"].isin(TOTAL_AREAS)].groupby("year")["area"]
    assert n_areas.nunique().tolist() == [2, 2, 2, 5, 5, 5, 6, 6]


def test_reference_levels_every_indicator_every_year_near_the_kommun(demo_table):
    latest = select_vintage(demo_table).set_index(["year", "area", "indicator"])["value"]
    kommun = latest.xs(TOTAL_AREA, level="area")
    for area in REFERENCE_AREAS[1:]:  # polisområde and region (the LPO has the totalindex)
        level = latest.xs(area, level="area")
        assert level.index.equals(kommun.index), area
        assert (level - kommun).abs().max() < 0.3, area


def test_values_on_the_0_to_6_scale_and_2017_printed_x100(demo_table):
    assert demo_table["value"].between(0, 6).all()
    x100 = demo_table[demo_table["converted_x100"]]
    assert set(x100["year"]) == {2017} and len(x100) == (demo_table["year"] == 2017).sum()
    assert (x100["scale"] == "0-600").all()
    lpo = x100[x100["area"] == LPO_AREA]
    assert (lpo["value_published"].item(), lpo["value"].item()) == ("250", 2.5)


def test_one_restatement_lpo_2021(demo_table):
    restated = demo_table[demo_table["restated"]]
    assert restated[["year", "area", "indicator"]].drop_duplicates().values.tolist() == \
        [[2021, LPO_AREA, "totalindex"]]
    assert restated["value"].tolist() == [1.88, 1.97]
    assert restated["published"].dt.year.tolist() == [2021, 2022]


def test_lpo_totalindex_follows_the_published_series(demo_table):
    lpo = select_vintage(demo_table, "first")
    lpo = lpo[lpo["area"] == LPO_AREA].set_index("year")["value"]
    assert lpo.to_dict() == {2017: 2.50, 2018: 2.41, 2019: 2.31, 2020: 1.91, 2021: 1.88,
                             2022: 2.11, 2023: 1.97, 2024: 2.02}
    kommun = select_vintage(demo_table)
    kommun = kommun[(kommun["area"] == TOTAL_AREA) & (kommun["indicator"] == "totalindex")]
    assert (kommun.set_index("year")["value"] - lpo).abs().max() < 0.1


def test_directions_match_the_demo_survey(demo_table):
    v = select_vintage(demo_table).set_index(["year", "area", "indicator"])["value"]
    for year in range(2017, 2025):  # traffic worst in Landsbygd
        assert v[(year, "02", "fortkorning")] > v[(year, "01", "fortkorning")]
    # 2022: the tätort and Berga above the action level 3
    assert v[(2022, "01", "nedskrapning")] >= 3 and v[(2022, "03", "ungdomsgang")] >= 3
    # Berga's youth gangs peak in 2021–2022
    berga = [v[(y, "03", "ungdomsgang")] for y in range(2020, 2025)]
    assert max(berga) in berga[1:3]
    # 2023–: the centrum has the most missbruk
    for year in (2023, 2024):
        areas_year = [c for c, _ in areas_valid(year)]
        assert max(areas_year, key=lambda c: v[(year, c, "missbruk")]) == "06"


def test_demo_build_writes_official_tables_beside_the_survey(demo_built):
    # the committed demo equals the regenerated one (test_demo_*), so the shared build serves
    manifest = demo_built.manifest
    out = demo_built.processed
    table = pd.read_parquet(out / "official_indices.parquet")
    side = pd.read_parquet(out / "official_vs_survey.parquet")
    # 1280 area, kommun and LPO rows + 8 years × 31 indicators × 2 levels (PO, region)
    assert len(table) == 1776 and table["restated"].sum() == 2
    acc = manifest["radredovisning"][f"polisens_index/{official.FILE}"]
    assert acc == {"lasta": 1776, "godkanda": 1776, "avvisade": 0, "orsaker": {}}
    # the survey covers 2019–2024, so the two sources meet in those years
    assert sorted(side["year"].unique()) == [2019, 2020, 2021, 2022, 2023, 2024]
    assert not side["estimate"].isna().all()
    agreement = side.drop_duplicates(["year", "indicator"]).set_index(["year", "indicator"])
    for ind in ["missbruk", "ungdomsgang", "fortkorning", "otrygg_kvall"]:
        for year in range(2020, 2025):
            assert agreement.loc[(year, ind), "spearman_rho"] > 0, (ind, year)
    # 2019 has only two areas: no rank correlation, and it says why
    assert agreement.loc[2019, "spearman_rho"].isna().all()
    assert agreement.loc[(2019, "missbruk"), "agreement_note"].startswith("för få områden (2)")
