"""Stage: the area register (``omraden/omradesindelning.csv``) -> ``area_register.parquet``.

Every later stage reads the register from this table, never from the raw file.
"""

from __future__ import annotations

from analysis import tables as T
from analysis.areas import read_area_register
from analysis.onboarding import check_register_exists
from analysis.paths import AREA_REGISTER_FILE, AREAS_DIR
from analysis.problems import row_accounting
from analysis.stages.context import BuildContext, Stage, StageResult


def run(ctx: BuildContext) -> StageResult:
    path = ctx.source / AREAS_DIR / AREA_REGISTER_FILE
    check_register_exists(path)  # missing: say how to start it (the template of trygghet ny)
    register = read_area_register(path)
    ctx.progress(f"  {len(register)} områdesversioner")
    name = f"{AREAS_DIR}/{AREA_REGISTER_FILE}"
    return StageResult(outputs={T.AREA_REGISTER: register}, inputs=[path],
                       accounting={name: row_accounting(len(register), [], name)})


STAGE = Stage("areas", "områdesindelning", run, writes=(T.AREA_REGISTER,))
