"""Design-based estimates for survey domains: means and proportions with CIs.

The design: every respondent is its own primary sampling unit, in strata ``h``
with weights ``w_i`` (a stratified design with replacement, no finite
population correction). This reproduces R's
``svyby(~y, ~d, svydesign(ids=~1, strata=~h, weights=~w), svymean, na.rm=TRUE)``
and ``svyciprop(..., method="beta")`` (Korn–Graubard, the default for proportions) or
``svyciprop(..., method="logit")``.

Formulas, for a domain ``d`` = the rows of one ``by`` combination **with a
non-missing value** (the frame is never filtered to the domain: ``n_h`` counts
every row of stratum ``h`` in the whole design):

* ``R = sum_d w_i y_i / sum_d w_i``
* ``z_i = w_i (y_i - R) / sum_d w_i`` for rows in ``d``, ``z_i = 0`` otherwise
* ``V = sum_h n_h/(n_h - 1) sum_{i in h} (z_i - zbar_h)^2``, ``SE = sqrt(V)``
* mean CI: ``R +- Phi^-1((1 + level)/2) SE``
* proportion CI, Korn–Graubard (``ci="beta"``, the default; R's
  ``svyciprop(method="beta")``, as the US NCHS 2017 standard for proportions):
  the effective number of answers ``n_eff = R (1 - R) / V``, **capped at n** (and
  ``n_eff = n`` when ``R`` is 0 or 1 or ``V = 0``), adjusted for the degrees of freedom
  ``n_df = n_eff (t_{m-1} / t_df)^2`` (``t_k`` the ``(1 + level)/2`` quantile of t with
  ``k`` df, ``m`` the domain's rows), and the Clopper–Pearson limits at ``x = n_df R``:
  ``low = B^-1(alpha/2; x, n_df - x + 1)``, ``high = B^-1(1 - alpha/2; x + 1, n_df - x)``
  with ``B^-1`` the beta quantile; **exactly 0** below an estimate of 0 and **exactly 1**
  above an estimate of 1, so the interval never collapses to a point. R leaves ``n_eff``
  uncapped and gives no interval (NaN) at 0 and 1; that is the only difference.
* proportion CI, logit (``ci="logit"``): ``expit(logit R +- t_df SE / (R (1 - R)))``.
* ``df = n - (strata represented among the domain's n rows)`` (``df_rule="answered"``,
  the default, as DOMAIN §2 defines it). R's ``svyciprop`` (survey 4.1) counts every
  row of the domain, also those with a missing value: ``df_rule="domain"`` gives
  exactly that (``m`` and ``df`` over all the domain's rows). Without missing values the
  two are the same.
* ``n`` = respondents in ``d`` with a value; ``cv = SE / R``;
  ``deff = V / (s^2 / n)`` with the weighted variance
  ``s^2 = n/(n-1) sum_d w_i (y_i - R)^2 / sum_d w_i``; ``n_eff = min(n / deff, n)`` for
  means and the Korn–Graubard ``n_eff`` (before the df adjustment) for proportions.

Exactness at the edges: a proportion is summed without a shift, so a domain where every
value is 0 (or 1) has ``R`` exactly 0 (1) and ``V`` exactly 0; a mean over a domain
where every value is the same has ``R`` exactly that value and ``V`` exactly 0 (checked
per domain wherever the variance is within rounding of 0).

A stratum with a single respondent has no variance estimate: it is an error
naming the stratum unless ``single_unit`` is ``"certainty"`` (the stratum adds
nothing to the variance, as R's ``survey.lonely.psu = "certainty"``) or
``"adjust"`` (its unit is centred at the design's grand mean, as
``"adjust"`` in R; for a domain mean that is ``z_i^2``).

Everything is vectorised with ``numpy.bincount`` over integer domain codes: no
``groupby.apply`` and no Python loop over domains.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special, stats

from analysis.settings import Settings

ESTIMATE_COLUMNS = ["estimate", "se", "ci_low", "ci_high", "n", "df", "deff", "n_eff", "cv",
                    "numerator"]
KINDS = ("mean", "proportion")
CI_METHODS = ("beta", "logit")
SINGLE_UNIT_RULES = ("error", "certainty", "adjust")
DF_RULES = ("answered", "domain")


class DesignError(ValueError):
    """The design cannot give a variance (e.g. a stratum with one respondent)."""


def _as_list(columns: str | Sequence[str] | None) -> list[str]:
    if columns is None:
        return []
    if isinstance(columns, str):
        return [columns]
    return list(columns)


def _group_codes(data: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Dense integer codes of the combinations of ``columns`` present, in sorted order,
    and the combinations themselves (one row per code). Missing values form a group."""
    combined = np.zeros(len(data), dtype=np.int64)
    uniques = []
    for col in columns:
        codes, values = pd.factorize(data[col], sort=True, use_na_sentinel=False)
        combined = combined * len(values) + codes
        uniques.append(values)
    dense, present = pd.factorize(combined, sort=True)
    present = np.asarray(present, dtype=np.int64)
    keys = {}
    for col, values in zip(reversed(columns), reversed(uniques), strict=True):
        keys[col] = values.take(present % len(values))
        present = present // len(values)
    frame = pd.DataFrame({col: keys[col] for col in columns})
    for col in columns:
        if isinstance(data[col].dtype, pd.CategoricalDtype) or data[col].dtype != frame[col].dtype:
            frame[col] = frame[col].astype(data[col].dtype)
    return dense.astype(np.int64), frame


