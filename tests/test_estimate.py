"""survey_estimates against hand-computed values (and R's survey package 4.1-1)."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import special, stats

from analysis.estimate import (
    DesignError,
    benjamini_hochberg,
    change_test,
    minimum_detectable_change,
    survey_estimates,
)

Z975 = stats.norm.ppf(0.975)


@pytest.fixture
def design():
    # Two strata; the domains x and y cut across them; row 5 has a missing value.
    return pd.DataFrame({
        "y": [1, 2, 3, 4, np.nan, 6, 2, 3],
        "d": list("xxyyxyxy"),
        "s": list("kmkmkmmk"),
        "h": list("AAABBBBB"),
        "w": [1, 2, 1, 2, 1, 2, 1, 3],
    })


def test_domain_mean_across_strata_matches_hand_computation(design):
    out = survey_estimates(design, "y", "d", weight="w", strata="h")
    assert list(out["d"]) == ["x", "y"]
    # domain x = rows 1, 2, 7: W = 4, R = (1 + 4 + 2)/4 = 1.75
    # z = [-0.1875, 0.125, 0 | 0, 0, 0, 0.0625, 0]; stratum A has n_h = 3, B has n_h = 5
    v_x = 3 / 2 * (0.1875**2 + 0.125**2 - 0.0625**2 / 3) + 5 / 4 * (0.0625**2 - 0.0625**2 / 5)
    # domain y = rows 3, 4, 6, 8: W = 8, R = 32/8 = 4; z = [-0.125 | 0, 0.5, -0.375]
    v_y = 3 / 2 * (0.125**2 - 0.125**2 / 3) + 5 / 4 * (0.5**2 + 0.375**2 - 0.125**2 / 5)
    assert_allclose(out["estimate"], [1.75, 4.0])
    assert_allclose(out["se"], np.sqrt([v_x, v_y]))
    assert_allclose(out["se"], [0.2795085, 0.7071068], atol=1e-7)  # R: svyby(..., svymean)
    assert_allclose(out["ci_low"], [1.75 - Z975 * np.sqrt(v_x), 4 - Z975 * np.sqrt(v_y)])
    assert_allclose(out["ci_high"], [1.75 + Z975 * np.sqrt(v_x), 4 + Z975 * np.sqrt(v_y)])
    assert list(out["n"]) == [3, 4]
    assert list(out["df"]) == [3 - 2, 4 - 2]
    assert_allclose(out["cv"], np.sqrt([v_x, v_y]) / [1.75, 4.0])


def test_design_effect_and_effective_n(design):
    out = survey_estimates(design, "y", "d", weight="w", strata="h")
    # x: weighted variance s^2 = n/(n-1) * sum w (y-R)^2 / W = 3/2 * (0.5625 + 0.125 + 0.0625)/4
    s2 = 1.5 * (1 * 0.75**2 + 2 * 0.25**2 + 1 * 0.25**2) / 4
    v_x = out.loc[0, "se"] ** 2
    assert_allclose(out.loc[0, "deff"], v_x / (s2 / 3))
    # n / deff, capped at n (a design effect under 1 would claim more answers than there are)
    assert_allclose(out.loc[0, "n_eff"], min(3 / out.loc[0, "deff"], 3))
    assert out.loc[0, "deff"] < 1 and out.loc[0, "n_eff"] == 3
    assert_allclose(out.loc[1, "n_eff"], 4 / out.loc[1, "deff"])  # deff 1: n


def test_filtering_to_the_domain_first_changes_the_se(design):
    full = survey_estimates(design, "y", "d", weight="w", strata="h")
    filtered = survey_estimates(design[design["d"] == "x"], "y", "d", weight="w", strata="h")
    assert full.loc[0, "estimate"] == filtered.loc[0, "estimate"]
    assert not np.isclose(full.loc[0, "se"], filtered.loc[0, "se"])


def test_two_by_columns_match_r(design):
    out = survey_estimates(design, "y", ["d", "s"], weight="w", strata="h")
    assert list(zip(out["d"], out["s"], strict=True)) == [("x", "k"), ("x", "m"), ("y", "k"),
                                                          ("y", "m")]
    # R: svyby(~y, ~a+s, des, svymean, na.rm=TRUE) -> 1, 2, 3, 5 with SE 0, 0, 0, 0.790569415
    assert_allclose(out["estimate"], [1, 2, 3, 5])
    assert_allclose(out["se"], [0, 0, 0, 0.790569415042], atol=1e-10)
    # y.m = rows 4 (w 2, y 4) and 6 (w 2, y 6), both in stratum B: W = 4, R = 5,
    # z = 2 * ([4, 6] - 5) / 4 = [-0.5, 0.5] (sum 0, so no centring term)
    assert_allclose(out.loc[3, "se"] ** 2, 5 / 4 * (0.5**2 + 0.5**2))


def test_no_weight_no_strata_is_the_simple_mean():
    data = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0]})
    out = survey_estimates(data, "y")
    assert_allclose(out.loc[0, "estimate"], 2.5)
    # V = n/(n-1) * sum((y - R)/n)^2 = s^2/n with s^2 = 5/3
    assert_allclose(out.loc[0, "se"], np.sqrt(5 / 3 / 4))
    assert out.loc[0, "df"] == 3


def test_proportion_near_zero_logit_ci():
    data = pd.DataFrame({"y": [1.0] + [0.0] * 39})
    out = survey_estimates(data, "y", kind="proportion", ci="logit")
    r, se = 0.025, 0.025  # V = 40/39 * (0.975^2 + 39 * 0.025^2)/40^2 = 0.000625
    assert_allclose(out.loc[0, "se"], se)
    half = stats.t.ppf(0.975, 39) * se / (r * (1 - r))
    assert_allclose(out.loc[0, "ci_low"], special.expit(special.logit(r) - half))
    assert_allclose(out.loc[0, "ci_high"], special.expit(special.logit(r) + half))
    # R: svyciprop(~y, svydesign(ids=~1, weights=~1), method="logit") -> 0.0032104888, 0.169523671
    assert_allclose([out.loc[0, "ci_low"], out.loc[0, "ci_high"]], [0.0032104888, 0.169523671],
                    rtol=1e-7)
    assert out.loc[0, "numerator"] == 1


def test_proportion_across_strata_matches_r():
    data = pd.DataFrame({"p": [1, 0, 0, 1, 1, 0, 1, 0, 0, 0], "h": list("AAAABBBBBB"),
                         "w": [1, 2, 1, 2, 1, 2, 1, 3, 1, 1], "a": list("xyxxyyxyxy")})
    out = survey_estimates(data, "p", "a", weight="w", strata="h", kind="proportion",
                           ci="logit")
    # R 4.1-1: svyby(~p, ~a, des, svyciprop, method="logit", vartype=c("se", "ci"))
    assert_allclose(out["estimate"], [2 / 3, 1 / 9])
    assert_allclose(out["se"], [0.232184118795, 0.121465421000], rtol=1e-9)
    assert_allclose(out["ci_low"], [0.067109417859, 0.00248912208757], rtol=1e-6)
    assert_allclose(out["ci_high"], [0.982333451707, 0.862290984109], rtol=1e-6)


def test_proportion_requires_zero_one():
    with pytest.raises(ValueError, match="0/1"):
        survey_estimates(pd.DataFrame({"y": [0, 1, 2]}), "y", kind="proportion")


def test_single_respondent_stratum_is_an_error_naming_it():
    data = pd.DataFrame({"y": [1, 2, 3, 4, 5], "h": list("AABBC"), "w": [1, 1, 2, 2, 1]})
    with pytest.raises(DesignError, match="en enda svarande: C"):
        survey_estimates(data, "y", weight="w", strata="h")


@pytest.mark.parametrize("rule, expected_se", [("certainty", 0.31944), ("adjust", 0.41524)])
def test_single_respondent_stratum_alternatives(rule, expected_se):
    data = pd.DataFrame({"y": [1, 2, 3, 4, 5], "h": list("AABBC"), "w": [1, 1, 2, 2, 1]})
    out = survey_estimates(data, "y", weight="w", strata="h", single_unit=rule)
    r = 22 / 7
    z = np.array([1, 1, 2, 2, 1]) * (np.array([1, 2, 3, 4, 5]) - r) / 7
    v = 2 * ((z[0] - z[1]) ** 2 / 2) + 2 * ((z[2] - z[3]) ** 2 / 2)  # strata A and B
    if rule == "adjust":
        v += z[4] ** 2  # the lonely unit, centred at the grand mean (0 for a domain mean)
    assert_allclose(out.loc[0, "se"], np.sqrt(v))
    assert_allclose(out.loc[0, "se"], expected_se, atol=5e-6)  # R, survey.lonely.psu


@pytest.mark.parametrize("bad", [0.0, -1.0, np.nan])
def test_bad_weights_are_an_error(bad):
    data = pd.DataFrame({"y": [1.0, 2.0, 3.0], "w": [1.0, bad, 1.0]})
    with pytest.raises(DesignError, match="positivt tal"):
        survey_estimates(data, "y", weight="w")


def test_domain_with_only_missing_values_is_kept_with_n_zero(design):
    data = design.assign(y=np.where(design["d"] == "x", np.nan, design["y"]))
    out = survey_estimates(data, "y", "d", weight="w", strata="h")
    assert list(out["n"]) == [0, 4]
    assert np.isnan(out.loc[0, "estimate"])


def test_inputs_are_not_mutated(design):
    before = design.copy()
    survey_estimates(design, "y", ["d", "s"], weight="w", strata="h")
    pd.testing.assert_frame_equal(design, before)


def test_change_test_and_bh():
    out = change_test([0.5, 0.3], [0.03, 0.04], [0.6, 0.31], [0.04, 0.03])
    assert_allclose(out["delta"], [0.1, 0.01])
    assert_allclose(out["se_delta"], [0.05, 0.05])
    assert_allclose(out["p"], 2 * stats.norm.sf([2.0, 0.2]))
    # BH by hand: p sorted = 0.01, 0.02, 0.04 (m=3): 0.03, 0.03, 0.04
    assert_allclose(benjamini_hochberg([0.04, 0.01, 0.02, np.nan]), [0.04, 0.03, 0.03, np.nan])


def test_minimum_detectable_change():
    # (1.959964 + 0.841621) * sqrt(0.02^2 + 0.02^2)
    assert_allclose(minimum_detectable_change(0.02), (Z975 + stats.norm.ppf(0.8)) * 0.02 * np.sqrt(2))
    # doubling the sample: SE2 = 0.02 / sqrt(2)
    assert_allclose(minimum_detectable_change(0.02, n_now=100, n_planned=200),
                    (Z975 + stats.norm.ppf(0.8)) * np.sqrt(0.02**2 + 0.02**2 / 2))


def test_df_rule_for_proportions_with_missing_values():
    data = pd.DataFrame({"p": [1, 0, np.nan, 1, 1, 0, 1, 0, 0, np.nan], "h": list("AAAABBBBBB"),
                         "w": [1, 2, 1, 2, 1, 2, 1, 3, 1, 1], "a": list("xyxxyyxyxy")})
    # DOMAIN §2: df = answered rows - strata among them: x has rows 1, 4, 7, 9 (A, A, B, B) -> 2
    answered = survey_estimates(data, "p", "a", weight="w", strata="h", kind="proportion",
                                ci="logit")
    assert list(answered["df"]) == [2, 2]
    r, se = answered.loc[0, "estimate"], answered.loc[0, "se"]
    half = stats.t.ppf(0.975, 2) * se / (r * (1 - r))
    assert_allclose(answered.loc[0, "ci_low"], special.expit(special.logit(r) - half))
    # R 4.1-1 svyciprop counts every row of the domain (x: 5 rows in A and B -> df 3)
    domain = survey_estimates(data, "p", "a", weight="w", strata="h", kind="proportion",
                              df_rule="domain", ci="logit")
    assert list(domain["df"]) == [3, 3]
    assert_allclose(domain["estimate"], [0.8, 0.125])
    assert_allclose(domain["se"], [0.188750275938, 0.137641972160], rtol=1e-9)
    assert_allclose(domain["ci_low"], [0.08564537585635, 0.00259691520665], rtol=1e-6)
    assert_allclose(domain["ci_high"], [0.994179849329, 0.886854908859], rtol=1e-6)


# --- one design, many variables and domain sets (national scale) --------------------------

def _random_design(nested: bool, seed: int = 3, n: int = 4000):
    from analysis.estimate import DomainDesign

    rng = np.random.default_rng(seed)
    data = pd.DataFrame({"year": rng.integers(2020, 2024, n), "area": rng.integers(0, 30, n)})
    data["area"] = data["area"].astype(str)
    data["stratum"] = data["area"] if nested else rng.integers(0, 7, n).astype(str)
    data["w"] = rng.uniform(1, 40, n)
    fine = DomainDesign(data, ["year", "area"], weight="w", strata=["year", "stratum"],
                        single_unit="adjust")
    coarse = DomainDesign(data, ["year"], weight="w", strata=["year", "stratum"],
                          single_unit="adjust")
    y = rng.integers(0, 2, n).astype(float)
    y[rng.random(n) < 0.2] = np.nan
    return fine, coarse, y


@pytest.mark.parametrize("nested", [True, False])
@pytest.mark.parametrize("kind", ["mean", "proportion"])
def test_estimates_for_several_domain_sets_are_bit_identical(nested, kind):
    fine, coarse, y = _random_design(nested)
    assert (fine.nested_in(coarse) is not None) == nested
    both = fine.estimate_arrays(y, kind=kind, also=[coarse])
    for design, arrays in zip((fine, coarse), both, strict=True):
        alone = design.estimate(y, kind=kind)
        pd.testing.assert_frame_equal(design.frame(arrays), alone, check_exact=True)


def test_values_array_is_not_changed():
    fine, _, y = _random_design(True)
    before = y.copy()
    fine.estimate(y, kind="proportion")
    np.testing.assert_array_equal(y, before)


# --- Korn–Graubard intervals for proportions (R: svyciprop(method = "beta")) ----------------

def _kg_design(missing: bool = False) -> pd.DataFrame:
    """Three strata; domains x and y across strata, o only 1s, z only 0s (the R scripts'
    data frame, row for row)."""
    p = [1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1,
         0, 1, 0, 0, 1, 0, 0, 1]
    if missing:
        p[2] = p[25] = np.nan
    return pd.DataFrame({
        "p": np.array(p, dtype=float),
        "h": ["A"] * 12 + ["B"] * 10 + ["C"] * 8,
        "w": [1, 2, 1, 2, 1, 2, 1, 3, 1, 1, 2, 1, 2, 1, 1, 2, 3, 1, 1, 2, 1, 1,
              4, 1, 2, 1, 3, 1, 2, 2],
        "a": list("xyxxyyxyxyxx") + list("zzzzzxoooo") + list("yyxyyxyx"),
    })


# R 4 / survey 4.1.1:
#   des <- svydesign(ids=~1, strata=~h, weights=~w, data=d)
#   svyby(~p, ~a, des, svyciprop, method="beta", vartype=c("se","ci"))
# x and y have n_eff < n, so R's interval is ours. At o (all 1) and z (all 0) R gives NaN;
# the reference there is R's own formula with n_eff = n:
#   ndf <- n * (qt(.025, n-1)/qt(.025, degf(sub)))^2; qbeta(.025, ndf, 1) and qbeta(.975, 1, ndf)
R_BETA = {  # domain: (estimate, se, ci_low, ci_high)
    "o": (1.0, 0.0, 0.39763536438352542, 1.0),
    "x": (0.53333333333333333, 0.16353949353341518, 0.190922351002154739, 0.85340316692214080),
    "y": (0.25, 0.153331509964690416, 0.029748921106192462, 0.659617064317927992),
    "z": (0.0, 0.0, 0.0, 0.52182375010498139),
}


def test_korn_graubard_equals_r_including_all_zero_and_all_one_domains():
    out = survey_estimates(_kg_design(), "p", "a", weight="w", strata="h",
                           kind="proportion").set_index("a")
    for domain, (est, se, low, high) in R_BETA.items():
        row = out.loc[domain]
        assert_allclose([row["estimate"], row["se"]], [est, se], rtol=1e-9, atol=1e-15)
        assert_allclose([row["ci_low"], row["ci_high"]], [low, high], rtol=1e-6, atol=1e-12)
    # the edges are exact, not within rounding: R == 0 | R == 1 is detected
    assert out.loc["z", "estimate"] == 0.0 and out.loc["z", "se"] == 0.0
    assert out.loc["z", "ci_low"] == 0.0 and 0 < out.loc["z", "ci_high"] < 1
    assert out.loc["o", "estimate"] == 1.0 and out.loc["o", "se"] == 0.0
    assert out.loc["o", "ci_high"] == 1.0 and 0 < out.loc["o", "ci_low"] < 1
    # n_eff = n at the edges; the exact upper limit at 0 of n is 1 - 0.025^(1/n)
    assert out.loc["z", "n_eff"] == out.loc["z", "n"] == 5
    assert_allclose(out.loc["z", "ci_high"], 1 - 0.025 ** (1 / 5))
    assert (out["ci_high"] > out["ci_low"]).all()  # never a zero-width interval


def test_korn_graubard_whole_design_equals_r():
    out = survey_estimates(_kg_design(), "p", weight="w", strata="h", kind="proportion")
    # svyciprop(~p, des, method="beta"): 0.3673469387755 (0.1775904988461, 0.59299)
    assert_allclose(out.loc[0, ["estimate", "se"]].astype(float),
                    [0.36734693877551017, 0.10075778213647138], rtol=1e-9)
    assert_allclose(out.loc[0, ["ci_low", "ci_high"]].astype(float),
                    [0.17759049884612094, 0.59299065210584190], rtol=1e-6)


def test_korn_graubard_with_missing_values_and_the_domain_df_rule_equals_r():
    # svyby(..., svyciprop, method="beta", na.rm=TRUE): R's df and the t ratio count every
    # row of the domain (df_rule="domain")
    out = survey_estimates(_kg_design(missing=True), "p", "a", weight="w", strata="h",
                           kind="proportion", df_rule="domain").set_index("a")
    assert_allclose(out.loc[["x", "y"], "estimate"], [0.57142857142857140, 0.26315789473684209])
    assert_allclose(out.loc[["x", "y"], "se"], [0.16686983115165230, 0.16052457988038127],
                    rtol=1e-9)
    assert_allclose(out.loc[["x", "y"], "ci_low"], [0.209383316898363037, 0.031042961922644444],
                    rtol=1e-6)
    assert_allclose(out.loc[["x", "y"], "ci_high"], [0.88310925772149218, 0.68349295264992227],
                    rtol=1e-6)


def test_korn_graubard_caps_n_eff_at_n():
    # Two strata; in w and y the design effect is under 1, so R's n_eff (5.06 and 7.11)
    # exceeds the 5 answers. We cap it at n; R does not (its limits for w: 0.31445, 0.99770).
    # Reference: R's own steps with the cap, sub <- subset(des, a == "w"):
    #   m <- svymean(~p, sub); neff <- min(coef(m) * (1 - coef(m)) / vcov(m), nrow(sub))
    #   ndf <- neff * (qt(.025, nrow(sub) - 1) / qt(.025, degf(sub)))^2
    #   qbeta(.025, ndf * coef(m), ndf * (1 - coef(m)) + 1), qbeta(.975, ndf * coef(m) + 1, ...)
    data = pd.DataFrame({"p": [1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1.0],
                         "h": list("A" * 10 + "B" * 10),
                         "w": [1, 2, 1, 2, 1, 2, 1, 3, 1, 1, 2, 1, 1, 2, 3, 1, 1, 2, 1, 1],
                         "a": list("xyxxyyxyxy") + list("zzzzzwwwww")})
    out = survey_estimates(data, "p", "a", weight="w", strata="h",
                           kind="proportion").set_index("a")
    assert (out["n_eff"] <= out["n"]).all()
    assert out.loc["w", "n_eff"] == 5 and out.loc["y", "n_eff"] == 5
    assert_allclose(out.loc["w", ["ci_low", "ci_high"]].astype(float),
                    [0.31115993085344479, 0.99780492378673713], rtol=1e-6)
    assert_allclose(out.loc["y", ["ci_low", "ci_high"]].astype(float),
                    [0.00020253822772879764, 0.63917677154564156439], rtol=1e-6)
    # x: n_eff < n, R's svyciprop itself
    assert_allclose(out.loc["x", ["ci_low", "ci_high"]].astype(float),
                    [0.172362674421268, 0.973292668009669], rtol=1e-6)


def test_a_mean_over_identical_values_is_exact_and_has_no_spread():
    data = pd.DataFrame({"y": [0.0] * 5 + [2.0] * 6 + [3.0, 1.0, 0.5],
                         "a": list("zzzzz") + list("tttttt") + list("mmm"),
                         "h": list("ABABABABABABAB"), "w": np.arange(1.0, 15.0)})
    out = survey_estimates(data, "y", "a", weight="w", strata="h").set_index("a")
    assert out.loc["z", "estimate"] == 0.0 and out.loc["z", "se"] == 0.0
    assert out.loc["t", "estimate"] == 2.0 and out.loc["t", "se"] == 0.0
    assert out.loc["m", "se"] > 0


@pytest.mark.parametrize("ci", ["beta", "logit"])
def test_unknown_ci_method_is_refused_and_both_methods_run(ci):
    out = survey_estimates(_kg_design(), "p", kind="proportion", ci=ci)
    assert 0 < out.loc[0, "ci_low"] < out.loc[0, "estimate"] < out.loc[0, "ci_high"] < 1
    with pytest.raises(ValueError, match="ci must be"):
        survey_estimates(_kg_design(), "p", kind="proportion", ci="wald")


@pytest.mark.parametrize("kind", ["mean", "proportion"])
def test_breakdowns_added_up_from_a_finer_design_equal_their_own_pass(kind):
    from analysis.estimate import DomainDesign

    rng = np.random.default_rng(5)
    n = 3000
    data = pd.DataFrame({"year": rng.integers(2022, 2024, n), "area": rng.integers(0, 9, n),
                         "sex": rng.choice(["K", "M", None], n, p=[0.5, 0.45, 0.05]),
                         "age": rng.choice(["a", "b", "c"], n), "w": rng.uniform(1, 30, n)})
    data["stratum"] = data["area"]
    y = rng.integers(0, 2 if kind == "proportion" else 4, n).astype(float)
    y[(data["sex"] == "K").to_numpy() & (data["year"] == 2022).to_numpy()] = 0.0  # all 0
    y[rng.random(n) < 0.1] = np.nan
    kw = {"weight": "w", "strata": ["year", "stratum"]}
    area = DomainDesign(data, ["year", "area"], **kw)
    sex = DomainDesign(data, ["year", "sex"], **kw)
    age = DomainDesign(data, ["year", "age"], **kw)
    joint = DomainDesign(data, ["year", "sex", "age"], **kw)
    assert joint.coarsening(sex) is not None and joint.coarsening(age) is not None
    assert sex.coarsening(joint) is None  # a coarser design cannot give a finer one
    _, via_sex, via_age = area.estimate_arrays(y, kind=kind, also=[sex, age], via=[joint])
    for design, arrays in ((sex, via_sex), (age, via_age)):
        alone = design.estimate(y, kind=kind)
        pd.testing.assert_frame_equal(design.frame(arrays), alone, rtol=1e-12)
    # the edge stays exact when added up: women 2022 answered only 0
    women = sex.frame(via_sex)
    row = women[(women["year"] == 2022) & (women["sex"] == "K")].iloc[0]
    assert row["estimate"] == 0.0 and row["se"] == 0.0
