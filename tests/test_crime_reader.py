"""Reading Brå's reported-crime exports and SCB's population: layouts, markers, problems."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.crime import (
    RegionResolver,
    crime_config,
    crime_rates,
    known_regions,
    load_crime,
    load_population,
    match_category,
    parse_age,
    parse_period,
    read_crime_files,
)
from analysis.files import read_table
from analysis.problems import DataError

TITLE = ["Anmälda brott: antal efter region och brottskategori per år",
         "Hämtad ur Brås statistikdatabas"]


def write_csv(path: Path, rows: list[list[str]], titles: list[str] = TITLE, sep: str = ";",
              encoding: str = "utf-8-sig") -> Path:
    """Title rows (one cell each) above the table, like a statistics database's export."""
    width = max(len(r) for r in rows)
    lines = [*titles, ""] + [sep.join(r + [""] * (width - len(r))) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list], titles: list[str] = TITLE) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for t in titles:
        ws.append([t])
    ws.append([])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


WIDE = [["Region", "Brottskategori", "2022", "2023", "2024*"],
        ["Eslöv", "Samtliga brott", "4 368", "4199", "4310"],
        ["", "Misshandel inkl. grov", "280", "261", "233"],
        ["", "Klotter", "..", "84", "-"],
        ["Skåne län", "Samtliga brott", "198227", "198594", "197183"],
        ["Riket", "Samtliga brott", "1450000", "1440000", "1430000"],
        ["* Preliminär statistik."],
        [".. = uppgift saknas."]]


def load(paths: list[Path], **kw):
    files = read_crime_files(paths)
    pop = load_population(files.population)
    return load_crime(files.crime, RegionResolver(known_regions(pop.table)), **kw), pop, files


# --- the wide layout ----------------------------------------------------------------------


def test_wide_layout_with_title_rows_fill_down_markers_and_footnotes(tmp_path):
    path = write_csv(tmp_path / "bra.csv", WIDE)
    delivery, _, _ = load([path])
    assert delivery.problems == []
    t = delivery.table
    assert len(t) == 5 * 3
    e = t[(t["region"] == "1285")].set_index(["category", "year"])
    assert e.loc[("samtliga", 2022), "count"] == 4368  # thousands separator
    assert e.loc[("misshandel", 2024), "preliminary"] and e.loc[("misshandel", 2024), "status"] \
        == "preliminär"
    assert e.loc[("misshandel", 2023), "status"] == "slutlig"
    klotter = e.loc[("klotter", 2022)]
    assert pd.isna(klotter["count"]) and klotter["missing"] and klotter["value_published"] == ".."
    assert e.loc[("klotter", 2024), "count"] == 0  # "-" is zero
    assert e.loc[("misshandel", 2023), "source_row"] == 6  # Excel row, title rows counted
    assert e.loc[("misshandel", 2023), "source_column"] == "2023"
    assert set(t["region_level"]) == {"kommun", "lan", "riket"}
    acc = delivery.accounting["bra.csv"]
    assert (acc["lasta"], acc["godkanda"], acc["avvisade"], acc["fotnoter"]) == (5, 5, 0, 2)


def test_excel_export_with_title_rows(tmp_path):
    rows = [["Region", "Brottskategori", 2023, "2024 prel."],
            ["1285 Eslöv", "Misshandel inkl. grov, mot barn 15-17 år", 23, 9],
            ["12 Skåne län", "MISSHANDEL INKL GROV MOT BARN 15-17 ÅR", 700, "..."]]
    delivery, _, _ = load([write_xlsx(tmp_path / "bra.xlsx", rows)])
    assert delivery.problems == []
    t = delivery.table.set_index(["region", "year"])
    assert t.loc[("1285", 2024), "count"] == 9 and t.loc[("1285", 2024), "preliminary"]
    assert set(delivery.table["category"]) == {"misshandel_15_17"}
    assert delivery.table["victim_age_from"].iloc[0] == 15
    assert t.loc[("12", 2023), "source_row"] == 6


def test_total_rows_are_not_regions(tmp_path):
    rows = [["Region", "Brottskategori", "2023"], ["Eslöv", "Rån inkl. grovt", "34"],
            ["Höör", "Rån inkl. grovt", "10"], ["Totalt", "Rån inkl. grovt", "44"]]
    delivery, _, _ = load([write_csv(tmp_path / "b.csv", rows)])
    assert set(delivery.table["region"]) == {"1285", "1267"}
    assert delivery.accounting["b.csv"]["summarader"] == 1


# --- the long layout ----------------------------------------------------------------------


def test_long_layout_with_status_and_months(tmp_path):
    rows = [["Region", "Brottskategori", "År", "Månad", "Antal", "Status"]]
    rows += [["Eslöv", "Bostadsinbrott", "2024", str(m), str(3 + m % 2), "Preliminär"]
             for m in range(1, 13)]
    rows += [["Eslöv", "Bostadsinbrott", "2023", "", "38", "Slutlig"]]
    delivery, _, _ = load([write_csv(tmp_path / "long.csv", rows)])
    assert delivery.problems == []
    t = delivery.table
    assert t["month"].notna().sum() == 12 and t.loc[t["month"].notna(), "preliminary"].all()
    from analysis.crime import yearly_counts
    y = yearly_counts(t).set_index("year")
    assert y.loc[2024, "count"] == sum(3 + m % 2 for m in range(1, 13))
    assert y.loc[2024, "from_months"] and not y.loc[2023, "from_months"]