class DomainDesign:
    """The design and the domain partition, computed once and reused for many variables.

    Parameters
    ----------
    data : DataFrame with the whole design (all rows, whatever their domain).
    by : column(s) defining domains; None for one domain of all rows.
    weight : weight column; None for weight 1.
    strata : stratum column(s) (several are combined); None for one stratum.
    single_unit : "error", "certainty" or "adjust" (see the module docstring).
    """

    def __init__(self, data: pd.DataFrame, by=None, *, weight: str | None = None,
                 strata: str | Sequence[str] | None = None,
                 single_unit: str = Settings.single_unit):
        if single_unit not in SINGLE_UNIT_RULES:
            raise ValueError(f"single_unit must be one of {SINGLE_UNIT_RULES}, not {single_unit!r}")
        self.by = _as_list(by)
        self.n_rows = len(data)
        if self.n_rows == 0:
            raise DesignError("Inga rader att skatta från.")
        # weights
        if weight is None:
            self.w = np.ones(self.n_rows)
        else:
            w = pd.to_numeric(data[weight], errors="coerce").to_numpy(dtype="float64",
                                                                     na_value=np.nan)
            bad = ~np.isfinite(w) | (w <= 0)
            if bad.any():
                raise DesignError(f"Vikten i kolumnen {weight!r} måste vara ett positivt tal; "
                                  f"{int(bad.sum())} rader har saknad, noll, negativ eller "
                                  "ogiltig vikt.")
            self.w = w
        # strata
        strata_cols = _as_list(strata)
        if strata_cols:
            self.h, self.strata_keys = _group_codes(data, strata_cols)
        else:
            self.h = np.zeros(self.n_rows, dtype=np.int64)
            self.strata_keys = pd.DataFrame({"stratum": ["alla"]})
        self.n_strata = int(self.h.max()) + 1
        self.n_h = np.bincount(self.h, minlength=self.n_strata).astype("float64")
        lonely = self.n_h == 1
        if lonely.any() and single_unit == "error":
            names = ", ".join(" / ".join(str(v) for v in row) for row in
                              self.strata_keys[lonely][:10].itertuples(index=False))
            raise DesignError(
                f"Stratum med en enda svarande: {names}. Variansen kan inte skattas där. "
                "Slå ihop stratumet med ett närliggande, eller välj single_unit='certainty' "
                "eller 'adjust' (se dokumentationen).")
        with np.errstate(divide="ignore", invalid="ignore"):
            self.f_h = np.where(lonely, 0.0, self.n_h / (self.n_h - 1.0))
        self.lonely = lonely
        self.adjust = single_unit == "adjust"
        # domains
        if self.by:
            self.dom, keys = _group_codes(data, self.by)
        else:
            self.dom = np.zeros(self.n_rows, dtype=np.int64)
            keys = pd.DataFrame(index=range(1))
        self.keys = keys.reset_index(drop=True)
        self.n_dom = len(self.keys)
        # (domain, stratum) cells, hashed once
        cell, cell_uniques = pd.factorize(self.dom * self.n_strata + self.h, sort=False)
        self.cell = cell.astype(np.int64)
        self.n_cells = len(cell_uniques)
        cell_uniques = np.asarray(cell_uniques, dtype=np.int64)
        self.cell_dom = cell_uniques // self.n_strata
        self.cell_h = cell_uniques % self.n_strata
        # rows and strata per domain whatever the value (for df_rule="domain")
        self.dom_rows = np.bincount(self.dom, minlength=self.n_dom)
        self.dom_strata = np.bincount(self.cell_dom, minlength=self.n_dom)
        # coarser designs over the same rows whose cells are this design's (``nested_in``);
        # the design itself is kept with its mapping so that its id is not reused
        self._nested: dict[int, tuple[DomainDesign, np.ndarray | None]] = {}
        self._coarse: dict[int, tuple[DomainDesign, np.ndarray | None]] = {}
        # sums that depend only on which rows have a value, by a hash of those rows (the
        # last few: an item's score and share share them; estimates may run on threads)
        self._mask_sums: dict[bytes, dict[str, np.ndarray]] = {}
        self._lock = threading.Lock()

    def nested_in(self, coarse: DomainDesign) -> np.ndarray | None:
        """For each cell of ``coarse``, the one cell of this design with the same rows, or
        None when ``coarse``'s cells are not exactly this design's cells.

        With strata nested in this design's domains (strata = areas, the default) a coarser
        design (the kommun per year) has the same (domain, stratum) cells, so its cell sums
        are this design's, row for row: ``estimate_arrays(..., also=[coarse])`` reuses them.
        """
        key = id(coarse)
        if key not in self._nested:
            self._nested[key] = (coarse, self._nesting(coarse))
        return self._nested[key][1]

    def coarsening(self, coarse: DomainDesign) -> np.ndarray | None:
        """For each cell of this design, the one cell of ``coarse`` that holds all its rows,
        or None when a cell of this design is split between cells of ``coarse``.

        A breakdown by sex (or by age group) is a coarsening of the breakdown by sex × age
        group: its cell sums are sums of the finer cells' (``estimate_arrays(via=...)``).
        """
        key = id(coarse)
        if key not in self._coarse:
            self._coarse[key] = (coarse, self._coarsen(coarse))
        return self._coarse[key][1]

    def _coarsen(self, coarse: DomainDesign) -> np.ndarray | None:
        if coarse.n_rows != self.n_rows:
            return None
        target = np.full(self.n_cells, -1, dtype=np.int64)
        target[self.cell[::-1]] = coarse.cell[::-1]  # a row of each fine cell -> coarse cell
        if not np.array_equal(target[self.cell], coarse.cell):
            return None
        return target

    def _nesting(self, coarse: DomainDesign) -> np.ndarray | None:
        if coarse.n_rows != self.n_rows or coarse.n_cells != self.n_cells:
            return None
        first = np.full(coarse.n_cells, -1, dtype=np.int64)
        first[coarse.cell[::-1]] = self.cell[::-1]  # a row of each coarse cell -> its fine cell
        if (first < 0).any() or len(np.unique(first)) != coarse.n_cells:
            return None
        if not np.array_equal(first[coarse.cell], self.cell):
            return None
        return first

    def estimate(self, values, *, kind: str = "mean", level: float = Settings.level,
                 df_rule: str = "answered", ci: str = "beta") -> pd.DataFrame:
        """Estimate one variable (array-like aligned with the design's rows) per domain."""
        return self.frame(self.estimate_arrays(values, kind=kind, level=level,
                                               df_rule=df_rule, ci=ci)[0])

    def frame(self, arrays: dict[str, np.ndarray]) -> pd.DataFrame:
        """``estimate``'s table from ``estimate_arrays``'s arrays for this design."""
        out = self.keys.copy()
        for col in ESTIMATE_COLUMNS[:-1]:
            out[col] = arrays[col]
        numerator = arrays["numerator"]
        out["numerator"] = pd.array(np.where(np.isnan(numerator), np.nan, numerator),
                                    dtype="Float64").astype("Int64")
        return out

    def estimate_arrays(self, values, *, kind: str = "mean", level: float = Settings.level,
                        df_rule: str = "answered", ci: str = "beta",
                        also: Sequence[DomainDesign] = (), via: Sequence[DomainDesign] = ()
                        ) -> list[dict[str, np.ndarray]]:
        """``estimate`` as arrays per domain (``ESTIMATE_COLUMNS``; ``n``, ``df`` int64), for
        this design and each design in ``also`` (other domain sets over the same rows,
        weights and strata): the per-row terms are formed once, and a design whose cells
        are this design's (``nested_in``) takes its cell sums from this one's. A design of
        ``also`` whose cells are unions of the cells of a design in ``via``
        (``coarsening``) adds up those cell sums instead of passing over the rows (equal to
        rounding, not bit for bit); the ``via`` designs are summed but not estimated."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        if df_rule not in DF_RULES:
            raise ValueError(f"df_rule must be one of {DF_RULES}, not {df_rule!r}")
        if ci not in CI_METHODS:
            raise ValueError(f"ci must be one of {CI_METHODS}, not {ci!r}")
        if not 0 < level < 1:
            raise ValueError("level must be between 0 and 1")
        if isinstance(values, np.ndarray) and values.dtype == np.float64 and values.ndim == 1:
            y = values
        else:
            y = pd.to_numeric(pd.Series(values), errors="raise").to_numpy(dtype="float64",
                                                                          na_value=np.nan)
        if y.shape[0] != self.n_rows:
            raise ValueError("values must have one entry per row of the design")
        m = y == y  # has a value (NaN is not equal to itself)
        # One pass per sum over the (domain, stratum) cells; rows without a value get
        # weight 0. With the cell sums, z never has to be formed row by row:
        #   sum_c z   = (sum_c w y - R sum_c w) / W
        #   sum_c z^2 = (sum_c w^2 y^2 - 2 R sum_c w^2 y + R^2 sum_c w^2) / W^2
        # A mean's y is shifted by its overall mean first, which keeps the expansion exact
        # to rounding (every formula above is shift-invariant). A proportion is not
        # shifted: its values are 0 and 1, and unshifted a domain of only 0s (1s) gives
        # R exactly 0 (1) and V exactly 0.
        if kind == "mean":
            shift = float(np.mean(y[m])) if m.any() else 0.0
            yc = y - shift
            yc[~m] = 0.0
        else:  # y itself (y - 0.0 is y, bit for bit), 0 where missing
            shift = 0.0
            yc = np.where(m, y, 0.0)
            if ((yc != 0.0) & (yc != 1.0)).any():
                raise ValueError("kind='proportion' needs a 0/1 variable")
        w = self.w * m  # exactly w where there is a value, +0.0 elsewhere
        terms = _RowTerms.of(m, w, yc, yc if kind == "proportion" else None,
                             hashlib.blake2b(np.packbits(m).tobytes(), digest_size=16).digest())
        sums = self._cell_sums(terms)
        out = [self._finish(sums, shift, kind, level, df_rule, ci, y)]
        sources = [(d, d._cell_sums(terms)) for d in via]
        for other in also:
            mapping = self.nested_in(other)
            if mapping is not None:
                other_sums = {k: v[mapping] for k, v in sums.items()}
            else:
                other_sums = None
                for source, source_sums in sources:
                    target = source.coarsening(other)
                    if target is not None:
                        # (a sum shared by two keys, as a proportion's wy and wyy, is
                        # added up once and stays shared)
                        added: dict[int, np.ndarray] = {}
                        other_sums = {}
                        for k, v in source_sums.items():
                            if id(v) not in added:
                                added[id(v)] = np.bincount(target, v, other.n_cells)
                            other_sums[k] = added[id(v)]
                        break
                if other_sums is None:
                    other_sums = other._cell_sums(terms)
            out.append(other._finish(other_sums, shift, kind, level, df_rule, ci, y))
        return out

    def _cell_sums(self, t: _RowTerms) -> dict[str, np.ndarray]:
        """The per-(domain, stratum) cell sums of the row terms (``numpy.bincount``)."""
        cell, nc = self.cell, self.n_cells
        # the sums that depend only on which rows have a value are kept for the next
        # variable with the same rows (an item's score and its share, say)
        with self._lock:
            cached = self._mask_sums.get(t.key)
        if cached is None:
            cached = {"w": np.bincount(cell, t.w, nc), "n": np.bincount(cell, t.m, nc),
                      "w2": np.bincount(cell, t.w2, nc)}
            with self._lock:
                self._mask_sums[t.key] = cached
                while len(self._mask_sums) > _MASK_CACHE:
                    del self._mask_sums[next(iter(self._mask_sums))]
        sums = dict(cached)
        sums["wy"] = np.bincount(cell, t.wy, nc)
        sums["w2y"] = np.bincount(cell, t.w2y, nc)
        if t.y0 is not None:
            # a proportion: y is 0 or 1 and not shifted, so y^2 = y and the squared sums
            # are the plain ones (exactly: w y y == w y)
            sums["wyy"], sums["w2yy"] = sums["wy"], sums["w2y"]
            sums["y"] = np.bincount(cell, t.y0, nc)
        else:
            sums["wyy"] = np.bincount(cell, t.wy * t.yc, nc)
            sums["w2yy"] = np.bincount(cell, t.w2y * t.yc, nc)
        return sums

    def _finish(self, sums: dict[str, np.ndarray], shift: float, kind: str, level: float,
                df_rule: str, ci: str, y: np.ndarray) -> dict[str, np.ndarray]:
        """Estimates per domain from the cell sums (the formulas of the module docstring)."""
        cd, nd = self.cell_dom, self.n_dom
        c_w, c_n, c_wy, c_wyy = sums["w"], sums["n"], sums["wy"], sums["wyy"]
        c_w2, c_w2y, c_w2yy = sums["w2"], sums["w2y"], sums["w2yy"]
        W = np.bincount(cd, c_w, nd)
        n = np.bincount(cd, c_n, nd)
        with np.errstate(divide="ignore", invalid="ignore"):
            Rs = np.bincount(cd, c_wy, nd) / W  # shifted estimate
            R = Rs + shift
            r_c, w_c = Rs[cd], W[cd]
            s1 = (c_wy - r_c * c_w) / w_c
            s2 = np.maximum((c_w2yy - 2.0 * r_c * c_w2y + r_c * r_c * c_w2) / (w_c * w_c), 0.0)
            cnt = c_n
            n_h = self.n_h[self.cell_h]
            contrib = self.f_h[self.cell_h] * (s2 - s1 * s1 / n_h)
            if self.adjust:
                contrib = np.where(self.lonely[self.cell_h], s2, contrib)
            V = np.bincount(self.cell_dom, contrib, nd)
            V = np.where(n > 0, np.maximum(V, 0.0), np.nan)
            # design effect against simple random sampling of the same n:
            # sum_d w (y - R)^2 = sum_d w y^2 - W R^2 (shifted y)
            second = np.bincount(cd, c_wyy, nd)
            ss = np.maximum(second - W * Rs * Rs, 0.0) / W
            if kind == "mean":
                same = self._constant_domains(ss, second / W, y)
                if same is not None:
                    R = np.where(same[0], same[1], R)
                    V = np.where(same[0], 0.0, V)
                    ss = np.where(same[0], 0.0, ss)
            se = np.sqrt(V)
            strata_in_dom = np.bincount(self.cell_dom[cnt > 0], minlength=nd)
            df = n - strata_in_dom
            rows = n
            if df_rule == "domain":
                df = np.where(n > 0, self.dom_rows - self.dom_strata, df)
                rows = np.where(n > 0, self.dom_rows, n)
            s_sq = ss * n / (n - 1.0)
            deff = V / (s_sq / n)
            cv = se / np.abs(R)
            if kind == "mean":
                n_eff = np.minimum(n / deff, n)
                q = stats.norm.ppf((1.0 + level) / 2.0)
                lo, hi = R - q * se, R + q * se
                numerator = np.full(nd, np.nan)
            else:
                numerator = np.bincount(cd, sums["y"], nd)
                p = (1.0 + level) / 2.0
                t = _t_quantile(p, np.where(df > 0, df, np.nan))
                edge = (R == 0.0) | (R == 1.0)
                if ci == "beta":
                    n_eff, lo, hi = _korn_graubard(R, V, n, rows, t, level)
                else:
                    n_eff = np.minimum(n / deff, n)
                    half = t * se / (R * (1.0 - R))
                    lo = special.expit(special.logit(R) - half)
                    hi = special.expit(special.logit(R) + half)
                    # R = 0 or 1: the logit interval degenerates to the point itself
                    lo, hi = np.where(edge, R, lo), np.where(edge, R, hi)
        return {"estimate": R, "se": se, "ci_low": lo, "ci_high": hi, "n": n.astype("int64"),
                "df": df.astype("int64"), "deff": deff, "n_eff": n_eff, "cv": cv,
                "numerator": numerator}

    def _constant_domains(self, ss: np.ndarray, second: np.ndarray, y: np.ndarray
                          ) -> tuple[np.ndarray, np.ndarray] | None:
        """The domains where every value is the same, and that value (exactly).

        Only domains whose weighted sum of squares is within rounding of 0 are checked
        row by row (usually none, so this costs nothing).
        """
        with np.errstate(invalid="ignore"):
            candidate = ss <= 1e-9 * np.maximum(second, 1e-300)
        if not candidate.any():
            return None
        rows = np.flatnonzero(candidate[self.dom] & ~np.isnan(y))
        low = np.full(self.n_dom, np.inf)
        high = np.full(self.n_dom, -np.inf)
        np.minimum.at(low, self.dom[rows], y[rows])
        np.maximum.at(high, self.dom[rows], y[rows])
        same = candidate & (low == high)
        return same, np.where(same, low, np.nan)


def _korn_graubard(R: np.ndarray, V: np.ndarray, n: np.ndarray, rows: np.ndarray,
                   t_df: np.ndarray, level: float
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(n_eff, low, high)`` of the Korn–Graubard interval (the module docstring).

    ``n_eff = R (1 - R) / V`` capped at ``n`` (``n`` where ``R`` is 0 or 1 or ``V`` is 0);
    ``n_df = n_eff (t_{rows-1} / t_df)^2``; Clopper–Pearson limits at ``x = n_df R``, with
    the limit below 0 exactly 0 and above 1 exactly 1.
    """
    p = (1.0 + level) / 2.0
    alpha = 1.0 - level
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = R * (1.0 - R) / V
        edge = (R == 0.0) | (R == 1.0) | (V == 0.0)
        n_eff = np.where(edge, n, np.minimum(raw, n))
        n_eff = np.where(n > 0, n_eff, np.nan)
        t_all = _t_quantile(p, np.where(rows > 1, rows - 1.0, np.nan))
        n_df = n_eff * (t_all / t_df) ** 2
        x = n_df * R
        lo = np.where(R == 0.0, 0.0, _threaded(special.betaincinv, x, n_df - x + 1.0,
                                               alpha / 2.0))
        hi = np.where(R == 1.0, 1.0, _threaded(special.betaincinv, x + 1.0, n_df - x,
                                               1.0 - alpha / 2.0))
        bad = ~(n_df > 0)
        lo = np.where(bad, np.nan, lo)
        hi = np.where(bad, np.nan, hi)
    return n_eff, lo, hi


