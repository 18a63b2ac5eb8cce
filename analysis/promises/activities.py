"""Activity types and the activity log (``aktivitetslogg.csv``/``.xlsx``): what was done.

One row per activity: ``datum`` and ``typ`` are required; ``antal`` defaults to 1 and must
be a whole number from 1 to ``max_count``; ``datum`` must lie in the years
``earliest_year``..``latest_year`` (``analysis.settings.Settings``); ``omrade`` (optional)
is an area code or ``kommunen``. Activity types are matched tolerantly (case, å/ä/ö,
spaces, ``-``/``_`` and listed variants).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.areas import TOTAL_AREA, TOTAL_AREA_NAME
from analysis.dates import outside_years, parse_dates, window_hint, years_text
from analysis.files import RawTable, list_delivery, parse_numbers, read_table
from analysis.formatting import sv_count
from analysis.paths import ACTIVITY_LOG_STEM
from analysis.problems import (
    BAD_COUNT,
    BAD_DATE,
    IMPLAUSIBLE_DATE,
    MISSING_VALUE,
    SEVERAL_FILES,
    UNKNOWN_AREA,
    UNKNOWN_TYPE,
    DataError,
    Problem,
    problems_frame,
    row_accounting,
)
from analysis.settings import Settings
from analysis.text import match_key, normalise_label, suggest
from analysis.vocabulary import PROMISES

ACTIVITY_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")

# Activity types: code -> Swedish variants (besides the code and its label in vocabulary.py).
ACTIVITY_VARIANTS = {
    "trafikinsats": ["trafikinsatser", "trafikkontroll", "trafikkontroller",
                     "hastighetskontroll", "hastighetskontroller", "trafik insats"],
    "trygghetsvandring": ["trygghetsvandringar", "vandring"],
    "riskzonssamtal": ["riskzonsamtal", "riskzonssamtalen", "orossamtal"],
    "samverkansmote": ["samverkansmöte", "samverkansmöten", "samverkan"],
    "orat_mot_marken": ["örat mot marken", "omm", "möte örat mot marken"],
    "grannsamverkan": ["grannsamverkansmöte", "grannsamverkansträff"],
    "uniformerad_narvaro": ["uniformerad närvaro", "synlig polis", "fotpatrull",
                            "uniformerad polis", "närvaro stadskärnan"],
    "drogforebyggande": ["drogförebyggande", "drogförebyggande insats", "andt",
                         "drogförebyggande arbete"],
    "kameraovervakning": ["kameraövervakning", "ansökan kameraövervakning", "kameraansökan"],
    "ovrigt": ["övrigt", "annat"],
}

# Activity-log headers (normalised) -> canonical column.
ACTIVITY_HEADERS = {
    "datum": "date", "date": "date",
    "typ": "type", "aktivitet": "type", "aktivitetstyp": "type", "type": "type",
    "plats": "place", "place": "place",
    "omrade": "area", "område": "area", "area": "area",
    "ansvarig": "responsible", "ansvariga": "responsible", "responsible": "responsible",
    "antal": "count", "count": "count",
    "anteckning": "note", "anteckningar": "note", "kommentar": "note", "note": "note",
}
ACTIVITY_SWEDISH = {"date": "datum", "type": "typ", "place": "plats", "area": "omrade",
                    "responsible": "ansvarig", "count": "antal", "note": "anteckning"}
ACTIVITY_COLUMNS = ["date", "year", "type", "type_label", "place", "area", "responsible", "count",
                    "note", "source_file", "source_row"]
ACTIVITY_DTYPE = "datetime64[ms]"


def activity_label(code: str) -> str:
    """The Swedish label of an activity type (the code itself when unknown)."""
    return PROMISES["activity_types"].get(code, code)


def activity_lookup() -> dict[str, str]:
    """Match key -> activity code (codes, Swedish labels and listed variants)."""
    lookup = {}
    for code, label in PROMISES["activity_types"].items():
        for text in (code, label, *ACTIVITY_VARIANTS.get(code, [])):
            lookup[match_key(text)] = code
    return lookup


def match_activity(value: object) -> str | None:
    """The activity code for a value as written (tolerant of case, å/ä/ö, spaces, ``-``/``_``)."""
    return activity_lookup().get(match_key(value))


def activity_hint(value: object) -> str:
    """'Menade du: ...?' with the closest known types, then every known type."""
    lookup = activity_lookup()
    codes = list(dict.fromkeys(lookup[k] for k in suggest(value, lookup)))
    text = f"Menade du: {', '.join(codes)}? " if codes else ""
    return text + "Kända typer: " + ", ".join(PROMISES["activity_types"]) + "."


def is_activity_log(path: Path) -> bool:
    """True for the activity log's file name, ``aktivitetslogg.<csv|xlsx|...>``."""
    return path.stem.casefold() == ACTIVITY_LOG_STEM and path.suffix.lower() in ACTIVITY_SUFFIXES


