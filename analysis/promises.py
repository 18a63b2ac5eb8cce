"""Citizen promises (medborgarlöften): the registry, the activity log, follow-up and motivation.

A kommun and the police sign promises each year (DOMAIN §1 steps 4–5, §5). The
registry is one YAML file per year in ``medborgarloften/`` (format in
``docs/medborgarloften.md``); each promise has one or more indicators of five kinds:

* ``aktivitet`` – a count of one activity type in the activity log in the promise year,
  against a target such as ``">= 40"``;
* ``enkat`` – a survey estimate (``estimates.parquet``) for an item and area, with a
  direction (``minska``/``oka``) and optionally a target, judged year on year with the
  change test and the minimum detectable change (MDC);
* ``vandring`` – a safety-walk figure (``walk_followup.parquet`` / ``walks.parquet``)
  against a target;
* ``milstolpe`` – a dated yes/no, in the registry (``klart``) or in the activity log;
* ``polisindex`` – the police's 0–6 index, judged with
  :func:`analysis.official.compare_official` against a stated minimum difference
  (the index has no confidence interval).

``read_*`` functions read files, ``validate_*``/``parse_*`` check them (every problem
names the file, the YAML line and field path or the Excel row and column, and a Swedish
hint), and the rest are pure transforms on frames. Status rules per kind are documented
in ``docs/medborgarloften.md`` and in :func:`evaluate_promises`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.areas import TOTAL_AREA, TOTAL_AREA_NAME, area_versions
from analysis.files import RawTable, normalise_label, parse_numbers, read_table
from analysis.problems import DataError, Problem, problems_frame
from analysis.vocabulary import INDICATORS, PROMISES
from analysis.walks.terms import match_key

# Output tables (relative to data/processed/).
REGISTRY_FILE = "promise_registry.parquet"
EVALUATION_FILE = "promise_evaluation.parquet"
MOTIVATION_FILE = "promise_motivation.parquet"
ACTIVITIES_FILE = "activities.parquet"
REJECTED_FILE = "avvisade_aktiviteter.parquet"

REGISTRY_PATTERN = re.compile(r"^medborgarloften_(\d{4})\.ya?ml$", re.IGNORECASE)
ACTIVITY_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")

STATUS = PROMISES["status"]
MET, PARTLY, NOT_MET, UNKNOWN = STATUS["met"], STATUS["partly"], STATUS["not_met"], STATUS["unknown"]
KINDS = tuple(PROMISES["kinds"])
KIND_ALIASES = {"aktivitet": "aktivitet", "activity": "aktivitet",
                "enkat": "enkat", "enkät": "enkat", "survey": "enkat", "trygghetsmatning": "enkat",
                "vandring": "vandring", "walk": "vandring", "trygghetsvandring": "vandring",
                "milstolpe": "milstolpe", "milestone": "milstolpe",
                "polisindex": "polisindex", "polisens index": "polisindex", "official": "polisindex"}
DIRECTIONS = {"minska": "minska", "oka": "oka", "öka": "oka"}

# Activity types: code -> Swedish variants (besides the code and its label in vocabulary.py).
ACTIVITY_VARIANTS = {
    "trafikinsats": ["trafikinsatser", "trafikkontroll", "trafikkontroller",
                     "hastighetskontroll", "hastighetskontroller", "trafik insats"],
    "trygghetsvandring": ["trygghetsvandringar", "vandring"],
    "riskzonssamtal": ["riskzonsamtal", "riskzonssamtalen", "orossamtal"],
    "samverkansmote": ["samverkansmöte", "samverkansmöten", "samverkan"],
    "orat_mot_marken": ["örat mot marken", "omm", "möte örat mot marken"],
    "grannsamverkan": ["grannsamverkansmöte", "grannsamverkansträff"],
    "uniformerad_narvaro": ["uniformerad närvaro", "synlig polis", "fotpatrull",
                            "uniformerad polis", "närvaro stadskärnan"],
    "drogforebyggande": ["drogförebyggande", "drogförebyggande insats", "andt",
                         "drogförebyggande arbete"],
    "kameraovervakning": ["kameraövervakning", "ansökan kameraövervakning", "kameraansökan"],
    "ovrigt": ["övrigt", "annat"],
}

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

# Activity-log headers (normalised) -> canonical column.
ACTIVITY_HEADERS = {
    "datum": "date", "date": "date",
    "typ": "type", "aktivitet": "type", "aktivitetstyp": "type", "type": "type",
    "plats": "place", "place": "place",
    "omrade": "area", "område": "area", "area": "area",
    "ansvarig": "responsible", "ansvariga": "responsible", "responsible": "responsible",
    "antal": "count", "count": "count",
    "anteckning": "note", "anteckningar": "note", "kommentar": "note", "note": "note",
}
ACTIVITY_SWEDISH = {"date": "datum", "type": "typ", "place": "plats", "area": "omrade",
                    "responsible": "ansvarig", "count": "antal", "note": "anteckning"}
ACTIVITY_COLUMNS = ["date", "year", "type", "type_label", "place", "area", "responsible", "count",
                    "note", "source_file", "source_row"]

# Reason codes of rejected activity rows.
BAD_DATE = "ogiltigt_datum"
UNKNOWN_TYPE = "okand_aktivitetstyp"
BAD_COUNT = "ogiltigt_antal"
MISSING = "saknat_varde"
UNKNOWN_AREA = "okant_omrade"
# Registry problems.
BAD_REGISTRY = "ogiltigt_lofte"

REGISTRY_COLUMNS = [
    "year", "signed", "parties", "source_note", "source_file", "promise_no", "promise_id", "text",
    "problem", "problem_items", "areas", "places", "responsible", "indicator_no", "kind", "label",
    "activity_type", "survey_indicator", "item", "area", "direction", "target_op", "target_value",
    "partial_from", "year_from", "year_to", "measure", "locality", "min_difference", "deadline",
    "done", "done_date", "yaml_line",
]
EVALUATION_COLUMNS = [
    "year", "promise_no", "promise_id", "indicator_no", "kind", "label", "status", "value",
    "target", "year_from", "year_to", "estimate_from", "estimate_to", "ci_low_from",
    "ci_high_from", "ci_low_to", "ci_high_to", "delta", "se_delta", "p", "p_bh", "mdc",
    "explanation", "promise_status", "promise_explanation",
]
MOTIVATION_COLUMNS = [
    "survey_year", "promise_year", "area", "area_name", "item", "rank", "estimate", "ci_low",
    "ci_high", "n", "uncertain", "top", "registry_exists", "covered", "covering_promises",
]

_OPS = {">=": ">=", "≥": ">=", "minst": ">=", "<=": "<=", "≤": "<=", "högst": "<=",
        "hogst": "<="}
_TARGET = re.compile(r"^\s*(>=|≥|<=|≤|minst|högst|hogst)?\s*([-+]?\d+(?:[.,]\d+)?)\s*(%?)\s*$",
                     re.IGNORECASE)


def _sv(x: float, decimals: int = 1) -> str:
    """A number with decimal comma (``12,5``); integers without decimals."""
    if x is None or pd.isna(x):
        return "–"
    if float(x).is_integer() and decimals <= 1:
        return f"{int(x)}"
    return f"{x:.{decimals}f}".replace(".", ",").replace("-", "−")


def _pct(x: float) -> str:
    return "–" if pd.isna(x) else f"{_sv(100 * x, 1)} %"


def _pp(x: float) -> str:
    return "–" if pd.isna(x) else f"{_sv(100 * x, 1)} procentenheter"


def activity_label(code: str) -> str:
    return PROMISES["activity_types"].get(code, code)


def activity_lookup() -> dict[str, str]:
    """Match key -> activity code (codes, Swedish labels and listed variants)."""
    lookup = {}
    for code, label in PROMISES["activity_types"].items():
        for text in (code, label, *ACTIVITY_VARIANTS.get(code, [])):
            lookup[match_key(text)] = code
    return lookup


def match_activity(value: object) -> str | None:
    """The activity code for a value as written (tolerant of case, å/ä/ö, spaces, ``-``/``_``)."""
    return activity_lookup().get(match_key(value))


def activity_hint(value: object) -> str:
    """'Menade du: ...?' with the closest known types, then every known type."""
    lookup = activity_lookup()
    near = difflib.get_close_matches(match_key(value), list(lookup), n=3, cutoff=0.5)
    codes = list(dict.fromkeys(lookup[k] for k in near))
    text = f"Menade du: {', '.join(codes)}? " if codes else ""
    return text + "Kända typer: " + ", ".join(PROMISES["activity_types"]) + "."


# --- the registry -----------------------------------------------------------------------


def registry_files(folder: str | os.PathLike) -> list[Path]:
    """The yearly registries ``medborgarloften_<år>.yaml`` in ``folder``, sorted by name."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and REGISTRY_PATTERN.match(p.name))


