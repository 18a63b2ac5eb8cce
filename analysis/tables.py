"""The names of the processed tables (files under ``data/processed/``), in one place.

Stages declare what they need and write with these names; notebooks, the report and
the exports read them with the same names.
"""

from __future__ import annotations

AREA_REGISTER = "area_register.parquet"
RESPONSES = "responses.parquet"
REJECTED_RESPONSES = "avvisade_rader.parquet"
ESTIMATES = "estimates.parquet"
CHANGES = "changes.parquet"
BREAKDOWNS = "estimates_by_group.parquet"  # kommun level by sex and age group
DISCLOSURE_AUDIT = "disclosure_audit.parquet"  # why each cell is hidden; never exported
OFFICIAL = "official_indices.parquet"
OFFICIAL_VS_SURVEY = "official_vs_survey.parquet"
REJECTED_OFFICIAL = "avvisade_polisens_index.parquet"
AREAS = "areas.parquet"  # area polygons (GeoParquet)
PLACES = "places.parquet"  # named places (GeoParquet)
KOMMUN = "kommun.parquet"  # the kommun outline (GeoParquet), when delivered
OBSERVATIONS = "observations.parquet"  # GeoParquet; the only table with free text
WALKS = "walks.parquet"
WALK_FOLLOWUP = "walk_followup.parquet"
WALK_DECLINED = "walk_declined.parquet"
WALKS_VS_SURVEY = "walks_vs_survey.parquet"
REJECTED_OBSERVATIONS = "avvisade_observationer.parquet"
WALK_TERMS = "walk_terms.parquet"  # the merged walk vocabulary: field, code, Swedish label
PROMISE_REGISTRY = "promise_registry.parquet"
PROMISE_EVALUATION = "promise_evaluation.parquet"
PROMISE_MOTIVATION = "promise_motivation.parquet"
ACTIVITIES = "activities.parquet"
REJECTED_ACTIVITIES = "avvisade_aktiviteter.parquet"
# Reported crime (Brå) and population (SCB), analysis/crime/
CRIME = "reported_crime.parquet"  # every vintage, as delivered
POPULATION = "population.parquet"
CRIME_RATES = "crime_rates.parquet"  # yearly counts (latest vintage), rates, intervals
CRIME_COMPARISONS = "crime_comparisons.parquet"  # the kommun against county, riket, group
CRIME_CHANGES = "crime_changes.parquet"
CRIME_TRENDS = "crime_trends.parquet"
REJECTED_CRIME = "avvisade_anmalda_brott.parquet"

# Tables stored as GeoParquet (geometry column), read with geopandas.
GEO_TABLES = frozenset({AREAS, PLACES, KOMMUN, OBSERVATIONS})
