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
import pyarrow as pa

from analysis.areas import TOTAL_AREA, TOTAL_AREA_NAME, area_versions, comparable
from analysis.codebook import Codebook, load_codebook
from analysis.disclosure import VALUE_COLUMNS, disclosure_flags
from analysis.estimate import ESTIMATE_COLUMNS, DomainDesign, benjamini_hochberg, change_test
from analysis.settings import Settings
from analysis.survey import dont_know_column
from analysis.vocabulary import ALL_ITEMS, FLAGS, PROPORTION_INDICATORS

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
    return list(iter_indicator_values(responses, codebook, scoring))


def indicator_plan(responses: pd.DataFrame, codebook: Codebook) -> list[tuple[str, str, str]]:
    """The (indicator, item, kind) of every value ``iter_indicator_values`` yields, in order."""
    plan, problem_items = [], []
    for item in codebook.items:
        if not _has_answers(responses, item.code):
            continue
        if item.scale == "problem":
            plan.append(("poang", item.code, "mean"))
            problem_items.append(item.code)
        plan.append((codebook.shares[item.scale].indicator, item.code, "proportion"))
        plan.append(("andel_vet_ej", item.code, "proportion"))
    plan += [("problemindex", name, "mean") for name, _ in _index_sets(problem_items, codebook)]
    return plan


def _has_answers(responses: pd.DataFrame, item: str) -> bool:
    if item not in responses.columns:
        return False
    return bool(responses[item].notna().any()
                or responses[dont_know_column(item)].fillna(False).any())


def _index_sets(problem_items: list[str], codebook: Codebook) -> list[tuple[str, list[str]]]:
    """``alla`` and every reporting group of at least two problem items."""
    if not problem_items:
        return []
    groups: dict[str, list[str]] = {}
    for code in problem_items:
        groups.setdefault(codebook.item(code).group, []).append(code)
    # A group with a single item would repeat that item's score (and count twice
    # in the Benjamini–Hochberg family), so only groups of two or more items get one.
    return [(ALL_ITEMS, list(problem_items)),
            *((g, c) for g, c in sorted(groups.items()) if len(c) >= 2)]


_INDEX_CHUNK = 1 << 18  # rows per block when averaging problem scores (bounded memory)


def iter_indicator_values(responses: pd.DataFrame, codebook: Codebook,
                          scoring: str = Settings.scoring):
    """``indicator_values`` one at a time (at national scale the list would not fit in
    memory: 150 indicators × 3 M respondents × 8 bytes)."""
    score_lut = _score_lookup(codebook.scoring(scoring))
    problem_items = []
    for item in codebook.items:
        if not _has_answers(responses, item.code):
            continue
        codes = responses[item.code].to_numpy(dtype="float64", na_value=np.nan)
        dk = responses[dont_know_column(item.code)].to_numpy(dtype="float64", na_value=np.nan)
        share = codebook.shares[item.scale]
        if item.scale == "problem":
            problem_items.append(item.code)
            yield "poang", item.code, "mean", _scores(responses[item.code], score_lut)
        in_den = np.isin(codes, share.denominator)
        in_num = np.isin(codes, share.numerator)
        yield (share.indicator, item.code, "proportion",
               np.where(in_den, in_num.astype(float), np.nan))
        answered = ~np.isnan(codes) | (dk == 1)
        yield ("andel_vet_ej", item.code, "proportion",
               np.where(answered, (dk == 1).astype(float), np.nan))
    sets = _index_sets(problem_items, codebook)
    if not sets:
        return
    # a respondent's mean score over the items of each set, a block of rows at a time
    values = {name: np.empty(len(responses)) for name, _ in sets}
    for start in range(0, len(responses), _INDEX_CHUNK):
        part = responses.iloc[start:start + _INDEX_CHUNK]
        scores = {c: _scores(part[c], score_lut) for c in problem_items}
        for name, codes in sets:
            matrix = np.column_stack([scores[c] for c in codes])
            with np.errstate(invalid="ignore"):
                answered = (~np.isnan(matrix)).sum(axis=1)
                values[name][start:start + len(part)] = np.where(
                    answered > 0, np.nansum(matrix, axis=1) / np.maximum(answered, 1), np.nan)
    for name, _ in sets:
        yield "problemindex", name, "mean", values.pop(name)


def _score_lookup(score_map: dict[int, float]) -> np.ndarray:
    """Score by answer code as a byte (answer codes are Int8); NaN for codes without a
    score and for no answer (read as -1, byte 255)."""
    lut = np.full(256, np.nan)
    for answer, value in score_map.items():
        if 0 <= answer < 128:
            lut[answer] = value
    return lut


def _scores(codes: pd.Series, lut: np.ndarray) -> np.ndarray:
    """The problem score of each row (NaN without a substantive answer)."""
    return lut.take(codes.to_numpy(dtype="int8", na_value=-1).view(np.uint8))


