"""Stage: ``geodata/`` -> ``areas.parquet``, ``places.parquet`` and ``kommun.parquet``
(GeoParquet, EPSG:3006).

Reads ``omraden.gpkg`` (or .geojson/.shp) and ``platser.geojson`` (or .gpkg/.shp) and, if
present, ``kommun.geojson``. The areas must match the area register; areas that lie wholly
outside the kommun are an error (a sign of a wrong CRS). Geometry problems always stop the
build (quarantine does not apply: a dropped polygon would silently move observations to
another area). Without a ``geodata`` folder the stage writes nothing and says so. A symbolic
link in the folder (a file or a Shapefile sidecar) stops the build; every other file that is
not read is named in a note.
"""

from __future__ import annotations

import geopandas as gpd

from analysis import tables as T
from analysis.paths import AREAS_GEO_STEM, GEO_DIR, KOMMUN_GEO_FILE, PLACES_GEO_STEM
from analysis.places import (
    ANALYSIS_CRS,
    check_areas_in_kommun,
    find_geodata,
    geodata_files,
    kommun_outline,
    read_areas,
    read_places,
    unread_geodata,
    validate_areas_against_register,
)
from analysis.problems import MISSING_FILE, DataError, Problem, row_accounting, unread_note
from analysis.stages.context import BuildContext, Stage, StageResult

UNREAD_WHY = (f"bara {AREAS_GEO_STEM}.*, {PLACES_GEO_STEM}.* (.gpkg, .geojson eller .shp) och "
              f"{KOMMUN_GEO_FILE} läses")


def run(ctx: BuildContext) -> StageResult:
    folder = ctx.source / GEO_DIR
    # Listing refuses links first (a linked or dangling geodata/ folder too).
    areas_path = find_geodata(folder, AREAS_GEO_STEM)
    places_path = find_geodata(folder, PLACES_GEO_STEM)
    if not folder.is_dir():
        note = (f"Ingen mapp {GEO_DIR}/ i rådata: områdespolygoner och platser saknas, "
                "så areas.parquet och places.parquet skrivs inte.")
        ctx.progress(f"  Obs: {note}")
        return StageResult(notes=[note])
    kommun_path = folder / KOMMUN_GEO_FILE
    read = [f for p in (areas_path, places_path) if p is not None for f in geodata_files(p)]
    read.append(kommun_path)
    unread = [unread_note(GEO_DIR, p, UNREAD_WHY) for p in unread_geodata(folder, read)]
    for note in unread:
        ctx.progress(f"  Obs: {note}")
    missing = [f"{GEO_DIR}/{stem}.gpkg (eller .geojson/.shp)"
               for stem, p in [(AREAS_GEO_STEM, areas_path), (PLACES_GEO_STEM, places_path)]
               if p is None]
    if missing:
        raise DataError([Problem(m, None, None, None, MISSING_FILE, "filen saknas.",
                                 "Lägg den i rådatamappen eller ta bort mappen geodata.")
                         for m in missing], title="Geodata saknas")
    areas = read_areas(areas_path)
    validate_areas_against_register(areas, ctx.need(T.AREA_REGISTER), file=areas_path.name)
    inputs = geodata_files(areas_path)
    outputs = {T.AREAS: areas}
    if kommun_path.is_file():
        kommunkod = ctx.settings.kommunkod
        outline = kommun_outline(kommun_path, kommunkod)
        check_areas_in_kommun(areas, outline, areas_path.name)
        outputs[T.KOMMUN] = gpd.GeoDataFrame({"kommunkod": [kommunkod]}, geometry=[outline],
                                             crs=ANALYSIS_CRS)
        inputs.append(kommun_path)
    places = read_places(places_path)
    outputs[T.PLACES] = places
    inputs.extend(geodata_files(places_path))
    # Geometry problems raise, so every feature read is accepted.
    accounting = {f"{GEO_DIR}/{p.name}": row_accounting(len(t), [], p.name)
                  for p, t in [(areas_path, areas), (places_path, places)]}
    ctx.progress(f"  {len(areas)} områdesversioner och {len(places)} platser lästa")
    return StageResult(outputs=outputs, inputs=inputs, accounting=accounting, notes=unread)


STAGE = Stage("places", "områdespolygoner och platser", run, needs=(T.AREA_REGISTER,),
              writes=(T.AREAS, T.PLACES, T.KOMMUN))
