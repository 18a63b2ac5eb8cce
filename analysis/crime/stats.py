"""Statistics of reported crime: rates with exact intervals, rate ratios, changes, trends.

Counts of reported crimes are treated as Poisson counts (the crimes of a year in a kommun
are many small independent chances; the variation from year to year that is larger than
Poisson is handled in the trend by a dispersion factor). Formulas (checked against R in
``tests/test_crime_stats.py``):

* **Garwood interval** for a count ``x`` (R ``poisson.test(x)$conf.int``):
  ``[χ²_{α/2}(2x) / 2, χ²_{1−α/2}(2x + 2) / 2]`` (lower 0 when ``x = 0``); a rate per
  100 000 is ``x / N · 100 000`` with the same interval scaled by ``100 000 / N``.
* **Rate ratio** of two independent counts ``x₁, x₂`` with populations ``N₁, N₂`` (R
  ``poisson.test(c(x1, x2), c(N1, N2))``): conditional on ``n = x₁ + x₂``, ``x₁ ~ Bin(n, π)``
  with ``π = θN₁ / (θN₁ + N₂)``; the Clopper–Pearson interval ``[π_L, π_U]`` gives
  ``θ = π / (1 − π) · N₂ / N₁``, and the p-value is the exact binomial test of
  ``π = N₁ / (N₁ + N₂)``.
* **Against an area the kommun lies in** (its county, the country) the two counts are not
  independent: the kommun is compared with the *rest* of the area (``x_r = x_A − x₁``,
  ``N_r = N_A − N₁``), an exact interval for ``θ`` as above, mapped to the ratio against the
  whole area, ``RR_A = θ (N₁ + N_r) / (θ N₁ + N_r)`` (increasing in ``θ``, so the interval
  maps end to end).
* **Change between two years**: the rate ratio of the two years (as above, independent
  years), two-sided exact p-value, and Benjamini–Hochberg across every change into the same
  year (like the survey's changes, ``analysis.indices.year_changes``).
* **Trend**: Poisson regression ``log E[x_t] = log N_t + a + b (t − t₀)`` fitted by maximum
  likelihood (statsmodels GLM; R ``glm(x ~ t + offset(log(N)), family = poisson)``).
  ``exp(b) − 1`` is the yearly change. The dispersion ``φ = Pearson χ² / (T − 2)`` is
  reported; intervals and p-values use ``SE·√max(1, φ)`` and a t distribution with ``T − 2``
  degrees of freedom when ``φ > 1`` (R's quasi-Poisson), so year-to-year variation beyond
  Poisson widens them and never narrows them.

Small counts: a count below ``CrimeConfig.min_count_rate`` is flagged ``small``; the
presentation shows it as a count with its interval, never as a bare rate.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special, stats

from analysis.crime.categories import CrimeConfig, Vocabulary, load_categories
from analysis.estimate import benjamini_hochberg

PER = 100_000
ALL_AGES = "alla åldrar"
TREND_MIN_YEARS = 3

RATE_COLUMNS = [
    "region", "region_name", "region_level", "category", "category_name", "victim_age_from",
    "victim_age_to", "year", "count", "count_low", "count_high", "missing", "preliminary",
    "restated", "from_months", "population", "population_ages", "rate", "rate_low",
    "rate_high", "small",
]


# --- exact intervals and tests --------------------------------------------------------------


def garwood(count, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval for Poisson counts: ``χ²_{α/2}(2x)/2, χ²_{1−α/2}(2x+2)/2``.

    Equal to R's ``poisson.test(x, conf.level = level)$conf.int``; NaN stays NaN.
    """
    x = np.asarray(count, dtype="float64")
    a = 1.0 - level
    with np.errstate(invalid="ignore"):
        low = np.where(x > 0, stats.chi2.ppf(a / 2, 2 * np.where(x > 0, x, 1)) / 2, 0.0)
        high = stats.chi2.ppf(1 - a / 2, 2 * x + 2) / 2
    low = np.where(np.isnan(x), np.nan, low)
    return low, high


