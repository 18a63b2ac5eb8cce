"""Comparison statistics on the police's index: change between years, and beside our estimates.

``compare_official`` judges the change of one index between two years against a
minimum difference (the index has no confidence interval); ``official_vs_survey``
puts the index beside our estimate of the matching share, with the rank agreement
across areas (``rank_agreement``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd
from scipy import stats

from analysis.areas import TOTAL_AREA
from analysis.codebook import PoliceIndicator, load_police_indicators
from analysis.formatting import sv_number, sv_percent, sv_percent_range
from analysis.official.areas import (
    LPO_AREA,
    PO_AREA,
    REGION_AREA,
    TOTAL_AREAS,
    total_area,
)
from analysis.official.indicators import find_indicator
from analysis.official.reader import ACTION_LEVEL, select_vintage
from analysis.settings import Settings
from analysis.text import normalise_label
from analysis.vocabulary import NARRATIVE

MIN_AREAS_RANK = 10  # below this many areas the rank agreement gets a caveat

# Verdicts of ``compare_official``.
INCREASE = "ökning"
DECREASE = "minskning"
UNCHANGED = "oförändrad"
NOT_COMPARABLE = "ej jämförbar"
NO_CI_TEXT = ("Polisens index saknar konfidensintervall; förändringen bedöms mot en minsta "
              "skillnad på {min_difference} indexenheter.")

SIDE_BY_SIDE_COLUMNS = [
    "year", "area", "area_name", "indicator", "indicator_name", "item", "survey_indicator",
    "official_value", "official_restated", "official_n_vintages", "official_source",
    "official_published", "at_action_level", "estimate", "ci_low", "ci_high", "n",
    "suppressed", "uncertain", "rank_official", "rank_survey", "n_areas_ranked",
    "spearman_rho", "agreement_note",
]
# Levels of ``reference_levels``, in order: (area code, "Nivå" label).
REFERENCE_LEVELS = ((TOTAL_AREA, "Kommunen"), (LPO_AREA, "Lokalpolisområdet"),
                    (PO_AREA, "Polisområdet"), (REGION_AREA, "Regionen"))
REFERENCE_COLUMNS = ["Nivå", "Polisens index", "Egen skattning", "95 % KI"]
REFERENCE_CAVEAT = ("Polisens index (skala 0–6) och kommunens egna andelar (procent) är olika "
                    "skalor och kan inte jämföras tal för tal; jämför nivåerna i polisens index "
                    "med varandra och de egna andelarna med varandra.")
AGREEMENT_COLUMNS = ["year", "indicator", "indicator_name", "n_areas_ranked", "spearman_rho",
                     "agreement_note"]


def _sv_parameter(value: float) -> str:
    """A parameter as written by people, without trailing zeros: 0.2 -> '0,2', 3.0 -> '3'."""
    return sv_number(value, 6).rstrip("0").rstrip(",")


# --- change between two years ------------------------------------------------------------


@dataclass(frozen=True)
class OfficialChange:
    """The change in one official index between two years, judged without a CI."""

    indicator: str
    indicator_name: str
    area: str
    area_name: str
    year1: int
    year2: int
    value1: float
    value2: float
    change: float
    min_difference: float
    verdict: str
    comparable: bool
    restated1: bool
    restated2: bool
    at_action_level1: bool
    at_action_level2: bool
    vintage: str
    text: str

    def as_dict(self) -> dict:
        return asdict(self)


def _area_code(rows: pd.DataFrame, area: str) -> str:
    """The area code for ``area``: a code, a name in ``rows``, ``kommunen`` or ``lpo``."""
    total = total_area(area, lpo_prefix=False)
    if total is not None:
        return total[0]
    if not (rows["area"] == area).any():
        named = rows.loc[rows["area_name"].map(normalise_label) == normalise_label(area),
                         "area"].unique()
        if len(named) == 1:
            return str(named[0])
    return area


def _pick(rows: pd.DataFrame, code: str, area: str, year: int) -> pd.Series:
    """The row of ``area`` in ``year``; ``LookupError`` listing the years there are."""
    hit = rows[(rows["area"] == area) & (rows["year"] == year)]
    if hit.empty:
        have = sorted(rows.loc[rows["area"] == area, "year"].unique().tolist())
        raise LookupError(f"polisens index för {code} i område {area} saknas för {year} "
                          f"(finns för: {', '.join(map(str, have)) or 'inga år'}).")
    return hit.iloc[0]


def _verdict(change: float, comparable: bool, min_difference: float) -> str:
    if not comparable:
        return NOT_COMPARABLE
    if abs(change) < min_difference - 1e-9:
        return UNCHANGED
    return INCREASE if change > 0 else DECREASE


def _change_text(c: OfficialChange, r1: pd.Series, r2: pd.Series, action_level: float) -> str:
    """The Swedish sentences of a change: values and verdict, then the caveats."""
    sign = "+" if c.change > 0 else ""
    parts = [f"{c.indicator_name}, {c.area_name}: {sv_number(c.value1)} ({c.year1}) -> "
             f"{sv_number(c.value2)} ({c.year2}), förändring {sign}{sv_number(c.change)}: "
             f"{c.verdict}.",
             NO_CI_TEXT.format(min_difference=_sv_parameter(c.min_difference))]
    if not c.comparable:
        parts.append("Områdets gränser ritades om mellan åren, så skillnaden är ingen "
                     "förändring i samma område.")
    flagged = [f"{y} ({sv_number(v)})" for y, v, a in ((c.year1, c.value1, c.at_action_level1),
                                                       (c.year2, c.value2, c.at_action_level2))
               if a]
    if flagged:
        parts.append(f"På eller över polisens åtgärdsnivå {_sv_parameter(action_level)}: "
                     + ", ".join(flagged) + ".")
    chosen_word = "senast" if c.vintage == "latest" else "först"
    for y, r in ((c.year1, r1), (c.year2, r2)):
        if bool(r["restated"]):
            parts.append(f"Värdet för {y} har reviderats (först publicerat "
                         f"{sv_number(r['first_value'])}, senast {sv_number(r['latest_value'])}); "
                         f"jämförelsen använder det {chosen_word} publicerade.")
    return " ".join(parts)


def compare_official(table: pd.DataFrame, indicator: str, area: str, year1: int, year2: int, *,
                     min_difference: float = Settings.official_min_difference,
                     vintage: str = "latest",
                     action_level: float = ACTION_LEVEL) -> OfficialChange:
    """Compare an official index between two years.

    No uncertainty is known for the police's index, so the change
    ``Δ = value(year2) − value(year1)`` is judged against ``min_difference``:
    ``|Δ| < min_difference`` -> "oförändrad", else "ökning"/"minskning"; an
    area whose boundaries were redrawn between the years -> "ej jämförbar".
    Values at or above ``action_level`` (3, the police's action level) are
    flagged. ``table`` is the long official table (``official_indices.parquet``);
    ``area`` is a code, a name, ``kommunen`` or ``lpo``. Raises ``LookupError``
    (Swedish message) when a value is missing.
    """
    chosen = select_vintage(table, vintage)
    code = find_indicator(chosen, indicator)
    rows = chosen[chosen["indicator"] == code]
    area = _area_code(rows, area)
    r1, r2 = _pick(rows, code, area, year1), _pick(rows, code, area, year2)
    v1, v2 = float(r1["value"]), float(r2["value"])
    change = round(v2 - v1, 10)
    comparable = area in TOTAL_AREAS or (
        pd.notna(r1["area_version"]) and r1["area_version"] == r2["area_version"])
    result = OfficialChange(
        code, str(r1["indicator_name"]), area, str(r2["area_name"]), int(year1), int(year2),
        v1, v2, change, float(min_difference),
        _verdict(change, bool(comparable), min_difference), bool(comparable),
        bool(r1["restated"]), bool(r2["restated"]), bool(v1 >= action_level - 1e-9),
        bool(v2 >= action_level - 1e-9), vintage, "")
    return replace(result, text=_change_text(result, r1, r2, action_level))


# --- side by side with our own estimates -------------------------------------------------


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 3 or len(np.unique(x)) < 2 or len(np.unique(y)) < 2:
        return float("nan")
    return float(stats.spearmanr(x, y).statistic)


def _agreement_note(n: int, rho: float, min_areas: int) -> str:
    if n < 3:
        return (f"för få områden ({n}) för en rangkorrelation; jämför värdena område för "
                "område.")
    if np.isnan(rho):
        return "alla områden har samma värde i den ena källan; ingen rangkorrelation."
    if n < min_areas:
        return (f"bara {n} områden: rangkorrelationen är mycket osäker och visar bara om "
                "källorna rangordnar områdena åt samma håll.")
    return ""


def _rankable(side: pd.DataFrame) -> pd.DataFrame:
    ok = (~side["area"].isin(TOTAL_AREAS) & side["official_value"].notna()
          & side["estimate"].notna() & ~side["suppressed"].astype(bool))
    return side[ok]


def rank_agreement(side: pd.DataFrame, *, min_areas: int = MIN_AREAS_RANK) -> pd.DataFrame:
    """Spearman rank correlation across areas between official index and our share.

    ``rho = 1 − 6 Σ d² / (n (n² − 1))`` for ranks without ties (``d`` = difference of
    the two ranks of an area; with ties the Pearson correlation of the average ranks).
    One row per year × indicator: ``n_areas_ranked`` (areas with both an
    official value and an unsuppressed estimate; the kommun and LPO totals are
    not areas), ``spearman_rho`` (NaN below 3 areas or when one source has a
    single value) and a Swedish caveat when there are fewer than ``min_areas``.
    """
    rows = []
    ranked = _rankable(side)
    for (year, ind), group in side.groupby(["year", "indicator"], sort=True):
        g = ranked[(ranked["year"] == year) & (ranked["indicator"] == ind)]
        rho = _spearman(g["official_value"].to_numpy(), g["estimate"].to_numpy())
        rows.append({"year": int(year), "indicator": ind,
                     "indicator_name": group["indicator_name"].iloc[0],
                     "n_areas_ranked": len(g), "spearman_rho": rho,
                     "agreement_note": _agreement_note(len(g), rho, min_areas)})
    out = pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
    return out.astype({"year": "int64", "indicator": "string", "indicator_name": "string",
                       "n_areas_ranked": "int64", "spearman_rho": "float64",
                       "agreement_note": "string"})


def _official_side(official: pd.DataFrame, pairs: pd.DataFrame, vintage: str) -> pd.DataFrame:
    """The chosen vintage of the indicators that have a survey share, renamed official_*."""
    chosen = select_vintage(official, vintage)
    left = chosen.drop(columns=["item"]).merge(pairs, on="indicator", how="inner")
    return left.rename(columns={"value": "official_value", "restated": "official_restated",
                                "n_vintages": "official_n_vintages",
                                "source": "official_source", "published": "official_published"})


def _survey_side(estimates: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Our estimates of the matching shares, as they are (suppressed stays suppressed)."""
    est = estimates[estimates["indicator"].isin(pairs["survey_indicator"].unique())]
    if est.duplicated(["year", "area", "indicator", "item"]).any():
        raise ValueError("skattningarna har flera rader för samma år, område, mått och fråga")
    est = est.assign(uncertain=est["uncertain"] if "uncertain" in est else False)
    est = est[["year", "area", "indicator", "item", "estimate", "ci_low", "ci_high", "n",
               "suppressed", "uncertain"]].rename(columns={"indicator": "survey_indicator"})
    return est.astype({"area": "string", "item": "string", "survey_indicator": "string",
                       "year": "int64"})


def official_vs_survey(official: pd.DataFrame, estimates: pd.DataFrame,
                       indicators: Iterable[PoliceIndicator] | None = None, *,
                       vintage: str = "latest",
                       min_areas: int = MIN_AREAS_RANK) -> pd.DataFrame:
    """The official index beside our estimate of the matching share, per area and year.

    For every police indicator with a ``survey_indicator`` (for problem items
    the share "stort problem"), rows where both an official value (the chosen
    vintage) and an estimate exist. Our columns ``estimate, ci_low, ci_high, n,
    suppressed, uncertain`` are copied as they are (a suppressed estimate stays
    suppressed). ``rank_official``/``rank_survey`` rank the areas within year ×
    indicator (1 = the biggest problem; totals are not ranked) and
    ``spearman_rho`` is their rank correlation (see ``rank_agreement``).
    """
    indicators = tuple(indicators or load_police_indicators())
    pairs = pd.DataFrame([(i.code, i.item, i.survey_indicator) for i in indicators
                          if i.item and i.survey_indicator],
                         columns=["indicator", "item", "survey_indicator"]).astype("string")
    side = _official_side(official, pairs, vintage).merge(
        _survey_side(estimates, pairs), on=["year", "area", "item", "survey_indicator"],
        how="inner")
    side["suppressed"] = side["suppressed"].astype(bool)
    side["uncertain"] = side["uncertain"].astype(bool)
    grp = _rankable(side).groupby(["year", "indicator"], sort=False)
    side["rank_official"] = grp["official_value"].rank(ascending=False, method="average")
    side["rank_survey"] = grp["estimate"].rank(ascending=False, method="average")
    agreement = rank_agreement(side, min_areas=min_areas)
    side = side.merge(agreement.drop(columns=["indicator_name"]), on=["year", "indicator"],
                      how="left")
    out = side.sort_values(["year", "indicator", "area"], ignore_index=True)
    return _typed_side(out[SIDE_BY_SIDE_COLUMNS])


def _typed_side(frame: pd.DataFrame) -> pd.DataFrame:
    types = {c: "string" for c in ["area", "area_name", "indicator", "indicator_name", "item",
                                   "survey_indicator", "official_source", "agreement_note"]}
    types |= {"year": "int64", "official_value": "float64", "official_restated": bool,
              "official_n_vintages": "int64", "official_published": "datetime64[ms]",
              "at_action_level": bool, "estimate": "float64", "ci_low": "float64",
              "ci_high": "float64", "n": "Int64", "suppressed": bool, "uncertain": bool,
              "rank_official": "float64", "rank_survey": "float64",
              "n_areas_ranked": "Int64", "spearman_rho": "float64"}
    return frame.astype(types)[SIDE_BY_SIDE_COLUMNS]


def empty_side_by_side() -> pd.DataFrame:
    """A side-by-side table with no rows (the schema of ``official_vs_survey.parquet``)."""
    return _typed_side(pd.DataFrame({c: [] for c in SIDE_BY_SIDE_COLUMNS}))


# --- reference levels: kommun, LPO, PO and region -----------------------------------------


def _kommun_estimate(estimates: pd.DataFrame | None, year: int,
                     indicator: PoliceIndicator | None) -> tuple[str, str]:
    """Our kommun estimate of the share matching ``indicator`` and its CI, as text."""
    if (estimates is None or indicator is None or not indicator.item
            or not indicator.survey_indicator):
        return sv_number(None), sv_number(None)
    hit = estimates[(estimates["year"] == year) & (estimates["area"] == TOTAL_AREA)
                    & (estimates["indicator"] == indicator.survey_indicator)
                    & (estimates["item"] == indicator.item)]
    if hit.empty:
        return sv_number(None), sv_number(None)
    row = hit.iloc[0]
    if "suppressed" in hit and bool(row["suppressed"]):
        return NARRATIVE["suppressed"], sv_number(None)
    return sv_percent(row["estimate"]), sv_percent_range(row["ci_low"], row["ci_high"])


def reference_levels(official: pd.DataFrame, estimates: pd.DataFrame | None, year: int,
                     indicator: str, *, vintage: str = "latest",
                     indicators: Iterable[PoliceIndicator] | None = None) -> pd.DataFrame:
    """The police's index for the kommun and its reference levels, beside our own estimate.

    One row per level that has a value in ``year`` (the chosen vintage), in the order
    Kommunen, Lokalpolisområdet, Polisområdet, Regionen. Columns (Swedish, text cells):
    ``Nivå``, ``Polisens index`` (0–6, two decimals), and for the kommun row only our
    estimate of the matching share (``Egen skattning``) with its 95 % CI; "–" elsewhere
    (we have no survey for the reference areas) and where there is no matching share.
    The two are different scales: show ``REFERENCE_CAVEAT`` with the table. ``official``
    is the long official table (``official_indices.parquet``); ``indicator`` a code or
    name. An empty frame (same columns) when no level has a value.
    """
    chosen = select_vintage(official, vintage)
    code = find_indicator(chosen, indicator) if len(chosen) else indicator
    rows = chosen[(chosen["year"] == year) & (chosen["indicator"] == code)]
    known = {i.code: i for i in (indicators or load_police_indicators())}
    out = []
    for area, label in REFERENCE_LEVELS:
        hit = rows[rows["area"] == area]
        if hit.empty:
            continue
        est, ci = (_kommun_estimate(estimates, year, known.get(code)) if area == TOTAL_AREA
                   else (sv_number(None), sv_number(None)))
        out.append([label, sv_number(hit["value"].iloc[0]), est, ci])
    return pd.DataFrame(out, columns=REFERENCE_COLUMNS, dtype="object")
