"""Swedish numbers, one home for every output: figures, HTML, notebooks and CSV.

Text for people (figures, HTML, notebook sentences): decimal comma, a narrow no-break
space between thousands ("12 345"), a real minus sign, a no-break space before ``%``
("45 %"), percentage points written out ("5 procentenheter") and p-values with three
decimals ("0,042", "< 0,001"). ``–`` stands for a missing value.

Cells of the Excel-ready CSV (``csv_decimal``/``csv_int``) are machine-readable numbers
instead: decimal comma, no thousands separator, no unit, empty when missing.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

THIN = "\u202f"  # narrow no-break space between thousands
NBSP = "\u00a0"  # no-break space before the percent sign
MINUS = "\u2212"
MISSING = "–"


def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def sv_number(value, decimals: int = 2, trim: bool = False) -> str:
    """``12345.678`` -> ``"12 345,68"``; negative with a real minus; missing -> ``"–"``.

    ``trim``: a whole number is written without decimals (``40.0`` -> ``"40"``, while
    ``40.04`` with one decimal stays ``"40,0"``).
    """
    if _missing(value):
        return MISSING
    value = float(value)
    if math.isinf(value):
        return MISSING
    if trim and value.is_integer():
        decimals = 0
    text = f"{abs(value):,.{decimals}f}".replace(",", THIN).replace(".", ",")
    negative = value < 0 and any(c not in "0," + THIN for c in text)
    return (MINUS if negative else "") + text


def sv_count(value) -> str:
    """A whole number with a space between thousands: ``12345`` -> ``"12 345"``."""
    return sv_number(value, 0)


def sv_percent(value, decimals: int = 0, trim: bool = False) -> str:
    """A proportion as Swedish percent: ``0.453`` -> ``"45 %"`` (``trim``: see ``sv_number``)."""
    if _missing(value):
        return MISSING
    return f"{sv_number(100 * float(value), decimals, trim)}{NBSP}%"


def sv_percent_range(low, high, decimals: int = 0) -> str:
    """An interval of proportions: ``"44–60 %"``."""
    if _missing(low) or _missing(high):
        return MISSING
    return f"{sv_number(100 * float(low), decimals)}–{sv_percent(high, decimals)}"


def sv_pp(delta, decimals: int = 0, signed: bool = False, trim: bool = False) -> str:
    """A difference of proportions in percentage points: ``0.05`` -> ``"5 procentenheter"``
    (``signed``: ``"+5 procentenheter"``, ``"−5 procentenheter"``; ``trim``: see ``sv_number``)."""
    if _missing(delta):
        return MISSING
    delta = float(delta)
    text = sv_number(abs(100 * delta), decimals, trim)
    sign = ("+" if delta > 0 else MINUS if delta < 0 else "") if signed else (
        MINUS if delta < 0 and text.strip("0," + THIN) else "")
    return f"{sign}{text} procentenheter"


def sv_p(p) -> str:
    """A p-value: ``"< 0,001"`` or three decimals (``"0,042"``)."""
    if _missing(p):
        return MISSING
    return "< 0,001" if float(p) < 0.001 else sv_number(p, 3)


def sv_value(value, proportion: bool, decimals: int | None = None) -> str:
    """Percent without decimals for proportions, two decimals for means and indices."""
    if proportion:
        return sv_percent(value, 0 if decimals is None else decimals)
    return sv_number(value, 2 if decimals is None else decimals)


def sv_interval(low, high, proportion: bool) -> str:
    """``"44–60 %"`` for proportions, ``"1,20–1,45"`` for means."""
    if proportion:
        return sv_percent_range(low, high)
    return f"{sv_number(low, 2)}–{sv_number(high, 2)}"


def sv_list(values) -> str:
    """``["a", "b", "c"]`` -> ``"a, b och c"``."""
    values = [str(v) for v in values]
    if len(values) <= 1:
        return "".join(values)
    return ", ".join(values[:-1]) + " och " + values[-1]


# --- cells of the Excel-ready CSV ------------------------------------------------------------


def csv_decimal(values: pd.Series, decimals: int | np.ndarray) -> pd.Series:
    """Numbers as text with a decimal comma and a fixed number of decimals; blank if missing.

    Rounding is explicit (numpy rounds half to even on the binary value, as Excel's display
    does for such values); ``-0,0`` is written ``0,0``. ``decimals`` may differ per row (an
    array as long as ``values``). Vectorised: whole numbers of ``10**-decimals`` are
    formatted by pyarrow, never one Python string per cell.
    """
    v = pd.to_numeric(values, errors="coerce").astype("float64").to_numpy(dtype="float64",
                                                                          na_value=np.nan)
    ok = np.isfinite(v)
    units = np.zeros(len(v), dtype=np.int64)
    digits = np.asarray(decimals, dtype=np.int64)
    with np.errstate(invalid="ignore", over="ignore"):
        for d in _distinct(digits):
            rows = ok & (digits == d) if digits.ndim else ok
            units[rows] = np.rint(np.round(v[rows], int(d)) * 10 ** int(d)).astype(np.int64)
    return pd.Series(pd.array(decimal_text(units, digits, ok), dtype="string"),
                     index=values.index)


def _distinct(digits: np.ndarray) -> list[int]:
    """The distinct numbers of decimals (a few small numbers: counted, not sorted)."""
    if digits.ndim == 0:
        return [int(digits)]
    return [int(d) for d in np.flatnonzero(np.bincount(digits)) if len(digits)]


def decimal_text(units: np.ndarray, decimals: np.ndarray, ok: np.ndarray) -> pa.Array:
    """``units`` (whole numbers of ``10**-decimals``) as text with a decimal comma: 125 with
    one decimal is ``12,5``, -5 with two ``-0,05``; ``""`` where ``ok`` is False."""
    if len(units) == 0:
        return pa.array([], type=pa.large_string())
    text_type = pa.string()  # (pyarrow casts numbers to it several times faster)
    decimals = np.asarray(decimals, dtype=np.int64)
    scale = 10 ** decimals
    mag = np.abs(units)
    whole = pc.cast(pa.array(mag // scale), text_type)
    frac = pc.cast(pa.array(mag % scale), text_type)
    text = whole
    for d in _distinct(decimals):
        if d <= 0:
            continue
        joined = pc.binary_join_element_wise(whole, pc.ascii_lpad(frac, width=d, padding="0"),
                                             pa.scalar(",", text_type))
        text = pc.if_else(pa.array(decimals == d), joined, text) if decimals.ndim else joined
    negative = units < 0
    if negative.any():
        text = pc.if_else(pa.array(negative), pc.binary_join_element_wise(
            pa.scalar("-", text_type), text, pa.scalar("", text_type)), text)
    ok = np.asarray(ok, dtype=bool)
    if not ok.all():
        text = pc.if_else(pa.array(ok), text, pa.scalar("", text_type))
    return text.cast(pa.large_string())


def csv_int(values: pd.Series) -> pd.Series:
    """Whole numbers as text (towards zero, as ``int(x)``); blank if missing."""
    v = pd.to_numeric(values, errors="coerce").astype("Float64").to_numpy(dtype="float64",
                                                                          na_value=np.nan)
    ok = np.isfinite(v)
    whole = np.where(ok, np.trunc(np.where(ok, v, 0.0)), 0.0).astype(np.int64)
    text = pc.if_else(pa.array(ok), pc.cast(pa.array(whole), pa.large_string()),
                      pa.scalar("", pa.large_string()))
    return pd.Series(pd.array(text, dtype="string"), index=values.index)


def csv_yes_no(values: pd.Series) -> pd.Series:
    """Booleans as ``ja``/``nej`` (a categorical: two texts, one code per row)."""
    yes = values.fillna(False).astype(bool).to_numpy()
    return pd.Series(pd.Categorical.from_codes(np.where(yes, 0, 1).astype(np.int8),
                                               categories=pd.Index(["ja", "nej"], dtype="string")),
                     index=values.index)
