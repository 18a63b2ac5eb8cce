"""Synthetic published police index tables for Eslöv 2017–2024 (DOMAIN §2b, §2c).

The table is what an analyst types from the police's yearly reports: one row
per year × area × indicator, with source document, publication date and page.
It follows the real area structure of ``analysis.demo.areas`` (two areas to
2019, five from 2020, six from 2023), and the kommun and LPO totals.

The values are invented (0–6, two decimals) but run in the same direction as
the demo survey (``analysis.demo.survey``): disorder, drugs and litter higher
in Eslövs tätort/centrum and Berga, traffic and darkness higher in Landsbygd,
Berga's youth-gang problem peaking 2021–2022, and kommun levels following the
published LPO totalindex (2.50 in 2017 … 1.97 in 2023). Two features test the
reader:

* the 2017 report is printed ×100 (e.g. 250 = 2,50), declared with ``skala``
  ``0-600``;
* the LPO totalindex for 2021 is published as 1,88 in the 2021 report and
  restated as 1,97 in the 2022 report (both rows are kept);
* the reference levels polisområde and polisregion are written as the reports do
  ("Polisområdet", "Polisregion Syd"), every indicator every year, appended last.

No random generator: the small area-to-area and year-to-year variation comes
from a checksum of the row's key, so the file is the same byte for byte on
every run and platform.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from analysis.codebook import load_police_indicators
from analysis.demo.areas import areas_valid
from analysis.demo.notice import DEMO_NOTICE
from analysis.files import write_bytes
from analysis.paths import OFFICIAL_DIR

FILE = "polisens_index_2017-2024_syntetisk.csv"
YEARS = range(2017, 2025)
X100_YEAR = 2017
NOTE = "syntetiska demodata"

# Published LPO Eslöv totalindex (DOMAIN §2b) and an invented 2024 value.
LPO_TOTAL = {2017: 2.50, 2018: 2.41, 2019: 2.31, 2020: 1.91, 2021: 1.88, 2022: 2.11,
             2023: 1.97, 2024: 2.02}
KOMMUN_ABOVE_LPO = 0.06  # Eslöv kommun 2020: 1.97 against the LPO's 1.91
RESTATED = (2021, 1.97, 2022)  # LPO 2021 totalindex as restated in the 2022 report
PUBLISHED = {2017: "2017-12-06", 2018: "2018-11-28", 2019: "2019-11-27", 2020: "2020-12-03",
             2021: "2021-12-02", 2022: "2022-12-01", 2023: "2023-11-30", 2024: "2024-11-28"}

# Level of each indicator in an average area (index 0–6).
BASE = {"nedskrapning": 2.5, "skadegorelse": 2.1, "klotter": 1.8, "morka_omraden": 2.0,
        "buskorning": 1.8, "fortkorning": 3.0, "moped_gc": 2.3, "missbruk": 1.7,
        "berusade": 1.6, "narkotikapaverkade": 1.4, "narkotikaforsaljning": 1.0,
        "ungdomsgang": 1.5, "brak_slagsmal": 0.9, "bostadsinbrott": 2.0, "bilbrott": 1.7,
        "cykelstolder": 2.1, "vald_allman_plats": 0.9, "ran_hot": 0.7, "oro_brott": 2.2,
        "oro_inbrott": 2.4, "otrygg_kvall": 2.4, "avstar_restaurang": 1.0, "avstar_moten": 0.8,
        "utsatt_vald": 0.3, "utsatt_hot": 0.5, "utsatt_stold": 0.7, "utsatt_skadegorelse": 0.6,
        "utsatt_bedrageri": 0.6, "polisen_bryr_sig": 2.7, "fortroende_polis": 2.2}
DISORDER = {"missbruk", "berusade", "narkotikapaverkade", "narkotikaforsaljning", "ungdomsgang",
            "brak_slagsmal", "nedskrapning", "klotter", "skadegorelse", "cykelstolder",
            "vald_allman_plats", "ran_hot"}
TRAFFIC = {"fortkorning", "buskorning", "moped_gc"}
UNSAFE = {"otrygg_kvall", "oro_brott", "avstar_restaurang", "avstar_moten"}
VICTIM = {"utsatt_vald", "utsatt_hot", "utsatt_stold", "utsatt_skadegorelse", "utsatt_bedrageri"}
# Reference levels above the LPO (DOMAIN §2b): area text and shift from the kommun value.
REFERENCE_LEVELS = (("Polisområdet", -0.10), ("Polisregion Syd", -0.20))
# Population weights for the kommun value (approximate, DOMAIN §2c).
POPULATION = {"01": 1.0, "02": 1.0, "03": 0.33, "04": 0.27, "05": 0.28, "06": 0.29}


def _jitter(*key: object, size: float = 0.12) -> float:
    """A fixed pseudo-random number in [-size, size] from a checksum of ``key``."""
    h = zlib.crc32("|".join(map(str, key)).encode("utf-8"))
    return (h % 2001 / 1000 - 1.0) * size


def _area_effect(code: str, year: int, ind: str) -> float:
    """Shift of an area from the average (index units), in the demo survey's directions."""
    off = 0.0
    centre_in = (code == "01" and year <= 2022) or code == "06"
    if ind in VICTIM:  # victimisation: a little higher where the centre is, else alike
        return 0.15 * centre_in
    if centre_in:
        strength = 1.3 if code == "06" else 0.8
        off += strength * (ind in DISORDER) + 0.5 * (ind == "morka_omraden")
        off += 0.9 * strength * (ind in UNSAFE) - 0.4 * (ind in TRAFFIC)
    if code == "01" and year >= 2023:  # the tätort without the centrum
        off += 0.3 * (ind in DISORDER)
    if code == "03":  # Berga
        off += 1.1 * (ind in {"ungdomsgang", "missbruk", "skadegorelse", "brak_slagsmal",
                              "narkotikapaverkade"})
        off += 0.6 * (ind == "nedskrapning") + 0.6 * (ind in UNSAFE)
        if ind == "ungdomsgang":
            off += {2020: 0.2, 2021: 0.7, 2022: 0.8, 2023: 0.1, 2024: -0.5}.get(year, 0.0)
    if code == "05" and ind not in VICTIM:  # Sallerup
        off += -0.4 + 0.5 * (ind in {"bostadsinbrott", "oro_inbrott"})
    if code == "04" and ind not in VICTIM:  # Rönneberga
        off -= 0.2
    if code == "02":  # Landsbygd
        off += {"fortkorning": 1.1, "buskorning": 0.9, "morka_omraden": 0.8,
                "bostadsinbrott": 0.6, "oro_inbrott": 0.5}.get(ind, 0.0)
        off -= 0.6 * (ind in DISORDER - {"nedskrapning", "skadegorelse"})
        off -= 0.5 * (ind in UNSAFE)
        if ind == "fortkorning":
            off += 0.14 * (year - 2019)
    if code == "06" and ind == "missbruk" and year >= 2024:
        off += 0.6
    return off


