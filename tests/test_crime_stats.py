"""Statistics of reported crime against R (values pinned from R 4; R is not needed to run).

R code for every pinned value is in the comments (base R only: ``poisson.test``, ``glm``).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy.stats import binomtest

from analysis.crime import (
    crime_changes,
    crime_comparisons,
    crime_config,
    crime_evidence,
    crime_rates,
    crime_trends,
    garwood,
    nested_rate_ratio,
    poisson_trend,
    rate_ratio,
)
from analysis.crime.stats import binomial_p
from analysis.settings import Settings

YEARS = list(range(2015, 2025))
CFG = crime_config(Settings(kommunkod="1285"))
COUNTS = [48, 52, 45, 57, 50, 44, 39, 41, 36, 33]
POPS = [33000, 33300, 33600, 33900, 34100, 34300, 34500, 34700, 34850, 35000]


# --- exact intervals ----------------------------------------------------------------------


@pytest.mark.parametrize("x, low, high", [
    # for (x in c(0, 1, 7, 35, 412)) poisson.test(x, 1)$conf.int
    (0, 0.0, 3.688879454114),
    (1, 0.025317807984, 5.571643390939),
    (7, 2.814363051520, 14.422675361702),
    (35, 24.378782402520, 48.676527369083),
    (412, 373.172531435058, 453.769705213024),
])
def test_garwood_equals_r_poisson_test(x, low, high):
    lo, hi = garwood([x])
    assert_allclose([lo[0], hi[0]], [low, high], atol=1e-6, rtol=0)


def test_garwood_at_another_level_and_missing():
    # poisson.test(7, 1, conf.level = 0.9)$conf.int; poisson.test(0, 1, conf.level = 0.9)
    lo, hi = garwood([7, 0, np.nan], level=0.9)
    assert_allclose(lo[:2], [3.285315691895, 0.0], atol=1e-6)
    assert_allclose(hi[:2], [13.148113802432, 2.995732273554], atol=1e-6)
    assert np.isnan(lo[2]) and np.isnan(hi[2])


@pytest.mark.parametrize("x1, n1, x2, n2, expected", [
    # t <- poisson.test(c(41, 23), c(34000, 35500)); t$estimate, t$conf.int, t$p.value
    (41, 34000, 23, 35500, (1.861253196931, 1.090928963145, 3.249300657724, 0.017193319481)),
    (3, 3500, 9, 3600, (0.342857142857, 0.059703461916, 1.373838375167, 0.146475512985)),
])
def test_rate_ratio_equals_r_two_sample_poisson_test(x1, n1, x2, n2, expected):
    assert_allclose(rate_ratio(x1, n1, x2, n2), expected, atol=1e-6, rtol=0)


def test_nested_rate_ratio_compares_with_the_rest_of_the_area():
    # x1 <- 53; n1 <- 4740; xa <- 2750; na <- 191900
    # t <- poisson.test(c(x1, xa - x1), c(n1, na - n1))
    # w <- function(th) th * na / (th * n1 + (na - n1)); w(t$conf.int); t$p.value
    got = nested_rate_ratio(53, 4740, 2750, 191900)
    assert_allclose(got, (0.780260836210, 0.585784472988, 1.017562904580, 0.074310896065),
                    atol=1e-6, rtol=0)
    assert all(np.isnan(nested_rate_ratio(60, 4740, 50, 191900)))  # cannot contain the kommun


def test_rate_ratio_edge_cases():
    assert all(np.isnan(rate_ratio(0, 100, 0, 100)))
    rr, lo, hi, p = rate_ratio(5, 1000, 0, 1000)
    assert np.isinf(rr) and np.isinf(hi) and lo > 0 and p < 0.1


# --- the Poisson trend --------------------------------------------------------------------


def test_poisson_trend_equals_r_glm():
    # f <- glm(count ~ year + offset(log(pop)), family = poisson); summary(f)$coefficients
    t = poisson_trend(YEARS, COUNTS, POPS)
    assert_allclose([t.slope, t.se, t.p], [-0.051250668348, 0.016605269073, 0.002025892725],
                    atol=1e-6, rtol=0)
    # summary(glm(..., family = quasipoisson))$dispersion: below 1, so the Poisson SE is used
    assert t.dispersion == pytest.approx(0.499274128389, abs=1e-6)
    assert t.se_used == t.se and np.isinf(t.df)
    # t0 <- year - 2015; coef(glm(count ~ t0 + offset(log(pop)), family = poisson))[1]
    assert t.intercept == pytest.approx(-6.419736430717, abs=1e-6)
    # predict(f, data.frame(t0 = c(0, 9), pop = 1e5), se.fit = TRUE)
    assert t.rate(2015)[0] == pytest.approx(162.908555511936, abs=1e-6)
    assert t.rate(2024)[0] == pytest.approx(102.712417405387, abs=1e-6)
    assert_allclose([t.log_rate(2015)[1], t.log_rate(2024)[1]], [0.083404210717, 0.093700751777],
                    atol=1e-6)
    # confint.default(f)["year", ]
    ratio, lo, hi = t.ratio(1)
    assert_allclose(np.log([lo, hi]), [-0.083796397685, -0.018704939011], atol=1e-6)


def test_overdispersed_trend_uses_the_quasi_poisson_se_and_t():
    # q <- summary(glm(count ~ year + offset(log(pop)), family = quasipoisson))
    counts = [73, 78, 75, 86, 103, 114, 110, 92, 76, 53]
    pops = [4249, 4282, 4327, 4375, 4433, 4495, 4559, 4626, 4685, 4740]
    t = poisson_trend(YEARS, counts, pops)
    assert t.se == pytest.approx(0.011861976378, abs=1e-6)  # family = poisson
    assert_allclose([t.slope, t.se_used, t.p, t.dispersion],
                    [-0.014466992389, 0.025852778676, 0.591076727638, 4.750073686642],
                    atol=1e-6, rtol=0)
    assert t.df == 8


def test_trend_needs_three_years():
    assert poisson_trend([2023, 2024], [5, 6], [1000, 1000]) is None
    assert poisson_trend([2022, 2023, 2024], [0, 0, 0], [1000, 1000, 1000]) is None


# --- tables -------------------------------------------------------------------------------


def _crime(rows) -> pd.DataFrame:
    """A tiny reported_crime table (latest vintage, yearly)."""
    out = []
    for region, name, level, category, year, count, prelim in rows:
        out.append({"region": region, "region_name": name, "region_level": level,
                    "category": category, "category_name": category, "year": year,
                    "month": pd.NA, "count": count, "missing": count is None,
                    "preliminary": prelim, "restated": False, "is_latest": True,
                    "victim_age_from": 15 if category == "misshandel_15_17" else pd.NA,
                    "victim_age_to": 17 if category == "misshandel_15_17" else pd.NA})
    f = pd.DataFrame(out)
    f["count"] = f["count"].astype("Int64")
    f["month"] = f["month"].astype("Int64")
    f["victim_age_from"] = f["victim_age_from"].astype("Int64")
    f["victim_age_to"] = f["victim_age_to"].astype("Int64")
    return f


def _population(rows) -> pd.DataFrame:
    f = pd.DataFrame(rows, columns=["region", "year", "age_from", "age_to", "population"])
    f["age_from"] = f["age_from"].astype("Int64")
    f["age_to"] = f["age_to"].astype("Int64")
    return f


CRIME = _crime([
    ("1285", "Eslöv", "kommun", "misshandel", 2023, 280, False),
    ("1285", "Eslöv", "kommun", "misshandel", 2024, 240, True),
    ("1285", "Eslöv", "kommun", "misshandel_15_17", 2023, 12, False),
    ("1285", "Eslöv", "kommun", "misshandel_15_17", 2024, None, True),
    ("12", "Skåne län", "lan", "misshandel", 2023, 10000, False),
    ("12", "Skåne län", "lan", "misshandel", 2024, 9900, True),
    ("00", "Riket", "riket", "misshandel", 2023, 80000, False),
    ("00", "Riket", "riket", "misshandel", 2024, 79000, True),
])
POPULATION = _population([
    ("1285", 2023, None, None, 35000), ("1285", 2024, None, None, 35300),
    ("1285", 2023, 15, 15, 400), ("1285", 2023, 16, 16, 410), ("1285", 2023, 17, 17, 390),
    ("12", 2023, None, None, 1400000), ("12", 2024, None, None, 1410000),
    ("00", 2023, None, None, 10500000), ("00", 2024, None, None, 10550000),
])


def test_rates_garwood_and_age_denominators():
    before = CRIME.copy()
    rates = crime_rates(CRIME, POPULATION, CFG)
    pd.testing.assert_frame_equal(CRIME, before)  # inputs are not changed
    own = rates[(rates["region"] == "1285")].set_index(["category", "year"])
    m = own.loc[("misshandel", 2023)]
    assert m["rate"] == pytest.approx(280 / 35000 * 1e5)
    lo, hi = garwood([280])
    assert m["rate_low"] == pytest.approx(lo[0] / 35000 * 1e5)
    assert m["rate_high"] == pytest.approx(hi[0] / 35000 * 1e5)
    assert not m["small"] and m["population_ages"] == "alla åldrar"
    y = own.loc[("misshandel_15_17", 2023)]
    assert y["population"] == 1200 and y["population_ages"] == "15–17 år"
    assert y["rate"] == pytest.approx(12 / 1200 * 1e5) and y["small"]
    missing = own.loc[("misshandel_15_17", 2024)]
    assert pd.isna(missing["count"]) and missing["missing"] and pd.isna(missing["rate"])


def test_population_bands_must_cover_the_ages_exactly():
    pop = _population([("1285", 2023, None, None, 35000), ("1285", 2023, 15, 16, 800),
                       ("1285", 2023, 17, 19, 1300)])
    rates = crime_rates(CRIME, pop, CFG)
    y = rates[(rates["category"] == "misshandel_15_17") & (rates["year"] == 2023)].iloc[0]
    assert y["population_ages"] == "alla åldrar" and y["population"] == 35000


def test_a_missing_population_year_gives_counts_without_a_rate():
    pop = POPULATION[POPULATION["year"] != 2024]
    rates = crime_rates(CRIME, pop, CFG)
    r = rates[(rates["region"] == "1285") & (rates["category"] == "misshandel")
              & (rates["year"] == 2024)].iloc[0]
    assert r["count"] == 240 and pd.isna(r["population"]) and pd.isna(r["rate"])
    from analysis.crime import missing_population
    assert set(missing_population(rates)["year"]) == {2024}


def test_comparisons_against_county_riket_and_a_group():
    crime = pd.concat([CRIME, _crime([("1266", "Hörby", "kommun", "misshandel", 2023, 100, False),
                                      ("1267", "Höör", "kommun", "misshandel", 2023, 120, False)])],
                      ignore_index=True)
    pop = pd.concat([POPULATION, _population([("1266", 2023, None, None, 15800),
                                              ("1267", 2023, None, None, 16900)])])
    cfg = dataclasses.replace(CFG, comparison=("1266", "1267"))
    rates = crime_rates(crime, pop, cfg)
    comp = crime_comparisons(rates, cfg)
    m = comp[(comp["category"] == "misshandel") & (comp["year"] == 2023)].set_index("reference")
    assert list(m.index) == ["lan", "riket", "jamforelsegrupp"]
    assert_allclose(m.loc["lan", ["rr", "rr_low", "rr_high", "p"]].to_numpy(dtype=float),
                    nested_rate_ratio(280, 35000, 10000, 1400000))
    assert_allclose(m.loc["jamforelsegrupp", ["rr", "rr_low", "rr_high", "p"]].to_numpy(dtype=float),
                    rate_ratio(280, 35000, 220, 32700))
    assert m.loc["jamforelsegrupp", "reference_name"] == "Jämförelsekommunerna (Hörby, Höör)"
    # 2024: the group has no data, so no group row
    assert set(comp.loc[comp["year"] == 2024, "reference"]) == {"lan", "riket"}


def test_changes_between_consecutive_years_with_bh():
    rates = crime_rates(CRIME, POPULATION, CFG)
    ch = crime_changes(rates, CFG)
    own = ch[(ch["region"] == "1285") & (ch["category"] == "misshandel")].iloc[0]
    assert (own["year_from"], own["year_to"]) == (2023, 2024) and own["preliminary"]
    assert_allclose(own[["rr", "rr_low", "rr_high", "p"]].to_numpy(dtype=float),
                    rate_ratio(240, 35300, 280, 35000))
    from scipy.stats import false_discovery_control
    assert_allclose(ch["p_bh"], false_discovery_control(ch["p"].to_numpy(), method="bh"))
    assert (ch["significant"] == (ch["p_bh"] < 0.05)).all()


def test_trends_and_evidence_for_a_promise():
    rows = [("1285", "Eslöv", "kommun", "misshandel", y, c, y == 2024)
            for y, c in zip(YEARS, COUNTS, strict=True)]
    crime = _crime(rows)
    pop = _population([("1285", y, None, None, n) for y, n in zip(YEARS, POPS, strict=True)])
    cfg = CFG
    rates = crime_rates(crime, pop, cfg)
    t = crime_trends(rates, cfg)
    assert len(t) == 1 and t["slope"].iloc[0] == pytest.approx(-0.051250668348, abs=1e-6)
    assert t["preliminary_last"].iloc[0]
    e = crime_evidence(rates, "1285", "misshandel", 2015, 2024)
    assert e.method == "trend" and e.n_years == 10 and e.preliminary_to
    assert e.rr == pytest.approx(np.exp(-0.051250668348 * 9), abs=1e-6)
    assert e.rate_from == pytest.approx(162.908555511936, abs=1e-6)
    pair = crime_evidence(rates, "1285", "misshandel", 2023, 2024)
    assert pair.method == "par"
    assert_allclose([pair.rr, pair.rr_low, pair.rr_high, pair.p],
                    rate_ratio(33, 35000, 36, 34850))
    forced = crime_evidence(rates, "1285", "misshandel", 2020, 2024, method="par")
    assert forced.method == "par"
    assert "2014" in crime_evidence(rates, "1285", "misshandel", 2014, 2024)


@pytest.mark.parametrize("x, n, p", [(0, 1, 0.5), (3, 12, 0.4929), (41, 64, 0.4892), (9, 9, 0.3),
                                     (12, 400, 0.02), (2697, 2750, 0.9753), (53, 21622, 0.0022),
                                     (1_450_000, 2_900_000, 0.5002)])
def test_exact_binomial_p_equals_scipy_binomtest(x, n, p):
    # R: binom.test(1450000, 2900000, 0.5002)$p.value = 0.495760523667 (log-gamma terms of
    # a count of millions agree to about 1e-9)
    assert binomial_p(x, n, p) == pytest.approx(binomtest(x, n, p).pvalue, abs=1e-8)
