"""The analysts' notebooks: committed clean, parameterised, thin; and they run on the demo,
show every chart as an image and read as Swedish prose (no codes, floats or paths)."""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import tempfile

import nbformat
import pandas as pd
import pytest

from analysis.areas import area_order
from analysis.narrative import sv_percent
from analysis.notebooks import REQUIRED_TABLES, notebook_files, output_dir, run_notebooks
from analysis.paths import DEFAULT_ROOT
from analysis.pipeline import build
from analysis.processed import underlag_line

NOTEBOOKS = notebook_files(DEFAULT_ROOT)
OURS = ["01_lagesbild.ipynb", "02_trygghetsvandringar.ipynb", "03_polisens_index.ipynb"]


def _code(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def _outputs(nb) -> list:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def _text(output) -> str:
    """What a reader sees of one output (stream text, HTML, Markdown; not the image data)."""
    if output.output_type == "stream":
        return output.text
    data = output.get("data", {})
    for kind in ("text/markdown", "text/html"):
        if kind in data:
            return data[kind]
    if "image/png" in data:
        return ""
    return data.get("text/plain", "")


def test_the_lagesbild_notebooks_are_there():
    names = [p.name for p in NOTEBOOKS]
    assert names[:3] == OURS
    assert set(names) <= set(REQUIRED_TABLES)  # every notebook says what it needs


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == []
            assert cell.execution_count is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_names_kernel_and_has_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"] == {"name": "python3", "display_name": "Python 3",
                                         "language": "python"}
    assert nb.metadata["language_info"]["name"] == "python"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert "year = None" in tagged[0].source and "root = None" in tagged[0].source
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_thin_and_reads_only_processed_tables(path):
    text = "\n".join(_code(nbformat.read(path, as_version=4)))
    for line in text.splitlines():
        assert not line.lstrip().startswith(("def ", "class ")), line
    assert "data/raw" not in text and "raw_source" not in text
    assert "read_parquet" not in text and "read_csv" not in text  # only via load_processed
    for column in ("description", "proposed_action", "decision_reason"):
        assert column not in text


@pytest.mark.parametrize("name", OURS)
def test_figures_are_shown_as_images_not_printed(name):
    """Figures are not attached to pyplot: a bare ``display(fig)`` prints "<Figure size …>".
    Every figure goes through ``analysis.notebooks.show`` (an image/png output)."""
    text = "\n".join(_code(nbformat.read(DEFAULT_ROOT / "notebooks" / name, as_version=4)))
    assert "display(fig" not in text and "plt." not in text
    made = re.findall(r"figures\.\w+\(", text)
    assert made and len(made) == len(re.findall(r"\bshow\(figures\.", text))


@pytest.fixture(scope="module")
def executed(demo_built):
    """The notebooks run once against the session's demo build, with everything the
    kernel writes to its stderr captured (fd 2)."""
    with tempfile.TemporaryFile(mode="w+b") as err:
        saved = os.dup(2)
        os.dup2(err.fileno(), 2)
        try:
            messages: list[str] = []
            written = run_notebooks(demo_built.root, progress=messages.append)
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        err.seek(0)
        stderr = err.read().decode("utf-8", errors="replace")
    return demo_built.root, written, messages, stderr


def _nb(root, name):
    return nbformat.read(output_dir(root, 2024) / name, as_version=4)


def test_executed_notebooks_exist_without_errors_in_the_year_folder(executed):
    root, written, _, _ = executed
    out = root / "reports" / "notebooks" / "2024"  # the year in the folder
    assert out == output_dir(root, 2024) != output_dir(root, 2023)
    assert sorted(p.name for p in written if p.suffix == ".ipynb") == [p.name for p in NOTEBOOKS]
    assert all(p.parent == out for p in written)
    for path in NOTEBOOKS:
        nb = nbformat.read(out / path.name, as_version=4)
        outputs = _outputs(nb)
        assert outputs
        assert not [o for o in outputs if o.output_type == "error"]
        assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"], \
            path.name  # no warnings printed into the notebook
        assert not list(out.glob(".*tmp*"))


