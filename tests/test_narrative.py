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
                              "(−28 procentenheter, statistiskt säkerställd, justerat p-värde < 0,001), "
                              "2023–2024."]
    assert "Benjamini" not in s["text"] + "".join(s["sentences"])
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



# --- the lägesbild: findings, key sentences, response rates ----------------------------------------


def _finding_rows():
    cols = ["year_from", "year_to", "area", "area_name", "indicator", "item", "estimate_from",
            "estimate_to", "delta", "p_bh", "significant", "comparable", "suppressed"]
    return pd.DataFrame([
        [2023, 2024, "03", "Berga", "andel_stort_problem", "ungdomsgang", 0.52, 0.24, -0.28, 0.0002, True, True, False],
        [2023, 2024, "03", "Berga", "poang", "ungdomsgang", 1.49, 0.93, -0.56, 0.0001, True, True, False],
        [2023, 2024, "03", "Berga", "problemindex", "utomhusstorningar", 1.31, 0.97, -0.34, 0.003, True, True, False],
        [2023, 2024, "kommunen", "Hela kommunen", "problemindex", "alla", 1.0, 1.1, 0.1, 0.01, True, True, False],
        [2023, 2024, "kommunen", "Hela kommunen", "andel_stort_problem", "klotter", 0.3, 0.32, 0.02, 0.6, False, True, False],
        [2023, 2024, "04", "Rönneberga", "andel_stort_problem", "klotter", 0.3, 0.36, 0.06, 0.4, False, True, False],
        [2022, 2024, "03", "Berga", "andel_stort_problem", "klotter", 0.1, 0.5, 0.4, 0.0001, True, True, False],
    ], columns=cols)


def test_share_score_and_index_of_one_question_are_one_finding():
    changes = _finding_rows()
    before = changes.copy()
    findings = nv.change_findings(changes, 2024)
    pd.testing.assert_frame_equal(changes, before)
    assert findings[["area", "indicator", "item"]].values.tolist() == [
        ["03", "andel_stort_problem", "ungdomsgang"],
        ["kommunen", "problemindex", "alla"]]  # the 2022 comparison is not the previous one
    assert findings["also"].iloc[0] == ["medelpoängen", "problemindex för utomhusstörningar"]
    assert nv.finding_sentence(findings.iloc[0]) == (
        "Berga: ungdomsgäng som stör ordningen minskade från 52\u00a0% till 24\u00a0% "
        "(−28 procentenheter); även medelpoängen och problemindex för utomhusstörningar "
        "minskade.")
    table = nv.findings_table(findings)
    assert table["Förändring"].tolist() == ["minskning med 28 procentenheter",
                                            "ökning med 0,10 poäng"]
    assert table["Fråga"].tolist() == ["Ungdomsgäng som stör ordningen",
                                       "Alla problemfrågor, problemindex"]


def test_an_index_with_several_changed_questions_is_its_own_finding():
    changes = _finding_rows()
    extra = changes.iloc[[0]].assign(item="brak_slagsmal", delta=-0.2, estimate_to=0.32)
    findings = nv.change_findings(pd.concat([changes, extra], ignore_index=True), 2024)
    berga = findings[findings["area"] == "03"]
    assert berga["indicator"].tolist() == ["andel_stort_problem", "andel_stort_problem",
                                           "problemindex"]


def test_key_findings_are_honest_about_what_cannot_be_told_apart(estimates):
    changes = _finding_rows()
    sentences = nv.key_findings(estimates, changes, 2024)
    text = " ".join(sentences)
    assert "2 förändringar sedan 2023 håller" in text
    assert "går inte att skilja från slump" in text
    assert "Benjamini" not in text
    one_year = nv.key_findings(estimates, None, 2024)
    assert one_year[-1] == ("Det finns ingen tidigare mätning att jämföra 2024 med, så ingen "
                            "förändring kan bedömas ännu.")


def test_key_findings_say_when_the_two_largest_overlap():
    rows = _est([
        [2024, "kommunen", "Hela kommunen", "andel_stort_problem", "klotter", 0.40, 0.35, 0.45, 900, False, False],
        [2024, "kommunen", "Hela kommunen", "andel_stort_problem", "fortkorning", 0.42, 0.37, 0.47, 900, False, False],
        [2024, "01", "Centrum", "andel_otrygga", "otrygg_kvall", 0.50, 0.40, 0.60, 100, False, False],
        [2024, "02", "Öster", "andel_otrygga", "otrygg_kvall", 0.20, 0.15, 0.25, 100, False, False],
    ])
    first, second = nv.key_findings(rows, None, 2024)[:2]
    assert first.startswith("Störst problem i hela kommunen 2024: bilar som kör för fort – 42\u00a0%")
    assert first.endswith("De två största går inte att skilja åt.")
    assert second.startswith("Flest känner sig otrygga ute sent på kvällen i Centrum (50\u00a0%")
    assert second.endswith("Näst högst är Öster (20\u00a0%) – skillnaden är tydlig.")


