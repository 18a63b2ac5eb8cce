"""Swedish sentences and tables for the notebooks, on tiny hand-made frames."""
# ruff: noqa: E501  (one row of a hand-made frame per line reads best)

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import formatting
from analysis import narrative as nv


def _est(rows):
    cols = ["year", "area", "area_name", "indicator", "item", "estimate", "ci_low", "ci_high",
            "n", "suppressed", "uncertain"]
    return pd.DataFrame(rows, columns=cols)


@pytest.fixture
def estimates():
    return _est([
        [2024, "03", "Berga", "andel_stort_problem", "ungdomsgang", 0.52, 0.44, 0.60, 180, False, False],
        [2024, "03", "Berga", "andel_stort_problem", "klotter", 0.30, 0.22, 0.38, 178, False, False],
        [2024, "03", "Berga", "andel_stort_problem", "ran_hot", math.nan, math.nan, math.nan, 20, True, False],
        [2024, "04", "Rönneberga", "andel_stort_problem", "klotter", 0.41, 0.30, 0.52, 60, False, True],
        [2024, "04", "Rönneberga", "andel_stort_problem", "ungdomsgang", 0.40, 0.29, 0.51, 60, False, False],
        [2024, "kommunen", "Hela kommunen", "andel_otrygga", "otrygg_kvall", 0.234, 0.201, 0.268, 900, False, False],
    ])


def test_formatting_is_swedish():
    # the notebooks' sentences use the project's one formatter (analysis.formatting)
    assert nv.sv_number is formatting.sv_number and nv.sv_percent is formatting.sv_percent
    assert nv.format_value(0.523, "andel_stort_problem") == "52\u00a0%"
    assert nv.format_value(1.5, "poang") == "1,50"
    assert nv.format_interval(0.44, 0.6, "andel_stort_problem") == "95 % KI 44–60\u00a0%"
    assert nv.format_interval(1.2, 1.45, "poang") == "95 % KI 1,20–1,45"


def test_largest_problem_sentences(estimates):
    before = estimates.copy()
    assert nv.largest_problem_sentences(estimates, 2024) == [
        "Störst problem i Berga 2024: ungdomsgäng som stör ordningen (52\u00a0%, 95 % KI 44–60\u00a0%).",
        "Störst problem i Rönneberga 2024: klotter (41\u00a0%, 95 % KI 30–52\u00a0%; osäker skattning); "
        "näst störst, ungdomsgäng som stör ordningen (40\u00a0%), går inte att skilja från det – "
        "intervallen överlappar.",
    ]
    pd.testing.assert_frame_equal(estimates, before)


def test_largest_problems_never_shows_suppressed(estimates):
    table = nv.largest_problems(estimates, 2024, "03")
    assert table["Frågetext"].tolist() == ["Ungdomsgäng som stör ordningen", "Klotter"]
    assert table["Andel stort problem"].tolist() == ["52\u00a0%", "30\u00a0%"]
    assert table["95 % KI"].tolist() == ["44–60\u00a0%", "22–38\u00a0%"]


def test_total_sentence(estimates):
    assert nv.total_sentence(estimates, 2024, "andel_otrygga", "otrygg_kvall") == (
        "Andel otrygga ute sent på kvällen, hela kommunen 2024: 23\u00a0%, 95 % KI 20–27\u00a0%.")


def _changes():
    cols = ["year_from", "year_to", "area", "area_name", "indicator", "item", "estimate_from",
            "estimate_to", "delta", "p_bh", "significant", "comparable", "suppressed"]
    return pd.DataFrame([
        [2023, 2024, "03", "Berga", "andel_stort_problem", "ungdomsgang", 0.52, 0.24, -0.28, 0.0004, True, True, False],
        [2023, 2024, "04", "Rönneberga", "andel_stort_problem", "klotter", 0.30, 0.36, 0.06, 0.40, False, True, False],
        [2023, 2024, "01", "Eslövs tätort", "andel_stort_problem", "klotter", 0.30, 0.36, math.nan, math.nan, False, False, False],
        [2023, 2024, "05", "Sallerup", "andel_stort_problem", "klotter", math.nan, 0.36, math.nan, math.nan, False, True, True],
    ], columns=cols)


def test_changes_summary_counts_and_words():
    changes = _changes()
    before = changes.copy()
    s = nv.changes_summary(changes, 2024)
    assert (s["tested"], s["significant"], s["not_significant"], s["not_comparable"],
            s["suppressed"]) == (2, 1, 1, 1, 1)
    assert s["sentences"] == ["Berga: ungdomsgäng som stör ordningen minskade från 52\u00a0% till 24\u00a0% "
                              "(−28 procentenheter, p efter Benjamini–Hochberg < 0,001), 2023–2024."]
    assert "Övriga 1 skillnader kan vara slumpvariation" in s["text"]
    assert "gränserna ändrades för: Eslövs tätort" in s["text"]
    pd.testing.assert_frame_equal(changes, before)


def test_change_sentence_not_significant_is_honest():
    row = _changes().iloc[1]
    assert nv.change_sentence(row, nv.item_labels()) == (
        "Rönneberga: klotter: från 30\u00a0% till 36\u00a0% (+6 procentenheter), 2023–2024 – "
        "inte statistiskt säkerställd, kan vara slumpvariation.")


def test_no_earlier_survey():
    assert nv.changes_summary(_changes(), 2019)["text"] == (
        "Det finns ingen tidigare mätning att jämföra 2019 med.")


def test_walk_summary():
    wf = pd.DataFrame([{"dimension": "alla", "counted": 10, "fixed": 7, "share_fixed": 0.7,
                        "due": 8, "target_days": 183, "fixed_within_target": 6,
                        "share_fixed_within_target": 0.75, "open": 2, "oldest_open_days": 400,
                        "declined": 1, "repeated": 3, "share_repeated": 0.3,
                        "repeated_after_fix": 1, "as_of": pd.Timestamp("2024-12-31")}])
    assert nv.walk_summary(wf) == (
        "Läge per 2024-12-31: av 10 problem från trygghetsvandringarna (dubbletter borträknade) "
        "är 7 åtgärdade (70\u00a0%). Av de 8 problem vars måltid (183 dagar) har gått ut åtgärdades "
        "6 inom måltiden (75\u00a0%). 2 är fortfarande öppna; det äldsta har varit öppet i 400 dagar. "
        "1 har avböjts (ej åtgärdbara eller annans ansvar). 3 problem (30\u00a0%) observerades igen "
        "på samma plats vid en senare vandring, 1 av dem efter att de markerats som åtgärdade.")


def test_problemindex_label_is_the_group():
    labels = nv.item_labels()
    assert nv.label("missbruk", "problemindex", labels) == "Alla frågor om missbruk"
    assert nv.label("missbruk", "andel_stort_problem", labels) == labels["missbruk"]
