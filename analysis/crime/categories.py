"""Brå's crime categories and Swedish regions: what a label in an export means.

* ``load_categories`` reads ``resources/crime_categories.yaml`` (code, Swedish name, parent in
  Brå's hierarchy, the victim's age range for the sub-categories Brå publishes by age, aliases)
  and the youth-violence indicator built from some of them;
* ``match_category`` / ``category_hint`` turn a label into a code, or say which names are
  closest ("Menade du: …?");
* ``RegionResolver`` turns a region label into (code, name, level): ``00`` riket, two digits a
  county (län), four digits a kommun. SCB writes ``"1234 Exempelby"``; Brå writes bare names, which
  are resolved through the 21 counties, the bundled list of kommuner
  (``analysis.kommuner.kommun_names``) and names learnt from the delivered population files.

Settings (``analysis.settings.Settings``) will carry the comparison kommuner and the
youth-violence categories; until they do, the module constants with the same names are the
defaults (``crime_config`` reads either).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from analysis.kommuner import kommun_names
from analysis.text import match_key, suggest

CATEGORIES_FILE = Path(__file__).resolve().parents[1] / "resources" / "crime_categories.yaml"

RIKET = "00"
LEVELS = ("kommun", "lan", "riket")
LEVEL_NAMES = {"kommun": "kommun", "lan": "län", "riket": "riket"}

# Defaults of the settings this package needs (names as the Settings fields will have them).
CRIME_COMPARISON_KOMMUNER: tuple[str, ...] = ()  # kommunkoder of similar kommuner
CRIME_YOUTH_CATEGORIES: tuple[str, ...] | None = None  # None = the vocabulary's default
CRIME_YOUTH_AGES: str | None = None  # "7-17"; None = the vocabulary's default
# Below this many reported crimes a rate is not shown on its own: the count and its
# interval are (a rate from a handful of crimes looks precise and is not).
CRIME_MIN_COUNT_RATE = 20


@dataclass(frozen=True)
class Category:
    """One of Brå's categories: code, Swedish name, parent code and the victims' ages."""

    code: str
    name: str
    parent: str | None = None
    age_from: int | None = None
    age_to: int | None = None  # None with age_from set = "and older"
    aliases: tuple[str, ...] = ()

    @property
    def youth(self) -> bool:
        """True for a sub-category of victims under 18."""
        return self.age_from is not None and self.age_to is not None and self.age_to < 18


@dataclass(frozen=True)
class YouthIndicator:
    """Youth violence: the sum of ``categories``, per 100 000 inhabitants aged ``ages``."""

    code: str
    name: str
    categories: tuple[str, ...]
    ages: tuple[int, int]
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    categories: dict[str, Category]
    youth: YouthIndicator

    def lookup(self) -> dict[str, str]:
        """Category key -> code (names and aliases, ``category_key``)."""
        out: dict[str, str] = {}
        for c in self.categories.values():
            for label in (c.code, c.name, *c.aliases):
                out.setdefault(category_key(label), c.code)
        return out

    def names(self) -> dict[str, str]:
        """Code -> Swedish name (categories and the youth indicator)."""
        return {c.code: c.name for c in self.categories.values()} | {self.youth.code:
                                                                     self.youth.name}


def category_key(label: object) -> str:
    """``match_key`` with Brå's punctuation dropped: "Misshandel, inkl. grov (3 kap.)" and
    "misshandel inkl grov 3 kap" are the same key."""
    return " ".join(re.sub(r"[.,()§:;'\"*]", " ", match_key(label)).split())


def parse_ages(text: object) -> tuple[int | None, int | None] | None:
    """``"7-14"`` -> (7, 14); ``"18-"`` / ``"65+"`` -> (18, None); None if not an age range."""
    m = re.fullmatch(r"\s*(\d{1,3})\s*(?:[-–]\s*(\d{1,3})?|\+)\s*", str(text))
    if not m:
        return None
    lo = int(m.group(1))
    hi = int(m.group(2)) if m.group(2) else None
    return (lo, hi) if hi is None or hi >= lo else None


@lru_cache(maxsize=4)
def load_categories(path: str | None = None) -> Vocabulary:
    """The category vocabulary (``resources/crime_categories.yaml``), checked."""
    data = yaml.safe_load(Path(path or CATEGORIES_FILE).read_text(encoding="utf-8"))
    cats: dict[str, Category] = {}
    for entry in data["categories"]:
        ages = parse_ages(entry["offer_alder"]) if entry.get("offer_alder") else (None, None)
        if ages is None:
            raise ValueError(f"{entry['code']}: offer_alder kan inte tolkas")
        cats[entry["code"]] = Category(entry["code"], entry["name"], entry.get("parent"),
                                       ages[0], ages[1], tuple(entry.get("aliases") or ()))
    for c in cats.values():
        if c.parent is not None and c.parent not in cats:
            raise ValueError(f"{c.code}: okänd överkategori {c.parent}")
    y = data["youth_violence"]
    ages = parse_ages(y["alder"])
    youth = YouthIndicator(y["code"], y["name"], tuple(y["categories"]),
                           (ages[0], ages[1]), tuple(y.get("aliases") or ()))
    unknown = [c for c in youth.categories if c not in cats]
    if unknown:
        raise ValueError(f"ungdomsvåld: okända kategorier {unknown}")
    return Vocabulary(cats, youth)


def match_category(label: object, vocabulary: Vocabulary | None = None) -> str | None:
    """The code of a category label (name, alias or code), or None."""
    vocabulary = vocabulary or load_categories()
    return vocabulary.lookup().get(category_key(label))


def category_hint(label: object, vocabulary: Vocabulary | None = None) -> str:
    """``"Menade du: "Misshandel inkl. grov"? "`` plus where to add an alias (Swedish)."""
    vocabulary = vocabulary or load_categories()
    names = [c.name for c in vocabulary.categories.values()]
    near = suggest(label, names, key=category_key)
    text = ("Menade du: " + ", ".join(f'"{n}"' for n in near) + "? ") if near else ""
    return (text + "Brås kategorier står i analysis/resources/crime_categories.yaml; lägg "
            "till ett alias där om exporten skriver kategorin annorlunda.")


def match_indicator(label: object, vocabulary: Vocabulary | None = None) -> str | None:
    """A promise's ``brott``: a category code, or the youth-violence indicator's code."""
    vocabulary = vocabulary or load_categories()
    youth = vocabulary.youth
    key = category_key(label)
    if key in {category_key(a) for a in (youth.code, youth.name, *youth.aliases)}:
        return youth.code
    return match_category(label, vocabulary)


def indicator_hint(label: object, vocabulary: Vocabulary | None = None) -> str:
    """Suggestions for a promise's ``brott`` among the categories and the youth indicator."""
    vocabulary = vocabulary or load_categories()
    names = [vocabulary.youth.name, *(c.name for c in vocabulary.categories.values())]
    near = suggest(label, names, key=category_key)
    return (("Menade du: " + ", ".join(f'"{n}"' for n in near) + "? ") if near else "") + (
        'Skriv en av Brås kategorier eller "ungdomsvåld" (se docs/anmalda_brott.md).')


