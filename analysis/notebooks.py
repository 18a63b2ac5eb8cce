"""Execute the analysts' notebooks (``notebooks/*.ipynb``) into ``reports/notebooks/``.

Each notebook runs with papermill in the ``python3`` kernel (the ipykernel of the Python
that runs this code), with the project root as working directory and the parameters
``year`` and ``root``. The executed copy is written to a temporary file in the same folder
and renamed into place, so a failed run never leaves a half-written notebook; an HTML copy
with the code cells hidden is written beside it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from analysis.paths import DEFAULT_ROOT, project_paths
from analysis.processed import read_manifest
from analysis.tables import CHANGES, ESTIMATES, OBSERVATIONS, OFFICIAL, WALK_FOLLOWUP

NOTEBOOK_DIR = "notebooks"
OUTPUT_DIR = "notebooks"  # under reports/
KERNEL = "python3"


# Tables each notebook needs; a notebook whose tables the build did not write (no walks,
# no police index delivered) is skipped with a message instead of failing.
REQUIRED_TABLES = {
    "01_lagesbild.ipynb": [ESTIMATES, CHANGES],
    "02_trygghetsvandringar.ipynb": [ESTIMATES, WALK_FOLLOWUP, OBSERVATIONS],
    "03_polisens_index.ipynb": [ESTIMATES, OFFICIAL],
}


def _has_rows(path: Path) -> bool:
    if not path.is_file():
        return False
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows > 0


def notebook_files(root: str | os.PathLike | None = None) -> list[Path]:
    """The notebooks to run: ``<root>/notebooks/*.ipynb``, else the ones shipped with the package."""
    own = project_paths(root).root / NOTEBOOK_DIR
    folder = own if any(own.glob("*.ipynb")) else DEFAULT_ROOT / NOTEBOOK_DIR
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))


def _html(notebook_path: Path) -> bytes:
    """The executed notebook as HTML with the code cells hidden (inputs excluded)."""
    import nbformat
    from nbconvert import HTMLExporter

    # no MathJax/require.js from a CDN: the page must open offline
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, mathjax_url="", require_js_url="")
    body, _ = exporter.from_notebook_node(nbformat.read(notebook_path, as_version=4))
    return body.encode("utf-8")


def _replace_atomic(data: bytes, target: Path) -> None:
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def run_notebooks(root: str | os.PathLike | None = None, year: int | None = None,
                  progress: Callable[[str], None] | None = print, *, html: bool = True
                  ) -> list[Path]:
    """Execute every notebook for ``year``; return the output paths.

    ``year`` None = the year the last build was made for (``ar`` in the manifest), else
    the latest survey year (the notebooks choose it).

    Raises ``RuntimeError`` (Swedish message naming the notebook) when a cell fails;
    notebooks already finished stay, the failing one is not written.
    """
    import papermill

    paths = project_paths(root)
    out_dir = paths.reports / OUTPUT_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    if year is None:
        year = read_manifest(paths.root).get("ar")
    params = {"year": None if year is None else int(year), "root": str(paths.root)}
    written = []
    for source in notebook_files(root):
        missing = [t for t in REQUIRED_TABLES.get(source.name, [])
                   if not _has_rows(paths.processed / t)]
        if missing:
            if progress:
                progress(f"Hoppar över {source.name}: {', '.join(missing)} saknas eller är "
                         "tom (finns underlaget i data/raw/?).")
            continue
        target = out_dir / source.name
        tmp = out_dir / f".{source.stem}.tmp.ipynb"
        if progress:
            progress(f"Kör {source.name} ...")
        try:
            papermill.execute_notebook(str(source), str(tmp), parameters=params,
                                       kernel_name=KERNEL, cwd=str(paths.root),
                                       progress_bar=False, log_output=False)
        except Exception as exc:  # papermill's errors carry the failing cell
            tmp.unlink(missing_ok=True)
            raise RuntimeError(f"Anteckningsboken {source.name} kunde inte köras: {exc}") from exc
        os.replace(tmp, target)
        written.append(target)
        if html:
            html_target = target.with_suffix(".html")
            _replace_atomic(_html(target), html_target)
            written.append(html_target)
    if progress:
        progress(f"Skrev {len(written)} filer i {out_dir}.")
    return written
