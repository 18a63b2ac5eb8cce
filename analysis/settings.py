"""Default parameters in one place. Every function also takes them as arguments."""

from __future__ import annotations

from dataclasses import asdict, dataclass


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
