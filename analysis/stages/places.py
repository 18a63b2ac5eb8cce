"""Stage: ``geodata/`` -> ``areas.parquet``, ``places.parquet`` and ``kommun.parquet``
(GeoParquet, EPSG:3006).

Reads ``omraden.gpkg`` (or .geojson/.shp), ``platser.geojson`` (or .gpkg/.shp) and
``kommun.geojson``, each when present: every one of them is optional, and a missing one is
named once in a note (walks then use the protocols' area codes, place names as written).
The areas must match the area register; areas that lie wholly outside the kommun are an
error (a sign of a wrong CRS). Geometry problems always stop the build (quarantine does not
apply: a dropped polygon would silently move observations to another area). Without a
``geodata`` folder the stage writes nothing and says so. A symbolic link in the folder (a
file or a Shapefile sidecar) stops the build; every other file that is not read is named in
a note.
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
from analysis.problems import row_accounting, unread_note
from analysis.stages.context import BuildContext, Stage, StageResult

# What a missing optional file means (named once per build).
MISSING_NOTES = {
    AREAS_GEO_STEM: (f"{GEO_DIR}/{AREAS_GEO_STEM}.gpkg (eller .geojson/.shp) saknas: inga kartor "
                     "över områdena, och vandringarnas observationer får sitt område från "
                     "områdeskoden i protokollet (punkter utan kod får inget område)."),
    PLACES_GEO_STEM: (f"{GEO_DIR}/{PLACES_GEO_STEM}.geojson (eller .gpkg/.shp) saknas: platsnamn "
                      "i protokollen används som de står, utan läge."),
}
UNREAD_WHY = (f"bara {AREAS_GEO_STEM}.*, {PLACES_GEO_STEM}.* (.gpkg, .geojson eller .shp) och "
              f"{KOMMUN_GEO_FILE} läses")


def run(ctx: BuildContext) -> StageResult:
    folder = ctx.source / GEO_DIR
    # Listing refuses links first (a linked or dangling geodata/ folder too).
    areas_path = find_geodata(folder, AREAS_GEO_STEM)
    places_path = find_geodata(folder, PLACES_GEO_STEM)
    if not folder.is_dir():
        note = (f"Ingen mapp {GEO_DIR}/ i rådata: områdespolygoner och platser saknas, "
                "så areas.parquet och places.parquet skrivs inte (vandringarnas observationer "
                "får sitt område från områdeskoden i protokollet).")
        ctx.progress(f"  Obs: {note}")
        return StageResult(notes=[note])
    kommun_path = folder / KOMMUN_GEO_FILE
    read = [f for p in (areas_path, places_path) if p is not None for f in geodata_files(p)]
    read.append(kommun_path)
    unread = [unread_note(GEO_DIR, p, UNREAD_WHY) for p in unread_geodata(folder, read)]
    for note in unread:
        ctx.progress(f"  Obs: {note}")
    notes = [*unread, *(MISSING_NOTES[stem] for stem, p in
                        [(AREAS_GEO_STEM, areas_path), (PLACES_GEO_STEM, places_path)]
                        if p is None)]
    for note in notes[len(unread):]:
        ctx.progress(f"  Obs: {note}")
    outputs, inputs, read_tables = {}, [], []
    areas = None
    if areas_path is not None:
        areas = read_areas(areas_path)
        validate_areas_against_register(areas, ctx.need(T.AREA_REGISTER), file=areas_path.name)
        inputs += geodata_files(areas_path)
        outputs[T.AREAS] = areas
        read_tables.append((areas_path, areas))
    if kommun_path.is_file():
        outline = kommun_outline(kommun_path, ctx.settings.kommunkod)
        if areas is not None:
            check_areas_in_kommun(areas, outline, areas_path.name)
        outputs[T.KOMMUN] = gpd.GeoDataFrame({"kommunkod": [ctx.settings.kommunkod]},
                                             geometry=[outline], crs=ANALYSIS_CRS)
        inputs.append(kommun_path)
    if places_path is not None:
        places = read_places(places_path)
        outputs[T.PLACES] = places
        inputs.extend(geodata_files(places_path))
        read_tables.append((places_path, places))
    # Geometry problems raise, so every feature read is accepted.
    accounting = {f"{GEO_DIR}/{p.name}": row_accounting(len(t), [], p.name)
                  for p, t in read_tables}
    read = [f"{len(outputs[k])} {v}" for k, v in
            [(T.AREAS, "områdesversioner"), (T.PLACES, "platser")] if k in outputs]
    read += ["kommungränsen"] if T.KOMMUN in outputs else []
    ctx.progress("  Lästa: " + (", ".join(read[:-1]) + " och " + read[-1] if len(read) > 1
                               else read[0] if read else "inga geodata"))
    return StageResult(outputs=outputs, inputs=inputs, accounting=accounting, notes=notes)


STAGE = Stage("places", "områdespolygoner och platser", run, needs=(T.AREA_REGISTER,),
              writes=(T.AREAS, T.PLACES, T.KOMMUN))