_THREADS = min(4, os.cpu_count() or 1)
_MASK_CACHE = 4  # masks whose sums a design keeps
_THREADED_MIN = 50_000  # elements below which one thread is faster


def _threaded(ufunc, a: np.ndarray, b: np.ndarray, q: float) -> np.ndarray:
    """``ufunc(a, b, q)`` elementwise, in blocks on a few threads: the inverse incomplete
    beta function costs about a microsecond per element and releases the GIL, so two
    cores halve it. The result is the same, element for element, as one call."""
    a, b = np.broadcast_arrays(np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64"))
    if a.size < _THREADED_MIN or _THREADS < 2:
        return ufunc(a, b, q)
    out = np.empty(a.shape)
    bounds = np.linspace(0, a.size, _THREADS + 1).astype(np.int64)

    def block(k: int) -> None:
        lo, hi = bounds[k], bounds[k + 1]
        ufunc(a.ravel()[lo:hi], b.ravel()[lo:hi], q, out=out.ravel()[lo:hi])

    with ThreadPoolExecutor(_THREADS) as pool:
        list(pool.map(block, range(_THREADS)))
    return out


def _t_quantile(p: float, df: np.ndarray) -> np.ndarray:
    """``stats.t.ppf(p, df)``, evaluated once per distinct df (tens of thousands of domains
    share a few hundred df values)."""
    df = np.asarray(df, dtype="float64")
    distinct, where = np.unique(df, return_inverse=True)
    return stats.t.ppf(p, distinct)[where.reshape(df.shape)]


@dataclass(frozen=True)
class _RowTerms:
    """Per-row terms of one variable: has a value, weight (0 without), shifted value
    (0 without), and the value itself (0 without) for proportions' numerators; and the
    products every design sums (formed once, shared by all designs)."""

    m: np.ndarray
    w: np.ndarray
    yc: np.ndarray
    y0: np.ndarray | None
    key: bytes  # a hash of ``m``
    wy: np.ndarray
    w2: np.ndarray
    w2y: np.ndarray

    @classmethod
    def of(cls, m, w, yc, y0, key) -> _RowTerms:
        w2 = w * w
        return cls(m, w, yc, y0, key, w * yc, w2, w2 * yc)


def survey_estimates(data: pd.DataFrame, value: str, by=None, *, weight: str | None = None,
                     strata: str | Sequence[str] | None = None, kind: str = "mean",
                     level: float = Settings.level, single_unit: str = Settings.single_unit,
                     df_rule: str = "answered", ci: str = "beta") -> pd.DataFrame:
    """Design-based estimate of ``value`` for every combination of ``by`` present in ``data``.

    Parameters
    ----------
    data : the whole design, one row per respondent (do not filter it to a domain).
    value : column to estimate; missing values are left out of the domain.
    by : column(s) for domains, or None for all rows.
    weight, strata : design columns (None: weight 1, one stratum).
    kind : "mean", or "proportion" for a 0/1 column.
    level : confidence level.
    single_unit : handling of a stratum with one respondent: "error" (default),
        "certainty" or "adjust".
    df_rule : degrees of freedom for the proportion CI: "answered" (default; rows with a
        value) or "domain" (every row of the domain, as R's ``svyciprop``).
    ci : the proportion CI: "beta" (Korn–Graubard, default) or "logit".

    Returns
    -------
    DataFrame sorted by ``by`` with columns ``*by, estimate, se, ci_low, ci_high,
    n, df, deff, n_eff, cv, numerator`` (``numerator``: unweighted count of 1s
    for proportions, missing for means). The formulas are in the module docstring.
    """
    design = DomainDesign(data, by, weight=weight, strata=strata, single_unit=single_unit)
    return design.estimate(data[value], kind=kind, level=level, df_rule=df_rule, ci=ci)


def change_test(est1: pd.Series | np.ndarray, se1, est2, se2) -> pd.DataFrame:
    """Change between two independent samples: ``delta = R2 - R1``, ``SE = sqrt(V1 + V2)``,
    two-sided z-test ``p = 2 (1 - Phi(|delta| / SE))``."""
    est1, se1, est2, se2 = (np.asarray(a, dtype="float64") for a in (est1, se1, est2, se2))
    delta = est2 - est1
    se = np.sqrt(se1**2 + se2**2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = delta / se
    p = 2.0 * stats.norm.sf(np.abs(z))
    return pd.DataFrame({"delta": delta, "se_delta": se, "z": z, "p": p})


def benjamini_hochberg(p: pd.Series | np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (missing p stay missing)."""
    p = np.asarray(p, dtype="float64")
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = stats.false_discovery_control(p[ok], method="bh")
    return out


def minimum_detectable_change(se1: float, se2: float | None = None, *, n_now: float | None = None,
                              n_planned: float | None = None, alpha: float = Settings.alpha,
                              power: float = Settings.power) -> float:
    """``MDC = (z_{1-alpha/2} + z_{power}) sqrt(SE1^2 + SE2^2)``.

    Without ``se2``, the next year's SE is projected from this year's:
    ``SE2 = SE1 sqrt(n_now / n_planned)`` (``SE ∝ 1/sqrt(n)``; same n if not given).
    """
    if se2 is None:
        ratio = 1.0 if not (n_now and n_planned) else n_now / n_planned
        se2 = se1 * np.sqrt(ratio)
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    return float(z * np.sqrt(se1**2 + se2**2))