def _binomial_ci(x1: float, n: float, level: float) -> tuple[float, float]:
    """Clopper–Pearson interval of a binomial proportion (as R's ``binom.test``)."""
    a = 1.0 - level
    low = 0.0 if x1 == 0 else float(stats.beta.ppf(a / 2, x1, n - x1 + 1))
    high = 1.0 if x1 == n else float(stats.beta.ppf(1 - a / 2, x1 + 1, n - x1))
    return low, high


def binomial_p(x: int, n: int, p: float) -> float:
    """Two-sided exact binomial p-value as R's ``binom.test`` (and scipy's ``binomtest``):
    the probability of every outcome no more likely than ``x`` (relative tolerance 1e-7).

    The outcomes on the other side of the mean are found by bisection (the probabilities
    are monotone there), so a count of millions costs a few dozen evaluations.
    """
    if n == 0:
        return 1.0
    logc = special.gammaln(n + 1)
    lp, lq = np.log(p), np.log1p(-p)

    def logpmf(k: int) -> float:
        return float(logc - special.gammaln(k + 1) - special.gammaln(n - k + 1) + k * lp
                     + (n - k) * lq)

    d = logpmf(x) + np.log1p(1e-7)
    m = n * p
    if x == m:
        return 1.0
    if x < m:  # outcomes above the mean, decreasing in probability: first one <= d
        lo, hi = int(np.ceil(m)), n + 1
        while lo < hi:
            mid = (lo + hi) // 2
            if logpmf(mid) <= d:
                hi = mid
            else:
                lo = mid + 1
        y = n + 1 - lo
        total = special.bdtr(x, n, p) + (special.bdtrc(n - y, n, p) if y > 0 else 0.0)
    else:  # outcomes below the mean, increasing in probability: count those <= d
        lo, hi = 0, int(np.floor(m)) + 1
        while lo < hi:
            mid = (lo + hi) // 2
            if logpmf(mid) <= d:
                lo = mid + 1
            else:
                hi = mid
        y = lo
        total = (special.bdtr(y - 1, n, p) if y > 0 else 0.0) + special.bdtrc(x - 1, n, p)
    return float(min(1.0, total))


def rate_ratio(x1: float, n1: float, x2: float, n2: float, level: float = 0.95
               ) -> tuple[float, float, float, float]:
    """``(RR, low, high, p)`` of rate 1 against rate 2 for independent Poisson counts.

    Exact conditional interval and two-sided p-value (R ``poisson.test(c(x1, x2),
    c(n1, n2))``); NaN when a count or population is missing or both counts are zero.
    """
    if any(pd.isna(v) for v in (x1, n1, x2, n2)) or n1 <= 0 or n2 <= 0 or x1 + x2 == 0:
        return (np.nan,) * 4
    x1, x2, n = int(x1), int(x2), int(x1) + int(x2)
    scale = n2 / n1
    lo_p, hi_p = _binomial_ci(x1, n, level)
    low = lo_p / (1 - lo_p) * scale
    high = np.inf if hi_p >= 1 else hi_p / (1 - hi_p) * scale
    rr = np.inf if x2 == 0 else (x1 / n1) / (x2 / n2)
    p = binomial_p(x1, n, n1 / (n1 + n2))
    return float(rr), float(low), float(high), p


def nested_rate_ratio(x1: float, n1: float, xa: float, na: float, level: float = 0.95
                      ) -> tuple[float, float, float, float]:
    """``(RR, low, high, p)`` of a kommun's rate against an area it lies in (county, riket).

    The kommun is compared with the rest of the area (independent counts, ``rate_ratio``)
    and the interval mapped to the ratio against the whole area:
    ``RR_A = θ (n1 + n_r) / (θ n1 + n_r)``. NaN when the area's counts are smaller than the
    kommun's (they cannot contain it).
    """
    if any(pd.isna(v) for v in (x1, n1, xa, na)) or xa < x1 or na <= n1:
        return (np.nan,) * 4
    xr, nr = xa - x1, na - n1
    theta, lo, hi, p = rate_ratio(x1, n1, xr, nr, level)
    if np.isnan(theta):
        return (np.nan,) * 4

    def whole(t: float) -> float:
        return (n1 + nr) / n1 if np.isinf(t) else t * (n1 + nr) / (t * n1 + nr)

    rr = (x1 / n1) / (xa / na) if xa > 0 else np.nan
    return float(rr), whole(lo), whole(hi), p


