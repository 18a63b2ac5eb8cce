"""Follow-up of the promises: two verdicts per promise, each with its evidence.

Every promise is asked two questions (DOMAIN §5) and never gets one merged word:

* **genomförande** – were the promised actions done? Indicators of kind ``aktivitet``,
  ``milstolpe`` and the number of safety walks held (``vandring`` with ``matt: vandringar``);
* **effekt** – did the targeted problem change? Indicators of kind ``enkat`` (the survey),
  ``polisindex`` (the police's index), the follow-up of the safety walks (``vandring``,
  every other measure) and ``anmalda_brott`` (reported crime from Brå's statistics, judged
  on the rate ratio's exact interval or a Poisson trend: ``crime_verdict``).

``evaluate_promises`` judges each registry row with the evaluator of its kind against the
``Evidence`` (the tables the build has written), then combines the verdicts of each part.
The rules are in ``docs/medborgarloften.md``; the survey rule is ``survey_verdict``, the
police-index rule ``official_verdict``, the reported-crime rule ``crime_verdict``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special, stats

from analysis.areas import TOTAL_AREA, area_versions
from analysis.codebook import load_codebook, load_police_indicators
from analysis.crime.categories import crime_config, load_categories
from analysis.crime.stats import ALL_AGES, CrimeEvidence, crime_evidence
from analysis.estimate import change_test
from analysis.formatting import NBSP, sv_count, sv_number, sv_p, sv_percent, sv_pp
from analysis.indices import indicator_values
from analysis.official import NOT_COMPARABLE, compare_official
from analysis.official.reader import SCALE_MAX
from analysis.promises.activities import activity_label
from analysis.promises.indicators import WALK_SHARES
from analysis.settings import Settings
from analysis.survey import dont_know_column
from analysis.text import normalise_label
from analysis.trend import linear_trend, pooled_estimates, trend_change, trend_level
from analysis.vocabulary import ALL_ITEMS, INDICATORS, PROMISES, PROPORTION_INDICATORS

STATUS = PROMISES["status"]
MET, PARTLY, NOT_MET, UNKNOWN = STATUS["met"], STATUS["partly"], STATUS["not_met"], STATUS["unknown"]
NOT_MEASURED = PROMISES["not_measured"]
IMPLEMENTATION, EFFECT = "genomforande", "effekt"
PARTS = (IMPLEMENTATION, EFFECT)
PRIMARY, SECONDARY, HOLM = (PROMISES["roles"][k] for k in ("primary", "secondary", "holm"))
LPO = "lpo"
TREND_MIN_YEARS = 3  # a trend needs at least three survey years (DOMAIN §5)
POOL_YEARS = 2  # years pooled at each end with metod: poolad
EVALUATION_COLUMNS = [
    "year", "promise_no", "promise_id", "title", "is_goal", "indicator_no", "kind", "part",
    "label", "unit", "direction", "role", "method", "counts", "status", "reason", "value",
    "target", "year_from", "year_to",
    "estimate_from", "estimate_to", "ci_low_from", "ci_high_from", "ci_low_to", "ci_high_to",
    "delta", "se_delta", "ci_low_delta", "ci_high_delta", "p", "p_holm", "mdc", "min_change",
    "explanation", "implementation_status", "implementation_explanation", "effect_status",
    "effect_explanation",
]
_FLOAT_COLUMNS = ["value", "estimate_from", "estimate_to", "ci_low_from", "ci_high_from",
                  "ci_low_to", "ci_high_to", "delta", "se_delta", "ci_low_delta",
                  "ci_high_delta", "p", "p_holm", "mdc", "min_change"]


@dataclass(frozen=True)
class Evidence:
    """The tables an evaluation uses; any may be None (the indicator is then not assessable).

    ``responses`` (the respondent table) is needed only for trends and pooled years;
    ``register`` (the area register) for area names and redrawn areas; ``crime`` (the
    reported-crime rates, ``analysis.crime.crime_rates``) for ``anmalda_brott``.
    """

    activities: pd.DataFrame | None = None
    estimates: pd.DataFrame | None = None
    walk_followup: pd.DataFrame | None = None
    walks: pd.DataFrame | None = None
    official: pd.DataFrame | None = None
    register: pd.DataFrame | None = None
    responses: pd.DataFrame | None = None
    crime: pd.DataFrame | None = None


def indicator_part(kind: str, measure: object = None) -> str:
    """``genomforande`` or ``effekt`` for an indicator of ``kind`` (walks: by ``measure``)."""
    if kind in ("aktivitet", "milstolpe") or (kind == "vandring" and measure == "walks"):
        return IMPLEMENTATION
    return EFFECT


def indicator_unit(kind: str, measure: object = None, indicator: object = None) -> str:
    """The unit of an indicator's value: ``andel``, ``poäng``, ``index``, ``antal`` or ``""``."""
    if kind == "enkat":
        return "andel" if indicator in PROPORTION_INDICATORS else "poäng"
    if kind == "vandring":
        return "andel" if measure in WALK_SHARES else "antal"
    return {"polisindex": "index", "aktivitet": "antal",
            "anmalda_brott": CRIME_UNIT}.get(kind, "")


def evaluate_promises(registry: pd.DataFrame, evidence: Evidence, *,
                      settings: Settings | None = None) -> pd.DataFrame:
    """One row per promise indicator with its verdict and evidence (``EVALUATION_COLUMNS``).

    Per indicator (details in ``docs/medborgarloften.md``):

    * aktivitet – ``Σ antal`` of the type in the promise year (and area) against the target:
      reached → uppfyllt; for ``>=`` targets at least ``delvis_fran`` · target (and > 0) →
      delvis uppfyllt; else ej uppfyllt; no log rows that year → kan inte bedömas.
    * milstolpe – done by the deadline → uppfyllt, later → delvis uppfyllt; ``klart: nej``
      or no such activity in a log that runs past the deadline → ej uppfyllt.
    * vandring – walks held (genomförande) or a follow-up share (effekt) against the target.
    * enkat – ``survey_verdict`` on the CI of the target quantity (the level in ``till_ar``
      when there is a numeric target) or of the change, from two years, a trend over
      ``fran_ar``..``till_ar`` (≥ 3 survey years) or two pooled years at each end. Several
      survey indicators in one promise: the one marked ``primar`` decides (the others are
      secondary and do not count), else Holm within the promise.
    * polisindex – ``official_verdict``: the same three-way logic, with the noise of a
      change estimated from our own survey at the same level.
    * anmalda_brott – ``crime_verdict`` on the rate ratio from ``fran_ar`` to ``till_ar`` of the
      category (or youth violence) in the kommun: an exact interval for two years, a Poisson
      trend over ≥ 3 years (``analysis.crime.crime_evidence``); with ``mal`` the Garwood
      interval of the rate in ``till_ar`` against the target.

    Per promise, separately for genomförande and effekt: mäts inte without indicators;
    kan inte bedömas if none can be judged; uppfyllt if every judged (counting) indicator
    is; ej uppfyllt if none is; else delvis uppfyllt.
    """
    s = settings or Settings()
    names = _AreaNames(evidence.register)
    rows = []
    for row in registry.itertuples(index=False):
        part = indicator_part(row.kind, row.measure)
        label = row.label if pd.notna(row.label) and row.label else _auto_label(row, names)
        base = {"year": row.year, "promise_no": row.promise_no, "promise_id": row.promise_id,
                "title": row.title, "is_goal": bool(row.is_goal),
                "indicator_no": row.indicator_no, "kind": row.kind, "part": part,
                "label": label, "unit": indicator_unit(row.kind, row.measure,
                                                      row.survey_indicator),
                "direction": row.direction if pd.notna(row.direction) else "",
                "role": "", "method": "", "counts": True, "reason": ""}
        if row.kind == "enkat":
            res = _eval_survey(row, evidence, label, names, s) | {"_primary": bool(row.primary)}
        elif row.kind == "polisindex":
            res = _eval_official(row, evidence, label, names, s)
        elif row.kind == "anmalda_brott":
            res = _eval_crime(row, evidence, label, names, s)
        else:
            res = _EVALUATORS[row.kind](row, evidence, label, names)
        rows.append(base | res)
    _finish_survey_rows(rows, s.alpha)
    out = pd.DataFrame(rows).reindex(columns=EVALUATION_COLUMNS)  # drops the private keys
    if len(out):
        out = _promise_verdicts(out)
    return _typed_evaluation(out)


