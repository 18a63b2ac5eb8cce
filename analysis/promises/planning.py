"""Planning ("justify"): can the survey judge a draft target at all?

At signing time (DOMAIN §5) a target should be chosen that the survey can judge. For a draft
survey target ``plan_target`` reports, from the baseline estimate and the number of answers
expected per year, the minimum detectable change

    MDC = (z_{1−α/2} + z_{power}) · √(SE₁² + SE₂²)        (2,80 · SE_Δ at α = 0,05, 80 %)

between two survey years, where ``SE₁`` is the baseline's SE and ``SE₂ = SE₁ √(n₁/n₂)`` is
projected for the expected number of answers ``n₂`` (``SE ∝ 1/√n``;
``analysis.estimate.minimum_detectable_change``), and the same with **two-year pooling** at
each end (``analysis.trend.pooled_estimates``): the baseline is the mean of the last two
years, ``SE₁ = √(SE_{t−1}² + SE_t²) / 2`` (``SE_t/√2`` when the year before is missing or
not comparable), and the follow-up ``SE₂/√2``. A target needs the change
``s · (target − baseline)`` in the promised direction (``s = −1`` for *minska*); it can be
judged from two survey years when that change is at least the MDC. ``n_needed`` is the
number of answers per year at which the MDC equals the needed change,
``n₂ = SE₁² n₁ / ((needed / z)² − SE₁²)`` (none when even infinitely many answers next year
would not do, because the baseline's own uncertainty is too large).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analysis.areas import TOTAL_AREA, comparable
from analysis.estimate import minimum_detectable_change
from analysis.formatting import sv_count, sv_interval, sv_number, sv_percent, sv_pp
from analysis.settings import Settings
from analysis.vocabulary import PROPORTION_INDICATORS

PLANNING_COLUMNS = [
    "year", "promise_id", "title", "indicator_no", "label", "survey_indicator", "item", "area",
    "direction", "target_op", "target_value", "baseline_year", "baseline", "ci_low", "ci_high",
    "n_now", "n_planned", "se_now", "se_planned", "mdc", "mdc_pooled", "needed", "judgeable",
    "judgeable_pooled", "n_needed", "sentence",
]


def _z(alpha: float, power: float) -> float:
    return float(stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power))


def _row(est: pd.DataFrame, indicator: str, item: str, area: str, year: int):
    hit = est[(est["indicator"] == indicator) & (est["item"] == item) & (est["area"] == area)
              & (est["year"] == year)]
    return None if hit.empty else hit.iloc[0]


def plan_target(estimates: pd.DataFrame, *, indicator: str, item: str, area: str,
                baseline_year: int, direction: str = "minska", target_op: str | None = None,
                target: float | None = None, n_planned: float | None = None,
                register: pd.DataFrame | None = None, label: str = "",
                settings: Settings | None = None) -> dict:
    """The minimum detectable change of a draft survey target (formulas in the module
    docstring), with a Swedish sentence; ``n_planned`` answers per year (default: as many
    as at baseline). Returns one ``PLANNING_COLUMNS`` row as a dict (without the promise's
    own columns)."""
    s = settings or Settings()
    share = indicator in PROPORTION_INDICATORS
    out = {"survey_indicator": indicator, "item": item, "area": area, "direction": direction,
           "target_op": target_op, "target_value": np.nan if target is None else float(target),
           "baseline_year": int(baseline_year)}
    base = _row(estimates, indicator, item, area, int(baseline_year))
    name = label or f"{indicator} {item}"
    if base is None or bool(base["suppressed"]) or pd.isna(base["se"]):
        return out | {"sentence": f"{name}: utgångsläget {baseline_year} publiceras inte (för få "
                      "svar), så målet kan inte planeras med enkäten. Välj ett större område "
                      "eller slå samman år."}
    n_now = float(base["n"])
    n_plan = float(n_planned) if n_planned else n_now
    se_now = float(base["se"])
    se_plan = se_now * np.sqrt(n_now / n_plan)
    mdc = minimum_detectable_change(se_now, n_now=n_now, n_planned=n_plan, alpha=s.alpha,
                                    power=s.power)
    prev = _row(estimates, indicator, item, area, int(baseline_year) - 1)
    same = area == TOTAL_AREA or register is None or bool(comparable(
        register, pd.Series([area]), pd.Series([int(baseline_year) - 1]),
        pd.Series([int(baseline_year)])).iloc[0])
    if prev is not None and same and not bool(prev["suppressed"]) and pd.notna(prev["se"]):
        se_base_pool = float(np.hypot(prev["se"], se_now)) / 2
    else:
        se_base_pool = se_now / np.sqrt(2)
    mdc_pool = minimum_detectable_change(se_base_pool, se_plan / np.sqrt(2), alpha=s.alpha,
                                         power=s.power)
    out |= {"baseline": float(base["estimate"]), "ci_low": float(base["ci_low"]),
            "ci_high": float(base["ci_high"]), "n_now": int(n_now), "n_planned": int(n_plan),
            "se_now": se_now, "se_planned": se_plan, "mdc": mdc, "mdc_pooled": mdc_pool}
    sign = -1.0 if direction == "minska" else 1.0
    z = _z(s.alpha, s.power)
    if target is not None and not pd.isna(target):
        needed = sign * (float(target) - out["baseline"])
        room = (needed / z) ** 2 - se_now ** 2
        n_needed = int(np.ceil(se_now ** 2 * n_now / room)) if needed > 0 and room > 0 else None
        out |= {"needed": needed, "judgeable": bool(needed >= mdc),
                "judgeable_pooled": bool(needed >= mdc_pool), "n_needed": n_needed}
    out["sentence"] = _sentence(out, name, share)
    return out


def _sentence(r: dict, name: str, share: bool) -> str:
    def fmt(x):
        return sv_percent(x, 1, trim=True) if share else sv_number(x, 2)

    def size(x):
        return sv_pp(x, 1) if share else sv_number(x, 2)

    text = (f"{name}: utgångsläget {r['baseline_year']} är {fmt(r['baseline'])} (95 % KI "
            f"{sv_interval(r['ci_low'], r['ci_high'], share)}, {sv_count(r['n_now'])} svar). Med "
            f"{sv_count(r['n_planned'])} svar per år kan enkäten upptäcka en förändring på "
            f"{size(r['mdc'])} mellan två mätår, eller {size(r['mdc_pooled'])} med två år "
            "sammanslagna i varje ände.")
    if "needed" not in r:
        return text + (" Målet har inget sifferfäst värde: ange en minsta förändring som räknas "
                       f"på minst {size(r['mdc'])}, annars kan en oförändrad nivå aldrig bedömas.")
    if r["needed"] <= 0:
        return text + " Målet är redan nått vid utgångsläget; det säger inget om effekten."
    text += f" Målet kräver en förändring på {size(r['needed'])}: "
    if r["judgeable"]:
        return text + "det kan enkäten avgöra med två mätår."
    if r["judgeable_pooled"]:
        return text + "det kan enkäten avgöra bara med två år sammanslagna i varje ände."
    more = (f" Med ungefär {sv_count(r['n_needed'])} svar per år skulle det gå."
            if r.get("n_needed") else "")
    return (text + "det är mindre än vad enkäten kan upptäcka. Välj ett större mål, ett större "
            "område, fler svar eller en trend över fler år." + more)


def plan_targets(registry: pd.DataFrame, estimates: pd.DataFrame, *, year: int | None = None,
                 n_planned: float | None = None, register: pd.DataFrame | None = None,
                 labels: dict | None = None, settings: Settings | None = None) -> pd.DataFrame:
    """``plan_target`` for every survey indicator of the promises of ``year`` (default: the
    latest registry year), with the baseline in ``fran_ar`` (``PLANNING_COLUMNS``).

    ``labels`` maps ``(year, promise_id, indicator_no)`` to the indicator's Swedish label
    (e.g. from the evaluation table).
    """
    reg = registry[registry["kind"] == "enkat"]
    if reg.empty:
        return pd.DataFrame(columns=PLANNING_COLUMNS)
    year = int(reg["year"].max()) if year is None else int(year)
    rows = []
    for r in reg[reg["year"] == year].itertuples(index=False):
        label = (labels or {}).get((int(r.year), r.promise_id, int(r.indicator_no)), "")
        got = plan_target(estimates, indicator=r.survey_indicator, item=r.item, area=str(r.area),
                          baseline_year=int(r.year_from), direction=r.direction,
                          target_op=None if pd.isna(r.target_op) else r.target_op,
                          target=None if pd.isna(r.target_value) else float(r.target_value),
                          n_planned=n_planned, register=register, label=label or r.title,
                          settings=settings)
        rows.append({"year": int(r.year), "promise_id": r.promise_id, "title": r.title,
                     "indicator_no": int(r.indicator_no), "label": label or r.title} | got)
    out = pd.DataFrame(rows).reindex(columns=PLANNING_COLUMNS)
    for c in ["judgeable", "judgeable_pooled"]:
        out[c] = pd.array(out[c], dtype="boolean")
    for c in ["n_now", "n_planned", "n_needed"]:
        out[c] = pd.array(pd.to_numeric(out[c]), dtype="Int64")
    return out