# --- the trend ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    """A Poisson-regression trend ``log E[x_t] = log N_t + a + b (t − t₀)``.

    ``se`` is the model's (Poisson) standard error of ``b``; ``se_used`` = ``se·√max(1, φ)``,
    with which ``p`` and the intervals are computed (``df`` = T − 2 when φ > 1, else ∞).
    ``cov`` is the covariance of ``(a, b)`` scaled the same way; ``t0`` the first year.
    """

    intercept: float
    slope: float
    se: float
    dispersion: float
    se_used: float
    df: float
    p: float
    n_years: int
    t0: int
    cov: np.ndarray

    def quantile(self, level: float) -> float:
        return float(stats.norm.ppf((1 + level) / 2) if np.isinf(self.df)
                     else stats.t.ppf((1 + level) / 2, self.df))

    def log_rate(self, year: float) -> tuple[float, float]:
        """(fitted log rate per person, its SE) in ``year``."""
        x = np.array([1.0, year - self.t0])
        return float(self.intercept + self.slope * (year - self.t0)), float(
            np.sqrt(x @ self.cov @ x))

    def rate(self, year: float, level: float = 0.95) -> tuple[float, float, float]:
        """Fitted rate per 100 000 in ``year`` with its interval."""
        mu, se = self.log_rate(year)
        q = self.quantile(level)
        return tuple(float(PER * np.exp(v)) for v in (mu, mu - q * se, mu + q * se))

    def ratio(self, years: float, level: float = 0.95) -> tuple[float, float, float]:
        """Fitted rate ratio over ``years`` years (``exp(b·years)``) with its interval."""
        q = self.quantile(level)
        b, s = self.slope * years, self.se_used * abs(years)
        return float(np.exp(b)), float(np.exp(b - q * s)), float(np.exp(b + q * s))


def poisson_trend(years, counts, populations) -> Trend | None:
    """Fit the trend by maximum likelihood (statsmodels GLM, Poisson family, log link,
    offset ``log N``); None with fewer than ``TREND_MIN_YEARS`` years or no crimes at all."""
    import statsmodels.api as sm

    y = np.asarray(counts, dtype="float64")
    t = np.asarray(years, dtype="float64")
    n = np.asarray(populations, dtype="float64")
    ok = ~(np.isnan(y) | np.isnan(t) | np.isnan(n)) & (n > 0)
    y, t, n = y[ok], t[ok], n[ok]
    if len(y) < TREND_MIN_YEARS or y.sum() == 0:
        return None
    t0 = int(t.min())
    x = np.column_stack([np.ones(len(t)), t - t0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sm.GLM(y, x, family=sm.families.Poisson(), offset=np.log(n)).fit(tol=1e-12)
    df = len(y) - 2
    phi = float(res.pearson_chi2 / df) if df > 0 else np.nan
    scale = max(1.0, phi) if np.isfinite(phi) else 1.0
    se = float(res.bse[1])
    se_used = se * np.sqrt(scale)
    t_df = float(df) if scale > 1 else np.inf
    z = res.params[1] / se_used
    p = float(2 * (stats.norm.sf(abs(z)) if np.isinf(t_df) else stats.t.sf(abs(z), t_df)))
    return Trend(float(res.params[0]), float(res.params[1]), se, phi, float(se_used), t_df, p,
                 len(y), t0, np.asarray(res.cov_params()) * scale)


# --- rates ----------------------------------------------------------------------------------


class _Population:
    """Population per region × year × age range (both sexes), from SCB's bands."""

    def __init__(self, population: pd.DataFrame | None):
        self.bands: dict[tuple[str, int], list[tuple[int | None, int | None, int]]] = {}
        if population is not None:
            for r, y, lo, hi, n in zip(population["region"], population["year"],
                                       population["age_from"], population["age_to"],
                                       population["population"], strict=True):
                self.bands.setdefault((str(r), int(y)), []).append(
                    (None if pd.isna(lo) else int(lo), None if pd.isna(hi) else int(hi), int(n)))

    def get(self, region: str, year: int, ages: tuple[int | None, int | None] = (None, None)
            ) -> float:
        """Inhabitants of ``ages`` (None, None = all); NaN when the bands do not cover them
        exactly (a band crossing a boundary, a gap)."""
        bands = self.bands.get((str(region), int(year)))
        if not bands:
            return np.nan
        lo, hi = ages
        if lo is None:
            total = [n for a, b, n in bands if a is None]
            if total:
                return float(total[0])
            lo = 0
        parts = sorted((a, b, n) for a, b, n in bands if a is not None)
        inside = [(a, b, n) for a, b, n in parts if a >= lo and (hi is None or (b is not None
                                                                                and b <= hi))]
        # no band may straddle the range's ends
        if any(a < lo <= (b if b is not None else 10**6) for a, b, _ in parts if a < lo):
            return np.nan
        if hi is not None and any(a <= hi < (b if b is not None else 10**6)
                                  for a, b, _ in parts if a <= hi):
            return np.nan
        expected = lo
        total = 0
        for a, b, n in inside:
            if a != expected:
                return np.nan
            total += n
            if b is None:
                return float(total) if hi is None else np.nan
            expected = b + 1
        if hi is None or expected != hi + 1:
            return np.nan
        return float(total)