def _year_effect(year: int) -> float:
    """Kommun-wide level following the published LPO totalindex."""
    return 0.8 * (LPO_TOTAL[year] - 2.2)


def _clip(v: float) -> float:
    return round(min(5.9, max(0.1, v)), 2)


def demo_values() -> list[tuple[int, str, str, float]]:
    """(year, area code, indicator code, value 0–6) for every area row and kommun row."""
    indicators = [i for i in load_police_indicators() if i.code != "totalindex"]
    rows = []
    for year in YEARS:
        area_values: dict[str, dict[str, float]] = {}
        for code, _ in areas_valid(year):
            area_values[code] = {
                i.code: _clip(BASE[i.code] + _area_effect(code, year, i.code) + _year_effect(year)
                              + _jitter(year, code, i.code))
                for i in indicators}
        weights = {code: POPULATION[code] for code in area_values}
        total = sum(weights.values())
        # totalindex: the area's mean indicator, shifted so that the kommun's totalindex
        # lies just above the published LPO totalindex (the police's formula is not public)
        means = {c: sum(v.values()) / len(indicators) for c, v in area_values.items()}
        shift = LPO_TOTAL[year] + KOMMUN_ABOVE_LPO - sum(weights[c] * m for c, m in
                                                         means.items()) / total
        for code, mean in means.items():
            area_values[code]["totalindex"] = round(mean + shift, 2)
        kommun = {ind: round(sum(weights[c] * v[ind] for c, v in area_values.items()) / total, 2)
                  for ind in next(iter(area_values.values()))}
        for ind, v in kommun.items():
            rows.append((year, "kommunen", ind, v))
        for code, values in area_values.items():
            for ind, v in values.items():
                rows.append((year, code, ind, v))
    return rows


