"""The safety-walk vocabulary: Swedish variants -> canonical codes, loaded from data.

The vocabulary lives in ``resources/walk_vocabulary.yaml``; a kommun can pass its
own file. Matching is tolerant but never guesses: a value is compared after
:func:`analysis.text.match_key` (case, spacing, hyphens, slashes, underscores, trailing
punctuation and å/ä/ö are ignored) with every code, label and listed variant; a
value that matches nothing is reported with the closest known values as a hint.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.files import read_yaml
from analysis.paths import RESOURCES_DIR
from analysis.text import match_key, suggest

DEFAULT_VOCABULARY = RESOURCES_DIR / "walk_vocabulary.yaml"

# The fields matched against a term list (the YAML's top-level sections).
TERM_FIELDS = ("valence", "category", "severity", "status", "decision", "responsible",
               "light", "mode")



@dataclass(frozen=True)
class TermList:
    """One field's codes: ``labels`` code -> Swedish label, ``lookup`` match key -> code."""

    field: str
    labels: dict
    lookup: dict

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
        near = self.closest(value)
        text = f"Menade du: {', '.join(near)}? " if near else ""
        return (text + "Kända värden: " + ", ".join(str(v) for v in self.labels.values())
                + ". Nya varianter läggs till i walk_vocabulary.yaml.")


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


def _term_list(field: str, spec: dict, source: str) -> TermList:
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
    return TermList(field, labels, lookup)


def load_walk_vocabulary(path: str | os.PathLike | None = None) -> WalkVocabulary:
    """Load the vocabulary (default: the bundled ``walk_vocabulary.yaml``).

    Read with ``analysis.files.read_yaml`` (no anchors or aliases, a size cap): a kommun
    may edit the file, and a mistake in it gives a Swedish message, not a traceback.
    """
    return _load(str(Path(path) if path else DEFAULT_VOCABULARY))


@lru_cache(maxsize=4)
def _load(path: str) -> WalkVocabulary:
    spec, _ = read_yaml(path, what="Ordlistan för trygghetsvandringar")
    name = Path(path).name
    terms = {f: _term_list(f, spec[f], name) for f in TERM_FIELDS}
    reasons = ReasonList({c: e["label"] for c, e in spec["decision_reason"].items()},
                         {c: tuple(match_key(w) for w in e.get("keywords", []))
                          for c, e in spec["decision_reason"].items()})
    headers: dict[str, dict[str, str]] = {}
    for kind, columns in spec["headers"].items():
        lookup: dict[str, str] = {}
        for column, spellings in columns.items():
            for spelling in [column, *spellings]:
                key = match_key(spelling)
                if key in lookup and lookup[key] != column:
                    raise ValueError(f"{name}: rubriken {spelling!r} står under både "
                                     f"{lookup[key]!r} och {column!r}")
                lookup[key] = column
        headers[kind] = lookup
    survey_items = {c: tuple(items) for c, items in spec.get("survey_items", {}).items()}
    unknown = set(survey_items) - set(terms["category"].labels)
    if unknown:
        raise ValueError(f"{name}: survey_items nämner okända kategorier {sorted(unknown)}")
    return WalkVocabulary(terms, reasons, headers, survey_items, name)
