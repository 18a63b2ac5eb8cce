"""Synthetic reported crime (Brå-like) and population (SCB-like) for Eslöv, Skåne and riket.

Three files in ``anmalda_brott/``, each with title rows above a wide table (years as
columns), as the statistics databases export them:

* ``anmalda_brott_2015-2023_syntetisk.csv`` – an older export: 2015–2023, with 2023 marked
  preliminary (``2023*``) and footnotes below the table;
* ``anmalda_brott_2019-2024_syntetisk.csv`` – a newer export: 2019–2024, 2023 now final
  (restated, a few crimes more) and 2024 preliminary. 2019–2022 are in both files with the
  same values (a large query split in two), so both vintages of 2023 are kept;
* ``folkmangd_2015-2024_syntetisk.csv`` – SCB's folkmängd the 31 December by region and
  age (``totalt ålder`` and one-year ages 0–17), comma-separated in Windows-1252 as SCB's
  CSV often is.

Brå's layout: the region written only on its first row (PX-Web), ``..`` where a value is
missing (Eslöv's klotter 2015) and ``-`` for zero. The numbers are invented around
realistic levels per 100 000 inhabitants; the story is that youth violence in Eslöv
(assault against children 7–17 and robbery of children) peaked in 2020–2021 and then fell,
while Skåne and riket changed little. Counts are drawn from Poisson distributions with
Python's ``random.Random`` and a fixed seed, so the files are the same byte for byte on
every run and platform.
"""

from __future__ import annotations

import csv
import io
import math
import random
from pathlib import Path

from analysis.demo.notice import DEMO_NOTICE
from analysis.files import write_bytes
from analysis.paths import CRIME_DIR

SEED = 20250315
YEARS = list(range(2015, 2025))
OLD_FILE, NEW_FILE = "anmalda_brott_2015-2023_syntetisk.csv", "anmalda_brott_2019-2024_syntetisk.csv"
POP_FILE = "folkmangd_2015-2024_syntetisk.csv"
OLD_YEARS, NEW_YEARS = list(range(2015, 2024)), list(range(2019, 2025))
RESTATED_2023 = {"samtliga": 41, "stold_ran": 12, "brott_mot_person": 6, "misshandel": 2,
                 "misshandel_18_": 2}  # crimes added when 2023 became final (Eslöv)

# region label as Brå writes it, SCB's label, population in 2015 and yearly growth
REGIONS = [("Eslöv", "1285 Eslöv", 32_900, 0.0085),
           ("Skåne län", "12 Skåne län", 1_320_000, 0.0095),
           ("Riket", "00 Riket", 9_850_000, 0.0080)]
YOUTH_SHARE = 0.215  # share aged 0–17, spread evenly over the 18 one-year ages (roughly)

# Base rates per 100 000 inhabitants (all ages) for riket; per 100 000 of the victims' ages
# for the age sub-categories. Region factors scale them.
BASE = {"samtliga_ovrigt": 5_400, "olaga_hot": 720, "personovrigt": 900, "butiksran": 25,
        "misshandel_0_6": 530, "misshandel_7_14": 1_300, "misshandel_15_17": 1_900,
        "misshandel_18_": 640, "personran_0_17": 90, "personran_18_": 55,
        "bostadsinbrott": 115, "cykelstold": 430, "stold_ovrigt": 3_700,
        "klotter": 430, "skadegorelse_ovrigt": 1_000, "narkotika": 900}
FACTOR = {"Eslöv": {"bostadsinbrott": 1.3, "cykelstold": 0.8, "narkotika": 0.8,
                    "klotter": 0.7, "samtliga_ovrigt": 0.85, "stold_ovrigt": 0.85,
                    "misshandel_7_14": 1.1, "misshandel_15_17": 1.15},
          "Skåne län": {"narkotika": 1.1, "bostadsinbrott": 1.15, "personran_0_17": 1.05}}
# Youth violence in Eslöv by year (multiplies the youth categories): a peak, then a fall.
ESLOV_YOUTH = {2015: 0.95, 2016: 1.0, 2017: 1.05, 2018: 1.1, 2019: 1.2, 2020: 1.3,
               2021: 1.3, 2022: 1.1, 2023: 0.9, 2024: 0.78}
YOUTH = ("misshandel_7_14", "misshandel_15_17", "personran_0_17")
AGES = {"misshandel_0_6": (0, 6), "misshandel_7_14": (7, 14), "misshandel_15_17": (15, 17),
        "personran_0_17": (0, 17)}
