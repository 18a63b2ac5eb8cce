"""Stage: estimates and changes -> CSV + data dictionary under ``reports/csv/``."""

from __future__ import annotations

from analysis import tables as T
from analysis.exports import export_files
from analysis.stages.context import BuildContext, Stage, StageResult


def run(ctx: BuildContext) -> StageResult:
    reports = export_files(ctx.need(T.ESTIMATES), ctx.need(T.CHANGES), settings=ctx.settings,
                           demo=ctx.demo)
    return StageResult(reports=reports)


STAGE = Stage("exports", "CSV för Örat mot marken", run, needs=(T.ESTIMATES, T.CHANGES))
