"""Design-based linear trend over survey years, and two-year pooled estimates for small areas.

Both use the design of ``analysis.estimate`` (every respondent its own PSU, strata ``h``
nested in year, weights ``w_i``, the with-replacement variance and no finite-population
correction) and never filter the frame to a domain: rows outside the domain, or without a
value, stay in the design with an influence value of 0, so ``n_h`` counts every row of the
stratum (as R's ``subset(design, ...)`` does).

**Linear trend** (``linear_trend``): for the rows of a domain ``d`` with a value ``y_i`` and
a year ``t_i``, the weighted least-squares line ``y = L + b (t − t̄)`` with

* ``W = Σ_d w_i``, ``t̄ = Σ_d w_i t_i / W``, ``ȳ = Σ_d w_i y_i / W``,
* ``S_tt = Σ_d w_i (t_i − t̄)²``, ``b = Σ_d w_i (t_i − t̄)(y_i − ȳ) / S_tt``, ``L = ȳ``
  (the fitted level at ``t̄``),
* residuals ``e_i = y_i − ȳ − b (t_i − t̄)`` and the linearised (influence) values
  ``z_L,i = w_i e_i / W`` and ``z_b,i = w_i (t_i − t̄) e_i / S_tt`` for rows in ``d``,
  0 for every other row,
* ``V(b) = Σ_h n_h/(n_h − 1) Σ_{i∈h} (z_b,i − z̄_b,h)²``, and likewise ``V(L)`` and the
  covariance ``C(L, b)`` from the cross products.

This is ``svyglm(y ~ year, design = subset(des, <domain>))`` of R's ``survey`` package
(``des = svydesign(ids = ~1, strata = ~interaction(year, stratum), weights = ~w)``): the same
coefficients and the same sandwich variance, checked in ``tests/test_trend.py``. The fitted
level in year ``τ`` is ``L + b (τ − t̄)`` with variance
``V(L) + (τ − t̄)² V(b) + 2 (τ − t̄) C(L, b)``; the fitted change from ``τ₁`` to ``τ₂`` is
``b (τ₂ − τ₁)`` with standard error ``|τ₂ − τ₁| SE(b)``.

**Two-year pooling** (``pooled_estimates``): the estimate of a domain over the years
``t = 1..T`` (usually two) with the weights rescaled per year so that every year counts
equally: in year ``t`` the domain's weights are divided by ``T · W_t`` (their sum that
year), so each year's weights sum to ``1/T``. The pooled estimate is then the mean of the
yearly estimates, ``R = Σ_t R_t / T``, and because the strata are nested in year the years
are independent samples and the linearised variance is ``V = Σ_t V_t / T²``. (This is
``svycontrast(svyby(~y, ~year, subset(des, <domain>), svymean), rep(1/T, T))`` in R.) A
domain that lacks one of the years has no pooled estimate: the years could no longer count
equally. Proportions get the logit interval of ``analysis.estimate`` with ``df`` the sum of
the yearly ``df``.

Everything is vectorised over domains with ``numpy.bincount`` (the partitions of
``analysis.estimate.DomainDesign``); no ``groupby.apply``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special, stats

from analysis.estimate import DomainDesign
from analysis.settings import Settings

TREND_COLUMNS = ["n", "n_years", "year_first", "year_last", "year_mean", "level_mean", "slope",
                 "se_slope", "se_level_mean", "cov_level_slope", "ci_low_slope", "ci_high_slope"]
POOLED_COLUMNS = ["n", "n_years", "estimate", "se", "ci_low", "ci_high", "df", "numerator"]
DESIGN_STRATA = ("year", "stratum")


def _as_list(columns) -> list[str]:
    if columns is None:
        return []
    return [columns] if isinstance(columns, str) else list(columns)


def _check_nested(year: str, strata: Sequence[str] | None) -> list[str]:
    strata = _as_list(strata)
    if year not in strata:
        raise ValueError(f"the strata must be nested in {year!r}: pass strata=[{year!r}, ...] "
                         "(independent samples per year)")
    return strata


def _values(data: pd.DataFrame, value, years: tuple[int, int] | None, year: str) -> np.ndarray:
    """The variable as floats, NaN outside ``years`` (those rows leave the domain)."""
    y = data[value] if isinstance(value, str) else value
    y = pd.to_numeric(pd.Series(y), errors="raise").to_numpy(dtype="float64", na_value=np.nan)
    if y.shape[0] != len(data):
        raise ValueError("values must have one entry per row of the design")
    if years is not None:
        t = data[year].to_numpy(dtype="float64", na_value=np.nan)
        y = np.where((t >= years[0]) & (t <= years[1]), y, np.nan)
    return y


def linear_trend(data: pd.DataFrame, value, by=None, *, year: str = "year",
                 weight: str | None = "weight", strata: Sequence[str] | None = DESIGN_STRATA,
                 years: tuple[int, int] | None = None, level: float = Settings.level,
                 single_unit: str = Settings.single_unit) -> pd.DataFrame:
    """Design-based linear trend of ``value`` on ``year`` for every domain of ``by``.

    Parameters
    ----------
    data : the whole design, one row per respondent and year (never filtered to a domain).
    value : column name, or an array aligned with ``data``; missing values leave the domain.
    by : domain column(s) (e.g. ``"area"``), or None for all rows.
    year : the year column (the regressor).
    weight : weight column (None: weight 1).
    strata : stratum columns; must include ``year`` (strata nested in year).
    years : ``(first, last)``: only rows of these years are in the domain (the rest stay in
        the design).
    level : confidence level of the slope's normal interval.
    single_unit : a stratum with one respondent, as in ``analysis.estimate``.

    Returns
    -------
    DataFrame with the ``by`` columns and ``TREND_COLUMNS``: ``n`` (rows with a value),
    ``n_years`` (years among them), ``year_first``/``year_last``, ``year_mean`` (t̄),
    ``level_mean`` (L), ``slope`` (b, per year), ``se_slope``, ``se_level_mean``,
    ``cov_level_slope`` and the slope's CI. With fewer than two years the slope is missing.
    The formulas are in the module docstring.
    """
    strata = _check_nested(year, strata)
    design = DomainDesign(data, by, weight=weight, strata=strata, single_unit=single_unit)
    y = _values(data, value, years, year)
    t = data[year].to_numpy(dtype="float64", na_value=np.nan)
    m = ~np.isnan(y) & ~np.isnan(t)
    nd, dom = design.n_dom, design.dom
    w = np.where(m, design.w, 0.0)
    y0, t0 = np.where(m, y, 0.0), np.where(m, t, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        W = np.bincount(dom, w, nd)
        tbar = np.bincount(dom, w * t0, nd) / W
        ybar = np.bincount(dom, w * y0, nd) / W
        tc = np.where(m, t0 - tbar[dom], 0.0)
        yc = np.where(m, y0 - ybar[dom], 0.0)
        stt = np.bincount(dom, w * tc * tc, nd)
        slope = np.where(stt > 0, np.bincount(dom, w * tc * yc, nd) / stt, np.nan)
        e = np.where(m, yc - np.nan_to_num(slope)[dom] * tc, 0.0)
        z_level = np.where(m, w * e / W[dom], 0.0)
        z_slope = np.where(m & (stt[dom] > 0), w * tc * e / stt[dom], 0.0)
    v_level = _variance(design, z_level, z_level)
    v_slope = _variance(design, z_slope, z_slope)
    cov = _variance(design, z_level, z_slope)
    n = np.bincount(dom, m, nd)
    years_of = np.unique(np.column_stack([dom[m], t[m]]), axis=0) if m.any() else np.empty((0, 2))
    n_years = np.bincount(years_of[:, 0].astype(np.int64), minlength=nd)
    first = np.full(nd, np.inf)
    last = np.full(nd, -np.inf)
    np.minimum.at(first, dom[m], t[m])
    np.maximum.at(last, dom[m], t[m])
    se_slope = np.where(np.isnan(slope), np.nan, np.sqrt(np.maximum(v_slope, 0.0)))
    q = stats.norm.ppf((1.0 + level) / 2.0)
    out = design.keys.copy()
    out["n"] = n.astype("int64")
    out["n_years"] = n_years.astype("int64")
    out["year_first"] = pd.array(np.where(n > 0, first, np.nan), dtype="Float64").astype("Int64")
    out["year_last"] = pd.array(np.where(n > 0, last, np.nan), dtype="Float64").astype("Int64")
    out["year_mean"] = np.where(n > 0, tbar, np.nan)
    out["level_mean"] = np.where(n > 0, ybar, np.nan)
    out["slope"] = slope
    out["se_slope"] = se_slope
    out["se_level_mean"] = np.where(n > 0, np.sqrt(np.maximum(v_level, 0.0)), np.nan)
    out["cov_level_slope"] = np.where(np.isnan(slope), np.nan, cov)
    out["ci_low_slope"] = slope - q * se_slope
    out["ci_high_slope"] = slope + q * se_slope
    return out


def _variance(design: DomainDesign, za: np.ndarray, zb: np.ndarray) -> np.ndarray:
    """``Σ_h n_h/(n_h − 1) Σ_{i∈h} (z_a − z̄_a,h)(z_b − z̄_b,h)`` per domain (cell sums)."""
    cell, nc = design.cell, design.n_cells
    sa = np.bincount(cell, za, nc)
    sb = np.bincount(cell, zb, nc)
    sab = np.bincount(cell, za * zb, nc)
    n_h = design.n_h[design.cell_h]
    contrib = design.f_h[design.cell_h] * (sab - sa * sb / n_h)
    if design.adjust:
        contrib = np.where(design.lonely[design.cell_h], sab, contrib)
    return np.bincount(design.cell_dom, contrib, design.n_dom)


def trend_level(trend: pd.DataFrame, at_year) -> tuple[np.ndarray, np.ndarray]:
    """The fitted level in ``at_year`` (one year, or one per row) and its standard error.

    ``L + b (τ − t̄)``, variance ``V(L) + (τ − t̄)² V(b) + 2 (τ − t̄) C(L, b)``.
    """
    d = np.asarray(at_year, dtype="float64") - trend["year_mean"].to_numpy(dtype="float64")
    fit = trend["level_mean"].to_numpy(dtype="float64") + trend["slope"].to_numpy("float64") * d
    var = (trend["se_level_mean"].to_numpy("float64") ** 2
           + d * d * trend["se_slope"].to_numpy("float64") ** 2
           + 2.0 * d * trend["cov_level_slope"].to_numpy("float64"))
    return fit, np.sqrt(np.maximum(var, 0.0))


def trend_change(trend: pd.DataFrame, year_from, year_to) -> tuple[np.ndarray, np.ndarray]:
    """The fitted change from ``year_from`` to ``year_to``: ``b (τ₂ − τ₁)``, SE ``|τ₂ − τ₁| SE(b)``."""
    span = np.asarray(year_to, dtype="float64") - np.asarray(year_from, dtype="float64")
    slope = trend["slope"].to_numpy(dtype="float64")
    return slope * span, np.abs(span) * trend["se_slope"].to_numpy(dtype="float64")


def pooled_estimates(data: pd.DataFrame, value, by=None, *, years: Sequence[int],
                     year: str = "year", weight: str | None = "weight",
                     strata: Sequence[str] | None = DESIGN_STRATA, kind: str = "mean",
                     level: float = Settings.level,
                     single_unit: str = Settings.single_unit) -> pd.DataFrame:
    """Estimates pooled over ``years`` (e.g. two years), each year counting equally.

    Per domain: ``R = Σ_t R_t / T`` and ``SE = √(Σ_t V_t) / T`` over the ``T`` years
    (weights rescaled per year so that each year's domain weights sum to ``1/T``; strata
    nested in year, so the years are independent). ``n`` and ``numerator`` are summed over
    the years. A domain without a value in one of the years gets no estimate (``n_years``
    says how many it has). Proportions (``kind="proportion"``) get the logit CI of
    ``analysis.estimate`` with ``df = Σ_t df_t``; means the normal CI.

    Returns the ``by`` columns and ``POOLED_COLUMNS``, one row per domain present.
    """
    strata = _check_nested(year, strata)
    years = sorted({int(y) for y in years})
    if not years:
        raise ValueError("years must name at least one year")
    by = _as_list(by)
    y = _values(data, value, (years[0], years[-1]), year)
    y = np.where(data[year].isin(years).to_numpy(), y, np.nan)
    design = DomainDesign(data, [*by, year], weight=weight, strata=strata,
                          single_unit=single_unit)
    yearly = design.estimate(y, kind=kind, level=level)
    yearly = yearly[yearly["n"] > 0]
    T = len(years)
    yearly = yearly.assign(_v=yearly["se"] ** 2, _num=yearly["numerator"].astype("Float64"))
    keys = by if by else None
    if keys:
        g = yearly.groupby(keys, sort=True, dropna=False, observed=True)
        agg = pd.DataFrame({"n": g["n"].sum(), "n_years": g[year].nunique(),
                            "_sum": g["estimate"].sum(), "_v": g["_v"].sum(),
                            "df": g["df"].sum(), "numerator": g["_num"].sum(min_count=1)})
        agg = agg.reset_index()
    else:
        agg = pd.DataFrame({"n": [yearly["n"].sum()], "n_years": [yearly[year].nunique()],
                            "_sum": [yearly["estimate"].sum()], "_v": [yearly["_v"].sum()],
                            "df": [yearly["df"].sum()],
                            "numerator": [yearly["_num"].sum(min_count=1)]})
    complete = (agg["n_years"] == T).to_numpy()
    est = np.where(complete, agg["_sum"].to_numpy("float64") / T, np.nan)
    se = np.where(complete, np.sqrt(agg["_v"].to_numpy("float64")) / T, np.nan)
    if kind == "proportion":
        df = agg["df"].to_numpy("float64")
        with np.errstate(divide="ignore", invalid="ignore"):
            t = stats.t.ppf((1.0 + level) / 2.0, np.where(df > 0, df, np.nan))
            half = t * se / (est * (1.0 - est))
            lo = special.expit(special.logit(est) - half)
            hi = special.expit(special.logit(est) + half)
        edge = (est == 0.0) | (est == 1.0)
        lo, hi = np.where(edge, est, lo), np.where(edge, est, hi)
    else:
        q = stats.norm.ppf((1.0 + level) / 2.0)
        lo, hi = est - q * se, est + q * se
    out = agg[by].copy() if by else pd.DataFrame(index=range(len(agg)))
    out["n"] = agg["n"].astype("int64").to_numpy()
    out["n_years"] = agg["n_years"].astype("int64").to_numpy()
    out["estimate"] = est
    out["se"] = se
    out["ci_low"] = lo
    out["ci_high"] = hi
    out["df"] = agg["df"].astype("int64").to_numpy()
    out["numerator"] = pd.array(agg["numerator"].to_numpy(dtype="float64", na_value=np.nan),
                                dtype="Float64").astype("Int64")
    return out.reset_index(drop=True)
