"""Indices per area × year, kommun totals and changes, against hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from analysis.areas import TOTAL_AREA, read_area_register
from analysis.codebook import load_codebook
from analysis.indices import area_estimates, indicator_values, year_changes
from analysis.settings import Settings
from analysis.survey import read_responses
from tests.conftest import csv_text, survey_rows, write_survey

OPEN = Settings(min_n=1, uncertain_n=1, min_count=1, min_cell=0)  # no suppression


@pytest.fixture
def responses(project, register):
    path = write_survey(project, "enkat_2022.csv", csv_text(survey_rows()))
    return read_responses(path, register=register)


def _values(responses):
    return {(ind, item): v for ind, item, _, v in indicator_values(responses, load_codebook())}


def test_indicator_values_per_respondent(responses):
    v = _values(responses)
    nan = np.nan
    # nedskrapning: Mycket stort, Ganska stort, Ganska litet, Inget, Vet ej, Mycket stort
    assert_allclose(v[("poang", "nedskrapning")], [3, 2, 1, 0, nan, 3])
    assert_allclose(v[("andel_stort_problem", "nedskrapning")], [1, 1, 0, 0, nan, 1])
    assert_allclose(v[("andel_vet_ej", "nedskrapning")], [0, 0, 0, 0, 1, 0])
    # fortkorning: Inget, Vet ej, Ganska stort, (empty), Mycket stort, Ganska litet
    assert_allclose(v[("poang", "fortkorning")], [0, nan, 2, nan, 3, 1])
    assert_allclose(v[("andel_vet_ej", "fortkorning")], [0, 1, 0, nan, 0, 0])
    # otrygg: Ganska otrygg, Mycket trygg, aldrig ut av andra skäl (excluded),
    # aldrig ut av otrygghet, Ganska trygg, Vet ej
    assert_allclose(v[("andel_otrygga", "otrygg_kvall")], [1, 0, nan, 1, 0, nan])
    # problemindex: mean over the problem items each respondent answered
    assert_allclose(v[("problemindex", "alla")], [1.5, 2, 1.5, 0, 3, 2])
    assert_allclose(v[("problemindex", "utemiljo")], [1.5, 2, 1.5, 0, 3, 2])
    assert ("poang", "klotter") not in v  # not asked: left out


def test_area_and_kommun_estimates(responses, register):
    reg = read_area_register(register)
    table = area_estimates(responses, reg, settings=OPEN)
    get = table.set_index(["area", "indicator", "item"])
    w = np.array([12.5, 10, 7.25, 20, 15, 8])
    # area 01 = rows 1-3: share stort problem (nedskrapning) = (12.5 + 10) / 29.75
    assert_allclose(get.loc[("01", "andel_stort_problem", "nedskrapning"), "estimate"],
                    22.5 / 29.75)
    # kommun problemindex = weighted mean of [1.5, 2, 1.5, 0, 3, 2]
    assert_allclose(get.loc[(TOTAL_AREA, "problemindex", "alla"), "estimate"],
                    (w * [1.5, 2, 1.5, 0, 3, 2]).sum() / w.sum())
    assert get.loc[(TOTAL_AREA, "problemindex", "alla"), "area_name"] == "Hela kommunen"
    assert get.loc[("02", "poang", "nedskrapning"), "area_name"] == "Öster"
    # area 02, nedskrapning poäng: rows 4 (0, w 20) and 6 (3, w 8); row 5 is Vet ej
    assert_allclose(get.loc[("02", "poang", "nedskrapning"), "estimate"], 24 / 28)
    assert get.loc[("02", "poang", "nedskrapning"), "n"] == 2
    # share Vet ej for fortkorning in area 01: 1 of 3 answered (weight 10 of 29.75)
    assert_allclose(get.loc[("01", "andel_vet_ej", "fortkorning"), "estimate"], 10 / 29.75)
    assert (table["scoring"] == "standard").all()
    assert list(table.columns[:6]) == ["year", "area", "area_name", "area_version", "indicator",
                                       "item"]
    assert get.loc[("02", "poang", "nedskrapning"), "area_version"] == "02@2020"
    assert get.loc[(TOTAL_AREA, "poang", "nedskrapning"), "area_version"] == TOTAL_AREA
    assert table.equals(table.sort_values(["year", "area", "indicator", "item"],
                                          ignore_index=True))


def test_scoring_is_configuration(responses, register, tmp_path):
    import yaml

    from analysis.paths import RESOURCES_DIR

    raw = yaml.safe_load((RESOURCES_DIR / "codebook.yaml").read_text(encoding="utf-8"))
    raw["scorings"]["noll_till_tre_linjar"] = {"description": "x",
                                               "problem": {1: 0, 2: 0.5, 3: 1, 4: 2, 5: 3}}
    path = tmp_path / "kodbok.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    from analysis.codebook import load_codebook as load

    v = {(i, it): x for i, it, _, x in indicator_values(responses, load(path), "noll_till_tre_linjar")}
    assert_allclose(v[("poang", "nedskrapning")], [3, 2, 1, 0, np.nan, 3])
    with pytest.raises(KeyError, match="Okänd poängsättning"):
        load_codebook().scoring("finns_inte")


def test_inputs_not_mutated(responses, register):
    before = responses.copy()
    area_estimates(responses, read_area_register(register), settings=OPEN)
    pd.testing.assert_frame_equal(responses, before)


def _two_years(project, register):
    rows22 = survey_rows()
    rows23 = [[str(int(r[0]) + 100), "2023", *r[2:]] for r in survey_rows()]
    rows23[3][4] = "Mycket stort problem"  # Öster worse in 2023
    path = write_survey(project, "enkat.csv", csv_text(rows22 + rows23))
    return read_responses(path, register=register)


def test_changes_respect_redrawn_areas(project, register):
    reg = read_area_register(register)
    responses = _two_years(project, register)
    est = area_estimates(responses, reg, settings=OPEN)
    ch = year_changes(est, reg, settings=OPEN).set_index(["area", "indicator", "item"])
    # 01 "Centrum" was redrawn in 2023 (new version): not comparable, no delta
    row = ch.loc[("01", "poang", "nedskrapning")]
    assert not row["comparable"] and np.isnan(row["delta"])
    assert row["flag_reason"] == "områdets gränser ändrades mellan åren"
    # 02 Öster: same version both years
    row = ch.loc[("02", "poang", "nedskrapning")]
    e = est.set_index(["year", "area", "indicator", "item"])
    a, b = e.loc[(2022, "02", "poang", "nedskrapning")], e.loc[(2023, "02", "poang", "nedskrapning")]
    assert row["comparable"]
    assert_allclose(row["delta"], b["estimate"] - a["estimate"])
    assert_allclose(row["delta"], (20 * 3 + 8 * 3) / 28 - 24 / 28)
    assert_allclose(row["se_delta"], np.hypot(a["se"], b["se"]))
    assert_allclose(row["p"], 2 * stats.norm.sf(abs(row["delta"]) / row["se_delta"]))
    # the kommun total is always comparable
    assert ch.loc[(TOTAL_AREA, "poang", "nedskrapning"), "comparable"]
    # BH over the comparable changes into 2023
    usable = ch[ch["p"].notna()]
    assert_allclose(usable["p_bh"], stats.false_discovery_control(usable["p"].to_numpy()))


def test_changes_of_suppressed_estimates_are_suppressed(project, register):
    reg = read_area_register(register)
    responses = _two_years(project, register)
    est = area_estimates(responses, reg)  # default settings: every area has < 30 answers
    ch = year_changes(est, reg)
    assert ch["suppressed"].all() and ch["delta"].isna().all()


def test_problemindex_groups_need_two_items(responses):
    v = _values(responses)
    # nedskrapning and fortkorning are both "utemiljo": a group index exists
    assert ("problemindex", "utemiljo") in v
    # no other group has two answered items in this delivery
    assert {item for ind, item in v if ind == "problemindex"} == {"alla", "utemiljo"}