def activity_log_file(folder: str | os.PathLike) -> Path | None:
    """The activity log ``aktivitetslogg.<csv|xlsx|...>`` in ``folder``, if there is one."""
    from analysis.paths import ACTIVITY_LOG_STEM

    folder = Path(folder)
    hits = sorted(p for p in folder.glob(f"{ACTIVITY_LOG_STEM}.*")
                  if p.suffix.lower() in ACTIVITY_SUFFIXES) if folder.is_dir() else []
    return hits[0] if hits else None


@dataclass(frozen=True)
class RawRegistry:
    """A registry file as read: the parsed YAML and the line of every field path."""

    file: str
    data: object
    lines: dict[str, int] = field(default_factory=dict)


def read_registry(path: str | os.PathLike) -> RawRegistry:
    """Read one YAML registry (no checking beyond 'is it YAML'); keep each field's line."""
    import yaml

    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError([Problem(path.name, None if mark is None else mark.line + 1, None, None,
                                 "olasbar_fil",
                                 f"filen är inte giltig YAML ({type(exc).__name__}).",
                                 "Kontrollera indrag (mellanslag, inte tabb), kolon efter varje "
                                 "fältnamn och att filen är sparad som UTF-8. Se "
                                 "docs/medborgarloften.md för ett exempel.")],
                        title="Medborgarlöftena kan inte läsas") from exc
    lines: dict[str, int] = {}
    if node is not None:
        _node_lines(node, "", lines)
    return RawRegistry(path.name, data, lines)


