"""Follow-up of the promises: a status and an explanation for every indicator and promise.

``evaluate_promises`` judges each registry row with the evaluator of its kind against the
``Evidence`` (the tables the build has written); the rules are in its docstring and in
``docs/medborgarloften.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from analysis.areas import TOTAL_AREA, area_versions
from analysis.estimate import change_test, minimum_detectable_change
from analysis.formatting import sv_count, sv_number, sv_percent, sv_pp
from analysis.official import DECREASE, INCREASE, NOT_COMPARABLE, UNCHANGED, compare_official
from analysis.promises.activities import activity_label
from analysis.promises.indicators import WALK_SHARES
from analysis.settings import Settings
from analysis.text import normalise_label
from analysis.vocabulary import INDICATORS, PROMISES, PROPORTION_INDICATORS

STATUS = PROMISES["status"]
MET, PARTLY, NOT_MET, UNKNOWN = STATUS["met"], STATUS["partly"], STATUS["not_met"], STATUS["unknown"]
EVALUATION_COLUMNS = [
    "year", "promise_no", "promise_id", "indicator_no", "kind", "label", "status", "value",
    "target", "year_from", "year_to", "estimate_from", "estimate_to", "ci_low_from",
    "ci_high_from", "ci_low_to", "ci_high_to", "delta", "se_delta", "p", "p_bh", "mdc",
    "explanation", "promise_status", "promise_explanation",
]
_CI = f"{sv_percent(0.95)} KI"  # the intervals in estimates.parquet are 95 % intervals


@dataclass(frozen=True)
class Evidence:
    """The tables an evaluation uses; any may be None (the indicator is then not assessable)."""

    activities: pd.DataFrame | None = None
    estimates: pd.DataFrame | None = None
    changes: pd.DataFrame | None = None
    walk_followup: pd.DataFrame | None = None
    walks: pd.DataFrame | None = None
    official: pd.DataFrame | None = None
    register: pd.DataFrame | None = None


def evaluate_promises(registry: pd.DataFrame, evidence: Evidence, *, alpha: float = Settings.alpha,
                      power: float = Settings.power) -> pd.DataFrame:
    """One row per promise indicator with its status and evidence (``EVALUATION_COLUMNS``).

    Rules (also in ``docs/medborgarloften.md``):

    * aktivitet – ``count = Σ antal`` of the type in the promise year (and area):
      target met -> uppfyllt; for ``>=`` targets ``count ≥ delvis_fran · target`` (default
      0.5) and > 0 -> delvis uppfyllt; else ej uppfyllt; no log, or no log rows in the
      year -> kan inte bedömas.
    * enkat – ``Δ = R₂ − R₁``, ``SE = √(SE₁² + SE₂²)``, two-sided z-test ``p``, and
      ``MDC = (z_{1−α/2} + z_{power}) · SE``: significant in the promised direction ->
      uppfyllt (delvis uppfyllt if a stated target is not reached); significant the other
      way -> ej uppfyllt; not significant -> ej uppfyllt only when a target is stated and
      the change it needs is at least the MDC (the survey could have seen it), otherwise
      kan inte bedömas. Redrawn area, missing or suppressed estimate -> kan inte bedömas.
    * vandring – the figure against the target as for aktivitet.
    * milstolpe – done by the deadline -> uppfyllt; done later -> delvis uppfyllt;
      ``klart: nej`` or no such activity in a log that runs past the deadline ->
      ej uppfyllt; else kan inte bedömas.
    * polisindex – ``compare_official``: a change of at least the minimum difference in
      the promised direction -> uppfyllt; smaller or the other way -> ej uppfyllt;
      redrawn area or missing value -> kan inte bedömas.

    The promise's status: kan inte bedömas if no indicator can be judged; uppfyllt if
    every judged indicator is; ej uppfyllt if none is; else delvis uppfyllt.
    """
    evaluators = _EVALUATORS | {"enkat": partial(_eval_survey, alpha=alpha, power=power)}
    rows = []
    for row in registry.itertuples(index=False):
        res = evaluators.get(row.kind, _eval_official)(row, evidence)
        label = row.label if pd.notna(row.label) and row.label else _auto_label(row)
        rows.append({"year": row.year, "promise_no": row.promise_no, "promise_id": row.promise_id,
                     "indicator_no": row.indicator_no, "kind": row.kind, "label": label} | res)
    out = pd.DataFrame(rows).reindex(columns=EVALUATION_COLUMNS)
    if len(out):
        overall = {key: _overall(g["status"].tolist())
                   for key, g in out.groupby(["year", "promise_no"], sort=True)}
        keys = list(zip(out["year"], out["promise_no"], strict=True))
        out["promise_status"] = [overall[k][0] for k in keys]
        out["promise_explanation"] = [overall[k][1] for k in keys]
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
    if op is None or pd.isna(value):
        return ""
    word = "minst" if op == ">=" else "högst"
    shown = sv_percent(value, 1, trim=True) if share else sv_number(value, 2, trim=True)
    return f"{word} {shown}"


def _overall(statuses: list[str]) -> tuple[str, str]:
    """A promise's status and explanation from the statuses of its indicators."""
    judged = [s for s in statuses if s != UNKNOWN]
    n_unknown = len(statuses) - len(judged)
    tail = (f" ({sv_count(n_unknown)} av {sv_count(len(statuses))} indikatorer kan inte "
            "bedömas.)") if n_unknown else ""
    if not judged:
        return UNKNOWN, "Ingen av löftets indikatorer kan bedömas."
    if all(s == MET for s in judged):
        return MET, "Alla indikatorer som kan bedömas är uppfyllda." + tail
    if all(s == NOT_MET for s in judged):
        return NOT_MET, "Ingen indikator som kan bedömas är uppfylld." + tail
    return PARTLY, "Några indikatorer är uppfyllda, andra inte." + tail


