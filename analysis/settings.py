"""Default parameters in one place. Every function also takes them as arguments.

A kommun changes them without touching code in ``installningar.yaml`` in its raw
folder (``data/raw/installningar.yaml``), e.g.::

    kommunkod: "1285"
    kommun_namn: Eslövs kommun
    min_n: 30
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

import yaml

from analysis.problems import DataError, Problem

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
    # The kommun whose outline (geodata/kommun.geojson) points are checked against.
    kommunkod: str = "1285"
    kommun_namn: str = "Eslövs kommun"
    # Safety walks: the kommun's target time for a fix (six months), the distance within
    # which a later observation counts as the same spot (and whether it must be of the same
    # category), the fewest areas for a meaningful rank correlation with the survey, and the
    # follow-up date (None = the last date in the walk data; never today's date).
    walk_target_days: int = 183
    walk_repeat_distance_m: float = 25.0
    walk_repeat_same_category: bool = True
    walk_min_areas_correlation: int = 5
    walk_as_of: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def read_settings(path: str | os.PathLike, base: Settings | None = None) -> Settings:
    """Settings from a YAML file of ``name: value`` pairs over ``base`` (default: the defaults).

    An unknown name or a value of the wrong type is a ``DataError`` naming the file and the name.
    """
    path = Path(path)
    base = base or Settings()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except yaml.YAMLError as exc:
        raise DataError([Problem(path.name, None, None, None, "olasbar_fil",
                                 f"filen är inte giltig YAML ({exc.__class__.__name__}).",
                                 "Skriv en inställning per rad: namn: värde.")],
                        title="Inställningarna kan inte läsas") from exc
    if not isinstance(raw, dict):
        raw = {"": raw}
    known = {f.name: f for f in fields(Settings)}
    problems, values = [], {}
    for name, value in raw.items():
        if name not in known:
            problems.append(Problem(path.name, None, str(name), None, "okand_installning",
                                    "okänd inställning.",
                                    "Kända: " + ", ".join(sorted(known)) + "."))
            continue
        default = getattr(base, name)
        if isinstance(default, bool) and not isinstance(value, bool) or (
                isinstance(default, int | float) and not isinstance(default, bool)
                and (isinstance(value, bool) or not isinstance(value, int | float))):
            problems.append(Problem(path.name, None, str(name), str(value), "fel_typ",
                                    f"ska vara {type(default).__name__}.", ""))
            continue
        if isinstance(default, str) and not isinstance(value, str):
            value = str(value)
        if isinstance(default, float) and isinstance(value, int):
            value = float(value)
        values[name] = value
    if problems:
        raise DataError(problems, title="Inställningarna kan inte användas")
    return replace(base, **values)