def test_kernel_warnings_are_silenced_on_success(executed):
    _, _, messages, stderr = executed
    assert "WARNING" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert "Kernel is running over TCP" not in stderr
    assert all(m.startswith(("Kör ", "Skrev ")) for m in messages), messages


def test_every_chart_is_an_image_in_the_notebook_and_in_its_html(executed, demo_built):
    root, _, _, _ = executed
    est = pd.read_parquet(demo_built.processed / "estimates.parquet")
    areas = len(area_order(est.loc[est["year"] == 2024, "area"]))
    # 01: ranking + map (index), changes, one per area, ranking + map + trend (unsafe),
    # three panel figures, police trust, walks, police index
    expected = {"01_lagesbild.ipynb": 2 + 1 + areas + 3 + 3 + 1 + 1 + 1,
                "02_trygghetsvandringar.ipynb": 1, "03_polisens_index.ipynb": 1}
    for name, count in expected.items():
        nb = _nb(root, name)
        images = [o for o in _outputs(nb) if "image/png" in o.get("data", {})]
        assert len(images) == count, name
        assert not any("<Figure size" in _text(o) for o in _outputs(nb)), name
        for cell in nb.cells:  # every cell that draws a figure shows it
            if cell.cell_type == "code" and "show(figures." in cell.source:
                assert any("image/png" in o.get("data", {}) for o in cell.outputs), cell.source
        page = (output_dir(root, 2024) / name).with_suffix(".html").read_text("utf-8")
        tags = re.findall(r"<img\b[^>]*>", page)
        assert len(tags) == count, name
        alts = [re.search(r'alt="([^"]*)"', t).group(1) for t in tags]
        assert all(len(a) > 20 for a in alts), name  # the finding, not empty


