"""Stage: responses -> ``estimates.parquet``, ``estimates_by_group.parquet`` (kommun level
by sex and age group), ``changes.parquet`` and ``disclosure_audit.parquet``.

The audit holds the reason and the true counts of every hidden cell: it stays under
``data/processed/`` and no stage exports it (``analysis/exports.py`` reads only the
estimates and the changes).
"""

from __future__ import annotations

from analysis import tables as T
from analysis.indices import estimate_tables, year_changes
from analysis.stages.context import BuildContext, Stage, StageResult


def run(ctx: BuildContext) -> StageResult:
    responses = ctx.need(T.RESPONSES)
    register = ctx.need(T.AREA_REGISTER)
    result = estimate_tables(responses, register, settings=ctx.settings, progress=ctx.progress)
    estimates = result.estimates
    changes = year_changes(estimates, register, settings=ctx.settings)
    n_sig = int(changes["significant"].sum())
    ctx.progress(f"  {len(estimates)} skattningar, {len(result.breakdowns)} efter kön och "
                 f"ålder, {len(changes)} förändringar ({n_sig} statistiskt säkerställda "
                 "efter Benjamini–Hochberg)")
    hidden = int(estimates["suppressed"].sum()) + int(result.breakdowns["suppressed"].sum())
    return StageResult(outputs={T.ESTIMATES: estimates, T.BREAKDOWNS: result.breakdowns,
                                T.CHANGES: changes, T.DISCLOSURE_AUDIT: result.audit},
                       accounting={"skattningar": {"rader": len(estimates),
                                                   "efter_kon_och_alder": len(result.breakdowns),
                                                   "undertryckta": hidden}})


STAGE = Stage("estimates", "index och förändringar", run, needs=(T.RESPONSES, T.AREA_REGISTER),
              writes=(T.ESTIMATES, T.BREAKDOWNS, T.CHANGES, T.DISCLOSURE_AUDIT))
