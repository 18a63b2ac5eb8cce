"""Indices per area × year, for the kommun and by sex and age group: scores, shares,
problemindex, changes.

All indicators are design-based domain estimates (``analysis.estimate``) over the
whole respondent table (strata are nested in year), so each has SE, CI, n and
df. Indicators (``vocabulary.INDICATORS``):

* ``poang``: mean score of a problem item under the chosen scoring;
* ``andel_stort_problem``: share answering *ganska* or *mycket stort problem*
  among those with a substantive answer;
* ``problemindex``: a respondent's mean score over the problem items they
  answered, estimated as a domain mean (item ``alla``, and per reporting group of at
  least two items); a respondent needs answers to at least half of the set's questions
  asked that year (``INDEX_MIN_SHARE``); when a set's questions differ between the years,
  ``<set>_gemensamma`` is the index over the questions asked every year.
  Our own index, **not** the police's 0–6 index;
* ``andel_otrygga``, ``andel_oroliga``, ``andel_avstar``, ``andel_utsatta``,
  ``andel_instammer``, ``andel_stort_fortroende``: shares defined per answer
  scale in the codebook;
* ``andel_vet_ej``: share answering *Vet ej* among those who answered the item, only in
  the years the question offered the option (someone answered Vet ej).

The estimates table has a row per area × year and kommun × year; the breakdown table
(``estimates_by_group.parquet``) a row per sex or age group × year at kommun level. Both
go through disclosure control together (``analysis.disclosure``), as linked tables.

Changes are computed between consecutive survey years only where one area
definition covers both years (and, for problemindex, the same questions); a change
across a redrawn boundary is marked not comparable. Benjamini–Hochberg adjusts the
p-values within each indicator family into the same year; a problem question is tested
once, on its share "stort problem".
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.areas import TOTAL_AREA, TOTAL_AREA_NAME, area_versions, comparable
from analysis.codebook import Codebook, load_codebook
from analysis.compact import codes_of, distinct, take_category, take_rows
from analysis.disclosure import VALUE_COLUMNS, Cells, audit_table, suppress
from analysis.estimate import ESTIMATE_COLUMNS, DomainDesign, benjamini_hochberg, change_test
from analysis.settings import Settings
from analysis.survey import dont_know_column
from analysis.vocabulary import ALL_ITEMS, FLAGS, PROPORTION_INDICATORS

ESTIMATES_FILE = "estimates.parquet"
CHANGES_FILE = "changes.parquet"
KEY_COLUMNS = ["year", "area", "indicator", "item"]
STRATA = ["year", "stratum"]
# Background columns with a kommun-level breakdown (respondent table columns), in order.
BREAKDOWNS = ("sex", "age_group")
BREAKDOWN_KEYS = ["year", "breakdown", "group", "indicator", "item"]
# A respondent's problemindex needs answers to at least this share of the set's questions
# asked that year (the "half rule" of scale scoring), and at least one.
INDEX_MIN_SHARE = 0.5
# The item code of a problemindex over the questions common to every year (``_index_sets``).
COMMON_SUFFIX = "_gemensamma"
# Indicators whose changes are not tested: a problem question is tested once, on its share
# "stort problem" (the number reports and promises quote), not also on its mean score.
UNTESTED = frozenset({"poang"})


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
    year_codes = _year_codes(responses)
    for item in codebook.items:
        if not _has_answers(responses, item.code):
            continue
        if item.scale == "problem":
            plan.append(("poang", item.code, "mean"))
            problem_items.append(item.code)
        plan.append((codebook.shares[item.scale].indicator, item.code, "proportion"))
        if len(_dont_know_years(responses, item.code, year_codes)):
            plan.append(("andel_vet_ej", item.code, "proportion"))
    plan += [("problemindex", name, "mean")
             for name, _ in _index_sets(problem_items, codebook, responses)]
    return plan


def _has_answers(responses: pd.DataFrame, item: str) -> bool:
    if item not in responses.columns:
        return False
    return bool(responses[item].notna().any()
                or responses[dont_know_column(item)].fillna(False).any())


def _years(responses: pd.DataFrame) -> np.ndarray:
    """Each row's survey year (0 for all rows when there is no year column)."""
    if "year" not in responses.columns:
        return np.zeros(len(responses), dtype=np.int64)
    return responses["year"].to_numpy(dtype="int64", na_value=0)