# --- shared rules ---------------------------------------------------------------------------


def _meets(op: str, value: float, target: float) -> bool:
    return value >= target - 1e-12 if op == ">=" else value <= target + 1e-12


def _count_status(value: float, op: str, target: float, partial_from: float) -> str:
    if _meets(op, value, target):
        return MET
    if op == ">=" and value > 0 and value >= partial_from * target - 1e-12:
        return PARTLY
    return NOT_MET


def _target_text(op: str | None, value: float, share: bool = False) -> str:
    if op is None or pd.isna(op) or pd.isna(value):
        return ""
    word = "minst" if op == ">=" else "högst"
    # 0.28 · 100 is 28.000000000000004 in binary: round before trimming the decimals
    shown = (f"{sv_number(round(100 * value, 9), 1, trim=True)}{NBSP}%" if share
             else sv_number(value, 2, trim=True))
    return f"{word} {shown}"


def combine_verdicts(statuses: list[str], part: str) -> tuple[str, str]:
    """A promise's verdict for one part (``genomforande``/``effekt``) and a Swedish sentence.

    No indicator → mäts inte; none judged → kan inte bedömas; every judged one uppfyllt →
    uppfyllt; none uppfyllt or delvis → ej uppfyllt; else delvis uppfyllt. The sentence says
    how many indicators could not be judged.
    """
    what = PROMISES["parts"][part].lower()
    if not statuses:
        return NOT_MEASURED, (f"Löftet har ingen indikator för {what}; det mäts inte."
                              + (" Lägg till en enkätindikator, polisens index eller "
                                 "vandringarnas uppföljning för att följa effekten."
                                 if part == EFFECT else ""))
    judged = [x for x in statuses if x != UNKNOWN]
    n_unknown = len(statuses) - len(judged)
    tail = (f" ({sv_count(n_unknown)} av {sv_count(len(statuses))} indikatorer kan inte "
            "bedömas.)") if n_unknown else ""
    if not judged:
        return UNKNOWN, (f"Ingen indikator för {what} kan bedömas." if len(statuses) > 1
                         else f"Indikatorn för {what} kan inte bedömas.")
    if all(x == MET for x in judged):
        return MET, "Alla indikatorer som kan bedömas är uppfyllda." + tail
    if all(x == NOT_MET for x in judged):
        return NOT_MET, "Ingen indikator som kan bedömas är uppfylld." + tail
    return PARTLY, "Några indikatorer är uppfyllda, andra inte." + tail


def _promise_verdicts(out: pd.DataFrame) -> pd.DataFrame:
    """Add the two verdicts of every promise (each row of a promise gets the same)."""
    out = out.copy()
    keys = list(zip(out["year"], out["promise_no"], strict=True))
    for part, status_col, text_col in [(IMPLEMENTATION, "implementation_status",
                                        "implementation_explanation"),
                                       (EFFECT, "effect_status", "effect_explanation")]:
        counting = out[(out["part"] == part) & out["counts"].astype(bool)]
        lists: dict[tuple, list[str]] = {}
        for k, st in zip(zip(counting["year"], counting["promise_no"], strict=True),
                         counting["status"], strict=True):
            lists.setdefault(k, []).append(st)
        verdicts = {k: combine_verdicts(lists.get(k, []), part) for k in set(keys)}
        out[status_col] = [verdicts[k][0] for k in keys]
        out[text_col] = [verdicts[k][1] for k in keys]
    return out


# --- names ----------------------------------------------------------------------------------


class _AreaNames:
    """Area names as readers see them: "hela kommunen", register names, "lokalpolisområdet"."""

    def __init__(self, register: pd.DataFrame | None):
        self.register = register

    def name(self, area: object, year: int | None = None) -> str:
        if area is None or pd.isna(area) or area == TOTAL_AREA:
            return PROMISES["total_area"]
        if area == LPO:
            return PROMISES["lpo_area"]
        reg = self.register
        if reg is None or reg.empty:
            return f"område {area}"
        rows = reg[reg["area"].astype(str) == str(area)]
        if year is not None and len(rows):
            v = area_versions(reg, pd.Series([str(area)]), pd.Series([int(year)])).iloc[0]
            hit = rows[rows["version"] == v]
            rows = hit if len(hit) else rows
        return str(rows["area_name"].iloc[-1]) if len(rows) else f"område {area}"


# Indicators that name their question themselves ("Andel otrygga ute sent på kvällen").
_SELF_NAMED = {"andel_otrygga"}


def _auto_label(row, names: _AreaNames) -> str:
    """A Swedish label for an indicator without ``beskrivning`` (no codes)."""
    year = None if pd.isna(row.year_to) else int(row.year_to)
    if row.kind == "aktivitet":
        where = ("" if pd.isna(row.area) or row.area == TOTAL_AREA
                 else f" i {names.name(row.area, int(row.year))}")
        return f"{activity_label(row.activity_type)} (antal){where}"
    if row.kind == "enkat":
        what = INDICATORS.get(row.survey_indicator, row.survey_indicator)
        if row.survey_indicator not in _SELF_NAMED:
            what += ": " + load_codebook().label(row.item, row.survey_indicator).lower()
        return f"{what} i {names.name(row.area, year)}"
    if row.kind == "vandring":
        what = PROMISES["walk_measures"].get(row.measure, str(row.measure))
        if pd.notna(row.locality):
            return f"{what} i {row.locality}"
        return f"{what} i {names.name(row.area, int(row.year))}"
    if row.kind == "polisindex":
        return (f"Polisens index: {_police_name(row.survey_indicator).lower()} i "
                f"{names.name(row.area, year)}")
    if row.kind == "anmalda_brott":
        what = load_categories().names().get(str(row.crime), str(row.crime))
        return f"Anmälda brott: {what[:1].lower() + what[1:]} i {names.name(row.area, year)}"
    return str(row.label)


def _police_name(code: str) -> str:
    for ind in load_police_indicators():
        if ind.code == code:
            return ind.name
    return "Totalindex" if code == "totalindex" else str(code)


# --- aktivitet ------------------------------------------------------------------------------


