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

import numpy as np
import pandas as pd

from analysis.areas import TOTAL_AREA
from analysis.settings import Settings
from analysis.vocabulary import FLAGS, PROPORTION_INDICATORS

VALUE_COLUMNS = ["estimate", "se", "ci_low", "ci_high", "deff", "n_eff", "cv", "numerator"]
CELL_KEYS = ["year", "indicator", "item"]


def _join_reasons(*parts: tuple[np.ndarray, str]) -> np.ndarray:
    n = len(parts[0][0])
    out = np.array([""] * n, dtype=object)
    for mask, text in parts:
        out = np.where(mask, np.where(out == "", text, out + "; " + text), out)
    return out


def apply_disclosure(estimates: pd.DataFrame, settings: Settings | None = None) -> pd.DataFrame:
    """Add ``suppressed``, ``uncertain`` and ``flag_reason``; blank suppressed values.

    ``estimates`` is long (``year, area, indicator, item, estimate, ..., n, numerator``).
    Returns a new frame; the input is not changed.
    """
    s = settings or Settings()
    out = estimates.copy()
    n = out["n"].to_numpy(dtype="float64")
    num = out["numerator"].to_numpy(dtype="float64", na_value=np.nan)
    is_prop = out["indicator"].isin(PROPORTION_INDICATORS).to_numpy()
    few = n < s.min_n
    small = is_prop & (((num >= 1) & (num < s.min_count)) | ((n - num >= 1) & (n - num < s.min_count)))
    primary = few | small
    # secondary suppression among the areas of one year × indicator × item
    secondary = np.zeros(len(out), dtype=bool)
    is_area = (out["area"] != TOTAL_AREA).to_numpy()
    cells = out[is_area].assign(_primary=primary[is_area], _pos=np.flatnonzero(is_area))
    count = cells.groupby(CELL_KEYS, sort=False)["_primary"].transform("sum")
    # Keep the pattern consistent across years: prefer an area whose same indicator × item
    # is suppressed (primary) in another year, then the fewest answers.
    years_primary = cells.groupby(["area", "indicator", "item"], sort=False)["_primary"] \
        .transform("sum")
    cells = cells.assign(_other_years=(years_primary - cells["_primary"]) > 0)
    candidates = cells[(count == 1) & ~cells["_primary"]]
    if len(candidates):
        order = candidates.assign(_pref=~candidates["_other_years"])
        pick = (order.sort_values(CELL_KEYS + ["_pref", "n", "area"])
                .groupby(CELL_KEYS, sort=False).head(1))
        secondary[pick["_pos"].to_numpy()] = True
    suppressed = primary | secondary
    half = (out["ci_high"] - out["ci_low"]).to_numpy(dtype="float64") / 2
    limit = np.where(is_prop, s.max_halfwidth_share, s.max_halfwidth_mean)
    few_unc = ~suppressed & (n < s.uncertain_n)
    wide = ~suppressed & (half > limit)
    reasons = _join_reasons(
        (few, FLAGS["few_respondents"].format(min_n=s.min_n)),
        (small & ~few, FLAGS["small_numerator"]),
        (secondary, FLAGS["secondary"]),
        (few_unc, FLAGS["few_uncertain"].format(min_n=s.min_n, uncertain_n=s.uncertain_n - 1)),
        (wide, FLAGS["wide_ci"]),
    )
    for col in VALUE_COLUMNS:
        if col in out.columns:
            out[col] = out[col].mask(suppressed)
    out["n"] = out["n"].astype("Int64").mask(suppressed & (n < s.min_cell))
    out["suppressed"] = suppressed
    out["uncertain"] = few_unc | wide
    out["flag_reason"] = pd.array(reasons, dtype="string")
    return out