def test_long_layout_with_a_period_column(tmp_path):
    rows = [["Region", "Brottskategori", "Period", "Antal"],
            ["Eslöv", "Cykelstöld", "2024M03", "12"], ["Eslöv", "Cykelstöld", "2023", "116"]]
    delivery, _, _ = load([write_csv(tmp_path / "p.csv", rows)])
    t = delivery.table.set_index("year")
    assert t.loc[2024, "month"] == 3 and pd.isna(t.loc[2023, "month"])


# --- vintages -----------------------------------------------------------------------------


def test_a_preliminary_year_restated_as_final_keeps_both(tmp_path):
    old = write_csv(tmp_path / "a_old.csv", [["Region", "Brottskategori", "2022", "2023*"],
                                             ["Eslöv", "Samtliga brott", "4368", "4158"]])
    new = write_csv(tmp_path / "b_new.csv", [["Region", "Brottskategori", "2022", "2023"],
                                             ["Eslöv", "Samtliga brott", "4368", "4199"]])
    delivery, _, _ = load([old, new])
    assert delivery.problems == []
    t = delivery.table
    y23 = t[t["year"] == 2023].set_index("status")
    assert list(y23.index) == ["preliminär", "slutlig"]  # as published
    assert y23.loc["preliminär", "count"] == 4158 and y23.loc["slutlig", "count"] == 4199
    assert y23["restated"].all() and (y23["n_vintages"] == 2).all()
    assert y23.loc["slutlig", "is_latest"] and not y23.loc["preliminär", "is_latest"]
    # 2022 is in both files with the same value: kept once
    assert (t["year"] == 2022).sum() == 1
    rates = crime_rates(t, None, crime_config(None))
    assert rates.loc[rates["year"] == 2023, "count"].tolist() == [4199]


def test_two_different_final_values_are_a_conflict(tmp_path):
    a = write_csv(tmp_path / "a.csv", [["Region", "Brottskategori", "2023"],
                                       ["Eslöv", "Samtliga brott", "4199"]])
    b = write_csv(tmp_path / "b.csv", [["Region", "Brottskategori", "2023"],
                                       ["Eslöv", "Samtliga brott", "4200"]])
    delivery, _, _ = load([a, b])
    assert {p.reason for p in delivery.problems} == {"motstridiga_varden"}
    assert "b.csv rad 5" in delivery.problems[0].message
    assert delivery.table.empty and len(delivery.rejected) == 2


# --- problems -----------------------------------------------------------------------------


def test_unknown_category_has_suggestions_and_names_file_row_column(tmp_path):
    rows = [["Region", "Brottskategori", "2023"], ["Eslöv", "Mishandel ink grov", "261"],
            ["Eslöv", "Rån inkl. grovt", "34"]]
    delivery, _, _ = load([write_csv(tmp_path / "b.csv", rows)])
    [p] = delivery.problems
    assert (p.file, p.row, p.column, p.value, p.reason) == (
        "b.csv", 5, "Brottskategori", "Mishandel ink grov", "okand_brottskategori")
    assert 'Menade du: "Misshandel inkl. grov"' in p.hint
    assert "crime_categories.yaml" in p.hint
    assert delivery.accounting["b.csv"] == {"lasta": 2, "godkanda": 1, "avvisade": 1,
                                            "orsaker": {"okand_brottskategori": 1},
                                            "summarader": 0, "fotnoter": 0}
    assert delivery.rejected["rad"].tolist() == [5]


@pytest.mark.parametrize("cell, reason", [("12,5", "ogiltigt_tal"), ("-3", "ogiltigt_tal"),
                                          ("abc", "ogiltigt_tal")])
def test_bad_counts(tmp_path, cell, reason):
    rows = [["Region", "Brottskategori", "2023"], ["Eslöv", "Klotter", cell]]
    delivery, _, _ = load([write_csv(tmp_path / "b.csv", rows)])
    assert [(p.reason, p.column, p.value) for p in delivery.problems] == [(reason, "2023", cell)]


def test_unknown_region_and_missing_columns(tmp_path):
    rows = [["Region", "Brottskategori", "2023"], ["Eslövv", "Klotter", "5"],
            ["Göteborg", "Klotter", "900"]]
    delivery, _, _ = load([write_csv(tmp_path / "b.csv", rows)])
    [p] = delivery.problems
    assert p.reason == "okand_region" and 'Menade du: "Eslöv"' in p.hint and "1234 Exempelby" in p.hint
    assert delivery.table["region"].tolist() == ["1480"]  # any of the 290 kommuner by name
    # a region named in the population file with its code is known by that name
    pop = write_csv(tmp_path / "pop.csv", [["region", "ålder", "2023"],
                                           ["9999 Gotham", "totalt ålder", "600000"]])
    gotham = write_csv(tmp_path / "g.csv", [["Region", "Brottskategori", "2023"],
                                            ["Gotham", "Klotter", "5"]])
    delivery, _, _ = load([gotham, pop])
    assert delivery.problems == [] and delivery.table["region"].tolist() == ["9999"]
    with pytest.raises(DataError, match="saknar årskolumner") as err:
        load([write_csv(tmp_path / "c.csv", [["Region", "Brottskategori", "Kommentar"],
                                             ["Eslöv", "Klotter", "5"]])])
    assert err.value.problems[0].row == 4 and "docs/anmalda_brott.md" in err.value.problems[0].hint


