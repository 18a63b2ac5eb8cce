"""The bundled synthetic demo data set (Eslöv-like, clearly labelled synthetic).

``write_demo(root)`` writes every demo delivery into ``data/raw/demo/`` of the
project; the output is reproducible byte for byte (fixed seeds, no timestamps).
Each part of the demo is a module with a ``write(raw_dir)`` function returning
the paths it wrote.
"""

from __future__ import annotations

from pathlib import Path

from analysis.demo import areas, crime, geo, kommun, official, promises, survey, walks
from analysis.demo.notice import DEMO_NOTICE
from analysis.paths import project_paths

__all__ = ["DEMO_NOTICE", "write_demo"]


def _parts():
    return [kommun, areas, survey, official, geo, walks, crime, promises]


def write_demo(root=None, progress=print) -> list[Path]:
    """Write the whole demo set into ``data/raw/demo/``; return the files written."""
    paths = project_paths(root)
    written: list[Path] = []
    for part in _parts():
        progress(f"Skriver demodata: {part.__name__.rsplit('.', 1)[-1]}")
        written.extend(part.write(paths.demo_raw))
    return written
