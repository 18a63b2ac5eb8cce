"""Read the processed tables (``data/processed/``) for notebooks and reports.

Notebooks never read ``data/raw/``: they load what the build wrote, through
``load_processed``. Free-text columns of the walk observations (descriptions,
proposed actions, reasons for decisions) may name people or addresses; they stay in
``data/processed/`` and are dropped here unless a caller asks for them explicitly.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd

from analysis.paths import project_paths
from analysis.tables import GEO_TABLES

MANIFEST_FILE = "manifest.json"
DEMO_SOURCE = "demo"  # manifest "kalla" when the build read the synthetic demo set

# Columns a person wrote in a walk protocol; never shown in notebooks, figures or exports.
FREE_TEXT_COLUMNS = ("description", "proposed_action", "decision_reason")



def processed_dir(root: str | os.PathLike | None = None) -> Path:
    """``data/processed/`` of the project at ``root`` (default: this clone)."""
    return project_paths(root).processed


def read_manifest(root: str | os.PathLike | None = None) -> dict:
    """The build's manifest (sources, parameters, hashes); Swedish error when there is none."""
    path = processed_dir(root) / MANIFEST_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"Hittar inte {path}. Kör `trygghet build` (eller `make lagesbild`) först, "
            "så att de bearbetade tabellerna finns.")
    return json.loads(path.read_text(encoding="utf-8"))


def is_demo(manifest: dict) -> bool:
    """True when the build read the synthetic demo data (manifest ``kalla`` == "demo")."""
    return manifest.get("kalla") == DEMO_SOURCE


def read_processed_table(path: str | os.PathLike, *, free_text: bool = False) -> pd.DataFrame:
    """Read one processed Parquet table; GeoParquet tables as GeoDataFrames.

    Free-text columns (``FREE_TEXT_COLUMNS``) are dropped unless ``free_text=True``.
    """
    path = Path(path)
    if path.name in GEO_TABLES:
        frame = gpd.read_parquet(path)
    else:
        frame = pd.read_parquet(path)
    if not free_text:
        frame = frame.drop(columns=[c for c in FREE_TEXT_COLUMNS if c in frame.columns])
    return frame


def load_processed(root: str | os.PathLike | None = None, *, free_text: bool = False
                   ) -> dict[str, pd.DataFrame]:
    """Every table in ``data/processed/``, keyed by file name (``"estimates.parquet"`` ...).

    The same keys as the build's stage outputs. Raises ``FileNotFoundError`` (Swedish
    message) when the build has not run. Free-text columns are dropped by default.
    """
    folder = processed_dir(root)
    read_manifest(root)  # fails clearly when nothing was built
    return {p.name: read_processed_table(p, free_text=free_text)
            for p in sorted(folder.glob("*.parquet"))}


def latest_year(estimates: pd.DataFrame) -> int:
    """The latest survey year in the estimate table."""
    if estimates.empty:
        raise ValueError("Skattningstabellen är tom: det finns inget undersökningsår.")
    return int(estimates["year"].max())


def choose_year(estimates: pd.DataFrame, year: int | None) -> int:
    """``year`` if the survey has it, the latest year when ``year`` is None; else a Swedish error."""
    if year is None:
        return latest_year(estimates)
    years = sorted(int(y) for y in estimates["year"].unique())
    if int(year) not in years:
        raise ValueError(f"Året {year} finns inte i skattningarna; tillgängliga år: "
                         + ", ".join(map(str, years)) + ".")
    return int(year)


def previous_year(frame: pd.DataFrame, year: int) -> int | None:
    """The latest year before ``year`` in ``frame["year"]``, or None."""
    earlier = [int(y) for y in frame["year"].dropna().unique() if int(y) < int(year)]
    return max(earlier) if earlier else None


# --- the "Underlag" line of every output ---------------------------------------------------------

# Folders of a raw delivery, as readers name them (the first part of a manifest "indata" key).
INPUT_KINDS = {
    "trygghetsmatning": "trygghetsmätning",
    "omraden": "områdesindelning",
    "geodata": "kartor",
    "trygghetsvandringar": "trygghetsvandringar",
    "polisens_index": "polisens index",
    "medborgarloften": "medborgarlöften",
    "anmalda_brott": "anmälda brott och folkmängd",
    "installningar.yaml": "inställningar",
    "ordlista.yaml": "ordlista",
}


def underlag_line(manifest: dict) -> str:
    """The "Underlag" line every output shows, from the build's manifest.

    ``kalla`` says whether the build read the synthetic demo set or the kommun's own
    files, ``ar`` the year of the lägesbild (None = the latest survey year) and ``indata``
    the input files (``folder/file`` -> hash), counted per kind of delivery:
    ``"Underlag: syntetiska demodata (inte verkliga svar), lägesbild för 2024. Indata:
    trygghetsmätning (6 filer), områdesindelning (1 fil)."`` Paths and hashes are not shown.
    """
    source = ("syntetiska demodata (inte verkliga svar)" if is_demo(manifest)
              else "kommunens egna filer")
    year = manifest.get("ar")
    text = f"Underlag: {source}" + (f", lägesbild för {year}" if year is not None else "")
    counts: dict[str, int] = {}
    for key in manifest.get("indata") or {}:
        first = str(key).replace("\\", "/").split("/")[0]
        kind = INPUT_KINDS.get(first, "övrigt")
        counts[kind] = counts.get(kind, 0) + 1
    if counts:
        order = list(dict.fromkeys([*INPUT_KINDS.values(), "övrigt"]))
        parts = [f"{k} ({n} {'fil' if n == 1 else 'filer'})"
                 for k in order for kk, n in counts.items() if kk == k]
        text += ". Indata: " + ", ".join(parts)
    return text + "."