def _node_lines(node, path: str, lines: dict[str, int]) -> None:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = f"{path}.{key.value}" if path else str(key.value)
            lines[sub] = key.start_mark.line + 1
            _node_lines(value, sub, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            sub = f"{path}[{i}]"
            lines[sub] = value.start_mark.line + 1
            _node_lines(value, sub, lines)


@dataclass
class _Checker:
    raw: RawRegistry
    problems: list[Problem] = field(default_factory=list)

    def add(self, path: str, value: object, message: str, hint: str = "") -> None:
        line = self.raw.lines.get(path)
        parent = path
        while line is None and ("." in parent or "[" in parent):
            parent = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", parent)
            line = self.raw.lines.get(parent)
        shown = None if value is None else str(value)
        self.problems.append(Problem(self.raw.file, line, path, shown, BAD_REGISTRY, message, hint))


@dataclass(frozen=True)
class RegistryContext:
    """What the registry is checked against (all optional except the area register)."""

    register: pd.DataFrame
    items: tuple[str, ...]
    item_groups: tuple[str, ...] = ()
    places: pd.DataFrame | None = None
    official_indicators: tuple[str, ...] = ()


def registry_context(register: pd.DataFrame, places: pd.DataFrame | None = None,
                     official: pd.DataFrame | None = None) -> RegistryContext:
    """The checking context from the area register, the codebook and (optionally) places
    and the police's indicator list (from the official table, else the bundled list)."""
    from analysis.codebook import load_codebook, load_police_indicators

    cb = load_codebook()
    if official is not None and len(official):
        police = tuple(sorted(official["indicator"].astype(str).unique()))
    else:
        police = tuple(sorted({i.code for i in load_police_indicators()} | {"totalindex"}))
    return RegistryContext(register, tuple(cb.item_codes), tuple(cb.groups), places, police)


def _as_list(value: object) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


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


def _area_codes(register: pd.DataFrame, year: int) -> list[str]:
    valid = (register["valid_from"] <= year) & (register["valid_to"].fillna(9999) >= year)
    return sorted(register.loc[valid.fillna(False), "area"].astype(str).unique())


def parse_registry(raw: RawRegistry, ctx: RegistryContext) -> pd.DataFrame:
    """Check one registry; return one row per promise indicator (``REGISTRY_COLUMNS``).

    Raises ``DataError`` listing every problem (file, line, field path such as
    ``loften[2].indikatorer[0].mal``, value and a Swedish hint).
    """
    chk = _Checker(raw)
    data = raw.data
    if not isinstance(data, dict):
        chk.add("", None, "filen ska vara ett YAML-objekt med fälten ar, undertecknat, parter "
                "och loften.", "Se exemplet i docs/medborgarloften.md.")
        raise DataError(chk.problems, title="Medborgarlöftena kan inte användas")
    year = data.get("ar")
    if not isinstance(year, int) or not 1990 <= year <= 2100:
        chk.add("ar", year, "årtalet saknas eller är inte ett årtal.", "Skriv t.ex. ar: 2022.")
        year = None
    m = REGISTRY_PATTERN.match(raw.file)
    if year is not None and m and int(m.group(1)) != year:
        chk.add("ar", year, f"året stämmer inte med filnamnet ({raw.file}).",
                "Ett register per år: medborgarloften_<år>.yaml med samma år i fältet ar.")
    signed = data.get("undertecknat")
    signed_date = _as_date(signed) if signed is not None else None
    if signed is not None and signed_date is None:
        chk.add("undertecknat", signed, "är inte ett datum.", "Skriv datum som ÅÅÅÅ-MM-DD.")
    promises = data.get("loften")
    if not isinstance(promises, list) or not promises:
        chk.add("loften", None, "listan loften saknas eller är tom.",
                "Varje löfte är en post under loften: med id, text och indikatorer.")
        raise DataError(chk.problems, title="Medborgarlöftena kan inte användas")
    rows: list[dict] = []
    seen: dict[str, str] = {}
    base = {"year": year, "signed": None if signed_date is None else signed_date.isoformat(),
            "parties": "; ".join(str(p) for p in _as_list(data.get("parter"))),
            "source_note": str(data.get("kalla", "") or ""), "source_file": raw.file}
    for i, promise in enumerate(promises):
        path = f"loften[{i}]"
        if not isinstance(promise, dict):
            chk.add(path, None, "ett löfte ska ha fälten id, text och indikatorer.")
            continue
        pid = promise.get("id")
        if pid is None or str(pid).strip() == "":
            chk.add(f"{path}.id", None, "id saknas.", "Ge varje löfte ett kort id, t.ex. trafik.")
            pid = f"{i + 1}"
        pid = str(pid).strip()
        if pid in seen:
            chk.add(f"{path}.id", pid, f"id används redan av {seen[pid]}.", "Id måste vara unika.")
        seen[pid] = path
        text = str(promise.get("text") or "").strip()
        if not text:
            chk.add(f"{path}.text", None, "löftestexten saknas.",
                    "Skriv texten som den undertecknades.")
        problem = promise.get("problem") or {}
        if not isinstance(problem, dict):
            problem = {"beskrivning": problem}
        items = [str(x) for x in _as_list(problem.get("fragor"))]
        for j, item in enumerate(items):
            _check_item(chk, f"{path}.problem.fragor[{j}]", item, ctx, allow_groups=True)
        areas = [str(x) for x in _as_list(promise.get("omraden"))]
        for j, area in enumerate(areas):
            if area != TOTAL_AREA and (year is None or area not in _area_codes(ctx.register, year)):
                valid = _area_codes(ctx.register, year) if year else []
                chk.add(f"{path}.omraden[{j}]", area, f"okänt område {year or ''}.".replace(" .", "."),
                        f"Giltiga områden {year}: {', '.join(valid + [TOTAL_AREA])}.")
        places = []
        for j, place in enumerate(_as_list(promise.get("platser"))):
            places.append(_check_place(chk, f"{path}.platser[{j}]", place, ctx))
        indicators = promise.get("indikatorer")
        if not isinstance(indicators, list) or not indicators:
            chk.add(f"{path}.indikatorer", None, "löftet har inga indikatorer.",
                    "Ange minst en indikator (aktivitet, enkat, vandring, milstolpe eller "
                    "polisindex) så att löftet kan följas upp.")
            continue
        common = base | {"promise_no": i + 1, "promise_id": pid, "text": text,
                         "problem": str(problem.get("beskrivning") or "").strip(),
                         "problem_items": "; ".join(items), "areas": "; ".join(areas),
                         "places": "; ".join(p for p in places if p),
                         "responsible": "; ".join(str(x) for x in _as_list(promise.get("ansvariga")))}
        for k, spec in enumerate(indicators):
            ipath = f"{path}.indikatorer[{k}]"
            row = _parse_indicator(chk, ipath, spec, year, ctx)
            if row is not None:
                rows.append(common | row | {"indicator_no": k + 1,
                                            "yaml_line": raw.lines.get(ipath)})
    if chk.problems:
        raise DataError(chk.problems, title="Medborgarlöftena kan inte användas")
    return _typed_registry(pd.DataFrame(rows))


def _check_item(chk: _Checker, path: str, item: str, ctx: RegistryContext,
                allow_groups: bool = False) -> None:
    from analysis.vocabulary import ALL_ITEMS

    valid = list(ctx.items) + (list(ctx.item_groups) + [ALL_ITEMS] if allow_groups else [])
    if item not in valid:
        near = difflib.get_close_matches(item, valid, n=3, cutoff=0.5)
        chk.add(path, item, "okänd fråga (item) i trygghetsmätningen.",
                (f"Menade du: {', '.join(near)}? " if near else "")
                + "Giltiga frågekoder: " + ", ".join(valid) + ".")


def _check_place(chk: _Checker, path: str, place: object, ctx: RegistryContext) -> str:
    if not isinstance(place, dict) or not place.get("namn") or not place.get("ort"):
        chk.add(path, None if isinstance(place, dict) else place,
                "en plats anges med namn och ort (flera orter har t.ex. ett Stora torg).",
                "Skriv t.ex. {namn: Stora torg, ort: Eslöv}.")
        return ""
    name, locality = str(place["namn"]).strip(), str(place["ort"]).strip()
    shown = f"{locality}: {name}"
    if ctx.places is not None and len(ctx.places):
        keys = {(normalise_label(a), normalise_label(b))
                for a, b in zip(ctx.places["locality"], ctx.places["place"], strict=True)}
        if (normalise_label(locality), normalise_label(name)) not in keys:
            known = sorted(f"{a}: {b}" for a, b in zip(ctx.places["locality"], ctx.places["place"],
                                                       strict=True))
            chk.add(path, shown, "platsen finns inte i platsregistret (geodata/platser).",
                    "Kända platser: " + ", ".join(known) + ".")
    return shown


def _parse_indicator(chk: _Checker, path: str, spec: object, year: int | None,
                     ctx: RegistryContext) -> dict | None:
    if not isinstance(spec, dict):
        chk.add(path, None, "en indikator ska ha fältet typ och sina egna fält.")
        return None
    kind = KIND_ALIASES.get(normalise_label(spec.get("typ")))
    if kind is None:
        chk.add(f"{path}.typ", spec.get("typ"), "okänd indikatortyp.",
                "Giltiga typer: " + ", ".join(KINDS) + ".")
        return None
    row: dict = {"kind": kind, "label": str(spec.get("beskrivning") or "").strip()}
    target = spec.get("mal")
    parsed = parse_target(target) if target is not None else None
    if target is not None and parsed is None:
        chk.add(f"{path}.mal", target, "målet kan inte tolkas.",
                'Skriv t.ex. ">= 40", "minst 2" eller "<= 45 %".')
    if parsed:
        row["target_op"], row["target_value"] = parsed
    partial = spec.get("delvis_fran", 0.5)
    if not isinstance(partial, (int, float)) or isinstance(partial, bool) or not 0 < partial <= 1:
        chk.add(f"{path}.delvis_fran", partial, "ska vara en andel mellan 0 och 1.",
                "Standard är 0.5: minst halva målet ger 'delvis uppfyllt'.")
        partial = 0.5
    row["partial_from"] = float(partial)

    def need_target() -> None:
        if target is None:
            chk.add(f"{path}.mal", None, f"målet saknas för indikatortypen {kind}.",
                    'Skriv t.ex. mal: ">= 40".')

    def area_field(years: list[int]) -> str | None:
        area = spec.get("omrade")
        if area is None:
            return None
        area = str(area).strip()
        if normalise_label(area) in {TOTAL_AREA, normalise_label(TOTAL_AREA_NAME), "kommun"}:
            return TOTAL_AREA
        for y in years:
            valid = _area_codes(ctx.register, y)
            if area not in valid:
                chk.add(f"{path}.omrade", area, f"okänt område {y}.",
                        f"Giltiga områden {y}: {', '.join(valid + [TOTAL_AREA])}. Områdena är "
                        "versionerade: kontrollera vilken indelning som gällde året.")
                return area
        return area

    def years_field() -> tuple[int | None, int | None]:
        y1, y2 = spec.get("fran_ar", None if year is None else year - 1), spec.get("till_ar", year)
        for name, y in (("fran_ar", y1), ("till_ar", y2)):
            if not isinstance(y, int):
                chk.add(f"{path}.{name}", y, "är inte ett årtal.", "Skriv t.ex. 2022.")
                return None, None
        if y1 >= y2:
            chk.add(f"{path}.till_ar", y2, "till_ar måste vara senare än fran_ar.")
            return None, None
        return y1, y2

    def direction_field(required: bool) -> None:
        d = spec.get("riktning")
        if d is None and not required:
            return
        code = DIRECTIONS.get(normalise_label(d))
        if code is None:
            chk.add(f"{path}.riktning", d, "riktningen saknas eller är okänd.",
                    "Skriv riktning: minska eller riktning: oka.")
        row["direction"] = code

    if kind == "aktivitet":
        code = match_activity(spec.get("aktivitet"))
        if code is None:
            chk.add(f"{path}.aktivitet", spec.get("aktivitet"), "okänd aktivitetstyp.",
                    activity_hint(spec.get("aktivitet")))
        row["activity_type"] = code
        need_target()
        row["area"] = area_field([year] if year else [])
    elif kind == "enkat":
        indicator = spec.get("indikator")
        if indicator not in INDICATORS:
            chk.add(f"{path}.indikator", indicator, "okänd indikator i trygghetsmätningen.",
                    "Giltiga indikatorer: " + ", ".join(INDICATORS) + ".")
        row["survey_indicator"] = indicator
        item = spec.get("fraga")
        if item is None:
            chk.add(f"{path}.fraga", None, "frågan (item) saknas.", "Skriv t.ex. fraga: otrygg_kvall.")
        else:
            _check_item(chk, f"{path}.fraga", str(item), ctx, allow_groups=True)
        row["item"] = None if item is None else str(item)
        y1, y2 = years_field()
        row["year_from"], row["year_to"] = y1, y2
        if spec.get("omrade") is None:
            chk.add(f"{path}.omrade", None, "området saknas.",
                    f"Skriv en områdeskod eller {TOTAL_AREA}.")
        row["area"] = area_field([y for y in (y1, y2) if y is not None])
        direction_field(required=True)
    elif kind == "vandring":
        measure = spec.get("matt")
        if measure not in WALK_MEASURES:
            chk.add(f"{path}.matt", measure, "okänt mått för trygghetsvandringar.",
                    "Giltiga mått: " + ", ".join(WALK_MEASURES) + ".")
        row["measure"] = WALK_MEASURES.get(measure)
        need_target()
        row["area"] = area_field([year] if year else [])
        if spec.get("ort") is not None:
            row["locality"] = str(spec["ort"]).strip()
            if measure != "vandringar":
                chk.add(f"{path}.ort", spec["ort"], "ort kan bara anges för måttet vandringar.",
                        "Använd omrade för övriga mått.")
        if measure == "vandringar" and row["area"] is not None:
            chk.add(f"{path}.omrade", spec.get("omrade"),
                    "antal vandringar räknas per ort, inte per område.", "Använd ort: Eslöv.")
    elif kind == "milstolpe":
        if not row["label"]:
            chk.add(f"{path}.beskrivning", None, "en milstolpe behöver en beskrivning.",
                    'Skriv t.ex. beskrivning: "Ansökan om kameraövervakning inskickad".')
        deadline = spec.get("senast", None if year is None else dt.date(year, 12, 31))
        deadline_date = _as_date(deadline)
        if deadline_date is None:
            chk.add(f"{path}.senast", deadline, "är inte ett datum.", "Skriv datum som ÅÅÅÅ-MM-DD.")
        row["deadline"] = None if deadline_date is None else deadline_date.isoformat()
        done = spec.get("klart")
        act = spec.get("aktivitet")
        if done is None and act is None:
            chk.add(f"{path}.klart", None, "ange klart (datum eller nej) eller en aktivitet i "
                    "aktivitetsloggen som visar att milstolpen nåtts.",
                    "Skriv t.ex. klart: 2022-10-14, klart: nej eller aktivitet: kameraovervakning.")
        if done is not None:
            if done is False or normalise_label(done) == "nej":
                row["done"] = False
            elif _as_date(done) is not None:
                row["done"], row["done_date"] = True, _as_date(done).isoformat()
            else:
                chk.add(f"{path}.klart", done, "ska vara ett datum eller nej.",
                        "Skriv datumet då milstolpen nåddes (ÅÅÅÅ-MM-DD), eller nej.")
        if act is not None:
            code = match_activity(act)
            if code is None:
                chk.add(f"{path}.aktivitet", act, "okänd aktivitetstyp.", activity_hint(act))
            row["activity_type"] = code
    elif kind == "polisindex":
        indicator = spec.get("indikator")
        if indicator not in ctx.official_indicators:
            chk.add(f"{path}.indikator", indicator, "okänd indikator i polisens index.",
                    "Giltiga indikatorer: " + ", ".join(ctx.official_indicators) + ".")
        row["survey_indicator"] = indicator
        y1, y2 = years_field()
        row["year_from"], row["year_to"] = y1, y2
        if spec.get("omrade") is None:
            chk.add(f"{path}.omrade", None, "området saknas.",
                    f"Skriv en områdeskod, {TOTAL_AREA} eller lpo.")
            row["area"] = None
        elif normalise_label(spec.get("omrade")) in {"lpo", "lokalpolisområdet"}:
            row["area"] = "lpo"
        else:
            row["area"] = area_field([y for y in (y1, y2) if y is not None])
        direction_field(required=True)
        diff = spec.get("minsta_skillnad")
        if diff is None:
            chk.add(f"{path}.minsta_skillnad", None, "minsta skillnad saknas.",
                    "Polisens index saknar konfidensintervall; ange vilken förändring som ska "
                    "räknas, t.ex. minsta_skillnad: 0.2.")
        elif isinstance(diff, bool) or not isinstance(diff, (int, float)) or diff <= 0:
            chk.add(f"{path}.minsta_skillnad", diff, "ska vara ett positivt tal.", "T.ex. 0.2.")
        else:
            row["min_difference"] = float(diff)
    return row


def _typed_registry(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reindex(columns=REGISTRY_COLUMNS)
    for col in ["year", "promise_no", "indicator_no", "year_from", "year_to", "yaml_line"]:
        out[col] = pd.array(out[col].astype("float64"), dtype="Int64")
    for col in ["target_value", "partial_from", "min_difference"]:
        out[col] = out[col].astype("float64")
    out["done"] = pd.array(out["done"].astype(object).where(out["done"].notna(), None),
                           dtype="boolean")
    strings = [c for c in REGISTRY_COLUMNS if c not in
               {"year", "promise_no", "indicator_no", "year_from", "year_to", "yaml_line",
                "target_value", "partial_from", "min_difference", "done"}]
    for col in strings:
        out[col] = out[col].astype("string")
    return out


def empty_registry() -> pd.DataFrame:
    return _typed_registry(pd.DataFrame(columns=REGISTRY_COLUMNS))


def load_registries(paths, ctx: RegistryContext) -> pd.DataFrame:
    """Read and check every registry; one ``DataError`` lists the problems of all files."""
    frames, problems = [], []
    for path in paths:
        try:
            frames.append(parse_registry(read_registry(path), ctx))
        except DataError as err:
            problems.extend(err.problems)
    if problems:
        raise DataError(problems, title="Medborgarlöftena har fel – inget har skrivits")
    if not frames:
        return empty_registry()
    out = pd.concat(frames, ignore_index=True)
    dup = out.drop_duplicates(["source_file", "year"])["year"]
    if dup.duplicated().any():
        year = int(dup[dup.duplicated()].iloc[0])
        raise DataError([Problem(", ".join(out.loc[out["year"] == year, "source_file"].unique()),
                                 None, "ar", str(year), BAD_REGISTRY,
                                 "två register gäller samma år.", "Ett register per år.")],
                        title="Medborgarlöftena har fel – inget har skrivits")
    return out.sort_values(["year", "promise_no", "indicator_no"], ignore_index=True)


# --- the activity log ---------------------------------------------------------------------


def read_activity_log(path: str | os.PathLike) -> RawTable:
    """Read the activity log (CSV or Excel, any encoding/separator) as strings."""
    return read_table(path)


@dataclass
class ActivityDelivery:
    activities: pd.DataFrame
    rejected: pd.DataFrame
    problems: list[Problem]
    accounting: dict


def parse_dates(values: pd.Series) -> pd.Series:
    """Dates written 2022-03-15 (optionally with a zero time), 20220315, 15.3.2022 or
    15/3/2022 (day first); anything else -> NaT."""
    from analysis.walks.protocols import parse_dates as _walk_dates

    return pd.to_datetime(_walk_dates(values)).astype("datetime64[ms]")


def validate_activities(table: RawTable, register: pd.DataFrame | None = None) -> ActivityDelivery:
    """Check the activity log; return accepted rows, rejected rows and every problem.

    Required: ``datum`` and ``typ``; ``antal`` defaults to 1 and must be a whole number
    ≥ 1; ``omrade`` (optional) must be a code of the area register or ``kommunen``.
    The accounting ``lasta = godkanda + avvisade`` is checked here.
    """
    found: dict[str, str] = {}
    for header in table.frame.columns:
        canon = ACTIVITY_HEADERS.get(normalise_label(header))
        if canon and canon not in found:
            found[canon] = header
    missing = [c for c in ("date", "type") if c not in found]
    if missing:
        raise DataError([Problem(table.file, table.header_row, ACTIVITY_SWEDISH[c], None, MISSING,
                                 "kolumnen saknas i aktivitetsloggen.",
                                 "Rubrikerna ska vara datum;typ;plats;omrade;ansvarig;antal;anteckning "
                                 "(plats, omrade, ansvarig, antal och anteckning kan utelämnas).")
                         for c in missing], title="Aktivitetsloggen kan inte läsas")
    n = len(table.frame)

    def col(canon: str) -> pd.Series:
        if canon in found:
            return table.frame[found[canon]].fillna("").astype("string").str.strip()
        return pd.Series([""] * n, dtype="string")

    rows = table.excel_rows.to_numpy()
    problems: list[tuple[int, Problem]] = []

    def add(mask: np.ndarray, canon: str, values: pd.Series, reason: str, message: str,
            hint) -> None:
        for i in np.flatnonzero(mask):
            h = hint(values.iloc[i]) if callable(hint) else hint
            problems.append((int(i), Problem(table.file, int(rows[i]), found.get(canon, canon),
                                             str(values.iloc[i]), reason, message, h)))

    date_text, type_text, count_text, area_text = col("date"), col("type"), col("count"), col("area")
    dates = parse_dates(date_text)
    add(((date_text == "")).to_numpy(), "date", date_text, MISSING, "datum saknas.",
        "Skriv datum som ÅÅÅÅ-MM-DD.")
    add((dates.isna() & (date_text != "")).to_numpy(), "date", date_text, BAD_DATE,
        "är inte ett datum.", "Skriv datum som ÅÅÅÅ-MM-DD (t.ex. 2022-03-15).")
    lookup = activity_lookup()
    keys = type_text.map(match_key)
    codes = keys.map(lambda k: lookup.get(k)).astype("string")
    add((type_text == "").to_numpy(), "type", type_text, MISSING, "aktivitetstyp saknas.",
        "Kända typer: " + ", ".join(PROMISES["activity_types"]) + ".")
    add((codes.isna() & (type_text != "")).to_numpy(), "type", type_text, UNKNOWN_TYPE,
        "okänd aktivitetstyp.", activity_hint)
    counts = parse_numbers(count_text.replace("", "1"))
    bad_count = counts.isna() | (counts < 1) | (counts % 1 != 0)
    add(bad_count.to_numpy(), "count", count_text, BAD_COUNT, "antal ska vara ett heltal ≥ 1.",
        "Lämna tomt för 1.")
    areas = area_text.mask(area_text.map(normalise_label).isin(
        {TOTAL_AREA, normalise_label(TOTAL_AREA_NAME)}), TOTAL_AREA)
    if register is not None:
        known = set(register["area"].astype(str)) | {TOTAL_AREA}
        bad_area = (areas != "") & ~areas.isin(known)
        add(bad_area.to_numpy(), "area", area_text, UNKNOWN_AREA, "okänd områdeskod.",
            "Giltiga koder: " + ", ".join(sorted(known)) + ".")
    bad = np.zeros(n, dtype=bool)
    for i, _ in problems:
        bad[i] = True
    problems.sort(key=lambda t: (t[0], t[1].column or ""))
    ok = ~bad
    accepted = pd.DataFrame({
        "date": dates[ok].to_numpy(),
        "type": codes[ok].to_numpy(),
        "place": col("place")[ok].to_numpy(),
        "area": areas[ok].to_numpy(),
        "responsible": col("responsible")[ok].to_numpy(),
        "count": counts[ok].to_numpy(),
        "note": col("note")[ok].to_numpy(),
        "source_row": rows[ok],
    })
    accepted["year"] = accepted["date"].dt.year.astype("int64")
    accepted["type_label"] = accepted["type"].map(activity_label)
    accepted["source_file"] = table.file
    accepted = _typed_activities(accepted)
    first = {}
    for i, p in problems:
        first.setdefault(i, p)
    rejected = problems_frame([p for _, p in problems])
    reasons: dict[str, int] = {}
    for p in first.values():
        reasons[p.reason] = reasons.get(p.reason, 0) + 1
    accounting = {"lasta": n, "godkanda": int(ok.sum()), "avvisade": int(bad.sum()),
                  "orsaker": dict(sorted(reasons.items()))}
    if accounting["lasta"] != accounting["godkanda"] + accounting["avvisade"]:
        raise RuntimeError("activity accounting does not add up")
    return ActivityDelivery(accepted, rejected, [p for _, p in problems], accounting)


def _typed_activities(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reindex(columns=ACTIVITY_COLUMNS)
    out["date"] = out["date"].astype("datetime64[ms]")
    out["year"] = out["year"].astype("int64")
    out["count"] = out["count"].astype("int64")
    out["source_row"] = out["source_row"].astype("int64")
    for c in ["type", "type_label", "place", "area", "responsible", "note", "source_file"]:
        out[c] = out[c].astype("string")
    return out.sort_values(["date", "type", "source_row"], ignore_index=True)


def empty_activities() -> pd.DataFrame:
    return _typed_activities(pd.DataFrame(columns=ACTIVITY_COLUMNS))


# --- evaluation ---------------------------------------------------------------------------


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


def _meets(op: str, value: float, target: float) -> bool:
    return value >= target - 1e-12 if op == ">=" else value <= target + 1e-12


def _target_text(op: str | None, value: float, share: bool = False) -> str:
    if op is None or pd.isna(value):
        return ""
    word = "minst" if op == ">=" else "högst"
    shown = _pct(value) if share else (_sv(value) if float(value).is_integer() else _sv(value, 2))
    return f"{word} {shown}"


def _count_status(value: float, op: str, target: float, partial: float) -> str:
    if _meets(op, value, target):
        return MET
    if op == ">=" and value > 0 and value >= partial * target - 1e-12:
        return PARTLY
    return NOT_MET


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
    verdict = {MET: "målet är nått", PARTLY: f"minst {_sv(100 * row.partial_from)} % av målet "
               "men inte hela", NOT_MET: "målet är inte nått"}[status]
    text = (f"{label}{where} {year}: {_sv(value)} enligt aktivitetsloggen "
            f"(mål: {_target_text(op, target)}); {verdict}.")
    return out | {"status": status, "value": value, "explanation": text}


def _estimate_row(est: pd.DataFrame, indicator: str, item: str, area: str, year: int):
    hit = est[(est["indicator"] == indicator) & (est["item"] == item) & (est["area"] == area)
              & (est["year"] == year)]
    return None if hit.empty else hit.iloc[0]


def _eval_survey(row, ev: Evidence, alpha: float, power: float) -> dict:
    from analysis.estimate import change_test, minimum_detectable_change
    from analysis.vocabulary import PROPORTION_INDICATORS

    y1, y2, area = int(row.year_from), int(row.year_to), str(row.area)
    share = row.survey_indicator in PROPORTION_INDICATORS
    fmt = _pct if share else (lambda x: _sv(x, 2))
    dfmt = _pp if share else (lambda x: _sv(x, 2))
    want = "minska" if row.direction == "minska" else "öka"
    out = {"year_from": y1, "year_to": y2,
           "target": _target_text(row.target_op, row.target_value, share) or f"ska {want}"}
    name = f"{INDICATORS.get(row.survey_indicator, row.survey_indicator)} ({row.item}), område {area}"
    if ev.register is not None and area != TOTAL_AREA:
        v = area_versions(ev.register, pd.Series([area, area]), pd.Series([y1, y2]))
        if v.iloc[0] != v.iloc[1]:
            return out | {"status": UNKNOWN, "explanation": (
                f"{name}: områdets gränser ritades om mellan {y1} och {y2} "
                f"({v.iloc[0]} och {v.iloc[1]}), så skillnaden är ingen förändring i samma "
                "område och löftet kan inte bedömas med enkäten.")}
    if ev.estimates is None:
        return out | {"status": UNKNOWN, "explanation": "Enkätens skattningar saknas."}
    r1 = _estimate_row(ev.estimates, row.survey_indicator, row.item, area, y1)
    r2 = _estimate_row(ev.estimates, row.survey_indicator, row.item, area, y2)
    for y, r in ((y1, r1), (y2, r2)):
        if r is None:
            return out | {"status": UNKNOWN, "explanation": f"{name}: ingen skattning för {y}."}
        if bool(r["suppressed"]) or pd.isna(r["estimate"]) or pd.isna(r["se"]):
            return out | {"status": UNKNOWN, "explanation": f"{name}: skattningen för {y} "
                          "publiceras inte (för få svar)."}
    test = change_test([r1["estimate"]], [r1["se"]], [r2["estimate"]], [r2["se"]]).iloc[0]
    mdc = minimum_detectable_change(float(r1["se"]), float(r2["se"]), alpha=alpha, power=power)
    delta, p = float(test["delta"]), float(test["p"])
    p_bh = np.nan
    if ev.changes is not None:
        c = ev.changes
        hit = c[(c["year_from"] == y1) & (c["year_to"] == y2) & (c["area"] == area)
                & (c["indicator"] == row.survey_indicator) & (c["item"] == row.item)]
        if len(hit):
            p_bh = float(hit["p_bh"].iloc[0])
    out |= {"value": float(r2["estimate"]), "estimate_from": float(r1["estimate"]),
            "estimate_to": float(r2["estimate"]), "ci_low_from": float(r1["ci_low"]),
            "ci_high_from": float(r1["ci_high"]), "ci_low_to": float(r2["ci_low"]),
            "ci_high_to": float(r2["ci_high"]), "delta": delta, "se_delta": float(test["se_delta"]),
            "p": p, "p_bh": p_bh, "mdc": mdc}
    sign = -1 if row.direction == "minska" else 1
    good = sign * delta > 0
    has_target = pd.notna(row.target_value)
    reached = has_target and _meets(row.target_op, float(r2["estimate"]), float(row.target_value))
    facts = (f"{name}: {fmt(r1['estimate'])} ({y1}, 95 % KI {fmt(r1['ci_low'])}–"
             f"{fmt(r1['ci_high'])}) -> {fmt(r2['estimate'])} ({y2}, 95 % KI "
             f"{fmt(r2['ci_low'])}–{fmt(r2['ci_high'])}); förändring {dfmt(delta)}, "
             f"p = {_sv(p, 3)}; minsta upptäckbara förändring {dfmt(mdc)}.")
    if p < alpha and good:
        if has_target and not reached:
            moved = "minskat" if sign < 0 else "ökat"
            return out | {"status": PARTLY, "explanation": facts + f" Värdet har {moved} "
                          f"statistiskt säkerställt men målet ({out['target']}) är inte nått."}
        return out | {"status": MET, "explanation": facts + " Förändringen går åt det lovade "
                      "hållet och är statistiskt säkerställd"
                      + (" och målet är nått." if has_target else ".")}
    if p < alpha:
        return out | {"status": NOT_MET, "explanation": facts + " Förändringen går åt motsatt "
                      "håll mot det lovade och är statistiskt säkerställd."}
    needed = sign * (float(row.target_value) - float(r1["estimate"])) if has_target else np.nan
    if has_target and needed >= mdc:
        return out | {"status": NOT_MET, "explanation": facts + " Den förändring som målet kräver "
                      f"({dfmt(needed)}) hade mätningen kunnat upptäcka, men ingen statistiskt "
                      "säkerställd förändring syns."}
    return out | {"status": UNKNOWN, "explanation": facts + " Förändringen är inte statistiskt "
                  "säkerställd, och mätningen kan inte upptäcka en förändring av den storleken "
                  f"(det krävs minst {dfmt(mdc)}); löftet kan därför inte bedömas med enkäten – "
                  "det betyder inte att det inte är uppfyllt."}


def _eval_walk(row, ev: Evidence) -> dict:
    year, measure, op, target = int(row.year), row.measure, row.target_op, row.target_value
    share = measure in WALK_SHARES
    out = {"target": _target_text(op, target, share)}
    if measure == "walks":
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
            f"{_sv(value)} trygghetsvandringar{where} {year} i vandringsprotokollen "
            f"(mål: {out['target']}): {status}.")}
    if ev.walk_followup is None:
        return out | {"status": UNKNOWN, "explanation": "Uppföljningen av trygghetsvandringarna saknas."}
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
    shown = _pct(value) if share else _sv(value)
    return out | {"status": status, "value": value, "explanation": (
        f"Trygghetsvandringar {year}, {where}: {shown} ({int(h['fixed'])} åtgärdade av "
        f"{int(h['counted'])} problem, läge per {as_of}); mål: {out['target']}: {status}.")}


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
                      f"{what}: klart {done_date:%Y-%m-%d} enligt {source}, {days} dagar efter "
                      f"tidsgränsen {deadline:%Y-%m-%d}."}
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


