"""Tests for analysis/figures.py on tiny hand-made frames."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from shapely.geometry import box

from analysis import figures as F
from analysis.style import COLOURS, MAP_COLOURS

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
    return "\n".join(t.get_text() for t in fig.texts)


def ytick_labels(ax) -> list[str]:
    return [t.get_text() for t in ax.get_yticklabels()]


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
    dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(dashed) == 1 and dashed[0].get_xdata()[0] == pytest.approx(0.36)
    assert ax.get_xlabel() == "Andel otrygga ute sent på kvällen"
    notes = texts(fig)
    assert "Värden med för få svar visas inte." in notes
    assert "Syntetiska demodata" in notes
    assert "osäker skattning" in notes


def test_area_ranking_without_hidden_values_has_no_suppression_note_and_no_demo():
    rows = RANKING[RANKING["area"] != "03"]
    fig = F.area_ranking(rows, 2024, "andel_otrygga", "otrygg_kvall", demo=False)
    assert "för få svar" not in texts(fig)
    assert "Syntetiska" not in texts(fig)


def test_area_ranking_names_the_scoring_for_indices():
    rows = est([(2024, "01", "problemindex", "alla", 1.2, 100, False, False)])
    fig = F.area_ranking(rows, 2024, "problemindex", "alla")
    assert "Poängsättning: standard." in texts(fig)
    assert fig.axes[0].get_xlabel() == "Problemindex (eget)"


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
    assert "Värden med för få svar visas inte." in texts(fig)
    assert "Centrum" in ax.get_title(loc="left")


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


def test_trend_breaks_the_line_where_the_area_version_changes():
    rows = _trend_rows()
    assert len(F.trend(rows, "andel_otrygga", "otrygg_kvall").axes[0].lines) == 1
    fig = F.trend(rows, "andel_otrygga", "otrygg_kvall", register=REGISTER)
    lines = fig.axes[0].lines
    assert [list(line.get_xdata()) for line in lines] == [[2021, 2022], [2023, 2024]]
    assert "Ett avbrott i linjen" in texts(fig)


def test_trend_leaves_out_suppressed_years():
    fig = F.trend(_trend_rows(suppress_2022=True), "andel_otrygga", "otrygg_kvall",
                  register=REGISTER)
    assert [list(line.get_xdata()) for line in fig.axes[0].lines] == [[2021], [2023, 2024]]
    assert "Värden med för få svar visas inte." in texts(fig)


def test_trend_draws_the_kommun_total_bold_and_last_in_the_legend():
    rows = pd.concat([_trend_rows(), est([(2024, "kommunen", "andel_otrygga", "otrygg_kvall",
                                           0.33, 400, False, False)])])
    ax = F.trend(rows, "andel_otrygga", "otrygg_kvall").axes[0]
    widths = {line.get_label(): line.get_linewidth() for line in ax.lines}
    assert widths["Hela kommunen"] > widths["Centrum"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Centrum", "Hela kommunen"]


def _changes():
    base = {"year_from": 2023, "year_to": 2024, "indicator": "andel_stort_problem",
            "estimate_from": 0.3, "estimate_to": 0.4, "se_delta": 0.03, "z": 3.0, "p": 0.01,
            "flag_reason": ""}
    rows = [
        {"area": "01", "item": "klotter", "delta": 0.10, "p_bh": 0.01, "significant": True,
         "comparable": True, "suppressed": False},
        {"area": "02", "item": "klotter", "delta": -0.02, "p_bh": 0.60, "significant": False,
         "comparable": True, "suppressed": False},
        {"area": "03", "item": "klotter", "delta": np.nan, "p_bh": np.nan, "significant": False,
         "comparable": False, "suppressed": False},
        {"area": "02", "item": "fortkorning", "delta": np.nan, "p_bh": np.nan,
         "significant": False, "comparable": True, "suppressed": True},
    ]
    frame = pd.DataFrame([base | r for r in rows])
    frame["area_name"] = frame["area"].map(NAMES)
    return frame


def test_changes_overview_draws_only_comparable_published_changes():
    fig = F.changes_overview(_changes(), 2024)
    ax = fig.axes[0]
    points = sum(len(c.get_offsets()) for c in ax.collections)
    assert points == 2
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Centrum", "Öster"]
    assert ytick_labels(ax) == ["Klotter"]
    filled = [c for c in ax.collections
              if len(c.get_facecolor())
              and np.allclose(c.get_facecolor()[0], to_rgba(COLOURS["significant_up"]))]
    assert len(filled) == 1 and list(filled[0].get_offsets()[0]) == [0, 0]
    assert "2 jämförelser visas inte" in texts(fig)
    assert "2023–2024" in ax.get_title(loc="left")


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
    assert c2024[0] == to_rgba(MAP_COLOURS[4])


def test_area_map_greys_suppressed_areas_with_a_legend_entry():
    rows = est([
        (2024, "01", "andel_otrygga", "otrygg_kvall", 0.45, 10, True, False),
        (2024, "02", "andel_otrygga", "otrygg_kvall", 0.25, 100, False, False),
    ])
    fig = F.area_map(rows, _areas_gdf(), 2024, "andel_otrygga", "otrygg_kvall", demo=True)
    assert _map_colours(fig)[0] == to_rgba(COLOURS["suppressed"])
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["0–10\u00a0%", "10–20\u00a0%", "20–30\u00a0%", "30–40\u00a0%",
                      "40–100\u00a0%", "för få svar"]
    assert "Värden med för få svar visas inte." in texts(fig)
    assert "Syntetiska demodata" in texts(fig)


def test_band_index_and_configured_bands():
    limits = [0.0, 0.1, 0.2, 0.3, 0.4, 1.0]
    assert list(F.band_index([0.0, 0.1, 0.15, 0.4, 1.0], limits)) == [0, 1, 1, 4, 4]
    assert F.map_bands("andel_otrygga") == limits
    assert F.map_bands("problemindex") == [0.0, 0.5, 1.0, 1.5, 2.0, 3.0]


def test_walk_followup_chart_stacks_fixed_declined_open_per_area():
    rows = pd.DataFrame({
        "dimension": ["alla", "omrade", "omrade", "ansvarig"],
        "area": pd.array([pd.NA, "01", "02", pd.NA], dtype="string"),
        "responsible": pd.array([pd.NA, pd.NA, pd.NA, "kommunen"], dtype="string"),
        "year": pd.array([pd.NA] * 4, dtype="Int64"),
        "fixed": [9, 6, 3, 9], "declined": [2, 1, 1, 2], "open": [4, 3, 1, 4],
        "share_fixed": [0.6, 0.6, 0.6, 0.6],
        "as_of": pd.to_datetime(["2024-12-31"] * 4),
    })
    fig = F.walk_followup_chart(rows, "omrade", names={"01": "Centrum"})
    ax = fig.axes[0]
    assert ytick_labels(ax) == ["02", "Centrum"]
    assert len(ax.patches) == 6
    assert sorted(p.get_width() for p in ax.patches) == [1, 1, 1, 3, 3, 6]
    assert "Läge per 2024-12-31" in texts(fig)


def test_official_vs_survey_chart_skips_suppressed_and_marks_action_level():
    rows = pd.DataFrame({
        "year": [2024, 2024, 2024], "area": pd.array(["01", "02", "kommunen"], dtype="string"),
        "area_name": ["Centrum", "Öster", "Hela kommunen"],
        "indicator": ["fortkorning"] * 3, "indicator_name": ["Bilar som kör för fort"] * 3,
        "survey_indicator": ["andel_stort_problem"] * 3,
        "official_value": [3.4, 1.2, 2.5], "at_action_level": [True, False, False],
        "estimate": [0.6, np.nan, 0.4], "ci_low": [0.5, np.nan, 0.35],
        "ci_high": [0.7, np.nan, 0.45], "suppressed": [False, True, False],
        "uncertain": [False, False, False],
    })
    fig = F.official_vs_survey_chart(rows, 2024, "fortkorning")
    ax = fig.axes[0]
    points = sum(len(c.get_offsets()) for c in ax.collections if c.get_offsets().ndim == 2
                 and hasattr(c, "get_sizes") and len(c.get_sizes()))
    assert points == 2
    assert [t.get_text() for t in ax.texts] == ["Centrum", "Hela kommunen"]
    assert any(list(line.get_xdata()) == [3.0, 3.0] for line in ax.lines)
    assert ax.get_xlabel() == "Polisens index (0–6)"
    assert ax.get_ylabel() == "Andel stort problem"
    assert "Värden med för få svar visas inte." in texts(fig)


def test_walk_followup_chart_names_responsible_parties_from_the_vocabulary():
    rows = pd.DataFrame({
        "dimension": ["ansvarig", "ansvarig"],
        "responsible": pd.array(["kommunen", "ej_angiven"], dtype="string"),
        "fixed": [2, 0], "declined": [0, 0], "open": [1, 0], "share_fixed": [2 / 3, np.nan],
        "as_of": pd.to_datetime(["2024-12-31"] * 2),
    })
    ax = F.walk_followup_chart(rows, "ansvarig").axes[0]
    assert ytick_labels(ax) == ["Eslövs kommun", "ej angiven"]
    assert [t.get_text() for t in ax.texts] == ["  67\u00a0% åtgärdade"]  # none for the empty row


def test_trend_breaks_on_the_estimates_own_area_version_without_a_register():
    rows = _trend_rows()
    rows = rows.assign(area_version=["01@2021" if y <= 2022 else "01@2023" for y in rows["year"]])
    lines = F.trend(rows, "andel_otrygga", "otrygg_kvall").axes[0].lines
    assert [list(line.get_xdata()) for line in lines] == [[2021, 2022], [2023, 2024]]
