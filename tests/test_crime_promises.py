"""Reported crime as a promise indicator (``typ: anmalda_brott``): the registry, the CI rule
and the evaluation with its evidence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.areas import read_area_register
from analysis.crime import CrimeEvidence, crime_config, crime_rates
from analysis.problems import DataError
from analysis.promises import (
    MET,
    NOT_MET,
    UNKNOWN,
    Evidence,
    crime_verdict,
    evaluate_promises,
    indicator_table,
    parse_registry,
    read_registry,
    registry_context,
)

HEAD = ("ar: {year}\nundertecknat: {year}-03-15\nparter: [Polisen, Kommunen]\nloften:\n"
        "  - id: p1\n    text: Ett löfte\n    indikatorer:\n      - typ: aktivitet\n"
        "        aktivitet: trafikinsats\n        mal: '>= 1'\n"
        "overgripande_mal:\n  - id: ungdomsvald\n    rubrik: Ungdomsvåldet ska minska\n"
        "    text: Ungdomsvåldet ska minska.\n    indikatorer:\n      - typ: anmalda_brott\n")


def registry(tmp_path: Path, register: Path, fields: str, year: int = 2024) -> pd.DataFrame:
    path = tmp_path / f"medborgarloften_{year}.yaml"
    path.write_text(HEAD.format(year=year) + fields, encoding="utf-8")
    reg = parse_registry(read_registry(path), registry_context(read_area_register(register)))
    return reg[reg["is_goal"]].reset_index(drop=True)


def test_registry_reads_the_category_method_and_smallest_change(tmp_path, register):
    reg = registry(tmp_path, register, "        brott: Ungdomsvåld\n        riktning: minska\n"
                   "        fran_ar: 2021\n        till_ar: 2024\n        metod: par\n"
                   '        minsta_betydelsefulla_forandring: "10 %"\n')
    r = reg.iloc[0]
    assert (r["crime"], r["area"], r["method"], r["min_change"]) == ("ungdomsvald", "kommunen",
                                                                      "par", 0.10)
    reg = registry(tmp_path, register, '        brott: "Misshandel inkl. grov"\n'
                   "        riktning: minska\n        mal: '<= 700'\n")
    assert (reg["crime"].iloc[0], reg["target_op"].iloc[0], reg["target_value"].iloc[0]) == (
        "misshandel", "<=", 700.0)


@pytest.mark.parametrize("fields, where, message", [
    ("        brott: Mishandel\n        riktning: minska\n", "brott", 'Menade du: "Misshandel'),
    ("        brott: ungdomsvåld\n        riktning: minska\n        omrade: '02'\n", "omrade",
     "anmälda brott finns bara för hela kommunen"),
    ("        brott: ungdomsvåld\n        riktning: minska\n"
     "        minsta_betydelsefulla_forandring: 0.1\n", "minsta_betydelsefulla_forandring",
     "relativ förändring i procent"),
    ("        brott: ungdomsvåld\n        riktning: minska\n        primar: ja\n", "primar",
     "gäller bara enkätindikatorer"),
    ("        brott: ungdomsvåld\n        riktning: minska\n        mal: '>= 10'\n", "mal",
     "pekar åt andra hållet"),
])
def test_registry_problems_name_the_field(tmp_path, register, fields, where, message):
    with pytest.raises(DataError) as err:
        registry(tmp_path, register, fields)
    text = str(err.value)
    assert f'overgripande_mal[0].indikatorer[0].{where}"' in text and message in text, text


def _evidence(rr, lo, hi, *, rate_to=100.0, rate_lo=80.0, rate_hi=120.0) -> CrimeEvidence:
    return CrimeEvidence("par", 2023, 2024, 50, 45, 110.0, 90.0, 130.0, rate_to, rate_lo,
                         rate_hi, rr, lo, hi, 0.5, 0.2)


@pytest.mark.parametrize("rr, lo, hi, direction, mic, expected", [
    (0.7, 0.55, 0.9, "minska", None, (MET, "promised")),
    (1.3, 1.1, 1.5, "minska", None, (NOT_MET, "wrong")),
    (0.95, 0.8, 1.1, "minska", None, (UNKNOWN, "unclear")),
    (0.98, 0.95, 1.02, "minska", 0.10, (NOT_MET, "below_min")),  # a 10 % fall is excluded
    (0.95, 0.85, 1.05, "minska", 0.10, (UNKNOWN, "unclear")),
    (1.3, 1.1, 1.5, "oka", None, (MET, "promised")),
    (1.01, 0.97, 1.04, "oka", 0.05, (NOT_MET, "below_min")),
])
def test_crime_verdict_is_the_survey_rule_on_the_rate_ratio(rr, lo, hi, direction, mic,
                                                           expected):
    assert crime_verdict(_evidence(rr, lo, hi), direction=direction, min_change=mic) == expected


@pytest.mark.parametrize("low, high, expected", [(60.0, 95.0, MET), (105.0, 130.0, NOT_MET),
                                                 (80.0, 120.0, UNKNOWN)])
def test_crime_verdict_with_a_target_rate(low, high, expected):
    e = _evidence(0.9, 0.7, 1.1, rate_lo=low, rate_hi=high)
    assert crime_verdict(e, direction="minska", target_op="<=", target=100.0)[0] == expected


def _rates(counts: dict[int, int], population: int = 4500) -> pd.DataFrame:
    rows = [{"region": "1285", "region_name": "Eslöv", "region_level": "kommun",
             "category": c, "category_name": c, "year": y, "month": pd.NA, "count": n,
             "missing": False, "preliminary": y == 2024, "restated": False, "is_latest": True,
             "victim_age_from": a, "victim_age_to": b}
            for y, n in counts.items()
            for c, a, b, share in [("misshandel_7_14", 7, 14, 0.6), ("misshandel_15_17", 15, 17, 0.3),
                                   ("personran_0_17", 0, 17, 0.1)]
            for n in [round(n * share)]]
    crime = pd.DataFrame(rows)
    for c in ("count", "month", "victim_age_from", "victim_age_to"):
        crime[c] = crime[c].astype("Int64")
    pop = pd.DataFrame([{"region": "1285", "year": y, "age_from": a, "age_to": a,
                         "population": population // 11}
                        for y in counts for a in range(7, 18)]
                       + [{"region": "1285", "year": y, "age_from": None, "age_to": None,
                           "population": 35000} for y in counts])
    pop["age_from"] = pop["age_from"].astype("Int64")
    pop["age_to"] = pop["age_to"].astype("Int64")
    return crime_rates(crime, pop, crime_config(None, crime))


def test_evaluation_of_youth_violence_gives_a_verdict_with_evidence(tmp_path, register):
    reg = registry(tmp_path, register, "        brott: ungdomsvåld\n        riktning: minska\n"
                   "        fran_ar: 2021\n        till_ar: 2024\n")
    rates = _rates({2021: 110, 2022: 92, 2023: 76, 2024: 53})
    ev = evaluate_promises(reg, Evidence(crime=rates)).iloc[0]
    assert (ev["status"], ev["method"], ev["unit"], ev["part"]) == (MET, "trend", "per 100 000",
                                                                    "effekt")
    assert ev["effect_status"] == MET and ev["ci_high_delta"] < 0
    assert ev["estimate_to"] < ev["estimate_from"] and ev["p"] < 0.05
    assert ev["delta"] == pytest.approx(ev["estimate_to"] - ev["estimate_from"])
    text = ev["explanation"]
    assert "Poissonregression över 4 år 2021–2024" in text and "7–17 år" in text
    assert "Siffrorna för 2024 är preliminära." in text and "som lovat" in text
    assert ev["label"].startswith("Anmälda brott: ungdomsvåld")
    sentence = indicator_table(pd.DataFrame([ev]).astype({"year": "Int64"}), 2024)[
        "Bedömning i klartext"].iloc[0]
    assert "enligt trenden – uppfyllt" in sentence


def test_two_years_and_missing_data(tmp_path, register):
    reg = registry(tmp_path, register, "        brott: ungdomsvåld\n        riktning: minska\n"
                   "        fran_ar: 2023\n        till_ar: 2024\n", year=2024)
    rates = _rates({2023: 76, 2024: 70})
    ev = evaluate_promises(reg, Evidence(crime=rates)).iloc[0]
    assert (ev["status"], ev["method"]) == (UNKNOWN, "par")
    assert "exakt test p = " in ev["explanation"] and np.isfinite(ev["mdc"])
    missing = evaluate_promises(reg, Evidence(crime=_rates({2024: 70}))).iloc[0]
    assert missing["status"] == UNKNOWN and "2023 saknas i underlaget" in missing["explanation"]
    none = evaluate_promises(reg, Evidence()).iloc[0]
    assert "anmälda brott finns inte i underlaget" in none["explanation"]
