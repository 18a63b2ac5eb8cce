"""Citizen promises: registry, activity log, the two verdicts (genomförande and effekt) per
kind, the CI-based survey rule (cases A, B and C of issue 9), several survey indicators
(primary, Holm), the police-index rule, planning, motivation and what people read."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from scipy import special, stats

from analysis import pipeline
from analysis.areas import read_area_register
from analysis.files import read_table
from analysis.problems import DataError
from analysis.promises import (
    MET,
    NOT_MEASURED,
    NOT_MET,
    PARTLY,
    UNKNOWN,
    Evidence,
    SurveyEvidence,
    combine_verdicts,
    evaluate_promises,
    holm,
    indicator_table,
    match_activity,
    official_verdict,
    parse_registry,
    parse_target,
    plan_target,
    promise_motivation,
    promise_overview,
    promise_section,
    read_registry,
    registry_context,
    status_figure,
    survey_verdict,
    validate_activities,
)

HEAD = "ar: {year}\nundertecknat: {year}-03-15\nparter: [Polisen, Kommunen]\nloften:\n"


def yaml_text(body: str, year: int = 2022) -> str:
    return HEAD.format(year=year) + body


def promise(indicators: str, pid: str = "p1", extra: str = "") -> str:
    return (f"  - id: {pid}\n    text: Ett löfte\n{extra}    indikatorer:\n" + indicators)


def registry_of(tmp_path: Path, register_path: Path, text: str, year: int = 2022,
                places: pd.DataFrame | None = None) -> pd.DataFrame:
    path = tmp_path / f"medborgarloften_{year}.yaml"
    path.write_text(text, encoding="utf-8")
    ctx = registry_context(read_area_register(register_path), places)
    return parse_registry(read_registry(path), ctx)


DF = 199  # degrees of freedom of the test estimates (200 answers, one stratum)


def logit_ci(e: float, se: float, df: float = DF) -> tuple[float, float]:
    """The logit interval of ``analysis.estimate`` for a proportion."""
    half = stats.t.ppf(0.975, df) * se / (e * (1 - e))
    return float(special.expit(special.logit(e) - half)), float(special.expit(special.logit(e) + half))


def estimates(rows: list[tuple], indicator: str = "andel_otrygga",
              item: str = "otrygg_kvall") -> pd.DataFrame:
    """(year, area, estimate, se[, suppressed]) rows, with logit CIs as the build makes them."""
    out = []
    for y, a, e, s, *rest in rows:
        sup = bool(rest and rest[0])
        lo, hi = (np.nan, np.nan) if sup or np.isnan(e) else logit_ci(e, s)
        out.append({"year": y, "area": a, "area_name": a, "indicator": indicator, "item": item,
                    "estimate": e, "se": s, "ci_low": lo, "ci_high": hi, "n": DF + 1, "df": DF,
                    "suppressed": sup, "uncertain": False,
                    "flag_reason": "färre än 30 svar" if sup else ""})
    return pd.DataFrame(out)


SURVEY = ("      - typ: enkat\n        indikator: andel_otrygga\n        fraga: otrygg_kvall\n"
          "        omrade: '{area}'\n        riktning: minska\n{target}")


def survey_registry(tmp_path, register, area="02", target="", year=2022):
    return registry_of(tmp_path, register, yaml_text(promise(SURVEY.format(area=area,
                                                                           target=target)),
                                                     year), year)


# --- targets and activity types -----------------------------------------------------------


@pytest.mark.parametrize("text, expected", [(">= 40", (">=", 40.0)), ("minst 2", (">=", 2.0)),
                                            ("<= 45 %", ("<=", 0.45)), (40, (">=", 40.0)),
                                            ("≤ 0,3", ("<=", 0.3)), ("många", None)])
def test_parse_target(text, expected):
    assert parse_target(text) == expected


@pytest.mark.parametrize("text, code", [("Trafikinsats", "trafikinsats"),
                                        ("trafik-insats", "trafikinsats"),
                                        ("Uniformerad närvaro", "uniformerad_narvaro"),
                                        ("UNIFORMERAD_NARVARO", "uniformerad_narvaro"),
                                        ("Örat mot marken", "orat_mot_marken"),
                                        ("trafikkontroll", "trafikinsats"), ("fika", None)])
def test_activity_types_are_matched_tolerantly(text, code):
    assert match_activity(text) == code


# --- the registry -------------------------------------------------------------------------


def test_registry_has_one_row_per_indicator_with_its_fields(tmp_path, register):
    body = promise("      - typ: aktivitet\n        aktivitet: Trafikinsats\n        mal: '>= 40'\n"
                   + SURVEY.format(area="02", target=""),
                   extra="    problem:\n      beskrivning: Fortkörning\n"
                         "      fragor: [fortkorning]\n    omraden: [kommunen]\n")
    reg = registry_of(tmp_path, register, yaml_text(body))
    assert reg["kind"].tolist() == ["aktivitet", "enkat"]
    first, second = reg.iloc[0], reg.iloc[1]
    assert (first["activity_type"], first["target_op"], first["target_value"]) == \
        ("trafikinsats", ">=", 40.0)
    assert first["problem_items"] == "fortkorning" and first["areas"] == "kommunen"
    assert (second["year_from"], second["year_to"], second["area"]) == (2021, 2022, "02")
    assert second["yaml_line"] == 15 and reg["signed"].iloc[0] == "2022-03-15"


@pytest.mark.parametrize("indicators, where, message", [
    ("      - typ: enkaten\n", 'rad 8, kolumn "loften[0].indikatorer[0].typ": "enkaten"',
     "okänd indikatortyp. Giltiga typer: aktivitet, enkat, vandring, milstolpe, polisindex, "
     "anmalda_brott."),
    (SURVEY.format(area="02", target="").replace("otrygg_kvall", "otryg_kvall"),
     'rad 10, kolumn "loften[0].indikatorer[0].fraga": "otryg_kvall"',
     "okänd fråga (item) i trygghetsmätningen. Menade du: otrygg_kvall"),
    (SURVEY.format(area="07", target=""), 'rad 11, kolumn "loften[0].indikatorer[0].omrade": "07"',
     "okänt område 2021. Giltiga områden 2021: 01, 02, kommunen."),
    ("      - typ: aktivitet\n        aktivitet: trafikinsats\n",
     'rad 8, kolumn "loften[0].indikatorer[0].mal"', "målet saknas för indikatortypen aktivitet."),
    ("      - typ: aktivitet\n        aktivitet: trafikinsatts\n        mal: 3\n",
     'rad 9, kolumn "loften[0].indikatorer[0].aktivitet": "trafikinsatts"',
     "okänd aktivitetstyp. Menade du: trafikinsats?"),
    ("      - typ: polisindex\n        indikator: totalindex\n        omrade: kommunen\n"
     "        riktning: minska\n", 'rad 8, kolumn "loften[0].indikatorer[0].minsta_skillnad"',
     "minsta skillnad saknas. Polisens index saknar konfidensintervall"),
])
def test_bad_registry_names_file_line_field_and_hint(tmp_path, register, indicators, where,
                                                     message):
    with pytest.raises(DataError) as err:
        registry_of(tmp_path, register, yaml_text(promise(indicators)))
    text = str(err.value)
    assert f"medborgarloften_2022.yaml, {where}" in text and message in text, text


def test_not_yaml_at_all(tmp_path, register):
    with pytest.raises(DataError, match=r"medborgarloften_2022\.yaml, rad 2: filen är inte giltig"):
        registry_of(tmp_path, register, "ar: 2022\n  loften: [x\n\tfel: {\n")


def test_unknown_place_lists_the_known_places(tmp_path, register):
    places = pd.DataFrame({"place": ["Stora torg", "Stora torg"], "locality": ["Eslöv", "Marieholm"]})
    body = promise("      - typ: aktivitet\n        aktivitet: trafikinsats\n        mal: 1\n",
                   extra="    platser: [{namn: Stora torget, ort: Eslöv}]\n")
    with pytest.raises(DataError, match=r"platser\[0\].*Kända platser: Eslöv: Stora torg, "
                                        r"Marieholm: Stora torg"):
        registry_of(tmp_path, register, yaml_text(body), places=places)


# --- the activity log ---------------------------------------------------------------------


LOG = ("datum;typ;plats;omrade;ansvarig;antal;anteckning\r\n"
       "2022-01-10;Trafikinsats;Väg 113;02;Polisen;;Kontroll\r\n"
       "2022-02-01;trafikkontroll;;;Polisen;3;Hemligt namn\r\n"
       "2023-05-05;Riskzonssamtal;Gasverket;01;Polisen;1;\r\n")


def log_table(tmp_path: Path, text: str, encoding: str = "utf-8"):
    path = tmp_path / "aktivitetslogg.csv"
    path.write_bytes(text.encode(encoding))
    return read_table(path)


def test_activity_log_is_read_with_default_count_and_accounting(tmp_path, register):
    d = validate_activities(log_table(tmp_path, LOG, "cp1252"), read_area_register(register))
    a = d.activities
    assert a["type"].tolist() == ["trafikinsats", "trafikinsats", "riskzonssamtal"]
    assert a["count"].tolist() == [1, 3, 1] and a["year"].tolist() == [2022, 2022, 2023]
    assert a["source_row"].tolist() == [2, 3, 4]
    assert d.accounting == {"lasta": 3, "godkanda": 3, "avvisade": 0, "orsaker": {}}


def test_unknown_type_and_bad_date_are_rejected_with_suggestions(tmp_path, register):
    bad = LOG + "2022-13-01;trafikinsats;;;;;x\r\n2022-03-01;Trafikinsatts;;;;;y\r\n"
    d = validate_activities(log_table(tmp_path, bad), read_area_register(register))
    texts = [p.format() for p in d.problems]
    assert texts[0].startswith('aktivitetslogg.csv, rad 5, kolumn "datum": "2022-13-01" – '
                               "är inte ett datum.")
    assert 'rad 6, kolumn "typ": "Trafikinsatts" – okänd aktivitetstyp. Menade du: trafikinsats?' \
        in texts[1]
    assert d.accounting == {"lasta": 5, "godkanda": 3, "avvisade": 2,
                            "orsaker": {"ogiltigt_datum": 1, "okand_aktivitetstyp": 1}}
    assert "anteckning" not in " ".join(d.rejected.columns) and \
        not d.rejected["varde"].isin(["x", "y"]).any()


# --- evaluation: activity -----------------------------------------------------------------


def activity_rows(year: int, counts: dict[str, int]) -> pd.DataFrame:
    rows = [{"date": pd.Timestamp(year, 3, 1), "year": year, "type": t, "area": "02", "count": 1}
            for t, n in counts.items() for _ in range(n)]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("n, status", [(40, MET), (41, MET), (20, PARTLY), (19, NOT_MET),
                                       (0, NOT_MET)])
def test_activity_status(tmp_path, register, n, status):
    reg = registry_of(tmp_path, register, yaml_text(promise(
        "      - typ: aktivitet\n        aktivitet: trafikinsats\n        mal: '>= 40'\n")))
    acts = activity_rows(2022, {"trafikinsats": n, "ovrigt": 1})
    before = acts.copy()
    ev = evaluate_promises(reg, Evidence(activities=acts))
    assert ev["status"].tolist() == [status] and ev["value"].iloc[0] == n
    assert ev["target"].iloc[0] == "minst 40"
    pd.testing.assert_frame_equal(acts, before)  # inputs are not mutated


def test_activity_without_log_rows_in_the_year_cannot_be_judged(tmp_path, register):
    reg = registry_of(tmp_path, register, yaml_text(promise(
        "      - typ: aktivitet\n        aktivitet: trafikinsats\n        mal: 2\n")))
    ev = evaluate_promises(reg, Evidence(activities=activity_rows(2023, {"trafikinsats": 5})))
    assert ev["status"].iloc[0] == UNKNOWN
    assert "inga rader för 2022" in ev["explanation"].iloc[0]
    assert evaluate_promises(reg, Evidence())["status"].iloc[0] == UNKNOWN


# --- evaluation: the survey rule (DOMAIN §5; issue 9 cases A, B, C) ----------------------


def test_case_a_target_inside_the_ci_cannot_be_judged():
    """A: baseline 40 %, target ≤ 28 %, observed 33 % (p = 0.10, MDC 11.9 pp)."""
    e = SurveyEvidence(delta=-0.07, se_delta=np.hypot(0.03, 0.03), estimate=0.33, se=0.03,
                       df=DF, proportion=True)
    assert logit_ci(0.33, 0.03)[0] < 0.28 < logit_ci(0.33, 0.03)[1]
    status, reason, _ = survey_verdict(e, direction="minska", target_op="<=", target=0.28)
    assert (status, reason) == (UNKNOWN, "unclear")  # the old rule said ej uppfyllt


def test_case_b_whole_ci_on_the_wrong_side_of_the_target_is_not_met():
    """B: baseline 40 %, target ≤ 35 %, observed 44 %."""
    e = SurveyEvidence(delta=0.04, se_delta=np.hypot(0.03, 0.03), estimate=0.44, se=0.03,
                       df=DF, proportion=True)
    assert logit_ci(0.44, 0.03)[0] > 0.35
    status, reason, _ = survey_verdict(e, direction="minska", target_op="<=", target=0.35)
    assert (status, reason) == (NOT_MET, "wrong")  # the old rule said kan inte bedömas


@pytest.mark.parametrize("min_change, status, reason", [
    (0.02, NOT_MET, "below_min"),   # the CI of the change (−1.3 to +1.5 pp) excludes −2 pp
    (None, UNKNOWN, "unclear"),     # nothing that matters was declared: cannot be judged
    (0.01, UNKNOWN, "unclear"),     # −1 pp lies inside the CI
])
def test_case_c_precise_no_change_needs_a_smallest_change_that_matters(min_change, status,
                                                                       reason):
    """C: no target, "ska minska", Δ = +0.1 pp with SE_Δ 0.7 pp."""
    e = SurveyEvidence(delta=0.001, se_delta=0.007)
    got = survey_verdict(e, direction="minska", min_change=min_change)
    assert got[:2] == (status, reason)


@pytest.mark.parametrize("delta, se, direction, status", [
    (-0.06, 0.025, "minska", MET),      # CI −10.9 to −1.1 pp: entirely below zero
    (0.06, 0.025, "minska", NOT_MET),   # a clear increase: the wrong way
    (0.06, 0.025, "oka", MET),
    (-0.02, 0.025, "minska", UNKNOWN),
])
def test_survey_without_target_uses_the_ci_of_the_change(delta, se, direction, status):
    assert survey_verdict(SurveyEvidence(delta, se), direction=direction)[0] == status


def test_met_is_checked_before_the_smallest_change():
    """A certain decrease smaller than the smallest change that matters is still a decrease."""
    e = SurveyEvidence(delta=-0.01, se_delta=0.002)
    assert survey_verdict(e, direction="minska", min_change=0.03)[:2] == (MET, "promised")


def test_level_target_on_the_promised_side_is_met():
    e = SurveyEvidence(delta=-0.12, se_delta=0.042, estimate=0.28, se=0.03, df=DF,
                       proportion=True)
    assert survey_verdict(e, direction="minska", target_op="<=", target=0.35)[0] == MET


def test_holm_adjusts_step_down():
    assert holm([0.01, 0.04, 0.03]).tolist() == pytest.approx([0.03, 0.06, 0.06])
    assert holm([0.04, 0.30]).tolist() == pytest.approx([0.08, 0.30])
    assert holm([0.6, 0.9]).tolist() == pytest.approx([1.0, 1.0])


def test_cases_a_and_b_through_the_evaluation(tmp_path, register):
    for observed, status in [(0.33, UNKNOWN), (0.44, NOT_MET)]:
        target = 0.28 if observed == 0.33 else 0.35
        reg = survey_registry(tmp_path, register, target=f"        mal: '<= {target * 100:g} %'\n")
        est = estimates([(2021, "02", 0.40, 0.03), (2022, "02", observed, 0.03)])
        r = evaluate_promises(reg, Evidence(estimates=est)).iloc[0]
        assert r["status"] == status and r["part"] == "effekt"
        assert r["estimate_to"] == observed and r["value"] == observed
        assert math.isclose(r["se_delta"], math.hypot(0.03, 0.03))
        assert math.isclose(r["mdc"], 2.8015852 * math.hypot(0.03, 0.03), rel_tol=1e-6)
    a = evaluate_promises(survey_registry(tmp_path, register, target="        mal: '<= 28 %'\n"),
                          Evidence(estimates=estimates([(2021, "02", 0.40, 0.03),
                                                        (2022, "02", 0.33, 0.03)]))).iloc[0]
    assert math.isclose(a["p"], 0.0986, abs_tol=5e-4)         # the p = 0.10
    assert math.isclose(a["mdc"], 0.1188, abs_tol=5e-4)       # and MDC 11.9 pp
    assert "innehåller målet högst 28\u00a0%" in a["explanation"]
    assert "ungefär" in a["explanation"] and "gånger så många svar" in a["explanation"]


def test_case_c_through_the_evaluation(tmp_path, register):
    se = 0.007 / math.sqrt(2)
    est = estimates([(2021, "02", 0.300, se), (2022, "02", 0.301, se)])
    plain = evaluate_promises(survey_registry(tmp_path, register), Evidence(estimates=est))
    assert plain["status"].iloc[0] == UNKNOWN
    assert "ingen minsta förändring som räknas" in plain["explanation"].iloc[0]
    mic = survey_registry(tmp_path, register,
                          target='        minsta_betydelsefulla_forandring: "2 %"\n')
    r = evaluate_promises(mic, Evidence(estimates=est)).iloc[0]
    assert r["status"] == NOT_MET and r["min_change"] == pytest.approx(0.02)
    assert "utesluter en minskning på 2,0 procentenheter" in r["explanation"]
    assert r["ci_low_delta"] == pytest.approx(0.001 - 1.959964 * 0.007, abs=1e-6)


def test_survey_decrease_is_met_with_hand_computed_evidence(tmp_path, register):
    reg = survey_registry(tmp_path, register)
    est = estimates([(2021, "02", 0.40, 0.03), (2022, "02", 0.30, 0.04)])
    before = est.copy()
    r = evaluate_promises(reg, Evidence(estimates=est,
                                        register=read_area_register(register))).iloc[0]
    pd.testing.assert_frame_equal(est, before)  # inputs are not mutated
    assert (r["status"], r["part"], r["method"]) == (MET, "effekt", "par")
    assert math.isclose(r["delta"], -0.10) and math.isclose(r["se_delta"], 0.05)
    assert math.isclose(r["p"], 0.0455003, rel_tol=1e-5)       # 2(1 − Φ(2))
    assert math.isclose(r["mdc"], 0.1400792, rel_tol=1e-5)     # (1.959964 + 0.841621) · 0.05
    assert math.isclose(r["ci_high_delta"], -0.10 + 1.959964 * 0.05, rel_tol=1e-6)
    assert r["estimate_from"] == 0.40 and r["implementation_status"] == NOT_MEASURED
    assert r["effect_status"] == MET
    assert "ligger helt under noll" in r["explanation"] and "Öster" in r["explanation"]


def test_survey_in_a_redrawn_area_cannot_be_judged(tmp_path, register):
    reg = survey_registry(tmp_path, register, area="01", year=2023)
    est = estimates([(2022, "01", 0.40, 0.03), (2023, "01", 0.20, 0.03)])
    r = evaluate_promises(reg, Evidence(estimates=est,
                                        register=read_area_register(register))).iloc[0]
    assert r["status"] == UNKNOWN and math.isnan(r["delta"])
    assert "Gränserna för Centrum ritades om mellan 2022 och 2023" in r["explanation"]


def test_survey_with_a_suppressed_estimate_cannot_be_judged(tmp_path, register):
    reg = survey_registry(tmp_path, register)
    est = estimates([(2021, "02", 0.40, 0.03), (2022, "02", float("nan"), float("nan"), True)])
    r = evaluate_promises(reg, Evidence(estimates=est)).iloc[0]
    assert r["status"] == UNKNOWN and "för få svar" in r["explanation"]


# --- several survey indicators in one promise ----------------------------------------------


TWO = (SURVEY.format(area="01", target="{first}") + SURVEY.format(area="02", target="{second}"))


def two_indicator_evidence() -> Evidence:
    # 01: Δ = −0.087, SE_Δ = 0.0424 -> p ≈ 0.040; 02: Δ = −0.03 -> p ≈ 0.48
    return Evidence(estimates=pd.concat([
        estimates([(2021, "01", 0.40, 0.03), (2022, "01", 0.313, 0.03)]),
        estimates([(2021, "02", 0.40, 0.03), (2022, "02", 0.37, 0.03)])], ignore_index=True))


def test_without_a_primary_indicator_holm_is_used_within_the_promise(tmp_path, register):
    reg = registry_of(tmp_path, register, yaml_text(promise(TWO.format(first="", second=""))))
    ev = evaluate_promises(reg, two_indicator_evidence())
    assert ev["role"].tolist() == ["Holm-justerad"] * 2 and ev["counts"].all()
    assert ev["p"].iloc[0] < 0.05  # alone it would be uppfyllt ...
    assert ev["p_holm"].tolist() == pytest.approx([2 * ev["p"].iloc[0], ev["p"].iloc[1]])
    assert ev["status"].tolist() == [UNKNOWN, UNKNOWN]  # ... but not after Holm
    assert "Holm-justering" in ev["explanation"].iloc[0]
    assert ev["effect_status"].iloc[0] == UNKNOWN


def test_a_primary_indicator_decides_and_the_others_do_not_count(tmp_path, register):
    text = TWO.format(first="", second="        primar: ja\n")
    reg = registry_of(tmp_path, register, yaml_text(promise(text)))
    assert reg["primary"].tolist() == [False, True]
    ev = evaluate_promises(reg, two_indicator_evidence())
    assert ev["role"].tolist() == ["sekundär", "primär"]
    assert ev["counts"].tolist() == [False, True] and ev["p_holm"].isna().all()
    assert ev["status"].tolist() == [MET, UNKNOWN]  # the secondary is judged at 95 % ...
    assert ev["effect_status"].iloc[0] == UNKNOWN   # ... but only the primary decides
    assert "Sekundär indikator" in ev["explanation"].iloc[0]


def test_holm_decided_indicators_are_tested_at_the_adjusted_level(tmp_path, register):
    reg = registry_of(tmp_path, register, yaml_text(promise(TWO.format(first="", second=""))))
    ev = evaluate_promises(reg, Evidence(estimates=pd.concat([
        estimates([(2021, "01", 0.40, 0.03), (2022, "01", 0.25, 0.03)]),
        estimates([(2021, "02", 0.40, 0.03), (2022, "02", 0.37, 0.03)])], ignore_index=True)))
    assert ev["status"].tolist() == [MET, UNKNOWN]
    assert "prövas på nivån 97,5\u00a0%" in ev["explanation"].iloc[0]
    assert ev["effect_status"].iloc[0] == MET


def test_an_indicator_without_data_still_counts_in_holm_and_primary(tmp_path, register):
    """Leaving data out never makes the correction milder, nor drops the primary."""
    evidence = Evidence(estimates=estimates([(2021, "01", 0.40, 0.03), (2022, "01", 0.25, 0.03)]))
    reg = registry_of(tmp_path, register, yaml_text(promise(TWO.format(first="", second=""))))
    ev = evaluate_promises(reg, evidence)  # 02 has no estimates
    assert ev["status"].tolist() == [MET, UNKNOWN]
    p = 2 * stats.norm.sf(0.15 / math.hypot(0.03, 0.03))
    assert ev["p_holm"].iloc[0] == pytest.approx(2 * p) and math.isnan(ev["p_holm"].iloc[1])
    reg = registry_of(tmp_path, register, yaml_text(promise(TWO.format(
        first="", second="        primar: ja\n"))))
    ev = evaluate_promises(reg, evidence)
    assert ev["role"].tolist() == ["sekundär", "primär"]
    assert ev["effect_status"].iloc[0] == UNKNOWN  # the primary could not be measured


def test_two_primary_indicators_are_a_registry_error(tmp_path, register):
    text = TWO.format(first="        primar: ja\n", second="        primar: ja\n")
    with pytest.raises(DataError, match=r"indikatorer\[1\]\.primar.*flera enkätindikatorer är "
                                        r"markerade som primära"):
        registry_of(tmp_path, register, yaml_text(promise(text)))


# --- evaluation: walk, milestone, official, the two parts ----------------------------------


def followup(share: float, counted: int = 10) -> pd.DataFrame:
    return pd.DataFrame({"dimension": ["ar"], "year": [2022], "area": [pd.NA],
                         "counted": [counted], "fixed": [round(share * counted)],
                         "share_fixed": [share], "as_of": [pd.Timestamp("2022-12-31")]})


@pytest.mark.parametrize("share, status", [(0.8, MET), (0.7, MET), (0.4, PARTLY), (0.3, NOT_MET)])
def test_walk_share_fixed_against_target(tmp_path, register, share, status):
    reg = registry_of(tmp_path, register, yaml_text(promise(
        "      - typ: vandring\n        matt: andel_atgardade\n        mal: '>= 70 %'\n")))
    r = evaluate_promises(reg, Evidence(walk_followup=followup(share))).iloc[0]
    assert r["status"] == status and r["value"] == share and r["part"] == "effekt"
    assert r["label"] == "Andel åtgärdade problem från trygghetsvandringarna i hela kommunen"


def test_walk_count_of_walks_in_a_locality(tmp_path, register):
    reg = registry_of(tmp_path, register, yaml_text(promise(
        "      - typ: vandring\n        matt: vandringar\n        ort: Eslöv\n        mal: 2\n")))
    walks = pd.DataFrame({"year": [2022, 2022, 2022, 2021], "locality": ["Eslöv", "Stehag",
                                                                       "eslöv", "Eslöv"]})
    r = evaluate_promises(reg, Evidence(walks=walks)).iloc[0]
    assert r["status"] == MET and r["value"] == 2 and r["part"] == "genomforande"
    assert r["label"] == "Antal trygghetsvandringar i Eslöv"


MILESTONE = ("      - typ: milstolpe\n        beskrivning: Ansökan inskickad\n"
             "        senast: 2022-06-30\n{done}")


@pytest.mark.parametrize("done, acts, status", [
    ("        klart: 2022-05-01\n", None, MET),
    ("        klart: 2022-09-01\n", None, PARTLY),
    ("        klart: nej\n", None, NOT_MET),
    ("        aktivitet: kameraovervakning\n", [("2022-06-01", "kameraovervakning")], MET),
    ("        aktivitet: kameraovervakning\n", [("2022-12-01", "ovrigt")], NOT_MET),
    ("        aktivitet: kameraovervakning\n", [("2022-03-01", "ovrigt")], UNKNOWN),
])
def test_milestone_status(tmp_path, register, done, acts, status):
    reg = registry_of(tmp_path, register, yaml_text(promise(MILESTONE.format(done=done))))
    frame = None if acts is None else pd.DataFrame(
        {"date": pd.to_datetime([d for d, _ in acts]), "type": [t for _, t in acts]})
    ev = evaluate_promises(reg, Evidence(activities=frame))
    assert ev["status"].tolist() == [status] and ev["part"].tolist() == ["genomforande"]


def official_table(values: dict[int, float], versions=("02@2020", "02@2020"),
                   area: str = "02") -> pd.DataFrame:
    n = len(values)
    return pd.DataFrame({"year": list(values), "area": [area] * n, "area_name": ["Öster"] * n,
                         "area_version": list(versions)[:n], "indicator": ["totalindex"] * n,
                         "indicator_name": ["Totalindex"] * n, "value": list(values.values()),
                         "is_latest": [True] * n, "is_first": [True] * n,
                         "restated": [False] * n, "first_value": list(values.values()),
                         "latest_value": list(values.values())})


OFFICIAL = ("      - typ: polisindex\n        indikator: totalindex\n        omrade: '02'\n"
            "        riktning: minska\n        minsta_skillnad: 0.2\n")
# Our problemindex in 02 with SE 0.05 both years: noise SE = (6/3)·√2·0.05 = 0.1414,
# band = 1.96 · 0.1414 = 0.277 index units.
NOISE = estimates([(2021, "02", 1.2, 0.05), (2022, "02", 1.1, 0.05)], "problemindex", "alla")


@pytest.mark.parametrize("values, versions, status", [
    ({2021: 2.5, 2022: 2.1}, ("02@2020", "02@2020"), MET),       # −0.4: beyond the noise
    ({2021: 2.5, 2022: 2.4}, ("02@2020", "02@2020"), UNKNOWN),   # −0.1: inside (old: ej)
    ({2021: 2.5, 2022: 2.9}, ("02@2020", "02@2020"), NOT_MET),   # +0.4: the wrong way
    ({2021: 2.5, 2022: 2.0}, ("02@2017", "02@2020"), UNKNOWN),   # redrawn
    ({2021: 2.5}, ("02@2020",), UNKNOWN),                        # missing
])
def test_official_index_uses_the_survey_noise_at_the_same_level(tmp_path, register, values,
                                                                versions, status):
    reg = registry_of(tmp_path, register, yaml_text(promise(OFFICIAL)))
    r = evaluate_promises(reg, Evidence(official=official_table(values, versions),
                                        estimates=NOISE)).iloc[0]
    assert r["status"] == status and r["part"] == "effekt"
    if len(values) == 2 and versions[0] == versions[1]:
        assert r["se_delta"] == pytest.approx(2 * math.hypot(0.05, 0.05))
        assert "saknar konfidensintervall" in r["explanation"]
        assert "±0,28 indexenheter" in r["explanation"]


def test_area_level_police_change_without_own_estimate_is_context_only(tmp_path, register):
    reg = registry_of(tmp_path, register, yaml_text(promise(OFFICIAL)))
    r = evaluate_promises(reg, Evidence(official=official_table({2021: 2.5, 2022: 1.5}))).iloc[0]
    assert r["status"] == UNKNOWN and "bara sammanhang" in r["explanation"]


@pytest.mark.parametrize("after, status", [(2.2, MET), (2.4, UNKNOWN), (2.55, NOT_MET)])
def test_kommun_police_index_without_own_estimate_uses_the_minimum_difference(
        tmp_path, register, after, status):
    reg = registry_of(tmp_path, register, yaml_text(promise(OFFICIAL.replace("'02'", "kommunen"))))
    table = official_table({2021: 2.5, 2022: after}, ("kommunen", "kommunen"), area="kommunen")
    assert evaluate_promises(reg, Evidence(official=table))["status"].iloc[0] == status


@pytest.mark.parametrize("change, band, status", [
    (-0.4, 0.28, MET), (-0.1, 0.28, UNKNOWN), (0.0, 0.19, NOT_MET), (0.0, 0.21, UNKNOWN),
    (0.3, 0.1, NOT_MET)])
def test_official_verdict_three_way(change, band, status):
    assert official_verdict(change, direction="minska", band=band, min_difference=0.2)[0] == status
    assert official_verdict(-change, direction="oka", band=band,
                            min_difference=0.2)[0] == status
    if change == 0.3:
        assert official_verdict(change, direction="minska", band=band,
                                min_difference=0.2)[1] == "wrong"


@pytest.mark.parametrize("statuses, overall", [
    ([MET, MET], MET), ([MET, UNKNOWN], MET), ([NOT_MET, UNKNOWN], NOT_MET),
    ([MET, NOT_MET], PARTLY), ([PARTLY], PARTLY), ([UNKNOWN, UNKNOWN], UNKNOWN),
    ([], NOT_MEASURED)])
def test_verdict_of_one_part_of_a_promise(statuses, overall):
    assert combine_verdicts(statuses, "effekt")[0] == overall


def test_a_promise_gets_two_verdicts_never_one(tmp_path, register):
    body = promise("      - typ: aktivitet\n        aktivitet: uniformerad_narvaro\n"
                   "        mal: '>= 24'\n" + SURVEY.format(area="02", target=""),
                   extra="    rubrik: Synlig uniformerad polis\n")
    reg = registry_of(tmp_path, register, yaml_text(body))
    est = estimates([(2021, "02", 0.483, 0.042), (2022, "02", 0.584, 0.044)])
    ev = evaluate_promises(reg, Evidence(activities=activity_rows(2022, {"uniformerad_narvaro": 25}),
                                         estimates=est))
    assert ev["part"].tolist() == ["genomforande", "effekt"]
    assert set(ev["implementation_status"]) == {MET} and set(ev["effect_status"]) == {UNKNOWN}
    assert "promise_status" not in ev.columns
    overview = promise_overview(ev)
    assert overview[["Löfte", "Genomförande", "Effekt"]].values.tolist() == [
        ["Synlig uniformerad polis", MET, UNKNOWN]]


def test_reported_crime_cannot_be_judged_and_says_why(tmp_path, register):
    body = ("overgripande_mal:\n  - id: ungdomsvald\n    rubrik: Ungdomsvåldet ska minska\n"
            "    text: Ungdomsvåldet ska minska.\n    indikatorer:\n"
            "      - typ: anmalda_brott\n        brott: misshandel, offer under 18 år\n"
            "        riktning: minska\n")
    reg = registry_of(tmp_path, register, GOOD + body)
    assert reg["is_goal"].tolist() == [False, True] and reg["promise_no"].tolist() == [1, 2]
    ev = evaluate_promises(reg, Evidence())
    goal = ev.iloc[1]
    assert (goal["kind"], goal["part"], goal["status"]) == ("anmalda_brott", "effekt", UNKNOWN)
    assert "anmälda brott finns inte i underlaget" in goal["explanation"]
    assert goal["implementation_status"] == NOT_MEASURED and goal["effect_status"] == UNKNOWN
    assert goal["title"] == "Ungdomsvåldet ska minska"


# --- the registry's new fields -------------------------------------------------------------


@pytest.mark.parametrize("extra, message", [
    ('        minsta_betydelsefulla_forandring: 5\n', "för en andel anges förändringen i procent"),
    ("        minsta_betydelsefulla_forandring: '<= 2 %'\n", "ska vara ett positivt tal"),
    ("        metod: glidande\n", "okänd metod"),
    ("        metod: trend\n", "metoden trend kräver att till_ar är minst två år efter fran_ar"),
    ("        primar: kanske\n", "ska vara ja eller nej"),
    ("        mal: '>= 30 %'\n", "målet pekar åt andra hållet än riktningen"),
])
def test_bad_survey_fields_are_registry_errors(tmp_path, register, extra, message):
    with pytest.raises(DataError, match=message):
        survey_registry(tmp_path, register, target=extra)


def test_survey_fields_are_read(tmp_path, register):
    reg = survey_registry(tmp_path, register, target=(
        "        fran_ar: 2021\n        till_ar: 2023\n        metod: poolad\n"
        '        minsta_betydelsefulla_forandring: "3 %"\n        primar: ja\n'), year=2022)
    r = reg.iloc[0]
    assert (r["method"], r["min_change"], r["primary"]) == ("poolad", 0.03, True)
    assert r["title"] == "Ett löfte" and not r["is_goal"]


def test_primary_is_only_for_survey_indicators(tmp_path, register):
    with pytest.raises(DataError, match="fältet primar gäller bara enkätindikatorer"):
        registry_of(tmp_path, register, yaml_text(promise(
            "      - typ: aktivitet\n        aktivitet: trafikinsats\n        mal: 2\n"
            "        primar: ja\n")))


def test_a_promise_without_title_is_titled_by_its_text():
    from analysis.promises import promise_title

    long = ("Genomföra riktade insatser mot trafikrelaterade problem enligt den lägesbild som "
            "tagits fram.")
    assert promise_title(None, long) == "Genomföra riktade insatser mot trafikrelaterade problem…"
    assert promise_title("Trafik", long) == "Trafik"


# --- trend and pooled years in the evaluation ------------------------------------------------


def respondents() -> pd.DataFrame:
    """Synthetic answers to otrygg_kvall in areas 02 (falling) and 01, 2020–2023."""
    rng = np.random.default_rng(7)
    rows = []
    for year, share in [(2020, 0.5), (2021, 0.42), (2022, 0.34), (2023, 0.26)]:
        for area, p in (("02", share), ("01", 0.3)):
            unsafe = rng.random(180) < p
            codes = np.where(unsafe, 3, 2)  # 3 = Ganska otrygg, 2 = Ganska trygg
            for k, c in enumerate(codes):
                rows.append({"respondent_id": f"{year}-{area}-{k}", "year": year, "area": area,
                             "stratum": area, "weight": 1.0 + (k % 3), "otrygg_kvall": int(c),
                             "otrygg_kvall_vet_ej": False})
    frame = pd.DataFrame(rows)
    frame["otrygg_kvall"] = frame["otrygg_kvall"].astype("Int8")
    frame["otrygg_kvall_vet_ej"] = frame["otrygg_kvall_vet_ej"].astype("boolean")
    return frame


def test_a_promise_over_several_years_uses_the_design_based_trend(tmp_path, register):
    from analysis.trend import linear_trend, trend_change

    resp = respondents()
    reg = survey_registry(tmp_path, register, target="        fran_ar: 2020\n        till_ar: 2023\n")
    est = estimates([(y, "02", 0.4, 0.04) for y in (2020, 2021, 2022, 2023)])
    r = evaluate_promises(reg, Evidence(estimates=est, responses=resp)).iloc[0]
    unsafe = (resp["otrygg_kvall"] == 3).astype(float).where(resp["area"] == "02")
    t = linear_trend(resp, unsafe)
    delta, se = trend_change(t, 2020, 2023)
    assert r["method"] == "trend" and r["status"] == MET
    assert r["delta"] == pytest.approx(delta[0]) and r["se_delta"] == pytest.approx(se[0])
    assert "Trend 2020–2023 (vägd linjär regression över 4 mätår)" in r["explanation"]


def test_pooled_years_compare_two_years_at_each_end(tmp_path, register):
    from analysis.trend import pooled_estimates

    resp = respondents()
    reg = survey_registry(tmp_path, register, target="        fran_ar: 2021\n        till_ar: 2023\n"
                                                     "        metod: poolad\n")
    est = estimates([(y, "02", 0.4, 0.04) for y in (2020, 2021, 2022, 2023)])
    r = evaluate_promises(reg, Evidence(estimates=est, responses=resp)).iloc[0]
    unsafe = (resp["otrygg_kvall"] == 3).astype(float).where(resp["area"] == "02")
    first = pooled_estimates(resp, unsafe, years=[2020, 2021], kind="proportion").iloc[0]
    last = pooled_estimates(resp, unsafe, years=[2022, 2023], kind="proportion").iloc[0]
    assert r["method"] == "poolad"
    assert r["estimate_from"] == pytest.approx(first["estimate"])
    assert r["delta"] == pytest.approx(last["estimate"] - first["estimate"])
    assert r["se_delta"] == pytest.approx(math.hypot(first["se"], last["se"]))
    assert "2020–2021" in r["explanation"] and "2022–2023" in r["explanation"]


def test_pooling_a_published_year_with_a_hidden_one_is_refused(tmp_path, register):
    resp = respondents()
    reg = survey_registry(tmp_path, register, target="        fran_ar: 2021\n        till_ar: 2023\n"
                                                     "        metod: poolad\n")
    est = estimates([(2020, "02", 0.4, 0.04), (2021, "02", np.nan, np.nan, True),
                     (2022, "02", 0.4, 0.04), (2023, "02", 0.3, 0.04)])
    r = evaluate_promises(reg, Evidence(estimates=est, responses=resp)).iloc[0]
    assert r["status"] == UNKNOWN and "skulle kunna röja" in r["explanation"]


def test_a_trend_with_too_few_survey_years_falls_back_to_the_pair(tmp_path, register):
    resp = respondents()
    resp = resp[resp["year"] != 2022]
    reg = survey_registry(tmp_path, register, target="        fran_ar: 2021\n        till_ar: 2023\n")
    est = estimates([(2021, "02", 0.42, 0.04), (2023, "02", 0.26, 0.035)])
    r = evaluate_promises(reg, Evidence(estimates=est, responses=resp)).iloc[0]
    assert r["method"] == "par" and "en trend kräver minst 3" in r["explanation"]


# --- planning --------------------------------------------------------------------------------


def test_planning_reports_the_mdc_for_the_expected_answers_and_with_pooling():
    est = estimates([(2022, "02", 0.40, 0.04), (2023, "02", 0.38, 0.04)])
    p = plan_target(est, indicator="andel_otrygga", item="otrygg_kvall", area="02",
                    baseline_year=2023, target_op="<=", target=0.25, n_planned=400)
    z = 1.959964 + 0.841621
    se2 = 0.04 * math.sqrt(200 / 400)
    assert p["mdc"] == pytest.approx(z * math.hypot(0.04, se2), rel=1e-5)
    assert p["mdc_pooled"] == pytest.approx(z * math.hypot(math.hypot(0.04, 0.04) / 2,
                                                           se2 / math.sqrt(2)), rel=1e-5)
    assert p["needed"] == pytest.approx(0.13)
    assert (p["judgeable"], p["judgeable_pooled"]) == (False, True)  # MDC 13.7 and 9.7 pp
    assert ("Målet kräver en förändring på 13,0 procentenheter: det kan enkäten avgöra bara "
            "med två år sammanslagna i varje ände.") in p["sentence"]
    small = plan_target(est, indicator="andel_otrygga", item="otrygg_kvall", area="02",
                        baseline_year=2023, target_op="<=", target=0.26)
    assert small["judgeable"] is False and small["n_needed"] > 200
    # the number of answers per year at which the MDC equals the needed change (12 pp)
    n = small["n_needed"]
    assert z * math.hypot(0.04, 0.04 * math.sqrt(200 / n)) <= 0.12 + 1e-9
    assert z * math.hypot(0.04, 0.04 * math.sqrt(200 / (n - 1))) > 0.12
    # 5 pp is below z · SE of the baseline alone: no number of answers next year will do
    tiny = plan_target(est, indicator="andel_otrygga", item="otrygg_kvall", area="02",
                       baseline_year=2023, target_op="<=", target=0.33)
    assert tiny["n_needed"] is None and "svar per år skulle det gå" not in tiny["sentence"]
    none = plan_target(est, indicator="andel_otrygga", item="otrygg_kvall", area="02",
                       baseline_year=2023)
    assert "ange en minsta förändring som räknas" in none["sentence"]


# --- what people read ------------------------------------------------------------------------


def test_tables_and_figure_read_as_people_read_them(tmp_path, register):
    body = promise("      - typ: aktivitet\n        aktivitet: trafikinsats\n        mal: 2\n"
                   + SURVEY.format(area="kommunen", target="").replace("'kommunen'", "kommunen")
                   + OFFICIAL.replace("'02'", "kommunen"))
    reg = registry_of(tmp_path, register, yaml_text(body))
    ev = evaluate_promises(reg, Evidence(
        activities=activity_rows(2022, {"trafikinsats": 3}),
        estimates=estimates([(2021, "kommunen", 0.4, 0.02), (2022, "kommunen", 0.3, 0.02)]),
        official=official_table({2021: 2.5, 2022: 2.0}, ("kommunen", "kommunen"), "kommunen"),
        register=read_area_register(register)))
    table = indicator_table(ev)
    assert list(table.columns) == ["Löfte", "Del", "Indikator", "Bedömning",
                                   "Bedömning i klartext"]
    text = table.to_string() + " ".join(ev["explanation"]) + " ".join(ev["label"])
    for bad in ("->", "område kommunen", "otrygg_kvall", "andel_otrygga", "trafikinsats,",
                "walks", "share_fixed"):
        assert bad not in text, bad
    assert "hela kommunen" in text
    assert table["Bedömning i klartext"].tolist()[0] == "Trafikinsats (antal) 2022: 3 (mål minst 2) " \
                                                        "– uppfyllt."
    fig = status_figure(ev)
    assert isinstance(fig, Figure)
    section = promise_section(ev, 2024)
    assert section.year == 2022 and isinstance(section.figure, Figure)
    assert list(section.overview.columns) == ["Typ", "Löfte", "Genomförande", "Effekt"]
    assert len(section.table) == 3 and "två delar som aldrig slås ihop" in section.intro


# --- motivation -----------------------------------------------------------------------------


def test_motivation_ranks_published_problems_and_shows_uncovered_top_problems(tmp_path, register):
    est = pd.DataFrame({
        "year": [2021] * 5, "area": ["02", "02", "02", "02", "01"],
        "area_name": ["Öster"] * 4 + ["Centrum"], "indicator": ["andel_stort_problem"] * 5,
        "item": ["fortkorning", "klotter", "nedskrapning", "ungdomsgang", "fortkorning"],
        "estimate": [0.5, 0.3, float("nan"), 0.4, 0.2], "ci_low": [0.4, 0.2, float("nan"), 0.3, 0.1],
        "ci_high": [0.6, 0.4, float("nan"), 0.5, 0.3], "n": [100] * 5,
        "suppressed": [False, False, True, False, False], "uncertain": [False] * 5})
    body = promise("      - typ: aktivitet\n        aktivitet: trafikinsats\n        mal: 1\n",
                   extra="    problem:\n      fragor: [fortkorning]\n    omraden: ['02']\n")
    reg = registry_of(tmp_path, register, yaml_text(body))
    est_before, reg_before = est.copy(), reg.copy()
    m = promise_motivation(est, reg, top_n=2)
    pd.testing.assert_frame_equal(est, est_before)
    pd.testing.assert_frame_equal(reg, reg_before)
    assert m["item"].tolist() == ["fortkorning", "fortkorning", "ungdomsgang", "klotter"]
    assert m["area"].tolist() == ["01", "02", "02", "02"]
    assert m["rank"].tolist() == [1, 1, 2, 3] and m["top"].tolist() == [True, True, True, False]
    assert m["covered"].tolist() == [False, True, False, False]  # 01 is not among the areas
    assert m["covering_promises"].tolist() == ["", "p1", "", ""]
    assert m["covering_titles"].tolist() == ["", "Ett löfte", "", ""]
    assert "nedskrapning" not in set(m["item"])  # suppressed stays hidden
    assert promise_motivation(est, reg.iloc[0:0])["covered"].isna().all()


def test_motivation_shows_walks_and_the_police_index_beside(tmp_path, register):
    est = pd.DataFrame({
        "year": [2021, 2021], "area": ["02", "kommunen"], "area_name": ["Öster", "Hela kommunen"],
        "indicator": ["andel_stort_problem"] * 2, "item": ["fortkorning"] * 2,
        "estimate": [0.5, 0.4], "ci_low": [0.4, 0.35], "ci_high": [0.6, 0.45], "n": [100, 400],
        "suppressed": [False, False], "uncertain": [False, False]})
    walks = pd.DataFrame({"dimension": ["omrade_ar", "ar"], "year": [2021, 2021],
                          "area": ["02", pd.NA], "counted": [12, 40], "share_fixed": [0.5, 0.6]})
    official = official_table({2021: 3.4}, ("02@2020",)).assign(
        indicator="fortkorning", item="fortkorning", at_action_level=True)
    reg = registry_of(tmp_path, register, GOOD)
    m = promise_motivation(est, reg, walk_followup=walks, official=official).set_index("area")
    assert m.loc["02", "walk_problems"] == 12 and m.loc["kommunen", "walk_problems"] == 40
    assert m.loc["02", "walk_share_fixed"] == 0.5
    assert m.loc["02", "official_value"] == 3.4 and bool(m.loc["02", "official_at_action_level"])
    assert np.isnan(m.loc["kommunen", "official_value"])


# --- the stage in a build: errors write nothing ---------------------------------------------


def only_promises(monkeypatch):
    """Build only the area register and the promises (their declared needs)."""
    build = pipeline.build
    monkeypatch.setattr(pipeline, "build",
                        lambda *a, **k: build(*a, stages=["areas", "promises"], **k))


def write_promises(project: Path, yaml_body: str | None, log: str | None = None) -> Path:
    folder = project / "data" / "raw" / "medborgarloften"
    folder.mkdir(parents=True, exist_ok=True)
    if yaml_body is not None:
        (folder / "medborgarloften_2022.yaml").write_text(yaml_body, encoding="utf-8")
    if log is not None:
        (folder / "aktivitetslogg.csv").write_text(log, encoding="utf-8")
    return folder


GOOD = yaml_text(promise("      - typ: aktivitet\n        aktivitet: trafikinsats\n        mal: 2\n"))


@pytest.mark.parametrize("body, log, message", [
    (yaml_text(promise("      - typ: enkaten\n")), None, "okänd indikatortyp"),
    (yaml_text(promise(SURVEY.format(area="02", target="").replace("otrygg_kvall", "x"))), None,
     "okänd fråga"),
    (yaml_text(promise(SURVEY.format(area="09", target=""))), None, "okänt område"),
    (yaml_text(promise("      - typ: aktivitet\n        aktivitet: riskzonssamtal\n")), None,
     "målet saknas"),
    ("ar: [2022\n", None, "inte giltig YAML"),
    (GOOD, LOG + "2022-03-01;Trafikinsatts;;;;;\r\n", "Menade du: trafikinsats"),
    (GOOD, LOG + "första mars;trafikinsats;;;;;\r\n", "är inte ett datum"),
])
def test_a_build_with_bad_promises_writes_nothing(project, monkeypatch, body, log, message):
    only_promises(monkeypatch)
    write_promises(project, body, log)
    with pytest.raises(DataError, match=message):
        pipeline.build(project, demo=False, progress=lambda s: None)
    assert not (project / "data" / "processed").exists()


def test_a_build_writes_the_tables_and_quarantine_keeps_free_text_out(project, monkeypatch):
    only_promises(monkeypatch)
    write_promises(project, GOOD, LOG + "2022-03-01;Trafikinsatts;;;;;Privat\r\n")
    manifest = pipeline.build(project, demo=False, quarantine=True, progress=lambda s: None)
    out = project / "data" / "processed"
    ev = pd.read_parquet(out / "promise_evaluation.parquet")
    assert ev["status"].tolist() == [MET] and ev["value"].tolist() == [4.0]  # 1 + 3
    rejected = pd.read_parquet(out / "avvisade_aktiviteter.parquet")
    assert rejected["rad"].tolist() == [5] and "Privat" not in rejected.to_string()
    assert pd.read_parquet(out / "activities.parquet")["note"].tolist()[1] == "Hemligt namn"
    assert manifest["radredovisning"]["medborgarloften/aktivitetslogg.csv"] == {
        "lasta": 4, "godkanda": 3, "avvisade": 1, "orsaker": {"okand_aktivitetstyp": 1}}
    assert not (out / "promise_motivation.parquet").exists()  # no survey estimates


def test_without_the_folder_the_stage_says_so(project, monkeypatch):
    only_promises(monkeypatch)
    manifest = pipeline.build(project, demo=False, progress=lambda s: None)
    assert any("medborgarloften/" in n for n in manifest["anteckningar"])
    assert not (project / "data" / "processed" / "promise_registry.parquet").exists()


# --- plausibility limits, unreadable values and the folder (issue 8) ------------------------


def test_activity_limits_are_parameters(tmp_path, register):
    text = LOG + "2022-03-01;trafikinsats;;;;12;\r\n"
    d = validate_activities(log_table(tmp_path, text), read_area_register(register),
                            max_count=10, earliest_year=2020, latest_year=2022)
    texts = [p.format() for p in d.problems]
    assert texts == [
        'aktivitetslogg.csv, rad 4, kolumn "datum": "2023-05-05" – datumet ligger utanför åren '
        "2020–2022. Tillåtna år: 2020–2022. Kontrollera årtalet; gränserna ställs in med "
        "earliest_year och latest_year i installningar.yaml.",
        'aktivitetslogg.csv, rad 5, kolumn "antal": "12" – antal ska vara ett heltal från 1 till '
        "10. Lämna tomt för 1."]
    assert d.accounting == {"lasta": 4, "godkanda": 2, "avvisade": 2,
                            "orsaker": {"ogiltigt_antal": 1, "orimligt_datum": 1}}
    assert d.activities["count"].tolist() == [1, 3]


def test_registry_window_is_part_of_the_context(tmp_path, register):
    path = tmp_path / "medborgarloften_2022.yaml"
    path.write_text(GOOD, encoding="utf-8")
    ctx = registry_context(read_area_register(register), earliest_year=2023, latest_year=2030)
    with pytest.raises(DataError, match=r'medborgarloften_2022\.yaml, rad 1, kolumn "ar": "2022" '
                                        r"– året ligger utanför åren 2023–2030\."):
        parse_registry(read_registry(path), ctx)


def test_an_unquoted_date_that_does_not_exist_gives_its_line_and_field(tmp_path):
    path = tmp_path / "medborgarloften_2022.yaml"
    path.write_text(GOOD.replace("2022-03-15", "2022-02-30"), encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_registry(path)
    [p] = err.value.problems
    assert (p.file, p.row, p.column, p.value) == ("medborgarloften_2022.yaml", 2, "undertecknat",
                                                  "2022-02-30")
    assert "är inte ett datum som finns i kalendern" in p.message


def test_the_promise_folder_lists_what_is_not_read(tmp_path):
    from analysis.promises import activity_log_file, registry_files, unread_promise_files

    folder = tmp_path / "medborgarloften"
    folder.mkdir()
    for name in ["medborgarloften_2022.yaml", "aktivitetslogg.csv", "loften_2023.yml",
                 "protokoll.pdf"]:
        (folder / name).write_text("x", encoding="utf-8")
    assert [p.name for p in registry_files(folder)] == ["medborgarloften_2022.yaml"]
    assert activity_log_file(folder).name == "aktivitetslogg.csv"
    assert [(p.name, why) for p, why in unread_promise_files(folder)] == [
        ("loften_2023.yml", "namnet ska vara medborgarloften_<år>.yaml"),
        ("protokoll.pdf", "okänt filformat")]


# --- the CSV for Örat mot marken ------------------------------------------------------------


def test_promise_csv_is_excel_ready_and_neutralises_formulas(tmp_path, register):
    import csv
    import io

    from analysis.exports import promise_files
    from analysis.settings import Settings

    body = promise("      - typ: aktivitet\n        aktivitet: trafikinsats\n        mal: 2\n"
                   + SURVEY.format(area="02", target=""),
                   extra="    rubrik: '=HYPERLINK(\"http://x.example\";\"klick\")'\n")
    reg = registry_of(tmp_path, register, yaml_text(body))
    ev = evaluate_promises(reg, Evidence(
        activities=activity_rows(2022, {"trafikinsats": 3}),
        estimates=estimates([(2021, "02", 0.40, 0.03), (2022, "02", 0.30, 0.04)])))
    files = promise_files(ev, settings=Settings(), demo=False)
    assert sorted(files) == ["csv/maskinlasbar/medborgarloften.csv", "csv/medborgarloften.csv",
                             "csv/medborgarloften_dataordlista.txt"]
    data = files["csv/medborgarloften.csv"]
    assert data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    head = rows[0]
    survey = rows[2]
    col = {h: k for k, h in enumerate(head)}
    assert survey[col["Löfte"]].startswith("'=HYPERLINK")  # shown as text, never run
    assert (survey[col["Del"]], survey[col["Bedömning"]], survey[col["Enhet"]]) == (
        "Effekt", "uppfyllt", "procent")
    assert (survey[col["Värde första året"]], survey[col["Värde"]], survey[col["Förändring"]]) \
        == ("40,0", "30,0", "-10,0")
    assert survey[col["Minsta upptäckbara förändring"]] == "14,0"
    assert rows[1][col["Värde"]] == "3" and rows[1][col["Del"]] == "Genomförande"
    text = files["csv/medborgarloften_dataordlista.txt"].decode("utf-8-sig")
    assert "Skydd mot formler: 2 textvärden" in text and "- Genomförande:" in text