def _ages_text(ages: tuple[int | None, int | None]) -> str:
    lo, hi = ages
    if lo is None:
        return ALL_AGES
    return f"{lo} år och äldre" if hi is None else f"{lo}–{hi} år"


def yearly_counts(crime: pd.DataFrame) -> pd.DataFrame:
    """One row per region × category × year from the latest vintage: the yearly count, or
    the sum of twelve months when only months were delivered (``from_months``)."""
    latest = crime[crime["is_latest"].astype(bool)]
    cols = ["region", "region_name", "region_level", "category", "category_name",
            "victim_age_from", "victim_age_to", "year"]
    years = latest[latest["month"].isna()]
    yearly = pd.DataFrame({**{c: years[c] for c in cols},
                           "count": years["count"].astype("Float64"),
                           "missing": years["missing"].astype(bool),
                           "preliminary": years["preliminary"].astype(bool),
                           "restated": years["restated"].astype(bool),
                           "from_months": False})
    months = latest[latest["month"].notna()]
    if len(months):
        g = months.groupby(cols, dropna=False, sort=False)
        summed = g.agg(count=("count", lambda s: s.sum() if s.notna().all() else pd.NA),
                       n=("month", "nunique"), preliminary=("preliminary", "any"),
                       restated=("restated", "any")).reset_index()
        summed = summed[summed["n"] == 12].drop(columns="n")
        summed["missing"] = summed["count"].isna()
        summed["from_months"] = True
        summed["count"] = summed["count"].astype("Float64")
        have = set(zip(yearly["region"], yearly["category"], yearly["year"], strict=True))
        summed = summed[[k not in have for k in zip(summed["region"], summed["category"],
                                                    summed["year"], strict=True)]]
        yearly = pd.concat([yearly, summed], ignore_index=True)
    return yearly.reset_index(drop=True)


def _youth_rows(yearly: pd.DataFrame, config: CrimeConfig) -> pd.DataFrame:
    """The youth-violence indicator: the sum of its categories per region × year (only where
    every category is delivered and none is missing)."""
    youth = config.youth
    part = yearly[yearly["category"].isin(youth.categories)]
    if part.empty:
        return part.iloc[0:0]
    g = part.groupby(["region", "region_name", "region_level", "year"], sort=False)
    out = g.agg(count=("count", lambda s: s.sum() if s.notna().all() else pd.NA),
                n=("category", "nunique"), preliminary=("preliminary", "any"),
                restated=("restated", "any"), from_months=("from_months", "any")).reset_index()
    out = out[out["n"] == len(set(youth.categories))].drop(columns="n")
    out["missing"] = out["count"].isna()
    out["count"] = out["count"].astype("Float64")
    out["category"] = youth.code
    out["category_name"] = youth.name
    out["victim_age_from"], out["victim_age_to"] = youth.ages
    return out


