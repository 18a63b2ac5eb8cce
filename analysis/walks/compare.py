"""Walks beside the survey: observation counts next to the related survey items.

Per survey year and area, the number of problem observations of a walk category
(duplicates left out) is set beside the survey's share "stort problem"
(indicator ``andel_stort_problem``) of each related item; the category -> item
mapping is data (``survey_items`` in ``walk_vocabulary.yaml``). Across the areas
of a year, Spearman's rank correlation (``scipy.stats.spearmanr``) says whether
the areas with many observations are the areas where residents see a big
problem.

Be honest about what this can show: walks are not a sample – the count reflects
where people chose to walk – and a year has at most a handful of areas. With
fewer than ``min_areas`` areas the table says "för få områden för en meningsfull
korrelation"; with fewer than three areas, or when one side does not vary, no
correlation is computed at all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analysis.areas import TOTAL_AREA
from analysis.settings import Settings

SURVEY_INDICATOR = "andel_stort_problem"
COMPARE_COLUMNS = ["year", "area", "area_name", "category", "item", "observations",
                   "survey_estimate", "survey_ci_low", "survey_ci_high", "survey_n",
                   "survey_suppressed", "n_areas", "spearman_rho", "spearman_p", "caveat"]
FEW_AREAS = "för få områden för en meningsfull korrelation ({n} områden)"
NOT_COMPUTED = "korrelationen kan inte beräknas ({why})"


def walks_vs_survey(observations: pd.DataFrame, estimates: pd.DataFrame,
                    survey_items: dict[str, tuple[str, ...] | list[str]], *,
                    min_areas: int = Settings.walk_min_areas_correlation) -> pd.DataFrame:
    """Observation counts per year, area and category beside the related survey items.

    The rows are the survey's areas (the kommun total left out) in the years that
    have both walks and survey estimates, for every (category, item) pair of
    ``survey_items``; an area without observations has 0. ``n_areas`` is the number
    of areas with an unsuppressed estimate, over which ``spearman_rho`` and
    ``spearman_p`` are computed (the same on every row of a year, category and item).
    """
    pairs = [(c, i) for c, items in survey_items.items() for i in items]
    est = estimates[(estimates["indicator"] == SURVEY_INDICATOR).to_numpy()
                    & (estimates["area"] != TOTAL_AREA).to_numpy()
                    & estimates["item"].isin([i for _, i in pairs]).to_numpy()]
    walk_years = set(observations["walk_date"].dt.year.dropna().astype(int))
    est = est[est["year"].isin(sorted(walk_years)).to_numpy()]
    grid = est[["year", "area", "area_name"]].drop_duplicates()
    grid = grid.merge(pd.DataFrame(pairs, columns=["category", "item"]), how="cross")
    grid = grid.merge(est[["year", "area", "item", "estimate", "ci_low", "ci_high", "n",
                           "suppressed"]], on=["year", "area", "item"], how="left")
    problems = observations[(observations["valence"] == "problem").to_numpy()
                            & (observations["status"] != "dubblett").fillna(True).to_numpy()]
    counts = (pd.DataFrame({"year": problems["walk_date"].dt.year.astype("int64"),
                            "area": problems["area"].astype("string"),
                            "category": problems["category"].astype("string")})
              .dropna().groupby(["year", "area", "category"]).size().rename("observations")
              .reset_index())
    grid["year"] = grid["year"].astype("int64")
    for col in ["area", "area_name", "category", "item"]:
        grid[col] = grid[col].astype("string")
    out = grid.merge(counts, on=["year", "area", "category"], how="left")
    out["observations"] = out["observations"].fillna(0).astype("int64")
    out = out.rename(columns={"estimate": "survey_estimate", "ci_low": "survey_ci_low",
                              "ci_high": "survey_ci_high", "n": "survey_n",
                              "suppressed": "survey_suppressed"})
    out["survey_suppressed"] = out["survey_suppressed"].fillna(False).astype(bool)
    out["survey_n"] = out["survey_n"].astype("Int64")
    out = out.sort_values(["year", "category", "item", "area"], ignore_index=True)
    out = out.merge(_correlations(out, min_areas), on=["year", "category", "item"], how="left")
    out["n_areas"] = out["n_areas"].astype("int64")
    for col in ["spearman_rho", "spearman_p", "survey_estimate", "survey_ci_low",
                "survey_ci_high"]:
        out[col] = out[col].astype("float64")
    return out[COMPARE_COLUMNS]


def _correlations(table: pd.DataFrame, min_areas: int) -> pd.DataFrame:
    """``rank_correlation`` per year, category and item over the areas of ``table``."""
    rows = []
    for (year, category, item), g in table.groupby(["year", "category", "item"], sort=True):
        rho, p, n, caveat = rank_correlation(g["observations"], g["survey_estimate"], min_areas)
        rows.append((year, category, item, n, rho, p, caveat))
    corr = pd.DataFrame(rows, columns=["year", "category", "item", "n_areas",
                                       "spearman_rho", "spearman_p", "caveat"])
    corr["year"] = corr["year"].astype("int64")
    for col in ["category", "item", "caveat"]:
        corr[col] = corr[col].astype("string")
    return corr


def rank_correlation(counts: pd.Series, shares: pd.Series,
                     min_areas: int = Settings.walk_min_areas_correlation
                     ) -> tuple[float, float, int, str]:
    """Spearman's rho and p over the areas with a share; (rho, p, n areas, caveat)."""
    ok = shares.notna().to_numpy()
    x = counts.to_numpy(dtype="float64")[ok]
    y = shares.to_numpy(dtype="float64")[ok]
    n = int(ok.sum())
    if n < 3:
        return np.nan, np.nan, n, NOT_COMPUTED.format(why=f"bara {n} områden med skattning")
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        side = "observationerna" if np.ptp(x) == 0 else "enkätsvaren"
        return np.nan, np.nan, n, NOT_COMPUTED.format(why=f"{side} varierar inte mellan områdena")
    result = stats.spearmanr(x, y)
    caveat = FEW_AREAS.format(n=n) if n < min_areas else ""
    return float(result.statistic), float(result.pvalue), n, caveat
