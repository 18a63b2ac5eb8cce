"""Disclosure rules on hand-made estimate tables (primary rules, covers, linked cells,
the neutral remark, relative precision)."""

import numpy as np
import pandas as pd
import pytest

from analysis.areas import TOTAL_AREA
from analysis.disclosure import (
    MAX_CV,
    MAX_RELATIVE_WIDTH,
    REASON_CODES,
    RELATIVE_MIN_WIDTH,
    apply_disclosure,
    cells_from_frame,
    suppress,
)
from analysis.settings import Settings
from analysis.vocabulary import FLAGS

NEUTRAL = "Visas inte (röjandekontroll)"


def _frame(rows, year=2024, item="nedskrapning"):
    """rows: (area, indicator, n, numerator, estimate, ci half-width[, breakdown, group])."""
    records = []
    for r in rows:
        area, indicator, n, num, est, half = r[:6]
        breakdown, group = (r[6], r[7]) if len(r) > 6 else ("", "")
        records.append({"year": year, "area": area, "breakdown": breakdown, "group": group,
                        "indicator": indicator, "item": item, "n": n, "numerator": num,
                        "estimate": est, "se": half / 1.96, "ci_low": est - half,
                        "ci_high": est + half})
    frame = pd.DataFrame(records)
    frame["numerator"] = frame["numerator"].astype("Int64")
    frame["cv"] = frame["se"] / frame["estimate"]
    frame["n_eff"] = frame["n"].astype(float)
    return frame


def _shares(nums, n=150, indicator="andel_vet_ej", item="nedskrapning", year=2024):
    """Areas A, B, ... with these numerators out of ``n``, and the kommun total."""
    rows = [(chr(65 + k), indicator, n, x, x / n, 0.03) for k, x in enumerate(nums)]
    rows.append((TOTAL_AREA, indicator, n * len(nums), sum(nums), sum(nums) / (n * len(nums)),
                 0.01))
    return _frame(rows, year=year, item=item)


def _hidden(out):
    return set(zip(out.loc[out["suppressed"], "area"], out.loc[out["suppressed"], "indicator"],
                   strict=True))


def test_primary_rules_and_one_neutral_remark():
    rows = [
        ("A", "andel_stort_problem", 25, 10, 0.40, 0.05),  # too few answers
        ("B", "andel_stort_problem", 100, 2, 0.02, 0.03),  # numerator 2
        ("C", "andel_stort_problem", 40, 20, 0.50, 0.05),  # the smallest valid cover
        ("D", "andel_stort_problem", 300, 150, 0.50, 0.12),  # wide CI: uncertain
        ("E", "andel_stort_problem", 200, 199, 0.995, 0.004),  # complement 1
        ("F", "andel_stort_problem", 300, 100, 0.333, 0.05),  # plain
        ("G", "andel_stort_problem", 45, 20, 0.44, 0.05),  # 30-49 answers: uncertain
        (TOTAL_AREA, "andel_stort_problem", 1010, 502, 0.50, 0.03),
    ]
    table = _frame(rows)
    before = table.copy()
    out = apply_disclosure(table, Settings())
    pd.testing.assert_frame_equal(table, before)  # input untouched
    flags = dict(zip(out["area"], zip(out["suppressed"], out["uncertain"], strict=True),
                     strict=True))
    assert flags["A"] == (True, False) and flags["B"] == (True, False)
    assert flags["E"] == (True, False)
    # B and E cannot cover (1-2 people on one side), so C, the smallest valid cell, covers A
    assert flags["C"] == (True, False)
    assert flags["G"] == (False, True) and flags["D"] == (False, True)
    assert flags["F"] == (False, False) and flags[TOTAL_AREA] == (False, False)
    reasons = dict(zip(out["area"], out["flag_reason"], strict=True))
    # every hidden cell says the same thing, primary or secondary; the reason is not shown
    assert {reasons[a] for a in "ABCE"} == {NEUTRAL} == {FLAGS["suppressed"]}
    assert reasons["G"] == "30–49 svar"
    assert reasons["D"] == "brett konfidensintervall"
    for text in out["flag_reason"]:
        assert "täljaren" not in text and "skydda" not in text and "färre än" not in text


