"""Problems found in delivered files, and the error that carries them.

Every problem names the file, the row as the analyst sees it in Excel (header =
row 1), the column, the value and what was expected, in Swedish.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

# Reason codes for problems and rejected rows, for every delivery (stable identifiers; the
# Swedish text is in ``message``). One home: modules import them from here.
UNKNOWN_LABEL = "okant_svar"
MISSING_VALUE = "saknat_varde"
BAD_WEIGHT = "ogiltig_vikt"
DUPLICATE_ID = "dubblett_id"
UNKNOWN_AREA = "okant_omrade"
BAD_YEAR = "ogiltigt_ar"
MISSING_COLUMN = "saknad_kolumn"
UNKNOWN_COLUMN = "okand_kolumn"
DUPLICATE_COLUMN = "dubbel_kolumn"
UNREADABLE = "olasbar_fil"
MISSING_FILE = "saknad_fil"
SEVERAL_FILES = "flera_filer"
BAD_DATE = "ogiltigt_datum"
BAD_NUMBER = "ogiltigt_tal"
IMPLAUSIBLE_DATE = "orimligt_datum"  # a date outside the years earliest_year..latest_year
UNKNOWN_SETTING = "okand_installning"
WRONG_TYPE = "fel_typ"
OVERLAP = "overlapp"
# the police's index tables
UNDECLARED_X100 = "odeklarerat_x100"
OUT_OF_RANGE = "utanfor_skala"
UNKNOWN_INDICATOR = "okand_indikator"
BAD_SCALE = "ogiltig_skala"
CONFLICT = "motstridiga_varden"
DUPLICATE = "dubblett"
# geodata and places
NO_CRS = "saknat_koordinatsystem"
BAD_CRS = "fel_koordinatsystem"
UNKNOWN_CRS = "okant_koordinatsystem"
INVALID_GEOMETRY = "ogiltig_geometri"
MISSING_GEOMETRY = "saknad_geometri"
WRONG_GEOMETRY_TYPE = "fel_geometrityp"
OUTSIDE_SWEDEN = "utanfor_sverige"
OUTSIDE_KOMMUN = "utanfor_kommunen"
BAD_COORDINATE = "ogiltig_koordinat"
SWAPPED = "bytta_koordinater"
SWAPPED_FIXED = "bytta_koordinater_rattade"
AREA_OVERLAP = "overlappande_omraden"
REGISTER_MISMATCH = "avviker_fran_registret"
UNKNOWN_PLACE = "okand_plats"
AMBIGUOUS_PLACE = "tvetydig_plats"
BAD_BUFFER = "ogiltig_buffert"
NO_PLACES = "platser_saknas"
NO_AREAS = "omradespolygoner_saknas"
MISSING_LOCATION = "saknad_plats"
# safety walks
UNKNOWN_TERM = "okant_varde"
DATE_BEFORE_WALK = "datum_fore_vandring"
UNKNOWN_WALK = "okand_vandring"
WALK_MISMATCH = "stammer_inte_med_vandringen"
MISSING_PROTOCOL = "protokoll_saknas"
NO_OBSERVATIONS = "inga_observationer"
AREA_DIFFERS = "omrade_avviker"
XY_CONVENTION = "xy_konvention"
BAD_VOCABULARY = "ogiltig_ordlista"  # the kommun's own ordlista.yaml
MIXED_ENCODING = "blandad_teckenkodning"  # a text file with lines in two encodings
# medborgarlöften
UNKNOWN_TYPE = "okand_aktivitetstyp"
BAD_COUNT = "ogiltigt_antal"
BAD_REGISTRY = "ogiltigt_lofte"
# anmälda brott (Brå) and folkmängd (SCB)
UNKNOWN_CATEGORY = "okand_brottskategori"
UNKNOWN_REGION = "okand_region"
UNKNOWN_AGE = "okand_alder"
MISSING_POPULATION = "saknad_folkmangd"
UNKNOWN_TABLE = "okand_tabell"

PROBLEM_COLUMNS = ["fil", "rad", "kolumn", "varde", "orsak", "meddelande"]

UNKNOWN_FORMAT = "okänt filformat"


def unread_note(folder: str, path: Path, why: str = UNKNOWN_FORMAT) -> str:
    """The build-output note for something in a delivery folder that is not read.

    ``Läses inte: <folder>/<name> (<why>)``; a sub-folder, a hidden file and an Office lock
    file (``~$…``) get their own reason instead of ``why``.
    """
    if path.is_dir():
        why = "en mapp; undermappar läses inte"
    elif path.name.startswith("~$"):
        why = "en tillfällig fil som Office skapar när filen är öppen"
    elif path.name.startswith("."):
        why = "en dold fil"
    elif why == UNKNOWN_FORMAT and path.suffix.lower() in (".xls", ".ods"):
        why = "gammalt kalkylformat; spara som .xlsx eller CSV"
    return f"Läses inte: {folder}/{path.name} ({why})"


@dataclass(frozen=True)
class Problem:
    """One problem in a delivered file. ``row`` is the Excel row (header = 1), or None."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: str
    message: str
    hint: str = ""

    def format(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", rad {self.row}"
        if self.column is not None:
            where += f', kolumn "{self.column}"'
        text = f"{where}: "
        if self.value not in (None, ""):
            text += f'"{self.value}" – '
        text += self.message
        if self.hint:
            text += f" {self.hint}"
        return text


@dataclass
class DataError(Exception):
    """Raised when delivered data cannot be used as it is; carries every problem found."""

    problems: list[Problem] = field(default_factory=list)
    title: str = "Indata kan inte användas"

    def __str__(self) -> str:
        return format_report(self.problems, self.title)


def format_report(problems: list[Problem], title: str, limit: int = 50) -> str:
    """A short Swedish report: the title, the count, then one line per problem."""
    lines = [f"{title}: {len(problems)} problem."]
    for p in problems[:limit]:
        lines.append(f"  - {p.format()}")
    if len(problems) > limit:
        lines.append(f"  ... och {len(problems) - limit} till (se avvisade rader i data/processed/).")
    return "\n".join(lines)


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """The problems as a table with Swedish column names (for the processed layer)."""
    rows = [
        {
            "fil": p.file,
            "rad": p.row,
            "kolumn": p.column,
            "varde": p.value,
            "orsak": p.reason,
            "meddelande": (p.message + (" " + p.hint if p.hint else "")),
        }
        for p in problems
    ]
    frame = pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    frame["rad"] = frame["rad"].astype("Int64")
    for col in ["fil", "kolumn", "varde", "orsak", "meddelande"]:
        frame[col] = frame[col].astype("string")
    return frame


def row_accounting(read: int, rejected_reasons: Iterable[str], name: str = "") -> dict:
    """Row accounting of one delivered file: ``{lasta, godkanda, avvisade, orsaker}``.

    ``rejected_reasons`` has one entry per rejected row: its reason code, or several codes
    joined with ``;`` (each is counted under ``orsaker``). Checks lasta = godkanda +
    avvisade (a ``RuntimeError`` naming the file otherwise: rows must never vanish).
    """
    reasons = list(rejected_reasons)
    rejected = len(reasons)
    counts = Counter(r for rs in reasons for r in str(rs).split(";") if r)
    entry = {"lasta": int(read), "godkanda": int(read) - rejected, "avvisade": rejected,
             "orsaker": dict(sorted(counts.items()))}
    check_accounting(entry, name)
    return entry


def check_accounting(entry: dict, name: str = "") -> None:
    """Raise ``RuntimeError`` unless ``lasta == godkanda + avvisade`` and none is negative."""
    if (entry["godkanda"] + entry["avvisade"] != entry["lasta"]
            or min(entry["godkanda"], entry["avvisade"]) < 0):
        raise RuntimeError(f"radredovisningen går inte ihop för {name}: {entry}")


def rejected_frame(problems: Iterable[tuple[int, Problem]], *, file: str, excel_rows,
                   columns: dict[str, Iterable] | None = None) -> pd.DataFrame:
    """One row per rejected row (``fil, rad, orsak, meddelande`` + ``columns``), no free text.

    ``problems`` are ``(row index, Problem)`` pairs; a row with several problems gets every
    reason (``;``-joined, sorted) and every message (`` | ``-joined). ``columns`` maps a
    column name to values aligned with the table's rows (only coded columns, never free text).
    """
    by_row: dict[int, list[Problem]] = {}
    for i, p in problems:
        by_row.setdefault(int(i), []).append(p)
    rows = sorted(by_row)
    excel_rows = list(excel_rows)
    frame = pd.DataFrame({
        "fil": pd.array([file] * len(rows), dtype="string"),
        "rad": pd.array([int(excel_rows[i]) for i in rows], dtype="int64"),
        "orsak": pd.array([";".join(sorted({p.reason for p in by_row[i]})) for i in rows],
                          dtype="string"),
        "meddelande": pd.array([" | ".join(p.format() for p in by_row[i]) for i in rows],
                               dtype="string"),
    })
    for name, values in (columns or {}).items():
        values = list(values)
        frame[name] = pd.array([values[i] for i in rows], dtype="string")
    return frame
