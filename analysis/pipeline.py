"""The build: raw deliveries -> processed tables and reports, written atomically, with a manifest.

``build()`` runs the declared stages (``analysis.stages.STAGES``). Before anything runs it
checks the declarations: every table a stage **needs** must be written by an earlier
stage, and no two stages write the same table; a stage that **uses** a table runs after
the stage that writes it. Nothing is written until every stage has succeeded, so a
failed run leaves the previous outputs untouched. Each file is then written atomically
(temporary file + rename) and the manifest last.
"""

from __future__ import annotations

import hashlib
import io
import json
import platform
from collections.abc import Callable, Iterable, Sequence
from importlib import metadata

import pandas as pd

from analysis import __version__
from analysis.files import sha256_file, write_bytes
from analysis.paths import project_paths, raw_source
from analysis.problems import DataError, Problem
from analysis.processed import MANIFEST_FILE as MANIFEST
from analysis.settings import SETTINGS_FILE, Settings, read_settings
from analysis.stages import STAGES
from analysis.stages.context import BuildContext, Stage, StageError

DEPENDENCIES = ["numpy", "pandas", "scipy", "pyarrow", "openpyxl", "PyYAML", "matplotlib",
                "geopandas", "shapely", "pyogrio", "pyproj"]


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


def _serialise(obj: pd.DataFrame | bytes) -> bytes:
    if isinstance(obj, bytes):
        return obj
    buf = io.BytesIO()
    obj.to_parquet(buf, index=False, compression="zstd")
    return buf.getvalue()


def _sha256_bytes(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "trygghetsanalys": __version__}
    for dist in DEPENDENCIES:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "saknas"
    return out


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
    """
    paths = project_paths(root)
    source = raw_source(paths, demo)
    settings_file = source / SETTINGS_FILE
    if settings is None:
        settings = read_settings(settings_file) if settings_file.is_file() else Settings()
    planned = plan(stage_list, stages)
    shown = source.relative_to(paths.root) if source.is_relative_to(paths.root) else source
    progress(f"Läser rådata från {shown}"
             + (" (syntetiska demodata)" if source == paths.demo_raw else ""))
    ctx = BuildContext(paths, source, settings, quarantine, progress,
                       year=None if year is None else int(year))
    outputs: dict[str, pd.DataFrame | bytes] = {}
    inputs = [settings_file] if settings_file.is_file() else []
    accounting: dict[str, dict] = {}
    notes: list[str] = []
    reports: dict[str, bytes] = {}
    for i, stage in enumerate(planned, start=1):
        progress(f"[{i}/{len(planned)}] {stage.name} ...")
        ctx.stage = stage
        result = stage.run(ctx)
        for key, table in result.outputs.items():
            if key not in stage.writes:
                raise StageError(f"steget {stage.key!r} skriver {key} utan att ha deklarerat det")
            outputs[key] = table
            if isinstance(table, pd.DataFrame):
                ctx.tables[key] = table
        for key, blob in result.reports.items():
            if key in reports:
                raise StageError(f"två steg skriver reports/{key}")
            reports[key] = blob
        inputs.extend(result.inputs)
        accounting.update(result.accounting)
        notes.extend(result.notes)
    ctx.stage = None
    # Everything computed: serialise, then write each file atomically, the manifest last.
    blobs = {key: _serialise(obj) for key, obj in sorted(outputs.items())}
    manifest = {
        "paket": "trygghetsanalys",
        "version": _versions(),
        "kalla": "demo" if source == paths.demo_raw else "kommunens filer",
        "ar": ctx.year,
        "steg": [s.key for s in planned],
        "parametrar": settings.as_dict() | {"karantan": quarantine},
        "indata": {str(p.relative_to(source)) if p.is_relative_to(source) else p.name:
                   sha256_file(p) for p in sorted(set(inputs))},
        "utdata": {key: _sha256_bytes(blob) for key, blob in blobs.items()},
        "rapporter": {key: _sha256_bytes(blob) for key, blob in sorted(reports.items())},
        "radredovisning": accounting,
        "anteckningar": notes,
    }
    if dry_run:
        progress(f"Kontroll klar: inga fel; {len(blobs)} tabeller skulle skrivas (inget skrevs).")
        return manifest
    for key, blob in blobs.items():
        write_bytes(paths.processed / key, blob)
    for key, blob in sorted(reports.items()):
        write_bytes(paths.reports / key, blob)
    write_bytes(paths.processed / MANIFEST,
                (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    progress(f"Klart: {len(blobs)} tabeller i {paths.processed}")
    return manifest