# --- aktivitet ------------------------------------------------------------------------------


def _eval_activity(row, ev: Evidence) -> dict:
    year, code, op, target = int(row.year), row.activity_type, row.target_op, row.target_value
    label = activity_label(code)
    out = {"target": _target_text(op, target)}
    acts = ev.activities
    if acts is None:
        return out | {"status": UNKNOWN, "explanation": "Det finns ingen aktivitetslogg; antalet "
                      f"{label.lower()} {year} är okänt."}
    in_year = acts[acts["year"] == year]
    if in_year.empty:
        return out | {"status": UNKNOWN, "explanation": f"Aktivitetsloggen har inga rader för "
                      f"{year}; antalet kan inte räknas."}
    hit = in_year[in_year["type"] == code]
    where = ""
    if pd.notna(row.area) and row.area != TOTAL_AREA:
        hit = hit[hit["area"] == row.area]
        where = f" i område {row.area}"
    value = float(hit["count"].sum())
    status = _count_status(value, op, target, float(row.partial_from))
    verdict = {MET: "målet är nått",
               PARTLY: f"minst {sv_percent(row.partial_from, 1, trim=True)} av målet men inte hela",
               NOT_MET: "målet är inte nått"}[status]
    text = (f"{label}{where} {year}: {sv_number(value, 1, trim=True)} enligt aktivitetsloggen "
            f"(mål: {_target_text(op, target)}); {verdict}.")
    return out | {"status": status, "value": value, "explanation": text}


# --- enkat ----------------------------------------------------------------------------------


