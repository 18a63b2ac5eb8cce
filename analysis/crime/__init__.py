"""Reported crime (anmälda brott, Brå) and population (folkmängd, SCB) for the lägesbild.

By concern:

* ``categories`` – Brå's category hierarchy (``resources/crime_categories.yaml``), the
  youth-violence indicator, Swedish regions (kommun, län, riket) and the crime settings;
* ``reader`` – read and check Brå's and SCB's exports (wide or long, title rows, ``..``/``-``,
  preliminary and final vintages), every problem with file, Excel row, column and a hint;
* ``stats`` – rates per 100 000 with exact (Garwood) intervals, rate ratios against the
  county, the country and comparison kommuner, changes between years, Poisson trends, and
  the evidence a promise indicator is judged on;
* ``present`` – what people read: figures, Swedish tables, sentences, the sources and their
  limits, the HTML section's pieces and the CSV for Örat mot marken.

Domain code: nothing here imports the build (``analysis.pipeline``/``analysis.stages``).
"""

from __future__ import annotations

from analysis.crime.categories import (
    CRIME_COMPARISON_KOMMUNER,
    CRIME_MIN_COUNT_RATE,
    CRIME_YOUTH_AGES,
    CRIME_YOUTH_CATEGORIES,
    Category,
    CrimeConfig,
    RegionResolver,
    Vocabulary,
    YouthIndicator,
    category_hint,
    crime_config,
    indicator_hint,
    load_categories,
    match_category,
    match_indicator,
)
from analysis.crime.reader import (
    CRIME_COLUMNS,
    POPULATION_COLUMNS,
    CrimeDelivery,
    CrimeFiles,
    PopulationDelivery,
    crime_folder,
    empty_crime,
    empty_population,
    empty_rejected,
    known_regions,
    load_crime,
    load_population,
    parse_age,
    parse_crime,
    parse_period,
    parse_population,
    read_crime_files,
    table_kind,
)
from analysis.crime.stats import (
    CHANGE_COLUMNS,
    COMPARISON_COLUMNS,
    PER,
    RATE_COLUMNS,
    TREND_COLUMNS,
    CrimeEvidence,
    Trend,
    crime_changes,
    crime_comparisons,
    crime_evidence,
    crime_rates,
    crime_trends,
    garwood,
    missing_population,
    nested_rate_ratio,
    poisson_trend,
    rate_ratio,
    yearly_counts,
)

__all__ = [
    "CHANGE_COLUMNS", "COMPARISON_COLUMNS", "CRIME_COLUMNS", "CRIME_COMPARISON_KOMMUNER",
    "CRIME_MIN_COUNT_RATE", "CRIME_YOUTH_AGES", "CRIME_YOUTH_CATEGORIES", "PER",
    "POPULATION_COLUMNS", "RATE_COLUMNS", "TREND_COLUMNS", "Category", "CrimeConfig",
    "CrimeDelivery", "CrimeEvidence", "CrimeFiles", "PopulationDelivery", "RegionResolver",
    "Trend", "Vocabulary", "YouthIndicator", "category_hint", "crime_changes",
    "crime_comparisons", "crime_config", "crime_evidence", "crime_folder", "crime_rates",
    "crime_trends", "empty_crime", "empty_population", "empty_rejected", "garwood",
    "indicator_hint", "known_regions", "load_categories", "load_crime", "load_population",
    "match_category", "match_indicator", "missing_population", "nested_rate_ratio",
    "parse_age", "parse_crime", "parse_period", "parse_population", "poisson_trend",
    "rate_ratio", "read_crime_files", "table_kind", "yearly_counts",
]
