"""The analysts' notebooks: committed clean, parameterised, thin; and they run on the demo."""

from __future__ import annotations

import json
import shutil
import sys

import nbformat
import pandas as pd
import pytest

from analysis.narrative import sv_percent
from analysis.notebooks import notebook_files, run_notebooks
from analysis.paths import DEFAULT_ROOT
from analysis.pipeline import build

NOTEBOOKS = notebook_files(DEFAULT_ROOT)


def _code(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def test_there_are_three_notebooks():
    assert [p.name for p in NOTEBOOKS] == [
        "01_lagesbild.ipynb", "02_trygghetsvandringar.ipynb", "03_polisens_index.ipynb"]


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


@pytest.fixture(scope="module")
def executed(demo_built):
    """The notebooks run once against the session's demo build (they add reports/notebooks/)."""
    written = run_notebooks(demo_built.root, progress=None)
    return demo_built.root, written


def test_executed_notebooks_exist_without_errors(executed):
    root, written = executed
    out = root / "reports" / "notebooks"
    assert sorted(p.name for p in written if p.suffix == ".ipynb") == [p.name for p in NOTEBOOKS]
    for path in NOTEBOOKS:
        nb = nbformat.read(out / path.name, as_version=4)
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
        assert outputs
        assert not [o for o in outputs if o.output_type == "error"]
        assert not list(out.glob(".*tmp*"))


def test_executed_notebook_prints_the_estimate_and_runs_in_the_venv(executed):
    root, _ = executed
    est = pd.read_parquet(root / "data" / "processed" / "estimates.parquet")
    year = int(est["year"].max())
    row = est[(est["year"] == year) & (est["area"] == "kommunen")
              & (est["indicator"] == "andel_otrygga")].iloc[0]
    nb = nbformat.read(root / "reports" / "notebooks" / "01_lagesbild.ipynb", as_version=4)
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.outputs if o.output_type == "stream")
    expected = f"hela kommunen {year}: {round(100 * row['estimate'])}\u00a0%"
    assert expected == f"hela kommunen {year}: {sv_percent(row['estimate'])}"
    assert expected in text
    assert f"Undersökningsår {year}" in text
    assert f"Python: {sys.executable}" in text  # the kernel is this interpreter


def test_executed_html_has_no_inputs_and_no_cdn(executed):
    root, _ = executed
    html = (root / "reports" / "notebooks" / "02_trygghetsvandringar.html").read_text("utf-8")
    assert "Trygghetsvandringar: uppföljning" in html
    assert "load_processed(root)" not in html  # code cells hidden
    assert 'src="http' not in html and 'href="http' not in html


def test_manifest_says_demo_so_notebooks_mark_demo(executed):
    root, _ = executed
    manifest = json.loads((root / "data" / "processed" / "manifest.json").read_text("utf-8"))
    assert manifest["kalla"] == "demo"
    nb = nbformat.read(root / "reports" / "notebooks" / "03_polisens_index.ipynb", as_version=4)
    assert "Underlag: syntetiska demodata." in "".join(
        o.get("text", "") for c in nb.cells for o in c.get("outputs", []))


def test_survey_only_project_runs_the_survey_notebook_and_skips_the_others(tmp_path):
    for folder in ("omraden", "trygghetsmatning"):
        shutil.copytree(DEFAULT_ROOT / "data" / "raw" / "demo" / folder,
                        tmp_path / "data" / "raw" / folder)
    build(tmp_path, demo=False, progress=lambda s: None)
    messages = []
    written = run_notebooks(tmp_path, progress=messages.append, html=False)
    assert [p.name for p in written] == ["01_lagesbild.ipynb"]
    assert any(m.startswith("Hoppar över 02_trygghetsvandringar.ipynb") for m in messages)
    assert any(m.startswith("Hoppar över 03_polisens_index.ipynb") for m in messages)
    text = written[0].read_text(encoding="utf-8")
    assert "Kartan visas inte" in text