def _eval_activity(row, ev: Evidence, label: str, names: _AreaNames) -> dict:
    year, code, op, target = int(row.year), row.activity_type, row.target_op, row.target_value
    what = activity_label(code).lower()
    out = {"target": _target_text(op, target)}
    acts = ev.activities
    if acts is None:
        return out | {"status": UNKNOWN, "explanation": "Det finns ingen aktivitetslogg; antalet "
                      f"{what} {year} är okänt."}
    in_year = acts[acts["year"] == year]
    if in_year.empty:
        return out | {"status": UNKNOWN, "explanation": f"Aktivitetsloggen har inga rader för "
                      f"{year}; antalet kan inte räknas."}
    hit = in_year[in_year["type"] == code]
    where = ""
    if pd.notna(row.area) and row.area != TOTAL_AREA:
        hit = hit[hit["area"] == row.area]
        where = f" i {names.name(row.area, year)}"
    value = float(hit["count"].sum())
    status = _count_status(value, op, target, float(row.partial_from))
    verdict = {MET: "målet är nått",
               PARTLY: f"minst {sv_percent(row.partial_from, 1, trim=True)} av målet men inte hela",
               NOT_MET: "målet är inte nått"}[status]
    text = (f"{activity_label(code)}{where} {year}: {sv_number(value, 1, trim=True)} enligt "
            f"aktivitetsloggen (mål: {_target_text(op, target)}); {verdict}.")
    return out | {"status": status, "value": value, "explanation": text}


# --- enkat ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyEvidence:
    """What the survey says about one indicator: the target quantity and the change.

    ``estimate``/``se``/``df`` describe the level in the last year (or its pooled or fitted
    value); ``proportion`` says whether its interval is on the logit scale (with ``df``) or
    normal; ``delta``/``se_delta`` the change over the period (normal interval).
    """

    delta: float
    se_delta: float
    estimate: float = np.nan
    se: float = np.nan
    df: float = np.inf
    proportion: bool = False


def _two_sided(z: float, df: float = np.inf) -> float:
    if not np.isfinite(z):
        return 0.0 if np.isinf(z) else 1.0
    return float(2.0 * (stats.norm.sf(abs(z)) if not np.isfinite(df) else stats.t.sf(abs(z), df)))


def _level_z(e: SurveyEvidence, target: float) -> float:
    """The level's distance from the target in SEs (logit scale for logit intervals)."""
    if e.proportion and np.isfinite(e.df):
        if e.estimate in (0.0, 1.0) or not 0 < target < 1:
            return np.inf * np.sign(e.estimate - target) if e.estimate != target else 0.0
        return float((special.logit(e.estimate) - special.logit(target))
                     / (e.se / (e.estimate * (1.0 - e.estimate))))
    return float((e.estimate - target) / e.se)


def survey_tests(e: SurveyEvidence, *, direction: str, target_op: str | None = None,
                 target: float | None = None, min_change: float | None = None) -> dict:
    """The two-sided p-values behind the survey rule (``survey_verdict``).

    ``promised``: the target quantity lies on the promised side of the target (with a numeric
    target: the level in the last year against the target; without: the change against
    zero); ``wrong``: it lies on the wrong side; ``below_min``: the change is smaller than
    ``min_change`` in the promised direction. A test whose estimate points the other way has
    p = 1. A CI at level 1 − α excludes a value exactly when its two-sided p < α.
    """
    sign = -1.0 if direction == "minska" else 1.0
    has_target = target is not None and not pd.isna(target)
    if has_target:
        z = _level_z(e, float(target))
        p = _two_sided(z, e.df if e.proportion else np.inf)
        side = -z if target_op == "<=" else z  # > 0: on the promised side
    else:
        z = e.delta / e.se_delta if e.se_delta > 0 else np.inf * np.sign(e.delta)
        p = _two_sided(z)
        side = sign * z
    out = {"promised": p if side > 0 else 1.0, "wrong": p if side < 0 else 1.0,
           "below_min": 1.0}
    if min_change is not None and not pd.isna(min_change) and sign * e.delta < min_change:
        zm = (sign * e.delta - float(min_change)) / e.se_delta if e.se_delta > 0 else -np.inf
        out["below_min"] = _two_sided(zm)
    return out


def survey_verdict(e: SurveyEvidence, *, direction: str, target_op: str | None = None,
                   target: float | None = None, min_change: float | None = None,
                   alpha: float = Settings.alpha) -> tuple[str, str, float]:
    """The effect verdict of a survey indicator from confidence intervals (DOMAIN §5).

    * **uppfyllt** – the (1 − α) CI of the target quantity lies entirely on the promised side
      of the target: with a numeric target the level in the last year (``<=``: the CI's upper
      end at most the target); without one the change, whose CI must exclude zero in the
      promised direction;
    * **ej uppfyllt** – that CI lies entirely on the wrong side of the target, or the CI of the
      change excludes ``min_change`` (the smallest change that matters): the change is
      certainly smaller than that;
    * otherwise **kan inte bedömas**.

    Uppfyllt is checked first. Without ``min_change`` a precise "no change" stays
    kan inte bedömas (cases A–C in ``docs/medborgarloften.md``). Returns
    ``(status, reason, p)``: reason ``promised``, ``wrong``, ``below_min`` or ``unclear``;
    ``p`` the smallest p-value of the rule's tests (the promise's Holm step uses it).
    """
    tests = survey_tests(e, direction=direction, target_op=target_op, target=target,
                         min_change=min_change)
    p = min(tests.values())
    if tests["promised"] < alpha:
        return MET, "promised", p
    if tests["wrong"] < alpha:
        return NOT_MET, "wrong", p
    if tests["below_min"] < alpha:
        return NOT_MET, "below_min", p
    return UNKNOWN, "unclear", p


def holm(p) -> np.ndarray:
    """Holm's step-down adjusted p-values: ``p_(k) · (m − k + 1)``, made monotone, at most 1."""
    p = np.asarray(p, dtype="float64")
    m = len(p)
    order = np.argsort(p, kind="stable")
    adjusted = np.minimum(1.0, np.maximum.accumulate(p[order] * (m - np.arange(m))))
    out = np.empty(m)
    out[order] = adjusted
    return out


def _eval_survey(row, ev: Evidence, label: str, names: _AreaNames, s: Settings) -> dict:
    y1, y2, area = int(row.year_from), int(row.year_to), str(row.area)
    share = row.survey_indicator in PROPORTION_INDICATORS
    want = "minska" if row.direction == "minska" else "öka"
    method = row.method if pd.notna(row.method) and row.method else (
        "trend" if y2 - y1 >= 2 else "par")
    out = {"year_from": y1, "year_to": y2, "method": method,
           "min_change": np.nan if pd.isna(row.min_change) else float(row.min_change),
           "target": _target_text(row.target_op, row.target_value, share) or f"ska {want}"}
    where = names.name(area, y2)
    head = f"{label}."
    years = list(range(y1 - (1 if method == "poolad" else 0), y2 + 1))
    redrawn = _redrawn(ev.register, area, years)
    if redrawn:
        return out | {"status": UNKNOWN, "reason": "not_comparable", "explanation": (
            f"{head} Gränserna för {where} ritades om mellan {years[0]} och {years[-1]}, så "
            "skillnaden är ingen förändring i samma område och enkäten kan inte bedöma löftet.")}
    if ev.estimates is None:
        return out | {"status": UNKNOWN, "reason": "no_data",
                      "explanation": f"{head} Enkätens skattningar saknas."}
    note = ""
    if method == "trend":
        got = _trend_evidence(row, ev, years, s)
        if isinstance(got, str) and y2 - y1 >= 1:
            note = got + " Jämförelsen görs i stället mellan de två åren. "
            method, got = "par", _pair_evidence(row, ev, y1, y2, s)
    elif method == "poolad":
        got = _pooled_evidence(row, ev, y1, y2, s)
    else:
        got = _pair_evidence(row, ev, y1, y2, s)
    out["method"] = method
    if isinstance(got, str):
        return out | {"status": UNKNOWN, "reason": "no_data",
                      "explanation": f"{head} {note}{got}"}
    numbers, evidence = got
    out |= numbers
    out["mdc"] = float((stats.norm.ppf(1 - s.alpha / 2) + stats.norm.ppf(s.power))
                       * evidence.se_delta)
    out["_tests"] = {"evidence": evidence, "direction": row.direction,
                     "target_op": row.target_op if pd.notna(row.target_value) else None,
                     "target": None if pd.isna(row.target_value) else float(row.target_value),
                     "min_change": None if pd.isna(row.min_change) else float(row.min_change),
                     "share": share, "head": head + (" " + note.strip() if note else ""),
                     "primary": bool(row.primary)}
    return out


