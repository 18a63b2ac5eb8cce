"""The one date parser for every delivery (walks, activity log, registries, police tables).

Accepted: ``2021-12-07`` (optionally with a zero time ``T00:00:00``), ``20211207``,
``7.12.2021`` and ``7/12/2021`` (day first, as written in Sweden). Anything else is
not a date (NaT / None); the caller reports it with file, row and column.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

DATE_DTYPE = "datetime64[s]"
DATE_HINT = "Skriv datum som ÅÅÅÅ-MM-DD (t.ex. 2021-12-07)."
_FORMATS = [("%Y%m%d", r"^\d{8}$"), ("%d.%m.%Y", r"^\d{1,2}\.\d{1,2}\.\d{4}$"),
            ("%d/%m/%Y", r"^\d{1,2}/\d{1,2}/\d{4}$")]


def parse_dates(values: pd.Series) -> pd.Series:
    """Dates as ``datetime64[s]``; values that are not dates become NaT."""
    text = values.fillna("").astype("string").str.strip()
    text = text.str.replace(r"[T ]00:00(:00)?(\.0+)?$", "", regex=True)
    out = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    for fmt, pattern in _FORMATS:
        todo = out.isna() & text.str.match(pattern).fillna(False)
        if todo.any():
            out[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    return out.astype(DATE_DTYPE)


def parse_date(value: object) -> dt.date | None:
    """One value (a ``date``, ``datetime`` or text) as a ``date``; None if it is not one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None or isinstance(value, bool):
        return None
    parsed = parse_dates(pd.Series([str(value)], dtype="string")).iloc[0]
    return None if pd.isna(parsed) else parsed.date()


def outside_years(dates: pd.Series, earliest: int, latest: int) -> pd.Series:
    """True where a date lies in a year before ``earliest`` or after ``latest`` (NaT: False).

    The plausible window of every delivered date (``Settings.earliest_year`` and
    ``Settings.latest_year``): a walk dated 1899 or a status date in 2999 is a typo.
    """
    years = pd.Series(dates).dt.year
    return ((years < earliest) | (years > latest)).fillna(False).astype(bool)


def years_text(earliest: int, latest: int) -> str:
    """The window as analysts read it: ``"1990–2100"``."""
    return f"{earliest}–{latest}"


def window_hint(earliest: int, latest: int) -> str:
    """The hint for a date or year outside the window (names the settings that set it)."""
    return (f"Tillåtna år: {years_text(earliest, latest)}. Kontrollera årtalet; gränserna "
            "ställs in med earliest_year och latest_year i installningar.yaml.")
