"""Disclosure control for estimate tables (DOMAIN §6), applied before anything leaves the library.

The published numbers of one survey year form **linked tables**: for one question (an
item, or a problemindex set), every measure of it (mean score, share "stort problem",
share "Vet ej") in every domain (each area, the kommun total, each sex and age group at
kommun level). Three kinds of link let a hidden count be worked out from shown ones:

* **measures of one question in one domain** share their denominators: the "Vet ej" count
  is ``n(Andel Vet ej) - n(Medelpoäng)``;
* **domains add up**: the areas add up to the kommun total, and so do the sex groups and the
  age groups (respondents without a stated sex or age form a hidden remainder group);
  weighted totals add up the same way (area populations are public);
* **years** are independent samples; a change between years is published only when both
  years are (``analysis.indices.year_changes``).

In sdcTable / τ-Argus terms the method is:

* **primary rule** (a frequency rule, per cell): fewer than ``min_n`` answers; a share whose
  numerator or complement is 1 to ``min_count - 1`` people; fewer than ``min_cell``
  answers in any measure of a question (then every measure of that question in that domain
  is primary, so that the number of answers cannot be derived either); a mean whose answers
  are all the same (no spread, so no honest interval, and everyone's answer is known);
* **secondary suppression** by a deterministic hypercube-style heuristic on the linked
  table, one year × question at a time and all its measures and partitions together: in
  every partition equation (areas = total, each breakdown = total) a hidden cell is never
  alone, and every primary cell has a **valid cover** beside it – another hidden cell with
  at least ``min_count`` people in its numerator and in its complement (shares) or at
  least ``min_cell`` answers (means), so a cell with 1–2 persons behind it never serves as
  cover. The cover is chosen, in this order, where the same domain is already hidden for
  another measure of the question (one problem, fewest hidden domains), where the same cell
  is primary in another year (a pattern that holds across years), with the fewest answers
  (least information lost), then by code. Only when no valid cover exists among the
  partition's cells is the kommun total hidden (and then covered in every other
  partition); when not even the total can cover, the whole partition is hidden. Domains with
  fewer than ``min_cell`` answers get a cover domain hidden in every measure of the
  question. The search repeats until every equation holds (a fixpoint).

Every suppressed row loses its estimate, SE, CI, number of answers and everything derived
from them, and carries one neutral remark (``FLAGS["suppressed"]``); the reason per cell
(primary rule, secondary, remainder) is only in the audit table
(``disclosure_audit.parquet``, under ``data/processed/``, never exported).
``tests/test_disclosure_attack.py`` checks on random designs that no suppressed count can
be derived by linear differencing of what is published.

**Uncertain** (shown, but marked): not suppressed and

* ``min_n``–``uncertain_n - 1`` answers, or a CI half-width over ``max_halfwidth_mean``
  scale points (means) or ``max_halfwidth_share`` (shares);
* relative precision (the US NCHS 2017 standard for proportions, used here to mark rather
  than suppress): a CI wider than ``RELATIVE_MIN_WIDTH`` (5 percentage points) together
  with a coefficient of variation over ``MAX_CV`` (30 %) or a relative CI width (width /
  share, or width / (1 - share)) over ``MAX_RELATIVE_WIDTH`` (130 %); an effective number
  of answers under ``min_n``; for means a coefficient of variation over ``MAX_CV``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.areas import TOTAL_AREA
from analysis.compact import take_category
from analysis.settings import Settings
from analysis.vocabulary import FLAGS, NARRATIVE, PROPORTION_INDICATORS

VALUE_COLUMNS = ["estimate", "se", "ci_low", "ci_high", "deff", "n_eff", "cv", "numerator"]
CELL_KEYS = ["year", "indicator", "item"]

# Relative precision (NCHS 2017 style). The lead may move these to ``Settings``.
MAX_CV = 0.30  # coefficient of variation above which an estimate is uncertain
MAX_RELATIVE_WIDTH = 1.30  # CI width / share (or / (1 - share)) above which a share is uncertain
RELATIVE_MIN_WIDTH = 0.05  # a share's CI at most this wide is never uncertain for relative reasons
NO_SPREAD = 1e-6  # a mean's SE at most this (relative to the mean, at least 1) has no spread

# The one symbol for a suppressed number in tables people read.
SUPPRESSED_SYMBOL = NARRATIVE["suppressed_symbol"]

# Reason codes of the audit table (``disclosure_audit.parquet``); never shown to readers.
REASONS = {
    "few": "färre än min_n svar",
    "small_numerator": "1 till min_count - 1 personer i täljaren eller komplementet",
    "tiny": "färre än min_cell svar i något av frågans mått i domänen",
    "no_spread": "alla svar lika (medelvärde utan spridning)",
    "secondary": "sekundär undertryckning (skyddar en annan cell)",
    "remainder": "restgrupp utan angivet kön eller ålder (publiceras aldrig)",
}
REASON_CODES = list(REASONS)
AUDIT_COLUMNS = ["year", "area", "breakdown", "group", "indicator", "item", "published",
                 "reason", "n", "numerator"]


def _join_reasons(*parts: tuple[np.ndarray, str]) -> pd.Categorical:
    """Per row, the texts of the masks that hold, joined with "; " in the given order.

    At most 2**len(parts) distinct texts: each is built once, and the rows hold codes (a
    categorical, ``analysis.compact``).
    """
    n = len(parts[0][0])
    code = np.zeros(n, dtype=np.int64)
    for bit, (mask, _) in enumerate(parts):
        code |= np.asarray(mask, dtype=bool).astype(np.int64) << bit
    texts = ["; ".join(text for bit, (_, text) in enumerate(parts) if c >> bit & 1)
             for c in range(1 << len(parts))]
    return take_category(texts, code)


def _codes(*columns) -> np.ndarray:
    """Dense integer codes of the combinations of ``columns`` (one group per combination).

    Columns of non-negative integers are combined arithmetically; others are factorized."""
    combined = np.zeros(len(columns[0]), dtype=np.int64)
    for col in columns:
        values = np.asarray(col)
        if values.dtype.kind in "iu" and (len(values) == 0 or values.min() >= 0):
            codes, size = values.astype(np.int64), int(values.max(initial=0)) + 1
        else:
            codes, uniques = pd.factorize(pd.Series(col), sort=False, use_na_sentinel=False)
            size = len(uniques)
        combined = combined * max(size, 1) + codes
    return pd.factorize(combined, sort=False)[0].astype(np.int64)


@dataclass(frozen=True)
class Cells:
    """The cells of the linked tables, one entry per row (any integer codes).

    ``year``: the survey year; ``question``: the linked table within a year (an item, or a
    problemindex set); ``measure``: the indicator; ``equation``: 0 for the kommun total,
    else the partition the cell belongs to (1 = the areas, 2, 3 ... = each breakdown);
    ``domain``: the cell within its partition, the same code in every year (area code,
    group); ``rank``: the order of domains for ties (their codes as text). ``published``:
    False for the hidden remainder groups (no stated sex or age).
    """

    year: np.ndarray
    question: np.ndarray
    measure: np.ndarray
    equation: np.ndarray
    domain: np.ndarray
    rank: np.ndarray
    n: np.ndarray
    numerator: np.ndarray
    is_proportion: np.ndarray
    estimate: np.ndarray
    se: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    cv: np.ndarray
    n_eff: np.ndarray
    published: np.ndarray


@dataclass(frozen=True)
class Disclosure:
    """The disclosure decision for each row (see the module docstring).

    ``reason``: the audit reason per hidden row (an index into ``REASON_CODES``, -1 for
    rows that are not hidden), never shown;
    ``flag_reason``: the text readers see (the neutral remark, or why it is uncertain);
    ``blank_n``: rows whose number of answers is hidden (every suppressed row).
    """

    suppressed: np.ndarray
    uncertain: np.ndarray
    flag_reason: pd.api.extensions.ExtensionArray
    blank_n: np.ndarray
    reason: np.ndarray
    primary: np.ndarray
    secondary: np.ndarray


def primary_rules(c: Cells, s: Settings) -> dict[str, np.ndarray]:
    """The primary rules per row: ``few``, ``small_numerator``, ``tiny`` (also every other
    measure of the question in a domain where one has fewer than ``min_cell`` answers) and
    ``no_spread``."""
    n, num = c.n, c.numerator
    few = n < s.min_n
    with np.errstate(invalid="ignore"):
        small = c.is_proportion & (((num >= 1) & (num < s.min_count))
                                   | ((n - num >= 1) & (n - num < s.min_count)))
        no_spread = ~c.is_proportion & (n > 0) & ~(
            c.se > NO_SPREAD * np.maximum(1.0, np.abs(c.estimate)))
    tiny_cell = n < s.min_cell
    domain_key = _codes(c.year, c.question, c.equation, c.domain)
    tiny = np.bincount(domain_key, tiny_cell)[domain_key] > 0
    return {"few": few, "small_numerator": small & ~few, "tiny": tiny,
            "no_spread": no_spread & ~few & ~small}


def valid_cover(c: Cells, s: Settings) -> np.ndarray:
    """Cells that may cover another: shares with at least ``min_count`` people in the
    numerator and in the complement, means with at least ``min_cell`` answers."""
    with np.errstate(invalid="ignore"):
        share = (c.numerator >= s.min_count) & (c.n - c.numerator >= s.min_count)
    return np.where(c.is_proportion, share, c.n >= s.min_cell) & (c.n >= s.min_cell)


def suppress(c: Cells, settings: Settings | None = None) -> Disclosure:
    """Primary rules, secondary suppression over the linked tables, and the uncertainty flags
    (the module docstring), on arrays with one entry per row."""
    s = settings or Settings()
    rules = primary_rules(c, s)
    primary = rules["few"] | rules["small_numerator"] | rules["tiny"] | rules["no_spread"]
    valid = valid_cover(c, s)
    # cross-year consistency: the same cell (question, measure, partition, domain) is
    # primary in another year
    series = _codes(c.question, c.measure, c.equation, c.domain)
    other_years = (np.bincount(series, primary)[series] - primary) > 0
    hidden = primary | ~c.published
    tiny_domain = rules["tiny"]
    order = np.lexsort((c.question, c.year))
    key = (np.asarray(c.year, dtype=np.int64)[order] * (int(np.max(c.question, initial=0)) + 1)
           + np.asarray(c.question, dtype=np.int64)[order])
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(order) else []
    bounds = list(starts) + [len(order)]
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        idx = order[a:b]
        hidden[idx] = _protect(
            hidden[idx], primary[idx], valid[idx], tiny_domain[idx], c.published[idx],
            c.measure[idx], c.equation[idx], c.domain[idx], c.rank[idx], c.n[idx],
            other_years[idx])
    suppressed = hidden & c.published
    secondary = hidden & ~primary & c.published
    reason = np.full(len(c.n), -1, dtype=np.int64)
    for code in ("secondary", "no_spread", "small_numerator", "few", "tiny"):
        mask = rules[code] if code != "secondary" else secondary
        reason[mask & hidden] = REASON_CODES.index(code)
    reason[~c.published & hidden & ~primary] = REASON_CODES.index("remainder")
    uncertain, texts = uncertainty(c, suppressed, s)
    flag_reason = _join_reasons((suppressed, FLAGS["suppressed"]), *texts)
    return Disclosure(suppressed, uncertain, flag_reason, suppressed, reason,
                      primary & c.published, secondary)


def uncertainty(c: Cells, suppressed: np.ndarray, s: Settings
                ) -> tuple[np.ndarray, list[tuple[np.ndarray, str]]]:
    """``(uncertain, [(mask, text), ...])`` for the rows that are shown (module docstring)."""
    shown = ~suppressed
    few = shown & (c.n >= s.min_n) & (c.n < s.uncertain_n)
    with np.errstate(invalid="ignore", divide="ignore"):
        width = c.ci_high - c.ci_low
        limit = np.where(c.is_proportion, s.max_halfwidth_share, s.max_halfwidth_mean)
        wide = shown & (width / 2 > limit)
        p = c.estimate
        smaller = np.minimum(p, 1.0 - p)
        relative_width = np.where(smaller > 0, width / smaller, np.inf)
        share_rel = c.is_proportion & (width > RELATIVE_MIN_WIDTH) & (
            (c.cv > MAX_CV) | (relative_width > MAX_RELATIVE_WIDTH))
        mean_rel = ~c.is_proportion & (c.cv > MAX_CV)
        relative = shown & (share_rel | mean_rel)
        low_eff = shown & c.is_proportion & (c.n_eff < s.min_n) & (c.n >= s.min_n)
    texts = [
        (few, FLAGS["few_uncertain"].format(min_n=s.min_n, uncertain_n=s.uncertain_n - 1)),
        (wide, FLAGS["wide_ci"]),
        (relative & ~wide, FLAGS["relative"]),
        (low_eff, FLAGS["few_effective"].format(min_n=s.min_n)),
    ]
    return few | wide | relative | low_eff, texts


def _protect(hidden, primary, valid, tiny, published, measure, equation, domain, rank, n,
             other_years) -> np.ndarray:
    """Secondary suppression in one year × question (all its measures and partitions).

    Returns the new ``hidden`` mask of the rows. See the module docstring for the rules.
    """
    H = hidden.copy()
    total = equation == 0
    dom_key = equation.astype(np.int64) * (int(domain.max(initial=0)) + 1) + domain
    # 1. a tiny domain needs a cover domain hidden in every measure of the question
    if (tiny & total).any():
        H[published] = True  # the kommun total itself is tiny: nothing of the question shows
        return H
    for e in np.unique(equation[tiny & ~total]):
        in_e = equation == e
        tiny_doms = np.unique(dom_key[in_e & tiny])
        full = [d for d in np.unique(dom_key[in_e & H]) if H[dom_key == d].all()]
        if len(set(full) - set(tiny_doms)):
            continue
        candidates = []
        for d in np.unique(dom_key[in_e & ~tiny]):
            rows = dom_key == d
            if not published[rows].all():
                continue
            candidates.append((0 if H[rows].any() else 1, 0 if other_years[rows].any() else 1,
                               float(n[rows].min()), int(rank[rows][0]), d,
                               bool(valid[rows].all())))
        good = [x for x in candidates if x[5]] or candidates
        if good:
            H[dom_key == min(good)[4]] = True
        else:
            H[in_e & published] = True
    # 2. every partition equation, for every measure, until nothing changes
    measures = np.unique(measure)
    for _ in range(len(H) + 1):
        changed = False
        for m in measures:
            mm = measure == m
            t = np.flatnonzero(mm & total)
            for e in np.unique(equation[mm & ~total]):
                cells = np.flatnonzero(mm & (equation == e))
                members = np.concatenate([cells, t])
                hid = members[H[members]]
                if not (primary[hid] | published[hid]).any():
                    continue
                n_valid = int(valid[hid].sum())
                prim = hid[primary[hid]]
                need_cover = bool((n_valid - valid[prim].astype(int) < 1).any())
                if len(hid) >= 2 and not need_cover:
                    continue
                cand = cells[~H[cells] & published[cells] & valid[cells]]
                if len(cand):
                    others = H & (measure != m) & (equation == e)
                    joint = np.isin(dom_key[cand], dom_key[others])
                    best = np.lexsort((rank[cand], n[cand], ~other_years[cand], ~joint))[0]
                    H[cand[best]] = True
                elif len(t) and not H[t[0]] and valid[t[0]] and published[t[0]]:
                    H[t[0]] = True
                else:
                    rest = cells[~H[cells] & published[cells]]
                    if not len(rest):
                        continue
                    H[rest] = True
                changed = True
        if not changed:
            break
    return H


def cells_from_frame(table: pd.DataFrame) -> Cells:
    """``Cells`` of an estimate table with columns ``year, area, indicator, item, n,
    numerator, estimate, se, ci_low, ci_high`` (``cv``, ``n_eff``, and for breakdown rows
    ``breakdown``, ``group`` and ``published`` when present).

    Rows with ``breakdown`` empty or missing are areas (or the kommun total when ``area``
    is ``TOTAL_AREA``); other rows are groups of their breakdown, one partition each.
    """
    n = len(table)
    area = table["area"].astype("string").fillna("")
    breakdown = (table["breakdown"].astype("string").fillna("") if "breakdown" in table
                 else pd.Series([""] * n, index=table.index, dtype="string"))
    group = (table["group"].astype("string").fillna("") if "group" in table
             else pd.Series([""] * n, index=table.index, dtype="string"))
    is_total = ((area == TOTAL_AREA) & (breakdown == "")).to_numpy(dtype=bool)
    names = sorted(set(breakdown) - {""})
    eq = np.where(is_total, 0, 1 + breakdown.map({b: i + 1 for i, b in enumerate(names)})
                  .fillna(0).to_numpy(dtype=np.int64))
    dom_text = np.where(breakdown == "", area, group)
    indicator = table["indicator"].astype("string")
    question = np.where(indicator == "problemindex", "index:" + table["item"].astype(str),
                        "item:" + table["item"].astype(str))

    def num(col):
        if col not in table:
            return np.full(n, np.nan)
        return pd.to_numeric(table[col], errors="coerce").to_numpy(dtype="float64",
                                                                  na_value=np.nan)

    published = (table["published"].to_numpy(dtype=bool) if "published" in table
                 else np.ones(n, dtype=bool))
    return Cells(
        year=pd.factorize(table["year"], sort=True)[0].astype(np.int64),
        question=pd.factorize(pd.Series(question), sort=True)[0].astype(np.int64),
        measure=pd.factorize(indicator, sort=True)[0].astype(np.int64),
        equation=eq.astype(np.int64),
        domain=pd.factorize(pd.Series(dom_text), sort=True)[0].astype(np.int64),
        rank=pd.factorize(pd.Series(dom_text), sort=True)[0].astype(np.int64),
        n=num("n"), numerator=num("numerator"),
        is_proportion=indicator.isin(PROPORTION_INDICATORS).to_numpy(dtype=bool),
        estimate=num("estimate"), se=num("se"), ci_low=num("ci_low"), ci_high=num("ci_high"),
        cv=num("cv"), n_eff=num("n_eff"), published=published)


def apply_disclosure(estimates: pd.DataFrame, settings: Settings | None = None) -> pd.DataFrame:
    """Add ``suppressed``, ``uncertain`` and ``flag_reason``; blank suppressed values.

    ``estimates`` is long (``year, area, indicator, item, estimate, ..., n, numerator``;
    optionally ``breakdown``, ``group`` and ``published`` for breakdown rows, see
    ``cells_from_frame``). Returns a new frame with the same rows (hidden remainder rows
    included); the input is not changed.
    """
    s = settings or Settings()
    out = estimates.copy(deep=False)
    flags = suppress(cells_from_frame(out), s)
    for col in VALUE_COLUMNS:
        if col in out.columns:
            out[col] = out[col].mask(flags.suppressed)
    out["n"] = out["n"].astype("Int64").mask(flags.blank_n)
    if "df" in out.columns:
        out["df"] = out["df"].astype("Int64").mask(flags.suppressed)
    out["suppressed"] = flags.suppressed
    out["uncertain"] = flags.uncertain
    out["flag_reason"] = flags.flag_reason
    return out


def audit_table(keys: pd.DataFrame, n: np.ndarray, numerator: np.ndarray,
                published: np.ndarray, reason: np.ndarray) -> pd.DataFrame:
    """The internal audit of hidden cells: their keys (one row each), whether the cell is
    published at all, the reason (``Disclosure.reason``, shown as its ``REASONS`` code)
    and its true number of answers and numerator. Rows whose reason is -1 are left out.

    Holds exactly what is hidden: it stays in ``data/processed/`` and is never exported.
    """
    rows = np.flatnonzero(np.asarray(reason) >= 0)
    out = keys.iloc[rows].reset_index(drop=True).copy()
    out["published"] = np.asarray(published, dtype=bool)[rows]
    out["reason"] = pd.array(np.asarray(REASON_CODES, dtype=object)[np.asarray(reason)[rows]],
                             dtype="string")
    out["n"] = pd.array(np.asarray(n, dtype="float64")[rows], dtype="Float64").astype("Int64")
    num = np.asarray(numerator, dtype="float64")[rows]
    out["numerator"] = pd.array(num, dtype="Float64").astype("Int64")
    return out[[c for c in AUDIT_COLUMNS if c in out.columns]]
