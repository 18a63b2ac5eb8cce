"""What a promise registry is checked against, and how a problem in it is recorded.

Shared by the registry parser (``registry.py``) and the indicator parsers
(``indicators.py``), so that neither imports the other.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd

from analysis.areas import TOTAL_AREA, area_codes_in_year
from analysis.dates import window_hint, years_text
from analysis.problems import BAD_REGISTRY, Problem
from analysis.settings import Settings
from analysis.text import did_you_mean
from analysis.vocabulary import ALL_ITEMS


@dataclass(frozen=True)
class RawRegistry:
    """A registry file as read: the parsed YAML and the line of every field path."""

    file: str
    data: object
    lines: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RegistryContext:
    """What the registry is checked against (all optional except the area register).

    ``earliest_year``/``latest_year``: every year and date in a registry lies in this window.
    """

    register: pd.DataFrame
    items: tuple[str, ...]
    item_groups: tuple[str, ...] = ()
    places: pd.DataFrame | None = None
    official_indicators: tuple[str, ...] = ()
    earliest_year: int = Settings.earliest_year
    latest_year: int = Settings.latest_year

    def outside(self, year: int) -> bool:
        """True when ``year`` lies outside the plausible window."""
        return not self.earliest_year <= year <= self.latest_year

    def window_problem(self, chk: Checker, path: str, value: object, what: str) -> None:
        """Record that ``what`` (Swedish, e.g. "datumet") at ``path`` lies outside the window."""
        chk.add(path, value, f"{what} ligger utanför åren "
                f"{years_text(self.earliest_year, self.latest_year)}.",
                window_hint(self.earliest_year, self.latest_year))

    def date_in_window(self, chk: Checker, path: str, value: object,
                       date: dt.date | None) -> dt.date | None:
        """``date`` if it lies in the window; else a problem at ``path`` and None."""
        if date is not None and self.outside(date.year):
            self.window_problem(chk, path, value, "datumet")
            return None
        return date


@dataclass
class Checker:
    """Collects the problems of one registry; each names the YAML line of its field path."""

    raw: RawRegistry
    problems: list[Problem] = field(default_factory=list)

    def add(self, path: str, value: object, message: str, hint: str = "") -> None:
        line = self.raw.lines.get(path)
        parent = path
        while line is None and ("." in parent or "[" in parent):
            parent = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", parent)
            line = self.raw.lines.get(parent)
        shown = None if value is None else str(value)
        self.problems.append(Problem(self.raw.file, line, path, shown, BAD_REGISTRY, message, hint))


def as_list(value: object) -> list:
    """A YAML scalar or list as a list (``None`` -> ``[]``)."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def check_item(chk: Checker, path: str, item: str, ctx: RegistryContext,
               allow_groups: bool = False) -> None:
    """An item code of the survey (or, with ``allow_groups``, a group code or ``alla``)."""
    valid = list(ctx.items) + (list(ctx.item_groups) + [ALL_ITEMS] if allow_groups else [])
    if item not in valid:
        chk.add(path, item, "okänd fråga (item) i trygghetsmätningen.",
                did_you_mean(item, valid) + "Giltiga frågekoder: " + ", ".join(valid) + ".")


def valid_areas_hint(register: pd.DataFrame, year: int | None) -> tuple[list[str], str]:
    """The area codes valid in ``year`` (empty without a year) and the hint listing them."""
    valid = area_codes_in_year(register, year) if year else []
    return valid, f"Giltiga områden {year}: {', '.join(valid + [TOTAL_AREA])}."
