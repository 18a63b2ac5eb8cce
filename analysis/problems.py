"""Problems found in delivered files, and the error that carries them.

Every problem names the file, the row as the analyst sees it in Excel (header =
row 1), the column, the value and what was expected, in Swedish.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

# Reason codes for rejected rows (stable identifiers; the Swedish text is in ``message``).
UNKNOWN_LABEL = "okant_svar"
MISSING_VALUE = "saknat_varde"
BAD_WEIGHT = "ogiltig_vikt"
DUPLICATE_ID = "dubblett_id"
UNKNOWN_AREA = "okant_omrade"
BAD_YEAR = "ogiltigt_ar"
MISSING_COLUMN = "saknad_kolumn"
UNREADABLE = "olasbar_fil"

PROBLEM_COLUMNS = ["fil", "rad", "kolumn", "varde", "orsak", "meddelande"]


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