def test_a_table_that_is_neither_is_a_problem(tmp_path):
    files = read_crime_files([write_csv(tmp_path / "x.csv", [["a", "b"], ["1", "2"]])])
    [p] = files.problems
    assert p.reason == "okand_tabell" and p.file == "x.csv"


def test_a_sub_category_larger_than_its_parent_is_a_notice(tmp_path):
    rows = [["Region", "Brottskategori", "2023"], ["Eslöv", "Skadegörelsebrott", "40"],
            ["Eslöv", "Klotter", "84"]]
    delivery, _, _ = load([write_csv(tmp_path / "b.csv", rows)])
    assert delivery.problems == [] and len(delivery.notices) == 1
    assert "Klotter (84) är fler än överkategorin" in delivery.notices[0].message


# --- SCB's population ---------------------------------------------------------------------


def test_population_wide_cp1252_comma_ages_and_sexes(tmp_path):
    rows = [['"region"', '"ålder"', '"kön"', '"2023"', '"2024"'],
            ['"1285 Eslöv"', '"totalt ålder"', '"män"', '"17600"', '"17800"'],
            ['"1285 Eslöv"', '"totalt ålder"', '"kvinnor"', '"17400"', '"17500"'],
            ['"1285 Eslöv"', '"15 år"', '"män"', '"210"', '"215"'],
            ['"1285 Eslöv"', '"15 år"', '"kvinnor"', '"200"', '"190"']]
    path = write_csv(tmp_path / "folkmangd.csv", rows, titles=['"Folkmängd efter region, ålder och kön"'],
                     sep=",", encoding="cp1252")
    table = read_table(path)
    assert table.encoding == "cp1252"
    pop = load_population([table])
    assert pop.problems == []
    total = pop.table[pop.table["age_from"].isna() & (pop.table["year"] == 2024)]
    assert total["population"].tolist() == [35300]
    fifteen = pop.table[(pop.table["age_from"] == 15) & (pop.table["year"] == 2023)]
    assert fifteen["population"].tolist() == [410]


def test_population_problems(tmp_path):
    rows = [["region", "ålder", "2023"], ["1285 Eslöv", "gammal", "5"],
            ["1285 Eslöv", "totalt ålder", "35 000"], ["Atlantis", "totalt ålder", "5"]]
    pop = load_population([read_table(write_csv(tmp_path / "f.csv", rows))])
    assert sorted(p.reason for p in pop.problems) == ["okand_alder", "okand_region"]
    assert pop.table["population"].tolist() == [35000]


# --- cells --------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("2024", (2024, None, None)), ("2024*", (2024, None, True)), ("2024 prel.", (2024, None, True)),
    ("2024 (preliminär)", (2024, None, True)), ("2023 slutlig", (2023, None, False)),
    ("2024M03", (2024, 3, None)), ("2024-11", (2024, 11, None)), ("mars 2024", (2024, 3, None)),
    ("Region", None), ("2024M13", None),
])
def test_periods(text, expected):
    p = parse_period(text)
    assert (None if p is None else (p.year, p.month, p.preliminary)) == expected


@pytest.mark.parametrize("text, expected", [("totalt ålder", (None, None)), ("7 år", (7, 7)),
                                            ("15-17 år", (15, 17)), ("100+ år", (100, None)),
                                            ("65 år och äldre", (65, None)), ("äldst", None)])
def test_ages(text, expected):
    assert parse_age(text) == expected


def test_category_labels_match_loosely():
    assert match_category("  MISSHANDEL, INKL. GROV ") == "misshandel"
    assert match_category("Personrån mot person under 18 år") == "personran_0_17"
    assert match_category("Inbrottsstöld i bostad") == "bostadsinbrott"
    assert match_category("Stöldbrott av okänd typ") is None


def test_the_demo_delivery_is_read_without_problems():
    from analysis.paths import CRIME_DIR, DEFAULT_ROOT

    folder = DEFAULT_ROOT / "data" / "raw" / "demo" / CRIME_DIR
    delivery, pop, files = load(sorted(folder.glob("*.csv")))
    assert len(files.crime) == 2 and len(files.population) == 1
    assert delivery.problems == [] and pop.problems == []
    rates = crime_rates(delivery.table, pop.table, crime_config(None))
    youth = rates[(rates["region"] == "1285") & (rates["category"] == "ungdomsvald")]
    assert youth["population_ages"].unique().tolist() == ["7–17 år"]
    assert youth["year"].tolist() == list(range(2015, 2025))