def _redrawn(register: pd.DataFrame | None, area: str, years: list[int]) -> bool:
    """True when ``area`` is not one and the same version over all ``years``."""
    if register is None or area in (TOTAL_AREA, LPO):
        return False
    v = area_versions(register, pd.Series([area] * len(years)), pd.Series(years))
    return v.isna().any() or v.nunique() > 1


def _estimate_row(est: pd.DataFrame, indicator: str, item: str, area: str, year: int):
    hit = est[(est["indicator"] == indicator) & (est["item"] == item) & (est["area"] == area)
              & (est["year"] == year)]
    return None if hit.empty else hit.iloc[0]


def _published(est: pd.DataFrame, row, years: list[int]) -> str | None:
    """None when the estimates of ``years`` may be combined (all published); else why not (a
    Swedish sentence). A hidden estimate is never combined: the published remark does not say
    why a cell is hidden (the reason stays in the disclosure audit table), so a pooled or
    trend estimate could reveal it."""
    rows = [_estimate_row(est, row.survey_indicator, row.item, str(row.area), y) for y in years]
    missing = [y for y, r in zip(years, rows, strict=True) if r is None]
    if missing:
        return f"Enkäten saknar skattning för {', '.join(map(str, missing))}."
    hidden = [bool(r["suppressed"]) for r in rows]
    if not any(hidden):
        return None
    return ("Skattningen för " + ", ".join(str(y) for y, h in zip(years, hidden, strict=True) if h)
            + " visas inte (röjandekontroll); en sammanslagning skulle kunna röja den.")


def _pair_evidence(row, ev: Evidence, y1: int, y2: int, s: Settings):
    """The two published estimates and their change (independent samples)."""
    rows = [_estimate_row(ev.estimates, row.survey_indicator, row.item, str(row.area), y)
            for y in (y1, y2)]
    for y, r in zip((y1, y2), rows, strict=True):
        if r is None:
            return f"Ingen skattning för {y}."
        if bool(r["suppressed"]) or pd.isna(r["estimate"]) or pd.isna(r["se"]):
            return f"Skattningen för {y} publiceras inte (för få svar)."
    r1, r2 = rows
    test = change_test([r1["estimate"]], [r1["se"]], [r2["estimate"]], [r2["se"]]).iloc[0]
    share = row.survey_indicator in PROPORTION_INDICATORS
    e = SurveyEvidence(float(test["delta"]), float(test["se_delta"]), float(r2["estimate"]),
                       float(r2["se"]), float(r2["df"]) if share else np.inf, share)
    return _numbers(e, float(r1["estimate"]), (float(r1["ci_low"]), float(r1["ci_high"])),
                    (float(r2["ci_low"]), float(r2["ci_high"])), float(test["p"]), s), e


def _numbers(e: SurveyEvidence, est_from: float, ci_from: tuple, ci_to: tuple, p: float,
             s: Settings) -> dict:
    q = stats.norm.ppf((1 + s.level) / 2)
    return {"value": e.estimate, "estimate_from": est_from, "estimate_to": e.estimate,
            "ci_low_from": ci_from[0], "ci_high_from": ci_from[1], "ci_low_to": ci_to[0],
            "ci_high_to": ci_to[1], "delta": e.delta, "se_delta": e.se_delta,
            "ci_low_delta": e.delta - q * e.se_delta, "ci_high_delta": e.delta + q * e.se_delta,
            "p": p}


def _respondent_values(responses: pd.DataFrame, indicator: str, item: str, area: str,
                       scoring: str) -> tuple[pd.DataFrame, np.ndarray] | None:
    """The per-respondent values of ``indicator``/``item`` (NaN outside ``area``), with the
    design columns; computed by ``analysis.indices.indicator_values`` (one home)."""
    cb = load_codebook()
    if indicator == "problemindex":
        problem = [i.code for i in cb.items_on_scale("problem")]
        codes = problem if item == ALL_ITEMS else [c for c in problem if cb.item(c).group == item]
    else:
        codes = [item]
    cols = [c for code in codes for c in (code, dont_know_column(code)) if c in responses.columns]
    design = [c for c in ("year", "area", "stratum", "weight") if c in responses.columns]
    sub = responses[design + cols]
    for name, it, _kind, values in indicator_values(sub, cb, scoring):
        if name == indicator and it == item:
            if area != TOTAL_AREA:
                values = np.where(sub["area"].astype(str).to_numpy() == area, values, np.nan)
            return sub, values
    return None


def _trend_evidence(row, ev: Evidence, years: list[int], s: Settings):
    """Level in ``till_ar`` and change over the period from the design-based linear trend."""
    y1, y2 = years[0], years[-1]
    if ev.responses is None:
        return "Svarstabellen saknas, så ingen trend kan skattas."
    got = _respondent_values(ev.responses, row.survey_indicator, row.item, str(row.area),
                             s.scoring)
    if got is None:
        return "Frågan finns inte i svaren."
    sub, values = got
    t = linear_trend(sub, values, year="year", weight="weight", strata=["year", "stratum"],
                     years=(y1, y2), level=s.level, single_unit=s.single_unit)
    if int(t["n_years"].iloc[0]) < TREND_MIN_YEARS:
        return (f"Enkäten har bara {int(t['n_years'].iloc[0])} mätår mellan {y1} och {y2}; en "
                f"trend kräver minst {TREND_MIN_YEARS}.")
    have = sorted(int(y) for y in sub.loc[~np.isnan(values), "year"].unique() if y1 <= y <= y2)
    why = _published(ev.estimates, row, have)
    if why:
        return why
    if int(t["n"].iloc[0]) < s.min_n:
        return "För få svar för en trend."
    fit, se = trend_level(t, [y1, y2])
    delta, se_delta = trend_change(t, y1, y2)
    q = stats.norm.ppf((1 + s.level) / 2)
    e = SurveyEvidence(float(delta[0]), float(se_delta[0]), float(fit[1]), float(se[1]),
                       np.inf, False)
    p = _two_sided(e.delta / e.se_delta)
    nums = _numbers(e, float(fit[0]), (fit[0] - q * se[0], fit[0] + q * se[0]),
                    (fit[1] - q * se[1], fit[1] + q * se[1]), p, s)
    nums["_trend_years"] = len(have)
    return nums, e


