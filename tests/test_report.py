"""Tests for analysis/report.py: the offline HTML lägesbild and the report stage."""

from __future__ import annotations

import base64
import html
import re

import geopandas as gpd
import pandas as pd
import pytest

from analysis.processed import load_processed
from analysis.report import SECTIONS, lagesbild_html, plan_figures, report_outputs
from analysis.settings import Settings
from analysis.style import DPI, smallest_text
from analysis.vocabulary import REPORT_SECTIONS
from tests.browser_probe import CHROMIUM, probe
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
IMG = re.compile(r"<img\b[^>]*>")


def _visible(page: str) -> str:
    """The page's text as a reader sees it: no tags, no images, no comments, entities decoded."""
    page = re.sub(r"<!--.*?-->", "", page, flags=re.DOTALL)
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_findings_table_counts_one_finding_once():
    changes = pd.concat([CHANGES, CHANGES.iloc[[0]].assign(
        indicator="poang", estimate_from=1.1, estimate_to=1.6, delta=0.5, p_bh=0.001)],
        ignore_index=True)
    page = lagesbild_html({"estimates": TINY, "changes": changes}, demo=False).decode("utf-8")
    table = page[page.index("<caption>Statistiskt säkerställda"):]
    table = table[:table.index("</table>")]
    assert table.count("<tr>") == 2  # the header and one finding: share and score together
    assert "ökning med 12 procentenheter" in table
    assert "20\u00a0% → 32\u00a0%" in table
    assert "medelpoängen" in table  # the score is named beside the share, not counted again
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
    assert "1 frågor visas inte (röjandekontroll)." in page
    assert "77" not in re.sub(r'src="[^"]*"', "", page)  # the suppressed value never shows
    assert "osäker skattning" in page


def test_lagesbild_html_without_demo_has_no_banner():
    page = lagesbild_html({"estimates": TINY}, year=2024, demo=False).decode("utf-8")
    assert 'class="demo"' not in page
    assert "Det finns ingen tidigare mätning att jämföra 2024 med" in page


def test_the_sections_come_in_the_order_of_the_lagesbild():
    page = lagesbild_html({"estimates": TINY, "changes": CHANGES}, demo=False).decode("utf-8")
    ids = re.findall(r'<section id="([a-z_]+)">', page)
    assert ids == [key for key, _ in SECTIONS]
    assert ids == ["viktigast", "problem", "otrygghet", "utsatthet", "oro", "avstar", "polisen",
                   "kon_alder", "svarsfrekvens", "vandringar", "polisindex", "brott", "loften",
                   "kallor", "ordlista", "metod"]
    nav = re.findall(r'<li><a href="#([a-z_]+)">', page)
    assert nav == ids
    for key in ids[:-1]:
        if key != "vandringar":  # titled with the years the walks cover
            assert f"<h2>{html.escape(REPORT_SECTIONS[key])}</h2>" in page, key
    # without the tables, the breakdown and the promises sections say so
    text = _visible(page)
    assert "Inga medborgarlöften i underlaget." in text


def test_readable_words_instead_of_method_jargon():
    page = lagesbild_html({"estimates": TINY, "changes": CHANGES}, demo=False).decode("utf-8")
    text = _visible(page)
    for word in ("Problemindex (eget)", "Poängsättning: standard", "manifest.json", "EPSG",
                 "hashvärde", "Hashvärde", "ej_angiven", "/work/"):
        assert word not in text, word
    assert not re.search(r"\b(None|nan|NaN|<NA>)\b", text)
    before_method = text[:text.index("Metod\n") if "Metod\n" in text else text.rindex("Metod")]
    assert "Benjamini" not in before_method  # only the method section names the method
    for term in ("Problemindex", "Konfidensintervall (KI)", "Osäker skattning",
                 "Statistiskt säkerställd"):
        assert f"<dt>{term}</dt>" in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page


def test_every_table_has_a_caption_and_scrolls_on_a_narrow_screen():
    page = lagesbild_html({"estimates": TINY, "changes": CHANGES}, demo=False).decode("utf-8")
    tables = page.count("<table>") + page.count('<table class="reflow">')
    assert tables >= 3 and page.count('<table class="reflow">') == 2  # sources and findings
    assert page.count("<caption>") == tables
    assert page.count('<div class="tablewrap"') == tables