def test_response_rates_from_the_invited_count():
    responses = pd.DataFrame({"year": [2024] * 5 + [2023], "area": ["01", "01", "01", "02", "02", "01"]})
    register = pd.DataFrame({"area": ["01", "02", "02"], "area_name": ["Centrum", "Öster", "Öster"],
                             "valid_from": pd.array([2020, 2020, 2024], dtype="Int64"),
                             "valid_to": pd.array([pd.NA, 2023, pd.NA], dtype="Int64"),
                             "version": ["01@2020", "02@2020", "02@2024"],
                             "invited": pd.array([6, 300, 4], dtype="Int64")})
    rates = nv.response_rates(responses, register, 2024)
    assert rates["answered"].tolist() == [3, 2, 5]
    assert rates["invited"].tolist() == [6, 4, 10]  # the version valid in 2024
    assert rates["rate"].tolist() == pytest.approx([0.5, 0.5, 0.5])
    table = nv.response_rate_table(nv.response_rates(responses, register.drop(columns="invited"), 2024))
    assert table.values.tolist() == [["Centrum", "okänt", "3", "okänt"],
                                     ["Öster", "okänt", "2", "okänt"],
                                     ["Hela kommunen", "okänt", "5", "okänt"]]


def test_tables_show_no_codes_floats_or_missing_markers():
    wf = pd.DataFrame({"dimension": ["ansvarig"] * 3,
                       "responsible": pd.array(["kommunen", "ej_angiven", "polisen"], dtype="string"),
                       "counted": [10, 4, 0], "fixed": [5, 1, 0], "share_fixed": [0.5, 0.25, float("nan")],
                       "share_fixed_within_target": [0.5, float("nan"), float("nan")],
                       "open": [3, 2, 0], "oldest_open_days": [2093.0, float("nan"), float("nan")],
                       "repeated": [1, 0, 0]})
    table = nv.walk_table(wf, "ansvarig", labels={"kommunen": "Eslövs kommun"})
    assert table.values.tolist() == [
        ["Eslövs kommun", "10", "5", "50\u00a0%", "50\u00a0%", "3", "2\u202f093", "1"],
        ["Ej angiven", "4", "1", "25\u00a0%", "–", "2", "–", "0"]]  # no empty row, no codes
    ovs = pd.DataFrame({"year": [2024, 2024], "indicator": ["x", "x"], "area": ["01", "kommunen"],
                        "area_name": ["Centrum", "Hela kommunen"], "official_value": [1.5, 1.2],
                        "at_action_level": [False, False], "survey_indicator": ["andel_stort_problem"] * 2,
                        "estimate": [0.3, 0.2], "ci_low": [0.2, 0.1], "ci_high": [0.4, 0.3],
                        "suppressed": [False, False], "uncertain": [False, False],
                        "rank_official": [3.0, float("nan")], "rank_survey": [1.0, float("nan")]})
    side = nv.official_side_by_side(ovs, 2024, "x")
    assert side.iloc[:, -2:].values.tolist() == [["3", "1"], ["–", "–"]]


def test_findings_summary_counts_questions_not_measures():
    text = nv.findings_summary(_finding_rows(), 2024)
    assert text.startswith("Från 2023 till 2024 jämfördes 3 frågor och områden. 2 förändringar är "
                           "statistiskt säkerställda")


def test_sources_name_what_was_not_used_and_why():
    frame = nv.sources_overview(years=[2024], respondents=935)
    used = dict(zip(frame["Källa"], frame["Används"], strict=True))
    assert used["Trygghetsmätningen"] == "ja"
    assert used["Anmälda brott (Brås statistik)"] == "nej"
    assert used["Trygghetsvandringar"] == "nej"
    assert all(frame["Begränsningar"].str.len() > 20)


def test_key_findings_write_out_at_most_a_few_changes_the_kommun_first(estimates):
    """A regional delivery can have hundreds of significant changes: the list of the most
    important points names KEY_FINDINGS of them (the kommun's first) and says how many more
    there are and where they stand."""
    base = _finding_rows().iloc[[0]]
    areas = pd.concat([base.assign(area=f"{k:02d}", area_name=f"Område {k}") for k in range(1, 13)]
                      + [_finding_rows().iloc[[3]]], ignore_index=True)
    text = next(s for s in nv.key_findings(estimates, areas, 2024) if "håller" in s)
    assert text.startswith("13 förändringar sedan 2023 håller")
    assert text.index("Hela kommunen: alla problemfrågor") < text.index("Område 1:")
    assert sum(f"Område {k}:" in text for k in range(1, 13)) == nv.KEY_FINDINGS - 1
    assert text.endswith(f"Ytterligare {13 - nv.KEY_FINDINGS} säkerställda förändringar står "
                         "i csv/forandringar.csv (kolumnen Statistiskt säkerställd).")
