"""The police's published 0–6 index tables, kept as published and used beside our estimates.

What a Skåne kommun receives each year is usually the police's report: per
delområde an index on a 0–6 scale for each of about 32 indicators, and a
totalindex per kommun and per lokalpolisområde (LPO). The formula behind the
index is not public, so the package never recomputes it: it reads the tables as
the analyst typed them from the PDF, validates them, keeps every published
version ("vintage") and shows them beside its own estimates.

* ``reader`` – reading and validating the tables, vintages (``load_official``,
  ``read_official``, ``select_vintage``);
* ``compare`` – the statistics: change between two years (``compare_official``) and
  the index beside our estimates with the rank agreement (``official_vs_survey``), and
  the kommun beside its reference levels (``reference_levels``);
* ``areas`` / ``indicators`` – an area or indicator as written in a report, resolved.

The table format (documented for analysts in ``docs/polisens_index.md``): one
row per year × area × indicator × publication, CSV (any encoding/separator
``analysis.files.read_table`` handles) or Excel, with the columns

* ``ar`` – survey year; ``omrade`` – area code or name valid that year, or
  ``kommunen`` (the kommun total, ``analysis.areas.TOTAL_AREA``), ``lpo``
  (the lokalpolisområde), ``po`` (the polisområde) or ``region`` (the police region);
* ``indikator`` – the police's indicator name (matched with ``analysis.text.match_key``
  against ``police_indicators`` in the codebook);
* ``varde`` – the value as printed (decimal comma or point);
* ``skala`` – ``0-6`` (default when empty) or ``0-600`` (printed ×100);
  alternatively a column ``x100`` with ``ja``/``nej``;
* ``kalla`` – source document; ``publicerad`` – publication date YYYY-MM-DD;
  ``sida`` – page or table (optional); ``anmarkning`` – a note (optional).

Rules: a value is divided by 100 only when its row declares ×100; an
undeclared value above 6 is an error (it looks ×100); a value outside 0–6
after conversion is an error; so is an unknown indicator (with the closest
names suggested), an area not valid in the row's year (naming the valid ones),
a publication date before the survey year, a year or a publication date outside the
plausible window (``Settings.earliest_year``..``latest_year``), and two different values for the
same year × area × indicator with the same publication date. Every problem
names the file, the Excel row, the column and the value (reason codes in
``analysis.problems``).

Vintages: every published value is kept. Within a year × area × indicator the
publications are ordered by publication date (then source, file, row);
``vintage`` numbers them 1, 2, …; ``first_value``/``latest_value`` are the
values as first and as most recently published; ``restated`` is True when the
published values differ. ``select_vintage`` picks "latest" or "first".
"""

from __future__ import annotations

from analysis.official.areas import (
    LPO_AREA,
    LPO_AREA_NAME,
    PO_AREA,
    PO_AREA_NAME,
    REFERENCE_AREAS,
    REGION_AREA,
    REGION_AREA_NAME,
    TOTAL_AREAS,
    total_area,
)
from analysis.official.compare import (
    AGREEMENT_COLUMNS,
    DECREASE,
    INCREASE,
    MIN_AREAS_RANK,
    NO_CI_TEXT,
    NOT_COMPARABLE,
    REFERENCE_CAVEAT,
    REFERENCE_COLUMNS,
    REFERENCE_LEVELS,
    SIDE_BY_SIDE_COLUMNS,
    UNCHANGED,
    OfficialChange,
    compare_official,
    empty_side_by_side,
    official_vs_survey,
    rank_agreement,
    reference_levels,
)
from analysis.official.indicators import indicator_lookup, suggest_indicators
from analysis.official.reader import (
    ACTION_LEVEL,
    KEY,
    OFFICIAL_COLUMNS,
    REJECTED_COLUMNS,
    SCALE_06,
    SCALE_0600,
    SCALE_MAX,
    VINTAGES,
    OfficialDelivery,
    add_vintages,
    empty_official,
    empty_rejected,
    load_official,
    official_files,
    official_folder,
    parse_official,
    read_official,
    read_official_tables,
    select_vintage,
    validate_official,
)

__all__ = [
    "ACTION_LEVEL", "AGREEMENT_COLUMNS", "DECREASE", "INCREASE", "KEY", "LPO_AREA",
    "LPO_AREA_NAME", "MIN_AREAS_RANK", "NOT_COMPARABLE", "NO_CI_TEXT", "OFFICIAL_COLUMNS",
    "PO_AREA", "PO_AREA_NAME", "REFERENCE_AREAS", "REFERENCE_CAVEAT", "REFERENCE_COLUMNS",
    "REFERENCE_LEVELS", "REGION_AREA", "REGION_AREA_NAME",
    "REJECTED_COLUMNS", "SCALE_06", "SCALE_0600", "SCALE_MAX", "SIDE_BY_SIDE_COLUMNS",
    "TOTAL_AREAS", "UNCHANGED", "VINTAGES", "OfficialChange", "OfficialDelivery",
    "add_vintages", "compare_official", "empty_official", "empty_rejected",
    "empty_side_by_side", "indicator_lookup", "load_official", "official_files",
    "official_folder", "official_vs_survey", "parse_official", "rank_agreement", "read_official",
    "read_official_tables", "reference_levels", "select_vintage", "suggest_indicators", "total_area",
    "validate_official",
]