def _pooled_evidence(row, ev: Evidence, y1: int, y2: int, s: Settings):
    """Two pooled years at each end: (fran_ar − 1, fran_ar) and (till_ar − 1, till_ar)."""
    if ev.responses is None:
        return "Svarstabellen saknas, så åren kan inte slås samman."
    got = _respondent_values(ev.responses, row.survey_indicator, row.item, str(row.area),
                             s.scoring)
    if got is None:
        return "Frågan finns inte i svaren."
    sub, values = got
    share = row.survey_indicator in PROPORTION_INDICATORS
    ends = [list(range(y1 - POOL_YEARS + 1, y1 + 1)), list(range(y2 - POOL_YEARS + 1, y2 + 1))]
    pooled = []
    for years in ends:
        why = _published(ev.estimates, row, years)
        if why:
            return why
        p = pooled_estimates(sub, values, years=years, kind="proportion" if share else "mean",
                             level=s.level, single_unit=s.single_unit).iloc[0]
        if pd.isna(p["estimate"]):
            return f"Enkäten saknar svar för något av åren {years[0]}–{years[-1]}."
        if int(p["n"]) < s.min_n or (share and not s.min_count <= int(p["numerator"])
                                     <= int(p["n"]) - s.min_count):
            return f"För få svar {years[0]}–{years[-1]} även med två år sammanslagna."
        pooled.append(p)
    a, b = pooled
    test = change_test([a["estimate"]], [a["se"]], [b["estimate"]], [b["se"]]).iloc[0]
    e = SurveyEvidence(float(test["delta"]), float(test["se_delta"]), float(b["estimate"]),
                       float(b["se"]), float(b["df"]) if share else np.inf, share)
    nums = _numbers(e, float(a["estimate"]), (float(a["ci_low"]), float(a["ci_high"])),
                    (float(b["ci_low"]), float(b["ci_high"])), float(test["p"]), s)
    return nums, e


def _finish_survey_rows(rows: list[dict], alpha: float) -> None:
    """Verdicts of the survey rows: primary/secondary, or Holm within a promise (in place).

    The family of a promise is every survey indicator it declares; one that could not be
    measured (no ``_tests``) keeps its verdict and counts in Holm's m with p = 1, so leaving
    data out never makes the correction milder.
    """
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        if r["kind"] == "enkat":
            groups.setdefault((r["year"], r["promise_no"]), []).append(r)
    for members in groups.values():
        has_primary = any(r["_primary"] for r in members)
        holm_family = len(members) > 1 and not has_primary
        decided = [survey_verdict(r["_tests"]["evidence"], direction=r["_tests"]["direction"],
                                  target_op=r["_tests"]["target_op"],
                                  target=r["_tests"]["target"],
                                  min_change=r["_tests"]["min_change"], alpha=alpha)[2]
                   if r.get("_tests") is not None else 1.0 for r in members]
        m = len(members)
        adjusted = holm(decided) if holm_family else None
        ranks = np.argsort(np.argsort(decided, kind="stable"), kind="stable")
        for k, r in enumerate(members):
            level_alpha = alpha
            if has_primary:
                r["role"] = PRIMARY if r["_primary"] else SECONDARY
                r["counts"] = bool(r["_primary"])
            elif holm_family:
                r["role"] = HOLM
                level_alpha = alpha / (m - int(ranks[k]))
            t = r.get("_tests")
            if t is None:
                continue
            if holm_family:
                r["p_holm"] = float(adjusted[k])
            status, reason, _ = survey_verdict(t["evidence"], direction=t["direction"],
                                               target_op=t["target_op"], target=t["target"],
                                               min_change=t["min_change"], alpha=level_alpha)
            if holm_family and adjusted[k] >= alpha:
                status, reason = UNKNOWN, "holm"
            r["status"] = status
            r["reason"] = reason
            r["explanation"] = _survey_explanation(r, t, reason, level_alpha, m)


def _survey_explanation(r: dict, t: dict, reason: str, level_alpha: float, m: int) -> str:
    """The evidence and the verdict of a survey indicator in plain Swedish."""
    share = t["share"]

    def fmt(x):
        return sv_percent(x, 1, trim=True) if share else sv_number(x, 2)

    def dfmt(x, signed=True):
        return sv_pp(x, 1, signed=signed) if share else (
            ("+" if signed and x > 0 else "") + sv_number(x, 2))

    def ci(lo, hi):
        return f"{fmt(lo)}–{fmt(hi)}" if share else f"{sv_number(lo, 2)}–{sv_number(hi, 2)}"

    y1, y2 = r["year_from"], r["year_to"]
    method = r["method"]
    if method == "trend":
        intro = (f"Trend {y1}–{y2} (vägd linjär regression över {sv_count(r.get('_trend_years', 0))}"
                 f" mätår): trendlinjen ger {fmt(r['estimate_from'])} år {y1} (95 % KI "
                 f"{ci(r['ci_low_from'], r['ci_high_from'])}) och {fmt(r['estimate_to'])} år "
                 f"{y2} (95 % KI {ci(r['ci_low_to'], r['ci_high_to'])})")
    elif method == "poolad":
        intro = (f"Två år sammanslagna i varje ände: {y1 - 1}–{y1} {fmt(r['estimate_from'])} "
                 f"(95 % KI {ci(r['ci_low_from'], r['ci_high_from'])}) och {y2 - 1}–{y2} "
                 f"{fmt(r['estimate_to'])} (95 % KI {ci(r['ci_low_to'], r['ci_high_to'])})")
    else:
        intro = (f"{fmt(r['estimate_from'])} år {y1} (95 % KI "
                 f"{ci(r['ci_low_from'], r['ci_high_from'])}) och {fmt(r['estimate_to'])} år {y2} "
                 f"(95 % KI {ci(r['ci_low_to'], r['ci_high_to'])})")
    change = (f"; förändringen {dfmt(r['delta'])} (95 % KI {dfmt(r['ci_low_delta'])} till "
              f"{dfmt(r['ci_high_delta'])}).")
    target, sign = t["target"], (-1 if t["direction"] == "minska" else 1)
    mic = t["min_change"]
    down = t["direction"] == "minska"
    text = f"{t['head']} {intro}{change}"
    if r["role"] == SECONDARY:
        text += " Sekundär indikator: den visas som underlag men avgör inte löftets effekt."
    if r["role"] == HOLM and reason != "holm":
        text += (f" Löftet har {sv_count(m)} enkätindikatorer utan primär indikator, så "
                 f"p-värdena är Holm-justerade inom löftet (här {sv_p(r['p_holm'])}) och "
                 f"intervallen prövas på nivån {sv_percent(1 - level_alpha, 1, trim=True)}.")
    if reason == "promised" and target is not None:
        side = "under" if t["target_op"] == "<=" else "över"
        text += f" Hela konfidensintervallet för {y2} ligger {side} målet {r['target']}: uppfyllt."
    elif reason == "promised":
        text += (f" Konfidensintervallet för förändringen ligger helt {'under' if down else 'över'}"
                 f" noll: en säkerställd {'minskning' if down else 'ökning'}, som lovat.")
        if mic is not None and sign * r["delta"] < mic:
            text += f" Den är dock mindre än den minsta förändring som räknas ({dfmt(mic, False)})."
    elif reason == "wrong" and target is not None:
        side = "över" if t["target_op"] == "<=" else "under"
        text += f" Hela konfidensintervallet för {y2} ligger {side} målet {r['target']}: ej uppfyllt."
    elif reason == "wrong":
        text += (f" Konfidensintervallet för förändringen ligger helt {'över' if down else 'under'}"
                 f" noll: en säkerställd {'ökning' if down else 'minskning'}, motsatt det lovade.")
    elif reason == "below_min":
        text += (f" Konfidensintervallet för förändringen utesluter en "
                 f"{'minskning' if down else 'ökning'} på {dfmt(mic, False)}, den minsta "
                 "förändring som räknas: problemet har inte förändrats så mycket som lovat.")
    elif reason == "holm":
        text += (f" Löftet har {sv_count(m)} enkätindikatorer utan primär indikator; efter "
                 f"Holm-justering inom löftet (p = {sv_p(r['p_holm'])}) räcker underlaget inte för "
                 "en bedömning.")
    else:
        text += _precision_needed(r, t, share, fmt, dfmt)
    return text


