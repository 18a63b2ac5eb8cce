"""Design-based linear trend and two-year pooling, checked against R's survey package.

The hand case below (28 rows, years 2021–2024, two strata per year, two areas, unequal
weights, one missing answer) was run in R 4 with survey 4.1.1::

    d$h <- interaction(d$year, d$stratum)
    des <- svydesign(ids = ~1, strata = ~h, weights = ~w, data = d)
    fit <- svyglm(y ~ I(year - 2022), design = subset(des, area == "A"))
    coef(fit); sqrt(diag(vcov(fit))); vcov(fit)
    fit3 <- svyglm(y ~ year, design = subset(des, area == "A" & year <= 2023))
    b <- svyby(~y, ~year, subset(des, area == "A" & !is.na(y)), svymean, covmat = TRUE)
    svycontrast(b, c("2023" = 0.5, "2024" = 0.5))
    svycontrast(b, c("2021" = -0.5, "2022" = -0.5, "2023" = 0.5, "2024" = 0.5))

and the printed values are pinned here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.estimate import survey_estimates
from analysis.trend import linear_trend, pooled_estimates, trend_change, trend_level

ROWS = """\
2021 s1 A 1.5 1
2021 s1 A 2.0 0
2021 s1 B 1.0 1
2021 s1 A 3.0 1
2021 s2 A 1.0 0
2021 s2 B 2.5 0
2021 s2 A 2.0 1
2022 s1 A 1.0 0
2022 s1 A 1.5 .
2022 s1 B 2.0 1
2022 s1 A 2.5 1
2022 s2 A 3.0 0
2022 s2 A 1.0 0
2022 s2 B 1.5 1
2023 s1 A 2.0 0
2023 s1 A 1.0 0
2023 s1 B 3.0 1
2023 s1 A 1.5 1
2023 s2 A 2.5 0
2023 s2 B 1.0 0
2023 s2 A 2.0 0
2023 s2 A 1.0 1
2024 s1 A 2.0 0
2024 s1 B 1.0 1
2024 s1 A 1.5 0
2024 s2 A 3.0 0
2024 s2 A 1.0 1
2024 s2 B 2.0 0
"""

# R 4 / survey 4.1.1 (see the module docstring)
R_INTERCEPT_2022 = 0.442759795570698
R_SLOPE = -0.179045996592845
R_SE_INTERCEPT_2022 = 0.1324070006636402
R_SE_SLOPE = 0.0951460889445258
R_COV_2022 = -0.00816643580803251
R_SLOPE_2021_2023 = -0.216152019002374
R_SE_SLOPE_2021_2023 = 0.154163004553347
R_POOLED_2023_2024 = 0.191666666666667
R_SE_POOLED_2023_2024 = 0.121997425848172
R_POOLED_CHANGE = -0.317105263157895
R_SE_POOLED_CHANGE = 0.217903366423667


@pytest.fixture
def hand() -> pd.DataFrame:
    rows = [line.split() for line in ROWS.splitlines()]
    return pd.DataFrame({"year": [int(r[0]) for r in rows], "stratum": [r[1] for r in rows],
                         "area": [r[2] for r in rows], "weight": [float(r[3]) for r in rows],
                         "y": [np.nan if r[4] == "." else float(r[4]) for r in rows]})


def test_trend_equals_r_svyglm_on_the_hand_case(hand):
    before = hand.copy()
    t = linear_trend(hand, "y", "area")
    a = t[t["area"] == "A"]
    assert a["slope"].iloc[0] == pytest.approx(R_SLOPE, abs=1e-6)
    assert a["se_slope"].iloc[0] == pytest.approx(R_SE_SLOPE, abs=1e-6)
    fit, se = trend_level(a, 2022)
    assert fit[0] == pytest.approx(R_INTERCEPT_2022, abs=1e-6)
    assert se[0] == pytest.approx(R_SE_INTERCEPT_2022, abs=1e-6)
    # the covariance of the level at 2022 and the slope
    d = 2022 - a["year_mean"].iloc[0]
    cov = a["cov_level_slope"].iloc[0] + d * a["se_slope"].iloc[0] ** 2
    assert cov == pytest.approx(R_COV_2022, abs=1e-6)
    assert (a["n"].iloc[0], a["n_years"].iloc[0]) == (19, 4)  # the missing answer is out
    assert (a["year_first"].iloc[0], a["year_last"].iloc[0]) == (2021, 2024)
    pd.testing.assert_frame_equal(hand, before)  # the input is not changed


def test_trend_over_a_window_of_years_keeps_the_other_years_in_the_design(hand):
    t = linear_trend(hand, "y", "area", years=(2021, 2023))
    a = t[t["area"] == "A"].iloc[0]
    assert a["slope"] == pytest.approx(R_SLOPE_2021_2023, abs=1e-6)
    assert a["se_slope"] == pytest.approx(R_SE_SLOPE_2021_2023, abs=1e-6)
    # filtering the frame first would change n_h and the SE: never do it
    filtered = linear_trend(hand[hand["year"] <= 2023], "y", "area").query("area == 'A'")
    assert filtered["slope"].iloc[0] == pytest.approx(a["slope"])


def test_trend_change_is_slope_times_span(hand):
    t = linear_trend(hand, "y", "area").query("area == 'A'")
    delta, se = trend_change(t, 2021, 2024)
    assert delta[0] == pytest.approx(3 * R_SLOPE, abs=1e-6)
    assert se[0] == pytest.approx(3 * R_SE_SLOPE, abs=1e-6)
    assert t["ci_low_slope"].iloc[0] == pytest.approx(R_SLOPE - 1.959964 * R_SE_SLOPE, abs=1e-5)


def test_trend_hand_formula_without_design():
    """One stratum per year, weight 1: b is the ordinary least-squares slope."""
    frame = pd.DataFrame({"year": [2020, 2020, 2021, 2021, 2022, 2022],
                          "stratum": ["x"] * 6, "weight": [1.0] * 6,
                          "y": [1.0, 3.0, 2.0, 4.0, 5.0, 7.0]})
    t = linear_trend(frame, "y").iloc[0]
    # t̄ = 2021, S_tt = 4, Σ (t − t̄)(y − ȳ) = 8, so b = 2 and L = ȳ = 11/3
    assert t["slope"] == pytest.approx(2.0) and t["level_mean"] == pytest.approx(11 / 3)


def test_one_year_has_no_slope(hand):
    t = linear_trend(hand, "y", "area", years=(2022, 2022))
    assert t["slope"].isna().all() and (t["n_years"] == 1).all()


def test_strata_must_be_nested_in_year(hand):
    with pytest.raises(ValueError, match="nested"):
        linear_trend(hand, "y", "area", strata=["stratum"])


def test_pooled_two_years_each_year_counting_equally_equals_r(hand):
    p = pooled_estimates(hand, "y", "area", years=[2023, 2024], kind="proportion")
    a = p[p["area"] == "A"].iloc[0]
    assert a["estimate"] == pytest.approx(R_POOLED_2023_2024, abs=1e-9)
    assert a["se"] == pytest.approx(R_SE_POOLED_2023_2024, abs=1e-9)
    assert (a["n"], a["n_years"], a["numerator"]) == (10, 2, 3)
    # = the mean of the two yearly estimates, whatever the number of answers each year
    yearly = survey_estimates(hand, "y", ["area", "year"], weight="weight",
                              strata=["year", "stratum"])
    ya = yearly[(yearly["area"] == "A") & yearly["year"].isin([2023, 2024])]
    assert a["estimate"] == pytest.approx(ya["estimate"].mean())
    assert a["se"] == pytest.approx(np.sqrt((ya["se"] ** 2).sum()) / 2)
    assert a["ci_low"] < a["estimate"] < a["ci_high"]


def test_pooled_change_equals_r(hand):
    first = pooled_estimates(hand, "y", "area", years=[2021, 2022]).query("area == 'A'")
    last = pooled_estimates(hand, "y", "area", years=[2023, 2024]).query("area == 'A'")
    delta = last["estimate"].iloc[0] - first["estimate"].iloc[0]
    se = np.hypot(first["se"].iloc[0], last["se"].iloc[0])
    assert delta == pytest.approx(R_POOLED_CHANGE, abs=1e-9)
    assert se == pytest.approx(R_SE_POOLED_CHANGE, abs=1e-9)


def test_a_domain_missing_one_year_gets_no_pooled_estimate(hand):
    frame = hand[~((hand["area"] == "B") & (hand["year"] == 2024))]
    p = pooled_estimates(frame, "y", "area", years=[2023, 2024]).set_index("area")
    assert np.isnan(p.loc["B", "estimate"]) and p.loc["B", "n_years"] == 1
    assert not np.isnan(p.loc["A", "estimate"])


def test_many_domains_at_once_equal_one_at_a_time(hand):
    both = linear_trend(hand, "y", "area").set_index("area")
    for area in ("A", "B"):
        alone = linear_trend(hand, hand["y"].where(hand["area"] == area)).iloc[0]
        assert both.loc[area, "slope"] == pytest.approx(alone["slope"])
        assert both.loc[area, "se_slope"] == pytest.approx(alone["se_slope"])
