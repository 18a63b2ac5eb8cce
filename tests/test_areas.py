"""Tests for analysis/areas.py: the versioned area register and "valid in year"."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.areas import (
    TOTAL_AREA,
    area_codes_in_year,
    area_order,
    area_versions,
    areas_in_year,
    comparable,
    read_area_register,
    sort_areas,
    valid_in_year,
)
from analysis.problems import DataError


@pytest.fixture
def register(tmp_path):
    path = tmp_path / "omradesindelning.csv"
    path.write_text("omrade;namn;giltig_fran;giltig_till\n01;Centrum;2020;2022\n"
                    "01;Centrum (nytt);2023;\n02;Öster;2020;\n", encoding="utf-8")
    return read_area_register(path)


def test_register_is_versioned_by_year(register):
    assert register["version"].tolist() == ["01@2020", "01@2023", "02@2020"]
    assert register["valid_to"].isna().tolist() == [False, True, True]


@pytest.mark.parametrize("year, expected", [
    (2019, [False, False, False]), (2020, [True, False, True]), (2022, [True, False, True]),
    (2023, [False, True, True]), (2099, [False, True, True]),
])
def test_valid_in_year_is_inclusive_and_open_ended(register, year, expected):
    assert valid_in_year(register, year).tolist() == expected


def test_valid_in_year_per_row(register):
    years = np.array([2022, 2023, 2019])
    assert valid_in_year(register, years).tolist() == [True, True, False]


def test_areas_and_codes_in_year(register):
    assert areas_in_year(register, 2023)["version"].tolist() == ["01@2023", "02@2020"]
    assert area_codes_in_year(register, 2021) == ["01", "02"]
    assert area_codes_in_year(register, 2010) == []


def test_versions_and_comparability(register):
    areas = pd.Series(["01", "01", "02", "09"])
    years = pd.Series([2022, 2023, 2023, 2023])
    assert area_versions(register, areas, years).tolist() == ["01@2020", "01@2023", "02@2020",
                                                              pd.NA]
    ok = comparable(register, pd.Series(["01", "02", TOTAL_AREA]), pd.Series([2022] * 3),
                    pd.Series([2023] * 3))
    assert ok.tolist() == [False, True, True]  # 01 was redrawn; the kommun total always is


def test_area_order_puts_the_kommun_last():
    assert area_order(["02", TOTAL_AREA, "01"]) == ["01", "02", TOTAL_AREA]
    frame = pd.DataFrame({"area": [TOTAL_AREA, "02", "01"], "x": [1, 2, 3]})
    assert sort_areas(frame)["x"].tolist() == [3, 2, 1]


def test_overlapping_periods_are_refused(tmp_path):
    path = tmp_path / "omradesindelning.csv"
    path.write_text("omrade;namn;giltig_fran;giltig_till\n01;A;2020;2023\n01;B;2023;\n",
                    encoding="utf-8")
    with pytest.raises(DataError, match="överlappande giltighetsperioder"):
        read_area_register(path)


def test_a_year_that_is_not_a_year_names_row_and_column(tmp_path):
    path = tmp_path / "omradesindelning.csv"
    path.write_text("omrade;namn;giltig_fran\n01;A;tjugotjugo\n", encoding="utf-8")
    with pytest.raises(DataError, match='rad 2, kolumn "giltig_fran": "tjugotjugo"'):
        read_area_register(path)