def _precision_needed(r: dict, t: dict, share: bool, fmt, dfmt) -> str:
    """Why the survey cannot judge, and the precision that would be needed."""
    y2 = r["year_to"]
    mdc = f" Med dagens precision kan enkäten upptäcka en förändring på {dfmt(r['mdc'], False)} " \
          "(80 % styrka)."
    if t["target"] is not None:
        now = (r["ci_high_to"] - r["ci_low_to"]) / 2
        need = abs(r["estimate_to"] - t["target"])
        text = (f" Konfidensintervallet för {y2} innehåller målet {r['target']}, så enkäten kan "
                "inte avgöra om målet är nått.")
        if need > 0:
            k = (now / need) ** 2
            text += (f" För att avgöra det skulle intervallet behöva vara högst ±{dfmt(need, False)}"
                     f" (i dag ±{dfmt(now, False)}), vilket kräver ungefär "
                     f"{_times(k)} så många svar.")
        return text + mdc
    text = " Konfidensintervallet för förändringen innehåller noll"
    if t["min_change"] is not None:
        text += (f" och en förändring på {dfmt(t['min_change'], False)} (den minsta som räknas)"
                 ", så enkäten kan varken visa en förändring eller utesluta en som spelar roll.")
    else:
        text += (", så enkäten kan inte visa någon förändring. Registret anger ingen minsta "
                 "förändring som räknas, så en oförändrad nivå kan inte heller ge ej uppfyllt.")
    return text + mdc


def _times(k: float) -> str:
    if k >= 100:
        return "mer än 100 gånger"
    if k < 1.05:
        return "lika"
    return f"{sv_number(k, 1, trim=True)} gånger"


# --- polisindex -----------------------------------------------------------------------------


def official_verdict(change: float, *, direction: str, band: float,
                     min_difference: float) -> tuple[str, str]:
    """The police index's three-way verdict, the same logic as the survey's.

    The index has no confidence interval; ``band`` is the half-width of an interval around
    the change (``z · SE`` of the noise, see ``docs/medborgarloften.md``). With
    ``s = −1`` for *minska* and ``+1`` for *öka*:

    * uppfyllt when ``s·Δ − band > 0`` (the interval lies on the promised side of zero);
    * ej uppfyllt when ``s·Δ + band < min_difference`` (the interval excludes a change of
      ``min_difference``, the smallest that matters, in the promised direction – this
      includes every clear change the wrong way);
    * otherwise kan inte bedömas.

    Returns ``(status, reason)`` with reason ``promised``, ``wrong`` (ej uppfyllt, the
    interval lies entirely on the wrong side of zero), ``below_min`` or ``unclear``.
    """
    sign = -1.0 if direction == "minska" else 1.0
    if sign * change - band > 1e-12:
        return MET, "promised"
    if sign * change + band < -1e-12:
        return NOT_MET, "wrong"
    if sign * change + band < min_difference - 1e-12:
        return NOT_MET, "below_min"
    return UNKNOWN, "unclear"


def official_noise(ev: Evidence, indicator: str, area: str, y1: int, y2: int,
                   scoring: str = Settings.scoring) -> float | None:
    """The SE of a change in the police's index, estimated from our survey at the same level.

    ``SE ≈ (6 / max score) · √(SE₁² + SE₂²)`` of our mean score (``poang``) for the matching
    item (``problemindex``/``alla`` for the totalindex) in the same area and years
    (``lpo``: the kommun total, which overstates the noise of the larger area). None when
    there is no published estimate to use.
    """
    if ev.estimates is None:
        return None
    item = None
    for ind in load_police_indicators():
        if ind.code == indicator:
            item = ind.item
    ours, code = ("problemindex", ALL_ITEMS) if indicator == "totalindex" else ("poang", item)
    if code is None:
        return None
    top = max(load_codebook().scoring(scoring).values())
    area = TOTAL_AREA if area == LPO else area
    ses = []
    for y in (y1, y2):
        r = _estimate_row(ev.estimates, ours, code, area, y)
        if r is None or bool(r["suppressed"]) or pd.isna(r["se"]):
            return None
        ses.append(float(r["se"]))
    return float(SCALE_MAX / top * np.hypot(*ses))


def _eval_official(row, ev: Evidence, label: str, names: _AreaNames, s: Settings) -> dict:
    y1, y2, area = int(row.year_from), int(row.year_to), str(row.area)
    want = "minska" if row.direction == "minska" else "öka"
    min_diff = float(row.min_difference)
    out = {"year_from": y1, "year_to": y2, "min_change": min_diff,
           "target": f"ska {want}, minst {sv_number(min_diff, 2, trim=True)} räknas"}
    head = f"{label}."
    if ev.official is None or ev.official.empty:
        return out | {"status": UNKNOWN, "reason": "no_data",
                      "explanation": f"{head} Polisens index saknas i underlaget."}
    try:
        res = compare_official(ev.official, row.survey_indicator, area, y1, y2,
                               min_difference=min_diff)
    except LookupError:
        return out | {"status": UNKNOWN, "reason": "no_data",
                      "explanation": f"{head} Polisens index saknas för {y1} eller {y2}."}
    out |= {"value": res.value2, "estimate_from": res.value1, "estimate_to": res.value2,
            "delta": res.change}
    facts = (f"{head} Polisens index {sv_number(res.value1)} år {y1} och {sv_number(res.value2)} "
             f"år {y2}, förändring {'+' if res.change > 0 else ''}{sv_number(res.change)}.")
    restated = [str(y) for y, flag in ((y1, res.restated1), (y2, res.restated2)) if flag]
    if restated:
        facts += f" Värdet för {', '.join(restated)} har reviderats; det senast publicerade används."
    if res.verdict == NOT_COMPARABLE:
        return out | {"status": UNKNOWN, "reason": "not_comparable",
                      "explanation": facts + " Områdets gränser ritades om "
                      "mellan åren, så skillnaden är ingen förändring i samma område."}
    se = official_noise(ev, row.survey_indicator, area, y1, y2, s.scoring)
    z = stats.norm.ppf((1 + s.level) / 2)
    if se is not None:
        band = z * se
        source = (f" Polisens index saknar konfidensintervall; slumpvariationen uppskattas från "
                  f"vår egen enkät på samma nivå ({names.name(area, y2)}): en förändring behöver "
                  f"vara större än ±{sv_number(band, 2)} indexenheter för att inte kunna vara "
                  "slump.")
        out |= {"se_delta": se, "ci_low_delta": res.change - band,
                "ci_high_delta": res.change + band}
    elif area in (TOTAL_AREA, LPO):
        band = min_diff
        source = (" Polisens index saknar konfidensintervall och det finns ingen egen skattning "
                  "att uppskatta slumpvariationen från; den minsta skillnad som räknas "
                  f"({sv_number(min_diff, 2, trim=True)}) används som gräns.")
    else:
        return out | {"status": UNKNOWN, "reason": "context",
                      "explanation": facts + " Polisens index saknar "
                      "konfidensintervall, och på områdesnivå finns ingen egen skattning att "
                      "uppskatta slumpvariationen från: förändringen är bara sammanhang."}
    status, reason = official_verdict(res.change, direction=row.direction, band=band,
                                      min_difference=min_diff)
    down = row.direction == "minska"
    verdict = {
        "promised": f" Indexet har {'minskat' if down else 'ökat'} mer än slumpvariationen: "
                    "uppfyllt.",
        "wrong": f" Indexet har {'ökat' if down else 'minskat'} mer än slumpvariationen, motsatt "
                 "det lovade: ej uppfyllt.",
        "below_min": f" Även med slumpvariationen är en {'minskning' if down else 'ökning'} på "
                     f"{sv_number(min_diff, 2, trim=True)} (den minsta som räknas) utesluten: "
                     "ej uppfyllt.",
        "unclear": " Förändringen ryms inom slumpvariationen och kan inte bedömas.",
    }[reason]
    return out | {"status": status, "reason": reason, "explanation": facts + source + verdict}


