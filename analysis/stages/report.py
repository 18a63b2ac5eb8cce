"""Stage: figures under ``reports/figurer/`` and ``reports/lagesbild.html``."""

from __future__ import annotations

from pathlib import Path

from analysis import tables as T
from analysis.files import list_delivery
from analysis.paths import (
    AREAS_DIR,
    CRIME_DIR,
    GEO_DIR,
    OFFICIAL_DIR,
    PROMISES_DIR,
    SURVEY_DIR,
    VOCABULARY_FILE,
    WALKS_DIR,
)
from analysis.processed import DEMO_SOURCE, underlag_line
from analysis.report import REPORT_FILE, report_outputs
from analysis.settings import SETTINGS_FILE
from analysis.stages.context import BuildContext, Stage, StageResult

USES = (T.CHANGES, T.AREAS, T.AREA_REGISTER, T.WALKS, T.WALK_FOLLOWUP, T.OFFICIAL,
        T.OFFICIAL_VS_SURVEY, T.RESPONSES, T.PROMISE_EVALUATION, T.WALK_TERMS, T.CRIME_RATES,
        T.CRIME_COMPARISONS, T.CRIME_TRENDS, T.BREAKDOWNS)
DELIVERY_DIRS = (SURVEY_DIR, AREAS_DIR, GEO_DIR, WALKS_DIR, OFFICIAL_DIR, PROMISES_DIR,
                 CRIME_DIR)


def _delivered(source: Path) -> dict[str, None]:
    """The delivery files of the raw source, keyed like the manifest's ``indata``.

    The report is written before the manifest, so its "Underlag" line counts the files in
    the delivery folders the build reads (the same files the manifest lists).
    """
    files = [source / name for name in (SETTINGS_FILE, VOCABULARY_FILE)
             if (source / name).is_file()]
    for folder in DELIVERY_DIRS:
        files += list_delivery(source / folder).files
    return {str(p.relative_to(source)).replace("\\", "/"): None for p in files}


def run(ctx: BuildContext) -> StageResult:
    tables = {T.ESTIMATES: ctx.need(T.ESTIMATES)}
    tables |= {name: ctx.maybe(name) for name in USES if ctx.maybe(name) is not None}
    underlag = underlag_line({"kalla": DEMO_SOURCE if ctx.demo else "kommunens filer",
                              "ar": ctx.year, "indata": _delivered(ctx.source)})
    reports, notes = report_outputs(tables, year=ctx.year, demo=ctx.demo, settings=ctx.settings,
                                    underlag=underlag)
    ctx.progress(f"  {len(reports) - 1} figurer och {REPORT_FILE}")
    for note in notes:
        ctx.progress(f"  Obs: {note}")
    return StageResult(reports=reports, notes=notes)


STAGE = Stage("report", "lägesbild och figurer", run, needs=(T.ESTIMATES,), uses=USES, presents=True)