def activity_log_file(folder: str | os.PathLike) -> Path | None:
    """The activity log ``aktivitetslogg.<csv|xlsx|...>`` in ``folder``, if there is one.

    A symbolic link in the folder, or two activity logs (``.csv`` beside ``.xlsx``), is a
    ``DataError``: which one is meant cannot be guessed.
    """
    hits = list_delivery(folder, is_activity_log).files
    if len(hits) > 1:
        raise DataError([Problem(p.name, None, None, None, SEVERAL_FILES,
                                 "det finns flera aktivitetsloggar.",
                                 "Behåll en av dem (en logg med alla år).") for p in hits],
                        title="Aktivitetsloggen är tvetydig")
    return hits[0] if hits else None


def read_activity_log(path: str | os.PathLike) -> RawTable:
    """Read the activity log (CSV or Excel, any encoding/separator) as strings."""
    return read_table(path)


@dataclass
class ActivityDelivery:
    """The checked log: accepted rows, rejected rows (no free text), problems, accounting."""

    activities: pd.DataFrame
    rejected: pd.DataFrame
    problems: list[Problem]
    accounting: dict


def validate_activities(table: RawTable, register: pd.DataFrame | None = None, *,
                        max_count: int = Settings.max_count,
                        earliest_year: int = Settings.earliest_year,
                        latest_year: int = Settings.latest_year) -> ActivityDelivery:
    """Check the activity log; return accepted rows, rejected rows and every problem.

    Required: ``datum`` (a date in the years ``earliest_year``..``latest_year``) and
    ``typ``; ``antal`` defaults to 1 and must be a whole number from 1 to ``max_count``;
    ``omrade`` (optional) must be a code of the area register or ``kommunen``.
    The accounting ``lasta = godkanda + avvisade`` is checked here (each rejected row
    counted once; every reason of a rejected row is counted under ``orsaker``, as for every
    delivery).
    """
    log = _ActivityLog(table, _find_columns(table))
    dates = parse_dates(log.col("date")).astype(ACTIVITY_DTYPE)
    codes = log.col("type").map(match_key).map(activity_lookup().get).astype("string")
    counts = parse_numbers(log.col("count").replace("", "1"))
    counts = counts.where(np.isfinite(counts))  # 1e309 is inf: not a count
    areas = log.col("area")
    areas = areas.mask(areas.map(normalise_label).isin(
        {TOTAL_AREA, normalise_label(TOTAL_AREA_NAME)}), TOTAL_AREA)
    _check_rows(log, dates, codes, counts, areas, register)
    _check_limits(log, dates, counts, max_count, (earliest_year, latest_year))
    problems = sorted(log.problems, key=lambda t: (t[0], t[1].column or ""))
    first: dict[int, Problem] = {}
    for i, p in problems:
        first.setdefault(i, p)
    ok = np.ones(len(table.frame), dtype=bool)
    ok[list(first)] = False
    accepted = pd.DataFrame({
        "date": dates[ok].to_numpy(), "type": codes[ok].to_numpy(),
        "place": log.col("place")[ok].to_numpy(), "area": areas[ok].to_numpy(),
        "responsible": log.col("responsible")[ok].to_numpy(), "count": counts[ok].to_numpy(),
        "note": log.col("note")[ok].to_numpy(), "source_row": table.excel_rows.to_numpy()[ok],
    })
    accepted["year"] = accepted["date"].dt.year.astype("int64")
    accepted["type_label"] = accepted["type"].map(activity_label)
    accepted["source_file"] = table.file
    reasons: dict[int, set[str]] = {}
    for i, p in problems:
        reasons.setdefault(i, set()).add(p.reason)
    accounting = row_accounting(len(table.frame), [";".join(sorted(r)) for r in reasons.values()],
                                name=table.file)
    return ActivityDelivery(_typed_activities(accepted), problems_frame([p for _, p in problems]),
                            [p for _, p in problems], accounting)


