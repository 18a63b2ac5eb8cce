"""The breakdown by sex and age group at kommun level, as the tables people read (issue 10).

Pure functions of two processed tables: ``estimates_by_group.parquet`` (the groups) and
``estimates.parquet`` (the kommun total, which is each breakdown's margin). Only
disclosure-controlled values are shown: a hidden cell is the one symbol ``..`` (the note
says what it means, never why a particular cell is hidden) and an uncertain estimate
carries ``*``. The inputs are never changed.
"""

from __future__ import annotations

import pandas as pd

from analysis.areas import TOTAL_AREA, TOTAL_AREA_NAME
from analysis.codebook import Codebook, load_codebook
from analysis.formatting import MISSING, sv_interval, sv_value
from analysis.vocabulary import COLUMNS, NARRATIVE, PROPORTION_INDICATORS, READER_INDICATORS

# The measures of the section, in order (shown when the survey has them that year).
MEASURES: list[tuple[str, str]] = [
    ("andel_otrygga", "otrygg_kvall"),
    ("problemindex", "alla"),
    ("andel_oroliga", "oro_brott"),
    ("andel_avstar", "avstar_restaurang"),
    ("andel_utsatta", "utsatt_vald"),
    ("andel_utsatta", "utsatt_hot"),
    ("andel_utsatta", "utsatt_stold"),
    ("andel_stort_fortroende", "fortroende_polis"),
]
# The breakdowns (columns of the respondent table) in the order of the section.
BREAKDOWN_ORDER = ("sex", "age_group")


def measure_label(indicator: str, item: str, codebook: Codebook | None = None,
                  measures: list[tuple[str, str]] = MEASURES) -> str:
    """The row label: the measure's name, and the question when the measure has several
    questions in the section ("Andel utsatta: utsatt för fysiskt våld")."""
    name = READER_INDICATORS.get(indicator, indicator)
    if sum(1 for ind, _ in measures if ind == indicator) < 2:
        return name
    text = (codebook or load_codebook()).label(item, indicator)
    return f"{name}: {text[:1].lower() + text[1:]}"


def _cell(row) -> str:
    if row is None:
        return MISSING
    if bool(row["suppressed"]) or pd.isna(row["estimate"]):
        return NARRATIVE["suppressed_symbol"]
    prop = row["indicator"] in PROPORTION_INDICATORS
    text = f"{sv_value(row['estimate'], prop)} ({sv_interval(row['ci_low'], row['ci_high'], prop)})"
    return text + (" *" if bool(row["uncertain"]) else "")


def breakdown_tables(breakdowns: pd.DataFrame | None, estimates: pd.DataFrame, year: int, *,
                     measures: list[tuple[str, str]] = MEASURES,
                     codebook: Codebook | None = None) -> list[tuple[str, pd.DataFrame]]:
    """One table per breakdown (sex, then age group) for ``year``: ``[(caption, frame)]``.

    Rows are the ``measures`` the survey has that year; columns are ``Mått``, each group
    (in the order of their labels) and ``Hela kommunen`` (the margin, from ``estimates``).
    Cells are text: ``"12 % (9–15 %)"`` with ``" *"`` when uncertain, ``..`` when hidden,
    ``–`` when there is no estimate. Empty when there is no breakdown that year.
    """
    if breakdowns is None or breakdowns.empty:
        return []
    codebook = codebook or load_codebook()
    groups_year = breakdowns[breakdowns["year"] == year]
    total = estimates[(estimates["year"] == year) & (estimates["area"] == TOTAL_AREA)]
    total = {(r["indicator"], r["item"]): r for _, r in total.iterrows()}
    present = [m for m in measures if m in total
               or ((groups_year["indicator"] == m[0]) & (groups_year["item"] == m[1])).any()]
    out = []
    for by in BREAKDOWN_ORDER:
        part = groups_year[groups_year["breakdown"] == by]
        if part.empty or not present:
            continue
        labels = sorted(str(g) for g in part["group"].dropna().unique())
        cells = {(r["group"], r["indicator"], r["item"]): r for _, r in part.iterrows()}
        table = {COLUMNS["indicator"]: [measure_label(i, it, codebook, measures)
                                        for i, it in present]}
        for g in labels:
            table[g] = [_cell(cells.get((g, i, it))) for i, it in present]
        table[TOTAL_AREA_NAME] = [_cell(total.get((i, it))) for i, it in present]
        by_text = NARRATIVE[f"breakdown_{by}"]
        caption = NARRATIVE["breakdown_caption"].format(by=by_text.lower(), year=year)
        out.append((caption, pd.DataFrame(table)))
    return out


def breakdown_note() -> str:
    """The note under the tables: what ``*`` and ``..`` mean (never why a cell is hidden)."""
    return NARRATIVE["breakdown_note"]
