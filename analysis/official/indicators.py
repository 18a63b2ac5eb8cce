"""The police's indicator names as written in their reports, matched to the codebook.

An indicator is matched by its code, name or any alias in ``police_indicators`` of the
codebook, compared with ``analysis.text.match_key`` (case, spaces, å/ä/ö and the
separators ``/``, ``-``, ``_`` do not matter).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from analysis.codebook import PoliceIndicator, load_police_indicators
from analysis.text import match_key, suggest


def indicator_lookup(indicators: Iterable[PoliceIndicator]) -> dict[str, PoliceIndicator]:
    """``match_key`` of every code, name and alias -> indicator."""
    lookup: dict[str, PoliceIndicator] = {}
    for ind in indicators:
        for label in (ind.code, ind.name, *ind.aliases):
            lookup[match_key(label)] = ind
    return lookup


def suggest_indicators(text: str, indicators: Iterable[PoliceIndicator], n: int = 3) -> list[str]:
    """The police indicator names closest to ``text`` (via their codes, names and aliases),
    best first."""
    lookup = indicator_lookup(indicators)
    near = suggest(text, lookup, n=10)
    return list(dict.fromkeys(lookup[match_key(label)].name for label in near))[:n]


def find_indicator(table: pd.DataFrame, indicator: str) -> str:
    """The code of ``indicator`` (a code in ``table``, or a police name or alias)."""
    if (table["indicator"] == indicator).any():
        return indicator
    ind = indicator_lookup(load_police_indicators()).get(match_key(indicator))
    if ind is not None:
        return ind.code
    raise LookupError(f"indikatorn {indicator!r} finns inte i tabellen med polisens index")