def _eval_official(row, ev: Evidence) -> dict:
    from analysis.official import DECREASE, INCREASE, NOT_COMPARABLE, UNCHANGED, compare_official

    y1, y2 = int(row.year_from), int(row.year_to)
    want = "minska" if row.direction == "minska" else "öka"
    out = {"year_from": y1, "year_to": y2,
           "target": f"ska {want} med minst {_sv(row.min_difference, 2)}"}
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


def _overall(statuses: list[str]) -> tuple[str, str]:
    judged = [s for s in statuses if s != UNKNOWN]
    n_unknown = len(statuses) - len(judged)
    tail = f" ({n_unknown} av {len(statuses)} indikatorer kan inte bedömas.)" if n_unknown else ""
    if not judged:
        return UNKNOWN, "Ingen av löftets indikatorer kan bedömas."
    if all(s == MET for s in judged):
        return MET, "Alla indikatorer som kan bedömas är uppfyllda." + tail
    if all(s == NOT_MET for s in judged):
        return NOT_MET, "Ingen indikator som kan bedömas är uppfylld." + tail
    return PARTLY, "Några indikatorer är uppfyllda, andra inte." + tail


def evaluate_promises(registry: pd.DataFrame, evidence: Evidence, *, alpha: float = 0.05,
                      power: float = 0.8) -> pd.DataFrame:
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
    rows = []
    for row in registry.itertuples(index=False):
        if row.kind == "aktivitet":
            res = _eval_activity(row, evidence)
        elif row.kind == "enkat":
            res = _eval_survey(row, evidence, alpha, power)
        elif row.kind == "vandring":
            res = _eval_walk(row, evidence)
        elif row.kind == "milstolpe":
            res = _eval_milestone(row, evidence)
        else:
            res = _eval_official(row, evidence)
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