def _find_columns(table: RawTable) -> dict[str, str]:
    """Canonical column -> header as written; a ``DataError`` when datum or typ is missing."""
    found: dict[str, str] = {}
    for header in table.frame.columns:
        canon = ACTIVITY_HEADERS.get(normalise_label(header))
        if canon and canon not in found:
            found[canon] = header
    missing = [c for c in ("date", "type") if c not in found]
    if missing:
        raise DataError([Problem(table.file, table.header_row, ACTIVITY_SWEDISH[c], None,
                                 MISSING_VALUE, "kolumnen saknas i aktivitetsloggen.",
                                 "Rubrikerna ska vara datum;typ;plats;omrade;ansvarig;antal;"
                                 "anteckning (plats, omrade, ansvarig, antal och anteckning kan "
                                 "utelämnas).")
                         for c in missing], title="Aktivitetsloggen kan inte läsas")
    return found


@dataclass
class _ActivityLog:
    """The log's columns as stripped text, and the problems found, by row index."""

    table: RawTable
    found: dict[str, str]
    problems: list[tuple[int, Problem]] = field(default_factory=list)

    def col(self, canon: str) -> pd.Series:
        if canon in self.found:
            return self.table.frame[self.found[canon]].fillna("").astype("string").str.strip()
        return pd.Series([""] * len(self.table.frame), dtype="string")

    def add(self, mask: pd.Series, canon: str, reason: str, message: str, hint) -> None:
        values, rows = self.col(canon), self.table.excel_rows.to_numpy()
        for i in np.flatnonzero(mask.to_numpy()):
            h = hint(values.iloc[i]) if callable(hint) else hint
            self.problems.append((int(i), Problem(self.table.file, int(rows[i]),
                                                  self.found.get(canon, canon),
                                                  str(values.iloc[i]), reason, message, h)))


def _check_rows(log: _ActivityLog, dates: pd.Series, codes: pd.Series, counts: pd.Series,
                areas: pd.Series, register: pd.DataFrame | None) -> None:
    date_text, type_text = log.col("date"), log.col("type")
    log.add(date_text == "", "date", MISSING_VALUE, "datum saknas.", "Skriv datum som ÅÅÅÅ-MM-DD.")
    log.add(dates.isna() & (date_text != ""), "date", BAD_DATE, "är inte ett datum.",
            "Skriv datum som ÅÅÅÅ-MM-DD (t.ex. 2022-03-15).")
    log.add(type_text == "", "type", MISSING_VALUE, "aktivitetstyp saknas.",
            "Kända typer: " + ", ".join(PROMISES["activity_types"]) + ".")
    log.add(codes.isna() & (type_text != ""), "type", UNKNOWN_TYPE, "okänd aktivitetstyp.",
            activity_hint)
    if register is not None:
        known = set(register["area"].astype(str)) | {TOTAL_AREA}
        log.add((areas != "") & ~areas.isin(known), "area", UNKNOWN_AREA, "okänd områdeskod.",
                "Giltiga koder: " + ", ".join(sorted(known)) + ".")


def _check_limits(log: _ActivityLog, dates: pd.Series, counts: pd.Series, max_count: int,
                  years: tuple[int, int]) -> None:
    """``antal`` a whole number 1..``max_count``; ``datum`` in the window ``years``."""
    log.add(counts.isna() | (counts < 1) | (counts % 1 != 0) | (counts > max_count), "count",
            BAD_COUNT, f"antal ska vara ett heltal från 1 till {sv_count(max_count)}.",
            "Lämna tomt för 1.")
    log.add(outside_years(dates, *years), "date", IMPLAUSIBLE_DATE,
            f"datumet ligger utanför åren {years_text(*years)}.", window_hint(*years))


def _typed_activities(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reindex(columns=ACTIVITY_COLUMNS)
    out["date"] = out["date"].astype(ACTIVITY_DTYPE)
    out["year"] = out["year"].astype("int64")
    out["count"] = out["count"].astype("int64")
    out["source_row"] = out["source_row"].astype("int64")
    for c in ["type", "type_label", "place", "area", "responsible", "note", "source_file"]:
        out[c] = out[c].astype("string")
    return out.sort_values(["date", "type", "source_row"], ignore_index=True)


def empty_activities() -> pd.DataFrame:
    """An activity table without rows (when there is no activity log)."""
    return _typed_activities(pd.DataFrame(columns=ACTIVITY_COLUMNS))