# --- regions ------------------------------------------------------------------------------

COUNTIES = {
    "01": "Stockholms län", "03": "Uppsala län", "04": "Södermanlands län",
    "05": "Östergötlands län", "06": "Jönköpings län", "07": "Kronobergs län",
    "08": "Kalmar län", "09": "Gotlands län", "10": "Blekinge län", "12": "Skåne län",
    "13": "Hallands län", "14": "Västra Götalands län", "17": "Värmlands län",
    "18": "Örebro län", "19": "Västmanlands län", "20": "Dalarnas län",
    "21": "Gävleborgs län", "22": "Västernorrlands län", "23": "Jämtlands län",
    "24": "Västerbottens län", "25": "Norrbottens län",
}
RIKET_NAMES = ("Riket", "Hela landet", "Sverige", "Hela riket", "Totalt riket")
# A region column's "total" rows sum the rows above them: not a region.
TOTAL_ROWS = ("Totalt", "Summa", "Total", "Samtliga regioner", "Alla regioner")
_CODE_NAME = re.compile(r"^\s*(\d{2}|\d{4})(?:\s+(.*\S))?\s*$")


def region_level(code: str) -> str:
    """``"00"`` riket, two digits län, four digits kommun."""
    return "riket" if code == RIKET else "lan" if len(code) == 2 else "kommun"


def _name_keys(name: str) -> set[str]:
    """Keys a region's name is known by: "Exempelby", "Exempelby kommun", "Skåne län", "Skåne"."""
    key = category_key(name)
    keys = {key}
    for suffix in (" lan", " kommun"):
        if key.endswith(suffix):
            base = key[: -len(suffix)]
            keys |= {base, base[:-1] if base.endswith("s") else base}
    keys |= {f"{key} kommun", f"{key}s kommun"}
    return keys


