"""Disclosure control for estimate tables (DOMAIN §6), applied before anything leaves the library.

Rules (thresholds from ``Settings``):

* **suppressed** (primary): fewer than ``min_n`` respondents with an answer, or a
  proportion whose numerator or complement is between 1 and ``min_count - 1``
  (default 1–2 people);
* **suppressed** (secondary): when exactly one area of a year × indicator × item
  is suppressed, one more area is suppressed, so the suppressed value cannot be
  recovered from the kommun total. To keep the pattern consistent across years the
  choice prefers an area whose same indicator × item is suppressed in another year,
  then the area with the fewest answers;
* **uncertain**: not suppressed, and ``min_n``–``uncertain_n - 1`` answers or a CI
  half-width over ``max_halfwidth_mean`` scale points (means) or
  ``max_halfwidth_share`` (proportions).

A suppressed row keeps its keys but loses estimate, SE, CI and everything
derived from them; ``n`` is blanked too when below ``min_cell``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis.areas import TOTAL_AREA
from analysis.settings import Settings
from analysis.vocabulary import FLAGS, PROPORTION_INDICATORS

VALUE_COLUMNS = ["estimate", "se", "ci_low", "ci_high", "deff", "n_eff", "cv", "numerator"]
CELL_KEYS = ["year", "indicator", "item"]


def _join_reasons(*parts: tuple[np.ndarray, str]) -> pd.api.extensions.ExtensionArray:
    """Per row, the texts of the masks that hold, joined with "; " in the given order.

    At most 2**len(parts) distinct texts: each is built once and repeated by its code.
    """
    n = len(parts[0][0])
    code = np.zeros(n, dtype=np.int64)
    for bit, (mask, _) in enumerate(parts):
        code |= np.asarray(mask, dtype=bool).astype(np.int64) << bit
    texts = ["; ".join(text for bit, (_, text) in enumerate(parts) if c >> bit & 1)
             for c in range(1 << len(parts))]
    return pd.array(pa.array(texts, type=pa.large_string()).take(pa.array(code)),
                    dtype="string")


def _codes(*columns: pd.Series) -> np.ndarray:
    """Dense integer codes of the combinations of ``columns`` (one group per combination)."""
    combined = np.zeros(len(columns[0]), dtype=np.int64)
    for col in columns:
        codes, uniques = pd.factorize(col, sort=False, use_na_sentinel=False)
        combined = combined * max(len(uniques), 1) + codes
    return pd.factorize(combined, sort=False)[0].astype(np.int64)


def _dense(codes: np.ndarray) -> np.ndarray:
    return pd.factorize(codes, sort=False)[0].astype(np.int64)


@dataclass(frozen=True)
class Disclosure:
    """The disclosure decision for each row of an estimate table (see the module docstring).

    ``blank_n``: suppressed rows whose ``n`` is blanked too (below ``min_cell``).
    """

    suppressed: np.ndarray
    uncertain: np.ndarray
    flag_reason: pd.api.extensions.ExtensionArray
    blank_n: np.ndarray


def disclosure_flags(n: np.ndarray, numerator: np.ndarray, is_proportion: np.ndarray,
                     half_width: np.ndarray, is_area: np.ndarray, cell: np.ndarray,
                     series: np.ndarray, area_rank: np.ndarray,
                     settings: Settings | None = None) -> Disclosure:
    """The disclosure rules on arrays, one entry per row of an estimate table.

    ``cell`` codes year × indicator × item, ``series`` area × indicator × item (any
    integer codes), ``area_rank`` orders the areas as their codes sort as text; ``n`` and
    ``numerator`` are floats (NaN numerator for means), ``half_width`` the CI half-width.
    """
    s = settings or Settings()
    few = n < s.min_n
    num = numerator
    small = is_proportion & (((num >= 1) & (num < s.min_count))
                             | ((n - num >= 1) & (n - num < s.min_count)))
    primary = few | small
    # secondary suppression among the areas of one year × indicator × item
    secondary = np.zeros(len(n), dtype=bool)
    pos = np.flatnonzero(is_area)
    if len(pos):
        area_cell = _dense(cell[pos])
        prim = primary[pos]
        count = np.bincount(area_cell, prim)[area_cell]
        # Keep the pattern consistent across years: prefer an area whose same indicator ×
        # item is suppressed (primary) in another year, then the fewest answers.
        area_series = _dense(series[pos])
        other_years = (np.bincount(area_series, prim)[area_series] - prim) > 0
        cand = np.flatnonzero((count == 1) & ~prim)
        if len(cand):
            order = np.lexsort((area_rank[pos[cand]], n[pos][cand], other_years[cand] == 0,
                                area_cell[cand]))
            picked = cand[order]
            first = np.ones(len(picked), dtype=bool)
            first[1:] = area_cell[picked][1:] != area_cell[picked][:-1]
            secondary[pos[picked[first]]] = True
    suppressed = primary | secondary
    limit = np.where(is_proportion, s.max_halfwidth_share, s.max_halfwidth_mean)
    few_unc = ~suppressed & (n < s.uncertain_n)
    with np.errstate(invalid="ignore"):
        wide = ~suppressed & (half_width > limit)
    reasons = _join_reasons(
        (few, FLAGS["few_respondents"].format(min_n=s.min_n)),
        (small & ~few, FLAGS["small_numerator"]),
        (secondary, FLAGS["secondary"]),
        (few_unc, FLAGS["few_uncertain"].format(min_n=s.min_n, uncertain_n=s.uncertain_n - 1)),
        (wide, FLAGS["wide_ci"]),
    )
    return Disclosure(suppressed, few_unc | wide, reasons, suppressed & (n < s.min_cell))


def apply_disclosure(estimates: pd.DataFrame, settings: Settings | None = None) -> pd.DataFrame:
    """Add ``suppressed``, ``uncertain`` and ``flag_reason``; blank suppressed values.

    ``estimates`` is long (``year, area, indicator, item, estimate, ..., n, numerator``).
    Returns a new frame; the input is not changed. Vectorised over integer group codes
    (millions of rows at national scale).
    """
    s = settings or Settings()
    out = estimates.copy(deep=False)
    n = out["n"].to_numpy(dtype="float64")
    flags = disclosure_flags(
        n, out["numerator"].to_numpy(dtype="float64", na_value=np.nan),
        out["indicator"].isin(PROPORTION_INDICATORS).to_numpy(),
        (out["ci_high"] - out["ci_low"]).to_numpy(dtype="float64", na_value=np.nan) / 2,
        (out["area"] != TOTAL_AREA).to_numpy(dtype=bool, na_value=True),
        _codes(*(out[c] for c in CELL_KEYS)),
        _codes(out["area"], out["indicator"], out["item"]),
        pd.factorize(out["area"], sort=True)[0], s)
    for col in VALUE_COLUMNS:
        if col in out.columns:
            out[col] = out[col].mask(flags.suppressed)
    out["n"] = out["n"].astype("Int64").mask(flags.blank_n)
    out["suppressed"] = flags.suppressed
    out["uncertain"] = flags.uncertain
    out["flag_reason"] = flags.flag_reason
    return out