def area_estimates(responses: pd.DataFrame, register: pd.DataFrame, *,
                   codebook: Codebook | None = None, settings: Settings | None = None,
                   progress=None) -> pd.DataFrame:
    """The long estimate table: every indicator for each area × year and the kommun × year.

    Disclosure flags are applied (``analysis.disclosure``). Rows are sorted by
    year, area, indicator, item.

    The two domain designs (area × year, kommun × year) are built once and reused for
    every indicator; the kommun design takes its cell sums from the area design when the
    strata are nested in the areas (``DomainDesign.nested_in``). The table is assembled
    column by column from integer keys (no per-indicator frames, no string sort).
    """
    codebook = codebook or load_codebook()
    s = settings or Settings()
    plan = indicator_plan(responses, codebook)
    area_design = DomainDesign(responses, ["year", "area"], weight="weight", strata=STRATA,
                               single_unit=s.single_unit)
    total_design = DomainDesign(responses, ["year"], weight="weight", strata=STRATA,
                                single_unit=s.single_unit)
    # All domains (area × year, then kommun × year), and their place in the sorted table:
    # by year, then area as text (the kommun total sorts among the area codes).
    n_area = area_design.n_dom
    dom_year = np.concatenate([area_design.keys["year"].to_numpy(dtype="int64"),
                               total_design.keys["year"].to_numpy(dtype="int64")])
    dom_area = ([str(a) for a in area_design.keys["area"]]
                + [TOTAL_AREA] * total_design.n_dom)
    area_rank = _ranks(dom_area)
    dom_order = np.lexsort((area_rank, dom_year))  # sorted position -> domain
    dom_place = np.empty_like(dom_order)
    dom_place[dom_order] = np.arange(len(dom_order))  # domain -> sorted position
    # Indicators in the order of (indicator, item) as texts.
    keys = [(ind, item) for ind, item, _ in plan]
    ind_order = sorted(range(len(plan)), key=lambda k: keys[k])
    ind_place = np.empty(len(plan), dtype=np.int64)
    ind_place[ind_order] = np.arange(len(plan))
    # The table as a grid: one row per domain (sorted), one column per indicator (sorted);
    # a cell holds a row of the table when the domain has answers (n > 0).
    shape = (len(dom_order), len(plan))
    grid = {col: np.zeros(shape, dtype=np.int64 if col in ("n", "df") else np.float64)
            for col in ESTIMATE_COLUMNS}
    values = iter_indicator_values(responses, codebook, s.scoring)
    for i, ((indicator, item, kind, value), planned) in enumerate(zip(values, plan,
                                                                     strict=True)):
        if (indicator, item, kind) != planned:
            raise RuntimeError(f"indikatorerna kom i oväntad ordning: {planned}")
        if progress and (i + 1) % 20 == 0:
            progress(f"  skattningar {i + 1}/{len(plan)}")
        levels = area_design.estimate_arrays(value, kind=kind, level=s.level,
                                             also=[total_design])
        del value
        for offset, arrays in zip((0, n_area), levels, strict=True):
            rows = dom_place[offset:offset + len(arrays["n"])]
            for col in ESTIMATE_COLUMNS:
                grid[col][rows, ind_place[i]] = arrays[col]
    keep = np.flatnonzero(grid["n"].ravel() > 0)
    dom = dom_order[keep // len(plan)]
    ind = np.asarray(ind_order, dtype=np.int64)[keep % len(plan)]
    data = {col: grid.pop(col).ravel()[keep] for col in ESTIMATE_COLUMNS}
    del grid
    # disclosure control on the arrays (integer keys: no text is compared)
    year_code = np.searchsorted(np.unique(dom_year), dom_year)
    is_prop = np.array([v[0] in PROPORTION_INDICATORS for v in plan])[ind]
    flags = disclosure_flags(
        data["n"].astype("float64"), data["numerator"], is_prop,
        (data["ci_high"] - data["ci_low"]) / 2, dom < n_area,
        year_code[dom] * len(plan) + ind, area_rank[dom] * len(plan) + ind, area_rank[dom], s)
    dom_frame = pd.DataFrame({"area": pd.array(dom_area, dtype="string"),
                              "year": dom_year})
    dom_names = _area_names(register, dom_frame["area"], dom_frame["year"])
    versions = area_versions(register, dom_frame["area"], dom_frame["year"])
    dom_versions = versions.mask(dom_frame["area"] == TOTAL_AREA, TOTAL_AREA)
    # One column at a time, so that pandas does not copy the floats into one block.
    table = pd.DataFrame(index=pd.RangeIndex(len(dom)))
    table["year"] = dom_year[dom]
    table["area"] = _take_text(dom_frame["area"], dom)
    table["area_name"] = _take_text(dom_names, dom)
    table["area_version"] = _take_text(dom_versions, dom)
    table["indicator"] = _take_text([v[0] for v in plan], ind)
    table["item"] = _take_text([v[1] for v in plan], ind)
    for col in ESTIMATE_COLUMNS:
        values = data.pop(col)
        if col == "numerator":
            table[col] = pd.arrays.IntegerArray(np.nan_to_num(values).astype("int64"),
                                                np.isnan(values) | flags.suppressed)
        elif col == "n":
            table[col] = pd.arrays.IntegerArray(values, flags.blank_n)
        elif col in VALUE_COLUMNS:
            values[flags.suppressed] = np.nan
            table[col] = values
        else:
            table[col] = values
    table["scoring"] = _take_text([s.scoring], np.zeros(len(dom), dtype=np.int64))
    table["suppressed"] = flags.suppressed
    table["uncertain"] = flags.uncertain
    table["flag_reason"] = flags.flag_reason
    return table


def _ranks(texts: list[str]) -> np.ndarray:
    """The position of each text in the sorted distinct texts (Python's string order)."""
    position = {t: i for i, t in enumerate(sorted(set(texts)))}
    return np.array([position[t] for t in texts], dtype=np.int64)


def _take_text(values, index: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``values`` (a few texts, missing allowed) repeated along ``index``, as a string array."""
    small = pa.array([None if v is None or v is pd.NA else str(v) for v in values],
                     type=pa.large_string())
    return pd.array(small.take(pa.array(index, type=pa.int64())), dtype="string")


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

    Rows of consecutive years are matched on integer codes of (area, indicator, item),
    and "comparable" is decided once per area and pair of years (not per row).
    """
    s = settings or Settings()
    years = np.sort(estimates["year"].unique())
    year = estimates["year"].to_numpy(dtype="int64")
    year_index = np.searchsorted(years, year)
    # one code per (area, indicator, item), ranked so that codes sort as the texts do
    area_code, area_values = pd.factorize(estimates["area"], sort=True)
    ind_code, ind_values = pd.factorize(estimates["indicator"], sort=True)
    item_code, item_values = pd.factorize(estimates["item"], sort=True)
    series = (area_code.astype(np.int64) * len(ind_values) + ind_code) * len(item_values) + item_code
    series_code, series_values = pd.factorize(series, sort=True)
    # row of (year index, series), -1 where there is none
    where = np.full((len(years), len(series_values)), -1, dtype=np.int64)
    where[year_index, series_code] = np.arange(len(estimates))
    if len(years) > 1:
        left = where[:-1].ravel()
        right = where[1:].ravel()
        found = (left >= 0) & (right >= 0)
        left, right = left[found], right[found]
    else:
        left = right = np.zeros(0, dtype=np.int64)
    # (the grid is read row by row: the changes come ordered by year_to, then area,
    # indicator and item, as the series codes sort as the texts)
    # comparable: one version of the area covers both years (decided per area x pair)
    pair_key = area_code[right].astype(np.int64) * len(years) + year_index[left]
    pair_code, pair_values = pd.factorize(pair_key, sort=False)
    pair_areas = pd.Series(pd.array(area_values, dtype="string")).take(
        pair_values // len(years)).reset_index(drop=True)
    first_years = pd.Series(years[pair_values % len(years)])
    next_years = pd.Series(years[np.minimum(pair_values % len(years) + 1, len(years) - 1)])
    ok_pairs = comparable(register, pair_areas, first_years, next_years).to_numpy()
    ok = ok_pairs[pair_code] if len(pair_code) else np.zeros(0, dtype=bool)
    del pair_key, pair_code
    est = estimates["estimate"].to_numpy(dtype="float64", na_value=np.nan)
    se = estimates["se"].to_numpy(dtype="float64", na_value=np.nan)
    suppressed_rows = estimates["suppressed"].to_numpy(dtype=bool)
    suppressed = suppressed_rows[left] | suppressed_rows[right]
    usable = np.flatnonzero(ok & ~suppressed)
    # the test only where it is published (elementwise: the same numbers as on every row)
    test = change_test(est[left[usable]], se[left[usable]], est[right[usable]],
                       se[right[usable]])
    # One column at a time (pandas would otherwise copy the floats into one block).
    out = pd.DataFrame(index=pd.RangeIndex(len(left)))
    out["year_from"] = year[left]
    out["year_to"] = year[right]
    for col in ["area", "area_name", "indicator", "item"]:
        out[col] = pd.array(estimates[col].array.take(right), dtype="string")
    out["estimate_from"] = est[left]
    out["estimate_to"] = est[right]
    out["n_from"] = pd.array(estimates["n"].array.take(left), dtype="Int64")
    out["n_to"] = pd.array(estimates["n"].array.take(right), dtype="Int64")
    del est, se, left, right
    for col in test.columns:
        values = np.full(len(out), np.nan)
        values[usable] = test[col].to_numpy()
        out[col] = values
    del test
    p = out["p"].to_numpy()
    p_bh = np.full(len(out), np.nan)
    year_to = out["year_to"].to_numpy()
    for y in np.unique(year_to):
        rows = np.flatnonzero(year_to == y)
        p_bh[rows] = benjamini_hochberg(p[rows])
    out["p_bh"] = p_bh
    out["significant"] = p_bh < s.alpha
    out["comparable"] = ok
    out["suppressed"] = suppressed
    out["flag_reason"] = pd.array(pa.array(["", FLAGS["not_comparable"]], type=pa.large_string())
                                  .take(pa.array((~ok).astype(np.int64))), dtype="string")
    return out
