"""Every path the project uses, anchored on the package, never on the working directory.

The project root is the folder above ``analysis/``. Tests and other kommuner can
point elsewhere with ``project_paths(root)`` or the environment variable
``TRYGGHET_ROOT``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_ROOT = PACKAGE_DIR.parent
RESOURCES_DIR = PACKAGE_DIR / "resources"

# Sub-folders of a raw source (the kommun's own ``data/raw/`` or the demo set).
SURVEY_DIR = "trygghetsmatning"
AREAS_DIR = "omraden"
AREA_REGISTER_FILE = "omradesindelning.csv"
COLUMN_MAPPING_FILE = "kolumnmappning.csv"
DEMO_DIR = "demo"


@dataclass(frozen=True)
class ProjectPaths:
    """The folders of one project (a clone of this repository, or a test project)."""

    root: Path

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def demo_raw(self) -> Path:
        return self.raw / DEMO_DIR

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def reports(self) -> Path:
        return self.root / "reports"


def project_paths(root: str | os.PathLike | None = None) -> ProjectPaths:
    """Return the project's paths; ``root`` > ``$TRYGGHET_ROOT`` > the package's parent."""
    if root is None:
        root = os.environ.get("TRYGGHET_ROOT") or DEFAULT_ROOT
    return ProjectPaths(Path(root).resolve())


def has_own_raw_files(paths: ProjectPaths) -> bool:
    """True when ``data/raw/`` holds any file of the kommun's own (outside ``demo/``)."""
    if not paths.raw.is_dir():
        return False
    for p in paths.raw.rglob("*"):
        if not p.is_file() or p.name == "README.md" or p.name.startswith("."):
            continue
        if DEMO_DIR in p.relative_to(paths.raw).parts[:1]:
            continue
        return True
    return False


def raw_source(paths: ProjectPaths, demo: bool | None = None) -> Path:
    """The folder the build reads: the kommun's own files if there are any, else the demo set.

    ``demo=True`` forces the demo set, ``demo=False`` forces the kommun's files.
    """
    if demo is None:
        demo = not has_own_raw_files(paths)
    return paths.demo_raw if demo else paths.raw


# The police's published 0–6 index tables (issue 4), a sub-folder of a raw source.
OFFICIAL_DIR = "polisens_index"

# Geometries (issue 3), a sub-folder of a raw source: area polygons, named places and
# the kommun outline. Areas and places may be .gpkg, .geojson or .shp.
GEO_DIR = "geodata"
AREAS_GEO_STEM = "omraden"
PLACES_GEO_STEM = "platser"
KOMMUN_GEO_FILE = "kommun.geojson"

# Safety walks (issue 3), a sub-folder of a raw source: vandringar.csv + one protocol per walk.
WALKS_DIR = "trygghetsvandringar"

# Citizen promises (medborgarlöften), a sub-folder of a raw source: one registry per year
# (medborgarloften_2022.yaml ...) and the activity log.
PROMISES_DIR = "medborgarloften"
ACTIVITY_LOG_STEM = "aktivitetslogg"