def _eval_survey(row, ev: Evidence, *, alpha: float, power: float) -> dict:
    y1, y2, area = int(row.year_from), int(row.year_to), str(row.area)
    share = row.survey_indicator in PROPORTION_INDICATORS
    want = "minska" if row.direction == "minska" else "öka"
    out = {"year_from": y1, "year_to": y2,
           "target": _target_text(row.target_op, row.target_value, share) or f"ska {want}"}
    name = f"{INDICATORS.get(row.survey_indicator, row.survey_indicator)} ({row.item}), område {area}"
    blocked = _survey_blocked(row, ev, name, y1, y2, area)
    if isinstance(blocked, str):
        return out | {"status": UNKNOWN, "explanation": blocked}
    r1, r2 = blocked
    out |= _survey_evidence(row, ev, r1, r2, alpha, power)
    return out | _survey_verdict(row, out, share, name, alpha)


def _survey_blocked(row, ev: Evidence, name: str, y1: int, y2: int, area: str):
    """Why the change cannot be measured (a sentence), or the two estimate rows."""
    if ev.register is not None and area != TOTAL_AREA:
        v = area_versions(ev.register, pd.Series([area, area]), pd.Series([y1, y2]))
        if v.iloc[0] != v.iloc[1]:
            return (f"{name}: områdets gränser ritades om mellan {y1} och {y2} "
                    f"({v.iloc[0]} och {v.iloc[1]}), så skillnaden är ingen förändring i samma "
                    "område och löftet kan inte bedömas med enkäten.")
    if ev.estimates is None:
        return "Enkätens skattningar saknas."
    rows = [_estimate_row(ev.estimates, row.survey_indicator, row.item, area, y) for y in (y1, y2)]
    for y, r in zip((y1, y2), rows, strict=True):
        if r is None:
            return f"{name}: ingen skattning för {y}."
        if bool(r["suppressed"]) or pd.isna(r["estimate"]) or pd.isna(r["se"]):
            return f"{name}: skattningen för {y} publiceras inte (för få svar)."
    return rows[0], rows[1]


def _estimate_row(est: pd.DataFrame, indicator: str, item: str, area: str, year: int):
    hit = est[(est["indicator"] == indicator) & (est["item"] == item) & (est["area"] == area)
              & (est["year"] == year)]
    return None if hit.empty else hit.iloc[0]


def _survey_evidence(row, ev: Evidence, r1, r2, alpha: float, power: float) -> dict:
    """The two estimates, the change test, the MDC and (if built) the BH-adjusted p."""
    test = change_test([r1["estimate"]], [r1["se"]], [r2["estimate"]], [r2["se"]]).iloc[0]
    mdc = minimum_detectable_change(float(r1["se"]), float(r2["se"]), alpha=alpha, power=power)
    p_bh = np.nan
    if ev.changes is not None:
        c = ev.changes
        hit = c[(c["year_from"] == int(row.year_from)) & (c["year_to"] == int(row.year_to))
                & (c["area"] == str(row.area)) & (c["indicator"] == row.survey_indicator)
                & (c["item"] == row.item)]
        if len(hit):
            p_bh = float(hit["p_bh"].iloc[0])
    return {"value": float(r2["estimate"]), "estimate_from": float(r1["estimate"]),
            "estimate_to": float(r2["estimate"]), "ci_low_from": float(r1["ci_low"]),
            "ci_high_from": float(r1["ci_high"]), "ci_low_to": float(r2["ci_low"]),
            "ci_high_to": float(r2["ci_high"]), "delta": float(test["delta"]),
            "se_delta": float(test["se_delta"]), "p": float(test["p"]), "p_bh": p_bh, "mdc": mdc}


