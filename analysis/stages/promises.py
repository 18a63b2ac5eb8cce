"""Stage: ``medborgarloften/`` -> registry, activities, evaluation, motivation.

Registry errors always stop the build; activity-log rows with problems stop it too unless
the build quarantines (then they go to ``avvisade_aktiviteter.parquet``, without free
text). Without a ``medborgarloften/`` folder the stage writes nothing and says so.
"""

from __future__ import annotations

from analysis import tables as T
from analysis.paths import PROMISES_DIR
from analysis.problems import problems_frame
from analysis.promises import (
    STATUS,
    Evidence,
    activity_log_file,
    empty_activities,
    evaluate_promises,
    load_registries,
    promise_motivation,
    read_activity_log,
    registry_context,
    registry_files,
    validate_activities,
)
from analysis.stages.context import BuildContext, Stage, StageResult

USES = (T.OFFICIAL, T.PLACES, T.ESTIMATES, T.CHANGES, T.WALK_FOLLOWUP, T.WALKS)


def run(ctx: BuildContext) -> StageResult:
    folder = ctx.source / PROMISES_DIR
    if not folder.is_dir():
        note = f"Ingen mapp {PROMISES_DIR}/ i rådata: inga medborgarlöften att följa upp."
        ctx.progress(f"  Obs: {note}")
        return StageResult(notes=[note])
    register = ctx.need(T.AREA_REGISTER)
    official = ctx.maybe(T.OFFICIAL)
    rctx = registry_context(register, ctx.maybe(T.PLACES), official)
    files = registry_files(folder)
    registry = load_registries(files, rctx)
    inputs = list(files)
    log_path = activity_log_file(folder)
    accounting, notes = {}, []
    activities, rejected = None, problems_frame([])
    if log_path is not None:
        delivery = validate_activities(read_activity_log(log_path), register)
        ctx.stop_on_problems(delivery.problems, "Aktivitetsloggen")
        activities, rejected = delivery.activities, delivery.rejected
        accounting[f"{PROMISES_DIR}/{log_path.name}"] = delivery.accounting
        inputs.append(log_path)
    else:
        notes.append(f"Ingen aktivitetslogg i {PROMISES_DIR}/: aktivitetsindikatorer kan inte "
                     "bedömas.")
    s = ctx.settings
    evidence = Evidence(activities, ctx.maybe(T.ESTIMATES), ctx.maybe(T.CHANGES),
                        ctx.maybe(T.WALK_FOLLOWUP), ctx.maybe(T.WALKS), official, register)
    evaluation = evaluate_promises(registry, evidence, alpha=s.alpha, power=s.power)
    outputs = {T.PROMISE_REGISTRY: registry, T.PROMISE_EVALUATION: evaluation,
               T.ACTIVITIES: activities if activities is not None else empty_activities(),
               T.REJECTED_ACTIVITIES: rejected}
    estimates = ctx.maybe(T.ESTIMATES)
    if estimates is not None:
        outputs[T.PROMISE_MOTIVATION] = promise_motivation(estimates, registry)
    else:
        notes.append("Enkätens skattningar saknas: promise_motivation.parquet skrivs inte.")
    for n in notes:
        ctx.progress(f"  Obs: {n}")
    counts = evaluation["status"].value_counts()
    ctx.progress(f"  {registry['promise_id'].nunique() if len(registry) else 0} löften i "
                 f"{len(files)} register, {len(evaluation)} indikatorer: "
                 + ", ".join(f"{counts.get(s_, 0)} {s_}" for s_ in STATUS.values()))
    return StageResult(outputs=outputs, inputs=inputs, accounting=accounting, notes=notes)


STAGE = Stage("promises", "medborgarlöften", run, needs=(T.AREA_REGISTER,), uses=USES,
              writes=(T.PROMISE_REGISTRY, T.PROMISE_EVALUATION, T.PROMISE_MOTIVATION,
                      T.ACTIVITIES, T.REJECTED_ACTIVITIES))
