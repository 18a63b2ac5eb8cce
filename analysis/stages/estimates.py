"""Stage: responses -> ``estimates.parquet`` and ``changes.parquet``."""

from __future__ import annotations

from analysis import tables as T
from analysis.indices import area_estimates, year_changes
from analysis.stages.context import BuildContext, Stage, StageResult


def run(ctx: BuildContext) -> StageResult:
    responses = ctx.need(T.RESPONSES)
    register = ctx.need(T.AREA_REGISTER)
    estimates = area_estimates(responses, register, settings=ctx.settings, progress=ctx.progress)
    changes = year_changes(estimates, register, settings=ctx.settings)
    n_sig = int(changes["significant"].sum())
    ctx.progress(f"  {len(estimates)} skattningar, {len(changes)} förändringar "
                 f"({n_sig} statistiskt säkerställda efter Benjamini–Hochberg)")
    return StageResult(outputs={T.ESTIMATES: estimates, T.CHANGES: changes},
                       accounting={"skattningar": {"rader": len(estimates),
                                                   "undertryckta": int(estimates["suppressed"].sum())}})


STAGE = Stage("estimates", "index och förändringar", run, needs=(T.RESPONSES, T.AREA_REGISTER),
              writes=(T.ESTIMATES, T.CHANGES))
