"""The build: raw deliveries -> processed tables, written atomically, with a manifest.

``build()`` runs every stage in order. A stage is a plain function
``stage(ctx) -> StageResult`` that reads what it needs from the raw source (or
earlier stages' tables in ``ctx.tables``) and returns its output tables; nothing
is written until every stage has succeeded, so a failed run leaves the previous
outputs untouched. Each file is then written atomically (temporary file +
rename) and the manifest last.
"""

from __future__ import annotations

import io
import json
import platform
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import pandas as pd

from analysis import __version__
from analysis.files import sha256_file, write_bytes
from analysis.paths import ProjectPaths, project_paths, raw_source
from analysis.settings import SETTINGS_FILE, Settings, read_settings

MANIFEST = "manifest.json"
DEPENDENCIES = ["numpy", "pandas", "scipy", "pyarrow", "openpyxl", "PyYAML", "matplotlib",
                "geopandas", "shapely", "pyogrio", "pyproj"]


@dataclass
class BuildContext:
    """What a stage may use: paths, the raw source folder, settings and earlier tables."""

    paths: ProjectPaths
    source: Path
    settings: Settings
    quarantine: bool = False
    progress: Callable[[str], None] = print
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def stop_on_problems(self, problems: list, what: str) -> None:
        """Raise a ``DataError`` with every problem unless the build quarantines bad rows.

        ``what`` names the delivery in Swedish ("Trygghetsmätningen"); the message says
        that nothing was written and how to go on.
        """
        if problems and not self.quarantine:
            from analysis.problems import DataError

            raise DataError(problems, title=f"{what} har fel – inget har skrivits. Rätta "
                                            "filerna, eller kör med --karantan för att lägga "
                                            "undan raderna")


@dataclass
class StageResult:
    """A stage's outputs (path relative to ``data/processed/`` -> table or bytes),
    the raw files it read, and its row accounting (``{name: {"in": n, "ut": n, ...}}``)."""

    outputs: dict[str, pd.DataFrame | bytes] = field(default_factory=dict)
    inputs: list[Path] = field(default_factory=list)
    accounting: dict[str, dict] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    reports: dict[str, bytes] = field(default_factory=dict)  # relative to ``reports/``


def _stages() -> list[tuple[str, Callable[[BuildContext], StageResult]]]:
    # Imported here so that importing the pipeline does not import every domain.
    from analysis.exports import exports_stage
    from analysis.indices import indices_stage
    from analysis.official import official_stage
    from analysis.places import places_stage
    from analysis.promises import promises_stage
    from analysis.report import report_stage
    from analysis.survey import survey_stage
    from analysis.walks import walks_stage

    return [
        ("trygghetsmätning", survey_stage),
        ("index och förändringar", indices_stage),
        ("polisens index", official_stage),
        ("områdespolygoner och platser", places_stage),
        ("trygghetsvandringar", walks_stage),
        ("medborgarlöften", promises_stage),
        ("CSV för Örat mot marken", exports_stage),
        ("lägesbild och figurer", report_stage),
    ]


def _serialise(obj: pd.DataFrame | bytes) -> bytes:
    if isinstance(obj, bytes):
        return obj
    buf = io.BytesIO()
    obj.to_parquet(buf, index=False, compression="zstd")
    return buf.getvalue()


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "trygghetsanalys": __version__}
    for dist in DEPENDENCIES:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "saknas"
    return out


def build(root=None, *, demo: bool | None = None, quarantine: bool = False,
          settings: Settings | None = None, dry_run: bool = False,
          progress: Callable[[str], None] = print) -> dict:
    """Build every processed table; return the manifest.

    Parameters
    ----------
    root : project root (default: this clone).
    demo : True = the bundled demo set, False = the kommun's files in ``data/raw/``,
        None = the kommun's files if there are any, else the demo set.
    quarantine : put rows with problems aside (written to ``avvisade_rader.parquet``)
        and go on; without it any problem stops the build and nothing is written.
    dry_run : check every delivery and compute everything, but write nothing (the
        manifest is returned, so its row accounting can be shown).
    """
    paths = project_paths(root)
    source = raw_source(paths, demo)
    settings_file = source / SETTINGS_FILE
    if settings is None:
        settings = read_settings(settings_file) if settings_file.is_file() else Settings()
    shown = source.relative_to(paths.root) if source.is_relative_to(paths.root) else source
    progress(f"Läser rådata från {shown}"
             + (" (syntetiska demodata)" if source == paths.demo_raw else ""))
    ctx = BuildContext(paths, source, settings, quarantine, progress)
    outputs: dict[str, pd.DataFrame | bytes] = {}
    inputs: list[Path] = []
    accounting: dict[str, dict] = {}
    notes: list[str] = []
    reports: dict[str, bytes] = {}
    if settings_file.is_file():
        inputs.append(settings_file)
    stages = _stages()
    for i, (name, stage) in enumerate(stages, start=1):
        progress(f"[{i}/{len(stages)}] {name} ...")
        result = stage(ctx)
        for key, table in result.outputs.items():
            if key in outputs:
                raise RuntimeError(f"two stages write {key}")
            outputs[key] = table
            if isinstance(table, pd.DataFrame):
                ctx.tables[key] = table
        for key, blob in result.reports.items():
            if key in reports:
                raise RuntimeError(f"two stages write reports/{key}")
            reports[key] = blob
        inputs.extend(result.inputs)
        accounting.update(result.accounting)
        notes.extend(result.notes)
    # Everything computed: serialise, then write each file atomically, the manifest last.
    blobs = {key: _serialise(obj) for key, obj in sorted(outputs.items())}
    manifest = {
        "paket": "trygghetsanalys",
        "version": _versions(),
        "kalla": "demo" if source == paths.demo_raw else "kommunens filer",
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


def _sha256_bytes(blob: bytes) -> str:
    import hashlib

    return hashlib.sha256(blob).hexdigest()
