"""The optional invited count in the area register (``inbjudna``), for the response rate."""

from __future__ import annotations

import pytest

from analysis.areas import read_area_register
from analysis.paths import DEFAULT_ROOT
from analysis.problems import DataError


def _register(tmp_path, text: str):
    path = tmp_path / "omradesindelning.csv"
    path.write_text(text, encoding="utf-8")
    return read_area_register(path)


def test_without_the_column_the_register_is_as_before(tmp_path):
    reg = _register(tmp_path, "omrade;namn;giltig_fran;giltig_till\n01;A;2020;\n")
    assert list(reg.columns) == ["area", "area_name", "valid_from", "valid_to", "version"]


def test_the_invited_count_is_read_as_a_whole_number_empty_when_unknown(tmp_path):
    reg = _register(tmp_path, "omrade;namn;giltig_fran;giltig_till;inbjudna\n"
                              "01;A;2020;;300\n02;B;2020;;\n03;C;2020;;1 200\n")
    assert str(reg["invited"].dtype) == "Int64"
    assert reg["invited"].tolist()[0] == 300 and reg["invited"].isna().tolist()[1]
    assert reg["invited"].tolist()[2] == 1200


@pytest.mark.parametrize("value", ["tre", "0", "-5", "12,5"])
def test_a_bad_invited_count_names_the_cell(tmp_path, value):
    with pytest.raises(DataError, match=rf'rad 2, kolumn "inbjudna": "{value}" – är inte ett '
                                        "positivt heltal"):
        _register(tmp_path, f"omrade;namn;giltig_fran;giltig_till;inbjudna\n01;A;2020;;{value}\n")


def test_the_demo_register_has_300_invited_per_area():
    reg = read_area_register(DEFAULT_ROOT / "data" / "raw" / "demo" / "omraden" /
                             "omradesindelning.csv")
    assert set(reg["invited"]) == {300}
