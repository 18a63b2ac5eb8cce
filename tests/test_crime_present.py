"""What people read about reported crime: small counts as counts, Swedish tables, sentences,
figures with a source line, the CSV frame and the sources row."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.figure import Figure

from analysis.crime import (
    crime_changes,
    crime_comparisons,
    crime_config,
    crime_rates,
    crime_trends,
    load_crime,
    load_population,
    read_crime_files,
)
from analysis.crime import present as P
from analysis.exports import crime_files, excel_csv
from analysis.paths import CRIME_DIR, DEFAULT_ROOT
from analysis.settings import Settings


@pytest.fixture(scope="module")
def tables():
    folder = DEFAULT_ROOT / "data" / "raw" / "demo" / CRIME_DIR
    files = read_crime_files(sorted(folder.glob("*.csv")))
    pop = load_population(files.population).table
    crime = load_crime(files.crime).table
    cfg = crime_config(Settings(kommunkod="1285"))
    rates = crime_rates(crime, pop, cfg)
    return {"crime_rates": rates, "crime_comparisons": crime_comparisons(rates, cfg),
            "crime_trends": crime_trends(rates, cfg), "crime_changes": crime_changes(rates, cfg),
            "config": cfg}


def test_small_counts_are_drawn_as_counts_and_rates_otherwise(tables):
    rates, cfg = tables["crime_rates"], tables["config"]
    small = P.trend_figure(rates, "personran_0_17", config=cfg)
    big = P.trend_figure(rates, "samtliga", config=cfg, trends=tables["crime_trends"])
    assert isinstance(small, Figure) and isinstance(big, Figure)
    assert small.axes[0].get_ylabel() == "Antal anmälda brott"
    assert big.axes[0].get_ylabel() == "Per 100\u202f000 invånare"
    notes = " ".join(t.get_text() for t in small.texts)
    assert "visar antal anmälda brott" in notes and "Källa: Brås statistik" in notes
    assert [line.get_gid() for line in big.axes[0].lines].count("reference") == 2
    assert "trend" in [line.get_gid() for line in big.axes[0].lines]
    labels = [t.get_text() for t in big.axes[0].get_xticklabels()]
    assert labels[-1] == "2024*" and labels[0] == "2015"


def test_overview_table_never_shows_a_bare_rate(tables):
    t = P.overview_table(tables["crime_rates"], tables["crime_comparisons"], 2024,
                         config=tables["config"], categories=("samtliga", "personran_0_17"))
    rate_col = "Per 100\u202f000 invånare (95 % KI)"
    assert t["Brottskategori"].tolist() == ["Samtliga brott", "Personrån mot barn 0–17 år"]
    assert t.loc[1, rate_col] == "litet antal: se antalet"
    assert "(" in t.loc[1, "Antal 2024 (95 % KI)"]  # the count with its interval
    assert t.loc[0, rate_col].count("–") == 1 and "(" in t.loc[0, rate_col]
    assert "Skåne län, per 100\u202f000 invånare" in t.columns


def test_yearly_trend_and_change_tables(tables):
    cfg = tables["config"]
    y = P.yearly_table(tables["crime_rates"], "ungdomsvald", config=cfg)
    assert y["År"].tolist()[-1] == "2024*" and len(y) == 10
    tr = P.trend_table(tables["crime_trends"], config=cfg, categories=("samtliga",))
    assert tr.columns.tolist() == ["Brottskategori", "År", "Anmälda brott totalt",
                                   "Förändring per år (95 % KI)", "p-värde", "Dispersion"]
    ch = P.changes_table(tables["crime_changes"], 2024, config=cfg, categories=("samtliga",))
    assert ch.columns[1:3].tolist() == ["Antal 2023", "Antal 2024"]
    assert ch["Säkerställd"].iloc[0] in {"ja", "nej"}


def test_findings_and_limits_are_plain_swedish(tables):
    f = P.findings(tables["crime_rates"], tables["crime_comparisons"], tables["crime_trends"],
                   2024, config=tables["config"])
    assert f[0].startswith("2024 (preliminär statistik) anmäldes ")
    assert "Skåne län" in f[0] and "kvot" in f[0]
    assert f[1].startswith("Ungdomsvåld") and "7–17 år" in f[1]
    text = " ".join(P.limits())
    for topic in ("anmäla", "där de begicks", "Registreringen ändras", "Preliminär statistik"):
        assert topic in text


def test_section_without_crime_data_is_none_and_sources_row_says_not_used():
    assert P.crime_section({}, 2024) is None
    row = P.sources_row(None)
    assert row["Används"] == "nej" and "anmalda_brott/" in row["Vad och varför"]


def test_csv_frame_and_files(tables):
    frame = P.crime_for_sharing(tables["crime_rates"], tables["crime_comparisons"])
    assert len(frame) == len(tables["crime_rates"])
    assert list(frame.columns) == list(P.CSV_DESCRIPTIONS)
    small = frame[frame["Litet antal"] == "ja"]
    assert (small["Per 100 000 invånare"] == "").all() and (small["KI nedre"] == "").all()
    own = frame[(frame["Regionkod"] == "1285") & (frame["Kategorikod"] == "samtliga")
                & (frame["År"] == "2024")].iloc[0]
    assert own["Preliminär"] == "ja" and own["Kvot mot länet"] != ""
    assert set(frame.loc[frame["Region"] == "Riket", "Regionkod"]) == {'="00"'}
    data = excel_csv(frame, P.CSV_CODE_COLUMNS)
    assert b';="00";' in data
    files = crime_files(tables["crime_rates"], tables["crime_comparisons"], settings=Settings(),
                        demo=False)
    assert {"csv/anmalda_brott.csv", "csv/anmalda_brott_dataordlista.txt"} <= set(files)
    text = files["csv/anmalda_brott_dataordlista.txt"].decode("utf-8-sig")
    assert "Brås statistikdatabas" in text and "under 20 brott" in text


def test_inputs_are_not_changed(tables):
    before = tables["crime_rates"].copy()
    P.crime_section(tables, 2024, settings=Settings(kommunkod="1285"))
    P.crime_for_sharing(tables["crime_rates"], tables["crime_comparisons"])
    pd.testing.assert_frame_equal(tables["crime_rates"], before)
