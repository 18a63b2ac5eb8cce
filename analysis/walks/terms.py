"""The safety-walk vocabulary: Swedish variants -> canonical codes, loaded from data.

The package's neutral defaults live in ``resources/walk_vocabulary.yaml`` (no kommun's
organisations); a kommun's own file, ``data/raw/ordlista.yaml``, is merged over them
(``load_walk_vocabulary(kommun=...)``): its organisations and categories are added, its
labels replace the defaults' and its spellings are added to the codes they name. Matching
is tolerant but never guesses: a value is compared after :func:`analysis.text.match_key`
(case, spacing, hyphens, slashes, underscores, trailing punctuation and å/ä/ö are ignored)
with every code, label and listed variant; a value that matches nothing is reported with
the closest known values and the exact line to add to the kommun's file.

Merge rules (docs/ny_kommun.md): in ``category`` and ``responsible`` the kommun may add
codes (lower-case letters, digits and ``_``); in the other fields (``valence``,
``severity``, ``status``, ``decision``, ``light``, ``mode``) the codes carry the follow-up's
meaning and are fixed: the kommun adds spellings (``variants``) or a label. ``headers``
take more spellings of the known columns, ``decision_reason`` more keywords (or new reason
categories), ``survey_items`` link a category to survey items. A spelling the kommun lists
wins over the defaults (the kommun knows what "regionen" means locally); a spelling listed
under two codes in one file is refused.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.files import read_yaml
from analysis.paths import RESOURCES_DIR, VOCABULARY_FILE, safe_slug
from analysis.problems import BAD_VOCABULARY, UNKNOWN_SETTING, DataError, Problem
from analysis.text import match_key, suggest

DEFAULT_VOCABULARY = RESOURCES_DIR / "walk_vocabulary.yaml"

# The fields matched against a term list (the YAML's top-level sections).
TERM_FIELDS = ("valence", "category", "severity", "status", "decision", "responsible",
               "light", "mode")
# Fields where a kommun may add codes; in the others the codes are fixed.
OPEN_FIELDS = ("category", "responsible")
KOMMUN_SECTIONS = (*TERM_FIELDS, "headers", "decision_reason", "survey_items")
# Swedish names of the fields, for messages.
FIELD_NAMES = {"valence": "typ", "category": "kategori", "severity": "allvarlighet",
               "status": "status", "decision": "beslut", "responsible": "ansvarig",
               "light": "ljus", "mode": "form", "decision_reason": "motiveringskategori"}
KOMMUN_FILE_SHOWN = f"data/raw/{VOCABULARY_FILE}"
_CODE = re.compile(r"[a-z][a-z0-9_]*")
_YAML_SPECIAL = re.compile(r"""[:,\[\]{}#&*!|>'"%@`]|^\s|\s$|^[-?]""")


def _yaml_text(value: object) -> str:
    """A value as it can stand in a YAML flow list (quoted when it must be)."""
    text = str(value)
    if not text or _YAML_SPECIAL.search(text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


@dataclass(frozen=True)
class TermList:
    """One field's codes: ``labels`` code -> Swedish label, ``lookup`` match key -> code.

    ``open`` says whether a kommun may add codes to the field (``OPEN_FIELDS``).
    """

    field: str
    labels: dict
    lookup: dict
    open: bool = False

    def codes(self) -> list:
        return list(self.labels)

    def match(self, values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """Map values to codes via their unique values: (codes as objects, unknown mask).

        Empty values give ``None`` and are not unknown (the caller decides whether
        the field is required).
        """
        codes, uniques = pd.factorize(values.fillna("").astype("string"), sort=False)
        u_code = np.empty(len(uniques) + 1, dtype=object)
        u_bad = np.zeros(len(uniques) + 1, dtype=bool)
        for j, raw in enumerate(uniques):
            key = match_key(raw)
            if key == "":
                u_code[j] = None
            elif key in self.lookup:
                u_code[j] = self.lookup[key]
            else:
                u_code[j] = None
                u_bad[j] = True
        u_code[len(uniques)] = None
        return u_code[codes], u_bad[codes]

    def closest(self, value: object, n: int = 3) -> list[str]:
        """The known spellings closest to ``value`` (for the hint of an unknown value):
        the Swedish labels, and the listed variants that are not a label."""
        return suggest(value, [*self.labels.values(), *self.lookup], n=n, key=match_key)

    def hint(self, value: object) -> str:
        """Closest known values, every known value, and the exact line that teaches the
        kommun's ``ordlista.yaml`` the value (as a new code, or as a spelling of a known one)."""
        near = self.closest(value)
        text = f"Menade du: {', '.join(near)}? " if near else ""
        text += "Kända värden: " + ", ".join(str(v) for v in self.labels.values()) + ". "
        known = self.lookup.get(match_key(near[0])) if near else None
        known = known if known is not None else next(iter(self.labels), "kod")
        variant = f"{known}: {{variants: [{_yaml_text(value)}]}}"
        if self.open:
            code = safe_slug(match_key(value).replace(" ", "_"), 40).strip("_-") or "ny_kod"
            return (text + f'Är det en ny {FIELD_NAMES.get(self.field, self.field)}: lägg '
                    f'till raden "  {code}: {{label: {_yaml_text(value)}}}" under '
                    f'"{self.field}:" i {KOMMUN_FILE_SHOWN}; är det ett annat namn på en känd: '
                    f'"  {variant}". Se docs/ny_kommun.md.')
        return (text + f'Är det ett annat skrivsätt: lägg till raden "  {variant}" under '
                f'"{self.field}:" i {KOMMUN_FILE_SHOWN} (koderna är fasta). '
                "Se docs/ny_kommun.md.")


@dataclass(frozen=True)
class ReasonList:
    """Keyword categories for the free-text decision reason (first match wins)."""

    labels: dict[str, str]
    keywords: dict[str, tuple[str, ...]]

    def categorise(self, values: pd.Series) -> pd.Series:
        """Reason category per value: a code, ``annan`` (no keyword) or ``ingen`` (empty)."""
        def one(text: object) -> str:
            key = match_key(text)
            if key == "":
                return REASON_NONE
            for code, words in self.keywords.items():
                if any(w in key for w in words):
                    return code
            return REASON_OTHER

        uniques = values.fillna("").astype("string").unique()
        mapping = {u: one(u) for u in uniques}
        return values.fillna("").astype("string").map(mapping).astype("string")


REASON_OTHER = "annan"
REASON_NONE = "ingen"


@dataclass(frozen=True)
class WalkVocabulary:
    terms: dict[str, TermList]
    reasons: ReasonList
    headers: dict[str, dict[str, str]]  # table kind -> match key -> canonical column
    survey_items: dict[str, tuple[str, ...]]
    source: str = ""

    def __getitem__(self, field: str) -> TermList:
        return self.terms[field]

    def label(self, field: str, code) -> str:
        return self.terms[field].labels.get(code, str(code))


def _term_list(field: str, spec: dict, source: str, own: dict | None = None,
               own_file: str = "") -> TermList:
    """The codes of one field: the package's ``spec``, then the kommun's ``own`` over it.

    A spelling under two codes of one file is refused (``ValueError`` for the package's
    file, ``DataError`` for the kommun's); a kommun's spelling wins over the package's.
    """
    labels, lookup = {}, {}
    for code, entry in spec.items():
        entry = entry or {}
        labels[code] = entry.get("label", str(code))
        for spelling in [str(code), entry.get("label", str(code)), *entry.get("variants", [])]:
            key = match_key(spelling)
            if key in lookup and lookup[key] != code:
                raise ValueError(f"{source}: {field}: varianten {spelling!r} står både under "
                                 f"{lookup[key]!r} och {code!r}")
            lookup[key] = code
    claimed: dict[str, object] = {}  # the kommun's own spellings
    problems = []
    for code, entry in (own or {}).items():
        entry = entry or {}
        if "label" in entry:
            labels[code] = str(entry["label"])
        labels.setdefault(code, str(code))
        for spelling in [str(code), entry.get("label"), *entry.get("variants", [])]:
            if spelling is None:
                continue
            key = match_key(spelling)
            if key in claimed and claimed[key] != code:
                problems.append(Problem(own_file, None, field, str(spelling), BAD_VOCABULARY,
                                        f"skrivsättet står under både {claimed[key]} och "
                                        f"{code}.", "Låt det stå under en av koderna."))
                continue
            claimed[key] = code
            lookup[key] = code
    if problems:
        raise DataError(problems, title="Ordlistan kan inte användas")
    return TermList(field, labels, lookup, open=field in OPEN_FIELDS)


def load_walk_vocabulary(path: str | os.PathLike | None = None,
                         kommun: str | os.PathLike | None = None) -> WalkVocabulary:
    """Load the vocabulary: the package's neutral defaults (or ``path``), with the kommun's
    own file ``kommun`` (``data/raw/ordlista.yaml``) merged over them when it is given.

    Both are read with ``analysis.files.read_yaml`` (no anchors or aliases, a size cap); a
    mistake in the kommun's file is a Swedish ``DataError`` naming the file, the line and
    what is allowed. Loaded once per file version (path, size, modification time).
    """
    base = str(Path(path) if path else DEFAULT_VOCABULARY)
    own = None if kommun is None else str(Path(kommun))
    return _load(base, own, _stamp(base), _stamp(own))


def _stamp(path: str | None) -> tuple[int, int] | None:
    if path is None:
        return None
    stat = os.stat(path)
    return stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=8)
def _load(path: str, kommun: str | None = None, _base_stamp=None, _own_stamp=None
          ) -> WalkVocabulary:
    spec, _ = read_yaml(path, what="Ordlistan för trygghetsvandringar")
    name = Path(path).name
    own, own_file = {}, ""
    if kommun is not None:
        own_file = Path(kommun).name
        own = _read_kommun(Path(kommun), spec)
    terms = {f: _term_list(f, spec[f], name, own.get(f), own_file) for f in TERM_FIELDS}
    reason_spec = {c: dict(e) for c, e in spec["decision_reason"].items()}
    for code, entry in (own.get("decision_reason") or {}).items():
        entry = entry or {}
        merged = reason_spec.setdefault(code, {"label": str(code), "keywords": []})
        merged["label"] = str(entry.get("label", merged.get("label", code)))
        merged["keywords"] = [*merged.get("keywords", []), *entry.get("keywords", [])]
    reasons = ReasonList({c: e["label"] for c, e in reason_spec.items()},
                         {c: tuple(match_key(w) for w in e.get("keywords", []))
                          for c, e in reason_spec.items()})
    headers: dict[str, dict[str, str]] = {}
    own_headers = own.get("headers") or {}
    for kind, columns in spec["headers"].items():
        lookup: dict[str, str] = {}
        for column, spellings in columns.items():
            for spelling in [column, *spellings]:
                key = match_key(spelling)
                if key in lookup and lookup[key] != column:
                    raise ValueError(f"{name}: rubriken {spelling!r} står under både "
                                     f"{lookup[key]!r} och {column!r}")
                lookup[key] = column
        for column, spellings in (own_headers.get(kind) or {}).items():
            for spelling in spellings or []:
                lookup[match_key(spelling)] = column
        headers[kind] = lookup
    survey_items = {c: tuple(items) for c, items in spec.get("survey_items", {}).items()}
    survey_items |= {c: tuple(items or ()) for c, items in
                     (own.get("survey_items") or {}).items()}
    unknown = set(survey_items) - set(terms["category"].labels)
    if unknown:
        if kommun is None:
            raise ValueError(f"{name}: survey_items nämner okända kategorier {sorted(unknown)}")
        raise DataError([Problem(own_file, None, "survey_items", str(c), BAD_VOCABULARY,
                                 "okänd kategori.", "Kända kategorier: "
                                 + ", ".join(terms["category"].labels) + ".")
                         for c in sorted(unknown)], title="Ordlistan kan inte användas")
    return WalkVocabulary(terms, reasons, headers, survey_items,
                          name if kommun is None else f"{name} + {own_file}")


def _key_lines(node) -> dict[tuple, int]:
    """Line (1-based) of each key in the first two levels of a YAML mapping node."""
    out: dict[tuple, int] = {}
    if node is None or not hasattr(node, "value") or not isinstance(node.value, list):
        return out
    for key_node, value_node in node.value if node.tag.endswith(":map") else []:
        out[(key_node.value,)] = key_node.start_mark.line + 1
        if value_node.tag.endswith(":map"):
            for k2, _ in value_node.value:
                out[(key_node.value, k2.value)] = k2.start_mark.line + 1
    return out


def _read_kommun(path: Path, base: dict) -> dict:
    """The kommun's own vocabulary file, checked against the package's; ``DataError`` listing
    every problem (file, line, section and code, and what is allowed)."""
    raw, node = read_yaml(path, what="Ordlistan")
    raw = raw or {}
    file = path.name
    lines = _key_lines(node)
    problems: list[Problem] = []

    def bad(keys: tuple, value, message: str, hint: str) -> None:
        line = lines.get(tuple(str(k) for k in keys))
        problems.append(Problem(file, line, str(keys[0]), None if value is None else str(value),
                                BAD_VOCABULARY, message, hint))

    if not isinstance(raw, dict):
        raise DataError([Problem(file, None, None, None, BAD_VOCABULARY,
                                 "ordlistan ska vara avsnitt med namn (t.ex. responsible:).",
                                 "Se docs/ny_kommun.md för ett exempel.")],
                        title="Ordlistan kan inte användas")
    out: dict = {}
    for section, content in raw.items():
        if section not in KOMMUN_SECTIONS:
            problems.append(Problem(file, lines.get((str(section),)), str(section), None,
                                    UNKNOWN_SETTING, "okänt avsnitt.",
                                    "Kända avsnitt: " + ", ".join(KOMMUN_SECTIONS) + "."))
            continue
        if content is None:
            continue
        if not isinstance(content, dict):
            bad((section,), None, "avsnittet ska ha en rad per kod (kod: {...}).",
                "Se docs/ny_kommun.md.")
            continue
        if section in TERM_FIELDS:
            out[section] = _own_terms(section, content, base[section], bad)
        elif section == "decision_reason":
            out[section] = _own_entries(section, content, ("label", "keywords"), bad)
        elif section == "headers":
            out[section] = _own_headers(content, base["headers"], bad)
        else:
            out[section] = {c: v for c, v in content.items() if _text_list(
                (section, c), v, bad, "en lista med enkätens frågekoder, t.ex. [klotter]")}
    if problems:
        raise DataError(problems, title="Ordlistan kan inte användas")
    return out


def _text_list(keys: tuple, value, bad, what: str) -> bool:
    if value is None or (isinstance(value, list) and all(isinstance(v, str | int) for v in value)):
        return True
    bad(keys, None, f"ska vara {what}.", "Skriv t.ex. [första, andra].")
    return False


def _own_entries(section: str, content: dict, allowed: tuple[str, ...], bad) -> dict:
    out = {}
    for code, entry in content.items():
        entry = entry or {}
        if not isinstance(entry, dict):
            bad((section, code), entry, "ska vara {label: ..., variants: [...]}.",
                f'T.ex. "  {code}: {{label: Namn, variants: [annat namn]}}".')
            continue
        extra = set(entry) - set(allowed)
        if extra:
            bad((section, code), ", ".join(map(str, sorted(extra))), "okänd nyckel.",
                "Tillåtna: " + ", ".join(allowed) + ".")
            continue
        list_key = allowed[1]
        if not _text_list((section, code), entry.get(list_key), bad, "en lista med text"):
            continue
        out[code] = {k: v for k, v in entry.items() if v is not None}
    return out


def _own_terms(section: str, content: dict, base: dict, bad) -> dict:
    entries = _own_entries(section, content, ("label", "variants"), bad)
    known = {str(c): c for c in base}
    out = {}
    for code, entry in entries.items():
        if str(code) in known:
            out[known[str(code)]] = entry
        elif section not in OPEN_FIELDS:
            bad((section, code), code, f"okänd kod för {FIELD_NAMES[section]}; koderna är "
                "fasta, eftersom uppföljningen bygger på dem.",
                "Kända koder: " + ", ".join(map(str, base)) + ". Lägg ert skrivsätt som "
                f"variant under en av dem, t.ex. \"  {next(iter(base))}: "
                f"{{variants: [{_yaml_text(code)}]}}\".")
        elif not isinstance(code, str) or not _CODE.fullmatch(code):
            slug = safe_slug(match_key(code).replace(" ", "_"), 40).strip("_-") or "ny_kod"
            bad((section, code), code, "koden ska vara små bokstäver a–z, siffror och _.",
                f"Skriv t.ex. \"  {slug}: {{label: {_yaml_text(code)}}}\" (etiketten visas i "
                "rapporten).")
        else:
            out[code] = entry
    return out


def _own_headers(content: dict, base: dict, bad) -> dict:
    out: dict = {}
    for kind, columns in content.items():
        if kind not in base or not isinstance(columns, dict):
            bad(("headers", kind), kind, "okänd tabell.", "Kända: " + ", ".join(base) + ".")
            continue
        for column, spellings in columns.items():
            if column not in base[kind]:
                bad(("headers", kind), column, "okänd kolumn.",
                    "Kända kolumner: " + ", ".join(base[kind]) + ".")
            elif _text_list(("headers", kind), spellings, bad, "en lista med rubriker"):
                out.setdefault(kind, {})[column] = [str(v) for v in spellings or []]
    return out


TERM_TABLE_COLUMNS = ["field", "code", "label"]


def terms_table(vocabulary: WalkVocabulary) -> pd.DataFrame:
    """Every code of the vocabulary with its Swedish label (``walk_terms.parquet``).

    The build stores the merged vocabulary (package defaults + the kommun's own file), so
    reports and notebooks name a kommun's organisations without reading ``data/raw/``.
    """
    rows = [(f, str(code), str(label)) for f, terms in vocabulary.terms.items()
            for code, label in terms.labels.items()]
    rows += [("decision_reason", c, label) for c, label in vocabulary.reasons.labels.items()]
    frame = pd.DataFrame(rows, columns=TERM_TABLE_COLUMNS)
    return frame.astype("string")


def term_labels(table: pd.DataFrame | None, field: str) -> dict[str, str]:
    """``{code: label}`` of one field from ``walk_terms.parquet``; the package's neutral
    defaults when the table is missing (a build without walks, an older build)."""
    if table is None or not len(table):
        return {str(c): str(v) for c, v in load_walk_vocabulary()[field].labels.items()}
    rows = table[table["field"] == field]
    return dict(zip(rows["code"].astype(str), rows["label"].astype(str), strict=True))
