"""Stage: figures under ``reports/figurer/`` and ``reports/lagesbild.html``."""

from __future__ import annotations

from analysis import tables as T
from analysis.report import REPORT_FILE, report_outputs
from analysis.stages.context import BuildContext, Stage, StageResult

USES = (T.CHANGES, T.AREAS, T.WALK_FOLLOWUP, T.OFFICIAL_VS_SURVEY, T.RESPONSES)


def run(ctx: BuildContext) -> StageResult:
    tables = {T.ESTIMATES: ctx.need(T.ESTIMATES)}
    tables |= {name: ctx.maybe(name) for name in USES if ctx.maybe(name) is not None}
    reports, notes = report_outputs(tables, year=ctx.year, demo=ctx.demo, settings=ctx.settings)
    ctx.progress(f"  {len(reports) - 1} figurer och {REPORT_FILE}")
    for note in notes:
        ctx.progress(f"  Obs: {note}")
    return StageResult(reports=reports, notes=notes)


STAGE = Stage("report", "lägesbild och figurer", run, needs=(T.ESTIMATES,), uses=USES)
