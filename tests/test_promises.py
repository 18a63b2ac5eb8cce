"""Citizen promises: registry, activity log, evaluation per kind and status, motivation."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from analysis import pipeline
from analysis.areas import read_area_register
from analysis.files import read_table
from analysis.problems import DataError
from analysis.promises import (
    MET,
    NOT_MET,
    PARTLY,
    UNKNOWN,
    Evidence,
    evaluate_promises,
    match_activity,
    parse_registry,
    parse_target,
    promise_motivation,
    read_registry,
    registry_context,
    validate_activities,
)
from analysis.promises.evaluation import _overall

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


def estimates(rows: list[tuple]) -> pd.DataFrame:
    """(year, area, estimate, se) rows of andel_otrygga / otrygg_kvall."""
    return pd.DataFrame([{"year": y, "area": a, "area_name": a, "indicator": "andel_otrygga",
                          "item": "otrygg_kvall", "estimate": e, "se": s, "ci_low": e - 0.05,
                          "ci_high": e + 0.05, "n": 200, "suppressed": sup, "uncertain": False}
                         for y, a, e, s, *rest in rows for sup in [bool(rest and rest[0])]])


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
     "okänd indikatortyp. Giltiga typer: aktivitet, enkat, vandring, milstolpe, polisindex."),
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


# --- evaluation: survey -------------------------------------------------------------------


def test_survey_significant_decrease_is_met_with_hand_computed_evidence(tmp_path, register):
    reg = survey_registry(tmp_path, register)
    est = estimates([(2021, "02", 0.40, 0.03), (2022, "02", 0.30, 0.04)])
    changes = pd.DataFrame({"year_from": [2021], "year_to": [2022], "area": ["02"],
                            "indicator": ["andel_otrygga"], "item": ["otrygg_kvall"],
                            "p_bh": [0.12]})
    r = evaluate_promises(reg, Evidence(estimates=est, changes=changes,
                                        register=read_area_register(register))).iloc[0]
    assert r["status"] == MET
    assert math.isclose(r["delta"], -0.10) and math.isclose(r["se_delta"], 0.05)
    assert math.isclose(r["p"], 0.0455003, rel_tol=1e-5)       # 2(1 − Φ(2))
    assert math.isclose(r["mdc"], 0.1400792, rel_tol=1e-5)     # (1.959964 + 0.841621) · 0.05
    assert r["p_bh"] == 0.12 and r["estimate_from"] == 0.40
    assert "p = 0,046; minsta upptäckbara förändring 14,0 procentenheter" in r["explanation"]
    assert "statistiskt säkerställd" in r["explanation"]


def test_survey_significant_but_target_not_reached_is_partly(tmp_path, register):
    reg = survey_registry(tmp_path, register, target="        mal: '<= 25 %'\n")
    est = estimates([(2021, "02", 0.40, 0.03), (2022, "02", 0.30, 0.04)])
    r = evaluate_promises(reg, Evidence(estimates=est)).iloc[0]
    assert r["status"] == PARTLY and r["target"] == "högst 25\u00a0%"


def test_survey_significant_wrong_direction_is_not_met(tmp_path, register):
    reg = survey_registry(tmp_path, register)
    est = estimates([(2021, "02", 0.30, 0.03), (2022, "02", 0.40, 0.04)])
    r = evaluate_promises(reg, Evidence(estimates=est)).iloc[0]
    assert r["status"] == NOT_MET and "motsatt" in r["explanation"]


def test_survey_change_below_mdc_cannot_be_judged_not_failed(tmp_path, register):
    reg = survey_registry(tmp_path, register)
    est = estimates([(2021, "02", 0.40, 0.05), (2022, "02", 0.37, 0.05)])
    r = evaluate_promises(reg, Evidence(estimates=est)).iloc[0]
    assert r["status"] == UNKNOWN
    assert math.isclose(r["mdc"], 0.1981034, rel_tol=1e-5)  # 2.801585 · √(0.05² + 0.05²)
    assert math.isclose(r["p"], 0.6713732, rel_tol=1e-5)
    assert "kan inte upptäcka en förändring av den storleken" in r["explanation"]
    assert "19,8 procentenheter" in r["explanation"]


def test_survey_detectable_target_change_not_seen_is_not_met(tmp_path, register):
    reg = survey_registry(tmp_path, register, target="        mal: '<= 10 %'\n")
    est = estimates([(2021, "02", 0.40, 0.05), (2022, "02", 0.37, 0.05)])
    r = evaluate_promises(reg, Evidence(estimates=est)).iloc[0]
    assert r["status"] == NOT_MET and "hade mätningen kunnat upptäcka" in r["explanation"]


def test_survey_in_a_redrawn_area_cannot_be_judged(tmp_path, register):
    reg = survey_registry(tmp_path, register, area="01", year=2023)
    est = estimates([(2022, "01", 0.40, 0.03), (2023, "01", 0.20, 0.03)])
    r = evaluate_promises(reg, Evidence(estimates=est,
                                        register=read_area_register(register))).iloc[0]
    assert r["status"] == UNKNOWN and math.isnan(r["delta"])
    assert "ritades om mellan 2022 och 2023 (01@2020 och 01@2023)" in r["explanation"]


def test_survey_with_a_suppressed_estimate_cannot_be_judged(tmp_path, register):
    reg = survey_registry(tmp_path, register)
    est = estimates([(2021, "02", 0.40, 0.03), (2022, "02", float("nan"), float("nan"), True)])
    r = evaluate_promises(reg, Evidence(estimates=est)).iloc[0]
    assert r["status"] == UNKNOWN and "för få svar" in r["explanation"]


# --- evaluation: walk, milestone, official, overall -----------------------------------------


def followup(share: float, counted: int = 10) -> pd.DataFrame:
    return pd.DataFrame({"dimension": ["ar"], "year": [2022], "area": [pd.NA],
                         "counted": [counted], "fixed": [round(share * counted)],
                         "share_fixed": [share], "as_of": [pd.Timestamp("2022-12-31")]})


@pytest.mark.parametrize("share, status", [(0.8, MET), (0.7, MET), (0.4, PARTLY), (0.3, NOT_MET)])
def test_walk_share_fixed_against_target(tmp_path, register, share, status):
    reg = registry_of(tmp_path, register, yaml_text(promise(
        "      - typ: vandring\n        matt: andel_atgardade\n        mal: '>= 70 %'\n")))
    r = evaluate_promises(reg, Evidence(walk_followup=followup(share))).iloc[0]
    assert r["status"] == status and r["value"] == share


def test_walk_count_of_walks_in_a_locality(tmp_path, register):
    reg = registry_of(tmp_path, register, yaml_text(promise(
        "      - typ: vandring\n        matt: vandringar\n        ort: Eslöv\n        mal: 2\n")))
    walks = pd.DataFrame({"year": [2022, 2022, 2022, 2021], "locality": ["Eslöv", "Stehag",
                                                                       "eslöv", "Eslöv"]})
    r = evaluate_promises(reg, Evidence(walks=walks)).iloc[0]
    assert r["status"] == MET and r["value"] == 2


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
    assert evaluate_promises(reg, Evidence(activities=frame))["status"].tolist() == [status]


def official_table(values: dict[int, float], versions=("02@2020", "02@2020")) -> pd.DataFrame:
    n = len(values)
    return pd.DataFrame({"year": list(values), "area": ["02"] * n, "area_name": ["Öster"] * n,
                         "area_version": list(versions)[:n], "indicator": ["totalindex"] * n,
                         "indicator_name": ["Totalindex"] * n, "value": list(values.values()),
                         "is_latest": [True] * n, "is_first": [True] * n,
                         "restated": [False] * n, "first_value": list(values.values()),
                         "latest_value": list(values.values())})


OFFICIAL = ("      - typ: polisindex\n        indikator: totalindex\n        omrade: '02'\n"
            "        riktning: minska\n        minsta_skillnad: 0.2\n")


@pytest.mark.parametrize("values, versions, status", [
    ({2021: 2.5, 2022: 2.2}, ("02@2020", "02@2020"), MET),
    ({2021: 2.5, 2022: 2.4}, ("02@2020", "02@2020"), NOT_MET),
    ({2021: 2.5, 2022: 2.9}, ("02@2020", "02@2020"), NOT_MET),
    ({2021: 2.5, 2022: 2.0}, ("02@2017", "02@2020"), UNKNOWN),
    ({2021: 2.5}, ("02@2020",), UNKNOWN),
])
def test_official_index_is_judged_against_the_minimum_difference(tmp_path, register, values,
                                                                 versions, status):
    reg = registry_of(tmp_path, register, yaml_text(promise(OFFICIAL)))
    r = evaluate_promises(reg, Evidence(official=official_table(values, versions))).iloc[0]
    assert r["status"] == status
    assert "saknar konfidensintervall" in r["explanation"]


@pytest.mark.parametrize("statuses, overall", [
    ([MET, MET], MET), ([MET, UNKNOWN], MET), ([NOT_MET, UNKNOWN], NOT_MET),
    ([MET, NOT_MET], PARTLY), ([PARTLY], PARTLY), ([UNKNOWN, UNKNOWN], UNKNOWN)])
def test_overall_status_of_a_promise(statuses, overall):
    assert _overall(statuses)[0] == overall


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
    assert "nedskrapning" not in set(m["item"])  # suppressed stays hidden
    assert promise_motivation(est, reg.iloc[0:0])["covered"].isna().all()


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
