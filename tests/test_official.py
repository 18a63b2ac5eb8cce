"""The police's published 0–6 index tables: reading, vintages, comparison, side by side."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import problems as P
from analysis.areas import TOTAL_AREA
from analysis.codebook import load_police_indicators
from analysis.files import RawTable, xlsx_bytes
from analysis.official import (
    LPO_AREA,
    OFFICIAL_COLUMNS,
    PO_AREA,
    REFERENCE_CAVEAT,
    REFERENCE_COLUMNS,
    REGION_AREA,
    SIDE_BY_SIDE_COLUMNS,
    add_vintages,
    compare_official,
    empty_official,
    load_official,
    official_vs_survey,
    parse_official,
    rank_agreement,
    read_official,
    reference_levels,
    select_vintage,
    suggest_indicators,
    validate_official,
)
from analysis.pipeline import build
from analysis.problems import (
    CONFLICT,
    DUPLICATE,
    OUT_OF_RANGE,
    UNDECLARED_X100,
    UNKNOWN_INDICATOR,
    DataError,
)
from tests.conftest import csv_text, processed_files, survey_rows, write_survey

HEADER = ["ar", "omrade", "indikator", "varde", "skala", "kalla", "publicerad", "sida"]
FILE = "polisens_index.csv"
SOURCE21 = "Trygghetsmätning 2021"
SOURCE22 = "Trygghetsmätning 2022"


def _register() -> pd.DataFrame:
    """01 redrawn in 2020 and 2023, 02 all years, 03 from 2020, 06 from 2023."""
    rows = [("01", "Eslövs tätort", 2017, 2019), ("01", "Eslövs tätort", 2020, 2022),
            ("01", "Eslövs tätort", 2023, None), ("02", "Landsbygd", 2017, None),
            ("03", "Berga", 2020, None), ("06", "Eslövs centrum", 2023, None)]
    f = pd.DataFrame(rows, columns=["area", "area_name", "valid_from", "valid_to"])
    f = f.astype({"area": "string", "area_name": "string", "valid_from": "Int64",
                  "valid_to": "Int64"})
    f["version"] = f["area"] + "@" + f["valid_from"].astype("string")
    return f[["area", "area_name", "valid_from", "valid_to", "version"]]


def _raw(rows: list[list[str]], header: list[str] | None = None, file: str = FILE) -> RawTable:
    """A delivered table as ``read_table`` returns it (strings; header = Excel row 1)."""
    header = header or HEADER
    frame = pd.DataFrame(rows, columns=header, dtype="string")
    return RawTable(file, frame, pd.Series(range(2, len(rows) + 2), dtype="int64"), header,
                    "utf-8", ";")


def _row(year="2021", area="01", ind="Nedskräpning", value="1,85", scale="0-6",
         source=SOURCE21, published="2021-12-02", page="s. 4") -> list[str]:
    return [year, area, ind, value, scale, source, published, page]


def _load(rows, **kw):
    return load_official([_raw(rows, **kw)], _register())


def _only_problem(rows, **kw) -> P.Problem:
    delivery = _load(rows, **kw)
    assert len(delivery.problems) == 1, [p.format() for p in delivery.problems]
    return delivery.problems[0]


# --- reading and validating --------------------------------------------------------------


def test_reads_rows_into_the_long_table():
    delivery = _load([_row(), _row(area="02", value="2")])
    t = delivery.table
    assert list(t.columns) == OFFICIAL_COLUMNS
    assert t["value"].tolist() == [1.85, 2.0]
    assert t["area_version"].tolist() == ["01@2020", "02@2017"]
    assert t["indicator"].tolist() == ["nedskrapning"] * 2
    assert t["item"].tolist() == ["nedskrapning"] * 2
    assert t["published"].tolist() == [pd.Timestamp("2021-12-02")] * 2
    assert not t["converted_x100"].any() and not t["restated"].any()
    assert delivery.accounting[FILE] == {"lasta": 2, "godkanda": 2, "avvisade": 0, "orsaker": {}}


@pytest.mark.parametrize("scale, x100", [("0-600", ""), ("0 – 600", ""), ("", "ja"),
                                         ("0-600", "Ja")])
def test_x100_year_declared_is_converted(scale, x100):
    rows = [["2017", "02", "Totalindex", "185", scale, "Trygghetsmätning 2017", "2017-12-06",
             "s. 3", x100]]
    t = _load(rows, header=[*HEADER, "x100"]).table
    assert t["value"].item() == 1.85
    assert t["value_published"].item() == "185"
    assert t["scale"].item() == "0-600" and t["converted_x100"].item()


def test_600_printed_x100_is_the_top_of_the_scale():
    t = _load([_row(value="600", scale="0-600")]).table
    assert t["value"].item() == 6.0 and t["at_action_level"].item()


@pytest.mark.parametrize("scale", ["0-6", ""])
def test_undeclared_x100_value_is_flagged_with_file_row_and_column(scale):
    rows = [_row(), _row(area="02", value="185", scale=scale)]
    p = _only_problem(rows)
    assert (p.file, p.row, p.column, p.value, p.reason) == (FILE, 3, "varde", "185",
                                                             UNDECLARED_X100)
    assert ('polisens_index.csv, rad 3, kolumn "varde": "185" – värdet är större än 6 men '
            'raden anger inte skala ×100') in p.format()
    assert "1,85 tryckt ×100" in p.message and "0-600" in p.hint


@pytest.mark.parametrize("value, scale", [("-0,5", "0-6"), ("720", "0-600"), ("650", "0-6"),
                                          ("-10", "0-600")])
def test_out_of_range_value(value, scale):
    p = _only_problem([_row(value=value, scale=scale)])
    assert (p.row, p.column, p.value, p.reason) == (2, "varde", value, OUT_OF_RANGE)
    assert "värdet ligger utanför skalan" in p.message


def test_decimals_in_a_x100_row_are_an_error():
    p = _only_problem([_row(value="1,85", scale="0-600")])
    assert p.reason == OUT_OF_RANGE and "heltal" in p.message


@pytest.mark.parametrize("value, expected", [("0", 0.0), ("6", 6.0), ("6,00", 6.0),
                                             ("2.5", 2.5)])
def test_bounds_of_the_scale_are_accepted(value, expected):
    assert _load([_row(value=value)]).table["value"].item() == expected


def test_unknown_scale_and_contradicting_x100():
    rows = [_row(scale="1-5"), [*_row(area="02"), "ja"]]
    delivery = _load([rows[0] + [""], rows[1]], header=[*HEADER, "x100"])
    msgs = [p.format() for p in delivery.problems]
    assert any('rad 2, kolumn "skala": "1-5" – okänd skala' in m for m in msgs)
    assert any('rad 3, kolumn "x100": "ja" – raden anger både skala 0-6 och x100 = ja' in m
               for m in msgs)


def test_unknown_indicator_suggests_the_closest_names():
    p = _only_problem([_row(ind="Nedskrapning av gator")])
    assert (p.row, p.column, p.reason) == (2, "indikator", UNKNOWN_INDICATOR)
    assert 'kolumn "indikator": "Nedskrapning av gator" – okänd indikator.' in p.format()
    assert p.hint.startswith('Menade du: "Nedskräpning"')
    assert "police_indicators" in p.hint


def test_suggestions_are_police_names():
    assert suggest_indicators("Mörka områden/dålig belysnig", _indicators())[0] == \
        "Mörka områden/dålig belysning"


def _indicators():
    return load_police_indicators()


@pytest.mark.parametrize("text, code", [
    ("  NEDSKRÄPNING ", "nedskrapning"),
    ("Mörka områden / Dålig belysning", "morka_omraden"),
    ("mörka  områden/dålig belysning", "morka_omraden"),
    ("Buskörning", "buskorning"),
    ("fortkorning", "fortkorning"),
    ("Mopeder på gång - och cykelvägar", "moped_gc"),
    ("Total index", "totalindex"),
])
def test_indicator_names_are_matched_tolerantly(text, code):
    assert _load([_row(ind=text)]).table["indicator"].item() == code


@pytest.mark.parametrize("text, code, name", [
    ("01", "01", "Eslövs tätort"), ("1", "01", "Eslövs tätort"), ("berga", "03", "Berga"),
    ("kommunen", TOTAL_AREA, "Hela kommunen"), ("Hela kommunen", TOTAL_AREA, "Hela kommunen"),
    ("LPO", LPO_AREA, "Lokalpolisområdet"), ("LPO Eslöv", LPO_AREA, "Lokalpolisområdet"),
    ("polisområde", PO_AREA, "Polisområdet"), ("PO", PO_AREA, "Polisområdet"),
    ("Polisområde Mittskåne", PO_AREA, "Polisområdet"), ("region", REGION_AREA, "Regionen"),
    ("Polisregion", REGION_AREA, "Regionen"), ("polisregion Syd", REGION_AREA, "Regionen"),
])
def test_area_codes_names_and_totals(text, code, name):
    t = _load([_row(area=text)]).table
    assert (t["area"].item(), t["area_name"].item()) == (code, name)


@pytest.mark.parametrize("year, area", [("2019", "03"), ("2022", "06"),
                                        ("2019", "Berga")])
def test_area_not_valid_in_that_year_names_the_valid_ones(year, area):
    p = _only_problem([_row(year=year, area=area, published=f"{year}-12-01")])
    assert (p.row, p.column, p.value, p.reason) == (2, "omrade", area, P.UNKNOWN_AREA)
    assert f"gäller inte {year}" in p.message
    valid = ("01 Eslövs tätort, 02 Landsbygd" if year == "2019"
             else "01 Eslövs tätort, 02 Landsbygd, 03 Berga")
    assert p.hint.startswith(f"Områden som gäller {year}: {valid}; dessutom kommunen")


def test_unknown_area():
    p = _only_problem([_row(area="Väster")])
    assert '"Väster" – området finns inte i områdesregistret' in p.format()


def test_publication_date_must_be_a_date_not_before_the_survey_year():
    rows = [_row(published="2.12.2021"), _row(area="02", published="2020-12-01"),
            _row(area="03", published="")]
    problems = _load(rows).problems
    assert [(p.row, p.column, p.reason) for p in problems] == [
        (2, "publicerad", "ogiltigt_datum"), (3, "publicerad", "ogiltigt_datum"),
        (4, "publicerad", P.MISSING_VALUE)]
    assert "före mätåret 2021" in problems[1].message


def test_missing_required_column_is_a_file_error():
    header = [h for h in HEADER if h != "kalla"]
    with pytest.raises(DataError, match="tabellen saknar kolumnerna kalla"):
        _load([[c for h, c in zip(HEADER, _row(), strict=True) if h != "kalla"]],
              header=header)


def test_every_problem_is_reported_at_once():
    rows = [_row(value="185"), _row(area="02", ind="Okänt"), _row(area="03", year="20x1")]
    with pytest.raises(DataError) as err:
        validate_official(_raw(rows), _register())
    msg = str(err.value)
    assert "3 problem" in msg and "rad 2" in msg and "rad 3" in msg and "rad 4" in msg


def test_validate_returns_the_table_unchanged_when_it_is_fine():
    raw = _raw([_row()])
    assert validate_official(raw, _register()) is raw


def test_conflicting_values_with_the_same_publication_date():
    rows = [_row(), _row(value="1,90", source="Kommunens rapport")]
    delivery = _load(rows)
    assert [(p.row, p.reason) for p in delivery.problems] == [(2, CONFLICT), (3, CONFLICT)]
    assert "polisens_index.csv rad 3" in delivery.problems[0].message
    assert delivery.table.empty


def test_same_row_twice_is_a_duplicate():
    delivery = _load([_row(), _row()])
    assert [(p.row, p.reason) for p in delivery.problems] == [(2, DUPLICATE), (3, DUPLICATE)]


def test_same_value_from_two_sources_on_the_same_day_is_two_vintages():
    t = _load([_row(), _row(source="Kommunens rapport")]).table
    assert t["n_vintages"].tolist() == [2, 2] and not t["restated"].any()


def test_rows_with_problems_are_accounted_and_set_aside():
    rows = [_row(), _row(area="02", value="185"), _row(area="03", ind="Okänt"),
            _row(area="03", value="2,2", ind="Klotter")]
    delivery = _load(rows)
    assert delivery.accounting[FILE] == {"lasta": 4, "godkanda": 2, "avvisade": 2,
                                         "orsaker": {UNDECLARED_X100: 1, UNKNOWN_INDICATOR: 1}}
    assert delivery.rejected["rad"].tolist() == [3, 4]
    assert delivery.rejected["varde"].tolist() == ["185", "1,85"]
    assert len(delivery.table) == 2


def test_parse_does_not_mutate_the_delivered_frame():
    raw = _raw([_row(value="185", scale="0-600"), _row(area="02")])
    before = raw.frame.copy()
    parse_official(raw, _register())
    load_official([raw], _register())
    pd.testing.assert_frame_equal(raw.frame, before)


# --- vintages ----------------------------------------------------------------------------


def _restated_rows() -> list[list[str]]:
    # the later publication first in the file: order comes from the dates, not the file
    return [_row(year="2021", area="lpo", ind="Totalindex", value="1,97", source=SOURCE22,
                 published="2022-12-01", page="s. 3"),
            _row(year="2021", area="lpo", ind="Totalindex", value="1,88", source=SOURCE21,
                 published="2021-12-02", page="s. 3"),
            _row(year="2022", area="lpo", ind="Totalindex", value="2,11", source=SOURCE22,
                 published="2022-12-01", page="s. 3")]


def test_restated_value_keeps_both_vintages():
    t = _load(_restated_rows()).table
    r = t[t["year"] == 2021]
    assert r["value"].tolist() == [1.88, 1.97]
    assert r["vintage"].tolist() == [1, 2] and r["n_vintages"].tolist() == [2, 2]
    assert r["source"].tolist() == [SOURCE21, SOURCE22]
    assert r["source_row"].tolist() == [3, 2]
    assert r["restated"].all()
    assert r["first_value"].tolist() == [1.88, 1.88] and r["latest_value"].tolist() == [1.97] * 2
    assert not t.loc[t["year"] == 2022, "restated"].item()


@pytest.mark.parametrize("vintage, expected", [("latest", 1.97), ("first", 1.88)])
def test_both_vintages_are_selectable(vintage, expected):
    chosen = select_vintage(_load(_restated_rows()).table, vintage)
    r = chosen[chosen["year"] == 2021]
    assert len(r) == 1 and r["value"].item() == expected
    assert r["restated"].item() and (r["first_value"].item(), r["latest_value"].item()) == \
        (1.88, 1.97)
    assert len(chosen) == 2


def test_unknown_vintage_is_an_error():
    with pytest.raises(ValueError, match="latest"):
        select_vintage(_load(_restated_rows()).table, "newest")


def test_restatement_back_to_the_first_value_still_counts():
    rows = _restated_rows()[:2] + [_row(year="2021", area="lpo", ind="Totalindex",
                                        value="1,88", source="Trygghetsmätning 2023",
                                        published="2023-11-30")]
    r = _load(rows).table
    assert r["restated"].all() and r["latest_value"].iloc[0] == 1.88


def test_vintage_functions_do_not_mutate_inputs():
    t = _load(_restated_rows()).table
    before = t.copy()
    select_vintage(t, "first")
    add_vintages(t.drop(columns=["vintage"]))
    compare_official(t, "totalindex", "lpo", 2021, 2022)
    pd.testing.assert_frame_equal(t, before)


# --- comparison between years -------------------------------------------------------------


def _series(values: dict[tuple[str, str], str], ind: str = "Ungdomsgäng") -> pd.DataFrame:
    rows = [_row(year=y, area=a, ind=ind, value=v, source=f"Trygghetsmätning {y}",
                 published=f"{y}-12-01") for (y, a), v in values.items()]
    return _load(rows).table


NO_CI = ("Polisens index saknar konfidensintervall; förändringen bedöms mot en minsta "
         "skillnad på 0,2 indexenheter.")


@pytest.mark.parametrize("v1, v2, verdict, change", [
    ("2,11", "2,45", "ökning", 0.34), ("2,45", "2,11", "minskning", -0.34),
    ("2,11", "2,30", "oförändrad", 0.19), ("1,77", "1,97", "ökning", 0.2),
    ("1,97", "1,77", "minskning", -0.2)])
def test_change_is_judged_against_the_minimum_difference(v1, v2, verdict, change):
    t = _series({("2020", "03"): v1, ("2022", "03"): v2})
    res = compare_official(t, "ungdomsgang", "03", 2020, 2022)
    assert res.verdict == verdict
    assert res.change == pytest.approx(change, abs=1e-12)
    assert res.comparable and NO_CI in res.text


def test_comparison_text_and_action_level():
    t = _series({("2020", "03"): "2,63", ("2022", "03"): "3,00"})
    res = compare_official(t, "Ungdomsgäng som stör ordningen", "Berga", 2020, 2022)
    assert res.text == (
        "Ungdomsgäng som stör ordningen, Berga: 2,63 (2020) -> 3,00 (2022), förändring +0,37: "
        "ökning. " + NO_CI + " På eller över polisens åtgärdsnivå 3: 2022 (3,00).")
    assert (res.at_action_level1, res.at_action_level2) == (False, True)
    assert res.as_dict()["verdict"] == "ökning"


def test_just_below_the_action_level_is_not_flagged():
    t = _series({("2020", "03"): "2,99", ("2021", "03"): "2,99"})
    res = compare_official(t, "ungdomsgang", "03", 2020, 2021)
    assert res.verdict == "oförändrad" and not (res.at_action_level1 or res.at_action_level2)
    assert "åtgärdsnivå" not in res.text


def test_minimum_difference_is_a_parameter():
    t = _series({("2020", "03"): "2,11", ("2022", "03"): "2,45"})
    res = compare_official(t, "ungdomsgang", "03", 2020, 2022, min_difference=0.5)
    assert res.verdict == "oförändrad" and "minsta skillnad på 0,5 indexenheter" in res.text


def test_redrawn_area_is_not_comparable():
    t = _series({("2022", "01"): "2,32", ("2023", "01"): "1,83"})
    res = compare_official(t, "ungdomsgang", "01", 2022, 2023)
    assert res.verdict == "ej jämförbar" and not res.comparable
    assert "gränser ritades om" in res.text


def test_comparison_uses_the_chosen_vintage_and_says_so():
    t = _load(_restated_rows()).table
    latest = compare_official(t, "Totalindex", "lpo", 2021, 2022)
    first = compare_official(t, "Totalindex", "lpo", 2021, 2022, vintage="first")
    assert (latest.value1, latest.verdict) == (1.97, "oförändrad")
    assert (first.value1, first.verdict) == (1.88, "ökning")
    assert latest.restated1 and not latest.restated2
    assert ("Värdet för 2021 har reviderats (först publicerat 1,88, senast 1,97); jämförelsen "
            "använder det senast publicerade.") in latest.text
    assert "använder det först publicerade" in first.text


def test_missing_year_is_a_lookup_error_listing_the_years():
    t = _load(_restated_rows()).table
    with pytest.raises(LookupError, match=r"saknas för 2020 \(finns för: 2021, 2022\)"):
        compare_official(t, "totalindex", "lpo", 2020, 2022)


# --- side by side with our estimates -----------------------------------------------------


def _estimates(rows: list[tuple]) -> pd.DataFrame:
    """year, area, item, estimate, n, suppressed -> an estimates-like long table."""
    f = pd.DataFrame(rows, columns=["year", "area", "item", "estimate", "n", "suppressed"])
    f["indicator"] = "andel_stort_problem"
    f["ci_low"] = f["estimate"] - 0.05
    f["ci_high"] = f["estimate"] + 0.05
    f["uncertain"] = False
    f.loc[f["suppressed"], ["estimate", "ci_low", "ci_high"]] = np.nan
    other = f.iloc[:1].assign(indicator="poang", estimate=9.0)  # must not be picked up
    return pd.concat([f, other], ignore_index=True).astype(
        {"area": "string", "item": "string", "indicator": "string", "n": "Int64"})


def _side_inputs():
    official = _series({("2022", "01"): "1,0", ("2022", "02"): "2,0", ("2022", "03"): "3,0",
                        ("2022", "kommunen"): "2,1", ("2022", "lpo"): "2,2"},
                       ind="Missbruksproblem")
    tot = _load([_row(year="2022", area="lpo", ind="Totalindex", value="2,11",
                      published="2022-12-01")]).table
    official = pd.concat([official, tot], ignore_index=True)
    est = _estimates([(2022, "01", "missbruk", 0.10, 120, False),
                      (2022, "02", "missbruk", 0.30, 110, False),
                      (2022, "03", "missbruk", 0.20, 100, False),
                      (2022, "kommunen", "missbruk", 0.21, 330, False),
                      (2021, "01", "missbruk", 0.50, 90, False)])
    return official, est


def test_side_by_side_pairs_official_index_with_share_stort_problem():
    official, est = _side_inputs()
    side = official_vs_survey(official, est)
    assert list(side.columns) == SIDE_BY_SIDE_COLUMNS
    assert side["area"].tolist() == ["01", "02", "03", "kommunen"]
    assert side["official_value"].tolist() == [1.0, 2.0, 3.0, 2.1]
    assert side["estimate"].tolist() == [0.10, 0.30, 0.20, 0.21]
    assert side["ci_low"].tolist() == pytest.approx([0.05, 0.25, 0.15, 0.16])
    assert side["survey_indicator"].unique().tolist() == ["andel_stort_problem"]
    assert side["rank_official"].tolist()[:3] == [3.0, 2.0, 1.0]
    assert side["rank_survey"].tolist()[:3] == [3.0, 1.0, 2.0]
    assert np.isnan(side["rank_official"].iloc[3])  # the kommun total is not ranked
    # ranks d = (0, 1, 1): rho = 1 - 6*2 / (3*8) = 0.5
    assert side["spearman_rho"].unique().tolist() == [pytest.approx(0.5)]
    assert side["n_areas_ranked"].unique().tolist() == [3]
    assert side["agreement_note"].iloc[0].startswith("bara 3 områden")


def test_suppressed_estimate_stays_suppressed_and_is_not_ranked():
    official, est = _side_inputs()
    est.loc[(est["area"] == "02") & (est["indicator"] == "andel_stort_problem"),
            ["suppressed", "estimate", "ci_low", "ci_high"]] = [True, np.nan, np.nan, np.nan]
    side = official_vs_survey(official, est)
    r = side[side["area"] == "02"]
    assert r["suppressed"].item() and np.isnan(r["estimate"].item())
    assert np.isnan(r["rank_survey"].item()) and np.isnan(r["ci_low"].item())
    assert side["n_areas_ranked"].iloc[0] == 2 and np.isnan(side["spearman_rho"].iloc[0])
    assert side["agreement_note"].iloc[0].startswith("för få områden (2)")


def test_rank_agreement_exact_value_with_four_areas():
    side = pd.DataFrame({
        "year": [2023] * 4, "area": ["01", "02", "03", "06"], "indicator": ["klotter"] * 4,
        "indicator_name": ["Klotter"] * 4, "official_value": [1.0, 2.0, 3.0, 4.0],
        "estimate": [0.1, 0.3, 0.2, 0.4], "suppressed": [False] * 4})
    agreement = rank_agreement(side)
    # ranks 1,2,3,4 against 1,3,2,4: sum d^2 = 2, rho = 1 - 6*2/(4*15) = 0.8
    assert agreement["spearman_rho"].item() == pytest.approx(0.8)
    assert agreement["n_areas_ranked"].item() == 4
    assert rank_agreement(side, min_areas=4)["agreement_note"].item() == ""


def test_side_by_side_does_not_mutate_inputs():
    official, est = _side_inputs()
    before = official.copy(), est.copy()
    official_vs_survey(official, est)
    pd.testing.assert_frame_equal(official, before[0])
    pd.testing.assert_frame_equal(est, before[1])


# --- files and the build -----------------------------------------------------------------

REGISTER_CSV = ("omrade;namn;giltig_fran;giltig_till\r\n01;Centrum;2020;2022\r\n"
                "01;Centrum;2023;\r\n02;Öster;2020;\r\n03;Väster;2023;\r\n")


@pytest.fixture
def official_project(project: Path) -> Path:
    """The shared tiny project (survey 2022, areas 01/02) plus area 03 from 2023."""
    (project / "data" / "raw" / "omraden" / "omradesindelning.csv").write_bytes(
        REGISTER_CSV.encode("utf-8"))
    write_survey(project, "enkat_2022.csv", csv_text(survey_rows()))
    (project / "data" / "raw" / "polisens_index").mkdir()
    return project


def _lines(rows: list[list[str]]) -> str:
    return "\r\n".join(";".join(r) for r in [HEADER, *rows]) + "\r\n"


def _write_official(project: Path, rows: list[list[str]], name: str = FILE,
                    encoding: str = "utf-8-sig") -> Path:
    path = project / "data" / "raw" / "polisens_index" / name
    path.write_bytes(_lines(rows).encode(encoding))
    return path


GOOD = [_row(year="2022", area="Centrum", ind="Nedskräpning", value="3,1", source=SOURCE22,
             published="2022-12-01"),
        _row(year="2022", area="02", ind="Nedskräpning", value="1,2", source=SOURCE22,
             published="2022-12-01"),
        _row(year="2021", area="lpo", ind="Totalindex", value="1,88"),
        _row(year="2021", area="lpo", ind="Totalindex", value="1,97", source=SOURCE22,
             published="2022-12-01")]


def test_build_writes_official_indices_and_side_by_side(official_project):
    _write_official(official_project, GOOD)
    manifest = build(official_project, demo=False, progress=lambda s: None)
    out = official_project / "data" / "processed"
    t = pd.read_parquet(out / "official_indices.parquet")
    side = pd.read_parquet(out / "official_vs_survey.parquet")
    assert len(t) == 4 and t["restated"].sum() == 2
    assert side["area"].tolist() == ["01", "02"]
    assert side["official_value"].tolist() == [3.1, 1.2]
    # the tiny survey's estimates are suppressed (< 30 answers) and stay suppressed
    assert side["suppressed"].all() and side["estimate"].isna().all()
    assert side["n_areas_ranked"].tolist() == [0, 0] and side["spearman_rho"].isna().all()
    acc = manifest["radredovisning"]["polisens_index/polisens_index.csv"]
    assert acc == {"lasta": 4, "godkanda": 4, "avvisade": 0, "orsaker": {}}
    assert "polisens_index/polisens_index.csv" in manifest["indata"]


BAD_CASES = {
    "odeklarerat x100": (_row(year="2022", area="01", value="185", published="2022-12-01"),
                         'kolumn "varde": "185" – värdet är större än 6'),
    "utanför skalan": (_row(year="2022", area="01", value="-1", published="2022-12-01"),
                       'kolumn "varde": "-1" – värdet ligger utanför skalan 0-6'),
    "okänd indikator": (_row(year="2022", area="01", ind="Nedskrapningar",
                             published="2022-12-01"),
                        'kolumn "indikator": "Nedskrapningar" – okänd indikator. '
                        'Menade du: "Nedskräpning"'),
    "område ej giltigt": (_row(year="2022", area="03", published="2022-12-01"),
                          'kolumn "omrade": "03" – området gäller inte 2022 '
                          '(giltigt: 03 Väster 2023–). Områden som gäller 2022: 01 Centrum, '
                          '02 Öster; dessutom kommunen'),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_table_stops_the_build_and_nothing_is_written(official_project, case):
    build(official_project, demo=False, progress=lambda s: None)  # a previous good build
    before = processed_files(official_project)
    assert "official_indices.parquet" in before
    row, expected = BAD_CASES[case]
    path = _write_official(official_project, [GOOD[0], row])
    raw_before = path.read_bytes()
    with pytest.raises(DataError) as err:
        build(official_project, demo=False, progress=lambda s: None)
    msg = str(err.value)
    assert "inget har skrivits" in msg and f"polisens_index.csv, rad 3, {expected}" in msg
    assert processed_files(official_project) == before
    assert path.read_bytes() == raw_before


def test_quarantine_sets_bad_rows_aside(official_project):
    _write_official(official_project, [GOOD[0], BAD_CASES["okänd indikator"][0]])
    manifest = build(official_project, demo=False, quarantine=True, progress=lambda s: None)
    out = official_project / "data" / "processed"
    rejected = pd.read_parquet(out / "avvisade_polisens_index.parquet")
    assert rejected["rad"].tolist() == [3] and rejected["orsak"].tolist() == [UNKNOWN_INDICATOR]
    assert len(pd.read_parquet(out / "official_indices.parquet")) == 1
    acc = manifest["radredovisning"]["polisens_index/polisens_index.csv"]
    assert (acc["lasta"], acc["godkanda"], acc["avvisade"]) == (2, 1, 1)


def test_without_tables_the_outputs_are_empty_with_their_columns(official_project):
    build(official_project, demo=False, progress=lambda s: None)
    out = official_project / "data" / "processed"
    t = pd.read_parquet(out / "official_indices.parquet")
    side = pd.read_parquet(out / "official_vs_survey.parquet")
    assert t.empty and list(t.columns) == OFFICIAL_COLUMNS
    assert side.empty and list(side.columns) == SIDE_BY_SIDE_COLUMNS


def test_cp1252_csv_and_excel_give_the_same_table(official_project):
    folder = official_project / "data" / "raw" / "polisens_index"
    csv_path = _write_official(official_project, GOOD, name="a.csv", encoding="cp1252")
    frame = pd.DataFrame([r[:] for r in GOOD], columns=HEADER)
    frame["ar"] = frame["ar"].astype(int)
    frame["varde"] = [3.1, 1.2, 1.88, 1.97]  # numbers in Excel cells
    frame["publicerad"] = [dt.datetime.fromisoformat(d) for d in frame["publicerad"]]
    xlsx_path = folder / "b.xlsx"
    xlsx_path.write_bytes(xlsx_bytes(frame))
    reg = official_project / "data" / "raw" / "omraden" / "omradesindelning.csv"
    from_csv = read_official(csv_path, register=reg)
    from_xlsx = read_official(xlsx_path, register=reg)
    cols = ["year", "area", "indicator", "value", "published", "source", "vintage", "restated"]
    pd.testing.assert_frame_equal(from_csv[cols], from_xlsx[cols])
    assert from_csv["area_name"].tolist() == ["Lokalpolisområdet"] * 2 + ["Centrum", "Öster"]


def test_side_by_side_of_an_empty_official_table_keeps_its_columns():
    _, est = _side_inputs()
    side = official_vs_survey(empty_official(), est)
    assert side.empty and list(side.columns) == SIDE_BY_SIDE_COLUMNS


# --- plausibility limits and the delivery folder (issue 8) ----------------------------------


def test_year_and_publication_window_are_parameters():
    rows = [_row(year="2021", published="2022-12-02"), _row(year="2022", published="2031-01-01")]
    frame, found = parse_official(_raw(rows), _register(), earliest_year=2022, latest_year=2030)
    texts = [p.format() for _, p in found]
    assert texts[0].startswith('polisens_index.csv, rad 2, kolumn "ar": "2021" – mätåret ligger '
                               "utanför åren 2022–2030.")
    assert texts[1].startswith('polisens_index.csv, rad 3, kolumn "publicerad": "2031-01-01" – '
                               "publiceringsdatumet ligger utanför åren 2022–2030.")
    assert [p.reason for _, p in found] == [P.BAD_YEAR, P.IMPLAUSIBLE_DATE]
    assert frame["year"].tolist() == [-1, 2022] and frame["published"].isna().tolist() == [False, True]


def test_the_official_folder_names_what_is_not_read_and_refuses_links(tmp_path):
    from analysis.official import official_folder

    folder = tmp_path / "polisens_index"
    folder.mkdir()
    (folder / "index.csv").write_text("x", encoding="utf-8")
    (folder / "rapport.pdf").write_bytes(b"%PDF")
    listing = official_folder(folder)
    assert [p.name for p in listing.files] == ["index.csv"]
    assert [p.name for p in listing.ignored] == ["rapport.pdf"]
    (folder / "index_2023.csv").symlink_to(folder / "index.csv")
    with pytest.raises(DataError, match=r"index_2023\.csv: är en länk"):
        official_folder(folder)


# --- reference levels: polisområde and region ------------------------------------------


def test_po_and_region_rows_keep_their_vintages():
    t = _load([_row(area="Polisområdet", ind="Totalindex", value="2,10"),
               _row(area="Polisområdet", ind="Totalindex", value="2,15", source=SOURCE22,
                    published="2022-12-01"),
               _row(area="Polisregion Syd", ind="Totalindex", value="1,95")]).table
    po = t[t["area"] == PO_AREA].sort_values("vintage")
    assert po["value"].tolist() == [2.10, 2.15] and po["restated"].all()
    assert po["area_version"].isna().all()
    assert select_vintage(t, "first").set_index("area")["value"].to_dict() == {
        PO_AREA: 2.10, REGION_AREA: 1.95}
    change = compare_official(_load([
        _row(area="region", ind="Totalindex", value="1,95"),
        _row(year="2022", area="region", ind="Totalindex", value="2,30", source=SOURCE22,
             published="2022-12-01")]).table, "Totalindex", "region", 2021, 2022)
    assert (change.comparable, change.verdict) == (True, "ökning")


def test_unknown_area_hint_names_the_reference_levels():
    p = _only_problem([_row(area="Okänt område")])
    assert "po (polisområdet)" in p.hint and "region (polisregionen)" in p.hint


def test_reference_levels_on_a_tiny_frame():
    official = _load([_row(area="kommunen", value="1,85"), _row(area="LPO Eslöv", value="1,80"),
                      _row(area="polisområde", value="1,7"),
                      _row(area="polisregion Syd", value="1,64"),
                      _row(year="2022", area="region", value="5,00", source=SOURCE22,
                           published="2022-12-01")]).table
    item = next(i for i in load_police_indicators() if i.code == "nedskrapning")
    estimates = pd.DataFrame({
        "year": [2021, 2021], "area": [TOTAL_AREA, "01"],
        "indicator": [item.survey_indicator] * 2, "item": [item.item] * 2,
        "estimate": [0.4567, 0.9], "ci_low": [0.41, 0.8], "ci_high": [0.503, 0.95],
        "n": [400, 50], "suppressed": [False, False]})
    got = reference_levels(official, estimates, 2021, "Nedskräpning")
    assert list(got.columns) == REFERENCE_COLUMNS == ["Nivå", "Polisens index",
                                                      "Egen skattning", "95 % KI"]
    assert got.values.tolist() == [
        ["Kommunen", "1,85", "46\u00a0%", "41–50\u00a0%"],
        ["Lokalpolisområdet", "1,80", "–", "–"],
        ["Polisområdet", "1,70", "–", "–"],
        ["Regionen", "1,64", "–", "–"]]
    # a suppressed estimate stays hidden; a missing level is left out
    hidden = estimates.assign(suppressed=[True, False])
    got = reference_levels(official[official["area"] != LPO_AREA], hidden, 2021, "nedskrapning")
    assert got["Nivå"].tolist() == ["Kommunen", "Polisområdet", "Regionen"]
    assert got.iloc[0, 2:].tolist() == ["visas inte (röjandekontroll)", "–"]
    assert reference_levels(official, None, 2020, "nedskrapning").empty
    assert "olika skalor" in REFERENCE_CAVEAT and "tal för tal" in REFERENCE_CAVEAT


def test_demo_lagesbild_shows_the_reference_levels(demo_built):
    page = (demo_built.root / "reports" / "lagesbild.html").read_text(encoding="utf-8")
    section = page[page.index('id="polisindex"'):]
    section = section[:section.index("</section>")]
    assert "för kommunen och jämförelseområdena" in section
    assert "<td>Polisområdet</td>" in section and "<td>Regionen</td>" in section
    assert html.escape(REFERENCE_CAVEAT) in section
