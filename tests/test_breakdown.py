"""The breakdown section's tables (kommun level by sex and age group)."""

import pandas as pd

from analysis.areas import TOTAL_AREA
from analysis.breakdown import MEASURES, breakdown_note, breakdown_tables, measure_label
from analysis.vocabulary import NARRATIVE


def _row(indicator, item, estimate, low, high, suppressed=False, uncertain=False, **keys):
    return {"year": 2024, "indicator": indicator, "item": item, "estimate": estimate,
            "ci_low": low, "ci_high": high, "suppressed": suppressed, "uncertain": uncertain,
            **keys}


def _tables():
    groups = pd.DataFrame([
        _row("andel_otrygga", "otrygg_kvall", 0.38, 0.32, 0.44, breakdown="sex", group="Kvinna"),
        _row("andel_otrygga", "otrygg_kvall", 0.24, 0.19, 0.29, breakdown="sex", group="Man",
             uncertain=True),
        _row("andel_utsatta", "utsatt_vald", None, None, None, suppressed=True,
             breakdown="sex", group="Kvinna"),
        _row("andel_utsatta", "utsatt_vald", None, None, None, suppressed=True,
             breakdown="sex", group="Man"),
        _row("problemindex", "alla", 1.04, 0.99, 1.09, breakdown="age_group", group="65–85"),
        _row("problemindex", "alla", 0.97, 0.86, 1.08, breakdown="age_group", group="16–24"),
    ])
    est = pd.DataFrame([
        _row("andel_otrygga", "otrygg_kvall", 0.32, 0.28, 0.35, area=TOTAL_AREA),
        _row("andel_utsatta", "utsatt_vald", 0.04, 0.02, 0.06, area=TOTAL_AREA),
        _row("problemindex", "alla", 1.02, 0.98, 1.05, area=TOTAL_AREA),
        _row("problemindex", "alla", 1.5, 1.2, 1.8, area="01"),  # an area: not in the section
    ])
    return groups, est


def test_one_table_per_breakdown_with_the_kommun_as_margin():
    groups, est = _tables()
    before = groups.copy()
    tables = breakdown_tables(groups, est, 2024)
    pd.testing.assert_frame_equal(groups, before)  # inputs untouched
    (cap_sex, sex), (cap_age, age) = tables
    assert cap_sex == "Efter kön 2024, hela kommunen"
    assert cap_age == "Efter åldersgrupp 2024, hela kommunen"
    assert list(sex.columns) == ["Mått", "Kvinna", "Man", "Hela kommunen"]
    assert list(age.columns) == ["Mått", "16–24", "65–85", "Hela kommunen"]
    assert list(sex["Mått"]) == ["Andel otrygga ute sent på kvällen", "Problemindex",
                                 "Andel utsatta: utsatt för fysiskt våld"]
    cells = sex.set_index("Mått")
    assert cells.loc["Andel otrygga ute sent på kvällen", "Kvinna"] == "38\u00a0% (32–44\u00a0%)"
    assert cells.loc["Andel otrygga ute sent på kvällen", "Man"].endswith(" *")
    assert cells.loc["Andel otrygga ute sent på kvällen", "Hela kommunen"] == \
        "32\u00a0% (28–35\u00a0%)"
    # hidden cells: the one neutral symbol; a measure not broken down by sex: "–"
    assert cells.loc["Andel utsatta: utsatt för fysiskt våld", "Kvinna"] == ".."
    assert cells.loc["Problemindex", "Kvinna"] == "–"
    assert age.set_index("Mått").loc["Problemindex", "16–24"] == "0,97 (0,86–1,08)"


def test_no_breakdown_no_tables():
    _, est = _tables()
    assert breakdown_tables(None, est, 2024) == []
    assert breakdown_tables(pd.DataFrame(), est, 2024) == []
    groups, _ = _tables()
    assert breakdown_tables(groups, est, 2019) == []


def test_the_note_explains_the_symbols_without_a_reason_per_cell():
    note = breakdown_note()
    assert ".." in note and "*" in note and "röjandekontroll" in note
    assert "täljaren" not in note
    assert NARRATIVE["suppressed_symbol"] == ".."


def test_labels_name_the_question_only_when_a_measure_has_several():
    assert measure_label("andel_otrygga", "otrygg_kvall") == "Andel otrygga ute sent på kvällen"
    assert measure_label("andel_utsatta", "utsatt_hot") == "Andel utsatta: utsatt för hot"
    assert sum(ind == "andel_utsatta" for ind, _ in MEASURES) > 1


def test_demo_breakdown_tables_show_only_controlled_values(demo_built):
    processed = demo_built.processed
    groups = pd.read_parquet(processed / "estimates_by_group.parquet")
    est = pd.read_parquet(processed / "estimates.parquet")
    for year in sorted(groups["year"].unique()):
        tables = breakdown_tables(groups, est, int(year))
        assert [c for c, _ in tables] == [f"Efter kön {year}, hela kommunen",
                                          f"Efter åldersgrupp {year}, hela kommunen"]
        for _, frame in tables:
            assert len(frame) == len(MEASURES)
            text = frame.drop(columns="Mått").to_numpy().ravel()
            assert all(isinstance(t, str) and t for t in text)
    # every hidden group cell in the parquet shows as ".." in the tables (2019 has some)
    hidden = groups[(groups["year"] == 2019) & groups["suppressed"]]
    shown = {(g, ind, it) for g, ind, it in zip(hidden["group"], hidden["indicator"],
                                                 hidden["item"], strict=True)
             if (ind, it) in MEASURES}
    for _, frame in breakdown_tables(groups, est, 2019):
        cells = frame.set_index("Mått")
        for group, ind, item in shown:
            if group in cells.columns:
                assert cells.loc[measure_label(ind, item), group] == ".."
