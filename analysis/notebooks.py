"""The analysts' notebooks: run them for a year, and what they show.

``run_notebooks`` executes every notebook (``notebooks/*.ipynb``) with papermill in the
``python3`` kernel (the ipykernel of the Python that runs this code), with the project
root as working directory and the parameters ``year`` and ``root``. Outputs go to
``reports/notebooks/<year>/`` so the notebooks of two years sit side by side (``--ar
2023`` does not overwrite 2024). The executed copy is written to a temporary file in the
same folder and renamed into place, so a failed run never leaves a half-written notebook;
an HTML copy with the code cells hidden is written beside it (offline: no CDN). A
notebook whose input tables the build did not write is not run: its old outputs for that
year are removed and a message says which inputs are missing. The kernel's own log
(transport warnings, "KeyboardInterrupt caught in kernel" at shutdown) goes to a file that
is shown only when the run fails.

``show``, ``show_table`` and ``show_heading`` are what the notebooks call to display a
figure (as an ``image/png`` output with an alt text, at its natural size), a table
(caption, no row numbers) or a heading.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from analysis.paths import DEFAULT_ROOT, project_paths
from analysis.processed import read_manifest
from analysis.style import css_size, png_bytes
from analysis.tables import (
    CHANGES,
    CRIME_COMPARISONS,
    CRIME_RATES,
    CRIME_TRENDS,
    ESTIMATES,
    OBSERVATIONS,
    OFFICIAL,
    OFFICIAL_VS_SURVEY,
    PROMISE_EVALUATION,
    PROMISE_REGISTRY,
    WALK_FOLLOWUP,
    WALKS_VS_SURVEY,
)

NOTEBOOK_DIR = "notebooks"
OUTPUT_DIR = "notebooks"  # under reports/, one folder per year
KERNEL = "python3"
HTML_TEMPLATE = Path(__file__).resolve().parent / "resources" / "notebook_html.j2"


# Tables each notebook needs; a notebook whose tables the build did not write (no walks,
# no police index delivered) is not run, its old outputs are removed and a message says so.
# 01_lagesbild runs with a single survey year (no changes table): it says what it cannot show.
REQUIRED_TABLES = {
    "01_lagesbild.ipynb": [ESTIMATES],
    "02_trygghetsvandringar.ipynb": [ESTIMATES, WALK_FOLLOWUP, OBSERVATIONS, WALKS_VS_SURVEY],
    "03_polisens_index.ipynb": [ESTIMATES, OFFICIAL, OFFICIAL_VS_SURVEY],
    "04_medborgarloften.ipynb": [ESTIMATES, PROMISE_REGISTRY, PROMISE_EVALUATION],
    "05_anmalda_brott.ipynb": [CRIME_RATES, CRIME_COMPARISONS, CRIME_TRENDS],
}
# What a missing table means, in the words of the person who delivers the data.
MISSING_WORDS = {
    ESTIMATES: "trygghetsmätningen",
    CHANGES: "en tidigare mätning att jämföra med",
    WALK_FOLLOWUP: "protokoll från trygghetsvandringar",
    OBSERVATIONS: "protokoll från trygghetsvandringar",
    WALKS_VS_SURVEY: "protokoll från trygghetsvandringar",
    OFFICIAL: "polisens indextabeller",
    OFFICIAL_VS_SURVEY: "polisens indextabeller",
    PROMISE_REGISTRY: "medborgarlöften",
    PROMISE_EVALUATION: "medborgarlöften",
}


@dataclass(frozen=True)
class Skipped:
    """A notebook that was not run, what it lacked and the old outputs removed."""

    notebook: str
    missing: tuple[str, ...]
    removed: tuple[Path, ...]

    def message(self) -> str:
        words = list(dict.fromkeys(MISSING_WORDS.get(t, t) for t in self.missing))
        text = (f"Kör inte {self.notebook}: underlaget saknar {', '.join(words)} "
                f"({', '.join(self.missing)} saknas eller är tom).")
        if self.removed:
            n = len(self.removed)
            text += f" Tidigare utdata för året har tagits bort ({n} {'fil' if n == 1 else 'filer'})."
        return text


def _has_rows(path: Path) -> bool:
    if not path.is_file():
        return False
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows > 0


def _survey_years(path: Path) -> list[int]:
    import pyarrow.parquet as pq

    if not path.is_file():
        return []
    years = pq.read_table(path, columns=["year"]).column("year").to_pylist()
    return sorted({int(y) for y in years})


def notebook_files(root: str | os.PathLike | None = None) -> list[Path]:
    """The notebooks to run: ``<root>/notebooks/*.ipynb``, else the ones shipped with the package."""
    own = project_paths(root).root / NOTEBOOK_DIR
    folder = own if any(own.glob("*.ipynb")) else DEFAULT_ROOT / NOTEBOOK_DIR
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))


def output_dir(root: str | os.PathLike | None, year: int) -> Path:
    """``reports/notebooks/<year>/``: the executed notebooks of one survey year."""
    return project_paths(root).reports / OUTPUT_DIR / str(int(year))


def _html(notebook_path: Path) -> bytes:
    """The executed notebook as HTML with the code cells hidden (inputs excluded)."""
    import nbformat
    from nbconvert import HTMLExporter

    # no MathJax/require.js from a CDN: the page must open offline
    exporter = HTMLExporter(template_name="lab", template_file=str(HTML_TEMPLATE),
                            exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, mathjax_url="", require_js_url="",
                            language_code="sv")
    body, _ = exporter.from_notebook_node(nbformat.read(notebook_path, as_version=4))
    return body.encode("utf-8")


def _replace_atomic(data: bytes, target: Path) -> None:
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def _quiet_kernel_manager(log_file):
    """A kernel manager whose kernel writes its own log (stderr) to ``log_file``."""
    from jupyter_client.manager import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kw["stderr"] = log_file
            return await super()._async_launch_kernel(kernel_cmd, **kw)

    return QuietKernelManager


@contextmanager
def _quiet_loggers():
    """papermill and nbclient log warnings of their own (e.g. about the kernel); not on success."""
    loggers = [logging.getLogger(n) for n in ("papermill", "nbclient", "traitlets", "asyncio")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def _kernel_log(path: Path) -> str:
    """The kernel's log without the noise every run has."""
    noise = ("Kernel is running over TCP without encryption", "KeyboardInterrupt caught in kernel")
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join(line for line in lines if not any(n in line for n in noise)).strip()


def _resolve_year(paths, year: int | None) -> int:
    years = _survey_years(paths.processed / ESTIMATES)
    if year is None:
        year = read_manifest(paths.root).get("ar")
    if year is None:
        if not years:
            raise ValueError("Det finns inga skattningar (estimates.parquet saknas eller är tom). "
                             "Kör `trygghet build` först. Inga anteckningsböcker kördes.")
        return years[-1]
    if int(year) not in years:
        raise ValueError(f"Året {year} finns inte i skattningarna; tillgängliga år: "
                         + ", ".join(map(str, years)) + ". Inga anteckningsböcker kördes.")
    return int(year)


def run_notebooks(root: str | os.PathLike | None = None, year: int | None = None,
                  progress: Callable[[str], None] | None = print, *, html: bool = True
                  ) -> list[Path]:
    """Execute every notebook for ``year`` into ``reports/notebooks/<year>/``; return the
    output paths.

    ``year`` None = the year the last build was made for (``ar`` in the manifest), else
    the latest survey year.

    Raises ``RuntimeError`` (Swedish message naming the notebook) when a cell fails;
    notebooks already finished stay, the failing one is not written.
    """
    import papermill

    paths = project_paths(root)
    read_manifest(paths.root)  # a Swedish message when nothing was built
    year = _resolve_year(paths, year)
    out_dir = output_dir(paths.root, year)
    out_dir.mkdir(parents=True, exist_ok=True)
    params = {"year": year, "root": str(paths.root)}
    written: list[Path] = []
    for source in notebook_files(root):
        target = out_dir / source.name
        html_target = target.with_suffix(".html")
        missing = tuple(t for t in REQUIRED_TABLES.get(source.name, [ESTIMATES])
                        if not _has_rows(paths.processed / t))
        if missing:
            removed = tuple(p for p in (target, html_target) if p.exists())
            for p in removed:
                p.unlink()
            if progress:
                progress(Skipped(source.name, missing, removed).message())
            continue
        tmp = out_dir / f".{source.stem}.tmp.ipynb"
        if progress:
            progress(f"Kör {source.name} för {year} ...")
        with tempfile.TemporaryFile(mode="w+b") as log_file, _quiet_loggers():
            try:
                papermill.execute_notebook(
                    str(source), str(tmp), parameters=params, kernel_name=KERNEL,
                    cwd=str(paths.root), progress_bar=False, log_output=False,
                    kernel_manager_class=_quiet_kernel_manager(log_file))
            except Exception as exc:  # papermill's errors carry the failing cell
                tmp.unlink(missing_ok=True)
                log_file.seek(0)
                log_path = Path(tempfile.gettempdir()) / f"kernel-{source.stem}.log"
                log_path.write_bytes(log_file.read())
                kernel = _kernel_log(log_path)
                raise RuntimeError(f"Anteckningsboken {source.name} kunde inte köras: {exc}"
                                   + (f"\nKärnans logg:\n{kernel}" if kernel else "")) from exc
        os.replace(tmp, target)
        written.append(target)
        if html:
            _replace_atomic(_html(target), html_target)
            written.append(html_target)
    if progress:
        progress(f"Skrev {len(written)} filer i {out_dir}.")
    return written


# --- what the notebooks display -------------------------------------------------------------


def show(fig, alt: str = "") -> None:
    """Display a figure as a PNG image (an ``image/png`` output) at its natural size.

    ``alt`` states the figure's finding (the HTML copy uses it as the image's alt text).
    Works whatever the kernel's matplotlib backend: the figure is rendered by
    ``analysis.style.png_bytes``, not by pyplot.
    """
    from IPython.display import Image, display

    blob = png_bytes(fig)
    width, height = css_size(blob)
    display(Image(data=blob, format="png", width=width, height=height, alt=alt or None))


def table_html(frame, caption: str = "") -> str:
    """A narrative table as HTML: caption, Swedish headers, no row numbers, ``–`` for missing."""
    import html

    import pandas as pd

    def cell(value) -> str:
        text = "–" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
        style = "text-align:left" + (";white-space:nowrap" if len(text) <= 14 else "")
        return f'<td style="{style}">{html.escape(text)}</td>'

    head = "".join(f'<th style="text-align:left">{html.escape(str(c))}</th>'
                   for c in frame.columns)
    body = "".join("<tr>" + "".join(cell(v) for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    cap = (f'<caption style="text-align:left;font-weight:bold">{html.escape(caption)}</caption>'
           if caption else "")
    return (f'<table class="lagesbild">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def show_table(frame, caption: str = "") -> None:
    """Display a table with a caption and without the row numbers (index hidden)."""
    from IPython.display import HTML, display

    display(HTML(table_html(frame, caption)))


def show_heading(text: str, level: int = 3) -> None:
    """Display a heading (a Markdown output), e.g. the area before its chart and table."""
    from IPython.display import Markdown, display

    display(Markdown(f"{'#' * level} {text}"))


def show_text(text: str) -> None:
    """Display a paragraph of prose (Markdown), e.g. a generated sentence."""
    from IPython.display import Markdown, display

    display(Markdown(text))


def show_list(sentences: list[str]) -> None:
    """Display sentences as a bulleted list."""
    show_text("\n".join(f"- {s}" for s in sentences))