def _survey_verdict(row, e: dict, share: bool, name: str, alpha: float) -> dict:
    """Status and explanation from the evidence ``e`` (see ``evaluate_promises``)."""
    def fmt(x):
        return sv_percent(x, 1, trim=True) if share else sv_number(x, 2)

    def dfmt(x):
        return sv_pp(x, 1, trim=True) if share else sv_number(x, 2)

    sign = -1 if row.direction == "minska" else 1
    has_target = pd.notna(row.target_value)
    reached = has_target and _meets(row.target_op, e["estimate_to"], float(row.target_value))
    facts = (f"{name}: {fmt(e['estimate_from'])} ({e['year_from']}, {_CI} "
             f"{fmt(e['ci_low_from'])}–{fmt(e['ci_high_from'])}) -> {fmt(e['estimate_to'])} "
             f"({e['year_to']}, {_CI} {fmt(e['ci_low_to'])}–{fmt(e['ci_high_to'])}); förändring "
             f"{dfmt(e['delta'])}, p = {sv_number(e['p'], 3)}; minsta upptäckbara förändring "
             f"{dfmt(e['mdc'])}.")
    if e["p"] < alpha and sign * e["delta"] > 0:
        if has_target and not reached:
            moved = "minskat" if sign < 0 else "ökat"
            return {"status": PARTLY, "explanation": facts + f" Värdet har {moved} statistiskt "
                    f"säkerställt men målet ({e['target']}) är inte nått."}
        return {"status": MET, "explanation": facts + " Förändringen går åt det lovade hållet "
                "och är statistiskt säkerställd" + (" och målet är nått." if has_target else ".")}
    if e["p"] < alpha:
        return {"status": NOT_MET, "explanation": facts + " Förändringen går åt motsatt håll "
                "mot det lovade och är statistiskt säkerställd."}
    needed = sign * (float(row.target_value) - e["estimate_from"]) if has_target else np.nan
    if has_target and needed >= e["mdc"]:
        return {"status": NOT_MET, "explanation": facts + " Den förändring som målet kräver "
                f"({dfmt(needed)}) hade mätningen kunnat upptäcka, men ingen statistiskt "
                "säkerställd förändring syns."}
    return {"status": UNKNOWN, "explanation": facts + " Förändringen är inte statistiskt "
            "säkerställd, och mätningen kan inte upptäcka en förändring av den storleken "
            f"(det krävs minst {dfmt(e['mdc'])}); löftet kan därför inte bedömas med enkäten – "
            "det betyder inte att det inte är uppfyllt."}


# --- vandring -------------------------------------------------------------------------------


def _eval_walk(row, ev: Evidence) -> dict:
    if row.measure == "walks":
        return _eval_walk_count(row, ev)
    year, measure, op, target = int(row.year), row.measure, row.target_op, row.target_value
    share = measure in WALK_SHARES
    out = {"target": _target_text(op, target, share)}
    if ev.walk_followup is None:
        return out | {"status": UNKNOWN,
                      "explanation": "Uppföljningen av trygghetsvandringarna saknas."}
    f = ev.walk_followup
    if pd.notna(row.area) and row.area != TOTAL_AREA:
        hit = f[(f["dimension"] == "omrade_ar") & (f["year"] == year) & (f["area"] == row.area)]
        where = f"område {row.area}"
    else:
        hit = f[(f["dimension"] == "ar") & (f["year"] == year)]
        where = "hela kommunen"
    if hit.empty or (share and (int(hit["counted"].iloc[0]) == 0 or pd.isna(hit[measure].iloc[0]))):
        return out | {"status": UNKNOWN, "explanation": f"Inga problem från trygghetsvandringar "
                      f"{year} i {where} att räkna på."}
    h = hit.iloc[0]
    value = float(h[measure])
    status = _count_status(value, op, target, float(row.partial_from))
    as_of = pd.Timestamp(h["as_of"]).strftime("%Y-%m-%d") if "as_of" in h else "?"
    shown = sv_percent(value, 1, trim=True) if share else sv_number(value, 1, trim=True)
    return out | {"status": status, "value": value, "explanation": (
        f"Trygghetsvandringar {year}, {where}: {shown} ({sv_count(h['fixed'])} åtgärdade av "
        f"{sv_count(h['counted'])} problem, läge per {as_of}); mål: {out['target']}: {status}.")}