def test_every_image_has_an_alt_text_stating_its_finding():
    page = lagesbild_html({"estimates": TINY, "changes": CHANGES}, demo=False).decode("utf-8")
    alts = [html.unescape(a) for a in re.findall(r'<img [^>]*alt="([^"]*)"', page)]
    assert len(alts) == len(IMG.findall(page)) and len(set(alts)) == len(alts)
    assert all(len(a) > 30 for a in alts)
    assert ("Stapeldiagram: störst problem i Centrum 2024 är bilar som kör för fort 61\u00a0% "
            "och klotter 32\u00a0%.") in alts


def test_response_rate_is_okant_without_the_invited_count_and_a_share_with_it():
    responses = pd.DataFrame({"year": [2024] * 3 + [2023], "area": ["01", "01", "02", "01"]})
    register = pd.DataFrame({"area": ["01", "02"], "area_name": ["Centrum", "Öster"],
                             "valid_from": pd.array([2020, 2020], dtype="Int64"),
                             "valid_to": pd.array([pd.NA, pd.NA], dtype="Int64"),
                             "version": ["01@2020", "02@2020"]})
    tables = {"estimates": TINY, "responses": responses, "area_register": register}
    page = lagesbild_html(tables, demo=False).decode("utf-8")
    section = page[page.index('<section id="svarsfrekvens">'):]
    section = section[:section.index("</section>")]
    assert section.count("okänt") >= 6 and "kolumnen <code>inbjudna</code>" in section
    tables["area_register"] = register.assign(invited=pd.array([4, pd.NA], dtype="Int64"))
    page = lagesbild_html(tables, demo=False).decode("utf-8")
    section = page[page.index('<section id="svarsfrekvens">'):]
    section = section[:section.index("</section>")]
    assert '<td class="num">4</td><td class="num">2</td><td class="num">50\u00a0%</td>' in section
    assert '<td>Öster</td><td class="num">okänt</td><td class="num">1</td>' in section


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
    imgs = IMG.findall(page)
    assert len(imgs) >= 18
    assert all(re.search(r'src="data:image/png;base64,', tag) for tag in imgs)
    pngs = sorted((root / "reports" / "figurer").glob("*.png"))
    assert 15 <= len(pngs) <= 25
    assert "lagesbild.html" in manifest["rapporter"]
    # no free text from the walk protocols
    obs = gpd.read_parquet(root / "data" / "processed" / "observations.parquet")
    texts = [t for t in obs["description"].dropna().astype(str) if len(t) > 15]
    assert texts and not any(t in page for t in texts)
    # the full lägesbild: every section has content, the walks are titled with their years
    assert "<h2>Trygghetsvandringar 2019–2024</h2>" in page
    for key in ("utsatthet", "oro", "avstar", "polisen"):
        assert f'data-figur="figurer/{key}.png"' in page, key
    assert "Svarsfrekvens" in page and "Anmälda brott (Brås statistik)" in page


def test_the_underlag_line_names_the_deliveries_as_the_manifest_does(demo_build):
    root, manifest = demo_build
    from analysis.processed import underlag_line

    page = (root / "reports" / "lagesbild.html").read_text(encoding="utf-8")
    assert f'<p class="underlag">{html.escape(underlag_line(manifest))}</p>' in page


def test_report_outputs_match_the_build(demo_build):
    root, manifest = demo_build
    from analysis.processed import underlag_line

    tables = load_processed(root)
    from analysis.report import settings_from_manifest

    out, notes = report_outputs(tables, demo=True, settings=settings_from_manifest(manifest),
                                underlag=underlag_line(manifest))
    assert notes == []
    assert out["lagesbild.html"] == (root / "reports" / "lagesbild.html").read_bytes()
    for key, blob in out.items():
        assert (root / "reports" / key).read_bytes() == blob, key


