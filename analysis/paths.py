"""Every path the project uses, anchored on the package, never on the working directory.

The project root is the folder above ``analysis/``. Tests and other kommuner can
point elsewhere with ``project_paths(root)`` or the environment variable
``TRYGGHET_ROOT``.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Iterable
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
# A kommun's own vocabulary (walk organisations, categories, spellings), merged over the
# package's neutral defaults; and the templates ``trygghet ny`` writes (never read as data).
VOCABULARY_FILE = "ordlista.yaml"
TEMPLATES_DIR = "mallar"


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
    """True when ``data/raw/`` holds any file of the kommun's own (outside ``demo/`` and the
    templates in ``mallar/``, which are examples, not deliveries)."""
    if not paths.raw.is_dir():
        return False
    for p in paths.raw.rglob("*"):
        if not p.is_file() or p.name == "README.md" or p.name.startswith("."):
            continue
        if p.relative_to(paths.raw).parts[0] in (DEMO_DIR, TEMPLATES_DIR):
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

# Reported crime (issue 12), a sub-folder of a raw source: Brå's exports of anmälda brott and
# SCB's folkmängd (told apart by their columns).
CRIME_DIR = "anmalda_brott"


# --- file names made from data ------------------------------------------------------------------

SLUG_MAX_LEN = 60
_SLUG_KEEP = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")
_SLUG_HASH_LEN = 8


def safe_slug(text: object, max_len: int = SLUG_MAX_LEN) -> str:
    """A file-name part made from a value in the data (an area code, an indicator code).

    Lower-case ASCII letters, digits, ``_`` and ``-`` only: letters with accents lose them
    (å, ä -> a, ö -> o, é -> e), every other character (``/``, ``\\``, ``.``, NUL, spaces,
    control characters) becomes ``_``, so the result can never be a path, ``.`` or ``..``.
    A leading ``-`` becomes ``_`` (it would read as an option on a command line); an empty
    result becomes ``x``. A result longer than ``max_len`` is cut and ends in ``_`` plus 8
    hex digits of the SHA-1 of the original text, so two long names that share a beginning
    still differ. The same text always gives the same slug; two texts can share one (the
    caller makes names unique, see ``unique_slugs``).
    """
    if max_len < _SLUG_HASH_LEN + 2:
        raise ValueError(f"max_len måste vara minst {_SLUG_HASH_LEN + 2}")
    original = str(text)
    folded = unicodedata.normalize("NFKD", original.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    slug = "".join(c if c in _SLUG_KEEP else "_" for c in folded) or "x"
    if slug.startswith("-"):
        slug = "_" + slug[1:]
    if len(slug) > max_len:
        digest = hashlib.sha1(original.encode("utf-8", "surrogatepass")).hexdigest()
        slug = slug[:max_len - _SLUG_HASH_LEN - 1] + "_" + digest[:_SLUG_HASH_LEN]
    return slug


def unique_slugs(values: Iterable[object], max_len: int = SLUG_MAX_LEN) -> dict[str, str]:
    """``{str(value): slug}`` with a different slug for every different value, in order.

    The first value to claim a slug keeps it; a later value whose slug is taken gets
    ``_2``, ``_3``, ... (the first free one). The same values in the same order always
    give the same names, so two functions that name the same files agree.
    """
    out: dict[str, str] = {}
    used: set[str] = set()
    for value in values:
        key = str(value)
        if key in out:
            continue
        base = safe_slug(key, max_len)
        slug, n = base, 1
        while slug in used:
            n += 1
            suffix = f"_{n}"
            slug = base[:max_len - len(suffix)] + suffix
        used.add(slug)
        out[key] = slug
    return out


def inside(base: str | os.PathLike, relative: str | os.PathLike) -> Path:
    """``base / relative`` resolved, or ``ValueError`` unless it lies strictly inside ``base``.

    Refuses absolute paths, ``..`` that climbs out, a symbolic link that points out of
    ``base``, NUL characters and ``base`` itself. Use it for every path that is written
    from a name that is not a constant of the code.
    """
    text = os.fspath(relative)
    if "\0" in text:
        raise ValueError(f"Ogiltigt filnamn (innehåller NUL-tecken): {text!r}")
    root = Path(base).resolve()
    target = (root / text).resolve()
    if target == root or not target.is_relative_to(root):
        raise ValueError(f"Sökvägen {text!r} hamnar utanför mappen {root}; inget skrivs där.")
    return target
