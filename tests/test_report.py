"""Tests for analysis/report.py: the offline HTML lägesbild and the report stage."""

from __future__ import annotations

import re
import shutil
import subprocess

import geopandas as gpd
import pandas as pd
import pytest

from analysis.report import _changes_table, lagesbild_html, report_outputs
from analysis.settings import Settings
from tests.test_figures import est

TINY = est([
    (2023, "01", "andel_stort_problem", "klotter", 0.20, 100, False, False),
    (2024, "01", "andel_stort_problem", "klotter", 0.32, 100, False, False),
    (2024, "01", "andel_stort_problem", "fortkorning", 0.61, 45, False, True),
    (2024, "01", "andel_stort_problem", "missbruk", 0.77, 12, True, False),
    (2024, "01", "andel_otrygga", "otrygg_kvall", 0.30, 100, False, False),
    (2024, "kommunen", "andel_stort_problem", "klotter", 0.30, 200, False, False),
    (2024, "01", "problemindex", "alla", 1.25, 100, False, False),
])
CHANGES = pd.DataFrame({
    "year_from": [2023, 2023], "year_to": [2024, 2024],
    "area": pd.array(["01", "kommunen"], dtype="string"),
    "area_name": ["Centrum", "Hela kommunen"],
    "indicator": ["andel_stort_problem", "andel_stort_problem"],
    "item": ["klotter", "klotter"], "estimate_from": [0.20, 0.31], "estimate_to": [0.32, 0.30],
    "delta": [0.12, -0.01], "se_delta": [0.03, 0.02], "z": [4.0, -0.5], "p": [0.0001, 0.6],
    "p_bh": [0.0002, 0.6], "significant": [True, False], "comparable": [True, True],
    "suppressed": [False, False], "flag_reason": ["", ""],
})

URL_ATTR = re.compile(r'(?:src|href)\s*=\s*"(?:https?:)?//', re.IGNORECASE)


def test_changes_table_words_the_significant_changes_in_swedish():
    table = _changes_table(CHANGES, 2024)
    assert "ökning med 12 procentenheter" in table
    assert "20\u00a0% → 32\u00a0%" in table
    assert "Hela kommunen" not in table  # not significant
    assert "&lt; 0,001" in table  # p_bh = 0.0002


def test_lagesbild_html_is_offline_deterministic_and_skips_missing_inputs():
    tables = {"estimates.parquet": TINY, "changes.parquet": CHANGES}
    before = TINY.copy()
    first = lagesbild_html(tables, demo=True, settings=Settings())
    pd.testing.assert_frame_equal(TINY, before)
    assert first == lagesbild_html(tables, demo=True, settings=Settings())
    page = first.decode("utf-8")
    assert "<h1>Lägesbild trygghet 2024" in page  # default year = latest
    assert 'class="demo"' in page and "Syntetiska demodata" in page
    assert not URL_ATTR.search(page) and "<script" not in page
    imgs = re.findall(r'<img src="([^"]*)"', page)
    assert imgs and all(src.startswith("data:image/png;base64,") for src in imgs)
    assert "Inga områdespolygoner" in page  # no map without geodata
    assert "Inga trygghetsvandringar i underlaget" in page
    assert "1 frågor har för få svar och visas inte." in page
    assert "77" not in re.sub(r'src="[^"]*"', "", page)  # the suppressed value never shows
    assert "osäker skattning" in page


def test_lagesbild_html_without_demo_has_no_banner():
    page = lagesbild_html({"estimates": TINY}, year=2024, demo=False).decode("utf-8")
    assert 'class="demo"' not in page
    assert "Ingen tidigare mätning att jämföra med" in page


@pytest.fixture
def demo_build(demo_built):
    return demo_built.root, demo_built.manifest


def test_demo_build_writes_an_offline_lagesbild(demo_build):
    root, manifest = demo_build
    path = root / "reports" / "lagesbild.html"
    page = path.read_text(encoding="utf-8")
    assert not URL_ATTR.search(page)
    assert "http://" not in page and "https://" not in page
    assert 'class="demo"' in page
    imgs = re.findall(r"<img\b[^>]*>", page)
    assert len(imgs) >= 10
    assert all(re.search(r'src="data:image/png;base64,', tag) for tag in imgs)
    pngs = sorted((root / "reports" / "figurer").glob("*.png"))
    assert 10 <= len(pngs) <= 25
    assert "lagesbild.html" in manifest["rapporter"]
    # no free text from the walk protocols
    obs = gpd.read_parquet(root / "data" / "processed" / "observations.parquet")
    texts = [t for t in obs["description"].dropna().astype(str) if len(t) > 15]
    assert texts and not any(t in page for t in texts)


def test_report_outputs_match_the_build(demo_build):
    root, _ = demo_build
    processed = root / "data" / "processed"
    tables = {name: pd.read_parquet(processed / f"{name}.parquet")
              for name in ["estimates", "changes", "walk_followup", "official_vs_survey",
                           "responses"]}
    tables["areas"] = gpd.read_parquet(processed / "areas.parquet")
    out, notes = report_outputs(tables, demo=True, settings=Settings())
    assert notes == []
    assert out["lagesbild.html"] == (root / "reports" / "lagesbild.html").read_bytes()
    for key, blob in out.items():
        assert (root / "reports" / key).read_bytes() == blob, key


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium saknas")
def test_lagesbild_renders_in_headless_chromium(demo_build, tmp_path):
    root, _ = demo_build
    shot = tmp_path / "lagesbild.png"
    subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profil'}", "--window-size=1100,2400",
         f"--screenshot={shot}", (root / "reports" / "lagesbild.html").as_uri()],
        check=True, capture_output=True, timeout=120)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 50_000  # a rendered page, not a blank one