@pytest.fixture(scope="module")
def drawn(demo_built):
    """Every figure of the demo lägesbild drawn once: key -> (figure texts, smallest font)."""
    planned, _ = plan_figures(load_processed(demo_built.root), year=2024, demo=True)
    out = {}
    for key, p in planned.items():
        fig = p.make()
        out[key] = ("\n".join(t.get_text() for t in fig.texts), smallest_text(fig))
    return out


def test_every_report_figure_has_a_source_line_and_legible_text(drawn):
    assert len(drawn) >= 18
    for key, (text, smallest) in drawn.items():
        assert re.search(r"^Källa: .*syntetisk", text, re.MULTILINE | re.IGNORECASE), key
        assert smallest >= 8.0, key


@pytest.fixture(scope="module")
def seen(demo_built):
    """The demo lägesbild measured in headless Chromium at 1280 and 390 CSS pixels."""
    page = demo_built.reports / "lagesbild.html"
    return {width: probe(page, width) for width in (1280, 390)}


@pytest.mark.skipif(CHROMIUM is None, reason="chromium saknas")
@pytest.mark.parametrize("width", [1280, 390])
def test_lagesbild_fits_the_screen_and_every_image_is_described(seen, width):
    result = seen[width]
    assert result["inner_width"] == width and result["viewport"]
    assert result["scroll_width"] <= width  # the body never scrolls sideways
    assert result["too_wide"] == []  # only figure and table boxes may scroll inside
    assert result["tables"] == result["captions"] > 10
    assert len(result["images"]) >= 18
    for img in result["images"]:
        assert img["alt"] and img["alt"].strip(), img["key"]
        assert img["alt"].strip() != img["heading"].strip(), img["key"]
        assert img["heading"] not in ("", None), img["key"]
    # the promises, the reported crime and the sex/age sections are rendered, with their figures
    keys = {img["key"] for img in result["images"]}
    assert "figurer/medborgarloften.png" in keys
    assert any(k.startswith("figurer/brott") or "brott" in k for k in keys), sorted(keys)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium saknas")
def test_figure_text_is_at_least_8_pt_as_displayed(seen, drawn):
    for width, result in seen.items():
        for img in result["images"]:
            # shown width / width at one figure inch per 96 CSS px = how much it was scaled
            scale = img["width"] / (img["natural"] * 96 / DPI)
            assert drawn[img["key"]][1] * scale >= 8.0 - 1e-6, (width, img["key"], scale)


# --- file names from data (issue 8) -----------------------------------------------------------

HOSTILE_CODES = ["../../X", "../../../../../../tmp/X", "/etc/passwd", "..\\..\\X", "a\0b", "..",
                 ".", "", "X" * 300, "X" * 299 + "Y", "Ö", "o", "O", "kommunen_2", "-rf",
                 "figurer/../../X", "C:\\X"]


def _hostile_estimates(codes: list[str]) -> pd.DataFrame:
    rows = []
    for i, code in enumerate(codes):
        for indicator, item, value in [("andel_stort_problem", "klotter", 0.2 + i / 100),
                                       ("andel_otrygga", "otrygg_kvall", 0.3),
                                       ("problemindex", "alla", 1.2)]:
            rows.append({"year": 2024, "area": code, "area_name": f"Område {i} <b>&",
                         "indicator": indicator, "item": item, "estimate": value, "se": 0.02,
                         "ci_low": value - 0.05, "ci_high": value + 0.05, "n": 100,
                         "scoring": "standard", "suppressed": False, "uncertain": False,
                         "flag_reason": ""})
    frame = pd.DataFrame(rows)
    return frame.astype({"area": "string", "area_name": "string", "indicator": "string",
                         "item": "string", "n": "Int64"})


