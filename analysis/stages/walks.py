"""Stage: ``trygghetsvandringar/`` -> observations, walks and follow-up tables.

Outputs ``observations.parquet`` (GeoParquet, EPSG:3006, with ``area`` and ``place``; the
only table with free text), ``walks.parquet``, ``walk_followup.parquet``,
``walk_declined.parquet``, ``walks_vs_survey.parquet`` (when the survey estimates exist),
``walk_terms.parquet`` (the codes and Swedish labels of the vocabulary used) and
``avvisade_observationer.parquet`` (rejected rows, no free text). The vocabulary is the
package's neutral one with the kommun's own ``ordlista.yaml`` (in the raw source) merged
over it. Area polygons and places are optional: without polygons the protocols' area codes
are checked against the area register. Strict unless the
build quarantines. Without a ``trygghetsvandringar/`` folder the stage writes nothing. A
symbolic link in the folder stops the build; every other file that is not read is named
in a note.
"""

from __future__ import annotations

import pandas as pd

from analysis import tables as T
from analysis.paths import VOCABULARY_FILE, WALKS_DIR
from analysis.problems import NO_AREAS, NO_PLACES, unread_note
from analysis.stages.context import BuildContext, Stage, StageResult
from analysis.walks.compare import walks_vs_survey
from analysis.walks.followup import declined_table, default_as_of, followup_table
from analysis.walks.load import load_walks, walk_files, walk_folder
from analysis.walks.terms import load_walk_vocabulary, terms_table

OUTSIDE_KEY = f"{WALKS_DIR} (utanför alla områden)"


def _as_of(setting: str | None, observations, walks) -> pd.Timestamp:
    """The follow-up date: the setting, else the last date in the observations, else the
    last walk (everything rejected in quarantine), else 1 January 2000 (no walks at all)."""
    if setting:
        return pd.Timestamp(setting)
    if len(observations):
        return default_as_of(observations)
    last = walks["walk_date"].max()
    return pd.Timestamp("2000-01-01") if pd.isna(last) else pd.Timestamp(last)


def run(ctx: BuildContext) -> StageResult:
    folder = ctx.source / WALKS_DIR
    unread = [unread_note(WALKS_DIR, p) for p in walk_folder(folder).ignored]
    for note in unread:
        ctx.progress(f"  Obs: {note}")
    walks_path, protocols = walk_files(folder)
    if walks_path is None and not protocols:
        note = (f"Ingen mapp {WALKS_DIR}/ med vandringar.csv i rådata: inga "
                "trygghetsvandringar att läsa.")
        ctx.progress(f"  Obs: {note}")
        return StageResult(notes=[*unread, note])
    s = ctx.settings
    own_vocabulary = ctx.source / VOCABULARY_FILE
    vocabulary = load_walk_vocabulary(
        kommun=own_vocabulary if own_vocabulary.is_file() else None)
    kommun = ctx.maybe(T.KOMMUN)
    delivery = load_walks(folder, areas=ctx.maybe(T.AREAS), places=ctx.maybe(T.PLACES),
                          kommun=None if kommun is None else kommun.geometry.iloc[0],
                          vocabulary=vocabulary, register=ctx.maybe(T.AREA_REGISTER),
                          repeat_distance_m=s.walk_repeat_distance_m,
                          repeat_same_category=s.walk_repeat_same_category,
                          max_count=s.max_count, earliest_year=s.earliest_year,
                          latest_year=s.latest_year)
    ctx.stop_on_problems(delivery.problems, "Trygghetsvandringarna")
    # A missing area or places file is named once, by the geodata stage.
    delivery.notices = [n for n in delivery.notices if n.reason not in (NO_AREAS, NO_PLACES)]
    for note in delivery.notices:
        ctx.progress(f"  Obs: {note.format()}")
    obs = delivery.observations
    as_of = _as_of(s.walk_as_of, obs, delivery.walks)
    outputs = {
        T.OBSERVATIONS: obs,
        T.WALKS: delivery.walks,
        T.WALK_FOLLOWUP: followup_table(obs, as_of, target_days=s.walk_target_days,
                                        distance_m=s.walk_repeat_distance_m,
                                        same_category=s.walk_repeat_same_category),
        T.WALK_DECLINED: declined_table(obs, as_of),
        T.REJECTED_OBSERVATIONS: delivery.rejected,
        T.WALK_TERMS: terms_table(vocabulary),
    }
    notes = [*unread, *(n.format() for n in delivery.notices)]
    estimates = ctx.maybe(T.ESTIMATES)
    if estimates is not None:
        outputs[T.WALKS_VS_SURVEY] = walks_vs_survey(obs, estimates, vocabulary.survey_items,
                                                     min_areas=s.walk_min_areas_correlation)
    else:
        notes.append("Enkätens skattningar saknas: walks_vs_survey.parquet skrivs inte.")
    accounting = {f"{WALKS_DIR}/{k}": v for k, v in delivery.accounting.items()}
    accounting[OUTSIDE_KEY] = {"antal": len(delivery.outside),
                               "observationer": delivery.outside["observation_id"].tolist()}
    read = sum(a["lasta"] for k, a in delivery.accounting.items() if k != walks_path.name)
    ctx.progress(f"  {len(delivery.walks)} vandringar, {read} observationsrader lästa, "
                 f"{len(obs)} godkända, {read - len(obs)} avvisade, "
                 f"{len(delivery.outside)} utanför alla områden; läge per "
                 f"{as_of:%Y-%m-%d}")
    # (the kommun's ordlista.yaml is an input of the whole build: analysis.pipeline)
    return StageResult(outputs=outputs, inputs=delivery.files, accounting=accounting,
                       notes=notes)


STAGE = Stage("walks", "trygghetsvandringar", run,
              uses=(T.AREA_REGISTER, T.AREAS, T.PLACES, T.KOMMUN, T.ESTIMATES),
              writes=(T.OBSERVATIONS, T.WALKS, T.WALK_FOLLOWUP, T.WALK_DECLINED,
                      T.WALKS_VS_SURVEY, T.REJECTED_OBSERVATIONS, T.WALK_TERMS))
