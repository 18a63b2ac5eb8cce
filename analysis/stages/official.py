"""Stage: ``polisens_index/`` -> ``official_indices.parquet`` (every vintage),
``official_vs_survey.parquet`` (beside the estimates) and the rejected rows.

A symbolic link in the folder stops the build; every other file that is not read (a PDF of
the report ...) is named in a note. Years and publication dates are checked against the
settings' plausible window.
"""

from __future__ import annotations

from analysis import tables as T
from analysis.official import (
    empty_official,
    empty_rejected,
    empty_side_by_side,
    load_official,
    official_folder,
    official_vs_survey,
    read_official_tables,
)
from analysis.paths import OFFICIAL_DIR
from analysis.problems import unread_note
from analysis.stages.context import BuildContext, Stage, StageResult


def run(ctx: BuildContext) -> StageResult:
    listing = official_folder(ctx.source / OFFICIAL_DIR)
    files = listing.files
    notes = [unread_note(OFFICIAL_DIR, p) for p in listing.ignored]
    for note in notes:
        ctx.progress(f"  Obs: {note}")
    if not files:
        note = (f"Inga tabeller med polisens index i {OFFICIAL_DIR}/; "
                "tabellerna med polisens index är tomma.")
        ctx.progress(f"  {note}")
        return StageResult(outputs={T.OFFICIAL: empty_official(),
                                    T.OFFICIAL_VS_SURVEY: empty_side_by_side(),
                                    T.REJECTED_OFFICIAL: empty_rejected()},
                           notes=[*notes, note])
    s = ctx.settings
    delivery = load_official(read_official_tables(files), ctx.need(T.AREA_REGISTER),
                             earliest_year=s.earliest_year, latest_year=s.latest_year)
    ctx.stop_on_problems(delivery.problems, "Polisens indextabeller")
    estimates = ctx.maybe(T.ESTIMATES)
    if estimates is None:
        side = empty_side_by_side()
        notes.append("Inga egna skattningar: polisens index visas inte sida vid sida.")
    else:
        side = official_vs_survey(delivery.table, estimates)
    accounting = {f"{OFFICIAL_DIR}/{k}": v for k, v in delivery.accounting.items()}
    total = sum(a["lasta"] for a in delivery.accounting.values())
    ctx.progress(f"  {total} rader lästa, {len(delivery.table)} godkända, "
                 f"{len(delivery.rejected)} avvisade; {int(delivery.table['restated'].sum())} "
                 f"reviderade värden; {len(side)} rader sida vid sida")
    return StageResult(outputs={T.OFFICIAL: delivery.table, T.OFFICIAL_VS_SURVEY: side,
                                T.REJECTED_OFFICIAL: delivery.rejected},
                       inputs=files, accounting=accounting, notes=notes)


STAGE = Stage("official", "polisens index", run, needs=(T.AREA_REGISTER,), uses=(T.ESTIMATES,),
              writes=(T.OFFICIAL, T.OFFICIAL_VS_SURVEY, T.REJECTED_OFFICIAL))