# --- vandring -------------------------------------------------------------------------------


def _eval_walk(row, ev: Evidence, label: str, names: _AreaNames) -> dict:
    if row.measure == "walks":
        return _eval_walk_count(row, ev, label)
    year, measure, op, target = int(row.year), row.measure, row.target_op, row.target_value
    share = measure in WALK_SHARES
    out = {"target": _target_text(op, target, share)}
    if ev.walk_followup is None:
        return out | {"status": UNKNOWN,
                      "explanation": "Uppföljningen av trygghetsvandringarna saknas."}
    f = ev.walk_followup
    if pd.notna(row.area) and row.area != TOTAL_AREA:
        hit = f[(f["dimension"] == "omrade_ar") & (f["year"] == year) & (f["area"] == row.area)]
    else:
        hit = f[(f["dimension"] == "ar") & (f["year"] == year)]
    where = names.name(row.area, year)
    if hit.empty or (share and (int(hit["counted"].iloc[0]) == 0 or pd.isna(hit[measure].iloc[0]))):
        return out | {"status": UNKNOWN, "explanation": f"Inga problem från trygghetsvandringar "
                      f"{year} i {where} att räkna på."}
    h = hit.iloc[0]
    value = float(h[measure])
    status = _count_status(value, op, target, float(row.partial_from))
    as_of = pd.Timestamp(h["as_of"]).strftime("%Y-%m-%d") if "as_of" in h else "?"
    shown = sv_percent(value, 1, trim=True) if share else sv_number(value, 1, trim=True)
    return out | {"status": status, "value": value, "explanation": (
        f"Trygghetsvandringar {year} i {where}: {shown} ({sv_count(h['fixed'])} åtgärdade av "
        f"{sv_count(h['counted'])} problem, läge per {as_of}); mål: {out['target']}. "
        f"Bedömning: {status}.")}


def _eval_walk_count(row, ev: Evidence, label: str) -> dict:
    """The number of walks in the year (in ``ort``, when given) against the target."""
    year, op, target = int(row.year), row.target_op, row.target_value
    out = {"target": _target_text(op, target)}
    if ev.walks is None:
        return out | {"status": UNKNOWN, "explanation": "Vandringsprotokollen saknas."}
    w = ev.walks[ev.walks["year"] == year]
    where = ""
    if pd.notna(row.locality):
        w = w[w["locality"].map(normalise_label) == normalise_label(row.locality)]
        where = f" i {row.locality}"
    value = float(len(w))
    status = _count_status(value, op, target, float(row.partial_from))
    return out | {"status": status, "value": value, "explanation": (
        f"{sv_number(value, 1, trim=True)} trygghetsvandringar{where} {year} i "
        f"vandringsprotokollen (mål: {out['target']}). Bedömning: {status}.")}


# --- milstolpe ------------------------------------------------------------------------------


def _eval_milestone(row, ev: Evidence, label: str, names: _AreaNames) -> dict:
    deadline = pd.Timestamp(row.deadline)
    out = {"target": f"senast {deadline:%Y-%m-%d}"}
    done_date = pd.Timestamp(row.done_date) if pd.notna(row.done_date) else None
    source = "registret"
    acts = ev.activities
    if done_date is None and pd.notna(row.activity_type) and acts is not None:
        start = pd.Timestamp(int(row.year), 1, 1)
        hit = acts[(acts["type"] == row.activity_type) & (acts["date"] >= start)]
        if len(hit):
            done_date, source = pd.Timestamp(hit["date"].min()), "aktivitetsloggen"
    what = row.label
    if done_date is not None:
        days = (done_date - deadline).days
        if days <= 0:
            return out | {"status": MET, "value": 1.0, "explanation":
                          f"{what}: klart {done_date:%Y-%m-%d} enligt {source}, inom tidsgränsen "
                          f"{deadline:%Y-%m-%d}."}
        return out | {"status": PARTLY, "value": 1.0, "explanation":
                      f"{what}: klart {done_date:%Y-%m-%d} enligt {source}, {sv_count(days)} "
                      f"dagar efter tidsgränsen {deadline:%Y-%m-%d}."}
    if pd.notna(row.done) and not bool(row.done):
        return out | {"status": NOT_MET, "value": 0.0, "explanation":
                      f"{what}: inte klart enligt registret (tidsgräns {deadline:%Y-%m-%d})."}
    if pd.notna(row.activity_type) and acts is not None and len(acts) and \
            pd.Timestamp(acts["date"].max()) >= deadline:
        return out | {"status": NOT_MET, "value": 0.0, "explanation":
                      f"{what}: ingen aktivitet av typen {activity_label(row.activity_type).lower()} "
                      f"i aktivitetsloggen, som täcker tiden till {acts['date'].max():%Y-%m-%d}."}
    return out | {"status": UNKNOWN, "explanation":
                  f"{what}: varken registret eller aktivitetsloggen (som inte når fram till "
                  f"tidsgränsen {deadline:%Y-%m-%d}) visar att milstolpen nåtts."}


# --- anmälda brott --------------------------------------------------------------------------

CRIME_UNIT = "per 100 000"


def crime_verdict(e: CrimeEvidence, *, direction: str, target_op: str | None = None,
                  target: float | None = None, min_change: float | None = None
                  ) -> tuple[str, str]:
    """The effect verdict of reported crime, the survey's rule on the rate ratio's interval.

    With ``s`` the promised side (*minska*: a ratio below 1) and the interval ``[L, U]`` of the
    rate ratio ``till_ar / fran_ar``:

    * **uppfyllt** – the interval lies entirely on the promised side of 1 (*minska*: ``U < 1``);
      with a numeric target (a rate per 100 000 in ``till_ar``): the rate's exact interval lies
      entirely on the promised side of the target;
    * **ej uppfyllt** – it lies entirely on the wrong side, or excludes the smallest change
      that matters (``min_change``, relative: *minska* ``L > 1 − m``, *öka* ``U < 1 + m``);
    * otherwise **kan inte bedömas**.

    Returns ``(status, reason)``: ``promised``, ``wrong``, ``below_min`` or ``unclear``.
    """
    down = direction == "minska"
    if target is not None and not pd.isna(target):
        low, high = e.rate_to_low, e.rate_to_high
        if (high <= target) if target_op == "<=" else (low >= target):
            return MET, "promised"
        if (low > target) if target_op == "<=" else (high < target):
            return NOT_MET, "wrong"
        return UNKNOWN, "unclear"
    if (e.rr_high < 1) if down else (e.rr_low > 1):
        return MET, "promised"
    if (e.rr_low > 1) if down else (e.rr_high < 1):
        return NOT_MET, "wrong"
    if min_change is not None and not pd.isna(min_change):
        if (e.rr_low > 1 - min_change) if down else (e.rr_high < 1 + min_change):
            return NOT_MET, "below_min"
    return UNKNOWN, "unclear"


