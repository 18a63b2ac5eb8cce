"""Stage: ``medborgarloften/`` -> registry, activities, evaluation, motivation.

The evaluation gives every promise two verdicts, genomförande and effekt
(``analysis.promises.evaluation``); survey indicators over several years use the
respondent table for a design-based trend or pooled years.

Registry errors always stop the build; activity-log rows with problems stop it too unless
the build quarantines (then they go to ``avvisade_aktiviteter.parquet``, without free
text). Without a ``medborgarloften/`` folder the stage writes nothing and says so. A
symbolic link in the folder stops the build; every other file that is not read is named in
a note. Years, dates and counts are checked against the settings' plausible limits.
"""

from __future__ import annotations

from analysis import tables as T
from analysis.paths import PROMISES_DIR
from analysis.problems import problems_frame, unread_note
from analysis.promises import (
    Evidence,
    activity_log_file,
    empty_activities,
    evaluate_promises,
    load_registries,
    promise_motivation,
    read_activity_log,
    registry_context,
    registry_files,
    unread_promise_files,
    validate_activities,
    verdict_summary,
)
from analysis.stages.context import BuildContext, Stage, StageResult

USES = (T.OFFICIAL, T.PLACES, T.ESTIMATES, T.RESPONSES, T.WALK_FOLLOWUP, T.WALKS,
        T.CRIME_RATES)


def run(ctx: BuildContext) -> StageResult:
    folder = ctx.source / PROMISES_DIR
    unread = [unread_note(PROMISES_DIR, p, why) for p, why in unread_promise_files(folder)]
    for n in unread:
        ctx.progress(f"  Obs: {n}")
    if not folder.is_dir():
        note = f"Ingen mapp {PROMISES_DIR}/ i rådata: inga medborgarlöften att följa upp."
        ctx.progress(f"  Obs: {note}")
        return StageResult(notes=[note])
    s = ctx.settings
    register = ctx.need(T.AREA_REGISTER)
    official = ctx.maybe(T.OFFICIAL)
    rctx = registry_context(register, ctx.maybe(T.PLACES), official,
                            earliest_year=s.earliest_year, latest_year=s.latest_year)
    files = registry_files(folder)
    log_path = activity_log_file(folder)
    registry = load_registries(files, rctx)
    inputs = list(files)
    accounting, notes = {}, []
    activities, rejected = None, problems_frame([])
    if log_path is not None:
        delivery = validate_activities(read_activity_log(log_path), register,
                                       max_count=s.max_count, earliest_year=s.earliest_year,
                                       latest_year=s.latest_year)
        ctx.stop_on_problems(delivery.problems, "Aktivitetsloggen")
        activities, rejected = delivery.activities, delivery.rejected
        accounting[f"{PROMISES_DIR}/{log_path.name}"] = delivery.accounting
        inputs.append(log_path)
    else:
        notes.append(f"Ingen aktivitetslogg i {PROMISES_DIR}/: aktivitetsindikatorer kan inte "
                     "bedömas.")
    evidence = Evidence(activities=activities, estimates=ctx.maybe(T.ESTIMATES),
                        walk_followup=ctx.maybe(T.WALK_FOLLOWUP), walks=ctx.maybe(T.WALKS),
                        official=official, register=register, responses=ctx.maybe(T.RESPONSES),
                        crime=ctx.maybe(T.CRIME_RATES))
    evaluation = evaluate_promises(registry, evidence, settings=s)
    outputs = {T.PROMISE_REGISTRY: registry, T.PROMISE_EVALUATION: evaluation,
               T.ACTIVITIES: activities if activities is not None else empty_activities(),
               T.REJECTED_ACTIVITIES: rejected}
    estimates = ctx.maybe(T.ESTIMATES)
    if estimates is not None:
        outputs[T.PROMISE_MOTIVATION] = promise_motivation(
            estimates, registry, walk_followup=ctx.maybe(T.WALK_FOLLOWUP), official=official)
    else:
        notes.append("Enkätens skattningar saknas: promise_motivation.parquet skrivs inte.")
    for n in notes:
        ctx.progress(f"  Obs: {n}")
    for line in verdict_summary(evaluation, len(files)):
        ctx.progress(f"  {line}")
    return StageResult(outputs=outputs, inputs=inputs, accounting=accounting,
                       notes=[*unread, *notes])


STAGE = Stage("promises", "medborgarlöften", run, needs=(T.AREA_REGISTER,), uses=USES,
              writes=(T.PROMISE_REGISTRY, T.PROMISE_EVALUATION, T.PROMISE_MOTIVATION,
                      T.ACTIVITIES, T.REJECTED_ACTIVITIES))
