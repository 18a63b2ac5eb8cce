"""Issue 8, items 1 and 2: nothing injected, no user value becomes a path.

A small project whose area register is hostile (formulas, quotes, separators, newlines,
a code that climbs out of the folder, HTML) is built once for the module; every CSV the
build writes is parsed as Excel would, the figures are checked to stay in
``reports/figurer/`` and nothing is written outside the project. ``files.xlsx_bytes``
is checked for the same injection.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis.files import xlsx_bytes
from analysis.paths import inside
from tests.conftest import HEADERS

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(,\d+)?")
CODE_FORM = re.compile(r'="0\d+"')

# code -> name as delivered in the register
HOSTILE = {
    "01": '=HYPERLINK("http://x.example","klick")',
    "02": "+1+1",
    "03": "@SUM(1)",
    "04": "-2+3",
    "05": '="x;=1+1;"',
    "06": 'Väster; "gamla"\nstan',
    "07": "\t=1+1 tabb",
    "08": "<script>alert(1)</script>",
    "09": "=cmd|' /C calc'!A0",
    '="0;1"': "Kod med formel",
    "../../X": "Utanför",
    "../../../../X": "Långt utanför",
    "..\\..\\Y": "Bakåtsnedstreck",
    "A/B": "Snedstreck",
}
BIG = {"01", "02"}  # areas with enough answers to publish (and to give negative changes)
PROBLEM = ["Mycket stort problem", "Ganska stort problem", "Ganska litet problem",
           "Inget problem alls"]
SAFETY = ["Mycket trygg", "Ganska trygg", "Ganska otrygg", "Mycket otrygg"]


def _field(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ';"\r\n') else value


def _survey(year: int) -> str:
    rows, i = [], 0
    for code in HOSTILE:
        for k in range(40 if code in BIG else 6):
            i += 1
            shift = 0 if year == 2022 else 1
            rows.append([str(i), str(year), code, "10", PROBLEM[(k + shift) % 4],
                         PROBLEM[(k * 3 + shift) % 4], SAFETY[(k + i + shift) % 4]])
    return "".join(";".join(map(_field, r)) + "\r\n" for r in [HEADERS, *rows])


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    from analysis.pipeline import build

    outer = tmp_path_factory.mktemp("hostile")
    root = outer / "projekt"
    (root / "data" / "raw" / "omraden").mkdir(parents=True)
    (root / "data" / "raw" / "trygghetsmatning").mkdir(parents=True)
    register = "omrade;namn;giltig_fran;giltig_till\r\n" + "".join(
        f"{_field(c)};{_field(n)};2020;\r\n" for c, n in HOSTILE.items())
    (root / "data" / "raw" / "omraden" / "omradesindelning.csv").write_bytes(
        register.encode("utf-8"))
    for year in (2022, 2023):
        (root / "data" / "raw" / "trygghetsmatning" / f"trygghetsmatning_{year}.csv"
         ).write_bytes(_survey(year).encode("utf-8"))
    messages: list[str] = []
    manifest = build(root, demo=False, progress=messages.append)
    return root, manifest, messages


def _read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), path.name
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def _csvs(root: Path) -> list[Path]:
    """The Excel-ready CSVs (the machine-readable copies are checked on their own)."""
    files = sorted(p for p in (root / "reports").rglob("*.csv") if p.parent.name != "maskinlasbar")
    assert {p.name for p in files} >= {"skattningar.csv", "forandringar.csv"}
    return files


def test_every_exported_csv_keeps_its_rows_whole(hostile_build):
    root, _, _ = hostile_build
    for path in _csvs(root):
        rows = _read_csv(path)
        assert len(rows) > 20, path.name
        widths = {len(r) for r in rows}
        assert widths == {len(rows[0])}, (path.name, widths)


def test_no_exported_cell_can_run_as_a_formula(hostile_build):
    root, _, _ = hostile_build
    seen_numbers = seen_codes = 0
    for path in _csvs(root):
        rows = _read_csv(path)
        code_col = rows[0].index("Områdeskod")
        for row in rows:
            for j, cell in enumerate(row):
                if not cell.startswith(FORMULA_START):
                    continue
                if PLAIN_NUMBER.fullmatch(cell):
                    seen_numbers += 1
                elif CODE_FORM.fullmatch(cell) and j == code_col:
                    seen_codes += 1
                else:
                    pytest.fail(f"{path.name}: cellen {cell!r} kan bli en formel")
    assert seen_numbers and seen_codes  # the exemptions were exercised, and only they


def test_hostile_names_and_codes_come_back_exactly_behind_the_apostrophe(hostile_build):
    root, _, _ = hostile_build

    def delivered(cell: str) -> str:
        return cell[1:] if cell.startswith("'") else cell

    # the register reader strips surrounding whitespace; everything else must survive
    want_names = {n.strip() for n in HOSTILE.values()} | {"Hela kommunen"}
    want_codes = {f'="{c}"' if re.fullmatch(r"0\d+", c) else c for c in HOSTILE} | {"kommunen"}
    for path in _csvs(root):
        rows = _read_csv(path)
        name_col, code_col = rows[0].index("Område"), rows[0].index("Områdeskod")
        names = {delivered(r[name_col]) for r in rows[1:]}
        codes = {delivered(r[code_col]) for r in rows[1:]}
        assert names == want_names, path.name
        assert codes == want_codes, path.name
        for r in rows[1:]:
            if r[name_col].startswith("'"):
                assert r[name_col][1:].startswith(FORMULA_START)


def test_data_dictionaries_explain_the_apostrophe(hostile_build):
    root, _, _ = hostile_build
    for path in _csvs(root):
        text = path.with_name(path.stem + "_dataordlista.txt").read_text(encoding="utf-8-sig")
        assert re.search(r"Skydd mot formler: \d+ textvärden .* apostrof", text), path.name


def test_figures_stay_in_reports_figurer_and_nothing_leaves_the_project(hostile_build):
    root, manifest, _ = hostile_build
    reports = root / "reports"
    figures = reports / "figurer"
    allowed = {root / "data" / "raw", root / "data" / "processed", reports / "csv", figures}
    for path in root.rglob("*"):
        if path.is_file():
            assert path == reports / "lagesbild.html" or any(
                path.parent == a or a in path.parents for a in allowed), path
    assert sorted(p.name for p in root.parent.iterdir()) == ["projekt"]
    pngs = sorted(p.name for p in figures.iterdir())
    problem_figures = [n for n in pngs if n.startswith("storsta_problem_")]
    assert len(problem_figures) == len(HOSTILE) + 1  # + kommunen, none overwritten
    assert all(re.fullmatch(r"storsta_problem_[a-z0-9_-]+\.png", n) for n in problem_figures)
    for key in manifest["rapporter"]:
        target = inside(reports, key)
        assert target.parent in (reports, figures, reports / "csv",
                                 reports / "csv" / "maskinlasbar"), key


def test_the_page_escapes_hostile_names(hostile_build):
    root, _, _ = hostile_build
    page = (root / "reports" / "lagesbild.html").read_text(encoding="utf-8")
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    imgs = re.findall(r'<img src="([^"]*)"', page)
    assert all(src.startswith("data:image/png;base64,") for src in imgs)
    assert len(re.findall(r"<h3>", page)) >= len(HOSTILE)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice saknas")
def test_the_built_csv_opens_as_text_in_libreoffice(hostile_build, tmp_path):
    root, _, _ = hostile_build
    src = root / "reports" / "csv" / "skattningar.csv"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profil", "--headless",
                    "--infilter=CSV:59,34,76,1,,1053", "--convert-to", "xlsx", "--outdir",
                    str(tmp_path), str(src)], check=True, timeout=180, capture_output=True)
    ws = openpyxl.load_workbook(tmp_path / "skattningar.xlsx", data_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    name_col = rows[0].index("Område")
    shown = {r[name_col] for r in rows[1:]}
    assert all(isinstance(v, str) for v in shown)
    for name in HOSTILE.values():
        assert name.strip() in shown or "'" + name.strip() in shown, name
    assert "klick" not in shown and 2 not in shown and 1 not in shown


# --- Excel files (files.xlsx_bytes, used by the demo generators) -------------------------------

XLSX_VALUES = ['=HYPERLINK("http://x.example","klick")', "=1+1", '="x;=1+1;"', "+1+1", "@SUM(1)",
               "-2+3", "#N/A", "#DIV/0!", "\t=1+1", "Centrum", "=", "'=1+1"]


def _sheet_xml(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode("utf-8")


def test_xlsx_bytes_stores_formula_like_text_as_text():
    frame = pd.DataFrame({"=Rubrik": XLSX_VALUES, "Tal": range(len(XLSX_VALUES))})
    data = xlsx_bytes(frame)
    assert data == xlsx_bytes(frame)  # still byte-reproducible
    xml = _sheet_xml(data)
    assert "<f>" not in xml and 't="f"' not in xml and 't="e"' not in xml
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows())
    assert (rows[0][0].value, rows[0][0].data_type) == ("=Rubrik", "s")
    for row, value in zip(rows[1:], XLSX_VALUES, strict=True):
        cell = row[0]
        assert cell.value == value and cell.data_type == "s", value
        assert bool(cell.quotePrefix) == (value.startswith("=") and len(value) > 1
                                          or value.startswith("#")), value
        assert row[1].data_type == "n"


def test_xlsx_bytes_of_harmless_text_is_unchanged_by_the_guard():
    """Without formula-like text the bytes are those of a plain openpyxl sheet (as before
    the guard), so the committed demo files stay as they are."""
    from analysis.files import _fix_zip_times

    frame = pd.DataFrame({"Område": ["Centrum", "-", "a=b", "+46"], "Vikt": [1.5, None, 2, 3]})
    wb = openpyxl.Workbook()
    wb.active.title = "Blad1"
    wb.active.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        wb.active.append([None if pd.isna(v) else v for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    assert xlsx_bytes(frame) == _fix_zip_times(buf.getvalue())
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame))).active
    assert not any(c.quotePrefix for r in ws.iter_rows() for c in r)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice saknas")
def test_xlsx_bytes_text_stays_text_in_libreoffice(tmp_path):
    frame = pd.DataFrame({"Område": XLSX_VALUES})
    (tmp_path / "in.xlsx").write_bytes(xlsx_bytes(frame))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profil", "--headless",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):59,34,76,1",
                    "--outdir", str(tmp_path / "ut"), str(tmp_path / "in.xlsx")],
                   check=True, timeout=180, capture_output=True)
    text = (tmp_path / "ut" / "in.csv").read_bytes().decode("utf-8-sig")
    got = [r[0] for r in csv.reader(io.StringIO(text, newline=""), delimiter=";")]
    assert got == ["Område", *XLSX_VALUES]


def test_the_machine_readable_copies_are_whole_and_never_run_a_formula(hostile_build):
    root = hostile_build[0] if isinstance(hostile_build, tuple) else hostile_build
    tidy = sorted((root / "reports" / "csv" / "maskinlasbar").glob("*.csv"))
    assert tidy
    for path in tidy:
        data = path.read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf"), path.name
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=","))
        assert all(len(r) == len(rows[0]) for r in rows), path.name
        for row in rows:
            for cell in row:
                if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
                    assert re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", cell), (path.name, cell)
