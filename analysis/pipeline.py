"""The build: raw deliveries -> processed tables and reports, all or nothing, with a manifest.

``build()`` runs the declared stages (``analysis.stages.STAGES``). Before anything runs it
checks the declarations: every table a stage **needs** must be written by an earlier
stage, and no two stages write the same table; a stage that **uses** a table runs after
the stage that writes it. Nothing is written until every stage has succeeded, so a
failed run leaves the previous outputs untouched; then ``analysis.outputs`` stages every
file and swaps the output folders in as a whole (one build at a time, all or nothing).
"""

from __future__ import annotations

import json
import platform
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import pandas as pd

from analysis import __version__
from analysis.codebook import load_codebook
from analysis.compact import parquet_bytes, release_memory, tune_allocator
from analysis.files import list_delivery, sha256_file
from analysis.outputs import Staging, build_lock, check_writable, recover, swap_in
from analysis.paths import (
    AREAS_DIR,
    CRIME_DIR,
    DEMO_DIR,
    GEO_DIR,
    OFFICIAL_DIR,
    PROMISES_DIR,
    SURVEY_DIR,
    TEMPLATES_DIR,
    VOCABULARY_FILE,
    WALKS_DIR,
    ProjectPaths,
    project_paths,
    raw_source,
)
from analysis.problems import DataError, Problem, unread_note
from analysis.settings import SETTINGS_FILE, Settings, read_settings, validate_settings
from analysis.stages import STAGES
from analysis.stages.context import BuildContext, Stage, StageError

DEPENDENCIES = ["numpy", "pandas", "scipy", "pyarrow", "openpyxl", "PyYAML", "matplotlib",
                "geopandas", "shapely", "pyogrio", "pyproj", "statsmodels"]


def plan(stages: Sequence[Stage] = STAGES, selected: Iterable[str] | None = None) -> list[Stage]:
    """The stages to run, in declared order, checked against their declarations.

    ``selected`` keeps only the stages with these keys (and fails if a key is unknown).
    Raises ``DataError`` (Swedish) when a stage needs a table that no earlier stage
    writes, and ``StageError`` when two stages write the same table or a stage uses a
    table that only a later stage writes.
    """
    stages = list(stages)
    if selected is not None:
        wanted = list(selected)
        known = {s.key for s in stages}
        unknown = [k for k in wanted if k not in known]
        if unknown:
            raise DataError([Problem("build", None, "stages", k, "okant_steg",
                                     "okänt steg.", "Kända steg: " + ", ".join(sorted(known)) + ".")
                             for k in unknown], title="Bygget kan inte planeras")
        stages = [s for s in stages if s.key in wanted]
    writer: dict[str, str] = {}
    for s in stages:
        for table in s.writes:
            if table in writer:
                raise StageError(f"både {writer[table]!r} och {s.key!r} skriver {table}")
            writer[table] = s.key
    problems, written = [], set()
    position = {s.key: i for i, s in enumerate(stages)}
    for s in stages:
        for table in s.needs:
            if table not in written:
                later = writer.get(table)
                hint = (f"Steget {later!r} skriver den men kommer senare: flytta det före."
                        if later else "Inget steg i bygget skriver den; ta med steget som "
                        "skriver tabellen, eller lägg till det.")
                problems.append(Problem(s.key, None, None, table, "ouppfyllt_behov",
                                        f"steget \"{s.name}\" behöver tabellen {table}.", hint))
        for table in s.uses:
            if table in writer and position[writer[table]] > position[s.key]:
                raise StageError(f"{s.key!r} använder {table}, som {writer[table]!r} skriver "
                                 "senare")
        written.update(s.writes)
    if problems:
        raise DataError(problems, title="Bygget kan inte köras: ett steg saknar underlag")
    return stages


def _serialise(obj: pd.DataFrame | bytes) -> bytes | memoryview:
    if isinstance(obj, bytes):
        return obj
    return parquet_bytes(obj)


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "trygghetsanalys": __version__}
    for dist in DEPENDENCIES:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "saknas"
    return out


@dataclass
class _Collected:
    """What the stages returned for the manifest (the outputs themselves go straight to
    the staging folder)."""

    inputs: list = field(default_factory=list)
    accounting: dict[str, dict] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _run_stages(planned: list[Stage], ctx: BuildContext, staging: Staging) -> _Collected:
    """Run the stages in order. Each output is handed to the staging folder as soon as its
    stage returns (tables serialised as Parquet, report files as bytes or a stream made
    while written) and written by its writer thread while later stages compute; the
    build keeps only the tables later stages read."""
    out = _Collected()
    for i, stage in enumerate(planned, start=1):
        ctx.progress(f"[{i}/{len(planned)}] {stage.name} ...")
        ctx.stage = stage
        result = stage.run(ctx)
        for key, table in result.outputs.items():
            if key not in stage.writes:
                raise StageError(f"steget {stage.key!r} skriver {key} utan att ha deklarerat det")
            if isinstance(table, pd.DataFrame):
                ctx.tables[key] = table
        for key, table in sorted(result.outputs.items()):
            staging.write("processed", key, lambda t=table: _serialise(t))
        staging.write_stream("reports", result.reports.items())
        for stream in result.streams:
            staging.write_stream("reports", stream)
        result.outputs, result.reports, result.streams = {}, {}, []
        release_memory()
        out.inputs.extend(result.inputs)
        out.accounting.update(result.accounting)
        out.notes.extend(result.notes)
    ctx.stage = None
    return out