# --- motivation ---------------------------------------------------------------------------


def _coverage(registry: pd.DataFrame, problem_items: list[str], groups: dict[str, list[str]]
              ) -> list[tuple[str, set[str], set[str] | None]]:
    """Per promise: (id, items it answers, areas it concerns or None = the whole kommun)."""
    from analysis.vocabulary import ALL_ITEMS

    out = []
    for (_, pid), g in registry.groupby(["promise_no", "promise_id"], sort=True):
        items: set[str] = set()
        for text in g["problem_items"].dropna().iloc[:1]:
            items |= {x for x in str(text).split("; ") if x}
        items |= set(g.loc[g["kind"] == "enkat", "item"].dropna().astype(str))
        expanded = set()
        for item in items:
            expanded |= set(problem_items) if item == ALL_ITEMS else set(groups.get(item, [item]))
        areas: set[str] = {x for x in str(g["areas"].iloc[0] or "").split("; ") if x}
        areas |= set(g.loc[g["kind"] == "enkat", "area"].dropna().astype(str))
        whole = not areas or TOTAL_AREA in areas
        out.append((str(pid), expanded, None if whole else areas))
    return out


def promise_motivation(estimates: pd.DataFrame, registry: pd.DataFrame, *, top_n: int = 3
                       ) -> pd.DataFrame:
    """Problems ranked by share "stort problem" per survey year and area, and whether a
    promise of the following year covers each of them.

    Only published estimates (not suppressed) of problem items are ranked (rank 1 = the
    largest share; ties by item code). ``top`` marks ranks ≤ ``top_n``. A promise covers
    (area, item) when the item is among its problem items or survey items (a group code
    covers its items, ``alla`` all problem items) and the area is among its areas (no area
    or ``kommunen`` = every area). ``covered`` is <NA> when there is no registry for the
    following year.
    """
    from analysis.codebook import load_codebook

    cb = load_codebook()
    problem_items = [i.code for i in cb.items_on_scale("problem")]
    groups: dict[str, list[str]] = {}
    for i in cb.items:
        groups.setdefault(i.group, []).append(i.code)
    e = estimates[(estimates["indicator"] == "andel_stort_problem")
                  & estimates["item"].isin(problem_items) & ~estimates["suppressed"].astype(bool)
                  & estimates["estimate"].notna()]
    e = e.sort_values(["year", "area", "estimate", "item"], ascending=[True, True, False, True])
    out = pd.DataFrame({"survey_year": e["year"].astype("int64").to_numpy(),
                        "area": e["area"].to_numpy(), "area_name": e["area_name"].to_numpy(),
                        "item": e["item"].to_numpy(), "estimate": e["estimate"].to_numpy(),
                        "ci_low": e["ci_low"].to_numpy(), "ci_high": e["ci_high"].to_numpy(),
                        "n": e["n"].to_numpy(), "uncertain": e["uncertain"].to_numpy()})
    out["promise_year"] = out["survey_year"] + 1
    out["rank"] = out.groupby(["survey_year", "area"]).cumcount() + 1
    out["top"] = out["rank"] <= top_n
    years = set(registry["year"].dropna().astype(int)) if len(registry) else set()
    out["registry_exists"] = out["promise_year"].isin(years)
    covered = pd.array([pd.NA] * len(out), dtype="boolean")
    covering = [""] * len(out)
    cover = {y: _coverage(registry[registry["year"] == y], problem_items, groups) for y in years}
    for k, (py, area, item) in enumerate(zip(out["promise_year"], out["area"], out["item"],
                                             strict=True)):
        if py not in cover:
            continue
        ids = [pid for pid, items, areas in cover[py]
               if item in items and (areas is None or area in areas)]
        covered[k] = bool(ids)
        covering[k] = "; ".join(ids)
    out["covered"] = covered
    out["covering_promises"] = pd.array(covering, dtype="string")
    out = out.reindex(columns=MOTIVATION_COLUMNS)
    out["rank"] = out["rank"].astype("int64")
    out["n"] = pd.array(out["n"], dtype="Int64")
    for c in ["area", "area_name", "item"]:
        out[c] = out[c].astype("string")
    for c in ["uncertain", "top", "registry_exists"]:
        out[c] = out[c].astype(bool)
    return out.reset_index(drop=True)
