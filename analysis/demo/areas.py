"""Demo area register: Eslöv's survey areas and their versions (DOMAIN §2c).

Two areas until 2019 (the register starts in 2017, the first year of the
police's published indices in the demo), five from 2020, six from 2023 (Eslövs centrum split out of
the tätort, so the tätort of 2023– is not the tätort of 2020–2022).
"""

from __future__ import annotations

from pathlib import Path

from analysis.files import write_bytes
from analysis.paths import AREA_REGISTER_FILE, AREAS_DIR

# code, name, valid from, valid to (None = still valid)
AREAS = [
    ("01", "Eslövs tätort", 2017, 2019),
    ("01", "Eslövs tätort", 2020, 2022),
    ("01", "Eslövs tätort", 2023, None),
    ("02", "Landsbygd", 2017, None),
    ("03", "Berga", 2020, None),
    ("04", "Rönneberga", 2020, None),
    ("05", "Sallerup", 2020, None),
    ("06", "Eslövs centrum", 2023, None),
]


def areas_valid(year: int) -> list[tuple[str, str]]:
    """(code, name) of the demo areas valid in ``year``."""
    return [(c, n) for c, n, a, b in AREAS if a <= year and (b is None or year <= b)]


# The police invite about 300 residents per area and year (DOMAIN §2c).
INVITED_PER_AREA = 300


def write(raw_dir: Path) -> list[Path]:
    note = "Demodata: Eslövs områdesstruktur, påhittade koder"
    lines = ["omrade;namn;giltig_fran;giltig_till;inbjudna;anmarkning"]
    for code, name, start, end in AREAS:
        lines.append(f"{code};{name};{start};{'' if end is None else end};"
                     f"{INVITED_PER_AREA};{note}")
    text = "\r\n".join(lines) + "\r\n"
    out = raw_dir / AREAS_DIR / AREA_REGISTER_FILE
    write_bytes(out, text.encode("utf-8-sig"))
    readme = raw_dir / AREAS_DIR / "README.md"
    write_bytes(readme, (
        "# Områdesindelning (syntetiska demodata)\n\n"
        "`omradesindelning.csv`: trygghetsmätningens redovisningsområden med de år "
        "varje definition gäller. Koderna är text (inledande nollor behålls). "
        "Ett område vars gränser ritats om får en ny rad med nytt `giltig_fran`; "
        "förändringar över en sådan gräns jämförs inte. `inbjudna` är antalet som fick "
        "enkäten i området varje år (frivillig kolumn; ger svarsfrekvensen).\n").encode())
    return [out, readme]
