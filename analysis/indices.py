"""Indices per area × year and for the kommun: item scores, shares, problemindex, changes.

All indicators are design-based domain estimates (``analysis.estimate``) over the
whole respondent table (strata are nested in year), so each has SE, CI, n and
df. Indicators (``vocabulary.INDICATORS``):

* ``poang``: mean score of a problem item under the chosen scoring;
* ``andel_stort_problem``: share answering *ganska* or *mycket stort problem*
  among those with a substantive answer;
* ``problemindex``: a respondent's mean score over the problem items they
  answered, estimated as a domain mean (item ``alla``, and per reporting group of at
  least two items);
  our own index, **not** the police's 0–6 index;
* ``andel_otrygga``, ``andel_oroliga``, ``andel_avstar``, ``andel_utsatta``,
  ``andel_instammer``, ``andel_stort_fortroende``: shares defined per answer
  scale in the codebook;
* ``andel_vet_ej``: share answering *Vet ej* among those who answered the item.

Changes are computed between consecutive survey years only where one area
definition covers both years; a change across a redrawn boundary is marked
not comparable. Benjamini–Hochberg adjusts the p-values across all comparable
changes into the same year (the set a yearly report scans).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.areas import TOTAL_AREA, TOTAL_AREA_NAME, area_versions, comparable
from analysis.codebook import Codebook, load_codebook
from analysis.disclosure import apply_disclosure
from analysis.estimate import DomainDesign, benjamini_hochberg, change_test
from analysis.settings import Settings
from analysis.survey import dont_know_column
from analysis.vocabulary import ALL_ITEMS, FLAGS

ESTIMATES_FILE = "estimates.parquet"
CHANGES_FILE = "changes.parquet"
KEY_COLUMNS = ["year", "area", "indicator", "item"]
STRATA = ["year", "stratum"]


def indicator_values(responses: pd.DataFrame, codebook: Codebook,
                     scoring: str = Settings.scoring) -> list[tuple[str, str, str, np.ndarray]]:
    """Every (indicator, item, kind, per-respondent value) the estimate table is made of.

    Values are float arrays with NaN where the respondent is outside the
    indicator's denominator. Items with no answers at all are left out.
    """
    score_map = codebook.scoring(scoring)
    out: list[tuple[str, str, str, np.ndarray]] = []
    scored: dict[str, np.ndarray] = {}
    for item in codebook.items:
        if item.code not in responses.columns:
            continue
        codes = responses[item.code].to_numpy(dtype="float64", na_value=np.nan)
        dk = responses[dont_know_column(item.code)].to_numpy(dtype="float64", na_value=np.nan)
        if np.isnan(codes).all() and not np.nansum(dk):
            continue
        share = codebook.shares[item.scale]
        if item.scale == "problem":
            score = np.full(codes.shape, np.nan)
            for code, value in score_map.items():
                score[codes == code] = value
            scored[item.code] = score
            out.append(("poang", item.code, "mean", score))
        in_den = np.isin(codes, share.denominator)
        in_num = np.isin(codes, share.numerator)
        out.append((share.indicator, item.code, "proportion",
                    np.where(in_den, in_num.astype(float), np.nan)))
        answered = ~np.isnan(codes) | (dk == 1)
        out.append(("andel_vet_ej", item.code, "proportion",
                    np.where(answered, (dk == 1).astype(float), np.nan)))
    if scored:
        groups: dict[str, list[str]] = {}
        for code in scored:
            groups.setdefault(codebook.item(code).group, []).append(code)
        # A group with a single item would repeat that item's score (and count twice
        # in the Benjamini–Hochberg family), so only groups of two or more items get one.
        sets = [(ALL_ITEMS, list(scored)), *((g, c) for g, c in sorted(groups.items())
                                             if len(c) >= 2)]
        for name, codes in sets:
            matrix = np.column_stack([scored[c] for c in codes])
            with np.errstate(invalid="ignore"):
                answered = (~np.isnan(matrix)).sum(axis=1)
                value = np.where(answered > 0, np.nansum(matrix, axis=1) / np.maximum(answered, 1),
                                 np.nan)
            out.append(("problemindex", name, "mean", value))
    return out


def area_estimates(responses: pd.DataFrame, register: pd.DataFrame, *,
                   codebook: Codebook | None = None, settings: Settings | None = None,
                   progress=None) -> pd.DataFrame:
    """The long estimate table: every indicator for each area × year and the kommun × year.

    Disclosure flags are applied (``analysis.disclosure``). Rows are sorted by
    year, area, indicator, item.
    """
    codebook = codebook or load_codebook()
    s = settings or Settings()
    values = indicator_values(responses, codebook, s.scoring)
    designs = {
        "area": DomainDesign(responses, ["year", "area"], weight="weight", strata=STRATA,
                             single_unit=s.single_unit),
        "total": DomainDesign(responses, ["year"], weight="weight", strata=STRATA,
                              single_unit=s.single_unit),
    }
    frames = []
    for i, (indicator, item, kind, value) in enumerate(values, start=1):
        if progress and i % 20 == 0:
            progress(f"  skattningar {i}/{len(values)}")
        for level, design in designs.items():
            est = design.estimate(value, kind=kind, level=s.level)
            if level == "total":
                est.insert(1, "area", TOTAL_AREA)
            est.insert(2, "indicator", indicator)
            est.insert(3, "item", item)
            frames.append(est[est["n"] > 0])
    table = pd.concat(frames, ignore_index=True)
    table["year"] = table["year"].astype("int64")
    table["area"] = table["area"].astype("string")
    table["indicator"] = table["indicator"].astype("string")
    table["item"] = table["item"].astype("string")
    names = _area_names(register, table["area"], table["year"])
    table.insert(2, "area_name", names)
    versions = area_versions(register, table["area"], table["year"])
    table.insert(3, "area_version", versions.mask(table["area"] == TOTAL_AREA, TOTAL_AREA))
    table["scoring"] = pd.array([s.scoring] * len(table), dtype="string")
    table = apply_disclosure(table, s)
    return table.sort_values(KEY_COLUMNS, ignore_index=True)


def _area_names(register: pd.DataFrame, areas: pd.Series, years: pd.Series) -> pd.Series:
    versions = area_versions(register, areas, years)
    names = versions.map(dict(zip(register["version"], register["area_name"], strict=True)))
    names = names.astype("string").mask(areas == TOTAL_AREA, TOTAL_AREA_NAME)
    return names


def year_changes(estimates: pd.DataFrame, register: pd.DataFrame, *,
                 settings: Settings | None = None) -> pd.DataFrame:
    """Changes between consecutive survey years for every area × indicator × item.

    ``delta = R2 - R1``, ``se_delta = sqrt(SE1^2 + SE2^2)``, two-sided z-test, and
    ``p_bh`` (Benjamini–Hochberg across the comparable, published changes into the
    same year). Where the area's definition differs between the years the row is
    kept with ``comparable = False`` and no delta. A change involving a
    suppressed estimate is suppressed too.
    """
    s = settings or Settings()
    years = sorted(estimates["year"].unique())
    pairs = pd.DataFrame({"year_from": years[:-1], "year_to": years[1:]})
    keep = KEY_COLUMNS + ["area_name", "estimate", "se", "n", "suppressed"]
    left = estimates[keep].rename(columns={"year": "year_from"})
    right = estimates[keep].rename(columns={"year": "year_to"})
    merged = (pairs.merge(left, on="year_from")
              .merge(right, on=["year_to", "area", "indicator", "item"], suffixes=("_from", "_to")))
    ok = comparable(register, merged["area"], merged["year_from"], merged["year_to"]).to_numpy()
    test = change_test(merged["estimate_from"], merged["se_from"], merged["estimate_to"],
                       merged["se_to"])
    suppressed = (merged["suppressed_from"] | merged["suppressed_to"]).to_numpy()
    usable = ok & ~suppressed
    for col in test.columns:
        merged[col] = np.where(usable, test[col].to_numpy(), np.nan)
    merged["comparable"] = ok
    merged["suppressed"] = suppressed
    merged["p_bh"] = np.nan
    for _, idx in merged.groupby("year_to").groups.items():
        rows = np.asarray(idx)
        merged.loc[rows, "p_bh"] = benjamini_hochberg(merged.loc[rows, "p"].to_numpy())
    merged["significant"] = (merged["p_bh"] < s.alpha).to_numpy()
    merged["flag_reason"] = pd.array(np.where(ok, "", FLAGS["not_comparable"]), dtype="string")
    cols = ["year_from", "year_to", "area", "area_name_to", "indicator", "item",
            "estimate_from", "estimate_to", "n_from", "n_to", "delta", "se_delta", "z", "p",
            "p_bh", "significant", "comparable", "suppressed", "flag_reason"]
    out = merged[cols].rename(columns={"area_name_to": "area_name"})
    return out.sort_values(["year_to", "area", "indicator", "item"], ignore_index=True)
