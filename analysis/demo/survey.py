"""Synthetic survey deliveries for 2019–2024, shaped like Eslöv's (DOMAIN §2c).

About 300 invited per area and year, 50–65 % answering (older people answer
more often); strata = area; non-response weights = population / respondents
per area × age group. The answers come from a latent model with real signal:
traffic problems high in Landsbygd, disorder and drugs in the centre and
Berga, unsafe-at-night highest in the centre, and trends that differ by area
(Berga's youth-gang problem peaks in 2021–2022 and falls; missbruk in the
centre rises 2023–2024; traffic in Landsbygd grows slowly).

Deliveries in the formats kommuner get: 2019–2021 as cp1252 CSV with ``;``
and decimal-comma weights (area names, some labels in odd case and spacing),
2022–2023 as UTF-8-with-BOM CSV with ``,`` (area codes, other header
variants), 2024 as Excel. Every file carries a "Datakälla" column saying the
data are synthetic.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import expit, logit

from analysis.codebook import load_codebook
from analysis.demo.areas import areas_valid
from analysis.demo.notice import DEMO_NOTICE
from analysis.files import write_bytes, xlsx_bytes
from analysis.paths import SURVEY_DIR

SEED = 20221128
YEARS = range(2019, 2025)
INVITED = 300
AGE_GROUPS = ["16–24", "25–44", "45–64", "65–85"]
AGE_SHARE = np.array([0.14, 0.32, 0.31, 0.23])
AGE_PROPENSITY = np.array([0.55, 0.8, 1.05, 1.25])

# Population aged 16–85 per area version (approximate, from DOMAIN §2c).
POPULATION = {
    ("01", 2019): 16100, ("01", 2020): 8600, ("01", 2023): 6100,
    ("02", 2019): 10900, ("03", 2020): 2800, ("04", 2020): 2300, ("05", 2020): 2400,
    ("06", 2023): 2500,
}

PROBLEM_ITEMS = ["nedskrapning", "skadegorelse", "klotter", "morka_omraden", "buskorning",
                 "fortkorning", "moped_gc", "missbruk", "ungdomsgang", "brak_slagsmal",
                 "bostadsinbrott", "bilbrott", "cykelstolder", "vald_allman_plats", "ran_hot"]
BASE = {"nedskrapning": 1.25, "skadegorelse": 1.05, "klotter": 0.9, "morka_omraden": 1.0,
        "buskorning": 0.9, "fortkorning": 1.5, "moped_gc": 1.15, "missbruk": 0.85,
        "ungdomsgang": 0.75, "brak_slagsmal": 0.45, "bostadsinbrott": 1.0, "bilbrott": 0.85,
        "cykelstolder": 1.05, "vald_allman_plats": 0.45, "ran_hot": 0.35}
DISORDER = ["missbruk", "ungdomsgang", "brak_slagsmal", "nedskrapning", "klotter",
            "skadegorelse", "cykelstolder", "vald_allman_plats", "ran_hot"]
TRAFFIC = ["fortkorning", "buskorning", "moped_gc"]
DONT_KNOW = {"bostadsinbrott": 0.08, "bilbrott": 0.09, "cykelstolder": 0.12,
             "vald_allman_plats": 0.1, "ran_hot": 0.12, "missbruk": 0.14, "ungdomsgang": 0.08}

# Share unsafe out alone late at night, by area version.
UNSAFE = {("01", 2019): 0.36, ("01", 2020): 0.41, ("01", 2023): 0.35, ("02", 2019): 0.21,
          ("03", 2020): 0.40, ("04", 2020): 0.29, ("05", 2020): 0.24, ("06", 2023): 0.48}


def _version(code: str, year: int) -> tuple[str, int]:
    starts = sorted(s for (c, s) in POPULATION if c == code and s <= year)
    return code, starts[-1]


def _area_offset(code: str, year: int, item: str) -> float:
    """Latent shift (score units) for an area, year and item: level + trend."""
    v = _version(code, year)
    off = 0.0
    if v in {("06", 2023), ("01", 2019), ("01", 2020)}:  # the centre, or areas containing it
        off += {"06": 0.75, "01": 0.45}[code] * (item in DISORDER)
        off += 0.25 * (item == "morka_omraden")
        off -= 0.25 * (item in TRAFFIC)
    if v == ("01", 2023):
        off += 0.15 * (item in DISORDER)
    if code == "03":  # Berga
        off += 0.55 * (item in ["ungdomsgang", "missbruk", "skadegorelse", "brak_slagsmal"])
        off += 0.3 * (item == "nedskrapning")
        if item == "ungdomsgang":  # peaks 2021–2022, then falls
            off += {2020: 0.1, 2021: 0.35, 2022: 0.4, 2023: 0.05, 2024: -0.45}.get(year, 0)
    if code == "05":
        off -= 0.2
        off += 0.25 * (item == "bostadsinbrott")
    if code == "02":  # Landsbygd
        off += {"fortkorning": 0.55, "buskorning": 0.45, "morka_omraden": 0.4,
                "bostadsinbrott": 0.3}.get(item, 0.0)
        off -= 0.45 * (item in ["missbruk", "ungdomsgang", "brak_slagsmal", "cykelstolder",
                                "klotter"])
        if item == "fortkorning":
            off += 0.07 * (year - 2019)
    if code == "06" and item == "missbruk":
        off += 0.45 * (year >= 2024)
    if code == "01" and item == "morka_omraden" and 2020 <= year <= 2022:
        off -= 0.12 * (year - 2020)
    off += {2020: -0.08, 2022: 0.08}.get(year, 0.0)
    return off


def _respondents(rng: np.random.Generator, code: str, year: int) -> pd.DataFrame:
    pop = POPULATION[_version(code, year)]
    invited_age = rng.choice(len(AGE_GROUPS), size=INVITED, p=AGE_SHARE)
    rate = rng.uniform(0.50, 0.65)
    p = np.clip(rate * AGE_PROPENSITY[invited_age], 0, 0.97)
    answered = rng.random(INVITED) < p
    age = invited_age[answered]
    n = len(age)
    sex = np.where(rng.random(n) < 0.53, "Kvinna", "Man")
    # non-response weights: population / respondents per age group within the area
    counts = np.bincount(age, minlength=len(AGE_GROUPS)).astype(float)
    weight = pop * AGE_SHARE[age] / counts[age]
    return pd.DataFrame({"age": age, "sex": sex, "weight": weight})


def _problem_answers(rng, frame, code, year):
    n = len(frame)
    person = rng.normal(0, 0.45, n)
    out = {}
    for item in PROBLEM_ITEMS:
        mu = BASE[item] + _area_offset(code, year, item)
        latent = mu + person + rng.normal(0, 0.7, n)
        ans = np.select([latent < 0.5, latent < 1.5, latent < 2.5], [1, 3, 4], 5)
        labels = np.array(["", "Inget problem alls", "Mycket litet problem", "Ganska litet problem",
                           "Ganska stort problem", "Mycket stort problem"], dtype=object)[ans]
        r = rng.random(n)
        labels = np.where(r < DONT_KNOW.get(item, 0.04), "Vet ej", labels)
        labels = np.where(r > 0.98, "", labels)  # item non-response
        out[item] = labels
    return out, person


def _categorical(rng, p_yes_by_person, yes_labels, yes_probs, no_labels, no_probs):
    n = len(p_yes_by_person)
    yes = rng.random(n) < p_yes_by_person
    a = rng.choice(yes_labels, size=n, p=yes_probs)
    b = rng.choice(no_labels, size=n, p=no_probs)
    return np.where(yes, a, b).astype(object)


def _other_answers(rng, frame, person, code, year):
    n = len(frame)
    female = (frame["sex"] == "Kvinna").to_numpy()
    old = (frame["age"] == 3).to_numpy()
    v = _version(code, year)
    base = UNSAFE[v] + (0.04 if code == "06" and year >= 2024 else 0.0)
    p_unsafe = expit(logit(base) + 2.0 * person + 0.45 * (female - 0.5))
    out = {}
    unsafe = _categorical(rng, p_unsafe, ["Ganska otrygg", "Mycket otrygg",
                                          "Går aldrig ut av otrygghet"], [0.6, 0.3, 0.1],
                          ["Mycket trygg", "Ganska trygg"], [0.45, 0.55])
    r = rng.random(n)
    unsafe = np.where(r < np.where(old, 0.09, 0.03), "Går aldrig ut av andra skäl", unsafe)
    out["otrygg_kvall"] = np.where(r > 0.975, "Vet ej", unsafe)
    centre = 1.0 if v in {("06", 2023), ("01", 2020), ("01", 2019)} else 0.0
    for item, p, shift in [("oro_brott", 0.2, 0.5 * centre), ("oro_inbrott", 0.22,
                                                                0.3 * (code in ("02", "05")))]:
        pp = expit(logit(p) + shift + 1.5 * person)
        out[item] = _categorical(rng, pp, ["Mycket ofta", "Ganska ofta"], [0.3, 0.7],
                                 ["Ganska sällan", "Aldrig"], [0.6, 0.4])
    for item, p in [("avstar_restaurang", 0.09 + 0.06 * centre), ("avstar_moten",
                                                                  0.06 + 0.03 * centre)]:
        pp = expit(logit(p) + 1.5 * person)
        out[item] = _categorical(rng, pp, ["Ja, ofta", "Ja, ibland"], [0.3, 0.7], ["Nej"], [1.0])
    for item, p in [("utsatt_vald", 0.025), ("utsatt_hot", 0.05), ("utsatt_stold", 0.08),
                    ("utsatt_skadegorelse", 0.07), ("utsatt_bedrageri", 0.08)]:
        pp = np.full(n, p * (1.3 if centre else 1.0))
        out[item] = _categorical(rng, pp, ["Ja"], [1.0], ["Nej"], [1.0])
    agree = expit(logit(0.52 - 0.05 * centre) - 0.8 * person)
    ans = _categorical(rng, agree, ["Instämmer helt", "Instämmer delvis"], [0.35, 0.65],
                       ["Instämmer inte särskilt", "Instämmer inte alls"], [0.6, 0.4])
    out["polisen_bryr_sig"] = np.where(rng.random(n) < 0.3, "Vet ej", ans)
    trust = expit(logit(0.68) - 0.6 * person)
    ans = _categorical(rng, trust, ["Mycket stort förtroende", "Ganska stort förtroende"],
                       [0.3, 0.7], ["Ganska litet förtroende", "Mycket litet förtroende"],
                       [0.7, 0.3])
    out["fortroende_polis"] = np.where(rng.random(n) < 0.1, "Vet ej", ans)
    return out


def demo_responses(year: int) -> pd.DataFrame:
    """The synthetic delivery for one year, as labelled strings (before file formatting)."""
    codebook = load_codebook()
    rng = np.random.default_rng([SEED, year])
    frames = []
    for code, name in areas_valid(year):
        frame = _respondents(rng, code, year)
        problems, person = _problem_answers(rng, frame, code, year)
        others = _other_answers(rng, frame, person, code, year)
        block = pd.DataFrame({"area_code": code, "area_name": name, "sex": frame["sex"],
                              "age_group": np.array(AGE_GROUPS, dtype=object)[frame["age"]],
                              "weight": frame["weight"]})
        for item, labels in (problems | others).items():
            block[item] = labels
        frames.append(block)
    data = pd.concat(frames, ignore_index=True)
    order = rng.permutation(len(data))  # deliveries are not sorted by area
    data = data.iloc[order].reset_index(drop=True)
    data.insert(0, "respondent_id", [str(year * 10000 + i + 1) for i in range(len(data))])
    data.insert(1, "year", year)
    assert set(data.columns) >= set(PROBLEM_ITEMS) and codebook is not None
    return data


def _labelled(data: pd.DataFrame, headers: dict[str, str], area_col: str) -> pd.DataFrame:
    codebook = load_codebook()
    out = pd.DataFrame({
        "Löpnummer": data["respondent_id"], "År": data["year"].astype(str),
        headers.get("area", "Område"): data[area_col],
        "Kön": data["sex"], "Åldersgrupp": data["age_group"],
    })
    for item in codebook.item_codes:
        if item in data.columns:
            out[headers.get(item, codebook.item(item).label)] = data[item]
    out["Datakälla"] = "Syntetiska demodata – inte verkliga svar"
    return out


def _odd_case(rng, values: pd.Series) -> pd.Series:
    """A few labels in odd case and spacing, as hand-keyed deliveries have."""
    v = values.copy()
    pick = rng.random(len(v)) < 0.03
    v[pick] = ["  " + s.upper() + " " if s else s for s in v[pick]]
    return v


def _csv_text(frame: pd.DataFrame, sep: str) -> str:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=sep, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(frame.columns)
    writer.writerows(frame.itertuples(index=False))
    return buf.getvalue()


def write(raw_dir: Path) -> list[Path]:
    folder = raw_dir / SURVEY_DIR
    written = []
    for year in YEARS:
        data = demo_responses(year)
        rng = np.random.default_rng([SEED, year, 1])
        if year <= 2021:
            frame = _labelled(data, {}, "area_name")
            for col in ["Nedskräpning", "Klotter", "Bilar som kör för fort"]:
                frame[col] = _odd_case(rng, frame[col])
            frame.insert(5, "Vikt", [f"{w:.4f}".replace(".", ",") for w in data["weight"]])
            path = folder / f"trygghetsmatning_{year}_syntetisk.csv"
            write_bytes(path, _csv_text(frame, ";").encode("cp1252"))
        elif year <= 2023:
            headers = {"area": "Delområde", "morka_omraden": "Mörka områden",
                       "buskorning": "Buskörning", "fortkorning": "Fortkörning"}
            frame = _labelled(data, headers, "area_code")
            frame.insert(5, "Vikt", [f"{w:.4f}" for w in data["weight"]])
            path = folder / f"trygghetsmatning_{year}_syntetisk.csv"
            write_bytes(path, _csv_text(frame, ",").encode("utf-8-sig"))
        else:
            frame = _labelled(data, {}, "area_code")
            frame.insert(5, "Vikt", data["weight"].round(4))
            path = folder / f"trygghetsmatning_{year}_syntetisk.xlsx"
            write_bytes(path, xlsx_bytes(frame, "Svar (syntetiska)"))
        written.append(path)
    readme = folder / "README.md"
    write_bytes(readme, (
        f"# Trygghetsmätning – {DEMO_NOTICE}\n\n"
        "Filerna är genererade av `trygghet demo` (fast slumpfrö, samma bytes varje gång). "
        "De följer Eslövs struktur: två områden 2019, fem från 2020 och sex från 2023, "
        "cirka 300 tillfrågade per område och 50–65 % svarande. Svaren är påhittade.\n\n"
        "- 2019–2021: CSV i cp1252 med semikolon och decimalkomma i vikterna, områdesnamn, "
        "några svar i udda versaler och blanksteg.\n"
        "- 2022–2023: CSV i UTF-8 med BOM och komma som avgränsare, områdeskoder och andra "
        "rubrikvarianter (Delområde, Mörka områden, Buskörning, Fortkörning).\n"
        "- 2024: Excel (.xlsx).\n").encode())
    written.append(readme)
    return written