class RegionResolver:
    """Region labels -> (code, name, level): riket, the 21 counties, the 290 kommuner
    (``analysis.kommuner.kommun_names``) and names learnt from ``known`` (code -> name)."""

    def __init__(self, known: dict[str, str] | None = None):
        self.names: dict[str, str] = ({RIKET: "Riket"} | COUNTIES | kommun_names()
                                      | dict(known or {}))
        self._by_key: dict[str, str] = {}
        for code, name in self.names.items():
            for k in _name_keys(name):
                self._by_key.setdefault(k, code)
        for alias in RIKET_NAMES:
            self._by_key[category_key(alias)] = RIKET

    def is_total_row(self, label: object) -> bool:
        return category_key(label) in {category_key(t) for t in TOTAL_ROWS}

    def resolve(self, label: object) -> tuple[str, str, str] | None:
        """(code, name, level) of a region label, or None when it is unknown."""
        text = str(label).strip()
        m = _CODE_NAME.match(text)
        if m:
            code = m.group(1)
            if len(code) == 2 and code != RIKET and code not in COUNTIES:
                return None
            name = self.names.get(code) or (m.group(2) or code)
            return code, name, region_level(code)
        code = self._by_key.get(category_key(text))
        if code is None:
            return None
        return code, self.names[code], region_level(code)

    def hint(self, label: object) -> str:
        near = suggest(label, [*self.names.values(), *RIKET_NAMES[:2]], key=category_key)
        text = ("Menade du: " + ", ".join(f'"{n}"' for n in near) + "? ") if near else ""
        return (text + 'Skriv regionen som SCB gör, med kod först ("1234 Exempelby", "12 Skåne '
                'län", "00 Riket"), eller en kommuns, ett läns eller rikets namn.')


@dataclass(frozen=True)
class CrimeConfig:
    """What the crime statistics are computed for: the kommun, its county, the comparison
    kommuner, the youth-violence indicator and the smallest count shown as a rate."""

    kommun: str
    county: str
    comparison: tuple[str, ...]
    youth: YouthIndicator
    min_count_rate: int = CRIME_MIN_COUNT_RATE
    level: float = 0.95
    alpha: float = 0.05


def crime_config(settings=None, data=None) -> CrimeConfig:
    """The crime settings from ``settings`` (``analysis.settings.Settings``; missing fields
    take this module's defaults).

    The kommun is ``settings.kommunkod``; when that is empty and ``data`` (a table with
    ``region`` and ``region_level``, e.g. the crime rates) has exactly one kommun besides the
    comparison kommuner, that kommun (else none: ``kommun`` is "").
    """
    vocabulary = load_categories()
    comparison = tuple(str(c) for c in (getattr(settings, "crime_comparison_kommuner", None)
                                        or CRIME_COMPARISON_KOMMUNER))
    kommun = str(getattr(settings, "kommunkod", "") or "")
    if not kommun and data is not None and len(data):
        codes = sorted(set(data.loc[data["region_level"] == "kommun", "region"].astype(str))
                       - set(comparison))
        kommun = codes[0] if len(codes) == 1 else ""
    youth = vocabulary.youth
    cats = getattr(settings, "crime_youth_categories", None) or CRIME_YOUTH_CATEGORIES
    ages = getattr(settings, "crime_youth_ages", None) or CRIME_YOUTH_AGES
    if cats:
        youth = YouthIndicator(youth.code, youth.name, tuple(cats), youth.ages, youth.aliases)
    if ages:
        parsed = parse_ages(ages)
        if parsed is None or parsed[1] is None:
            raise ValueError(f"crime_youth_ages: {ages!r} är inte ett åldersintervall (t.ex. 7-17)")
        youth = YouthIndicator(youth.code, youth.name, youth.categories, parsed, youth.aliases)
    return CrimeConfig(
        kommun=kommun, county=kommun[:2] if kommun else "",
        comparison=tuple(c for c in comparison if c != kommun),
        youth=youth,
        min_count_rate=int(getattr(settings, "crime_min_count_rate", CRIME_MIN_COUNT_RATE)),
        level=float(getattr(settings, "level", 0.95)),
        alpha=float(getattr(settings, "alpha", 0.05)))