def _year_codes(responses: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each row's position among the distinct survey years, and those years (sorted)."""
    codes, years = pd.factorize(_years(responses), sort=True)
    return codes.astype(np.int64), np.asarray(years, dtype=np.int64)


def _years_with(mask: np.ndarray, codes: np.ndarray, years: np.ndarray) -> np.ndarray:
    """The years of the rows where ``mask`` holds."""
    return years[np.bincount(codes[mask], minlength=len(years)) > 0]


def _dont_know_years(responses: pd.DataFrame, item: str,
                     year_codes: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """The years in which someone answered "Vet ej" to ``item``: the years its question
    offered the option. A question without it gets no share "Vet ej" (it would be a 0
    without meaning). ``year_codes``: ``_year_codes(responses)``, when already known."""
    column = dont_know_column(item)
    if column not in responses.columns:
        return np.zeros(0, dtype=np.int64)
    dk = responses[column].to_numpy(dtype=bool, na_value=False)
    if not dk.any():
        return np.zeros(0, dtype=np.int64)
    return _years_with(dk, *(year_codes or _year_codes(responses)))


def asked_items(responses: pd.DataFrame, items: list[str]) -> dict[int, frozenset[str]]:
    """Per survey year, the ``items`` that were asked (someone answered, or said Vet ej)."""
    codes, years = _year_codes(responses)
    out: dict[int, set[str]] = {int(y): set() for y in years}
    for item in items:
        if item not in responses.columns:
            continue
        answered = responses[item].notna().to_numpy(dtype=bool).copy()
        dk = dont_know_column(item)
        if dk in responses.columns:
            answered |= responses[dk].to_numpy(dtype=bool, na_value=False)
        for y in _years_with(answered, codes, years):
            out[int(y)].add(item)
    return {y: frozenset(v) for y, v in out.items()}


def _index_sets(problem_items: list[str], codebook: Codebook,
                responses: pd.DataFrame | None = None) -> list[tuple[str, list[str]]]:
    """``alla`` (with at least two problem items) and every reporting group of at least two
    problem items; and, for a set
    whose questions differ between the survey years, its **common subset**
    (``<set>_gemensamma``: the questions asked every year the set was, when at least
    two), so that a change can still be tested on equal questions."""
    if len(problem_items) < 2:
        return []  # an index of one question would repeat its score (and its test)
    groups: dict[str, list[str]] = {}
    for code in problem_items:
        groups.setdefault(codebook.item(code).group, []).append(code)
    # A group with a single item would repeat that item's score (and count twice
    # in the Benjamini–Hochberg family), so only groups of two or more items get one.
    sets = [(ALL_ITEMS, list(problem_items)),
            *((g, c) for g, c in sorted(groups.items()) if len(c) >= 2)]
    if responses is None:
        return sets
    asked = asked_items(responses, problem_items)
    common = []
    for name, codes in sets:
        per_year = [frozenset(codes) & a for a in asked.values()]
        per_year = [p for p in per_year if p]
        if len(set(per_year)) > 1:
            shared = [c for c in codes if all(c in p for p in per_year)]
            if len(shared) >= 2:
                common.append((f"{name}{COMMON_SUFFIX}", shared))
    return sets + common


ESTIMATE_THREADS = max(1, min(2, os.cpu_count() or 1))  # indicators estimated at once
_INDEX_CHUNK = 1 << 18  # rows per block when averaging problem scores (bounded memory)


def index_min_items(k: int) -> int:
    """The fewest answered questions a respondent needs for a problemindex over ``k``
    questions: at least half of them (``INDEX_MIN_SHARE``), and at least one."""
    return max(1, int(np.ceil(INDEX_MIN_SHARE * k - 1e-9)))


def index_item_sets(responses: pd.DataFrame, codebook: Codebook
                    ) -> dict[tuple[int, str], tuple[str, ...]]:
    """``{(year, index item): questions}``: the problem questions each problemindex is
    averaged over in each year (the set's questions that were asked that year)."""
    problem = [i.code for i in codebook.items
               if i.scale == "problem" and _has_answers(responses, i.code)]
    asked = asked_items(responses, problem)
    out = {}
    for name, codes in _index_sets(problem, codebook, responses):
        for year, a in asked.items():
            used = tuple(c for c in codes if c in a)
            if used:
                out[(year, name)] = used
    return out


def iter_indicator_values(responses: pd.DataFrame, codebook: Codebook,
                          scoring: str = Settings.scoring):
    """``indicator_values`` one at a time (at national scale the list would not fit in
    memory: 150 indicators × 3 M respondents × 8 bytes)."""
    score_lut = _score_lookup(codebook.scoring(scoring))
    problem_items = []
    years = _years(responses)
    year_codes = _year_codes(responses)
    for item in codebook.items:
        if not _has_answers(responses, item.code):
            continue
        # answer codes as bytes (no answer: 255), looked up in tables of 256 entries
        codes = _answer_bytes(responses[item.code])
        dk = responses[dont_know_column(item.code)].to_numpy(dtype=bool, na_value=False)
        share = codebook.shares[item.scale]
        if item.scale == "problem":
            problem_items.append(item.code)
            yield "poang", item.code, "mean", score_lut.take(codes)
        yield share.indicator, item.code, "proportion", _share_lookup(share).take(codes)
        offered = _dont_know_years(responses, item.code, year_codes)
        if len(offered):
            in_offered = np.isin(year_codes[1], offered)[year_codes[0]]
            answered = ((codes != 255) | dk) & in_offered
            yield ("andel_vet_ej", item.code, "proportion",
                   np.where(answered, dk.astype(float), np.nan))
    sets = _index_sets(problem_items, codebook, responses)
    if not sets:
        return
    # the questions each set uses per year, and so the fewest answers a respondent needs
    asked = asked_items(responses, problem_items)
    year_values = np.array(sorted(asked), dtype=np.int64)
    year_pos = np.searchsorted(year_values, years)
    need = {name: np.array([index_min_items(len(set(codes) & asked[int(y)]))
                            for y in year_values], dtype=np.int64)[year_pos]
            for name, codes in sets}
    # a respondent's mean score over the items of each set, a block of rows at a time
    values = {name: np.empty(len(responses)) for name, _ in sets}
    for start in range(0, len(responses), _INDEX_CHUNK):
        part = responses.iloc[start:start + _INDEX_CHUNK]
        stop = start + len(part)
        scores = {c: _scores(part[c], score_lut) for c in problem_items}
        for name, codes in sets:
            matrix = np.column_stack([scores[c] for c in codes])
            with np.errstate(invalid="ignore"):
                answered = (~np.isnan(matrix)).sum(axis=1)
                values[name][start:stop] = np.where(
                    answered >= need[name][start:stop],
                    np.nansum(matrix, axis=1) / np.maximum(answered, 1), np.nan)
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


def _answer_bytes(codes: pd.Series) -> np.ndarray:
    """Answer codes (``Int8``, never negative) as bytes, 255 for no answer: the index into
    the lookup tables of ``_score_lookup`` and ``_share_lookup``."""
    return codes.to_numpy(dtype="int8", na_value=-1).view(np.uint8)


def _share_lookup(share) -> np.ndarray:
    """A share's value by answer code as a byte: 1 in the numerator, 0 in the rest of the
    denominator, NaN outside it and for no answer (byte 255)."""
    lut = np.full(256, np.nan)
    for answer in share.denominator:
        if 0 <= answer < 128:
            lut[answer] = 1.0 if answer in share.numerator else 0.0
    return lut


def _scores(codes: pd.Series, lut: np.ndarray) -> np.ndarray:
    """The problem score of each row (NaN without a substantive answer)."""
    return lut.take(_answer_bytes(codes))


@dataclass(frozen=True)
class EstimateTables:
    """The estimates stage's tables: ``estimates`` (areas and the kommun, as before),
    ``breakdowns`` (kommun level by sex and by age group) and ``audit`` (every hidden
    cell with its reason and true counts; internal, never exported)."""

    estimates: pd.DataFrame
    breakdowns: pd.DataFrame
    audit: pd.DataFrame


def area_estimates(responses: pd.DataFrame, register: pd.DataFrame, *,
                   codebook: Codebook | None = None, settings: Settings | None = None,
                   progress=None) -> pd.DataFrame:
    """The long estimate table: every indicator for each area × year and the kommun × year.

    ``estimate_tables(...).estimates``: disclosure control treats the areas, the kommun
    and the breakdowns by sex and age group as one linked table, so the areas' pattern
    is the one the breakdowns are published with.
    """
    return estimate_tables(responses, register, codebook=codebook, settings=settings,
                           progress=progress).estimates


def estimate_tables(responses: pd.DataFrame, register: pd.DataFrame, *,
                    codebook: Codebook | None = None, settings: Settings | None = None,
                    progress=None) -> EstimateTables:
    """Every indicator for each area × year, the kommun × year and (at kommun level) each
    sex and age group × year, disclosure-controlled as linked tables.

    ``estimates`` has the columns ``year, area, area_name, area_version, indicator, item``,
    ``ESTIMATE_COLUMNS``, ``scoring, suppressed, uncertain, flag_reason, index_items``
    (rows sorted by year, area, indicator, item); ``breakdowns`` has ``year, breakdown
    (sex | age_group), group`` and the same columns after ``area_version`` (the kommun
    total of each breakdown is the ``estimates`` row of ``area == TOTAL_AREA``); rows
    sorted by year, breakdown, group, indicator, item. Respondents without a stated sex or
    age form a remainder group that is never published but is protected like any cell.

    The domain designs are built once and reused for every indicator; the kommun design
    takes its cell sums from the area design when the strata are nested in the areas
    (``DomainDesign.nested_in``). The tables are assembled column by column from integer
    keys (no per-indicator frames, no string sort).
    """
    codebook = codebook or load_codebook()
    s = settings or Settings()
    plan = indicator_plan(responses, codebook)
    area_design = DomainDesign(responses, ["year", "area"], weight="weight", strata=STRATA,
                               single_unit=s.single_unit)
    total_design = DomainDesign(responses, ["year"], weight="weight", strata=STRATA,
                                single_unit=s.single_unit)
    present = [b for b in BREAKDOWNS if _has_groups(responses, b)]
    group_designs = [(b, DomainDesign(responses, ["year", b], weight="weight", strata=STRATA,
                                      single_unit=s.single_unit)) for b in present]
    # with both breakdowns, their cell sums are added up from the sex × age group cells (one
    # pass over the rows instead of two)
    via = ([DomainDesign(responses, ["year", *present], weight="weight", strata=STRATA,
                         single_unit=s.single_unit)] if len(present) > 1 else [])
    # All domains: area × year, kommun × year, then group × year per breakdown.
    doms = _domains(area_design, total_design, group_designs)
    n_dom = len(doms["year"])
    shape = (n_dom, len(plan))
    grid = {col: np.zeros(shape, dtype=np.int64 if col in ("n", "df") else np.float64)
            for col in ESTIMATE_COLUMNS}
    designs = [total_design] + [d for _, d in group_designs]

    def estimate(i: int, kind: str, value: np.ndarray, grid: dict = grid) -> None:
        levels = area_design.estimate_arrays(value, kind=kind, level=s.level, also=designs,
                                             via=via)
        offset = 0
        for arrays in levels:
            rows = np.arange(offset, offset + len(arrays["n"]))
            for col in ESTIMATE_COLUMNS:
                grid[col][rows, i] = arrays[col]  # column i: no other indicator writes it
            offset += len(arrays["n"])

    # The indicators are estimated on a few threads (numpy releases the GIL in most of the
    # work), at most ESTIMATE_THREADS values in flight; every number is the same as one at
    # a time, as each indicator's arithmetic is unchanged.
    values = iter_indicator_values(responses, codebook, s.scoring)
    with ThreadPoolExecutor(ESTIMATE_THREADS) as pool:
        running: deque = deque()
        for i, ((indicator, item, kind, value), planned) in enumerate(zip(values, plan,
                                                                         strict=True)):
            if (indicator, item, kind) != planned:
                raise RuntimeError(f"indikatorerna kom i oväntad ordning: {planned}")
            if progress and (i + 1) % 20 == 0:
                progress(f"  skattningar {i + 1}/{len(plan)}")
            running.append(pool.submit(estimate, i, kind, value))
            del value
            while len(running) >= ESTIMATE_THREADS:
                running.popleft().result()
        for job in running:
            job.result()
    keep = np.flatnonzero(grid["n"].ravel() > 0)
    dom = keep // len(plan)
    ind = keep % len(plan)
    data = {col: grid.pop(col).ravel()[keep] for col in ESTIMATE_COLUMNS}
    del grid
    # disclosure control on the arrays (integer keys: no text is compared)
    is_prop = np.array([v[0] in PROPORTION_INDICATORS for v in plan], dtype=bool)[ind]
    question_of = pd.factorize(pd.Series(
        [("index:" if v[0] == "problemindex" else "item:") + v[1] for v in plan]))[0]
    measure_of = pd.factorize(pd.Series([v[0] for v in plan]))[0]
    cells = Cells(year=doms["year_code"][dom], question=question_of[ind],
                  measure=measure_of[ind], equation=doms["equation"][dom],
                  domain=doms["domain"][dom], rank=doms["domain"][dom],
                  n=data["n"].astype("float64"), numerator=data["numerator"],
                  is_proportion=is_prop, estimate=data["estimate"], se=data["se"],
                  ci_low=data["ci_low"], ci_high=data["ci_high"], cv=data["cv"],
                  n_eff=data["n_eff"], published=doms["published"][dom])
    flags = suppress(cells, s)
    item_sets = index_item_sets(responses, codebook)
    # the audit of every hidden cell (true counts; internal)
    rows = np.flatnonzero(flags.reason >= 0)
    audit_keys = pd.DataFrame({
        "year": doms["year"][dom[rows]],
        "area": _take_text(doms["area"], dom[rows]),
        "breakdown": _take_text(doms["breakdown"], dom[rows]),
        "group": _take_text(doms["group"], dom[rows]),
        "indicator": _take_text([v[0] for v in plan], ind[rows]),
        "item": _take_text([v[1] for v in plan], ind[rows]),
    })
    audit = audit_table(audit_keys, data["n"][rows], data["numerator"][rows],
                        cells.published[rows], flags.reason[rows])
    published = cells.published
    del audit_keys, cells
    # the published rows: areas and the kommun (estimates), groups (breakdowns)
    kind = doms["kind"][dom]
    ind_rank = _ranks([f"{v[0]}\x00{v[1]}" for v in plan])[ind]  # (indicator, item) as texts
    main = np.flatnonzero(kind < 2)
    main = main[np.lexsort((ind_rank[main], doms["sort"][dom[main]]))]
    groups = np.flatnonzero((kind == 2) & published)
    groups = groups[np.lexsort((ind_rank[groups], doms["sort"][dom[groups]]))]
    del kind, ind_rank, published
    dom_names = _area_names(register, pd.Series(doms["area"], dtype="string"),
                            pd.Series(doms["year"]))
    versions = area_versions(register, pd.Series(doms["area"], dtype="string"),
                             pd.Series(doms["year"]))
    dom_versions = versions.mask(pd.Series(doms["area"]) == TOTAL_AREA, TOTAL_AREA)
    tables = {}
    # the small table first: the main one then takes each column's values from ``data``
    # as the last user (memory at national scale)
    for rows, with_groups in ((groups, True), (main, False)):
        d, i = dom[rows], ind[rows]
        table = pd.DataFrame(index=pd.RangeIndex(len(rows)))
        table["year"] = doms["year"][d]
        if with_groups:
            table["breakdown"] = _take_text(doms["breakdown"], d)
            table["group"] = _take_text(doms["group"], d)
        table["area"] = _take_text(doms["area"], d)
        table["area_name"] = _take_text(dom_names, d)
        table["area_version"] = _take_text(dom_versions, d)
        table["indicator"] = _take_text([v[0] for v in plan], i)
        table["item"] = _take_text([v[1] for v in plan], i)
        hidden = flags.suppressed[rows]
        for col in ESTIMATE_COLUMNS:
            values = data.pop(col)[rows] if not with_groups else data[col][rows]
            if col == "numerator":
                table[col] = pd.arrays.IntegerArray(np.nan_to_num(values).astype("int64"),
                                                    np.isnan(values) | hidden)
            elif col in ("n", "df"):
                table[col] = pd.arrays.IntegerArray(values.astype("int64"), hidden)
            elif col in VALUE_COLUMNS:
                table[col] = np.where(hidden, np.nan, values)
            else:
                table[col] = values
        table["scoring"] = _take_text([s.scoring], np.zeros(len(rows), dtype=np.int64))
        table["suppressed"] = hidden
        table["uncertain"] = flags.uncertain[rows]
        table["flag_reason"] = flags.flag_reason[rows]
        table["index_items"] = _index_items_column(table, item_sets)
        tables[with_groups] = table
    return EstimateTables(tables[False], tables[True], audit)


def _has_groups(responses: pd.DataFrame, column: str) -> bool:
    """A breakdown exists when the column is delivered with at least one value."""
    return column in responses.columns and bool(responses[column].notna().any())


def _domains(area_design: DomainDesign, total_design: DomainDesign,
             group_designs: list[tuple[str, DomainDesign]]) -> dict[str, np.ndarray]:
    """Every domain in the order of ``estimate_arrays(also=[total, *groups])``: its year,
    area text, breakdown and group text, kind (0 area, 1 kommun, 2 group), whether it is
    published (not the remainder without a group), its partition (``equation``) and
    domain code for ``disclosure.Cells``, and its place in the sorted tables (``sort``)."""
    years, areas, breakdowns, groups, kinds, equations = [], [], [], [], [], []
    years += list(area_design.keys["year"].to_numpy(dtype="int64"))
    areas += [str(a) for a in area_design.keys["area"]]
    breakdowns += [""] * area_design.n_dom
    groups += [""] * area_design.n_dom
    kinds += [0] * area_design.n_dom
    equations += [1] * area_design.n_dom
    years += list(total_design.keys["year"].to_numpy(dtype="int64"))
    areas += [TOTAL_AREA] * total_design.n_dom
    breakdowns += [""] * total_design.n_dom
    groups += [""] * total_design.n_dom
    kinds += [1] * total_design.n_dom
    equations += [0] * total_design.n_dom
    for k, (b, design) in enumerate(group_designs):
        years += list(design.keys["year"].to_numpy(dtype="int64"))
        labels = design.keys[b]
        areas += [TOTAL_AREA] * design.n_dom
        breakdowns += [b] * design.n_dom
        groups += ["" if pd.isna(g) else str(g) for g in labels]
        kinds += [2] * design.n_dom
        equations += [2 + k] * design.n_dom
    n = len(years)
    published = np.ones(n, dtype=bool)
    pos = area_design.n_dom + total_design.n_dom
    for b, design in group_designs:
        published[pos:pos + design.n_dom] = design.keys[b].notna().to_numpy(dtype=bool)
        pos += design.n_dom
    year = np.asarray(years, dtype=np.int64)
    kind = np.asarray(kinds, dtype=np.int64)
    equation = np.asarray(equations, dtype=np.int64)
    breakdown_rank = pd.factorize(pd.Series(breakdowns), sort=True)[0]
    area_rank = _ranks(areas)
    group_text = [g if p else "\uffff" for g, p in zip(groups, published, strict=True)]
    group_rank = _ranks(group_text)
    # domain code within its partition, the same in every year: area or group text
    domain_text = [a if k < 2 else "g:" + g for a, g, k in zip(areas, groups, kinds, strict=True)]
    domain = np.asarray(_ranks(domain_text), dtype=np.int64)
    # sorted position: areas and kommun by (year, area text); groups by (year, breakdown, group)
    sort = np.lexsort((group_rank, breakdown_rank, area_rank, kind == 2, year))
    place = np.empty(n, dtype=np.int64)
    place[sort] = np.arange(n)
    return {"year": year, "year_code": np.searchsorted(np.unique(year), year),
            "area": areas, "breakdown": breakdowns, "group": groups, "kind": kind,
            "published": published, "equation": equation, "domain": domain, "sort": place}


def _index_items_column(table: pd.DataFrame, item_sets: dict[tuple[int, str], tuple[str, ...]]
                        ) -> pd.Categorical:
    """For problemindex rows, the questions the index is averaged over that year (codes
    joined by ","); missing for other rows. Looked up once per distinct (year, item)."""
    rows = np.flatnonzero((table["indicator"] == "problemindex").to_numpy(dtype=bool))
    texts = sorted(set(",".join(v) for v in item_sets.values()))
    code = np.full(len(table), -1, dtype=np.int64)
    if len(rows) and item_sets:
        position = {t: i for i, t in enumerate(texts)}
        item_codes, items = distinct(table["item"])
        item_codes = item_codes[rows]
        years = table["year"].to_numpy(dtype="int64")[rows]
        pairs, first = np.unique(np.c_[years, item_codes], axis=0, return_inverse=True)
        found = np.array([position.get(",".join(item_sets.get((int(y), str(items[c])), ())),
                                       -1) if c >= 0 else -1 for y, c in pairs],
                         dtype=np.int64)
        code[rows] = found[first.ravel()]
    return _take_text(texts, code, missing=code < 0)


def _ranks(texts: list[str]) -> np.ndarray:
    """The position of each text in the sorted distinct texts (Python's string order)."""
    position = {t: i for i, t in enumerate(sorted(set(texts)))}
    return np.array([position[t] for t in texts], dtype=np.int64)


def _take_text(values, index: np.ndarray, missing: np.ndarray | None = None) -> pd.Categorical:
    """``values`` (a few texts, missing allowed) repeated along ``index``, as a categorical
    (``analysis.compact``: stored as strings; missing where ``missing`` holds)."""
    return take_category(values, index, missing)


def _area_names(register: pd.DataFrame, areas: pd.Series, years: pd.Series) -> pd.Series:
    versions = area_versions(register, areas, years)
    names = versions.map(dict(zip(register["version"], register["area_name"], strict=True)))
    names = names.astype("string").mask(areas == TOTAL_AREA, TOTAL_AREA_NAME)
    return names


def year_changes(estimates: pd.DataFrame, register: pd.DataFrame, *,
                 settings: Settings | None = None) -> pd.DataFrame:
    """Changes between consecutive survey years for every area × indicator × item.

    ``delta = R2 - R1``, ``se_delta = sqrt(SE1^2 + SE2^2)``, two-sided z-test, and
    ``p_bh``: Benjamini–Hochberg within each **family** – one indicator (measure) into one
    year – across its comparable, published changes. Families, so that a finding is
    counted once and a "Vet ej" share never pads a substantive family:

    * a problem question is tested once, on its share "stort problem" (what reports and
      promises quote); its mean score gets delta and SE but no test (``tested`` False);
    * "Vet ej" shares form their own family;
    * a problemindex is compared only when both years average the same questions
      (``index_items``); otherwise the row is not comparable, and the index over the
      questions common to all years (``<set>_gemensamma``) carries the comparison.

    Where the area's definition differs between the years the row is kept with
    ``comparable = False`` and no delta. A change involving a suppressed estimate is
    suppressed too.

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
    ok_area = ok_pairs[pair_code] if len(pair_code) else np.zeros(0, dtype=bool)
    del pair_key, pair_code
    # a problemindex is comparable only over the same questions in both years
    same_items = np.ones(len(left), dtype=bool)
    if "index_items" in estimates.columns:
        items = codes_of(estimates["index_items"], empty_is_missing=True)
        same_items = items[left] == items[right]
    ok = ok_area & same_items
    est = estimates["estimate"].to_numpy(dtype="float64", na_value=np.nan)
    se = estimates["se"].to_numpy(dtype="float64", na_value=np.nan)
    suppressed_rows = estimates["suppressed"].to_numpy(dtype=bool)
    suppressed = suppressed_rows[left] | suppressed_rows[right]
    usable = np.flatnonzero(ok & ~suppressed)
    indicator = ind_code[right]
    untested_codes = [k for k, v in enumerate(ind_values) if v in UNTESTED]
    tested = ok & ~suppressed & ~np.isin(indicator, untested_codes)
    # the test only where it is published (elementwise: the same numbers as on every row)
    test = change_test(est[left[usable]], se[left[usable]], est[right[usable]],
                       se[right[usable]])
    # One column at a time (pandas would otherwise copy the floats into one block).
    out = pd.DataFrame(index=pd.RangeIndex(len(left)))
    out["year_from"] = year[left]
    out["year_to"] = year[right]
    for col in ["area", "area_name", "indicator", "item"]:
        out[col] = take_rows(estimates[col], right)
    out["estimate_from"] = est[left]
    out["estimate_to"] = est[right]
    out["n_from"] = pd.array(estimates["n"].array.take(left), dtype="Int64")
    out["n_to"] = pd.array(estimates["n"].array.take(right), dtype="Int64")
    del est, se
    for col in test.columns:
        values = np.full(len(out), np.nan)
        values[usable] = test[col].to_numpy()
        if col in ("z", "p"):
            values[~tested] = np.nan
        out[col] = values
    del test
    p = out["p"].to_numpy()
    p_bh = np.full(len(out), np.nan)
    family = out["year_to"].to_numpy(dtype=np.int64) * len(ind_values) + indicator
    rows_tested = np.flatnonzero(tested)
    if len(rows_tested):
        fam_code = pd.factorize(family[rows_tested])[0]
        order = np.argsort(fam_code, kind="stable")
        bounds = np.flatnonzero(np.r_[True, np.diff(fam_code[order]) != 0, True])
        for a, b in zip(bounds[:-1], bounds[1:], strict=True):
            rows = rows_tested[order[a:b]]
            p_bh[rows] = benjamini_hochberg(p[rows])
    out["p_bh"] = p_bh
    out["significant"] = p_bh < s.alpha
    out["comparable"] = ok
    out["suppressed"] = suppressed
    out["tested"] = tested
    reason = np.zeros(len(out), dtype=np.int64)
    reason[~ok_area] = 1
    reason[ok_area & ~same_items] = 2
    reason[(reason == 0) & ~suppressed & ~tested] = 3
    texts = ["", FLAGS["not_comparable"], FLAGS["index_items_differ"], FLAGS["not_tested"]]
    out["flag_reason"] = take_category(texts, reason)
    return out