def test_a_table_after_a_chart_has_its_heading(executed):
    root, _, _, _ = executed
    nb = _nb(root, "01_lagesbild.ipynb")
    cell = next(c for c in nb.cells if "figures.top_problems" in c.source)
    kinds = ["heading" if "text/markdown" in o.data and o.data["text/markdown"].startswith("### ")
             else "image" if "image/png" in o.data else "table" for o in cell.outputs]
    assert kinds == ["heading", "image", "table"] * (len(kinds) // 3) and kinds
    for o in cell.outputs:
        if "text/html" in o.get("data", {}):
            assert "<caption" in o.data["text/html"]


def test_executed_notebooks_read_as_prose_without_codes_floats_or_paths(executed):
    root, _, _, _ = executed
    for path in NOTEBOOKS[:3]:
        text = "\n".join(_text(o) for o in _outputs(_nb(root, path.name)))
        assert not re.search(r"\b(None|NaN|nan|<NA>)\b", text), path.name
        assert "ej_angiven" not in text and "otrygg_kvall" not in text, path.name
        assert not re.search(r"\b\d+\.0\b", text), path.name  # no 2093.0, no ranks as 3.0
        assert str(root) not in text and "/work/" not in text and "site-packages" not in text
        assert 'class="dataframe"' not in text  # our tables: no pandas index column
        assert "Benjamini" not in text and "(eget)" not in text, path.name


def test_executed_notebook_prints_the_estimate_and_the_manifest_underlag(executed):
    root, _, _, _ = executed
    est = pd.read_parquet(root / "data" / "processed" / "estimates.parquet")
    manifest = json.loads((root / "data" / "processed" / "manifest.json").read_text("utf-8"))
    year = int(est["year"].max())
    row = est[(est["year"] == year) & (est["area"] == "kommunen")
              & (est["indicator"] == "andel_otrygga")].iloc[0]
    nb = _nb(root, "01_lagesbild.ipynb")
    text = "\n".join(_text(o) for o in _outputs(nb))
    expected = f"hela kommunen {year}: {round(100 * row['estimate'])}\u00a0%"
    assert expected == f"hela kommunen {year}: {sv_percent(row['estimate'])}"
    assert expected in text
    assert f"Undersökningsår {year}" in text
    assert nb.metadata["language_info"]["version"] == platform.python_version()  # this Python
    for path in NOTEBOOKS[:3]:
        nb = _nb(root, path.name)
        assert underlag_line(manifest) in "".join(_text(o) for o in _outputs(nb)), path.name
    assert "Underlag: syntetiska demodata" in underlag_line(manifest)


def test_executed_html_has_no_inputs_and_no_cdn(executed):
    root, _, _, _ = executed
    page = (output_dir(root, 2024) / "02_trygghetsvandringar.html").read_text("utf-8")
    assert "Trygghetsvandringar: uppföljning" in page
    assert "load_processed(root)" not in page  # code cells hidden
    assert 'src="http' not in page and 'href="http' not in page
    assert re.search(r'<meta [^>]*name="viewport"', page)
    assert '<html lang="sv">' in page


@pytest.fixture(scope="module")
def one_year(tmp_path_factory):
    """A kommun's own delivery with one survey year only and no walks, police index or maps;
    outputs of an earlier run lie in the year folder."""
    root = tmp_path_factory.mktemp("ett_ar")
    shutil.copytree(DEFAULT_ROOT / "data" / "raw" / "demo" / "omraden",
                    root / "data" / "raw" / "omraden")
    (root / "data" / "raw" / "trygghetsmatning").mkdir(parents=True)
    shutil.copy(DEFAULT_ROOT / "data" / "raw" / "demo" / "trygghetsmatning" /
                "trygghetsmatning_2024_syntetisk.xlsx", root / "data" / "raw" / "trygghetsmatning")
    build(root, demo=False, progress=lambda s: None)
    stale = output_dir(root, 2024)
    stale.mkdir(parents=True)
    for name in ("02_trygghetsvandringar.ipynb", "02_trygghetsvandringar.html",
                 "03_polisens_index.html"):
        (stale / name).write_text("från ett tidigare bygge", encoding="utf-8")
    messages: list[str] = []
    written = run_notebooks(root, progress=messages.append, html=False)
    return root, written, messages


def test_one_survey_year_runs_the_lagesbild_and_says_what_it_cannot_show(one_year):
    root, written, _ = one_year
    assert [p.name for p in written] == ["01_lagesbild.ipynb"]
    nb = nbformat.read(written[0], as_version=4)
    assert not [o for o in _outputs(nb) if o.output_type == "error"]
    text = "\n".join(_text(o) for o in _outputs(nb))
    assert "Underlag: kommunens egna filer" in text and "syntetiska" not in text
    assert "det finns ingen tidigare mätning att jämföra med" in text
    assert "förändringar kan inte visas ännu" in text
    assert "utvecklingen över tid kan inte visas" in text
    assert "Kartan visas inte" in text
    assert "Inga trygghetsvandringar i underlaget." in text
    assert any("image/png" in o.get("data", {}) for o in _outputs(nb))


def test_a_notebook_without_its_inputs_removes_its_old_output_and_says_so(one_year):
    root, _, messages = one_year
    folder = output_dir(root, 2024)
    assert sorted(p.name for p in folder.iterdir()) == ["01_lagesbild.ipynb"]
    walks = next(m for m in messages if "02_trygghetsvandringar.ipynb" in m)
    assert walks.startswith("Kör inte 02_trygghetsvandringar.ipynb: underlaget saknar protokoll "
                            "från trygghetsvandringar")
    assert "Tidigare utdata för året har tagits bort (2 filer)." in walks
    police = next(m for m in messages if "03_polisens_index.ipynb" in m)
    assert "polisens indextabeller" in police and "(1 fil)" in police