def test_figure_names_never_hold_a_raw_code(tmp_path):
    from analysis.paths import inside

    est = _hostile_estimates([*HOSTILE_CODES, "kommunen"])
    out, _ = report_outputs({"estimates": est}, year=2024, demo=False)
    reports = tmp_path / "reports"
    figures = reports / "figurer"
    for key in out:
        target = inside(reports, key)  # raises if the key leaves reports/
        assert target == reports / "lagesbild.html" or target.parent == figures, key
        assert key == "lagesbild.html" or re.fullmatch(r"figurer/[a-z0-9_-]{1,80}\.png", key), key
    problem = [k for k in out if k.startswith("figurer/storsta_problem_")]
    assert len(problem) == len(HOSTILE_CODES) + 1  # one per area: no two codes share a file
    assert "figurer/storsta_problem_kommunen.png" in out
    assert "figurer/storsta_problem_kommunen_2.png" in out  # the code, not a renamed kommunen
    # every area's figure is the one embedded in the page, under its own heading
    page = out["lagesbild.html"].decode("utf-8")
    assert page.count("<h3>Område ") == len(HOSTILE_CODES)
    assert page.count("&lt;b&gt;&amp;") >= len(HOSTILE_CODES) and "<b>&" not in page
    for key in problem:
        data = base64.b64encode(out[key]).decode("ascii")
        assert f'src="data:image/png;base64,{data}"' in page, key


def test_figure_names_are_the_same_in_every_build():
    est = _hostile_estimates([*HOSTILE_CODES[:8], "kommunen"])
    first, _ = report_outputs({"estimates": est}, year=2024, demo=False)
    again, _ = report_outputs({"estimates": est.iloc[::-1].reset_index(drop=True)}, year=2024,
                              demo=False)
    assert sorted(first) == sorted(again)


def test_ordinary_codes_keep_their_figure_names():
    out, _ = report_outputs({"estimates": TINY}, year=2024, demo=False)
    assert {"figurer/storsta_problem_01.png", "figurer/storsta_problem_kommunen.png"} <= set(out)


def test_police_indicator_code_is_slugged_in_the_file_name():
    official = pd.DataFrame({
        "year": [2024, 2024], "area": ["kommunen", "01"], "indicator": ["../../../X"] * 2,
        "indicator_name": ["Farligt namn"] * 2, "official_value": [3.5, 2.0],
        "survey_indicator": ["andel_stort_problem"] * 2, "estimate": [0.3, 0.32],
        "ci_low": [0.25, 0.27], "ci_high": [0.35, 0.37], "suppressed": [False, False],
        "uncertain": [False, False], "at_action_level": [True, False],
        "area_name": ["Hela kommunen", "Centrum"]})
    out, notes = report_outputs({"estimates": TINY, "official_vs_survey": official}, year=2024,
                                demo=False)
    assert not any("polisindex" in n for n in notes)
    police = [k for k in out if k.startswith("figurer/polisens_index_")]
    assert police == [f"figurer/polisens_index_{'_' * 9}x.png"]
    page = out["lagesbild.html"].decode("utf-8")
    assert base64.b64encode(out[police[0]]).decode("ascii") in page


def test_an_area_name_with_dollar_signs_does_not_stop_the_report():
    # matplotlib would read $…$ as mathtext; the house style turns that off
    est = _hostile_estimates(["01", "kommunen"])
    est["area_name"] = est["area_name"].mask(est["area"] == "01", "$x^$ och 50 kr")
    out, _ = report_outputs({"estimates": est}, year=2024, demo=False)
    assert "figurer/storsta_problem_01.png" in out


def test_a_delivery_with_many_areas_shows_the_areas_with_the_highest_problemindex():
    from analysis.settings import Settings

    codes = [f"{i:04d}" for i in range(12)]
    est = _hostile_estimates([*codes, "kommunen"])
    index = (est["indicator"] == "problemindex") & (est["area"] != "kommunen")
    est.loc[index, "estimate"] = [0.5 + (i % 5) / 10 + i / 1000 for i in range(12)]
    out, notes = report_outputs({"estimates": est}, year=2024, demo=False,
                                settings=Settings(report_max_areas=4))
    tops = sorted(k for k in out if k.startswith("figurer/storsta_problem_"))
    # highest index: 0009 (0.909), 0004 (0.904), 0008 (0.808), 0003 (0.803), and the kommun
    assert tops == [f"figurer/storsta_problem_{c}.png" for c in
                    ["0003", "0004", "0008", "0009", "kommunen"]]
    assert notes[0].startswith("Underlaget har 12 områden 2024. Lägesbilden visar de 4 med "
                               "högst problemindex")
    assert notes[0] in out["lagesbild.html"].decode("utf-8")
