"""The pipeline stage of the safety walks."""

from __future__ import annotations

import pandas as pd

from analysis.paths import GEO_DIR, WALKS_DIR
from analysis.walks.compare import walks_vs_survey
from analysis.walks.followup import declined_table, default_as_of, followup_table
from analysis.walks.load import load_walks, walk_files
from analysis.walks.terms import load_walk_vocabulary

OBSERVATIONS_FILE = "observations.parquet"
WALKS_TABLE_FILE = "walks.parquet"
FOLLOWUP_FILE = "walk_followup.parquet"
DECLINED_FILE = "walk_declined.parquet"
COMPARE_FILE = "walks_vs_survey.parquet"
REJECTED_FILE = "avvisade_observationer.parquet"
OUTSIDE_KEY = f"{WALKS_DIR} (utanför alla områden)"


def _geodata(ctx):
    """(areas, places, kommun outline) from the places stage, else read from ``geodata/``."""
    from analysis import places as pl
    from analysis.paths import AREAS_GEO_STEM, KOMMUN_GEO_FILE, PLACES_GEO_STEM

    areas = ctx.tables.get("areas.parquet")
    places = ctx.tables.get("places.parquet")
    kommun = ctx.tables.get("kommun")
    folder = ctx.source / GEO_DIR
    if areas is None and folder.is_dir():
        path = pl.find_geodata(folder, AREAS_GEO_STEM)
        areas = pl.read_areas(path) if path else None
    if places is None and folder.is_dir():
        path = pl.find_geodata(folder, PLACES_GEO_STEM)
        places = pl.read_places(path) if path else None
    if kommun is None and (folder / KOMMUN_GEO_FILE).is_file():
        outline = pl.kommun_outline(folder / KOMMUN_GEO_FILE,
                                    getattr(ctx.settings, "kommunkod", "1285"))
    else:
        outline = None if kommun is None else kommun.geometry.iloc[0]
    return areas, places, outline


def _as_of(setting: str | None, observations, walks) -> pd.Timestamp:
    """The follow-up date: the setting, else the last date in the observations, else the
    last walk (everything rejected in quarantine), else 1 January 2000 (no walks at all)."""
    if setting:
        return pd.Timestamp(setting)
    if len(observations):
        return default_as_of(observations)
    last = walks["walk_date"].max()
    return pd.Timestamp("2000-01-01") if pd.isna(last) else pd.Timestamp(last)


def walks_stage(ctx):
    """Pipeline stage: ``trygghetsvandringar/`` -> observations, walks, follow-up tables.

    Outputs ``observations.parquet`` (GeoParquet, EPSG:3006, with ``area`` and
    ``place``; the only table with free text), ``walks.parquet``,
    ``walk_followup.parquet``, ``walk_declined.parquet``, ``walks_vs_survey.parquet``
    (when the survey estimates exist) and ``avvisade_observationer.parquet`` (rejected
    rows, no free text). Strict unless ``ctx.quarantine``. Without a
    ``trygghetsvandringar/`` folder the stage writes nothing and says so.
    """
    from analysis.pipeline import StageResult

    folder = ctx.source / WALKS_DIR
    walks_path, protocols = walk_files(folder)
    if walks_path is None and not protocols:
        note = (f"Ingen mapp {WALKS_DIR}/ med vandringar.csv i rådata: inga "
                "trygghetsvandringar att läsa.")
        ctx.progress(f"  Obs: {note}")
        return StageResult(notes=[note])
    s = ctx.settings
    vocabulary = load_walk_vocabulary()
    areas, places, kommun = _geodata(ctx)
    delivery = load_walks(folder, areas=areas, places=places, kommun=kommun,
                          vocabulary=vocabulary,
                          repeat_distance_m=s.walk_repeat_distance_m,
                          repeat_same_category=s.walk_repeat_same_category)
    ctx.stop_on_problems(delivery.problems, "Trygghetsvandringarna")
    for note in delivery.notices:
        ctx.progress(f"  Obs: {note.format()}")
    obs = delivery.observations
    as_of = _as_of(s.walk_as_of, obs, delivery.walks)
    outputs = {
        OBSERVATIONS_FILE: obs,
        WALKS_TABLE_FILE: delivery.walks,
        FOLLOWUP_FILE: followup_table(obs, as_of, target_days=s.walk_target_days,
                                      distance_m=s.walk_repeat_distance_m,
                                      same_category=s.walk_repeat_same_category),
        DECLINED_FILE: declined_table(obs, as_of),
        REJECTED_FILE: delivery.rejected,
    }
    notes = [n.format() for n in delivery.notices]
    estimates = ctx.tables.get("estimates.parquet")
    if estimates is not None:
        outputs[COMPARE_FILE] = walks_vs_survey(obs, estimates, vocabulary.survey_items,
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
    return StageResult(outputs=outputs, inputs=delivery.files, accounting=accounting,
                       notes=notes)
