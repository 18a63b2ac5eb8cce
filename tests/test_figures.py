"""Tests for analysis/figures.py on tiny hand-made frames."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from shapely.geometry import box

from analysis import figures as F
from analysis.style import COLOURS, MAP_COLOURS, MIN_FONT_PT, smallest_text

NAMES = {"01": "Centrum", "02": "Öster", "03": "Väster", "kommunen": "Hela kommunen"}


def est(rows) -> pd.DataFrame:
    """rows: (year, area, indicator, item, estimate, n, suppressed, uncertain)."""
    out = []
    for year, area, indicator, item, value, n, suppressed, uncertain in rows:
        out.append({"year": year, "area": area, "area_name": NAMES[area],
                    "indicator": indicator, "item": item,
                    "estimate": np.nan if suppressed else value,
                    "se": np.nan if suppressed else 0.02,
                    "ci_low": np.nan if suppressed else value - 0.05,
                    "ci_high": np.nan if suppressed else value + 0.05,
                    "n": n, "scoring": "standard", "suppressed": suppressed,
                    "uncertain": uncertain, "flag_reason": ""})
    frame = pd.DataFrame(out)
    return frame.astype({"area": "string", "area_name": "string", "indicator": "string",
                         "item": "string", "n": "Int64"})


def texts(fig) -> str:
    """Every text of the figure: title, notes and source line (figure texts) and axes texts."""
    return "\n".join([t.get_text() for t in fig.texts]
                     + [t.get_text() for ax in fig.axes for t in ax.texts])


def title(fig) -> str:
    return fig.texts[0].get_text().replace("\n", " ")


def ytick_labels(ax) -> list[str]:
    return [t.get_text() for t in ax.get_yticklabels()]


def lines(ax, gid: str) -> list[list]:
    return [list(line.get_xdata()) for line in ax.lines if line.get_gid() == gid]


RANKING = est([
    (2024, "01", "andel_otrygga", "otrygg_kvall", 0.30, 120, False, False),
    (2024, "02", "andel_otrygga", "otrygg_kvall", 0.45, 40, False, True),
    (2024, "03", "andel_otrygga", "otrygg_kvall", 0.50, 12, True, False),
    (2024, "kommunen", "andel_otrygga", "otrygg_kvall", 0.36, 172, False, False),
    (2023, "01", "andel_otrygga", "otrygg_kvall", 0.90, 120, False, False),
])


def test_area_ranking_draws_only_published_areas_sorted_with_total_line():
    before = RANKING.copy()
    fig = F.area_ranking(RANKING, 2024, "andel_otrygga", "otrygg_kvall", demo=True)
    pd.testing.assert_frame_equal(RANKING, before)  # input not mutated
    ax = fig.axes[0]
    assert ytick_labels(ax) == ["Centrum", "Öster"]  # smallest at the bottom, Väster hidden
    assert len(ax.patches) == 2
    assert [p.get_width() for p in ax.patches] == pytest.approx([0.30, 0.45])
    assert ax.patches[1].get_hatch() == "///" and not ax.patches[0].get_hatch()
    assert [t.get_text() for t in ax.texts] == ["30\u00a0%", "45\u00a0%"]  # values beside bars
    dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(dashed) == 1 and dashed[0].get_xdata()[0] == pytest.approx(0.36)
    assert ax.get_xlabel() == "Andel otrygga ute sent på kvällen"
    notes = texts(fig)
    assert "Värden som inte får visas (röjandekontroll) är utelämnade." in notes
    assert "Syntetiska demodata" in notes
    assert "osäker skattning" in notes
    assert title(fig) == "Andel otrygga ute sent på kvällen 2024: Trygghet ute ensam sent en kväll"


def test_area_ranking_without_hidden_values_has_no_suppression_note_and_no_demo():
    rows = RANKING[RANKING["area"] != "03"]
    fig = F.area_ranking(rows, 2024, "andel_otrygga", "otrygg_kvall", demo=False)
    assert "visas inte" not in texts(fig)
    assert "Syntetiska" not in texts(fig)


def test_index_figures_state_the_scale_not_the_scoring_code():
    rows = est([(2024, "01", "problemindex", "alla", 1.2, 100, False, False)])
    fig = F.area_ranking(rows, 2024, "problemindex", "alla")
    assert ("Skala 0–3: inget problem alls = 0, mycket/ganska litet = 1, ganska stort = 2, "
            "mycket stort = 3.") in texts(fig)
    assert "Poängsättning" not in texts(fig) and "standard" not in texts(fig)
    assert fig.axes[0].get_xlabel() == "Problemindex"  # no "(eget)": the glossary says so


# --- the source line -----------------------------------------------------------------------------


def test_credit_writes_the_source_line():
    credit = F.Credit(processor="Eslövs kommun", respondents={2023: 951, 2024: 935})
    assert credit.survey([2024]) == ("Källa: Polisens trygghetsmätning 2024, n = 935. "
                                     "Bearbetning: Eslövs kommun med trygghetsanalys.")
    assert credit.survey([2023, 2024]) == ("Källa: Polisens trygghetsmätning 2023–2024, "
                                           "935–951 svar per år. Bearbetning: Eslövs kommun med "
                                           "trygghetsanalys.")
    demo = F.Credit(demo=True)
    assert demo.survey([2024], fallback_n=1234) == (
        "Källa: syntetiska demodata i trygghetsmätningens form 2024, n = 1\u202f234. "
        "Bearbetning: trygghetsanalys.")
    assert F.Credit().walks([2019, 2024], pd.Timestamp("2024-12-31")) == (
        "Källa: Protokoll från trygghetsvandringar 2019–2024, läge per 2024-12-31. "
        "Bearbetning: trygghetsanalys.")


def test_without_credit_a_figure_names_the_largest_number_of_answers():
    fig = F.area_ranking(RANKING, 2024, "andel_otrygga", "otrygg_kvall")
    assert "Källa: Polisens trygghetsmätning 2024, n = 172. Bearbetning: trygghetsanalys." \
        in texts(fig).replace("\n", " ")


def _all_figures():
    """One of every figure function, drawn from tiny frames (name, figure)."""
    problems = est([(2024, "01", "andel_stort_problem", "klotter", 0.2, 100, False, False),
                    (2024, "kommunen", "andel_stort_problem", "klotter", 0.3, 300, False,
                     False)])
    panels = est([(2024, "01", "andel_utsatta", "utsatt_hot", 0.05, 100, False, True),
                  (2024, "kommunen", "andel_utsatta", "utsatt_hot", 0.04, 300, False, False)])
    return [
        ("area_ranking", F.area_ranking(RANKING, 2024, "andel_otrygga", "otrygg_kvall")),
        ("top_problems", F.top_problems(problems, 2024, "01")),
        ("indicator_panels", F.indicator_panels(panels, 2024, [("andel_utsatta", "utsatt_hot")],
                                                "Utsatthet 2024")),
        ("trend", F.trend(_trend_rows(), "andel_otrygga", "otrygg_kvall", register=REGISTER)),
        ("changes_overview", F.changes_overview(_changes(), 2024)),
        ("area_map", F.area_map(RANKING, _areas_gdf(), 2024, "andel_otrygga", "otrygg_kvall")),
        ("walk_followup_chart", F.walk_followup_chart(_walk_rows(), "ansvarig")),
        ("official_vs_survey_chart", F.official_vs_survey_chart(_official_rows(), 2024,
                                                                "fortkorning")),
    ]


def test_every_figure_has_a_source_line_and_no_text_below_the_minimum_size():
    for name, fig in _all_figures():
        lines_ = [line for line in texts(fig).split("\n") if line.startswith("Källa: ")]
        assert lines_, name
        assert "Bearbetning: " in texts(fig).replace("\n", " "), name
        assert smallest_text(fig) >= MIN_FONT_PT, name


def test_the_demo_says_so_in_every_source_line():
    for name, fig in [("ranking", F.area_ranking(RANKING, 2024, "andel_otrygga", "otrygg_kvall",
                                                 demo=True)),
                      ("walks", F.walk_followup_chart(_walk_rows(), "ansvarig", demo=True)),
                      ("police", F.official_vs_survey_chart(_official_rows(), 2024,
                                                            "fortkorning", demo=True))]:
        source = next(line for line in texts(fig).split("\n") if line.startswith("Källa:"))
        assert "syntetisk" in source.lower(), name


# --- bars ----------------------------------------------------------------------------------------


def test_top_problems_takes_the_n_largest_published_items_largest_on_top():
    rows = est([
        (2024, "01", "andel_stort_problem", "klotter", 0.20, 100, False, False),
        (2024, "01", "andel_stort_problem", "fortkorning", 0.60, 100, False, False),
        (2024, "01", "andel_stort_problem", "nedskrapning", 0.40, 100, False, False),
        (2024, "01", "andel_stort_problem", "missbruk", 0.90, 100, True, False),
        (2024, "02", "andel_stort_problem", "klotter", 0.95, 100, False, False),
    ])
    fig = F.top_problems(rows, 2024, "01", n=2)
    ax = fig.axes[0]
    assert ytick_labels(ax) == ["Nedskräpning", "Bilar som kör för fort"]
    assert [p.get_width() for p in ax.patches] == pytest.approx([0.40, 0.60])
    assert "Värden som inte får visas (röjandekontroll) är utelämnade." in texts(fig)
    assert title(fig) == "Största problemen 2024: Centrum"


def test_indicator_panels_one_panel_per_question_areas_as_rows():
    rows = est([(2024, a, "andel_oroliga", item, v, 100, a == "03", a == "02")
                for item in ("oro_brott", "oro_inbrott")
                for a, v in [("01", 0.2), ("02", 0.3), ("03", 0.4), ("kommunen", 0.25)]])
    fig = F.indicator_panels(rows, 2024, [("andel_oroliga", "oro_brott"),
                                          ("andel_oroliga", "oro_inbrott")], "Oro 2024")
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 2
    assert [ax.get_title(loc="left") for ax in axes] == ["Oro för att utsättas för brott",
                                                         "Oro för inbrott i bostaden"]
    assert ytick_labels(axes[0]) == ["Centrum", "Öster", "Väster", "Hela kommunen"]
    assert axes[0].get_xlim() == axes[1].get_xlim()  # panels compare
    assert [t.get_text() for t in axes[0].texts].count("visas inte") == 1
    points = [c for c in axes[0].collections if c.get_gid() == "estimate"]
    assert len(points) == 3  # Väster hidden
    assert title(fig) == "Oro 2024"


# --- trend ---------------------------------------------------------------------------------------


REGISTER = pd.DataFrame({
    "area": pd.array(["01", "01"], dtype="string"),
    "area_name": ["Centrum", "Centrum"],
    "valid_from": pd.array([2020, 2023], dtype="Int64"),
    "valid_to": pd.array([2022, pd.NA], dtype="Int64"),
    "version": ["01@2020", "01@2023"],
})


def _trend_rows(suppress_2022=False):
    return est([(y, "01", "andel_otrygga", "otrygg_kvall", 0.3 + 0.01 * i, 100,
                 suppress_2022 and y == 2022, False)
                for i, y in enumerate([2021, 2022, 2023, 2024])])


def test_trend_breaks_the_line_where_the_area_version_changes_and_marks_it():
    rows = _trend_rows()
    ax = F.trend(rows, "andel_otrygga", "otrygg_kvall").axes[0]
    assert len(lines(ax, "estimate")) == 1 and not lines(ax, "break")
    fig = F.trend(rows, "andel_otrygga", "otrygg_kvall", register=REGISTER)
    ax = fig.axes[0]
    assert lines(ax, "estimate") == [[2021, 2022], [2023, 2024]]
    assert lines(ax, "break") == [[2022.5, 2022.5]]  # a visible line between the versions
    assert "nya gränser" in [t.get_text() for t in ax.texts]
    assert "Linjen bryts där området fick nya gränser" in texts(fig)


def test_trend_leaves_out_suppressed_years():
    fig = F.trend(_trend_rows(suppress_2022=True), "andel_otrygga", "otrygg_kvall",
                  register=REGISTER)
    assert lines(fig.axes[0], "estimate") == [[2021], [2023, 2024]]
    assert "Värden som inte får visas (röjandekontroll) är utelämnade." in texts(fig)


def test_trend_is_small_multiples_with_the_kommun_as_a_comparison_line():
    rows = pd.concat([_trend_rows(),
                      est([(y, "02", "andel_otrygga", "otrygg_kvall", 0.2, 100, False, False)
                           for y in (2021, 2022, 2023, 2024)]),
                      est([(y, "kommunen", "andel_otrygga", "otrygg_kvall", 0.33, 400, False,
                            False) for y in (2021, 2022, 2023, 2024)])])
    fig = F.trend(rows, "andel_otrygga", "otrygg_kvall")
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title(loc="left") for ax in axes] == ["Centrum", "Öster", "Hela kommunen"]
    assert len({ax.get_ylim() for ax in axes}) == 1  # one scale for every panel
    assert all(len(lines(ax, "reference")) == 1 for ax in axes[:2])
    assert not lines(axes[2], "reference")  # the kommun panel is the kommun itself
    total = [line for line in axes[2].lines if line.get_gid() == "estimate"]
    area = [line for line in axes[0].lines if line.get_gid() == "estimate"]
    assert total[0].get_linewidth() > area[0].get_linewidth()


def test_trend_breaks_on_the_estimates_own_area_version_without_a_register():
    rows = _trend_rows()
    rows = rows.assign(area_version=["01@2021" if y <= 2022 else "01@2023" for y in rows["year"]])
    assert lines(F.trend(rows, "andel_otrygga", "otrygg_kvall").axes[0], "estimate") == [
        [2021, 2022], [2023, 2024]]


# --- changes -------------------------------------------------------------------------------------


def _changes():
    base = {"year_from": 2023, "year_to": 2024, "indicator": "andel_stort_problem",
            "estimate_from": 0.3, "estimate_to": 0.4, "se_delta": 0.03, "z": 3.0, "p": 0.01,
            "flag_reason": ""}
    rows = [
        {"area": "01", "item": "klotter", "delta": 0.10, "p_bh": 0.01, "significant": True,
         "comparable": True, "suppressed": False},
        {"area": "02", "item": "klotter", "delta": -0.02, "p_bh": 0.60, "significant": False,
         "comparable": True, "suppressed": False},
        {"area": "kommunen", "item": "klotter", "delta": 0.03, "p_bh": 0.30,
         "significant": False, "comparable": True, "suppressed": False},
        {"area": "03", "item": "klotter", "delta": np.nan, "p_bh": np.nan, "significant": False,
         "comparable": False, "suppressed": False},
        {"area": "02", "item": "fortkorning", "delta": np.nan, "p_bh": np.nan,
         "significant": False, "comparable": True, "suppressed": True},
    ]
    frame = pd.DataFrame([base | r for r in rows])
    frame["area_name"] = frame["area"].map(NAMES)
    return frame


def test_changes_overview_shows_the_direction_of_every_change_and_a_size_legend():
    fig = F.changes_overview(_changes(), 2024)
    ax = fig.axes[0]
    groups = {c.get_gid(): [list(o) for o in c.get_offsets()] for c in ax.collections}
    assert groups == {"increase_sig": [[0, 0]], "decrease_ns": [[1, 0]],
                      "increase_ns": [[2, 0]]}  # Väster and the suppressed one not drawn
    marker = {c.get_gid(): c.get_paths()[0].vertices for c in ax.collections}
    # an increase points up, a decrease down, significant or not
    assert marker["decrease_ns"][:, 1].argmin() != marker["increase_ns"][:, 1].argmin()
    sig = next(c for c in ax.collections if c.get_gid() == "increase_sig")
    assert np.allclose(sig.get_facecolor()[0], to_rgba(COLOURS["significant_up"]))
    ns = next(c for c in ax.collections if c.get_gid() == "decrease_ns")
    assert np.allclose(ns.get_facecolor()[0], to_rgba("white"))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Centrum", "Öster", "Hela kommunen"]
    sizes = [t.get_text() for t in ax.get_legend().get_texts()]
    assert sizes == ["5 procentenheter", "10 procentenheter", "20 procentenheter"]
    kinds = [t.get_text() for t in fig.legends[0].get_texts()]
    assert kinds == ["Säkerställd ökning", "Säkerställd minskning", "Ökning, inte säkerställd",
                     "Minskning, inte säkerställd"]
    assert "2 jämförelser visas inte" in texts(fig)
    assert "Benjamini" not in texts(fig)
    assert title(fig).startswith("Förändring 2023–2024")


# --- maps ----------------------------------------------------------------------------------------


def _areas_gdf():
    return gpd.GeoDataFrame({
        "area": ["01", "01", "02"], "area_name": ["Centrum", "Centrum", "Öster"],
        "valid_from": pd.array([2020, 2023, 2020], dtype="Int64"),
        "valid_to": pd.array([2022, pd.NA, pd.NA], dtype="Int64"),
        "version": ["01@2020", "01@2023", "02@2020"],
    }, geometry=[box(0, 0, 1000, 1000), box(0, 0, 1200, 1000), box(1000, 0, 2000, 1000)],
        crs=3006)


def _map_colours(fig) -> list[tuple]:
    return [tuple(c.get_facecolor()[0]) for c in fig.axes[0].collections]


def test_area_map_uses_the_same_colour_for_the_same_value_in_every_year():
    rows = est([
        (2022, "01", "andel_otrygga", "otrygg_kvall", 0.05, 100, False, False),
        (2022, "02", "andel_otrygga", "otrygg_kvall", 0.25, 100, False, False),
        (2024, "01", "andel_otrygga", "otrygg_kvall", 0.45, 100, False, False),
        (2024, "02", "andel_otrygga", "otrygg_kvall", 0.25, 100, False, False),
    ])
    gdf = _areas_gdf()
    c2022 = _map_colours(F.area_map(rows, gdf, 2022, "andel_otrygga", "otrygg_kvall"))
    c2024 = _map_colours(F.area_map(rows, gdf, 2024, "andel_otrygga", "otrygg_kvall"))
    assert len(c2022) == len(c2024) == 2  # only the versions valid that year
    assert c2022[1] == c2024[1] == to_rgba(MAP_COLOURS[2])  # 25 % -> band 20–30 %
    assert c2022[0] == to_rgba(MAP_COLOURS[0])
    assert c2024[0] == to_rgba(MAP_COLOURS[4])  # 45 % -> band 40–50 %


def test_map_classes_separate_the_values_a_kommun_shows():
    # 47 % and 58 % shared the top class 40–100 % before; the bands are finer now
    limits = F.map_bands("andel_otrygga")
    assert F.band_index([0.47], limits)[0] != F.band_index([0.58], limits)[0]
    assert F.band_index([0.36], limits)[0] != F.band_index([0.47], limits)[0]
    score = F.map_bands("problemindex")
    assert len({int(i) for i in F.band_index([0.80, 1.01, 1.35], score)}) == 3


def test_area_map_names_the_areas_and_has_a_scale_bar_and_a_north_arrow():
    rows = est([
        (2024, "01", "andel_otrygga", "otrygg_kvall", 0.45, 10, True, False),
        (2024, "02", "andel_otrygga", "otrygg_kvall", 0.25, 100, False, False),
    ])
    fig = F.area_map(rows, _areas_gdf(), 2024, "andel_otrygga", "otrygg_kvall", demo=True)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.texts if t.get_gid() == "area_label"]
    assert labels == ["Centrum\nvisas inte", "Öster\n25\u00a0%"]
    assert [t.get_text() for t in ax.texts if t.get_gid() == "scale_bar"] == ["250 m"]
    assert [t.get_text() for t in ax.texts if t.get_gid() == "north_arrow"] == ["N"]
    assert _map_colours(fig)[0] == to_rgba(COLOURS["suppressed"])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["0–10\u00a0%", "10–20\u00a0%", "20–30\u00a0%", "30–40\u00a0%",
                      "40–50\u00a0%", "50–60\u00a0%", "60–100\u00a0%", "visas inte"]
    assert "Värden som inte får visas (röjandekontroll) är utelämnade." in texts(fig)
    assert "Syntetiska demodata" in texts(fig)
    assert "EPSG" not in texts(fig)


def test_a_small_area_is_drawn_again_enlarged():
    gdf = gpd.GeoDataFrame({
        "area": ["01", "02"], "area_name": ["Staden", "Landet"],
        "valid_from": pd.array([2020, 2020], dtype="Int64"),
        "valid_to": pd.array([pd.NA, pd.NA], dtype="Int64"), "version": ["01@2020", "02@2020"],
    }, geometry=[box(4000, 4000, 5000, 5000), box(0, 0, 20000, 20000).difference(
        box(4000, 4000, 5000, 5000))], crs=3006)
    rows = est([(2024, "01", "andel_otrygga", "otrygg_kvall", 0.3, 100, False, False),
                (2024, "02", "andel_otrygga", "otrygg_kvall", 0.2, 100, False, False)])
    rows["area_name"] = rows["area"].map({"01": "Staden", "02": "Landet"})
    fig = F.area_map(rows, gdf, 2024, "andel_otrygga", "otrygg_kvall")
    main, zoom = fig.axes[:2]
    assert [t.get_text() for t in zoom.texts if t.get_gid() == "area_label"] == [
        "Staden\n30\u00a0%"]
    assert [t.get_text() for t in main.texts if t.get_gid() == "area_label"] == [
        "Landet\n20\u00a0%"]
    assert "Rutan i kartan till vänster visas förstorad till höger." in texts(fig)


def test_band_index_and_configured_bands():
    limits = [0.0, 0.1, 0.2, 0.3, 0.4, 1.0]
    assert list(F.band_index([0.0, 0.1, 0.15, 0.4, 1.0], limits)) == [0, 1, 1, 4, 4]
    assert F.map_bands("andel_otrygga") == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 1.0]
    assert F.map_bands("problemindex") == [0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 3.0]
    assert F.band_colours(7) == MAP_COLOURS


# --- walks and the police's index ------------------------------------------------------------------


def _walk_rows():
    return pd.DataFrame({
        "dimension": ["alla", "ar", "ar", "omrade", "omrade", "ansvarig", "ansvarig",
                      "ansvarig"],
        "area": pd.array([pd.NA, pd.NA, pd.NA, "01", "02", pd.NA, pd.NA, pd.NA], dtype="string"),
        "responsible": pd.array([pd.NA, pd.NA, pd.NA, pd.NA, pd.NA, "kommunen", "polisen",
                                 "ej_angiven"], dtype="string"),
        "year": pd.array([pd.NA, 2019, 2024, pd.NA, pd.NA, pd.NA, pd.NA, pd.NA], dtype="Int64"),
        "fixed": [9, 5, 4, 6, 3, 2, 7, 0], "declined": [2, 1, 1, 1, 1, 0, 2, 0],
        "open": [4, 1, 3, 3, 1, 5, 1, 0], "counted": [15, 7, 8, 10, 5, 7, 10, 0],
        "share_fixed": [0.6, 0.7, 0.5, 0.6, 0.6, 2 / 7, 0.7, np.nan],
        "as_of": pd.to_datetime(["2024-12-31"] * 8),
    })


def test_walk_followup_chart_stacks_fixed_declined_open_per_area():
    fig = F.walk_followup_chart(_walk_rows(), "omrade", names={"01": "Centrum"})
    ax = fig.axes[0]
    assert ytick_labels(ax) == ["02", "Centrum"]  # most open on top
    assert len(ax.patches) == 6
    assert sorted(p.get_width() for p in ax.patches) == [1, 1, 1, 3, 3, 6]
    assert "läge per 2024-12-31" in texts(fig)
    assert title(fig).startswith("Trygghetsvandringar 2019–2024:")  # the years it covers


def test_walks_per_responsible_by_open_cases_without_empty_rows():
    ax = F.walk_followup_chart(_walk_rows(), "ansvarig").axes[0]
    # 5 open on top; no "ej angiven"; the package's neutral label for the kommun
    assert ytick_labels(ax) == ["Polisen", "kommunen"]
    assert [t.get_text() for t in ax.texts] == ["  70\u00a0% åtgärdade", "  29\u00a0% åtgärdade"]


def test_a_responsible_not_given_with_problems_reads_ej_angiven():
    rows = _walk_rows()
    rows.loc[rows["responsible"] == "ej_angiven", ["open", "counted"]] = [9, 9]
    ax = F.walk_followup_chart(rows, "ansvarig").axes[0]
    assert ytick_labels(ax)[-1] == "Ej angiven"


def _official_rows():
    return pd.DataFrame({
        "year": [2024, 2024, 2024], "area": pd.array(["01", "02", "kommunen"], dtype="string"),
        "area_name": ["Centrum", "Öster", "Hela kommunen"],
        "indicator": ["fortkorning"] * 3, "indicator_name": ["Bilar som kör för fort"] * 3,
        "survey_indicator": ["andel_stort_problem"] * 3,
        "official_value": [3.4, 1.2, 2.5], "at_action_level": [True, False, False],
        "estimate": [0.6, np.nan, 0.4], "ci_low": [0.5, np.nan, 0.35],
        "ci_high": [0.7, np.nan, 0.45], "n": [100, 20, 300], "suppressed": [False, True, False],
        "uncertain": [False, False, False], "spearman_rho": [0.5] * 3,
    })


def test_official_vs_survey_chart_skips_suppressed_and_shows_the_whole_scale():
    fig = F.official_vs_survey_chart(_official_rows(), 2024, "fortkorning")
    ax = fig.axes[0]
    points = sum(len(c.get_offsets()) for c in ax.collections if c.get_offsets().ndim == 2
                 and hasattr(c, "get_sizes") and len(c.get_sizes()))
    assert points == 2
    assert [t.get_text() for t in ax.texts] == ["Centrum", "Hela kommunen"]
    assert any(list(line.get_xdata()) == [3.0, 3.0] for line in ax.lines)
    assert ax.get_xlim() == (0.0, 6.0)  # the police's whole 0–6 scale
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(i) for i in range(7)]
    assert ax.get_ylabel() == "Andel stort problem"
    assert "Värden som inte får visas (röjandekontroll) är utelämnade." in texts(fig)
    assert "Polisens publicerade index 2024" in texts(fig)