def _eval_walk_count(row, ev: Evidence) -> dict:
    """The number of walks in the year (in ``ort``, when given) against the target."""
    year, op, target = int(row.year), row.target_op, row.target_value
    out = {"target": _target_text(op, target)}
    if ev.walks is None:
        return out | {"status": UNKNOWN, "explanation": "Vandringstabellen saknas."}
    w = ev.walks[ev.walks["year"] == year]
    where = ""
    if pd.notna(row.locality):
        w = w[w["locality"].map(normalise_label) == normalise_label(row.locality)]
        where = f" i {row.locality}"
    value = float(len(w))
    status = _count_status(value, op, target, float(row.partial_from))
    return out | {"status": status, "value": value, "explanation": (
        f"{sv_number(value, 1, trim=True)} trygghetsvandringar{where} {year} i "
        f"vandringsprotokollen (mål: {out['target']}): {status}.")}


# --- milstolpe ------------------------------------------------------------------------------


def _eval_milestone(row, ev: Evidence) -> dict:
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


# --- polisindex -----------------------------------------------------------------------------


def _eval_official(row, ev: Evidence) -> dict:
    y1, y2 = int(row.year_from), int(row.year_to)
    want = "minska" if row.direction == "minska" else "öka"
    out = {"year_from": y1, "year_to": y2,
           "target": f"ska {want} med minst {sv_number(row.min_difference, 2)}"}
    if ev.official is None or ev.official.empty:
        return out | {"status": UNKNOWN, "explanation": "Polisens index saknas i rådata."}
    try:
        res = compare_official(ev.official, row.survey_indicator, row.area, y1, y2,
                               min_difference=float(row.min_difference))
    except LookupError as exc:
        return out | {"status": UNKNOWN, "explanation": str(exc).strip("'\"") + " "
                      "Polisens index saknar konfidensintervall."}
    out |= {"value": res.value2, "estimate_from": res.value1, "estimate_to": res.value2,
            "delta": res.change}
    wanted = DECREASE if row.direction == "minska" else INCREASE
    if res.verdict == NOT_COMPARABLE:
        status = UNKNOWN
    elif res.verdict == wanted:
        status = MET
    else:
        status = NOT_MET
    extra = {UNCHANGED: " Förändringen är mindre än den minsta skillnad som löftet räknar med.",
             NOT_COMPARABLE: "", wanted: ""}.get(res.verdict, " Indexet gick åt motsatt håll.")
    return out | {"status": status, "explanation": res.text + extra}


_EVALUATORS: dict[str, Callable[[object, Evidence], dict]] = {
    "aktivitet": _eval_activity, "vandring": _eval_walk, "milstolpe": _eval_milestone,
    "polisindex": _eval_official,
}


# --- the table ------------------------------------------------------------------------------


def _auto_label(row) -> str:
    if row.kind == "aktivitet":
        return f"Antal: {activity_label(row.activity_type).lower()}"
    if row.kind == "enkat":
        return f"{INDICATORS.get(row.survey_indicator, row.survey_indicator)}: {row.item}, {row.area}"
    if row.kind == "vandring":
        return f"Trygghetsvandringar: {row.measure}"
    if row.kind == "polisindex":
        return f"Polisens index: {row.survey_indicator}, {row.area}"
    return str(row.label)


def _typed_evaluation(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reindex(columns=EVALUATION_COLUMNS).copy()
    for c in ["year", "promise_no", "indicator_no", "year_from", "year_to"]:
        out[c] = pd.array(out[c].astype("float64"), dtype="Int64")
    for c in ["value", "estimate_from", "estimate_to", "ci_low_from", "ci_high_from", "ci_low_to",
              "ci_high_to", "delta", "se_delta", "p", "p_bh", "mdc"]:
        out[c] = out[c].astype("float64")
    for c in ["promise_id", "kind", "label", "status", "target", "explanation", "promise_status",
              "promise_explanation"]:
        out[c] = out[c].astype("string")
    return out