def test_suppressed_rows_lose_every_number_including_n():
    out = apply_disclosure(_shares([2, 40, 50, 60]), Settings())
    hidden = out[out["suppressed"]]
    assert len(hidden) == 2
    for col in ["estimate", "se", "ci_low", "ci_high", "cv", "n_eff", "numerator", "n"]:
        assert hidden[col].isna().all(), col
    shown = out[~out["suppressed"]]
    assert shown["estimate"].notna().all() and shown["n"].notna().all()


def test_the_cover_is_never_a_cell_with_one_or_two_persons():
    # A is primary (2 people); B has 1 (itself primary), C has 0 (nearly known too), D is
    # the smallest valid cover (5), E a larger one
    out = apply_disclosure(_shares([2, 1, 0, 5, 40]), Settings())
    assert _hidden(out) == {("A", "andel_vet_ej"), ("B", "andel_vet_ej"),
                            ("D", "andel_vet_ej")}


def test_a_cover_needs_room_in_the_complement_too():
    # A: complement 2; B: 148 of 150 (complement 2) cannot cover; C can
    out = apply_disclosure(_shares([148, 148, 100, 120], indicator="andel_stort_problem"),
                           Settings())
    assert {a for a, _ in _hidden(out)} == {"A", "B", "C"}


def test_the_issue_13_differencing_of_measures_is_closed():
    """n(Andel Vet ej) - n(Medelpoäng) gave the hidden Vet ej count (2020, area 04,
    fortkörning: 142 - 141 = 1). Now the Vet ej row's n is hidden, and so is a second
    area's, so neither the measure nor the area total gives it away."""
    rows = []
    for area, answered, dk in [("03", 176, 8), ("04", 141, 1), ("05", 160, 9)]:
        rows += [(area, "poang", answered, None, 1.2, 0.1),
                 (area, "andel_stort_problem", answered, 40, 40 / answered, 0.07),
                 (area, "andel_vet_ej", answered + dk, dk, dk / (answered + dk), 0.03)]
    rows += [(TOTAL_AREA, "poang", 477, None, 1.2, 0.05),
             (TOTAL_AREA, "andel_stort_problem", 477, 120, 120 / 477, 0.04),
             (TOTAL_AREA, "andel_vet_ej", 495, 18, 18 / 495, 0.02)]
    out = apply_disclosure(_frame(rows, year=2020, item="fortkorning"), Settings())
    assert _hidden(out) == {("04", "andel_vet_ej"), ("05", "andel_vet_ej")}
    vet_ej = out[out["indicator"] == "andel_vet_ej"].set_index("area")
    assert pd.isna(vet_ej.loc["04", "n"]) and pd.isna(vet_ej.loc["05", "n"])
    # what is left: the two hidden areas together, never one of them
    shown = vet_ej["n"].dropna()
    assert shown.to_dict() == {"03": 184, TOTAL_AREA: 495}


def test_cover_prefers_a_domain_hidden_for_another_measure_of_the_question():
    # B is the smaller valid cover, but C already hides its share of the same question
    rows = [("A", "andel_vet_ej", 150, 1, 0.007, 0.02), ("B", "andel_vet_ej", 150, 5, 0.03, 0.03),
            ("C", "andel_vet_ej", 170, 9, 0.05, 0.03),
            ("A", "andel_stort_problem", 149, 30, 0.2, 0.06),
            ("B", "andel_stort_problem", 145, 30, 0.2, 0.06),
            ("C", "andel_stort_problem", 161, 2, 0.01, 0.02),
            (TOTAL_AREA, "andel_vet_ej", 470, 15, 0.03, 0.02),
            (TOTAL_AREA, "andel_stort_problem", 455, 62, 0.14, 0.03)]
    out = apply_disclosure(_frame(rows), Settings())
    hidden = _hidden(out)
    assert ("C", "andel_vet_ej") in hidden and ("B", "andel_vet_ej") not in hidden
    assert ("A", "andel_vet_ej") in hidden and ("C", "andel_stort_problem") in hidden


