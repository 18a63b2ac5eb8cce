"""The indicators of a promise: one parser per kind, and the target syntax they share.

``parse_indicator`` reads the fields every kind has (``typ``, ``beskrivning``, ``mal``,
``delvis_fran``) and hands the rest to the parser of its kind: ``aktivitet``, ``enkat``,
``vandring``, ``milstolpe``, ``polisindex`` or ``anmalda_brott``. Each parser records its
problems with the field path (``loften[2].indikatorer[0].mal``) and fills its columns of the
registry row.

Survey indicators (``enkat``) may also declare ``primar: ja`` (the indicator that decides
the promise's effect when it has several), ``minsta_betydelsefulla_forandring`` (the smallest
change that matters, e.g. ``"3 %"`` = 3 percentage points for a share) and ``metod``
(``par``, ``trend`` or ``poolad``; default: a trend when ``till_ar − fran_ar ≥ 2``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from analysis.areas import TOTAL_AREA, TOTAL_AREA_NAME
from analysis.crime.categories import indicator_hint, match_indicator
from analysis.dates import parse_date
from analysis.promises.activities import activity_hint, match_activity
from analysis.promises.checks import Checker, RegistryContext, check_item, valid_areas_hint
from analysis.text import normalise_label
from analysis.vocabulary import INDICATORS, PROMISES, PROPORTION_INDICATORS

KINDS = tuple(PROMISES["kinds"])
KIND_ALIASES = {"aktivitet": "aktivitet", "activity": "aktivitet",
                "enkat": "enkat", "enkät": "enkat", "survey": "enkat", "trygghetsmatning": "enkat",
                "vandring": "vandring", "walk": "vandring", "trygghetsvandring": "vandring",
                "milstolpe": "milstolpe", "milestone": "milstolpe",
                "polisindex": "polisindex", "polisens index": "polisindex", "official": "polisindex",
                "anmalda_brott": "anmalda_brott", "anmälda brott": "anmalda_brott",
                "anmalda brott": "anmalda_brott", "brott": "anmalda_brott",
                "reported_crime": "anmalda_brott"}
DIRECTIONS = {"minska": "minska", "oka": "oka", "öka": "oka"}
# How a survey indicator's change is measured (``metod``); None = chosen from the years.
METHODS = ("par", "trend", "poolad")
_YES = {"ja", "true", "1", "yes"}
_NO = {"nej", "false", "0", "no"}

# Walk measures: name in the registry -> column of walk_followup ("vandringar" counts walks).
WALK_MEASURES = {
    "andel_atgardade": "share_fixed",
    "andel_atgardade_inom_maltid": "share_fixed_within_target",
    "atgardade": "fixed",
    "problem": "counted",
    "oppna": "open",
    "vandringar": "walks",
}
WALK_SHARES = {"share_fixed", "share_fixed_within_target"}

_OPS = {">=": ">=", "≥": ">=", "minst": ">=", "<=": "<=", "≤": "<=", "högst": "<=",
        "hogst": "<="}
_TARGET = re.compile(r"^\s*(>=|≥|<=|≤|minst|högst|hogst)?\s*([-+]?\d+(?:[.,]\d+)?)\s*(%?)\s*$",
                     re.IGNORECASE)
_DATE_HINT = "Skriv datum som ÅÅÅÅ-MM-DD."
MAX_MIN_DIFFERENCE = 6.0  # the police's index runs from 0 to 6


def parse_target(value: object) -> tuple[str, float] | None:
    """``">= 40"``, ``"minst 40"``, ``"<= 45 %"``, ``40`` -> (op, value); None if not a target.

    A bare number means ``>=``; a trailing ``%`` divides by 100.
    """
    if isinstance(value, bool) or value is None:
        return None
    m = _TARGET.match(str(value))
    if not m:
        return None
    op = _OPS[m.group(1).lower()] if m.group(1) else ">="
    number = float(m.group(2).replace(",", "."))
    return op, number / 100 if m.group(3) else number


@dataclass(frozen=True)
class _Spec:
    """One indicator as written, with where it is and what it is checked against."""

    chk: Checker
    path: str
    spec: dict
    kind: str
    year: int | None
    ctx: RegistryContext

    def get(self, name: str, default: object = None) -> object:
        return self.spec.get(name, default)

    def add(self, name: str, value: object, message: str, hint: str = "") -> None:
        self.chk.add(f"{self.path}.{name}", value, message, hint)

    def need_target(self) -> None:
        if self.get("mal") is None:
            self.add("mal", None, f"målet saknas för indikatortypen {self.kind}.",
                     'Skriv t.ex. mal: ">= 40".')

    def area(self, years: list[int]) -> str | None:
        """``omrade`` as an area code valid in every one of ``years`` (or ``kommunen``)."""
        area = self.get("omrade")
        if area is None:
            return None
        area = str(area).strip()
        if normalise_label(area) in {TOTAL_AREA, normalise_label(TOTAL_AREA_NAME), "kommun"}:
            return TOTAL_AREA
        for y in years:
            valid, hint = valid_areas_hint(self.ctx.register, y)
            if area not in valid:
                self.add("omrade", area, f"okänt område {y}.", hint + " Områdena är "
                         "versionerade: kontrollera vilken indelning som gällde året.")
                return area
        return area

    def years(self) -> tuple[int | None, int | None]:
        """``fran_ar``/``till_ar`` (default: the year before the registry's and its year),
        each in the plausible window of years."""
        y1 = self.get("fran_ar", None if self.year is None else self.year - 1)
        y2 = self.get("till_ar", self.year)
        for name, y in (("fran_ar", y1), ("till_ar", y2)):
            if not isinstance(y, int) or isinstance(y, bool):
                self.add(name, y, "är inte ett årtal.", "Skriv t.ex. 2022.")
                return None, None
            if self.ctx.outside(y):
                self.ctx.window_problem(self.chk, f"{self.path}.{name}", y, "året")
                return None, None
        if y1 >= y2:
            self.add("till_ar", y2, "till_ar måste vara senare än fran_ar.")
            return None, None
        return y1, y2

    def direction(self) -> str | None:
        code = DIRECTIONS.get(normalise_label(self.get("riktning")))
        if code is None:
            self.add("riktning", self.get("riktning"), "riktningen saknas eller är okänd.",
                     "Skriv riktning: minska eller riktning: oka.")
        return code

    def activity(self) -> str | None:
        """``aktivitet`` as an activity code (None, and a problem with hints, if unknown)."""
        value = self.get("aktivitet")
        code = match_activity(value)
        if code is None:
            self.add("aktivitet", value, "okänd aktivitetstyp.", activity_hint(value))
        return code


def parse_indicator(chk: Checker, path: str, spec: object, year: int | None,
                    ctx: RegistryContext) -> dict | None:
    """One indicator of a promise as a registry row (its kind's columns), or None.

    Problems go to ``chk`` with the field path under ``path``; None when the indicator
    is not a mapping or its kind is unknown (nothing more can be checked).
    """
    if not isinstance(spec, dict):
        chk.add(path, None, "en indikator ska ha fältet typ och sina egna fält.")
        return None
    kind = KIND_ALIASES.get(normalise_label(spec.get("typ")))
    if kind is None:
        chk.add(f"{path}.typ", spec.get("typ"), "okänd indikatortyp.",
                "Giltiga typer: " + ", ".join(KINDS) + ".")
        return None
    s = _Spec(chk, path, spec, kind, year, ctx)
    row = _common(s)
    if kind != "enkat":
        # reported crime has a smallest change that matters and a method too (not primar)
        own = ("minsta_betydelsefulla_forandring", "metod") if kind == "anmalda_brott" else ()
        for name in ("primar", "minsta_betydelsefulla_forandring", "metod"):
            if spec.get(name) is not None and name not in own:
                s.add(name, spec.get(name), f"fältet {name} gäller bara enkätindikatorer "
                      "(typ: enkat)" + (" och anmälda brott" if name != "primar" else "") + ".",
                      "Ta bort fältet här.")
    return row | _PARSERS[kind](s, row)


def _common(s: _Spec) -> dict:
    """The fields of every kind: ``beskrivning``, ``mal`` and ``delvis_fran``."""
    row: dict = {"kind": s.kind, "label": str(s.get("beskrivning") or "").strip()}
    target = s.get("mal")
    parsed = parse_target(target) if target is not None else None
    if target is not None and parsed is None:
        s.add("mal", target, "målet kan inte tolkas.",
              'Skriv t.ex. ">= 40", "minst 2" eller "<= 45 %".')
    if parsed and not math.isfinite(parsed[1]):
        s.add("mal", target, "målet är inte ett rimligt tal.", 'Skriv t.ex. ">= 40".')
        parsed = None
    if parsed:
        row["target_op"], row["target_value"] = parsed
    partial = s.get("delvis_fran", 0.5)
    if not isinstance(partial, (int, float)) or isinstance(partial, bool) or not 0 < partial <= 1:
        s.add("delvis_fran", partial, "ska vara en andel mellan 0 och 1.",
              "Standard är 0.5: minst halva målet ger 'delvis uppfyllt'.")
        partial = 0.5
    row["partial_from"] = float(partial)
    return row


def _activity(s: _Spec, row: dict) -> dict:
    """``aktivitet``: an activity type counted in the log against a target."""
    out = {"activity_type": s.activity()}
    s.need_target()
    out["area"] = s.area([s.year] if s.year else [])
    return out


def _survey(s: _Spec, row: dict) -> dict:
    """``enkat``: a survey estimate for an item and area over years, with a direction.

    Optional: ``mal`` (a level to reach; its sign must agree with ``riktning``),
    ``primar``, ``minsta_betydelsefulla_forandring`` and ``metod`` (module docstring).
    """
    indicator, item = s.get("indikator"), s.get("fraga")
    if indicator not in INDICATORS:
        s.add("indikator", indicator, "okänd indikator i trygghetsmätningen.",
              "Giltiga indikatorer: " + ", ".join(INDICATORS) + ".")
    if item is None:
        s.add("fraga", None, "frågan (item) saknas.", "Skriv t.ex. fraga: otrygg_kvall.")
    else:
        check_item(s.chk, f"{s.path}.fraga", str(item), s.ctx, allow_groups=True)
    y1, y2 = s.years()
    method = _method(s, y1, y2)
    if s.get("omrade") is None:
        s.add("omrade", None, "området saknas.", f"Skriv en områdeskod eller {TOTAL_AREA}.")
    years = [y for y in (y1, y2) if y is not None]
    if method == "poolad" and y1 is not None:
        years = [y1 - 1, *years]
    area = s.area(years)
    direction = s.direction()
    op = row.get("target_op")
    if op is not None and direction is not None and op != {"minska": "<=", "oka": ">="}[direction]:
        s.add("mal", s.get("mal"), "målet pekar åt andra hållet än riktningen.",
              'riktning: minska skrivs med ett högst-mål (t.ex. "<= 30 %"), riktning: oka '
              'med ett minst-mål (t.ex. ">= 60 %").')
    proportion = indicator in PROPORTION_INDICATORS
    return {"survey_indicator": indicator, "item": None if item is None else str(item),
            "year_from": y1, "year_to": y2, "area": area, "direction": direction,
            "primary": _yes_no(s, "primar"), "min_change": _min_change(s, proportion),
            "method": method}


def _yes_no(s: _Spec, name: str) -> bool:
    value = s.get(name)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    key = normalise_label(value)
    if key in _YES or key in _NO:
        return key in _YES
    s.add(name, value, "ska vara ja eller nej.", f"Skriv t.ex. {name}: ja.")
    return False


def _min_change(s: _Spec, proportion: bool) -> float | None:
    """``minsta_betydelsefulla_forandring``: a positive size of change (a share: ``"3 %"``)."""
    name = "minsta_betydelsefulla_forandring"
    value = s.get(name)
    if value is None:
        return None
    hint = ('För en andel: skriv procentenheter med %, t.ex. "3 %". För medelpoäng och '
            "problemindex: ett tal på skalan, t.ex. 0.2.")
    parsed = parse_target(value) if not isinstance(value, bool) else None
    if parsed is None or parsed[0] != ">=" or str(value).strip()[:1] in "<>≤≥" \
            or not math.isfinite(parsed[1]) or parsed[1] <= 0:
        s.add(name, value, "ska vara ett positivt tal.", hint)
        return None
    size = parsed[1]
    if proportion and size >= 1:
        s.add(name, value, "för en andel anges förändringen i procent.", hint)
        return None
    return size


def _method(s: _Spec, y1: int | None, y2: int | None) -> str | None:
    """``metod``: par, trend or poolad (None: chosen by the evaluation from the years)."""
    value = s.get("metod")
    if value is None:
        return None
    method = normalise_label(value)
    if method not in METHODS:
        s.add("metod", value, "okänd metod.", "Giltiga metoder: " + ", ".join(METHODS) + ".")
        return None
    if method in ("trend", "poolad") and y1 is not None and y2 is not None and y2 - y1 < 2:
        s.add("metod", value, f"metoden {method} kräver att till_ar är minst två år efter "
              "fran_ar.", "Skriv t.ex. fran_ar: 2021 och till_ar: 2024, eller metod: par.")
        return None
    return method


def _crime(s: _Spec, row: dict) -> dict:
    """``anmalda_brott``: reported crime (Brå) of a category, or youth violence, in the whole
    kommun, with a direction; optionally ``mal`` (a rate per 100 000 inhabitants in
    ``till_ar``), ``minsta_betydelsefulla_forandring`` (a relative change, ``"10 %"``) and
    ``metod`` (``par`` or ``trend``; default: a trend when ``till_ar − fran_ar ≥ 2``)."""
    text = str(s.get("brott") or "").strip()
    code = None
    if not text:
        s.add("brott", None, "brottskategorin saknas.",
              'Skriv t.ex. brott: ungdomsvåld eller brott: "Misshandel inkl. grov".')
    else:
        code = match_indicator(text)
        if code is None:
            s.add("brott", text, "okänd brottskategori.", indicator_hint(text))
    y1, y2 = s.years()
    area = s.get("omrade")
    if area is not None and normalise_label(area) not in {TOTAL_AREA, "kommun",
                                                          normalise_label(TOTAL_AREA_NAME)}:
        s.add("omrade", area, "anmälda brott finns bara för hela kommunen.",
              f"Skriv omrade: {TOTAL_AREA} eller ta bort fältet.")
    direction = s.direction()
    op = row.get("target_op")
    if op is not None and direction is not None and op != {"minska": "<=", "oka": ">="}[direction]:
        s.add("mal", s.get("mal"), "målet pekar åt andra hållet än riktningen.",
              'riktning: minska skrivs med ett högst-mål (t.ex. "<= 1500" anmälda brott per '
              "100 000 invånare).")
    method = _method(s, y1, y2)
    if method == "poolad":
        s.add("metod", s.get("metod"), "anmälda brott slås inte samman över år.",
              "Skriv metod: par eller metod: trend.")
        method = None
    return {"crime": code, "year_from": y1, "year_to": y2, "area": TOTAL_AREA,
            "direction": direction, "min_change": _relative_change(s), "method": method}


def _relative_change(s: _Spec) -> float | None:
    """``minsta_betydelsefulla_forandring`` of reported crime: a relative change in percent."""
    name = "minsta_betydelsefulla_forandring"
    value = s.get(name)
    if value is None:
        return None
    parsed = parse_target(value) if not isinstance(value, bool) else None
    if parsed is None or parsed[0] != ">=" or "%" not in str(value) \
            or str(value).strip()[:1] in "<>≤≥" or not 0 < parsed[1] < 1:
        s.add(name, value, "ska vara en relativ förändring i procent, mellan 0 och 100 %.",
              'T.ex. "10 %": en minskning med minst en tiondel räknas.')
        return None
    return parsed[1]


def _walk(s: _Spec, row: dict) -> dict:
    """``vandring``: a safety-walk figure (per area, or walks per locality) against a target."""
    measure = s.get("matt")
    if measure not in WALK_MEASURES:
        s.add("matt", measure, "okänt mått för trygghetsvandringar.",
              "Giltiga mått: " + ", ".join(WALK_MEASURES) + ".")
    out = {"measure": WALK_MEASURES.get(measure)}
    s.need_target()
    out["area"] = s.area([s.year] if s.year else [])
    if s.get("ort") is not None:
        out["locality"] = str(s.get("ort")).strip()
        if measure != "vandringar":
            s.add("ort", s.get("ort"), "ort kan bara anges för måttet vandringar.",
                  "Använd omrade för övriga mått.")
    if measure == "vandringar" and out["area"] is not None:
        s.add("omrade", s.get("omrade"), "antal vandringar räknas per ort, inte per område.",
              'Ange orten i stället, t.ex. "ort: Exempelby".')
    return out


def _milestone(s: _Spec, row: dict) -> dict:
    """``milstolpe``: a dated yes/no, in the registry (``klart``) or in the activity log."""
    if not row["label"]:
        s.add("beskrivning", None, "en milstolpe behöver en beskrivning.",
              'Skriv t.ex. beskrivning: "Ansökan om kameraövervakning inskickad".')
    deadline = s.get("senast", None if s.year is None else dt.date(s.year, 12, 31))
    deadline_date = parse_date(deadline)
    if deadline_date is None:
        s.add("senast", deadline, "är inte ett datum.", _DATE_HINT)
    deadline_date = s.ctx.date_in_window(s.chk, f"{s.path}.senast", deadline, deadline_date)
    out: dict = {"deadline": None if deadline_date is None else deadline_date.isoformat()}
    done, act = s.get("klart"), s.get("aktivitet")
    if done is None and act is None:
        s.add("klart", None, "ange klart (datum eller nej) eller en aktivitet i "
              "aktivitetsloggen som visar att milstolpen nåtts.",
              "Skriv t.ex. klart: 2022-10-14, klart: nej eller aktivitet: kameraovervakning.")
    if done is not None:
        out |= _milestone_done(s, done)
    if act is not None:
        out["activity_type"] = s.activity()
    return out


def _milestone_done(s: _Spec, done: object) -> dict:
    if done is False or normalise_label(done) == "nej":
        return {"done": False}
    done_date = parse_date(done)
    if done_date is not None:
        if s.ctx.date_in_window(s.chk, f"{s.path}.klart", done, done_date) is None:
            return {}
        return {"done": True, "done_date": done_date.isoformat()}
    s.add("klart", done, "ska vara ett datum eller nej.",
          "Skriv datumet då milstolpen nåddes (ÅÅÅÅ-MM-DD), eller nej.")
    return {}


def _official(s: _Spec, row: dict) -> dict:
    """``polisindex``: the police's index for an area (or the lpo) against a minimum difference."""
    indicator = s.get("indikator")
    if indicator not in s.ctx.official_indicators:
        s.add("indikator", indicator, "okänd indikator i polisens index.",
              "Giltiga indikatorer: " + ", ".join(s.ctx.official_indicators) + ".")
    y1, y2 = s.years()
    if s.get("omrade") is None:
        s.add("omrade", None, "området saknas.", f"Skriv en områdeskod, {TOTAL_AREA} eller lpo.")
        area = None
    elif normalise_label(s.get("omrade")) in {"lpo", "lokalpolisområdet"}:
        area = "lpo"
    else:
        area = s.area([y for y in (y1, y2) if y is not None])
    out = {"survey_indicator": indicator, "year_from": y1, "year_to": y2, "area": area,
           "direction": s.direction()}
    diff = s.get("minsta_skillnad")
    if diff is None:
        s.add("minsta_skillnad", None, "minsta skillnad saknas.",
              "Polisens index saknar konfidensintervall; ange vilken förändring som ska "
              "räknas, t.ex. minsta_skillnad: 0.2.")
    elif (isinstance(diff, bool) or not isinstance(diff, (int, float))
          or not math.isfinite(diff) or not 0 < diff <= MAX_MIN_DIFFERENCE):
        s.add("minsta_skillnad", diff,
              f"ska vara ett positivt tal, högst {MAX_MIN_DIFFERENCE:g} (indexskalan går 0–6).",
              "T.ex. 0.2.")
    else:
        out["min_difference"] = float(diff)
    return out


_PARSERS: dict[str, Callable[[_Spec, dict], dict]] = {
    "aktivitet": _activity, "enkat": _survey, "vandring": _walk, "milstolpe": _milestone,
    "polisindex": _official, "anmalda_brott": _crime,
}
