"""Citizen promises (medborgarlöften): the registry, the activity log, follow-up and motivation.

A kommun and the police sign promises each year (DOMAIN §1 steps 4–5, §5). The
registry is one YAML file per year in ``medborgarloften/`` (format in
``docs/medborgarloften.md``); each promise has one or more indicators of five kinds:

* ``aktivitet`` – a count of one activity type in the activity log in the promise year,
  against a target such as ``">= 40"``;
* ``enkat`` – a survey estimate (``estimates.parquet``) for an item and area, with a
  direction (``minska``/``oka``) and optionally a target, judged year on year with the
  change test and the minimum detectable change (MDC);
* ``vandring`` – a safety-walk figure (``walk_followup.parquet`` / ``walks.parquet``)
  against a target;
* ``milstolpe`` – a dated yes/no, in the registry (``klart``) or in the activity log;
* ``polisindex`` – the police's 0–6 index, judged with
  :func:`analysis.official.compare_official` against a stated minimum difference
  (the index has no confidence interval).

The package, by concern:

* ``registry`` – read and check the yearly YAML registries (``checks``: what they are
  checked against; ``indicators``: one parser per indicator kind);
* ``activities`` – activity types and the activity log;
* ``evaluation`` – the status of every indicator and promise, with its evidence;
* ``motivation`` – the largest survey problems and whether a promise covers them.

``read_*`` functions read files, ``validate_*``/``parse_*`` check them (every problem
names the file, the YAML line and field path or the Excel row and column, and a Swedish
hint), and the rest are pure transforms on frames. Status rules per kind are documented
in ``docs/medborgarloften.md`` and in :func:`evaluate_promises`.
"""

from __future__ import annotations

from analysis.promises.activities import (
    ACTIVITY_COLUMNS,
    ACTIVITY_HEADERS,
    ACTIVITY_SUFFIXES,
    ACTIVITY_VARIANTS,
    ActivityDelivery,
    activity_hint,
    activity_label,
    activity_log_file,
    activity_lookup,
    empty_activities,
    match_activity,
    read_activity_log,
    validate_activities,
)
from analysis.promises.checks import RawRegistry, RegistryContext
from analysis.promises.evaluation import (
    EVALUATION_COLUMNS,
    MET,
    NOT_MET,
    PARTLY,
    STATUS,
    UNKNOWN,
    Evidence,
    evaluate_promises,
)
from analysis.promises.indicators import (
    DIRECTIONS,
    KIND_ALIASES,
    KINDS,
    WALK_MEASURES,
    WALK_SHARES,
    parse_indicator,
    parse_target,
)
from analysis.promises.motivation import MOTIVATION_COLUMNS, promise_motivation
from analysis.promises.registry import (
    REGISTRY_COLUMNS,
    REGISTRY_PATTERN,
    empty_registry,
    load_registries,
    parse_registry,
    read_registry,
    registry_context,
    registry_files,
)

__all__ = [
    "ACTIVITY_COLUMNS", "ACTIVITY_HEADERS", "ACTIVITY_SUFFIXES", "ACTIVITY_VARIANTS",
    "DIRECTIONS", "EVALUATION_COLUMNS", "KINDS", "KIND_ALIASES", "MET", "MOTIVATION_COLUMNS",
    "NOT_MET", "PARTLY", "REGISTRY_COLUMNS", "REGISTRY_PATTERN", "STATUS", "UNKNOWN",
    "WALK_MEASURES", "WALK_SHARES", "ActivityDelivery", "Evidence", "RawRegistry",
    "RegistryContext", "activity_hint", "activity_label", "activity_log_file", "activity_lookup",
    "empty_activities", "empty_registry", "evaluate_promises", "load_registries",
    "match_activity", "parse_indicator", "parse_registry", "parse_target", "promise_motivation",
    "read_activity_log", "read_registry", "registry_context", "registry_files",
    "validate_activities",
]