def _crime_number(x: float) -> str:
    return sv_number(x, 0) if abs(x) >= 100 else sv_number(x, 1)


def _eval_crime(row, ev: Evidence, label: str, names: _AreaNames, s: Settings) -> dict:
    y1, y2 = int(row.year_from), int(row.year_to)
    down = row.direction == "minska"
    want = "minska" if down else "öka"
    target = None if pd.isna(row.target_value) else float(row.target_value)
    mic = None if pd.isna(row.min_change) else float(row.min_change)
    out = {"year_from": y1, "year_to": y2,
           "target": (f"{_target_text(row.target_op, target)} per {sv_count(100_000)} invånare"
                      if target is not None else f"ska {want}")}
    head = f"{label}."
    if ev.crime is None or ev.crime.empty:
        return out | {"status": UNKNOWN, "reason": "no_data", "explanation": (
            f"{head} Kan inte bedömas: {PROMISES['no_crime_data']}. Lägg Brås export av "
            "anmälda brott och SCB:s folkmängd i mappen anmalda_brott/ bland rådata.")}
    method = row.method if pd.notna(row.method) and row.method else None
    kommun = crime_config(s, ev.crime).kommun
    e = crime_evidence(ev.crime, kommun, str(row.crime), y1, y2, level=s.level, method=method)
    if isinstance(e, str):
        return out | {"status": UNKNOWN, "reason": "no_data", "explanation": f"{head} {e}"}
    status, reason = crime_verdict(e, direction=row.direction, target_op=row.target_op,
                                   target=target, min_change=mic)
    k = stats.norm.ppf(1 - s.alpha / 2) + stats.norm.ppf(s.power)
    base = e.rate_from
    mdc = base * (1 - np.exp(-k * e.se_log)) if down else base * (np.exp(k * e.se_log) - 1)
    out |= {"method": e.method, "value": e.rate_to, "estimate_from": e.rate_from,
            "estimate_to": e.rate_to, "ci_low_from": e.rate_from_low,
            "ci_high_from": e.rate_from_high, "ci_low_to": e.rate_to_low,
            "ci_high_to": e.rate_to_high, "delta": base * (e.rr - 1),
            "ci_low_delta": base * (e.rr_low - 1), "ci_high_delta": base * (e.rr_high - 1),
            "p": e.p, "mdc": mdc, "min_change": np.nan if mic is None else base * mic,
            "status": status, "reason": reason}
    out["explanation"] = _crime_explanation(head, e, out, reason, down, target, mic, s)
    return out


def _crime_explanation(head: str, e: CrimeEvidence, r: dict, reason: str, down: bool,
                       target: float | None, mic: float | None, s: Settings) -> str:
    """The evidence and the verdict of a reported-crime indicator in plain Swedish."""
    per = f"per {sv_count(100_000)} invånare" + ("" if e.population_ages == ALL_AGES
                                          else f" {e.population_ages}")
    level = sv_percent(s.level, 0)
    y1, y2 = e.year_from, e.year_to

    def rate(x, lo, hi):
        return f"{_crime_number(x)} {per} ({level} KI {_crime_number(lo)}–{_crime_number(hi)})"

    change = sv_percent(e.rr - 1, 0)
    ci = f"{sv_percent(e.rr_low - 1, 0)} till {sv_percent(e.rr_high - 1, 0)}"
    if e.method == "trend":
        text = (f"{head} Poissonregression över {sv_count(e.n_years)} år {y1}–{y2} "
                f"({sv_count(e.count_from)} anmälda brott {y1}, {sv_count(e.count_to)} {y2}): "
                f"trendlinjen ger {rate(e.rate_from, e.rate_from_low, e.rate_from_high)} år {y1}"
                f" och {rate(e.rate_to, e.rate_to_low, e.rate_to_high)} år {y2}, en förändring "
                f"med {change} ({level} KI {ci}).")
        if np.isfinite(e.dispersion) and e.dispersion > 1:
            text += (f" Åren varierar mer än slumpen i antalet brott ger (dispersion "
                     f"{sv_number(e.dispersion, 1)}); intervallen är breddade för det.")
    else:
        text = (f"{head} {sv_count(e.count_from)} anmälda brott år {y1}, "
                f"{rate(e.rate_from, e.rate_from_low, e.rate_from_high)}, och "
                f"{sv_count(e.count_to)} år {y2}, {rate(e.rate_to, e.rate_to_low, e.rate_to_high)}"
                f"; förändringen {change} ({level} KI {ci}, exakt test p = {sv_p(e.p)}).")
    if e.preliminary_to:
        text += f" Siffrorna för {y2} är preliminära."
    if e.small:
        text += " Antalen är små, så intervallen är breda."
    word = "minskning" if down else "ökning"
    if reason == "promised" and target is not None:
        text += f" Hela intervallet för {y2} ligger på rätt sida om målet {r['target']}: uppfyllt."
    elif reason == "promised":
        text += f" Hela intervallet ligger under noll förändring: en säkerställd {word}, som lovat." \
            if down else f" Hela intervallet ligger över noll: en säkerställd {word}, som lovat."
    elif reason == "wrong" and target is not None:
        text += f" Hela intervallet för {y2} ligger på fel sida om målet {r['target']}: ej uppfyllt."
    elif reason == "wrong":
        text += (f" Hela intervallet ligger {'över' if down else 'under'} noll: en säkerställd "
                 f"{'ökning' if down else 'minskning'}, motsatt det lovade.")
    elif reason == "below_min":
        text += (f" Intervallet utesluter en {word} på {sv_percent(mic, 0)}, den minsta "
                 "förändring som räknas: ej uppfyllt.")
    else:
        text += (f" Intervallet innehåller {'målet' if target is not None else 'noll'}, så "
                 "anmälda brott kan inte avgöra saken.")
        if target is None:
            text += (f" Med dagens antal kan en {word} på ungefär "
                     f"{sv_percent(r['mdc'] / e.rate_from, 0)} upptäckas (80 % styrka).")
    return text


_EVALUATORS: dict[str, Callable] = {
    "aktivitet": _eval_activity, "vandring": _eval_walk, "milstolpe": _eval_milestone,
}


# --- the table ------------------------------------------------------------------------------


def _typed_evaluation(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reindex(columns=EVALUATION_COLUMNS).copy()
    for c in ["year", "promise_no", "indicator_no", "year_from", "year_to"]:
        out[c] = pd.array(out[c].astype("float64"), dtype="Int64")
    for c in _FLOAT_COLUMNS:
        out[c] = out[c].astype("float64")
    for c in ["is_goal", "counts"]:
        out[c] = out[c].astype(object).where(out[c].notna(), False).astype(bool)
    for c in [c for c in EVALUATION_COLUMNS
              if c not in {"year", "promise_no", "indicator_no", "year_from", "year_to",
                           "is_goal", "counts", *_FLOAT_COLUMNS}]:
        out[c] = out[c].astype("string")
    return out
