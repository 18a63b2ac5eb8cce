"""The registry of promises: one YAML file per year, ``medborgarloften_<år>.yaml``.

``read_registry`` reads a file safely (``analysis.files.read_yaml``: no anchors or aliases,
a size cap) and remembers the line of every field; ``parse_registry`` checks it against a
``RegistryContext`` (area register, codebook, places, the police's indicators, the
plausible years) and returns one row per promise indicator (``REGISTRY_COLUMNS``), or
raises a ``DataError`` naming file, line, field path and value with a Swedish hint.

Besides ``loften`` (the promises) a registry may list ``overgripande_mal``: the overall
goals the promises serve (e.g. people feel safe outdoors at night; youth violence
decreases). A goal has the same fields as a promise (``id``, ``text``, ``rubrik``,
``indikatorer``) and is evaluated with the same rules; its rows have ``is_goal`` true.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import yaml

from analysis.areas import TOTAL_AREA
from analysis.codebook import load_codebook, load_police_indicators
from analysis.dates import DATE_HINT, parse_date
from analysis.files import list_delivery, read_yaml
from analysis.paths import ACTIVITY_LOG_STEM
from analysis.problems import BAD_DATE, BAD_REGISTRY, DataError, Problem
from analysis.promises.activities import is_activity_log
from analysis.promises.checks import (
    Checker,
    RawRegistry,
    RegistryContext,
    as_list,
    check_item,
    valid_areas_hint,
)
from analysis.promises.indicators import parse_indicator
from analysis.settings import Settings
from analysis.text import normalise_label

REGISTRY_PATTERN = re.compile(r"^medborgarloften_(\d{4})\.ya?ml$", re.IGNORECASE)
REGISTRY_COLUMNS = [
    "year", "signed", "parties", "source_note", "source_file", "promise_no", "promise_id",
    "title", "is_goal", "text", "problem", "problem_items", "areas", "places", "responsible",
    "indicator_no", "kind", "label", "activity_type", "survey_indicator", "item", "area",
    "direction", "target_op", "target_value", "partial_from", "year_from", "year_to", "method",
    "primary", "min_change", "measure", "locality", "min_difference", "crime", "deadline", "done",
    "done_date", "yaml_line",
]
_INTEGERS = ["year", "promise_no", "indicator_no", "year_from", "year_to", "yaml_line"]
_FLOATS = ["target_value", "partial_from", "min_difference", "min_change"]
_BOOLEANS = ["is_goal", "primary"]
GOALS_FIELD = "overgripande_mal"
TITLE_LENGTH = 60  # a promise without ``rubrik`` is titled by the start of its text
_UNUSABLE = "Medborgarlöftena kan inte användas"
_WHAT = "Medborgarlöftena"
_UNREADABLE_TITLE = f"{_WHAT} kan inte läsas"


def is_registry(path: Path) -> bool:
    """True for a yearly registry's file name, ``medborgarloften_<år>.yaml``."""
    return bool(REGISTRY_PATTERN.match(path.name))


def registry_files(folder: str | os.PathLike) -> list[Path]:
    """The yearly registries ``medborgarloften_<år>.yaml`` in ``folder``, sorted by name.

    A symbolic link in the folder is a ``DataError`` (``analysis.files.list_delivery``).
    """
    return list_delivery(folder, is_registry).files


def unread_promise_files(folder: str | os.PathLike) -> list[tuple[Path, str]]:
    """What lies in a promise folder but is not read, with the reason (Swedish).

    A YAML file whose name is not ``medborgarloften_<år>.yaml`` is named with that rule;
    anything else that is neither a registry nor the activity log is an unknown format.
    """
    listing = list_delivery(folder, lambda p: is_registry(p) or is_activity_log(p))
    out = []
    for p in listing.ignored:
        if p.suffix.lower() in (".yaml", ".yml"):
            why = "namnet ska vara medborgarloften_<år>.yaml"
        elif p.stem.casefold() == ACTIVITY_LOG_STEM:
            why = "okänt filformat; aktivitetsloggen läses som CSV eller Excel (.xlsx)"
        else:
            why = "okänt filformat"
        out.append((p, why))
    return out