# Folders and files of a raw source that the build reads (anything else is named as not read);
# the templates of ``trygghet ny`` (``mallar/``) are known and never read.
KNOWN_RAW = frozenset({SURVEY_DIR, AREAS_DIR, OFFICIAL_DIR, GEO_DIR, WALKS_DIR, PROMISES_DIR,
                       CRIME_DIR, SETTINGS_FILE, VOCABULARY_FILE, TEMPLATES_DIR})


def unread_in_source(paths: ProjectPaths, source: Path) -> list[str]:
    """Notes for what lies in the raw source's top folder but is not read (a misspelt folder
    name, a file dropped in the wrong place). The demo folder is not named."""
    listing = list_delivery(source, lambda p: False)
    shown = source.relative_to(paths.root) if source.is_relative_to(paths.root) else source
    return [f"Läses inte: {shown}/{p.name} (okänd mapp; mapparnas namn står i "
            "data/raw/README.md)" if p.is_dir() else
            unread_note(str(shown), p, "okänd fil; se data/raw/README.md")
            for p in listing.ignored
            if p.name not in KNOWN_RAW and not (source == paths.raw and p.name == DEMO_DIR)]


def _check_settings(settings: Settings) -> None:
    validate_settings(settings, SETTINGS_FILE)
    codebook = load_codebook()
    if settings.scoring not in codebook.scorings:
        raise DataError([Problem(SETTINGS_FILE, None, "scoring", settings.scoring, "fel_typ",
                                 "okänd poängsättning.",
                                 "Tillåtna värden: " + ", ".join(codebook.scorings) + ".")],
                        title="Inställningarna kan inte användas")


def build(root=None, *, demo: bool | None = None, quarantine: bool = False,
          settings: Settings | None = None, dry_run: bool = False, year: int | None = None,
          stages: Iterable[str] | None = None, stage_list: Sequence[Stage] = STAGES,
          progress: Callable[[str], None] = print) -> dict:
    """Build every processed table and report; return the manifest.

    Parameters
    ----------
    root : project root (default: this clone).
    demo : True = the bundled demo set, False = the kommun's files in ``data/raw/``,
        None = the kommun's files if there are any, else the demo set.
    quarantine : put rows with problems aside (written to the rejected-row tables) and go
        on; without it any problem stops the build and nothing is written.
    dry_run : check every delivery and compute everything, but write nothing.
    year : the year of the lägesbild (figures and HTML); None = the latest survey year.
    stages : keys of the stages to run (default: all); their needs must be met within.
    stage_list : the declared stages (tests pass their own).

    Writing is all or nothing (``analysis.outputs``): one build at a time, the outputs of
    this build replace ``data/processed/`` and ``reports/`` as a whole, so nothing from an
    earlier build survives, and a killed build leaves the previous outputs complete.
    """
    paths = project_paths(root)
    source = raw_source(paths, demo)
    settings_file = source / SETTINGS_FILE
    if settings is None:
        settings = read_settings(settings_file) if settings_file.is_file() else Settings()
    _check_settings(settings)
    planned = plan(stage_list, stages)
    if dry_run:  # a check of the deliveries: the stages that only present results are skipped
        planned = [s for s in planned if not s.presents]
        return _build(paths, source, settings, planned, quarantine, year, progress, dry_run)
    check_writable(paths)
    tune_allocator()
    with build_lock(paths, progress):
        for note in recover(paths):
            progress(f"Obs: {note}")
        return _build(paths, source, settings, planned, quarantine, year, progress, dry_run)


def _build(paths: ProjectPaths, source: Path, settings: Settings, planned: list[Stage],
           quarantine: bool, year: int | None, progress, dry_run: bool) -> dict:
    shown = source.relative_to(paths.root) if source.is_relative_to(paths.root) else source
    progress(f"Läser rådata från {shown}"
             + (" (syntetiska demodata)" if source == paths.demo_raw else ""))
    unread = unread_in_source(paths, source)
    for note in unread:
        progress(f"Obs: {note}")
    ctx = BuildContext(paths, source, settings, quarantine, progress,
                       year=None if year is None else int(year))
    staging = Staging(paths, dry_run=dry_run)
    try:
        got = _run_stages(planned, ctx, staging)
        digests = staging.digests()
        # the settings and the kommun's own vocabulary shape the outputs whatever is delivered
        inputs = [source / name for name in (SETTINGS_FILE, VOCABULARY_FILE)
                  if (source / name).is_file()] + got.inputs
        manifest = {
            "paket": "trygghetsanalys",
            "version": _versions(),
            "kalla": "demo" if source == paths.demo_raw else "kommunens filer",
            "ar": ctx.year,
            "steg": [s.key for s in planned],
            "parametrar": settings.as_dict() | {"karantan": quarantine},
            "indata": {str(p.relative_to(source)) if p.is_relative_to(source) else p.name:
                       sha256_file(p) for p in sorted(set(inputs))},
            "utdata": dict(sorted(digests["processed"].items())),
            "rapporter": dict(sorted(digests["reports"].items())),
            "radredovisning": got.accounting,
            "anteckningar": unread + got.notes,
        }
        if dry_run:
            progress(f"Kontroll klar: inga fel; {len(digests['processed'])} tabeller skulle skrivas "
                     "(inget skrevs).")
            return manifest
        text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        folder = staging.finish(text.encode("utf-8"))
    except BaseException:
        staging.discard()
        raise
    swap_in(paths, folder)
    progress(f"Klart: {len(digests['processed'])} tabeller i {paths.processed}")
    return manifest
