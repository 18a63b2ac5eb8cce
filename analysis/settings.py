"""Default parameters in one place. Every function also takes them as arguments.

A kommun changes them without touching code in ``installningar.yaml`` in its raw
folder (``data/raw/installningar.yaml``), e.g.::

    kommunkod: "1234"
    kommun_namn: Exempelby kommun
    min_n: 30

``trygghet ny KOMMUN`` writes the file with the kommun's code and name.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from analysis.dates import parse_date
from analysis.files import MAX_ROWS, read_yaml
from analysis.problems import UNKNOWN_SETTING, UNREADABLE, WRONG_TYPE, DataError, Problem

SETTINGS_FILE = "installningar.yaml"


@dataclass(frozen=True)
class Settings:
    """Build parameters (recorded in the manifest).

    Disclosure defaults follow DOMAIN §6: nothing published from fewer than
    ``min_n`` respondents; ``uncertain_n`` or a wide CI flags an estimate as
    uncertain; proportions whose numerator (or complement) is 1–2 are suppressed.
    """

    scoring: str = "standard"
    level: float = 0.95
    single_unit: str = "error"
    min_n: int = 30
    uncertain_n: int = 50
    max_halfwidth_mean: float = 0.5
    max_halfwidth_share: float = 0.10
    min_count: int = 3
    min_cell: int = 5
    alpha: float = 0.05
    power: float = 0.8
    # The police's 0–6 index has no CI: a change is judged against this minimum difference.
    official_min_difference: float = 0.2
    # The kommun whose outline (geodata/kommun.geojson) points are checked against, and
    # its name in the reports. Neutral by default (no kommun is assumed): an empty code
    # means "not given", and ``trygghet ny KOMMUN`` writes both into installningar.yaml.
    kommunkod: str = ""
    kommun_namn: str = "kommunen"
    # Safety walks: the kommun's target time for a fix (six months), the distance within
    # which a later observation counts as the same spot (and whether it must be of the same
    # category), the fewest areas for a meaningful rank correlation with the survey, and the
    # follow-up date (None = the last date in the walk data; never today's date).
    walk_target_days: int = 183
    walk_repeat_distance_m: float = 25.0
    walk_repeat_same_category: bool = True
    walk_min_areas_correlation: int = 5
    walk_as_of: str | None = None
    # Plausibility limits for delivered values (a value outside is reported, never used):
    # survey weights 0 < w <= max_weight; counts (activities, participants) <= max_count;
    # years and dates from earliest_year to latest_year; rows per delivered file <= max_rows.
    max_weight: float = 100_000.0
    max_count: int = 100_000
    earliest_year: int = 1990
    latest_year: int = 2100
    max_rows: int = MAX_ROWS
    # The lägesbild shows at most this many areas (those with the highest problemindex);
    # a delivery of a region or the whole country has thousands. Every area is in the CSVs.
    report_max_areas: int = 30

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Rule:
    """What a setting may be: its type, an inclusive range, or a set of allowed values."""

    kind: type
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    note: str = ""

    def allowed(self) -> str:
        if self.choices:
            return "tillåtna värden: " + ", ".join(self.choices)
        if self.kind is bool:
            return "ja eller nej (true/false)"
        if self.low is not None and self.high is not None:
            return f"från {_show(self.low)} till {_show(self.high)}"
        return {str: "text", int: "ett heltal", float: "ett tal"}.get(self.kind, "")


def _show(x: float) -> str:
    return (str(int(x)) if float(x).is_integer() else str(x)).replace(".", ",")


# The documented minimum of the disclosure thresholds (docs/metod.md): below these a
# published cell could point out a respondent, so they are refused, not just warned about.
MIN_N_FLOOR = 10
MIN_CELL_FLOOR = 3
MIN_COUNT_FLOOR = 3

SCHEMA: dict[str, Rule] = {
    "scoring": Rule(str),  # checked against the codebook's scorings by the build
    "level": Rule(float, 0.5, 0.999),
    "single_unit": Rule(str, choices=("error", "certainty", "adjust")),
    "min_n": Rule(int, MIN_N_FLOOR, 10_000, note="lägsta tillåtna är dokumenterat i docs/metod.md"),
    "uncertain_n": Rule(int, MIN_N_FLOOR, 100_000),
    "max_halfwidth_mean": Rule(float, 0.01, 10.0),
    "max_halfwidth_share": Rule(float, 0.001, 1.0),
    "min_count": Rule(int, MIN_COUNT_FLOOR, 1_000),
    "min_cell": Rule(int, MIN_CELL_FLOOR, 1_000),
    "alpha": Rule(float, 0.0001, 0.5),
    "power": Rule(float, 0.5, 0.99),
    "official_min_difference": Rule(float, 0.01, 6.0),
    "kommunkod": Rule(str, note="fyra siffror, eller tomt om den inte anges"),
    "kommun_namn": Rule(str),
    "walk_target_days": Rule(int, 1, 3_650),
    "walk_repeat_distance_m": Rule(float, 0.0, 5_000.0),
    "walk_repeat_same_category": Rule(bool),
    "walk_min_areas_correlation": Rule(int, 3, 10_000),
    "walk_as_of": Rule(str, note="ett datum ÅÅÅÅ-MM-DD"),
    "max_weight": Rule(float, 1.0, 1e9),
    "max_count": Rule(int, 1, 10_000_000),
    "earliest_year": Rule(int, 1900, 2100),
    "latest_year": Rule(int, 1990, 2200),
    "max_rows": Rule(int, 1_000, 100_000_000),
    "report_max_areas": Rule(int, 1, 200),
}


def _check_value(name: str, value: object, rule: Rule) -> tuple[object, str | None]:
    """(the value as its type, None) or (None, the Swedish reason it is refused)."""
    if value is None and name == "walk_as_of":
        return None, None
    if rule.kind is bool:
        return (value, None) if isinstance(value, bool) else (None, "ska vara ja eller nej")
    if rule.kind in (int, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None, "ska vara " + ("ett heltal" if rule.kind is int else "ett tal")
        if value != value or value in (float("inf"), float("-inf")):
            return None, "ska vara ett ändligt tal"
        if rule.kind is int and float(value) != int(value):
            return None, "ska vara ett heltal"
        value = rule.kind(value)
        if (rule.low is not None and value < rule.low) or (rule.high is not None
                                                           and value > rule.high):
            return None, "ligger utanför det tillåtna intervallet"
        return value, None
    if isinstance(value, dict | list) or value is None:
        return None, "ska vara text"
    value = str(value).strip()
    if rule.choices and value not in rule.choices:
        return None, "är inte ett tillåtet värde"
    if name == "kommunkod" and value and not (len(value) == 4 and value.isdigit()):
        return None, "ska vara fyra siffror (t.ex. 0180), inom citattecken"
    if name == "walk_as_of":
        date = parse_date(value)
        if date is None or value != date.isoformat():
            return None, "ska vara ett datum ÅÅÅÅ-MM-DD"
    return value, None


def validate_settings(settings: Settings, file: str = "inställningar") -> Settings:
    """Check every setting against ``SCHEMA`` and the rules between them; return them.

    Raises ``DataError`` listing every problem: the file, the setting, the value and the
    allowed range or values, in Swedish.
    """
    problems = []
    for name, rule in SCHEMA.items():
        value = getattr(settings, name)
        _, why = _check_value(name, value, rule)
        if why:
            problems.append(_problem(file, name, value, why, rule))
    s = settings
    pairs = [("min_cell", s.min_cell <= s.min_n, f"får inte vara större än min_n ({s.min_n})"),
             ("latest_year", s.latest_year > s.earliest_year,
              f"ska vara senare än earliest_year ({s.earliest_year})")]
    for name, ok, why in pairs:
        if not ok and not any(p.column == name for p in problems):
            problems.append(_problem(file, name, getattr(s, name), why, SCHEMA[name]))
    if s.walk_as_of and not any(p.column == "walk_as_of" for p in problems):
        year = int(str(s.walk_as_of)[:4])
        if not s.earliest_year <= year <= s.latest_year:
            problems.append(_problem(file, "walk_as_of", s.walk_as_of,
                                     f"ligger utanför åren {s.earliest_year}–{s.latest_year}",
                                     SCHEMA["walk_as_of"]))
    if problems:
        raise DataError(problems, title="Inställningarna kan inte användas")
    return settings


def _problem(file: str, name: str, value: object, why: str, rule: Rule) -> Problem:
    hint = "Tillåtet: " + rule.allowed() + (f" ({rule.note})" if rule.note else "") + "."
    return Problem(file, None, name, None if value is None else str(value), WRONG_TYPE,
                   why + ".", hint)


def read_settings(path: str | os.PathLike, base: Settings | None = None) -> Settings:
    """Settings from a YAML file of ``name: value`` pairs over ``base`` (default: the defaults).

    Every value is checked against ``SCHEMA`` (type, range, allowed values) and the rules
    between settings; an unknown name, a wrong type or a value out of range is a
    ``DataError`` naming the file, the setting and what is allowed.
    """
    path = Path(path)
    base = base or Settings()
    raw, _ = read_yaml(path, what="Inställningarna")
    raw = raw or {}
    if not isinstance(raw, dict):
        raise DataError([Problem(path.name, None, None, None, UNREADABLE,
                                 "filen ska ha en inställning per rad (namn: värde).",
                                 "T.ex. min_n: 30")], title="Inställningarna kan inte användas")
    known = {f.name for f in fields(Settings)}
    problems, values = [], {}
    for name, value in raw.items():
        if name not in known:
            problems.append(Problem(path.name, None, str(name), None, UNKNOWN_SETTING,
                                    "okänd inställning.",
                                    "Kända: " + ", ".join(sorted(known)) + "."))
            continue
        checked, why = _check_value(name, value, SCHEMA[name])
        if why:
            problems.append(_problem(path.name, name, value, why, SCHEMA[name]))
        else:
            values[name] = checked
    if problems:
        raise DataError(problems, title="Inställningarna kan inte användas")
    return validate_settings(replace(base, **values), path.name)
