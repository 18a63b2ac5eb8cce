"""Stage: survey files -> ``responses.parquet`` and ``avvisade_rader.parquet``."""

from __future__ import annotations

from analysis import tables as T
from analysis.codebook import load_codebook
from analysis.paths import COLUMN_MAPPING_FILE, SURVEY_DIR
from analysis.stages.context import BuildContext, Stage, StageResult
from analysis.survey import (
    ignored_files,
    load_survey,
    read_column_mapping,
    survey_files,
)


def run(ctx: BuildContext) -> StageResult:
    codebook = load_codebook()
    register = ctx.need(T.AREA_REGISTER)
    folder = ctx.source / SURVEY_DIR
    mapping_path = folder / COLUMN_MAPPING_FILE
    mapping = read_column_mapping(mapping_path, codebook) if mapping_path.is_file() else None
    files = survey_files(folder)
    s = ctx.settings
    delivery = load_survey(files, register=register, codebook=codebook, mapping=mapping,
                           max_weight=s.max_weight, max_rows=s.max_rows,
                           earliest_year=s.earliest_year, latest_year=s.latest_year)
    ctx.stop_on_problems(delivery.problems, "Trygghetsmätningen")
    for note in delivery.notices:
        ctx.progress(f"  Obs: {note.format()}")
    ignored = [f"{SURVEY_DIR}/{p.name}: läses inte (inte en vanlig fil, eller dold fil)."
               for p in ignored_files(folder)]
    for note in ignored:
        ctx.progress(f"  Obs: {note}")
    inputs = [*files] + ([mapping_path] if mapping else [])
    accounting = {f"{SURVEY_DIR}/{k}": v for k, v in delivery.accounting.items()}
    total = sum(a["lasta"] for a in delivery.accounting.values())
    ctx.progress(f"  {total} rader lästa, {len(delivery.responses)} godkända, "
                 f"{len(delivery.rejected)} avvisade")
    # The compact in-memory table (categoricals); stored in the canonical schema (strings).
    return StageResult(outputs={T.RESPONSES: delivery.responses,
                                T.REJECTED_RESPONSES: delivery.rejected},
                       inputs=inputs, accounting=accounting,
                       notes=[n.format() for n in delivery.notices] + ignored)


STAGE = Stage("survey", "trygghetsmätning", run, needs=(T.AREA_REGISTER,),
              writes=(T.RESPONSES, T.REJECTED_RESPONSES))