LABELS = [  # (code, Brå's label, as written in the export); parents first, as Brå lists them
    ("samtliga", "Samtliga brott"),
    ("brott_mot_person", "Brott mot person (3–7 kap. BrB)"),
    ("misshandel", "Misshandel inkl. grov"),
    ("misshandel_0_6", "Misshandel inkl. grov mot barn 0–6 år"),
    ("misshandel_7_14", "Misshandel inkl. grov mot barn 7–14 år"),
    ("misshandel_15_17", "Misshandel inkl. grov mot barn 15–17 år"),
    ("misshandel_18_", "Misshandel inkl. grov mot person 18 år eller äldre"),
    ("olaga_hot", "Olaga hot inkl. grovt"),
    ("stold_ran", "Stöld-, rån- och häleribrott (8 kap. BrB)"),
    ("ran", "Rån inkl. grovt"),
    ("personran", "Personrån"),
    ("personran_0_17", "Personrån mot barn 0–17 år"),
    ("personran_18_", "Personrån mot person 18 år eller äldre"),
    ("bostadsinbrott", "Bostadsinbrott"),
    ("cykelstold", "Cykelstöld"),
    ("skadegorelse", "Skadegörelsebrott (12 kap. BrB)"),
    ("klotter", "Klotter"),
    ("narkotika", "Narkotikabrott"),
]


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method below 30, a rounded normal above)."""
    if mean < 30:
        limit, k, p = math.exp(-mean), 0, 1.0
        while True:
            p *= rng.random()
            if p <= limit:
                return k
            k += 1
    return max(0, round(rng.gauss(mean, math.sqrt(mean))))


def population() -> dict[tuple[str, int], dict[str, int]]:
    """(region label, year) -> {"total": n, "0".."17": n per one-year age}."""
    out = {}
    for label, _, start, growth in REGIONS:
        for k, year in enumerate(YEARS):
            total = round(start * (1 + growth) ** k)
            ages = {}
            for age in range(18):
                # a slight wave over ages and years, so the one-year ages differ
                w = 1 + 0.04 * math.sin(age / 2.7 + k / 3.0)
                ages[str(age)] = round(total * YOUTH_SHARE / 18 * w)
            out[(label, year)] = {"total": total, **ages}
    return out


def _in_ages(pop: dict[str, int], ages: tuple[int, int]) -> int:
    return sum(pop[str(a)] for a in range(ages[0], ages[1] + 1))


def counts() -> dict[tuple[str, str, int], int]:
    """(region label, category code, year) -> reported crimes (the final numbers)."""
    rng = random.Random(SEED)
    pop = population()
    out: dict[tuple[str, str, int], int] = {}
    for label, *_ in REGIONS:
        for year in YEARS:
            p = pop[(label, year)]
            drift = 1 - 0.01 * (year - 2019)  # crime falls slowly everywhere
            c = {}
            for code, base in BASE.items():
                n = _in_ages(p, AGES[code]) if code in AGES else (
                    p["total"] - _in_ages(p, (0, 17)) if code in ("misshandel_18_",
                                                                 "personran_18_") else p["total"])
                factor = FACTOR.get(label, {}).get(code, 1.0) * drift
                if code in YOUTH:
                    factor *= ESLOV_YOUTH[year] if label == "Eslöv" else (
                        1.0 - 0.015 * (year - 2019) if label == "Skåne län" else 1.0)
                c[code] = _poisson(rng, base / 100_000 * n * factor)
            c["misshandel"] = sum(c[k] for k in ("misshandel_0_6", "misshandel_7_14",
                                                 "misshandel_15_17", "misshandel_18_"))
            c["personran"] = c["personran_0_17"] + c["personran_18_"]
            c["ran"] = c["personran"] + c.pop("butiksran")
            c["brott_mot_person"] = c["misshandel"] + c["olaga_hot"] + c.pop("personovrigt")
            c["stold_ran"] = c["ran"] + c["bostadsinbrott"] + c["cykelstold"] + c.pop(
                "stold_ovrigt")
            c["skadegorelse"] = c["klotter"] + c.pop("skadegorelse_ovrigt")
            c["samtliga"] = (c["brott_mot_person"] + c["stold_ran"] + c["skadegorelse"]
                             + c["narkotika"] + c.pop("samtliga_ovrigt"))
            for code, n in c.items():
                out[(label, code, year)] = n
    return out


def _cell(n: int | None) -> str:
    if n is None:
        return ".."
    return "-" if n == 0 else str(n)


def _crime_table(years: list[int], preliminary: int, restated: bool) -> list[list[str]]:
    """The wide rows of one Brå export: region on its first row only (PX-Web)."""
    c = counts()
    rows = []
    for label, *_ in REGIONS:
        for k, (code, name) in enumerate(LABELS):
            cells = []
            for year in years:
                n = c[(label, code, year)]
                if label == "Eslöv" and year == 2023 and not restated:
                    n -= RESTATED_2023.get(code, 0)  # as first published (preliminary)
                if label == "Eslöv" and code == "klotter" and year == 2015:
                    n = None  # uppgift saknas
                cells.append(_cell(n))
            rows.append([label if k == 0 else "", name, *cells])
    return rows


def _csv(lines: list[list[str]], *, sep: str = ";", encoding: str = "utf-8-sig",
         quote: bool = False) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=sep, lineterminator="\r\n",
                   quoting=csv.QUOTE_ALL if quote else csv.QUOTE_MINIMAL)
    for line in lines:
        if len(line) == 1:  # a title row: one cell, no separators (as the databases write)
            buf.write((f'"{line[0]}"' if quote else line[0]) + "\r\n")
        else:
            w.writerow(line)
    return buf.getvalue().encode(encoding)


def crime_bytes(years: list[int], preliminary: int, restated: bool) -> bytes:
    """A Brå-like export: title rows, the wide table, footnotes padded to the table's width."""
    header = ["Region", "Brottskategori",
              *[f"{y}*" if y == preliminary else str(y) for y in years]]
    width = len(header)
    notes = ["* Preliminär statistik.", ".. = uppgift saknas. - = noll.",
             "Källa: syntetiska demodata i formen av en export från Brås statistikdatabas "
             "(inte Brås siffror)."]
    lines = [["Anmälda brott: antal efter region och brottskategori per år"],
             [DEMO_NOTICE], [f"Export {years[0]}–{years[-1]} (syntetisk)"], [""],
             header, *_crime_table(years, preliminary, restated), [""] * width,
             *[[n] + [""] * (width - 1) for n in notes]]
    return _csv(lines)