def crime_rates(crime: pd.DataFrame, population: pd.DataFrame | None, config: CrimeConfig,
                vocabulary: Vocabulary | None = None) -> pd.DataFrame:
    """Yearly counts (latest vintage) with Garwood intervals and rates per 100 000 (``RATE_COLUMNS``).

    The denominator is everyone living in the region, or for a category of victims of given
    ages (and the youth-violence indicator) the inhabitants of those ages, when the
    population file has age bands that cover them exactly; otherwise all ages
    (``population_ages`` says which). A count below ``config.min_count_rate`` is ``small``.
    """
    yearly = yearly_counts(crime)
    rows = pd.concat([yearly, _youth_rows(yearly, config)], ignore_index=True)
    pop = _Population(population)
    populations, ages_text = [], []
    for r, y, lo, hi in zip(rows["region"], rows["year"], rows["victim_age_from"],
                            rows["victim_age_to"], strict=True):
        ages = (None if pd.isna(lo) else int(lo), None if pd.isna(hi) else int(hi))
        n = pop.get(r, y, ages) if ages[0] is not None else np.nan
        if np.isnan(n):
            ages = (None, None)
            n = pop.get(r, y)
        populations.append(n)
        ages_text.append(_ages_text(ages))
    count = rows["count"].astype("float64").to_numpy()
    low, high = garwood(count, config.level)
    n = np.asarray(populations, dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.where(n > 0, PER / n, np.nan)
    out = pd.DataFrame({
        "region": pd.array(rows["region"], dtype="string"),
        "region_name": pd.array(rows["region_name"], dtype="string"),
        "region_level": pd.array(rows["region_level"], dtype="string"),
        "category": pd.array(rows["category"], dtype="string"),
        "category_name": pd.array(rows["category_name"], dtype="string"),
        "victim_age_from": pd.array(rows["victim_age_from"], dtype="Int64"),
        "victim_age_to": pd.array(rows["victim_age_to"], dtype="Int64"),
        "year": rows["year"].astype("int64"),
        "count": pd.array(rows["count"], dtype="Int64"),
        "count_low": low, "count_high": high,
        "missing": rows["missing"].astype(bool),
        "preliminary": rows["preliminary"].astype(bool),
        "restated": rows["restated"].astype(bool),
        "from_months": rows["from_months"].astype(bool),
        "population": pd.array(np.where(np.isnan(n), np.nan, n), dtype="Float64").astype("Int64"),
        "population_ages": pd.array(ages_text, dtype="string"),
        "rate": count * factor, "rate_low": low * factor, "rate_high": high * factor,
        "small": (count < config.min_count_rate) & ~np.isnan(count),
    })
    order = {"kommun": 0, "lan": 1, "riket": 2}
    out = out.assign(_lvl=out["region_level"].map(order)).sort_values(
        ["_lvl", "region", "category", "year"], kind="stable", ignore_index=True)
    return out.drop(columns="_lvl")[RATE_COLUMNS]


def missing_population(rates: pd.DataFrame) -> pd.DataFrame:
    """Region × year with counts but no population (no rate can be computed)."""
    m = rates[rates["count"].notna() & rates["population"].isna()]
    return m.drop_duplicates(["region", "year"])[["region", "region_name", "year"]]


# --- comparisons ----------------------------------------------------------------------------

COMPARISON_COLUMNS = [
    "region", "region_name", "reference", "reference_name", "category", "category_name", "year",
    "count", "rate", "reference_count", "reference_rate", "rr", "rr_low", "rr_high", "p",
    "preliminary", "small",
]
REFERENCES = {"lan": "länet", "riket": "riket", "jamforelsegrupp": "jämförelsekommunerna"}


def _group_name(names: list[str]) -> str:
    if len(names) <= 3:
        return "Jämförelsekommunerna (" + ", ".join(names) + ")"
    return f"Jämförelsekommunerna ({len(names)} kommuner)"


def crime_comparisons(rates: pd.DataFrame, config: CrimeConfig) -> pd.DataFrame:
    """The kommun's rate against its county, the country and the comparison kommuner
    (summed), per category × year, with exact intervals (``nested_rate_ratio`` for the county
    and the country, which contain the kommun; ``rate_ratio`` for the group)."""
    r = rates[rates["count"].notna() & rates["population"].notna()]
    keys = ["category", "year", "population_ages"]
    own = r[r["region"] == config.kommun]
    parts = []
    for ref, code in (("lan", config.county), ("riket", "00")):
        other = r[r["region"] == code][[*keys, "region_name", "count", "population", "rate",
                                        "preliminary"]]
        m = own.merge(other, on=keys, suffixes=("", "_ref"))
        ratios = [nested_rate_ratio(x, n, xa, na, config.level) for x, n, xa, na in zip(
            m["count"], m["population"], m["count_ref"], m["population_ref"], strict=True)]
        parts.append(m.assign(reference=ref, reference_name=m["region_name_ref"],
                              _ratios=ratios))
    if config.comparison:
        group = r[r["region"].isin(config.comparison)]
        g = group.groupby(keys, as_index=False).agg(
            count_ref=("count", "sum"), population_ref=("population", "sum"),
            n=("region", "nunique"), preliminary_ref=("preliminary", "any"),
            names=("region_name", lambda s: _group_name(sorted(s))))
        g = g[g["n"] == len(config.comparison)]
        m = own.merge(g, on=keys)
        m["rate_ref"] = m["count_ref"] / m["population_ref"].astype(float) * PER
        ratios = [rate_ratio(x, n, xa, na, config.level) for x, n, xa, na in zip(
            m["count"], m["population"], m["count_ref"], m["population_ref"], strict=True)]
        parts.append(m.assign(reference="jamforelsegrupp", reference_name=m["names"],
                              _ratios=ratios))
    m = pd.concat([x for x in parts if len(x)], ignore_index=True) if any(
        len(x) for x in parts) else pd.DataFrame(columns=[*own.columns, "reference",
                                                          "reference_name", "count_ref",
                                                          "rate_ref", "preliminary_ref",
                                                          "_ratios"])
    ratios = np.array(list(m["_ratios"]), dtype="float64").reshape(-1, 4)
    out = pd.DataFrame({
        "region": m["region"], "region_name": m["region_name"], "reference": m["reference"],
        "reference_name": m["reference_name"], "category": m["category"],
        "category_name": m["category_name"], "year": m["year"], "count": m["count"],
        "rate": m["rate"], "reference_count": m["count_ref"], "reference_rate": m["rate_ref"],
        "rr": ratios[:, 0], "rr_low": ratios[:, 1], "rr_high": ratios[:, 2], "p": ratios[:, 3],
        "preliminary": m["preliminary"].astype(bool) | m["preliminary_ref"].astype(bool),
        "small": m["small"].astype(bool),
    }, columns=COMPARISON_COLUMNS)
    order = {"lan": 0, "riket": 1, "jamforelsegrupp": 2}
    out = out.assign(_o=out["reference"].map(order)).sort_values(
        ["category", "year", "_o"], kind="stable", ignore_index=True).drop(columns="_o")
    return _typed(out, {"year": "int64", "count": "int64", "reference_count": "int64",
                        "preliminary": bool, "small": bool},
                  ["region", "region_name", "reference", "reference_name", "category",
                   "category_name"])


def _typed(frame: pd.DataFrame, types: dict, strings: list[str]) -> pd.DataFrame:
    out = frame.copy()
    for c, t in types.items():
        out[c] = out[c].astype(t)
    for c in strings:
        out[c] = pd.array(out[c].astype(object), dtype="string")
    for c in out.columns:
        if c not in types and c not in strings:
            out[c] = out[c].astype("float64")
    return out


# --- changes between years ------------------------------------------------------------------

CHANGE_COLUMNS = [
    "region", "region_name", "region_level", "category", "category_name", "population_ages",
    "year_from", "year_to", "count_from", "count_to", "rate_from", "rate_to", "rr", "rr_low",
    "rr_high", "p", "p_bh", "significant", "preliminary", "small",
]


def crime_changes(rates: pd.DataFrame, config: CrimeConfig) -> pd.DataFrame:
    """Changes between consecutive years per region × category: the rate ratio with its exact
    interval and p-value, and ``p_bh`` (Benjamini–Hochberg across every change into the same
    year, as the survey's changes); ``significant`` = ``p_bh < alpha``."""
    r = rates[rates["count"].notna() & rates["population"].notna()].sort_values(
        ["region", "category", "year"], kind="stable")
    prev = r.groupby(["region", "category"], sort=False).shift(1)
    pair = r.assign(year_from=prev["year"], count_from=prev["count"],
                    population_from=prev["population"], rate_from=prev["rate"],
                    ages_from=prev["population_ages"], prelim_from=prev["preliminary"],
                    small_from=prev["small"])
    pair = pair[(pair["year_from"] == pair["year"] - 1)
                & (pair["ages_from"] == pair["population_ages"])]
    ratios = np.array([rate_ratio(x2, n2, x1, n1, config.level) for x2, n2, x1, n1 in zip(
        pair["count"], pair["population"], pair["count_from"], pair["population_from"],
        strict=True)], dtype="float64").reshape(-1, 4)
    out = pd.DataFrame({
        **{c: pair[c] for c in ("region", "region_name", "region_level", "category",
                                "category_name", "population_ages")},
        "year_from": pair["year_from"], "year_to": pair["year"],
        "count_from": pair["count_from"], "count_to": pair["count"],
        "rate_from": pair["rate_from"], "rate_to": pair["rate"],
        "rr": ratios[:, 0], "rr_low": ratios[:, 1], "rr_high": ratios[:, 2], "p": ratios[:, 3],
        "p_bh": np.nan, "significant": False,
        "preliminary": pair["preliminary"].astype(bool) | pair["prelim_from"].astype(bool),
        "small": pair["small"].astype(bool) | pair["small_from"].astype(bool),
    }, columns=CHANGE_COLUMNS).reset_index(drop=True)
    for _, idx in out.groupby("year_to").groups.items():
        out.loc[idx, "p_bh"] = benjamini_hochberg(out.loc[idx, "p"].to_numpy(dtype=float))
    out["significant"] = out["p_bh"] < config.alpha
    return _typed(out, {"year_from": "int64", "year_to": "int64", "count_from": "int64",
                        "count_to": "int64", "significant": bool, "preliminary": bool,
                        "small": bool},
                  ["region", "region_name", "region_level", "category", "category_name",
                   "population_ages"])


# --- trends ---------------------------------------------------------------------------------

TREND_COLUMNS = [
    "region", "region_name", "region_level", "category", "category_name", "population_ages",
    "year_from", "year_to", "n_years", "count_total", "slope", "se", "dispersion", "se_used",
    "p", "annual_change", "annual_low", "annual_high", "fitted_from", "fitted_from_low",
    "fitted_from_high", "fitted_to", "fitted_to_low", "fitted_to_high", "preliminary_last",
]


def focus_regions(config: CrimeConfig) -> list[str]:
    """The regions the lägesbild shows: the kommun, its county, riket and the comparison group."""
    return [config.kommun, config.county, "00", *config.comparison]


def crime_trends(rates: pd.DataFrame, config: CrimeConfig,
                 regions: list[str] | None = None) -> pd.DataFrame:
    """The Poisson trend over every year with a count and a population, per region (default:
    ``focus_regions``) × category with at least ``TREND_MIN_YEARS`` years."""
    regions = focus_regions(config) if regions is None else regions
    r = rates[rates["region"].isin(regions) & rates["count"].notna()
              & rates["population"].notna()]
    rows = []
    for (_, _, ages), part in r.groupby(["region", "category", "population_ages"], sort=True):
        part = part.sort_values("year")
        t = poisson_trend(part["year"], part["count"].astype(float),
                          part["population"].astype(float))
        if t is None:
            continue
        y1, y2 = int(part["year"].iloc[0]), int(part["year"].iloc[-1])
        ann = t.ratio(1, config.level)
        f1, f2 = t.rate(y1, config.level), t.rate(y2, config.level)
        first = part.iloc[0]
        rows.append({**{c: first[c] for c in ("region", "region_name", "region_level",
                                              "category", "category_name")},
                     "population_ages": ages, "year_from": y1, "year_to": y2,
                     "n_years": t.n_years, "count_total": int(part["count"].sum()),
                     "slope": t.slope, "se": t.se, "dispersion": t.dispersion,
                     "se_used": t.se_used, "p": t.p, "annual_change": ann[0] - 1,
                     "annual_low": ann[1] - 1, "annual_high": ann[2] - 1,
                     "fitted_from": f1[0], "fitted_from_low": f1[1], "fitted_from_high": f1[2],
                     "fitted_to": f2[0], "fitted_to_low": f2[1], "fitted_to_high": f2[2],
                     "preliminary_last": bool(part["preliminary"].iloc[-1])})
    out = pd.DataFrame(rows, columns=TREND_COLUMNS)
    return _typed(out, {"year_from": "int64", "year_to": "int64", "n_years": "int64",
                        "count_total": "int64", "preliminary_last": bool},
                  ["region", "region_name", "region_level", "category", "category_name",
                   "population_ages"])


# --- evidence for a promise -----------------------------------------------------------------


@dataclass(frozen=True)
class CrimeEvidence:
    """What reported crime says about one promise indicator (rates per 100 000).

    ``method`` "par" (two years: observed rates with Garwood intervals, exact rate ratio) or
    "trend" (Poisson regression over every year from ``year_from`` to ``year_to``: fitted
    rates and the fitted ratio ``exp(b (y₂ − y₁))``); ``rr*`` the change as a ratio.
    """

    method: str
    year_from: int
    year_to: int
    count_from: int
    count_to: int
    rate_from: float
    rate_from_low: float
    rate_from_high: float
    rate_to: float
    rate_to_low: float
    rate_to_high: float
    rr: float
    rr_low: float
    rr_high: float
    p: float
    se_log: float
    n_years: int = 2
    dispersion: float = np.nan
    preliminary_to: bool = False
    population_ages: str = ALL_AGES
    small: bool = False


def crime_evidence(rates: pd.DataFrame, region: str, category: str, year_from: int,
                   year_to: int, *, level: float = 0.95, method: str | None = None
                   ) -> CrimeEvidence | str:
    """The change of ``category`` in ``region`` from ``year_from`` to ``year_to``: a trend when
    the years are at least two apart and at least ``TREND_MIN_YEARS`` have data (or
    ``method="trend"``), else the two years. A Swedish sentence when it cannot be computed."""
    r = rates[(rates["region"] == region) & (rates["category"] == category)
              & rates["year"].between(year_from, year_to)]
    have = r[r["count"].notna() & r["population"].notna()].sort_values("year")
    years = set(int(y) for y in have["year"])
    for y in (year_from, year_to):
        if y not in years:
            why = ("saknas i underlaget" if y not in set(int(v) for v in r["year"]) else
                   "saknar antal eller folkmängd")
            return f"Anmälda brott för {y} {why}."
    if have["population_ages"].nunique() > 1:
        return "Folkmängden är inte räknad för samma åldrar alla år, så åren kan inte jämföras."
    ages = str(have["population_ages"].iloc[0])
    last = have[have["year"] == year_to].iloc[0]
    first = have[have["year"] == year_from].iloc[0]
    small = bool(have["small"].any())
    use_trend = (method == "trend") or (method is None and year_to - year_from >= 2
                                        and len(have) >= TREND_MIN_YEARS)
    if use_trend:
        t = poisson_trend(have["year"], have["count"].astype(float),
                          have["population"].astype(float))
        if t is None:
            return f"För få år med anmälda brott mellan {year_from} och {year_to} för en trend."
        f1, f2 = t.rate(year_from, level), t.rate(year_to, level)
        rr = t.ratio(year_to - year_from, level)
        return CrimeEvidence("trend", year_from, year_to, int(first["count"]),
                             int(last["count"]), *f1, *f2, *rr, t.p,
                             t.se_used * (year_to - year_from), t.n_years, t.dispersion,
                             bool(last["preliminary"]), ages, small)
    rr, lo, hi, p = rate_ratio(last["count"], last["population"], first["count"],
                               first["population"], level)
    se_log = (np.sqrt(1 / first["count"] + 1 / last["count"])
              if first["count"] > 0 and last["count"] > 0 else np.nan)
    return CrimeEvidence("par", year_from, year_to, int(first["count"]), int(last["count"]),
                         float(first["rate"]), float(first["rate_low"]),
                         float(first["rate_high"]), float(last["rate"]),
                         float(last["rate_low"]), float(last["rate_high"]), rr, lo, hi, p,
                         float(se_log), 2, np.nan, bool(last["preliminary"]), ages, small)


def vocabulary_names(vocabulary: Vocabulary | None = None) -> dict[str, str]:
    return (vocabulary or load_categories()).names()
