"""Areas in the police's tables: a code or name valid that year, or a total level.

The police report an index per delområde, for the kommun as a whole and for the
reference levels above it: the lokalpolisområde (LPO), the polisområde (PO) and the
police region. The kommun total is ``analysis.areas.TOTAL_AREA``; the reference levels
are ``LPO_AREA``, ``PO_AREA`` and ``REGION_AREA``; all are valid every year. Any other
area must be in the area register for the row's year (``analysis.areas.areas_in_year``).
"""

from __future__ import annotations

import pandas as pd

from analysis import problems as P
from analysis.areas import TOTAL_AREA, TOTAL_AREA_NAME, areas_in_year
from analysis.paths import AREA_REGISTER_FILE, AREAS_DIR
from analysis.text import normalise_label

LPO_AREA = "lpo"
LPO_AREA_NAME = "Lokalpolisområdet"
PO_AREA = "po"
PO_AREA_NAME = "Polisområdet"
REGION_AREA = "region"
REGION_AREA_NAME = "Regionen"
REFERENCE_AREAS = (LPO_AREA, PO_AREA, REGION_AREA)  # the levels above the kommun, in order
TOTAL_AREAS = (TOTAL_AREA, *REFERENCE_AREAS)

_TOTAL_KEYS = {normalise_label(x) for x in (TOTAL_AREA, TOTAL_AREA_NAME, "kommun",
                                            "hela kommunen", "kommunen totalt")}
_LPO_KEYS = {"lpo", "lokalpolisområdet", "lokalpolisområde", "hela lokalpolisområdet",
             "lpo totalt"}
_LPO_PREFIXES = ("lpo ", "lokalpolisområde ")
_PO_KEYS = {"po", "polisområdet", "polisområde", "hela polisområdet", "po totalt"}
_PO_PREFIXES = ("po ", "polisområde ")
_REGION_KEYS = {"region", "regionen", "polisregion", "polisregionen", "hela polisregionen",
                "hela regionen", "region totalt"}
_REGION_PREFIXES = ("region ", "polisregion ")

# (reason, message, hint) of an area text that cannot be resolved
AreaProblem = tuple[str, str, str]


def total_area(text: object, *, lpo_prefix: bool = True) -> tuple[str, str] | None:
    """``(code, name)`` when ``text`` names the kommun, LPO, PO or region total, else None.

    With ``lpo_prefix`` a named level is that level too: "LPO Exempelby", "Lokalpolisområde
    Exempelby" (LPO), "PO Mittskåne", "Polisområde Mittskåne" (PO), "Region Syd",
    "Polisregion Syd" (region).
    """
    key = normalise_label(text)
    if key in _TOTAL_KEYS:
        return TOTAL_AREA, TOTAL_AREA_NAME
    for keys, prefixes, found in ((_LPO_KEYS, _LPO_PREFIXES, (LPO_AREA, LPO_AREA_NAME)),
                                  (_PO_KEYS, _PO_PREFIXES, (PO_AREA, PO_AREA_NAME)),
                                  (_REGION_KEYS, _REGION_PREFIXES,
                                   (REGION_AREA, REGION_AREA_NAME))):
        if key in keys or (lpo_prefix and key.startswith(prefixes)):
            return found
    return None


def _area_listing(valid: pd.DataFrame) -> str:
    names = ", ".join(f"{a} {n}" for a, n in zip(valid["area"], valid["area_name"], strict=True))
    return (f"{names}; dessutom {TOTAL_AREA} (hela kommunen), {LPO_AREA} "
            f"(lokalpolisområdet), {PO_AREA} (polisområdet) och {REGION_AREA} (polisregionen)")


def _matches(frame: pd.DataFrame, text: str) -> pd.DataFrame:
    """Rows whose code or name is ``text`` (a code Excel stripped of leading zeros too)."""
    code = frame["area"].str.strip()
    hit = (code == text.strip()) | (frame["area_name"].map(normalise_label)
                                    == normalise_label(text))
    if text.strip().isdigit():  # Excel drops leading zeros: 1 -> 01
        hit |= code.str.lstrip("0") == text.strip().lstrip("0")
    return frame[hit.fillna(False)]


def resolve_area(text: str, year: int, register: pd.DataFrame
                 ) -> tuple[str, str] | tuple[None, AreaProblem]:
    """(code, name) for an area text in ``year``, or (None, (reason, message, hint))."""
    total = total_area(text)
    if total is not None:
        return total
    valid = areas_in_year(register, year).sort_values("area")
    found = _matches(valid, text)
    if len(found["area"].unique()) == 1:
        return str(found["area"].iloc[0]), str(found["area_name"].iloc[0])
    if valid.empty:
        return None, (P.UNKNOWN_AREA, f"områdesregistret har inga områden för {year}.",
                      f"Lägg till årets områden i {AREAS_DIR}/{AREA_REGISTER_FILE}, eller "
                      f"skriv {TOTAL_AREA}, {LPO_AREA}, {PO_AREA} eller {REGION_AREA} för "
                      "totalerna.")
    hint = f"Områden som gäller {year}: {_area_listing(valid)}."
    if len(found) > 1:
        return None, (P.UNKNOWN_AREA, f"namnet passar flera områden {year}.",
                      "Skriv områdeskoden. " + hint)
    elsewhere = _matches(register, text)
    if len(elsewhere):
        spans = ", ".join(
            f"{r.area} {r.area_name} {r.valid_from}–{'' if pd.isna(r.valid_to) else r.valid_to}"
            for r in elsewhere.itertuples())
        return None, (P.UNKNOWN_AREA,
                      f"området gäller inte {year} (giltigt: {spans}).", hint)
    return None, (P.UNKNOWN_AREA, "området finns inte i områdesregistret.", hint)


class AreaResolver:
    """Area texts -> (code, name) per year: a dict per year, diagnostics only on failure.

    ``resolve`` gives the same answer as ``resolve_area``, looked up once per distinct
    text × year.
    """

    def __init__(self, register: pd.DataFrame):
        self.register = register
        self._years: dict[int, dict[str, set[tuple[str, str]]]] = {}
        self._cache: dict[tuple[str, int], tuple] = {}

    def _keys(self, year: int) -> dict[str, set[tuple[str, str]]]:
        if year not in self._years:
            valid = areas_in_year(self.register, year)
            keys: dict[str, set[tuple[str, str]]] = {}
            for code, name in zip(valid["area"].str.strip(), valid["area_name"], strict=True):
                found = (str(code), str(name))
                for k in (f"code:{code}", f"name:{normalise_label(name)}"):
                    keys.setdefault(k, set()).add(found)
                if code.isdigit():
                    keys.setdefault(f"digits:{code.lstrip('0')}", set()).add(found)
            self._years[year] = keys
        return self._years[year]

    def resolve(self, text: str, year: int) -> tuple[str, str] | tuple[None, AreaProblem]:
        key = (text, year)
        if key not in self._cache:
            keys = self._keys(year)
            stripped = text.strip()
            hits = keys.get(f"code:{stripped}", set()) | keys.get(
                f"name:{normalise_label(text)}", set())
            if stripped.isdigit():
                hits = hits | keys.get(f"digits:{stripped.lstrip('0')}", set())
            if len({c for c, _ in hits}) == 1:
                self._cache[key] = next(iter(hits))
            else:
                self._cache[key] = resolve_area(text, year, self.register)
        return self._cache[key]
