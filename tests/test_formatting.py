"""Tests for analysis/formatting.py: the one Swedish number formatter."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.formatting import (
    csv_decimal,
    csv_int,
    sv_count,
    sv_interval,
    sv_list,
    sv_number,
    sv_p,
    sv_percent,
    sv_pp,
    sv_value,
)


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    (12345.678, 2, "12\u202f345,68"),
    (1.5, 2, "1,50"),
    (-1.5, 1, "\u22121,5"),
    (-0.001, 2, "0,00"),  # no "minus zero"
    (float("nan"), 2, "–"),
    (None, 2, "–"),
])
def test_sv_number(value, decimals, expected):
    assert sv_number(value, decimals) == expected


def test_sv_percent_and_count():
    assert sv_percent(0.453) == "45\u00a0%"
    assert sv_percent(0.4535, 1) == "45,4\u00a0%"
    assert sv_percent(float("nan")) == "–"
    assert sv_count(1234567) == "1\u202f234\u202f567"


def test_percentage_points_and_p_values():
    assert sv_pp(0.05) == "5 procentenheter"
    assert sv_pp(-0.052, 1) == "\u22125,2 procentenheter"
    assert sv_pp(0.05, signed=True) == "+5 procentenheter"
    assert sv_pp(-0.05, signed=True) == "\u22125 procentenheter"
    assert sv_pp(-0.001) == "0 procentenheter"  # no "minus zero"
    assert sv_p(0.0004) == "< 0,001" and sv_p(0.0421) == "0,042" and sv_p(None) == "–"


def test_values_intervals_and_lists():
    assert sv_value(0.523, proportion=True) == "52\u00a0%"
    assert sv_value(1.5, proportion=False) == "1,50"
    assert sv_interval(0.44, 0.6, proportion=True) == "44–60\u00a0%"
    assert sv_interval(1.2, 1.45, proportion=False) == "1,20–1,45"
    assert sv_list(["a", "b", "c"]) == "a, b och c" and sv_list(["a"]) == "a"
    assert sv_number(float("inf")) == "–"


def test_csv_cells_are_plain_numbers():
    s = pd.Series([12345.678, -0.04, None, float("inf")])
    assert csv_decimal(s, 1).tolist() == ["12345,7", "0,0", "", ""]
    assert csv_int(pd.Series([3.0, None])).tolist() == ["3", ""]


def test_trim_writes_whole_numbers_without_decimals():
    assert sv_number(40.0, 1, trim=True) == "40" and sv_number(40.04, 1, trim=True) == "40,0"
    assert sv_number(-5.0, 2, trim=True) == "\u22125" and sv_number(2.5, 2, trim=True) == "2,50"
    assert sv_percent(0.25, 1, trim=True) == "25\u00a0%"
    assert sv_percent(0.253, 1, trim=True) == "25,3\u00a0%"
    assert sv_pp(-0.1, 1, trim=True) == "\u221210 procentenheter"
    assert sv_pp(0.07, 1, trim=True) == "7,0 procentenheter"  # 100 · 0.07 is not whole in binary
    assert sv_pp(0.5, 1, trim=True) == "50 procentenheter"
    assert sv_number(40.0, 1) == "40,0" and sv_percent(0.25, 1) == "25,0\u00a0%"  # default


@pytest.mark.parametrize("value, indicator, shown, csv_cell", [
    (0.523, "andel_stort_problem", "52\u00a0%", "52,3"),
    (0.0449, "andel_otrygga", "4\u00a0%", "4,5"),
    (1.5, "poang", "1,50", "1,50"),
    (-0.256, "problemindex", "\u22120,26", "-0,26"),
])
def test_the_same_number_prints_identically_in_figures_html_notebooks_and_csv(
        value, indicator, shown, csv_cell):
    from analysis import figures, narrative, report
    from analysis.exports import estimates_for_sharing
    from analysis.style import number_formatter, percent_formatter

    assert figures._fmt(value, indicator) == shown  # labels drawn in figures
    cell = report.frame_table(pd.DataFrame({"Värde": [narrative.format_value(value, indicator)]}),
                              "Tabell")
    assert f"<td>{shown}</td>" in cell or f'<td class="num">{shown}</td>' in cell  # HTML
    assert narrative.format_value(value, indicator) == shown  # notebook sentences
    tick = percent_formatter() if figures.is_proportion(indicator) else number_formatter(2)
    assert tick(value, 0) == shown  # axis ticks
    row = pd.DataFrame({"year": [2024], "area": ["01"], "area_name": ["Centrum"],
                        "indicator": [indicator], "item": ["otrygg_kvall"],
                        "estimate": [value], "ci_low": [value], "ci_high": [value], "n": [100],
                        "suppressed": [False], "uncertain": [False], "flag_reason": [""],
                        "scoring": ["standard"]})
    assert estimates_for_sharing(row)["Skattning"].iloc[0] == csv_cell  # the Excel CSV
