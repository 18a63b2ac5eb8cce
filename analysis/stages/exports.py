"""Stage: estimates, changes and the promise evaluation -> CSV + data dictionaries under
``reports/csv/``.

``medborgarloften.csv`` is written when the promises stage wrote an evaluation (a raw
``medborgarloften/`` folder), ``anmalda_brott.csv`` when the crime stage wrote rates (a raw
``anmalda_brott/`` folder); the other two always.
"""

from __future__ import annotations

from analysis import tables as T
from analysis.exports import crime_files, export_streams
from analysis.stages.context import BuildContext, Stage, StageResult

USES = (T.PROMISE_EVALUATION, T.CRIME_RATES, T.CRIME_COMPARISONS, T.BREAKDOWNS)


def run(ctx: BuildContext) -> StageResult:
    streams = export_streams(ctx.need(T.ESTIMATES), ctx.need(T.CHANGES),
                             settings=ctx.settings, demo=ctx.demo,
                             evaluation=ctx.maybe(T.PROMISE_EVALUATION),
                             breakdowns=ctx.maybe(T.BREAKDOWNS))
    rates = ctx.maybe(T.CRIME_RATES)
    if rates is not None and len(rates):
        streams.append(iter(crime_files(rates, ctx.maybe(T.CRIME_COMPARISONS),
                                        settings=ctx.settings, demo=ctx.demo).items()))
    # streams of (path, bytes or blocks): the build writes each file while it is made, the
    # streams side by side
    return StageResult(streams=streams)


STAGE = Stage("exports", "CSV för Örat mot marken", run, needs=(T.ESTIMATES, T.CHANGES),
              uses=USES, presents=True)
