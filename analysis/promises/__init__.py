"""Citizen promises (medborgarlöften): the registry, the activity log, follow-up and motivation.

A kommun and the police sign promises each year (DOMAIN §1 steps 4–5, §5). The
registry is one YAML file per year in ``medborgarloften/`` (format in
``docs/medborgarloften.md``); each promise (and each overall goal, ``overgripande_mal``) has
one or more indicators of six kinds:

* ``aktivitet`` – a count of one activity type in the activity log in the promise year,
  against a target such as ``">= 40"`` (genomförande);
* ``milstolpe`` – a dated yes/no, in the registry (``klart``) or in the activity log
  (genomförande);
* ``vandring`` – safety walks held (genomförande) or their follow-up, e.g. the share of
  problems fixed (effekt), against a target;
* ``enkat`` – a survey estimate for an item and area with a direction and optionally a
  target, judged from confidence intervals over two years, a design-based trend
  (``analysis.trend``) or two pooled years (effekt);
* ``polisindex`` – the police's 0–6 index, judged with the same three-way logic, the noise
  estimated from our survey at the same level (effekt);
* ``anmalda_brott`` – reported crime (Brå) of a category or youth violence in the kommun,
  judged with the survey's CI rule on the rate ratio (``crime_verdict``; effekt).

Every promise gets two verdicts, *genomförande* and *effekt*, never one merged word.

The package, by concern:

* ``registry`` – read and check the yearly YAML registries (``checks``: what they are
  checked against; ``indicators``: one parser per indicator kind);
* ``activities`` – activity types and the activity log;
* ``evaluation`` – the verdict of every indicator and the two verdicts of every promise,
  with the evidence;
* ``motivation`` – the largest survey problems, whether a promise covers them, and the walks
  and the police's index beside them;
* ``planning`` – at signing time: can the survey judge a draft target (MDC)?
* ``present`` – what people read: Swedish tables, one sentence per indicator, the status
  overview figure and the HTML section (``promise_section``).

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
    is_activity_log,
    match_activity,
    read_activity_log,
    validate_activities,
)
from analysis.promises.checks import RawRegistry, RegistryContext
from analysis.promises.evaluation import (
    EFFECT,
    EVALUATION_COLUMNS,
    IMPLEMENTATION,
    MET,
    NOT_MEASURED,
    NOT_MET,
    PARTLY,
    PARTS,
    STATUS,
    UNKNOWN,
    Evidence,
    SurveyEvidence,
    combine_verdicts,
    crime_verdict,
    evaluate_promises,
    holm,
    indicator_part,
    official_noise,
    official_verdict,
    survey_verdict,
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
from analysis.promises.planning import PLANNING_COLUMNS, plan_target, plan_targets
from analysis.promises.present import (
    PromiseSection,
    evidence_alt,
    indicator_sentence,
    indicator_table,
    motivation_sentences,
    motivation_table,
    planning_table,
    promise_overview,
    promise_section,
    promise_year,
    status_alt,
    status_figure,
    survey_evidence_figure,
    verdict_counts,
    verdict_summary,
)
from analysis.promises.registry import (
    REGISTRY_COLUMNS,
    REGISTRY_PATTERN,
    empty_registry,
    is_registry,
    load_registries,
    parse_registry,
    promise_title,
    read_registry,
    registry_context,
    registry_files,
    unread_promise_files,
)

__all__ = [
    "ACTIVITY_COLUMNS", "ACTIVITY_HEADERS", "ACTIVITY_SUFFIXES", "ACTIVITY_VARIANTS",
    "DIRECTIONS", "EFFECT", "EVALUATION_COLUMNS", "IMPLEMENTATION", "KINDS", "KIND_ALIASES",
    "MET", "MOTIVATION_COLUMNS", "NOT_MEASURED", "NOT_MET", "PARTLY", "PARTS",
    "PLANNING_COLUMNS", "REGISTRY_COLUMNS", "REGISTRY_PATTERN", "STATUS", "UNKNOWN",
    "WALK_MEASURES", "WALK_SHARES", "ActivityDelivery", "Evidence", "PromiseSection",
    "RawRegistry", "RegistryContext", "SurveyEvidence", "activity_hint", "activity_label",
    "activity_log_file", "activity_lookup", "combine_verdicts", "crime_verdict", "empty_activities",
    "empty_registry", "evaluate_promises", "evidence_alt", "holm", "indicator_part", "indicator_sentence",
    "indicator_table", "is_activity_log", "is_registry", "load_registries", "match_activity",
    "motivation_sentences", "motivation_table", "official_noise", "official_verdict", "parse_indicator",
    "parse_registry", "parse_target", "plan_target", "plan_targets", "planning_table",
    "promise_motivation", "promise_overview", "promise_section", "promise_title",
    "promise_year", "read_activity_log", "read_registry", "registry_context", "registry_files",
    "status_alt", "status_figure", "survey_evidence_figure", "survey_verdict", "unread_promise_files",
    "validate_activities", "verdict_counts", "verdict_summary",
]
