"""The registry of promises: one YAML file per year, ``medborgarloften_<år>.yaml``.

``read_registry`` reads a file and remembers the line of every field; ``parse_registry``
checks it against a ``RegistryContext`` (area register, codebook, places, the police's
indicators) and returns one row per promise indicator (``REGISTRY_COLUMNS``), or raises a
``DataError`` naming file, line, field path and value with a Swedish hint.
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
from analysis.dates import parse_date
from analysis.problems import BAD_REGISTRY, UNREADABLE, DataError, Problem
from analysis.promises.checks import (
    Checker,
    RawRegistry,
    RegistryContext,
    as_list,
    check_item,
    valid_areas_hint,
)
from analysis.promises.indicators import parse_indicator
from analysis.text import normalise_label

REGISTRY_PATTERN = re.compile(r"^medborgarloften_(\d{4})\.ya?ml$", re.IGNORECASE)
REGISTRY_COLUMNS = [
    "year", "signed", "parties", "source_note", "source_file", "promise_no", "promise_id", "text",
    "problem", "problem_items", "areas", "places", "responsible", "indicator_no", "kind", "label",
    "activity_type", "survey_indicator", "item", "area", "direction", "target_op", "target_value",
    "partial_from", "year_from", "year_to", "measure", "locality", "min_difference", "deadline",
    "done", "done_date", "yaml_line",
]
_INTEGERS = ["year", "promise_no", "indicator_no", "year_from", "year_to", "yaml_line"]
_FLOATS = ["target_value", "partial_from", "min_difference"]
_UNUSABLE = "Medborgarlöftena kan inte användas"


def registry_files(folder: str | os.PathLike) -> list[Path]:
    """The yearly registries ``medborgarloften_<år>.yaml`` in ``folder``, sorted by name."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and REGISTRY_PATTERN.match(p.name))


def read_registry(path: str | os.PathLike) -> RawRegistry:
    """Read one YAML registry (no checking beyond 'is it YAML'); keep each field's line."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError([Problem(path.name, None if mark is None else mark.line + 1, None, None,
                                 UNREADABLE,
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


def registry_context(register: pd.DataFrame, places: pd.DataFrame | None = None,
                     official: pd.DataFrame | None = None) -> RegistryContext:
    """The checking context from the area register, the codebook and (optionally) places
    and the police's indicator list (from the official table, else the bundled list)."""
    cb = load_codebook()
    if official is not None and len(official):
        police = tuple(sorted(official["indicator"].astype(str).unique()))
    else:
        police = tuple(sorted({i.code for i in load_police_indicators()} | {"totalindex"}))
    return RegistryContext(register, tuple(cb.item_codes), tuple(cb.groups), places, police)


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
    base = _registry_fields(chk, data)
    promises = data.get("loften")
    if not isinstance(promises, list) or not promises:
        chk.add("loften", None, "listan loften saknas eller är tom.",
                "Varje löfte är en post under loften: med id, text och indikatorer.")
        raise DataError(chk.problems, title=_UNUSABLE)
    rows: list[dict] = []
    seen: dict[str, str] = {}
    for i, promise in enumerate(promises):
        common = _promise_fields(chk, f"loften[{i}]", i, promise, base["year"], ctx, seen)
        if common is None:
            continue
        for k, spec in enumerate(promise["indikatorer"]):
            ipath = f"loften[{i}].indikatorer[{k}]"
            row = parse_indicator(chk, ipath, spec, base["year"], ctx)
            if row is not None:
                rows.append(base | common | row | {"indicator_no": k + 1,
                                                   "yaml_line": raw.lines.get(ipath)})
    if chk.problems:
        raise DataError(chk.problems, title=_UNUSABLE)
    return _typed_registry(pd.DataFrame(rows))


def _registry_fields(chk: Checker, data: dict) -> dict:
    """The fields of the whole registry: ``ar``, ``undertecknat``, ``parter``, ``kalla``."""
    year = data.get("ar")
    if not isinstance(year, int) or not 1990 <= year <= 2100:
        chk.add("ar", year, "årtalet saknas eller är inte ett årtal.", "Skriv t.ex. ar: 2022.")
        year = None
    m = REGISTRY_PATTERN.match(chk.raw.file)
    if year is not None and m and int(m.group(1)) != year:
        chk.add("ar", year, f"året stämmer inte med filnamnet ({chk.raw.file}).",
                "Ett register per år: medborgarloften_<år>.yaml med samma år i fältet ar.")
    signed = data.get("undertecknat")
    signed_date = parse_date(signed) if signed is not None else None
    if signed is not None and signed_date is None:
        chk.add("undertecknat", signed, "är inte ett datum.", "Skriv datum som ÅÅÅÅ-MM-DD.")
    return {"year": year, "signed": None if signed_date is None else signed_date.isoformat(),
            "parties": "; ".join(str(p) for p in as_list(data.get("parter"))),
            "source_note": str(data.get("kalla", "") or ""), "source_file": chk.raw.file}


def _promise_fields(chk: Checker, path: str, i: int, promise: object, year: int | None,
                    ctx: RegistryContext, seen: dict[str, str]) -> dict | None:
    """The fields one promise gives each of its indicator rows; None if it has no indicators."""
    if not isinstance(promise, dict):
        chk.add(path, None, "ett löfte ska ha fälten id, text och indikatorer.")
        return None
    pid = _promise_id(chk, path, i, promise, seen)
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
    return {"promise_no": i + 1, "promise_id": pid, "text": text,
            "problem": str(problem.get("beskrivning") or "").strip(),
            "problem_items": "; ".join(items), "areas": "; ".join(areas),
            "places": "; ".join(p for p in places if p),
            "responsible": "; ".join(str(x) for x in as_list(promise.get("ansvariga")))}


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
                "Skriv t.ex. {namn: Stora torg, ort: Eslöv}.")
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
    for col in [c for c in REGISTRY_COLUMNS if c not in {*_INTEGERS, *_FLOATS, "done"}]:
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
