"""Disclosure rules on a hand-made estimate table."""

import numpy as np
import pandas as pd

from analysis.areas import TOTAL_AREA
from analysis.disclosure import apply_disclosure
from analysis.settings import Settings


def _table():
    rows = [
        # area, indicator, n, numerator, estimate, ci half-width
        ("A", "andel_stort_problem", 25, 10, 0.40, 0.05),  # too few answers
        ("B", "andel_stort_problem", 100, 2, 0.02, 0.03),  # numerator 2
        ("C", "andel_stort_problem", 40, 20, 0.50, 0.05),  # 30-49 answers: uncertain
        ("D", "andel_stort_problem", 300, 150, 0.50, 0.12),  # wide CI: uncertain
        ("E", "andel_stort_problem", 200, 199, 0.995, 0.01),  # complement 1
        (TOTAL_AREA, "andel_stort_problem", 665, 381, 0.57, 0.03),
        ("A", "poang", 35, None, 1.5, 0.2),  # only A suppressed? no: A has 35 -> uncertain
        ("B", "poang", 25, None, 1.2, 0.2),  # the only suppressed area -> secondary on A
        ("C", "poang", 60, None, 1.1, 0.6),  # wide (> 0.5 scale points)
        (TOTAL_AREA, "poang", 120, None, 1.2, 0.1),
    ]
    frame = pd.DataFrame(rows, columns=["area", "indicator", "n", "numerator", "estimate", "half"])
    frame.insert(0, "year", 2024)
    frame.insert(3, "item", "nedskrapning")
    frame["numerator"] = frame["numerator"].astype("Int64")
    frame["se"] = frame["half"] / 1.96
    frame["ci_low"] = frame["estimate"] - frame["half"]
    frame["ci_high"] = frame["estimate"] + frame["half"]
    return frame.drop(columns="half")


def test_primary_secondary_and_uncertain():
    table = _table()
    before = table.copy()
    out = apply_disclosure(table, Settings())
    pd.testing.assert_frame_equal(table, before)  # input untouched
    flags = dict(zip(zip(out["area"], out["indicator"], strict=True),
                     zip(out["suppressed"], out["uncertain"], strict=True), strict=True))
    assert flags[("A", "andel_stort_problem")] == (True, False)
    assert flags[("B", "andel_stort_problem")] == (True, False)
    assert flags[("C", "andel_stort_problem")] == (False, True)
    assert flags[("D", "andel_stort_problem")] == (False, True)
    assert flags[("E", "andel_stort_problem")] == (True, False)
    assert flags[(TOTAL_AREA, "andel_stort_problem")] == (False, False)
    # poang: B is the only primary suppression, so the smallest other area (A, n 35) goes too
    assert flags[("B", "poang")] == (True, False)
    assert flags[("A", "poang")] == (True, False)
    assert flags[("C", "poang")] == (False, True)
    reasons = dict(zip(zip(out["area"], out["indicator"], strict=True), out["flag_reason"],
                       strict=True))
    assert reasons[("A", "poang")] == "undertryckt för att skydda en annan cell"
    assert reasons[("A", "andel_stort_problem")] == "färre än 30 svar"
    assert reasons[("B", "andel_stort_problem")] == "för få i täljaren (1–2)"
    assert reasons[("C", "andel_stort_problem")] == "30–49 svar"
    assert reasons[("D", "andel_stort_problem")] == "brett konfidensintervall"


def test_suppressed_values_are_blanked():
    out = apply_disclosure(_table(), Settings())
    hidden = out[out["suppressed"]]
    for col in ["estimate", "se", "ci_low", "ci_high"]:
        assert hidden[col].isna().all()
    assert hidden["numerator"].isna().all()
    shown = out[~out["suppressed"]]
    assert shown["estimate"].notna().all()
    assert out.loc[out["area"] == "A", "n"].tolist() == [25, 35]  # n >= 5 stays visible


def test_tiny_n_is_hidden_too():
    t = _table()
    t.loc[0, "n"] = 3
    out = apply_disclosure(t, Settings())
    assert pd.isna(out.loc[0, "n"])
    assert np.isnan(out.loc[0, "estimate"])


def test_secondary_suppression_prefers_a_cell_suppressed_in_another_year():
    rows = []
    # 2023: A is primary (25 answers); B has fewer answers than C ...
    rows += [(2023, "A", 25), (2023, "B", 60), (2023, "C", 80), (2023, "D", 200)]
    # ... but C is primary-suppressed in 2024, so the 2023 secondary goes to C, not B
    rows += [(2024, "A", 100), (2024, "B", 90), (2024, "C", 20), (2024, "D", 200)]
    frame = pd.DataFrame(rows, columns=["year", "area", "n"])
    frame["indicator"], frame["item"] = "poang", "klotter"
    frame["estimate"], frame["se"] = 1.0, 0.05
    frame["ci_low"], frame["ci_high"] = 0.9, 1.1
    frame["numerator"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    out = apply_disclosure(frame, Settings())
    hidden = set(zip(out.loc[out["suppressed"], "year"], out.loc[out["suppressed"], "area"],
                     strict=True))
    # 2024: C primary; A is preferred (suppressed in 2023) over B, which has fewer answers
    assert hidden == {(2023, "A"), (2023, "C"), (2024, "C"), (2024, "A")}