def _fmt(value: float, year: int) -> str:
    if year == X100_YEAR:
        return str(round(value * 100))
    return f"{value:.2f}".replace(".", ",")


def demo_table_text() -> str:
    """The CSV text (``;``, decimal comma, CRLF) of the demo table."""
    names = {i.code: i for i in load_police_indicators()}
    lines = ["ar;omrade;indikator;varde;skala;kalla;publicerad;sida;anmarkning"]

    def line(year, area, ind, value, report_year, page):
        # older reports use older wording: the first alias, where there is one
        label = names[ind].aliases[0] if year <= 2018 and names[ind].aliases else names[ind].name
        scale = "0-600" if report_year == X100_YEAR else "0-6"
        source = f"Polisen, Trygghetsmätning {report_year} – LPO Eslöv (syntetisk)"
        return ";".join([str(year), area, label, _fmt(value, report_year), scale, source,
                         PUBLISHED[report_year], page, NOTE])

    area_names = {}
    for year in YEARS:
        area_names.update(dict(areas_valid(year)))
    for year in YEARS:
        lines.append(line(year, "lpo", "totalindex", LPO_TOTAL[year], year, "s. 3"))
        if year == RESTATED[2]:
            lines.append(line(RESTATED[0], "lpo", "totalindex", RESTATED[1], year,
                              "s. 3, jämförelse med föregående år"))
    values = demo_values()
    for year, area, ind, value in values:
        page = "s. 4" if area == "kommunen" else f"tabell {area}"
        label = area if area == "kommunen" else area_names[area]
        lines.append(line(year, label, ind, value, year, page))
    for year, area, ind, value in values:  # the reference levels, from the kommun value
        if area != "kommunen":
            continue
        for label, shift in REFERENCE_LEVELS:
            ref = _clip(value + shift + _jitter(year, label, ind, size=0.05))
            lines.append(line(year, label, ind, ref, year, "s. 5, jämförelse"))
    return "\r\n".join(lines) + "\r\n"


def write(raw_dir: Path) -> list[Path]:
    folder = raw_dir / OFFICIAL_DIR
    out = folder / FILE
    write_bytes(out, demo_table_text().encode("utf-8-sig"))
    readme = folder / "README.md"
    write_bytes(readme, (
        f"# Polisens index – {DEMO_NOTICE}\n\n"
        f"`{FILE}`: påhittade värden i formatet för polisens publicerade indextabeller "
        "(skala 0–6, se docs/polisens_index.md), för Eslövs områden 2017–2024 samt kommunen "
        "(`kommunen`) och lokalpolisområdet (`lpo`). Kolumnen `anmarkning` säger på varje rad "
        "att det är syntetiska data. Bara LPO:s totalindex följer de publicerade siffrorna; "
        "allt annat är påhittat.\n\n"
        "- 2017 års rapport trycker index ×100 (250 = 2,50) och raderna anger skala 0-600.\n"
        "- LPO:s totalindex 2021 publicerades som 1,88 och reviderades till 1,97 i 2022 års "
        "rapport; båda raderna finns kvar.\n"
        "- 2017–2018 används äldre skrivningar av några indikatorer (t.ex. Buskörning).\n"
    ).encode())
    return [out, readme]