def read_registry(path: str | os.PathLike) -> RawRegistry:
    """Read one YAML registry safely; keep the line of each field (no other checking).

    ``analysis.files.read_yaml`` refuses anchors and aliases (YAML bombs), large files and
    anything that is not YAML. A value that YAML itself cannot construct (an unquoted date
    that does not exist, such as ``2022-02-30``) is reported with its line and field path.
    """
    path = Path(path)
    try:
        data, node = read_yaml(path, what=_WHAT)
    except DataError as err:
        # A value that cannot be constructed is found after the whole file was composed
        # (so it has no aliases and is small); look it up for its line and field.
        if isinstance(err.__cause__, ValueError | TypeError | OverflowError):
            found = _unconstructable(path)
            if found:
                raise DataError(found, title=_UNREADABLE_TITLE) from err
        raise
    lines: dict[str, int] = {}
    if node is not None:
        for sub, line, _ in _nodes(node, ""):
            lines[sub] = line
    return RawRegistry(path.name, data, lines)


def _nodes(node: yaml.Node, path: str):
    """(field path, line, node) of every node under ``node`` (mapping keys give the line)."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = f"{path}.{key.value}" if path else str(key.value)
            yield sub, key.start_mark.line + 1, value
            yield from _nodes(value, sub)
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            sub = f"{path}[{i}]"
            yield sub, value.start_mark.line + 1, value
            yield from _nodes(value, sub)


_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


def _unconstructable(path: Path) -> list[Problem]:
    """Every scalar of a registry that PyYAML's safe constructor cannot build, as problems.

    Only called after ``read_yaml`` composed the file without anchors or aliases, so
    composing it again here is bounded.
    """
    text = path.read_bytes().decode("utf-8-sig")
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is None:
        return []
    constructor = yaml.constructor.SafeConstructor()
    problems = []
    for sub, line, node in _nodes(root, ""):
        if not isinstance(node, yaml.ScalarNode):
            continue
        try:
            constructor.construct_object(node, deep=True)
        except (ValueError, TypeError, OverflowError, yaml.YAMLError):
            if node.tag == _TIMESTAMP_TAG:
                problems.append(Problem(path.name, line, sub, node.value, BAD_DATE,
                                        "är inte ett datum som finns i kalendern.", DATE_HINT))
            else:
                problems.append(Problem(path.name, line, sub, node.value, BAD_REGISTRY,
                                        "värdet kan inte tolkas.",
                                        "Sätt värdet inom citattecken om det är text."))
    return problems


def registry_context(register: pd.DataFrame, places: pd.DataFrame | None = None,
                     official: pd.DataFrame | None = None, *,
                     earliest_year: int = Settings.earliest_year,
                     latest_year: int = Settings.latest_year) -> RegistryContext:
    """The checking context from the area register, the codebook and (optionally) places
    and the police's indicator list (from the official table, else the bundled list);
    every year and date in a registry must lie in ``earliest_year``..``latest_year``."""
    cb = load_codebook()
    if official is not None and len(official):
        police = tuple(sorted(official["indicator"].astype(str).unique()))
    else:
        police = tuple(sorted({i.code for i in load_police_indicators()} | {"totalindex"}))
    return RegistryContext(register, tuple(cb.item_codes), tuple(cb.groups), places, police,
                           earliest_year, latest_year)


def parse_registry(raw: RawRegistry, ctx: RegistryContext) -> pd.DataFrame:
    """Check one registry; return one row per promise indicator (``REGISTRY_COLUMNS``).

    Raises ``DataError`` listing every problem (file, line, field path such as
    ``loften[2].indikatorer[0].mal``, value and a Swedish hint).
    """
    chk = Checker(raw)
    data = raw.data
    if not isinstance(data, dict):
        chk.add("", None, "filen ska vara ett YAML-objekt med fälten ar, undertecknat, parter "
                "och loften.", "Se exemplet i docs/medborgarloften.md.")
        raise DataError(chk.problems, title=_UNUSABLE)
    base = _registry_fields(chk, data, ctx)
    promises = data.get("loften")
    if not isinstance(promises, list) or not promises:
        chk.add("loften", None, "listan loften saknas eller är tom.",
                "Varje löfte är en post under loften: med id, text och indikatorer.")
        raise DataError(chk.problems, title=_UNUSABLE)
    goals = data.get(GOALS_FIELD)
    if goals is not None and not isinstance(goals, list):
        chk.add(GOALS_FIELD, None, "de övergripande målen ska vara en lista.",
                "Skriv varje mål som en post med id, text och indikatorer.")
        goals = []
    entries = [("loften", p, False) for p in promises] + \
        [(GOALS_FIELD, g, True) for g in goals or []]
    rows: list[dict] = []
    seen: dict[str, str] = {}
    counters = {"loften": 0, GOALS_FIELD: 0}
    for no, (field, promise, goal) in enumerate(entries, start=1):
        path = f"{field}[{counters[field]}]"
        counters[field] += 1
        common = _promise_fields(chk, path, no, promise, base["year"], ctx, seen)
        if common is None:
            continue
        common["is_goal"] = goal
        found = []
        for k, spec in enumerate(promise["indikatorer"]):
            ipath = f"{path}.indikatorer[{k}]"
            row = parse_indicator(chk, ipath, spec, base["year"], ctx)
            if row is not None:
                found.append(base | common | row | {"indicator_no": k + 1,
                                                    "yaml_line": raw.lines.get(ipath)})
        _check_primary(chk, path, found)
        rows.extend(found)
    if chk.problems:
        raise DataError(chk.problems, title=_UNUSABLE)
    return _typed_registry(pd.DataFrame(rows))


def _check_primary(chk: Checker, path: str, rows: list[dict]) -> None:
    """At most one survey indicator of a promise is declared primary."""
    primary = [r for r in rows if r.get("primary")]
    if len(primary) > 1:
        second = f"{path}.indikatorer[{primary[1]['indicator_no'] - 1}].primar"
        chk.add(second, "ja", "flera enkätindikatorer är markerade som primära.",
                "Markera högst en indikator per löfte med primar: ja (de andra blir "
                "sekundära), eller ingen: då Holm-justeras enkätindikatorerna inom löftet.")


def _registry_fields(chk: Checker, data: dict, ctx: RegistryContext) -> dict:
    """The fields of the whole registry: ``ar``, ``undertecknat``, ``parter``, ``kalla``.

    ``ar`` and ``undertecknat`` must lie in the years ``ctx.earliest_year``..``latest_year``.
    """
    year = data.get("ar")
    if not isinstance(year, int) or isinstance(year, bool):
        chk.add("ar", year, "årtalet saknas eller är inte ett årtal.", "Skriv t.ex. ar: 2022.")
        year = None
    elif ctx.outside(year):
        ctx.window_problem(chk, "ar", year, "året")
        year = None
    m = REGISTRY_PATTERN.match(chk.raw.file)
    if year is not None and m and int(m.group(1)) != year:
        chk.add("ar", year, f"året stämmer inte med filnamnet ({chk.raw.file}).",
                "Ett register per år: medborgarloften_<år>.yaml med samma år i fältet ar.")
    signed = data.get("undertecknat")
    signed_date = parse_date(signed) if signed is not None else None
    if signed is not None and signed_date is None:
        chk.add("undertecknat", signed, "är inte ett datum.", "Skriv datum som ÅÅÅÅ-MM-DD.")
    signed_date = ctx.date_in_window(chk, "undertecknat", signed, signed_date)
    return {"year": year, "signed": None if signed_date is None else signed_date.isoformat(),
            "parties": "; ".join(str(p) for p in as_list(data.get("parter"))),
            "source_note": str(data.get("kalla", "") or ""), "source_file": chk.raw.file}


def _promise_fields(chk: Checker, path: str, no: int, promise: object, year: int | None,
                    ctx: RegistryContext, seen: dict[str, str]) -> dict | None:
    """The fields one promise (or goal) gives each of its indicator rows; None if it has no
    indicators. ``no`` is its number in the registry (promises first, then goals)."""
    if not isinstance(promise, dict):
        chk.add(path, None, "ett löfte ska ha fälten id, text och indikatorer.")
        return None
    pid = _promise_id(chk, path, no - 1, promise, seen)
    text = str(promise.get("text") or "").strip()
    if not text:
        chk.add(f"{path}.text", None, "löftestexten saknas.", "Skriv texten som den undertecknades.")
    problem = promise.get("problem") or {}
    if not isinstance(problem, dict):
        problem = {"beskrivning": problem}
    items = [str(x) for x in as_list(problem.get("fragor"))]
    for j, item in enumerate(items):
        check_item(chk, f"{path}.problem.fragor[{j}]", item, ctx, allow_groups=True)
    areas = [str(x) for x in as_list(promise.get("omraden"))]
    for j, area in enumerate(areas):
        valid, hint = valid_areas_hint(ctx.register, year)
        if area != TOTAL_AREA and (year is None or area not in valid):
            chk.add(f"{path}.omraden[{j}]", area, f"okänt område {year or ''}.".replace(" .", "."),
                    hint)
    places = [_check_place(chk, f"{path}.platser[{j}]", place, ctx)
              for j, place in enumerate(as_list(promise.get("platser")))]
    indicators = promise.get("indikatorer")
    if not isinstance(indicators, list) or not indicators:
        chk.add(f"{path}.indikatorer", None, "löftet har inga indikatorer.",
                "Ange minst en indikator (aktivitet, enkat, vandring, milstolpe eller "
                "polisindex) så att löftet kan följas upp.")
        return None
    return {"promise_no": no, "promise_id": pid, "title": promise_title(promise.get("rubrik"), text),
            "text": text,
            "problem": str(problem.get("beskrivning") or "").strip(),
            "problem_items": "; ".join(items), "areas": "; ".join(areas),
            "places": "; ".join(p for p in places if p),
            "responsible": "; ".join(str(x) for x in as_list(promise.get("ansvariga")))}


def promise_title(title: object, text: str, length: int = TITLE_LENGTH) -> str:
    """The short Swedish title of a promise: ``rubrik`` if given, else the start of its text
    (cut at a word, at most ``length`` characters, with "…")."""
    title = str(title or "").strip()
    if title:
        return title
    text = " ".join(text.split()).rstrip(".")
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def _promise_id(chk: Checker, path: str, i: int, promise: dict, seen: dict[str, str]) -> str:
    pid = promise.get("id")
    if pid is None or str(pid).strip() == "":
        chk.add(f"{path}.id", None, "id saknas.", "Ge varje löfte ett kort id, t.ex. trafik.")
        pid = f"{i + 1}"
    pid = str(pid).strip()
    if pid in seen:
        chk.add(f"{path}.id", pid, f"id används redan av {seen[pid]}.", "Id måste vara unika.")
    seen[pid] = path
    return pid


def _check_place(chk: Checker, path: str, place: object, ctx: RegistryContext) -> str:
    """A place as ``{namn, ort}``, checked against the place register; ``"ort: namn"``."""
    if not isinstance(place, dict) or not place.get("namn") or not place.get("ort"):
        chk.add(path, None if isinstance(place, dict) else place,
                "en plats anges med namn och ort (flera orter har t.ex. ett Stora torg).",
                "Skriv t.ex. {namn: Stora torg, ort: Exempelby}.")
        return ""
    name, locality = str(place["namn"]).strip(), str(place["ort"]).strip()
    shown = f"{locality}: {name}"
    if ctx.places is not None and len(ctx.places):
        pairs = list(zip(ctx.places["locality"], ctx.places["place"], strict=True))
        keys = {(normalise_label(a), normalise_label(b)) for a, b in pairs}
        if (normalise_label(locality), normalise_label(name)) not in keys:
            chk.add(path, shown, "platsen finns inte i platsregistret (geodata/platser).",
                    "Kända platser: " + ", ".join(sorted(f"{a}: {b}" for a, b in pairs)) + ".")
    return shown


def _typed_registry(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reindex(columns=REGISTRY_COLUMNS)
    for col in _INTEGERS:
        out[col] = pd.array(out[col].astype("float64"), dtype="Int64")
    for col in _FLOATS:
        out[col] = out[col].astype("float64")
    out["done"] = pd.array(out["done"].astype(object).where(out["done"].notna(), None),
                           dtype="boolean")
    for col in _BOOLEANS:
        out[col] = out[col].astype(object).where(out[col].notna(), False).astype(bool)
    for col in [c for c in REGISTRY_COLUMNS if c not in {*_INTEGERS, *_FLOATS, *_BOOLEANS, "done"}]:
        out[col] = out[col].astype("string")
    return out


def empty_registry() -> pd.DataFrame:
    """A registry without rows (no registry files)."""
    return _typed_registry(pd.DataFrame(columns=REGISTRY_COLUMNS))


def load_registries(paths: Iterable[str | os.PathLike], ctx: RegistryContext) -> pd.DataFrame:
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