def population_bytes() -> bytes:
    """An SCB-like export: title rows, region × age rows, one column per year (cp1252, ",")."""
    pop = population()
    lines = [["Folkmängden den 31 december efter region, ålder och år"], [DEMO_NOTICE], [""],
             ["region", "ålder", *map(str, YEARS)]]
    for label, scb, *_ in REGIONS:
        lines.append([scb, "totalt ålder", *[str(pop[(label, y)]["total"]) for y in YEARS]])
        for age in range(18):
            lines.append([scb, f"{age} år", *[str(pop[(label, y)][str(age)]) for y in YEARS]])
    return _csv(lines, sep=",", encoding="cp1252", quote=True)


README = f"""# Anmälda brott och folkmängd (demo)

{DEMO_NOTICE}

Påhittade siffror i samma form som exporter från Brås statistikdatabas (anmälda brott) och
SCB:s statistikdatabas (folkmängd): titelrader ovanför tabellen och åren som kolumner.
Inte Brås eller SCB:s siffror.

- `{OLD_FILE}`: en äldre export 2015–2023 där 2023 är preliminär (`2023*`); Eslövs klotter
  2015 saknas (`..`), `-` betyder noll.
- `{NEW_FILE}`: en nyare export 2019–2024 där 2023 är slutlig (några fler brott än i den
  preliminära) och 2024 preliminär. Båda versionerna av 2023 sparas.
- `{POP_FILE}`: folkmängd den 31 december per region och ålder (totalt och ettårsklasser
  0–17 år), kommaseparerad i Windows-1252 som SCB:s CSV.

Ungdomsvåldet (misshandel mot barn 7–17 år och personrån mot barn) i Eslöv är påhittat så
att det toppar 2020–2021 och sedan minskar. Formatet beskrivs i docs/anmalda_brott.md.
"""


def write(raw_dir: Path) -> list[Path]:
    """Write the two Brå-like exports, the SCB-like population and a README; return the paths."""
    folder = Path(raw_dir) / CRIME_DIR
    return [write_bytes(folder / OLD_FILE, crime_bytes(OLD_YEARS, 2023, restated=False)),
            write_bytes(folder / NEW_FILE, crime_bytes(NEW_YEARS, 2024, restated=True)),
            write_bytes(folder / POP_FILE, population_bytes()),
            write_bytes(folder / "README.md", README.encode("utf-8"))]
