"""The survey codebook: items, answer scales, shares and scorings, loaded from data.

The codebook lives in ``resources/codebook.yaml``; a kommun can pass its own file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from analysis.paths import RESOURCES_DIR
from analysis.settings import Settings
from analysis.text import normalise_label
from analysis.vocabulary import ALL_ITEMS

DEFAULT_CODEBOOK = RESOURCES_DIR / "codebook.yaml"
DEFAULT_SCORING = Settings.scoring
INDEX_INDICATOR = "problemindex"


@dataclass(frozen=True)
class Scale:
    name: str
    categories: dict[int, str]
    lookup: dict[str, int]  # normalised label -> code
    dont_know: frozenset[str]  # normalised labels

    def labels(self) -> list[str]:
        return list(self.categories.values())


@dataclass(frozen=True)
class Share:
    indicator: str
    numerator: tuple[int, ...]
    denominator: tuple[int, ...]


@dataclass(frozen=True)
class Item:
    code: str
    group: str
    scale: str
    label: str
    headers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Codebook:
    scales: dict[str, Scale]
    shares: dict[str, Share]
    scorings: dict[str, dict]
    groups: dict[str, str]
    items: tuple[Item, ...]
    columns: dict[str, dict] = field(default_factory=dict)
    source: str = ""

    @property
    def item_codes(self) -> list[str]:
        return [i.code for i in self.items]

    def item(self, code: str) -> Item:
        for i in self.items:
            if i.code == code:
                return i
        raise KeyError(code)

    def items_on_scale(self, scale: str) -> list[Item]:
        return [i for i in self.items if i.scale == scale]

    def scoring(self, name: str = DEFAULT_SCORING) -> dict[int, float]:
        """The problem-item scoring ``code -> score`` of the named scoring."""
        if name not in self.scorings:
            raise KeyError(f"Okänd poängsättning {name!r}; finns: {', '.join(self.scorings)}")
        return {int(k): float(v) for k, v in self.scorings[name]["problem"].items()}

    def header_lookup(self) -> dict[str, str]:
        """Normalised header -> canonical column (background columns and item codes)."""
        lookup: dict[str, str] = {}
        for name, spec in self.columns.items():
            for h in [name, spec.get("label", ""), *spec.get("headers", [])]:
                if h:
                    lookup[normalise_label(h)] = name
        for item in self.items:
            for h in (item.code, item.label, *item.headers):
                lookup[normalise_label(h)] = item.code
        return lookup

    def item_labels(self) -> dict[str, str]:
        """Item code -> Swedish label, including the index groups and ``alla``.

        An item named like a group wins (problemindex rows use ``label`` instead)."""
        labels = {g: f"Alla frågor om {name.lower()}" for g, name in self.groups.items()}
        labels[ALL_ITEMS] = "Alla problemfrågor"
        labels |= {i.code: i.label for i in self.items}
        return labels

    def label(self, item: str, indicator: str | None = None) -> str:
        """The Swedish label of ``item`` for ``indicator``: problemindex items are groups of
        questions ("Alla frågor om missbruk"), other items are questions."""
        if indicator == INDEX_INDICATOR:
            if item in self.groups:
                return f"Alla frågor om {self.groups[item].lower()}"
            if item == ALL_ITEMS:
                return "Alla problemfrågor"
        return self.item_labels().get(item, item)

    def required_columns(self) -> list[str]:
        return [name for name, spec in self.columns.items() if spec.get("required")]


def _scale(name: str, spec: dict) -> Scale:
    categories = {int(k): str(v) for k, v in spec["categories"].items()}
    lookup = {normalise_label(v): k for k, v in categories.items()}
    for label, code in (spec.get("synonyms") or {}).items():
        lookup[normalise_label(label)] = int(code)
    dont_know = frozenset(normalise_label(v) for v in spec.get("dont_know", []))
    return Scale(name, categories, lookup, dont_know)


def load_codebook(path: str | os.PathLike | None = None) -> Codebook:
    """Load a codebook YAML (default: the package's own)."""
    path = Path(path) if path is not None else DEFAULT_CODEBOOK
    return _load_codebook_cached(str(path.resolve()))


@lru_cache(maxsize=8)
def _load_codebook_cached(path: str) -> Codebook:
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    scales = {name: _scale(name, spec) for name, spec in raw["scales"].items()}
    shares = {name: Share(s["indicator"], tuple(s["numerator"]), tuple(s["denominator"]))
              for name, s in raw["shares"].items()}
    items = tuple(Item(i["code"], i["group"], i["scale"], i["label"], tuple(i.get("headers", [])))
                  for i in raw["items"])
    for item in items:
        if item.scale not in scales:
            raise ValueError(f"{path}: item {item.code} uses unknown scale {item.scale}")
    return Codebook(scales, shares, raw["scorings"], raw["groups"], items,
                    raw.get("columns", {}), source=Path(path).name)


# --- the police's published indicators (issue 4; see docs/polisens_index.md) -------------


@dataclass(frozen=True)
class PoliceIndicator:
    """One indicator of the police's published 0–6 index tables.

    ``item`` is the matching codebook item (None for the totalindex);
    ``survey_indicator`` is our share shown beside the police's index (None = not
    compared, e.g. when our share runs in the opposite direction).
    """

    code: str
    name: str
    group: str
    aliases: tuple[str, ...] = ()
    item: str | None = None
    survey_indicator: str | None = None


def load_police_indicators(path: str | os.PathLike | None = None) -> tuple[PoliceIndicator, ...]:
    """The ``police_indicators`` section of a codebook YAML (default: the package's own).

    Checks that codes and names/aliases are unique (case- and whitespace-insensitively),
    that every ``item`` is a codebook item and every ``survey_indicator`` a share
    indicator of the codebook; raises ``ValueError`` naming the file otherwise.
    """
    path = Path(path) if path is not None else DEFAULT_CODEBOOK
    return _load_police_indicators_cached(str(path.resolve()))


@lru_cache(maxsize=8)
def _load_police_indicators_cached(path: str) -> tuple[PoliceIndicator, ...]:
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    entries = raw.get("police_indicators") or []
    name = Path(path).name
    if not entries:
        raise ValueError(f"{name}: avsnittet police_indicators saknas eller är tomt")
    items = {i["code"] for i in raw.get("items", [])}
    shares = {s["indicator"] for s in (raw.get("shares") or {}).values()}
    out: list[PoliceIndicator] = []
    seen_codes: set[str] = set()
    seen_names: dict[str, str] = {}
    for e in entries:
        ind = PoliceIndicator(str(e["code"]), str(e["name"]), str(e.get("group", "")),
                              tuple(str(a) for a in e.get("aliases") or []),
                              e.get("item"), e.get("survey_indicator"))
        if ind.code in seen_codes:
            raise ValueError(f"{name}: polisindikatorn {ind.code} förekommer två gånger")
        seen_codes.add(ind.code)
        if ind.item is not None and ind.item not in items:
            raise ValueError(f"{name}: polisindikatorn {ind.code} pekar på okänd fråga {ind.item}")
        if ind.survey_indicator is not None and ind.survey_indicator not in shares:
            raise ValueError(f"{name}: polisindikatorn {ind.code} har okänt andelsmått "
                             f"{ind.survey_indicator}")
        for label in (ind.code, ind.name, *ind.aliases):
            key = normalise_label(label)
            if seen_names.get(key, ind.code) != ind.code:
                raise ValueError(f"{name}: namnet {label!r} används av både "
                                 f"{seen_names[key]} och {ind.code}")
            seen_names[key] = ind.code
        out.append(ind)
    return tuple(out)