def test_secondary_suppression_prefers_a_cell_suppressed_in_another_year():
    rows = []
    # 2023: A is primary (25 answers); B has fewer answers than C ...
    rows += [(2023, "A", 25), (2023, "B", 60), (2023, "C", 80), (2023, "D", 200)]
    # ... but C is primary in 2024, so the 2023 cover is C, not B
    rows += [(2024, "A", 100), (2024, "B", 90), (2024, "C", 20), (2024, "D", 200)]
    frame = pd.DataFrame(rows, columns=["year", "area", "n"])
    frame["indicator"], frame["item"] = "poang", "klotter"
    frame["estimate"], frame["se"] = 1.0, 0.05
    frame["ci_low"], frame["ci_high"] = 0.9, 1.1
    frame["numerator"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    out = apply_disclosure(frame, Settings())
    hidden = set(zip(out.loc[out["suppressed"], "year"], out.loc[out["suppressed"], "area"],
                     strict=True))
    # 2024: C primary; A is preferred (primary in 2023) over B, which has fewer answers
    assert hidden == {(2023, "A"), (2023, "C"), (2024, "C"), (2024, "A")}


def test_without_a_valid_cover_the_kommun_total_covers_and_is_covered_everywhere():
    # sex groups: both have 1-2 Vet ej, so neither can cover the other; the kommun total
    # (5) covers them, and then needs a cover among the areas itself
    rows = [("A", "andel_vet_ej", 150, 3, 0.02, 0.02), ("B", "andel_vet_ej", 160, 2, 0.0125, 0.02),
            ("C", "andel_vet_ej", 90, 0, 0.0, 0.04),
            (TOTAL_AREA, "andel_vet_ej", 400, 5, 0.0125, 0.01),
            (TOTAL_AREA, "andel_vet_ej", 200, 2, 0.01, 0.02, "sex", "Kvinna"),
            (TOTAL_AREA, "andel_vet_ej", 200, 3, 0.015, 0.02, "sex", "Man")]
    out = apply_disclosure(_frame(rows), Settings())
    hidden = set(zip(out.loc[out["suppressed"], "area"], out.loc[out["suppressed"], "group"],
                     strict=True))
    # Kvinna primary; Man (3) is a valid cover, so the total stays; among the areas B
    # (2) is primary and A (3) its cover
    assert hidden == {(TOTAL_AREA, "Kvinna"), (TOTAL_AREA, "Man"), ("A", ""), ("B", "")}
    rows[-1] = (TOTAL_AREA, "andel_vet_ej", 200, 2, 0.01, 0.02, "sex", "Man")
    rows[3] = (TOTAL_AREA, "andel_vet_ej", 400, 4, 0.01, 0.01)
    out = apply_disclosure(_frame(rows), Settings())
    hidden = set(zip(out.loc[out["suppressed"], "area"], out.loc[out["suppressed"], "group"],
                     strict=True))
    # both sexes are primary and no valid cover among them: the total is hidden, and in
    # the areas B (primary) is covered by A (3), which also keeps the total from following
    assert (TOTAL_AREA, "") in hidden
    assert {(TOTAL_AREA, "Kvinna"), (TOTAL_AREA, "Man"), ("A", ""), ("B", "")} <= hidden
    assert ("C", "") not in hidden  # 0 Vet ej: published, never a cover


def test_a_tiny_cell_hides_its_whole_question_and_a_cover_domain():
    rows = []
    for area, n in [("A", 4), ("B", 60), ("C", 80)]:
        rows += [(area, "poang", n, None, 1.0, 0.2),
                 (area, "andel_stort_problem", n, n // 2, 0.5, 0.1),
                 (area, "andel_vet_ej", n + 10, 10, 10 / (n + 10), 0.05)]
    rows += [(TOTAL_AREA, "poang", 144, None, 1.0, 0.1),
             (TOTAL_AREA, "andel_stort_problem", 144, 72, 0.5, 0.08),
             (TOTAL_AREA, "andel_vet_ej", 174, 30, 30 / 174, 0.05)]
    out = apply_disclosure(_frame(rows), Settings())
    hidden = _hidden(out)
    for indicator in ("poang", "andel_stort_problem", "andel_vet_ej"):
        assert ("A", indicator) in hidden and ("B", indicator) in hidden  # B: fewest answers
        assert ("C", indicator) not in hidden


def test_a_mean_without_spread_is_suppressed_and_never_a_zero_width_interval():
    rows = [("A", "poang", 60, None, 0.0, 0.0), ("B", "poang", 70, None, 1.1, 0.2),
            ("C", "poang", 80, None, 1.3, 0.2), (TOTAL_AREA, "poang", 210, None, 0.9, 0.1)]
    table = _frame(rows)
    table.loc[0, "se"] = 0.0
    out = apply_disclosure(table, Settings())
    assert _hidden(out) == {("A", "poang"), ("B", "poang")}
    shown = out[~out["suppressed"]]
    assert (shown["ci_high"] > shown["ci_low"]).all()


def test_the_audit_reason_is_per_cell_and_internal():
    flags = suppress(cells_from_frame(_shares([2, 1, 0, 5, 40])), Settings())
    reasons = [REASON_CODES[r] if r >= 0 else "" for r in flags.reason]
    assert reasons == ["small_numerator", "small_numerator", "", "secondary", "", ""]
    assert flags.secondary.sum() == 1 and flags.primary.sum() == 2


@pytest.mark.parametrize("estimate, low, high, n_eff, uncertain", [
    (0.30, 0.25, 0.35, 200, False),  # 10 points wide, relative 33 %
    (0.029, 0.007, 0.112, 140, True),  # issue 13: utsatt för våld 2022/05 (CV 0.70)
    (0.0, 0.0, 0.0255, 143, False),  # 0 of 143: narrow, never uncertain for relative reasons
    (0.0, 0.0, 0.071, 50, True),  # 0 of 50: wider than 5 points and no relative size
    (0.97, 0.90, 0.995, 200, True),  # the complement is as imprecise as a small share
    (0.50, 0.42, 0.58, 25 + 4, True),  # effective number of answers under min_n
])
def test_relative_precision_flag(estimate, low, high, n_eff, uncertain):
    table = _frame([("A", "andel_utsatta", 200, 40, estimate, 0.01)])
    table["ci_low"], table["ci_high"] = low, high
    table["se"] = (high - low) / 3.92
    table["cv"] = table["se"] / estimate if estimate else np.nan
    table["n_eff"] = float(n_eff)
    table["numerator"] = pd.array([40], dtype="Int64")
    out = apply_disclosure(table, Settings(max_halfwidth_share=0.5))
    assert bool(out.loc[0, "uncertain"]) is uncertain
    assert not out.loc[0, "suppressed"]


def test_relative_precision_thresholds_are_the_documented_ones():
    assert (MAX_CV, MAX_RELATIVE_WIDTH, RELATIVE_MIN_WIDTH) == (0.30, 1.30, 0.05)
    table = _frame([("A", "poang", 200, None, 0.2, 0.15)])  # CV 0.38 > 0.30
    out = apply_disclosure(table, Settings())
    assert out.loc[0, "uncertain"]
    assert out.loc[0, "flag_reason"] == "stor osäkerhet i förhållande till värdet"
